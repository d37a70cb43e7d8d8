"""HTML pages and fragments, parsed by BeautifulSoup.

Only the article is audited, not the site chrome: a user-given CSS selector,
else ``<article>``, ``<main>`` or ``[role=main]``, else ``<body>``.  Page-level
metadata (title, meta description, canonical, robots, Open Graph, JSON-LD,
``<time>``) is read from the whole page for the SEO and trust rules.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from ..model import CODE, HEADING, LIST, PARAGRAPH, QUOTE, TABLE, Block, FootnoteDef, Image, Link, Post
from ..sources import Document
from ..suppress import find_directives
from . import ParseError, normalise_language

MAX_DEPTH = 400  # deeper nesting is not an article; refuse it with a clear message
SKIPPED = {"script", "style", "noscript", "template", "nav", "svg", "iframe", "form", "button", "select", "head"}
INLINE = {"a", "strong", "em", "b", "i", "u", "span", "sup", "sub", "small", "abbr", "cite", "time", "code", "mark",
          "q", "s", "del", "ins", "font", "label"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_FOOTNOTE_ID = re.compile(r"^(?:fn|ref|note|cite[-_]note|footnote)[-_:]?(.+)$", re.IGNORECASE)


def parse_html(document: Document, selector: str | None = None, language: str | None = None) -> Post:
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(document.text, "html.parser")
    except RecursionError:
        raise ParseError(f"HTML is nested deeper than {MAX_DEPTH} levels") from None
    root = _content_root(soup, selector)
    meta = _page_meta(soup)
    walker = _Walker()
    try:
        walker.walk(root)
    except RecursionError:
        raise ParseError(f"HTML is nested deeper than {MAX_DEPTH} levels") from None
    blocks = walker.blocks
    first_h1 = next((b for b in blocks if b.kind == HEADING and b.level == 1), None)
    lines = tuple(document.text.splitlines())
    title = meta.get("title") or (first_h1.plain if first_h1 else "")
    html_tag = soup.find("html")
    lang = (html_tag.get("lang") if html_tag else None) or meta.get("og:locale")
    return Post(
        source=document.source,
        format="html",
        blocks=tuple(blocks),
        meta=meta,
        title=title,
        title_line=meta.get("title_line", first_h1.line if first_h1 else 0),
        title_is_h1=False,
        language=normalise_language(lang, language or "en"),
        footnotes=tuple(walker.footnotes),
        suppressions=find_directives(lines),
        lines=lines,
    )


def _content_root(soup: Any, selector: str | None) -> Any:
    if selector:
        try:
            found = soup.select_one(selector)
        except Exception as exc:  # soupsieve raises its own error type for bad selectors
            raise ParseError(f"invalid CSS selector {selector!r}: {exc}") from None
        if found is None:
            raise ParseError(f"no element matches the selector {selector!r}")
        return found
    for candidate in (soup.find("article"), soup.find("main"), soup.find(attrs={"role": "main"}), soup.body):
        if candidate is not None:
            return candidate
    return soup


class _Walker:
    """Turns the content element into blocks in document order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.footnotes: list[FootnoteDef] = []

    def walk(self, element: Any, depth: int = 0) -> None:
        from bs4 import Comment, NavigableString, Tag

        if depth > MAX_DEPTH:
            raise ParseError(f"HTML is nested deeper than {MAX_DEPTH} levels")
        loose: list[Any] = []  # text and inline elements between blocks form a paragraph
        for child in element.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if child.strip() or loose:
                    loose.append(child)
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in SKIPPED or child.get("hidden") is not None or child.get("aria-hidden") == "true":
                continue
            if name in INLINE and not _has_block_child(child):
                loose.append(child)
                continue
            self._flush(loose, element)
            loose = []
            self._block(child, depth)
        self._flush(loose, element)

    def _flush(self, nodes: list[Any], parent: Any) -> None:
        text = "".join(node.get_text() if hasattr(node, "get_text") else str(node) for node in nodes).strip()
        if not text:
            return
        line = next((n.sourceline for n in nodes if getattr(n, "sourceline", None)), None)
        if line is None:
            line = (parent.sourceline or 1) + _leading_newlines(nodes)
        links, images, notes = [], [], []
        for node in nodes:
            if hasattr(node, "find_all"):
                parts = _inline_parts(node, include_self=True)
                links += parts["links"]
                images += parts["images"]
                notes += parts["footnote_refs"]
        self.blocks.append(Block(PARAGRAPH, text, line, links=tuple(links), images=tuple(images), footnote_refs=tuple(notes)))

    def _block(self, tag: Any, depth: int) -> None:
        name = tag.name
        line = tag.sourceline or 1
        role_level = tag.get("aria-level") if tag.get("role") == "heading" else None
        if name in HEADINGS or role_level:
            level = int(name[1]) if name in HEADINGS else _int(role_level, 2)
            self.blocks.append(Block(HEADING, tag.get_text(), line, level=level, **_inline_parts(tag)))
        elif name == "p":
            self.blocks.append(Block(PARAGRAPH, _text(tag), line, **_inline_parts(tag)))
        elif name in ("ul", "ol"):
            if self._is_footnote_list(tag):
                return
            items = tuple(self._items(tag))
            self.blocks.append(Block(LIST, "", line, items=items, ordered=name == "ol"))
        elif name == "blockquote":
            self.blocks.append(Block(QUOTE, _text(tag), line, **_inline_parts(tag)))
        elif name == "pre":
            self.blocks.append(Block(CODE, tag.get_text(), line))
        elif name == "table":
            self.blocks.append(Block(TABLE, tag.get_text(" "), line, **_inline_parts(tag)))
        elif name == "img":
            self.blocks.append(Block(PARAGRAPH, "", line, images=(Image(tag.get("src", ""), tag.get("alt"), line),)))
        elif name in ("br", "hr", "wbr"):
            return
        else:
            self.walk(tag, depth + 1)

    def _items(self, list_tag: Any) -> Iterator[Block]:
        for li in list_tag.find_all("li", recursive=False):
            nested = li.find_all(["ul", "ol"], recursive=False)
            for sub in nested:
                sub.extract()
            yield Block(PARAGRAPH, _text(li), li.sourceline or list_tag.sourceline or 1, **_inline_parts(li))
            for sub in nested:
                yield from self._items(sub)

    def _is_footnote_list(self, list_tag: Any) -> bool:
        """An <ol> whose items carry footnote ids ("fn1", "ref-2") is a footnote list."""
        items = list_tag.find_all("li", recursive=False)
        matched = [(li, _FOOTNOTE_ID.match(li.get("id", ""))) for li in items]
        if not items or not all(m for _, m in matched):
            return False
        for li, match in matched:
            self.footnotes.append(FootnoteDef(match.group(1), _text(li), li.sourceline or 1))  # type: ignore[union-attr]
        return True


