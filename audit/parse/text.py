"""Plain text copied out of a CMS: infer headings, lists and paragraphs from the line shapes.

- A heading is a short line standing alone between blank lines, starting with
  a capital or digit, with no closing period, comma, semicolon or colon
  (question marks are common: "What is neuropathic pain?").
- Short lines before the first paragraph are the page's chrome and title: the
  last of them is the title (the H1); earlier ones ("Return to blogs", a
  category name) are dropped.  Later headings are H2: plain text has no levels.
- Lines starting with "•", "◦", "-", "*", "–" or "1." / "1)" are list items;
  consecutive items form one list.  A bullet with nothing after it is an empty item.
- Other runs of lines are paragraphs.
"""

from __future__ import annotations

import re

from ..model import HEADING, LIST, PARAGRAPH, Block, Post
from ..sources import Document
from ..suppress import find_directives
from . import decide_language

BULLET = re.compile(r"^\s*(?:[•◦▪●·\-*–]|\d{1,2}[.)])(?:\s+|$)")
MAX_HEADING_WORDS = 16
MAX_HEADING_CHARS = 110
_REFERENCE_MARKER = re.compile(r"^\s*\[\d+\]")
# Navigation lines a CMS copy drags along; never the title.
CHROME = re.compile(
    r"^\s*(?:(?:return|back|go back)\s+to\s+(?:the\s+)?(?:blogs?|articles?|news|posts?|home|resources)"
    r"|(?:previous|next)\s+(?:post|article)|share(?:\s+this(?:\s+(?:post|article))?)?|print|home|read more)\s*$",
    re.IGNORECASE,
)


def looks_like_heading(line: str) -> bool:
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS:
        return False
    if BULLET.match(line) or _REFERENCE_MARKER.match(text):
        return False
    if text[-1] in ".,;:" or text.startswith(("http://", "https://", "<!--")):
        return False
    return text[0].isupper() or text[0].isdigit() or text[0] in "¿¡"


def parse_text(document: Document, language: str | None = None) -> Post:
    lines = tuple(document.text.splitlines())
    paragraphs = _runs(lines)
    blocks: list[Block] = []
    title, title_line = "", 0
    seen_prose = False
    preamble_headings: list[tuple[int, str]] = []
    for first, run in paragraphs:
        standalone = len(run) == 1 and looks_like_heading(run[0])
        if not seen_prose and all(looks_like_heading(line) for line in run):
            # chrome and title lines before the first paragraph ("Return to blogs", a category)
            preamble_headings.extend((first + k, line.strip()) for k, line in enumerate(run) if not CHROME.match(line))
            continue
        if not seen_prose and preamble_headings:
            title_line, title = preamble_headings[-1]
            blocks.append(Block(HEADING, title, title_line, level=1))
        seen_prose = True
        if standalone:
            blocks.append(Block(HEADING, run[0].strip(), first, level=2))
        else:
            blocks.extend(_blocks_of_run(first, run))
    if not seen_prose and preamble_headings:  # a post made only of short lines
        title_line, title = preamble_headings[-1]
        blocks.append(Block(HEADING, title, title_line, level=1))
    return Post(
        source=document.source,
        format="text",
        blocks=tuple(blocks),
        meta={},
        title=title,
        title_line=title_line,
        title_is_h1=False,  # the inferred title is already an H1 block
        **decide_language(None, language, blocks),
        suppressions=find_directives(lines),
        lines=lines,
    )


def _runs(lines: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """Groups of consecutive non-blank lines with the 1-based line each starts on."""
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            runs.append((start, current))
            current = []
    if current:
        runs.append((start, current))
    return runs


def _blocks_of_run(first: int, run: list[str]) -> list[Block]:
    """Split a run of lines into paragraphs and lists."""
    out: list[Block] = []
    items: list[Block] = []
    para: list[str] = []
    para_line = first
    list_line = first
    ordered = False
    for offset, line in enumerate(run):
        number = first + offset
        bullet = BULLET.match(line)
        if bullet:
            if para:
                out.append(Block(PARAGRAPH, "\n".join(para), para_line))
                para = []
            if not items:
                list_line = number
                ordered = bullet.group(0).strip()[:1].isdigit()
            items.append(Block(PARAGRAPH, line[bullet.end():].strip(), number))
        else:
            if items:
                out.append(Block(LIST, "", list_line, items=tuple(items), ordered=ordered))
                items = []
            if not para:
                para_line = number
            para.append(line.strip())
    if para:
        out.append(Block(PARAGRAPH, "\n".join(para), para_line))
    if items:
        out.append(Block(LIST, "", list_line, items=tuple(items), ordered=ordered))
    return out
