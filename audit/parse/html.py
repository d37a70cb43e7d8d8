"""HTML pages and fragments, parsed by lxml (libxml2's HTML parser).

lxml is the fastest parser BeautifulSoup can drive, and used directly it also
gives every element the source line it starts on, which every finding needs
(through BeautifulSoup, lines exist only with the much slower ``html.parser``).
Text between elements has no line of its own; it starts on the line of the
element that follows it, less the line breaks it holds.  libxml2's HTML parser
stores lines in 16 bits, so in a page longer than 65,535 lines everything past
that line is reported on line 65,535 (posts are a few hundred lines).

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
from ..textstats import LINE_BREAK
from . import chrome
from .base import ParseError, decide_language

MAX_DEPTH = 400  # deeper nesting is not an article; refuse it with a clear message
SKIPPED = {"script", "style", "noscript", "template", "nav", "svg", "iframe", "form", "button", "select", "head"}
INLINE = {"a", "strong", "em", "b", "i", "u", "span", "sup", "sub", "small", "abbr", "cite", "time", "code", "mark",
          "q", "s", "del", "ins", "font", "label"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCK_INSIDE = ("p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote")
NO_TEXT = ("script", "style", "template")  # their content is never page text
_FOOTNOTE_ID = re.compile(r"^(?:fn|ref|note|cite[-_]note|footnote)[-_:]?(.+)$", re.IGNORECASE)
# libxml2 refuses str input that declares an encoding; the text is already decoded, so blank it out.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_html(document: Document, selector: str | None = None, language: str | None = None) -> Post:
    text = document.text
    positions = "lines"
    if document.format == "docx":
        positions = "paragraphs"
    elif _one_long_line(text):
        # a Google Docs export is one long line: give each block a line, so findings point at blocks, not 1:1
        text = _BLOCK_TAG.sub("\n", text)
        positions = "blocks"
    tree = _parse_tree(text)
    meta = _page_meta(tree)
    _drop_non_text(tree)
    root, content = _content_root(tree, selector)
    walker = _Walker()
    try:
        walker.walk(root)
    except RecursionError:
        raise ParseError(f"HTML is nested deeper than {MAX_DEPTH} levels") from None
    blocks = walker.blocks
    meta["content"] = content
    if positions != "lines":
        meta["positions"] = positions
    first_h1 = next((b for b in blocks if b.kind == HEADING and b.level == 1), None)
    lines = tuple(text.splitlines())
    title = meta.get("title") or (first_h1.plain if first_h1 else "")
    lang = tree.get("lang") if tree.tag == "html" else None
    body = next(tree.iter("body"), None)
    body_lang = body.get("lang") if body is not None else None  # Word's "Save as Web Page" puts it on <body>
    declared = lang or body_lang or meta.get("og:locale")
    return Post(
        source=document.source,
        format=document.format,
        blocks=tuple(blocks),
        meta=meta,
        title=title,
        title_line=meta.get("title_line", first_h1.line if first_h1 else 0),
        title_is_h1=False,
        **decide_language(declared, language, blocks),
        footnotes=tuple(walker.footnotes),
        lines=lines,
    )


_BLOCK_TAG = re.compile(r"(?=<(?:p|h[1-6]|li|ul|ol|table|tr|div|section|article|blockquote|br)[\s/>])", re.IGNORECASE)


def _one_long_line(text: str) -> bool:
    """An export with no line breaks (Google Docs), or a page builder's body on one line: most of the page on
    one line of several kilobytes, so line numbers would not tell blocks apart."""
    if len(text) <= 3000:
        return False
    return text.count("\n") < 4 or max(map(len, text.split("\n"))) * 2 > len(text)


def fragment_blocks(html: str, first_line: int) -> tuple[list[Block], list[FootnoteDef]]:
    """Blocks of an HTML fragment (raw HTML inside Markdown) whose first line is ``first_line`` of the post."""
    # leading line breaks make libxml2 count the post's own lines
    tree = _parse_tree("\n" * (first_line - 1) + html)
    _drop_non_text(tree)
    walker = _Walker()
    try:
        walker.walk(next(tree.iter("body"), tree))
    except RecursionError:
        raise ParseError(f"HTML is nested deeper than {MAX_DEPTH} levels") from None
    return walker.blocks, walker.footnotes


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _parse_tree(text: str) -> Any:
    """The document's root element, shaped as an HTML5 browser would build it.

    libxml2 follows HTML 4 and predates HTML5's elements; the fix-ups below are
    the HTML5 tree-construction rules that change what a reader sees.
    """
    from lxml import etree

    declaration = _XML_DECLARATION.match(text)
    if declaration:  # keep its line breaks so every line number stays true
        text = re.sub(r"[^\n]", " ", declaration.group(0)) + text[declaration.end():]
    # A browser keeps reading after </body> and </html> (HTML5 "after body" mode): blank the tags, keep the lines.
    # Characters XML cannot hold (NUL, ESC and the other C0 controls, lone surrogates) are dropped: lxml refuses
    # them when a fix-up sets an element's text, and a browser shows none of them.
    text = _LATE_END_TAGS.sub(lambda m: " " * len(m.group(0)), _NOT_XML.sub("", text))
    # huge_tree lifts libxml2's depth limit of 256, so our own, clearer limit applies
    parser = etree.HTMLParser(huge_tree=True, no_network=True)
    root = etree.fromstring(text, parser) if text.strip() else None
    if root is None:
        return etree.fromstring("<html></html>", parser)
    _body_out_of_head(root)
    _close_paragraphs_at_blocks(root)
    _word_lists(root)
    return root


_LATE_END_TAGS = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
# What HTML5 lets stay in <head>; any other element ends the head and starts the body.
HEAD_ELEMENTS = {"base", "basefont", "bgsound", "link", "meta", "title", "noscript", "noframes", "style", "script",
                 "template"}
# HTML5 block elements that close an open <p> (libxml2 only knows the HTML 4 ones).
HTML5_BLOCKS = {"section", "article", "aside", "header", "footer", "nav", "main", "figure", "figcaption", "details",
                "summary", "address", "dialog", "hgroup", "menu", "search", "fieldset", "div", "ul", "ol", "dl", "table",
                "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "form"}


def _body_out_of_head(root: Any) -> None:
    """Move what libxml2 left in <head> after the first non-head element into <body> (HTML5 "in head" mode)."""
    from lxml import etree

    head = next((child for child in root if child.tag == "head"), None)
    if head is None:
        return
    stray = None
    for child in head:
        if isinstance(child.tag, str) and child.tag not in HEAD_ELEMENTS:
            stray = child
            break
    if stray is None:
        return
    moving = [stray, *stray.itersiblings()]
    body = next((child for child in root if child.tag == "body"), None)
    if body is None:
        body = etree.SubElement(root, "body")
        head.addnext(body)
    for at, element in enumerate(moving):
        body.insert(at, element)


def _close_paragraphs_at_blocks(root: Any) -> None:
    """A block element inside <p> closes the paragraph: it and what follows become the p's siblings."""
    for p in list(root.iter("p")):
        block = next((child for child in p if isinstance(child.tag, str) and child.tag in HTML5_BLOCKS), None)
        if block is None:
            continue
        moving = [block, *block.itersiblings()]
        anchor = p
        for element in moving:
            anchor.addnext(element)
            anchor = element