def _has_block_child(tag: Any) -> bool:
    return tag.find(["p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"]) is not None


def _text(tag: Any) -> str:
    """Text of an element with <br> as a line break, keeping the source's own line breaks."""
    for br in tag.find_all("br"):
        br.replace_with("\n")
    return tag.get_text()


def _leading_newlines(nodes: list[Any]) -> int:
    first = str(nodes[0]) if nodes else ""
    return first[: len(first) - len(first.lstrip())].count("\n")


def _inline_parts(tag: Any, include_self: bool = False) -> dict[str, Any]:
    links = []
    notes = []
    anchors = ([tag] if include_self and tag.name == "a" else []) + tag.find_all("a")
    for a in anchors:
        href = str(a.get("href") or "")
        links.append(Link(href, a.get_text(" ", strip=True), a.sourceline or tag.sourceline or 1, " ".join(a.get("rel") or [])))
        if href.startswith("#"):
            match = _FOOTNOTE_ID.match(href[1:])
            if match:
                notes.append(match.group(1))
    found = ([tag] if include_self and tag.name == "img" else []) + tag.find_all("img")
    images = [Image(str(img.get("src") or ""), img.get("alt"), img.sourceline or 1) for img in found]
    return {"links": tuple(links), "images": tuple(images), "footnote_refs": tuple(notes)}


def _int(value: Any, default: int) -> int:
    try:
        return max(1, min(6, int(value)))
    except (TypeError, ValueError):
        return default


def _page_meta(soup: Any) -> dict[str, Any]:
    """Page-level metadata, keyed by common names (title, description, canonical, og:*, json_ld…)."""
    meta: dict[str, Any] = {}
    if soup.title and soup.title.string:
        meta["title"] = " ".join(soup.title.string.split())
        meta["title_line"] = soup.title.sourceline or 1
    for tag in soup.find_all("meta"):
        key = tag.get("name") or tag.get("property")
        content = tag.get("content")
        if key and content is not None:
            meta[str(key).lower()] = str(content).strip()
    canonical = soup.find("link", rel="canonical")
    if canonical is not None:
        meta["canonical"] = canonical.get("href", "")
    times = [{"datetime": t.get("datetime", ""), "text": t.get_text(" ", strip=True), "line": t.sourceline}
             for t in soup.find_all("time")]
    if times:
        meta["times"] = times
    json_ld = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            json_ld.append(json.loads(script.string or ""))
        except ValueError:
            json_ld.append({"_invalid": True, "_line": script.sourceline})
    if json_ld:
        meta["json_ld"] = json_ld
    return meta
