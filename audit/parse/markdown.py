"""Markdown with YAML front matter, parsed by markdown-it-py (CommonMark, tables, footnotes)."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from ..model import CODE, HEADING, LIST, PARAGRAPH, QUOTE, TABLE, Block, FootnoteDef, Image, Link, Post
from ..sources import Document
from . import frontmatter
from .base import decide_language
from ..textstats import LINE_BREAK
from .html import fragment_blocks


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    return MarkdownIt("commonmark").enable("table").use(footnote_plugin)


class _Inline:
    """Text, links, images and footnote markers of one inline token."""

    def __init__(self, token: Any, first_line: int):
        self.text_parts: list[str] = []
        self.links: list[Link] = []
        self.images: list[Image] = []
        self.footnotes: list[str] = []
        line = first_line
        strong = 0  # depth of ** … ** around the current text
        plain_text = bold_text = False
        self.first_line_bold = False  # "**1) Easy forward bend**" then a line break, then the text
        first_break: int | None = None
        open_links: list[tuple[str, int, int, str]] = []  # href, line, start index in text_parts, rel
        for child in token.children or []:
            kind = child.type
            if kind in ("text", "code_inline"):
                self.text_parts.append(child.content)
                if child.content.strip():
                    bold_text, plain_text = bold_text or strong > 0, plain_text or strong == 0
            elif kind == "strong_open":
                strong += 1
            elif kind == "strong_close":
                strong -= 1
            elif kind in ("softbreak", "hardbreak"):
                if first_break is None:
                    first_break = len(self.text_parts)
                    self.first_line_bold = bold_text and not plain_text
                # a hard break is drawn on the page: it ends a sentence (a line of a pseudo-list), a soft one does not
                self.text_parts.append(LINE_BREAK + "\n" if kind == "hardbreak" else "\n")
                line += 1
            elif kind == "link_open":
                open_links.append((str(child.attrGet("href") or ""), line, len(self.text_parts), ""))
            elif kind == "link_close" and open_links:
                href, at, start, rel = open_links.pop()
                self.links.append(Link(href, "".join(self.text_parts[start:]).strip(), at, rel))
            elif kind == "image":
                self.images.append(Image(str(child.attrGet("src") or ""), child.content, line))
            elif kind == "footnote_ref":
                self.footnotes.append(str(child.meta.get("label", child.meta.get("id", ""))))
            elif kind == "html_inline":
                self._html_inline(child.content, line, open_links)

        self.bold = bold_text and not plain_text

    def _html_inline(self, tag: str, line: int, open_links: list[tuple[str, int, int, str]]) -> None:
        """Inline HTML as a browser shows it: <a href> is a link, <img> an image, <br> a line break."""
        match = _TAG.match(tag)
        if not match:
            return
        closing, name = bool(match.group(1)), match.group(2).lower()
        attributes = _attributes(tag)
        if name == "a" and not closing:
            open_links.append((attributes.get("href", ""), line, len(self.text_parts), attributes.get("rel", "")))
        elif name == "a" and open_links:
            href, at, start, rel = open_links.pop()
            self.links.append(Link(href, "".join(self.text_parts[start:]).strip(), at, " ".join(rel.split())))
        elif name == "img":
            self.images.append(Image(attributes.get("src", ""), attributes.get("alt"), line, html=True))
        elif name == "br":
            self.text_parts.append(LINE_BREAK)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_LI_OPEN = re.compile(r"<li[\s>]", re.IGNORECASE)
_LI_CLOSE = re.compile(r"</li\s*>", re.IGNORECASE)


def _open_items_dropped(blocks: list[Block], html: str) -> list[Block]:
    """``<li>`` left open at the end of an HTML block holds the Markdown that follows: it is not an empty item.

    (``<ul><li>``, a blank line, a Markdown paragraph, ``</li></ul>``: the page shows a list with text in it.)
    """
    unclosed = len(_LI_OPEN.findall(html)) - len(_LI_CLOSE.findall(html))
    if unclosed <= 0:
        return blocks
    out = []
    for block in blocks:
        if block.kind == LIST:
            items = tuple(item for item in block.items if item.plain or item.images)
            if not items:
                continue
            block = Block(LIST, block.text, block.line, items=items, ordered=block.ordered)
        out.append(block)
    return out
_ATTRIBUTE = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
# A Markdown heading line inside an HTML block: CommonMark renders it as literal text.
_SWALLOWED_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(\S.*?)[ \t#]*$")


_KEY = re.compile(r'^\s*"?([A-Za-z_][\w-]*)"?\s*[:=]')


def _key_line(lines: tuple[str, ...], front_matter_lines: int, key: str) -> int:
    """The line of a front-matter key (YAML, TOML or JSON), or the front matter's second line."""
    for number, line in enumerate(lines[:front_matter_lines], start=1):
        match = _KEY.match(line)
        if match and match.group(1).lower() == key:
            return number
    return 2