def _drop_non_text(tree: Any) -> None:
    """Remove comments, scripts, styles and templates (read already for metadata); br becomes a line break."""
    from lxml import etree

    etree.strip_elements(tree, *NO_TEXT, with_tail=False)
    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
    for br in tree.iter("br"):
        br.text = LINE_BREAK  # a drawn line break: it ends a line of a pseudo-list, and a sentence


def _content_root(tree: Any, selector: str | None) -> tuple[Any, dict[str, Any]]:
    """The element holding the post, and what was audited: {"element": …, "dropped": […]}."""
    if selector:
        from cssselect import HTMLTranslator, SelectorError

        try:
            xpath = HTMLTranslator().css_to_xpath(selector)
        except SelectorError as exc:
            raise ParseError(f"invalid CSS selector {selector!r}: {exc}") from None
        found = tree.xpath(xpath)
        if not found:
            raise ParseError(f"no element matches the selector {selector!r}")
        return found[0], {"element": f"selector {selector}", "dropped": []}
    dropped = chrome.drop_site_chrome(tree) + chrome.drop_post_listings(tree)
    articles = [a for a in tree.iter("article")]
    if articles:
        best = max(articles, key=chrome.text_length)
        # A page of article cards (related posts) with the post elsewhere: the biggest card is not the post.
        if len(articles) == 1 or chrome.text_length(best) * 2 >= chrome.text_length(tree):
            return best, {"element": "article", "dropped": dropped}
    for path, name in (("//main", "main"), ("//*[@role='main']", "[role=main]"), ("//body", "body")):
        found = tree.xpath(path)
        if found:
            return found[0], {"element": name, "dropped": dropped}
    return tree, {"element": "html", "dropped": dropped}


