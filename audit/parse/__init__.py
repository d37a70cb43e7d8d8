"""Parsers: HTML, Markdown (with front matter) and plain text, all producing the same ``Post``."""

from __future__ import annotations

from ..model import Post
from ..sources import Document
from .base import NotAPost, ParseError, check_body, decide_language

__all__ = ["NotAPost", "ParseError", "check_body", "decide_language", "parse"]


def parse(document: Document, html_selector: str | None = None, language: str | None = None) -> Post:
    """Parse a decoded document into the model, dispatching on its format."""
    if document.format in ("html", "docx"):
        from .html import parse_html

        return parse_html(document, html_selector, language)
    if document.format == "markdown":
        from .markdown import parse_markdown

        return parse_markdown(document, language)
    from .text import parse_text

    return parse_text(document, language)
