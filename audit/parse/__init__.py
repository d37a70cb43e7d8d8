"""Parsers: HTML, Markdown (with front matter) and plain text, all producing the same ``Post``."""

from __future__ import annotations

from ..model import Block, Post
from ..sources import Document


class ParseError(Exception):
    """The input could not be parsed; the message says why, for the user."""


def parse(document: Document, html_selector: str | None = None, language: str | None = None) -> Post:
    """Parse a decoded document into the model, dispatching on its format."""
    if document.format == "html":
        from .html import parse_html

        return parse_html(document, html_selector, language)
    if document.format == "markdown":
        from .markdown import parse_markdown

        return parse_markdown(document, language)
    from .text import parse_text

    return parse_text(document, language)


def decide_language(declared: object, configured: object, blocks: tuple[Block, ...] | list[Block]) -> dict[str, str]:
    """``language`` and ``language_source`` for a Post: declared, else configured, else detected from the text."""
    from ..language import decide

    sample: list[str] = []
    size = 0
    for block in blocks:
        for text in (block.text, *(item.text for item in block.items)):
            sample.append(text)
            size += len(text)
        if size > 20_000:
            break
    language, source = decide(declared, configured, "\n".join(sample))
    return {"language": language, "language_source": source}