def _attributes(tag: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(tag):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        found.setdefault(match.group(1).lower(), html.unescape(value))
    return found


def _swallowed_headings(content: str, first_line: int) -> list[dict[str, Any]]:
    """'## Heading' lines an HTML block swallowed (no blank line after the HTML): shown as text, not headings."""
    out = []
    for offset, line in enumerate(content.splitlines()):
        match = _SWALLOWED_HEADING.match(line)
        if match and offset > 0:
            out.append({"line": first_line + offset, "level": len(match.group(1)), "text": match.group(2)})
    return out


def parse_markdown(document: Document, language: str | None = None) -> Post:
    meta, body, offset = frontmatter.split(document.text)
    tokens = _parser().parse(body)
    blocks: list[Block] = []
    footnotes: list[FootnoteDef] = []
    swallowed: list[dict[str, Any]] = []
    i = 0
    n = len(tokens)

    def line_of(token: Any) -> int:
        return (token.map[0] if token.map else 0) + 1 + offset

    def collect_inline(start: int, close_type: str) -> tuple[str, list[Link], list[Image], list[str], int]:
        """Join the inline content up to the matching close token."""
        parts, links, images, notes = [], [], [], []
        depth = 0
        j = start
        opener = close_type.replace("_close", "_open")
        while j < n:
            tok = tokens[j]
            if tok.type == opener:
                depth += 1
            elif tok.type == close_type:
                depth -= 1
                if depth == 0:
                    break
            elif tok.type == "inline":
                inline = _Inline(tok, line_of(tok))
                parts.append(inline.text)
                links += inline.links
                images += inline.images
                notes += inline.footnotes
            j += 1
        return "\n".join(p for p in parts if p), links, images, notes, j

    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind == "heading_open":
            inline = _Inline(tokens[i + 1], line_of(tok))
            blocks.append(
                Block(HEADING, inline.text, line_of(tok), level=int(tok.tag[1]), links=tuple(inline.links),
                      images=tuple(inline.images), footnote_refs=tuple(inline.footnotes))
            )
            i += 3
        elif kind == "paragraph_open":
            inline = _Inline(tokens[i + 1], line_of(tok))
            label, rest = inline.text.split("\n", 1) if inline.first_line_bold else ("", "")
            if label.strip() and rest.strip() and not inline.links:
                # a bold label on a line of its own reads as a heading-like line, then the paragraph
                blocks.append(Block(PARAGRAPH, label, line_of(tok), bold=True))
                blocks.append(Block(PARAGRAPH, rest, line_of(tok) + 1, images=tuple(inline.images),
                                    footnote_refs=tuple(inline.footnotes)))
                i += 3
                continue
            blocks.append(
                Block(PARAGRAPH, inline.text, line_of(tok), links=tuple(inline.links),
                      images=tuple(inline.images), footnote_refs=tuple(inline.footnotes), bold=inline.bold)
            )
            i += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items, i = _list_items(tokens, i, line_of, collect_inline)
            blocks.append(Block(LIST, "", line_of(tok), items=tuple(items), ordered=kind.startswith("ordered")))
        elif kind == "blockquote_open":
            text, links, images, notes, i = collect_inline(i, "blockquote_close")
            blocks.append(Block(QUOTE, text, line_of(tok), links=tuple(links), images=tuple(images), footnote_refs=tuple(notes)))
            i += 1
        elif kind in ("fence", "code_block"):
            blocks.append(Block(CODE, tok.content, line_of(tok)))
            i += 1
        elif kind == "table_open":
            text, links, images, notes, i = collect_inline(i, "table_close")
            blocks.append(Block(TABLE, text, line_of(tok), links=tuple(links), footnote_refs=tuple(notes)))
            i += 1
        elif kind == "footnote_block_open":
            i = _footnotes(tokens, i, footnotes, line_of, collect_inline)
        elif kind == "html_block":
            # raw HTML is real structure on the rendered page: headings, lists, links, images
            html_blocks, html_notes = fragment_blocks(tok.content, line_of(tok))
            blocks.extend(_open_items_dropped(html_blocks, tok.content))
            footnotes.extend(html_notes)
            swallowed.extend(_swallowed_headings(tok.content, line_of(tok)))
            i += 1
        else:
            i += 1

    if swallowed:
        meta = {**meta, "swallowed_headings": swallowed}
    title = str(meta.get("title") or "").strip()
    first_h1 = next((b for b in blocks if b.kind == HEADING and b.level == 1), None)
    lines = tuple(document.text.splitlines())
    return Post(
        source=document.source,
        format="markdown",
        blocks=tuple(blocks),
        meta=meta,
        title=title or (first_h1.plain if first_h1 else ""),
        title_line=(_key_line(lines, offset, "title") if title else (first_h1.line if first_h1 else 0)),
        title_is_h1=bool(title),
        **decide_language(meta.get("lang") or meta.get("language") or meta.get("locale"), language, blocks),
        footnotes=tuple(footnotes),
        lines=lines,
    )


def _list_items(tokens: list[Any], i: int, line_of: Any, collect_inline: Any) -> tuple[list[Block], int]:
    """Items of a list (nested lists flattened in order); returns the index after the list."""
    items: list[Block] = []
    depth = 0
    j = i
    n = len(tokens)
    while j < n:
        tok = tokens[j]
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                return items, j + 1
        elif tok.type == "list_item_open":
            # the item's own text: inline tokens before a nested list or the item's end
            parts, links, images, notes = [], [], [], []
            k = j + 1
            while k < n and tokens[k].type not in ("list_item_close", "bullet_list_open", "ordered_list_open"):
                if tokens[k].type == "inline":
                    inline = _Inline(tokens[k], line_of(tokens[k]))
                    parts.append(inline.text)
                    links += inline.links
                    images += inline.images
                    notes += inline.footnotes
                k += 1
            items.append(Block(PARAGRAPH, "\n".join(parts), line_of(tok), links=tuple(links),
                               images=tuple(images), footnote_refs=tuple(notes)))
        j += 1
    return items, j


def _footnotes(tokens: list[Any], i: int, out: list[FootnoteDef], line_of: Any, collect_inline: Any) -> int:
    n = len(tokens)
    j = i + 1
    while j < n and tokens[j].type != "footnote_block_close":
        tok = tokens[j]
        if tok.type == "footnote_open":
            label = str(tok.meta.get("label", tok.meta.get("id", "")))
            text, _links, _images, _notes, end = collect_inline(j, "footnote_close")
            line = next((line_of(t) for t in tokens[j:end] if t.map), line_of(tok))
            out.append(FootnoteDef(label, text, line))
            j = end
        j += 1
    return j + 1
