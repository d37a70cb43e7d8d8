"""Parsers: HTML, Markdown (with front matter) and plain text, all producing the same ``Post``."""

from __future__ import annotations

from dataclasses import replace

from ..facts import page_facts
from ..model import Post
from ..sources import Document
from .base import NotAPost, ParseError, check_body, decide_language

__all__ = ["NotAPost", "ParseError", "check_body", "decide_language", "parse"]


def parse(document: Document, html_selector: str | None = None, language: str | None = None,
          keyphrase: str | None = None, synonyms: "str | list[str] | None" = None) -> Post:
    """Parse a decoded document into the model, dispatching on its format, with its page facts filled in."""
    if document.format in ("html", "docx"):
        from .html import parse_html

        post = parse_html(document, html_selector, language)
    elif document.format == "markdown":
        from .markdown import parse_markdown

        post = parse_markdown(document, language)
    else:
        from .text import parse_text

        post = parse_text(document, language)
    return replace(post, facts=page_facts(post, keyphrase, synonyms))