class _Walker:
    """Turns the content element into blocks in document order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.footnotes: list[FootnoteDef] = []

    def walk(self, element: Any, depth: int = 0, hidden_on: frozenset[str] = frozenset()) -> None:
        if depth > MAX_DEPTH:
            raise ParseError(f"HTML is nested deeper than {MAX_DEPTH} levels")
        # text and inline elements between blocks form a paragraph: (text, line) pairs or elements
        loose: list[Any] = []
        if element.text and element.text.strip():
            loose.append((element.text, _text_line(element.text, element, element[0] if len(element) else None)))
        for child in element:
            tail = child.tail
            name = child.tag
            screens = hidden_on | chrome.hidden_screens(child) if isinstance(name, str) else hidden_on
            if not isinstance(name, str) or name in SKIPPED or child.get("hidden") is not None \
                    or child.get("aria-hidden") == "true" or chrome.never_shown(child, screens):
                pass
            elif name in INLINE and not _has_block_child(child):
                loose.append(child)
            else:
                self._flush(loose, element)
                loose = []
                self._block(child, depth, screens)
            if tail and (tail.strip() or loose):
                loose.append((tail, _tail_line(child)))
        self._flush(loose, element)

    def _flush(self, nodes: list[Any], parent: Any) -> None:
        text = "".join(node[0] if isinstance(node, tuple) else _all_text(node) for node in nodes).strip()
        if not text:
            return
        first = nodes[0]
        if isinstance(first, tuple):
            line = first[1] + _leading_newlines(first[0])
        else:
            line = first.sourceline or parent.sourceline or 1
        links, images, notes = [], [], []
        for node in nodes:
            if not isinstance(node, tuple):
                parts = _inline_parts(node)
                links += parts["links"]
                images += parts["images"]
                notes += parts["footnote_refs"]
        self.blocks.append(Block(PARAGRAPH, text, line, links=tuple(links), images=tuple(images), footnote_refs=tuple(notes)))

    def _block(self, tag: Any, depth: int, hidden_on: frozenset[str] = frozenset()) -> None:
        name = tag.tag
        line = tag.sourceline or 1
        role_level = tag.get("aria-level") if tag.get("role") == "heading" else None
        if name in HEADINGS or role_level:
            level = int(name[1]) if name in HEADINGS else _int(role_level, 2)
            self.blocks.append(Block(HEADING, _all_text(tag), line, level=level, **_inline_parts(tag)))
        elif name == "p":
            self.blocks.append(Block(PARAGRAPH, _all_text(tag), line, bold=_bold_only(tag), **_inline_parts(tag)))
        elif name in ("ul", "ol"):
            if self._is_footnote_list(tag):
                return
            items = tuple(self._items(tag))
            self.blocks.append(Block(LIST, "", line, items=items, ordered=name == "ol"))
        elif name == "blockquote":
            self.blocks.append(Block(QUOTE, _all_text(tag), line, **_inline_parts(tag)))
        elif name == "pre":
            self.blocks.append(Block(CODE, _all_text(tag), line))
        elif name == "table":
            self.blocks.append(Block(TABLE, " ".join(tag.itertext()), line, **_inline_parts(tag)))
        elif name == "img":
            self.blocks.append(Block(PARAGRAPH, "", line, images=(Image(tag.get("src", ""), tag.get("alt"), line, html=True),)))
        elif name in ("br", "hr", "wbr"):
            return
        else:
            self.walk(tag, depth + 1, hidden_on)

    def _items(self, list_tag: Any) -> Iterator[Block]:
        for li in list_tag:
            if li.tag != "li":
                continue
            nested = [child for child in li if child.tag in ("ul", "ol")]
            line = li.sourceline or list_tag.sourceline or 1
            yield Block(PARAGRAPH, _all_text(li, nested), line, **_inline_parts(li, nested))
            for sub in nested:
                yield from self._items(sub)

    def _is_footnote_list(self, list_tag: Any) -> bool:
        """An <ol> whose items carry footnote ids ("fn1", "ref-2") is a footnote list."""
        items = [li for li in list_tag if li.tag == "li"]
        matched = [(li, _FOOTNOTE_ID.match(li.get("id", ""))) for li in items]
        if not items or not all(m for _, m in matched):
            return False
        for li, match in matched:
            self.footnotes.append(FootnoteDef(match.group(1), _all_text(li), li.sourceline or 1))  # type: ignore[union-attr]
        return True


def _bold_only(tag: Any) -> bool:
    """Every visible character of the element is inside <strong> or <b>."""
    total = "".join("".join(tag.itertext()).split())
    if not total:
        return False
    bold = "".join("".join("".join(b.itertext()) for b in tag.iter("strong", "b") if not any(
        a.tag in ("strong", "b") for a in b.iterancestors() if a is not tag)).split())
    return bold == total


def _word_lists(root: Any) -> None:
    """Word's "Save as Web Page" writes list items as <p class=MsoListParagraph…>: make each run a <ul>."""
    from lxml import etree

    for p in list(root.iter("p")):
        if not (p.get("class") or "").startswith("MsoListParagraph") or p.getparent() is None:
            continue
        previous = p.getprevious()
        if previous is not None and previous.tag == "ul" and previous.get("data-word-list") == "1":
            target = previous
        else:
            target = etree.Element("ul", {"data-word-list": "1"})
            target.sourceline = p.sourceline
            p.addprevious(target)
        tail = p.tail
        p.tail = None
        for marker in p.xpath(".//span[contains(translate(@style, ' ', ''), 'mso-list:Ignore')]"):
            chrome.remove_keeping_tail(marker)
        p.tag = "li"
        target.append(p)
        target.tail = tail


