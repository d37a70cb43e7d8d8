"""Parsers: HTML, Markdown (with front matter) and plain text, all producing the same ``Post``."""

from __future__ import annotations

from ..model import Post
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


def normalise_language(value: object, fallback: str = "en") -> str:
    """A two-letter language code from 'es-MX', 'en_US', 'Spanish' and the like."""
    if not isinstance(value, str) or not value.strip():
        return fallback
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return {"spanish": "es", "español": "es", "english": "en"}.get(code, code)