def _all_text(element: Any, skip: list[Any] | tuple[Any, ...] = ()) -> str:
    """The element's text (its tail excluded), leaving out the child elements in ``skip``."""
    if not skip:
        return "".join(element.itertext())
    parts = [element.text or ""]
    for child in element:
        if not any(child is s for s in skip):
            parts.extend(child.itertext())
        parts.append(child.tail or "")
    return "".join(parts)


def _has_block_child(tag: Any) -> bool:
    return next(tag.iterdescendants(*BLOCK_INSIDE), None) is not None


def _text_line(text: str, parent: Any, following: Any) -> int:
    """Line a text node starts on: the next element's line less the text's line breaks."""
    if following is not None and following.sourceline:
        return max(1, following.sourceline - text.count("\n"))
    return parent.sourceline or 1


def _tail_line(child: Any) -> int:
    """Line the text after ``child`` starts on."""
    following = child.getnext()
    tail = child.tail or ""
    if following is not None and following.sourceline:
        return max(1, following.sourceline - tail.count("\n"))
    return (child.sourceline or 1) + _all_text(child).count("\n")


def _leading_newlines(text: str) -> int:
    return text[: len(text) - len(text.lstrip())].count("\n")


def _inline_parts(tag: Any, skip: list[Any] | tuple[Any, ...] = ()) -> dict[str, Any]:
    """Links, images and footnote markers inside ``tag`` (itself included), outside the ``skip`` subtrees."""
    # a set of the elements themselves keeps their lxml proxies alive, so identity holds
    excluded = {el for sub in skip for el in sub.iter("a", "img")}
    links = []
    notes = []
    for a in tag.iter("a"):
        if a in excluded:
            continue
        href = str(a.get("href") or "")
        text = " ".join(s.strip() for s in a.itertext() if s.strip())
        links.append(Link(href, text, a.sourceline or tag.sourceline or 1, " ".join((a.get("rel") or "").split())))
        if href.startswith("#"):
            match = _FOOTNOTE_ID.match(href[1:])
            if match:
                notes.append(match.group(1))
    images = [Image(str(img.get("src") or ""), img.get("alt"), img.sourceline or 1, html=True)
              for img in tag.iter("img") if img not in excluded]
    return {"links": tuple(links), "images": tuple(images), "footnote_refs": tuple(notes)}


def _int(value: Any, default: int) -> int:
    try:
        return max(1, min(6, int(value)))
    except (TypeError, ValueError):
        return default


def _page_meta(tree: Any) -> dict[str, Any]:
    """Page-level metadata, keyed by common names (title, description, canonical, og:*, json_ld…)."""
    meta: dict[str, Any] = {}
    title = next(tree.iter("title"), None)
    if title is not None and title.text and len(title) == 0:
        meta["title"] = " ".join(title.text.split())
        meta["title_line"] = title.sourceline or 1
    for tag in tree.iter("meta"):
        key = tag.get("name") or tag.get("property")
        content = tag.get("content")
        if key and content is not None:
            meta[str(key).lower()] = str(content).strip()
    canonical = next((link for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower().split()), None)
    if canonical is not None:
        meta["canonical"] = canonical.get("href", "")
    times = [{"datetime": t.get("datetime", ""), "text": " ".join(s.strip() for s in t.itertext() if s.strip()),
              "line": t.sourceline} for t in tree.iter("time")]
    if times:
        meta["times"] = times
    json_ld = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            json_ld.append(json.loads(script.text or ""))
        except ValueError:
            json_ld.append({"_invalid": True, "_line": script.sourceline})
    if json_ld:
        meta["json_ld"] = json_ld
    return meta
