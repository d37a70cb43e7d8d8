"""Plain text copied out of a CMS: infer headings, lists and paragraphs from the line shapes.

- A heading is a short line standing alone between blank lines, starting with
  a capital or digit, with no closing period, comma, semicolon or colon
  (question marks are common: "What is neuropathic pain?").
- Short lines before the first paragraph are the page's chrome and title: the
  last of them is the title (the H1); earlier ones ("Return to blogs", a
  category name) are dropped.  Later headings are H2: plain text has no levels.
- Lines starting with "•", "◦", "-", "*", "–" or "1." / "1)" are list items;
  consecutive items form one list.  A bullet with nothing after it is an empty item.
- A list whose bullets were lost in the copy is still a list: after a lead-in
  ending in a colon, two or more short lines (each alone or in one run) are its
  items, not headings.  A single short line ending in "?" after the lead-in is a
  heading (the lead-in's list really is missing).
- Button and navigation labels ("Read more", "Descargar PDF"; ``data/chrome.toml``)
  are dropped; call-to-action labels ("Book now", "Pide tu cita") stay as text
  but never become headings unless prose follows them.
- Other runs of lines are paragraphs.

A ``.txt`` file that is plainly not prose (robots.txt, requirements.txt, key = value
settings, code) is not a post: it is skipped with a notice (``NotAPost``).
"""

from __future__ import annotations

import re

from ..model import HEADING, LIST, PARAGRAPH, Block, Link, Post
from ..sources import Document
from ..textstats import NewlineIndex
from . import chrome
from .base import NotAPost, decide_language

BULLET = re.compile(r"^\s*(?:[•◦▪●·\-*–]|\d{1,2}[.)])(?:\s+|$)")
MAX_HEADING_WORDS = 16
MAX_HEADING_CHARS = 110
SENTENCE_WORDS = 8  # a line of this many words ending in a full stop is a sentence, not a list item
_REFERENCE_MARKER = re.compile(r"^\s*\[\d+\]")
# Navigation lines a CMS copy drags along; never the title.
CHROME = re.compile(
    r"^\s*(?:(?:return|back|go back)\s+to\s+(?:the\s+)?(?:blogs?|articles?|news|posts?|home|resources)"
    r"|(?:previous|next)\s+(?:post|article)|share(?:\s+this(?:\s+(?:post|article))?)?|print|home|read more)\s*$",
    re.IGNORECASE,
)


# A full stop glued to the next sentence ("…secretions.Dengue presents…"): a copy that lost the break between
# two blocks of the page.  A word glued to the next ("inChildren", "NowDid"): the same at a table cell or button.
_GLUED_SENTENCE = re.compile(r"(?<=[a-z][a-z][.!?])(?=[A-Z¿¡])")
_GLUED_WORD = re.compile(r"(?<=[a-z][a-z])(?=[A-Z][a-z])")
_GLUED_ITEM = re.compile(r"(?<=[\w)][,&:])(?=[A-Z])")  # "count,Thyroid hormone,Vitamin B-12": items run together
GLUED_TABLE_JOINS = 2  # a line with this many glued words and no sentence of its own is a table copied flat
# A label between rules ("--- REFERENCES ---", "=== Sources ==="): a heading, not a bullet.
_DECORATED = re.compile(r"^\s*([-=*_~#]{2,})\s*(\S(?:.*\S)?)\s*\1\s*$")


def decorated_heading(line: str) -> str | None:
    """The label of a line written as a heading between rules ("--- REFERENCES ---"), or None."""
    match = _DECORATED.match(line)
    return match.group(2) if match and looks_like_heading(match.group(2)) else None


def looks_like_heading(line: str) -> bool:
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS:
        return False
    if BULLET.match(line) or _REFERENCE_MARKER.match(text) or _GLUED_SENTENCE.search(text):
        return False  # a line with a sentence ending inside it is text ("…home.Book an appointment")
    if _GLUED_WORD.search(text) and chrome.is_glued_button(_GLUED_WORD.split(text)[-1]):
        return False  # a teaser with its button glued on ("To shop for shoesExplore Here"): a link card
    if text[-1] in ".,;:" or text.startswith(("http://", "https://", "<!--")):
        return False
    return text[0].isupper() or text[0].isdigit() or text[0] in "¿¡"


# Lines of machine files: "Disallow: /x", "key = value", "package==1.2", code ending in ; { } and comments.
_MACHINE_LINE = re.compile(
    r"^\s*(?:(?:user-agent|disallow|allow|sitemap|crawl-delay|host)\s*:"
    r"|[\w.-]+\s*(?:==|>=|<=|~=|!=)\s*[\w.*]+"
    r"|[A-Za-z_][\w.-]*\s*=\s*\S"
    r"|[#;]|//"
    r"|.*[;{}]\s*$)",
    re.IGNORECASE,
)
MACHINE_SHARE = 0.6  # this share of non-blank lines looking like a machine file: not a post
_MACHINE_NAMES = re.compile(r"(?:^|/)(?:robots|humans|ads|app-ads|security|llms|requirements[\w.-]*|constraints|"
                            r"license|licence|copying|cmakelists|notice|authors|changelog)\.txt$", re.IGNORECASE)


def _not_prose(source: str, lines: tuple[str, ...]) -> str | None:
    """Why this text file is not a post, or None when it may be one."""
    if _MACHINE_NAMES.search(source.replace("\\", "/")):
        return f"{source.rsplit('/', 1)[-1]} is not a post"
    filled = [line for line in lines[:2000] if line.strip()]
    if not filled:
        return None
    machine = sum(1 for line in filled if _MACHINE_LINE.match(line))
    sentences = sum(1 for line in filled if len(line.split()) >= 8 and line.rstrip()[-1:] in ".?!")
    if machine >= MACHINE_SHARE * len(filled) and sentences < 3:
        return f"looks like settings or code, not a post ({machine} of {len(filled)} lines)"
    return None


_URL_LINE = re.compile(r"^\s*https?://\S+\s*$")
_BARE_URL = re.compile(r"https?://[^\s<>\"')\]]+")


def _links(text: str, line: int) -> tuple[Link, ...]:
    """Bare addresses in copied text are the links the page had (a references list, a source)."""
    out = []
    breaks = NewlineIndex(text)
    for match in _BARE_URL.finditer(text):
        url = match.group(0).rstrip(".,;:")
        out.append(Link(url, url, line + breaks.before(match.start())))
    return tuple(out)


def _with_links(block: Block) -> Block:
    if block.kind == LIST:
        items = tuple(_with_links(item) for item in block.items)
        return block if items == block.items else Block(LIST, "", block.line, items=items, ordered=block.ordered)
    if "http" not in block.text:
        return block
    return Block(block.kind, block.text, block.line, level=block.level, links=_links(block.text, block.line))


def _is_item_line(line: str) -> bool:
    """A short line that can be a list item whose bullet was lost (no sentence of its own)."""
    text = line.strip()
    return bool(text) and len(text) <= MAX_HEADING_CHARS and len(text.split()) <= MAX_HEADING_WORDS \
        and not text.endswith(":")


def parse_text(document: Document, language: str | None = None) -> Post:
    lines = tuple(document.text.splitlines())
    reason = _not_prose(document.source, lines)
    if reason:
        raise NotAPost(reason)
    paragraphs = _drop_button_labels(_cut_footers(_runs(lines)))
    # a copy often starts with the page's address on a line of its own: chrome, not prose
    while paragraphs and all(_URL_LINE.match(line) for line in paragraphs[0][1]):
        paragraphs = paragraphs[1:]
    blocks: list[Block] = []
    title, title_line = "", 0
    seen_prose = False
    preamble_headings: list[tuple[int, str]] = []
    pending_items: list[Block] = []  # short lines after a colon lead-in: a list whose bullets were lost
    bulletless = False  # the last block is such a list
    for index, (first, run) in enumerate(paragraphs):
        if blocks and _ends_lead_in(blocks[-1]) and not pending_items:
            candidates = _bulletless_items(paragraphs, index)
            if candidates:
                pending_items = candidates
        if pending_items:
            item = pending_items[0]
            if item.line == first:
                # a run of several lines is consumed whole by the items it holds
                count = sum(1 for it in pending_items if first <= it.line < first + len(run))
                if count:
                    taken = tuple(pending_items[:count])
                    if blocks and blocks[-1].kind == LIST and bulletless:  # the same list goes on
                        taken = blocks.pop().items + taken
                    blocks.append(Block(LIST, "", taken[0].line, items=taken))
                    bulletless = True
                    pending_items = pending_items[count:]
                    continue
            pending_items = []
        bulletless = False
        decorated = decorated_heading(run[0]) if len(run) == 1 else None
        standalone = len(run) == 1 and looks_like_heading(run[0]) and not _cta_without_prose(paragraphs, index)
        if decorated and seen_prose:
            blocks.append(Block(HEADING, decorated, first, level=2))
            continue
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
    if blocks and blocks[0].kind == HEADING and not any(b.kind == HEADING and b.level == 1 for b in blocks):
        # a copy that opens on a heading inside its first run ("CORNS" then the text): that heading is the title
        title, title_line = blocks[0].text, blocks[0].line
        blocks[0] = Block(HEADING, title, title_line, level=1)
    blocks = [_with_links(b) for b in _nest_under_capitals(blocks)]
    return Post(
        source=document.source,
        format="text",
        blocks=tuple(blocks),
        meta={},
        title=title,
        title_line=title_line,
        title_is_h1=False,  # the inferred title is already an H1 block
        **decide_language(None, language, blocks),
        lines=lines,
    )


def _drop_button_labels(runs: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Runs with button and navigation label lines removed (a run left empty goes)."""
    out = []
    for first, run in runs:
        if not any(chrome.is_button_label(line) for line in run):
            out.append((first, run))
            continue
        kept: list[str] = []
        start = first
        for offset, line in enumerate(run):
            if chrome.is_button_label(line):
                if kept and offset and looks_like_heading(kept[-1]) and not chrome.is_button_label(kept[-1]):
                    kept.pop()  # a teaser line right above its button is a link card ("5 tips for…" / "Click here")
                if kept:
                    out.append((start, kept))
                kept = []
                start = first + offset + 1
            else:
                kept.append(line)
        if kept:
            out.append((start, kept))
    return out


def _cut_footers(runs: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Runs with a copied page's footer widget cut off: from "Did our information help you?" (``data/chrome.toml``
    ``footer_starts``), glued to the last sentence or on its own line, to the end of that run."""
    out = []
    for first, run in runs:
        for offset, line in enumerate(run if chrome.may_hold_footer("\n".join(run)) else ()):
            at = chrome.footer_start(line)
            if at is not None:
                run = run[:offset] + ([line[:at]] if line[:at].strip() else [])
                break
        if run:
            out.append((first, run))
    return out


def _pieces(line: str) -> list[str]:
    """A copied line split where the copy glued blocks together: one piece per glued sentence, buttons
    ("…range.Buy Now", "Read HereIs …") left out.  A line with no glue is one piece."""
    text = line.strip()
    if not _GLUED_SENTENCE.search(text) and not _GLUED_WORD.search(text):
        return [text]
    pieces = []
    for sentence in _GLUED_SENTENCE.split(text):
        words = [w for w in _GLUED_WORD.split(sentence) if w.strip()]
        kept = [w for w in words if not chrome.is_glued_button(w)] if len(words) > 1 else words
        if kept and not (len(words) == 1 and chrome.is_glued_button(words[0]) and pieces):
            pieces.append("".join(kept).strip())
    return [p for p in pieces if p]


def _glued_table(line: str) -> bool:
    """A fact box or a list copied flat ("Usually seen inAdultsGender affectedBoth men and women…"): words glued
    at its cells, and no sentence."""
    text = line.strip()
    joins = len(_GLUED_WORD.findall(text)) + len(_GLUED_ITEM.findall(text))
    sentences = len(re.findall(r"[a-z][.!?](?:\s|$)", text))
    if re.search(r"\w:(?=[A-Z])", text) and not re.search(r"[.!?]", text):
        return True  # "Imaging tests:CT scan": a label glued to its value, no sentence: a fact box's row
    return joins >= GLUED_TABLE_JOINS and sentences * 2 < joins


def _ends_lead_in(block: Block) -> bool:
    return block.kind == PARAGRAPH and block.text.rstrip().endswith(":")


def _bulletless_items(paragraphs: list[tuple[int, list[str]]], index: int) -> list[Block]:
    """Items of a bullet-less list starting at ``paragraphs[index]``: two or more short lines, else none.

    The items end at a bullet, a question (the next heading: "How is it treated?") or a full sentence.
    A run of lines is taken whole or not at all.
    """
    items: list[Block] = []
    for first, run in paragraphs[index:]:
        if BULLET.match(run[0]) or not all(_is_item_line(line) and not _ends_items(line) for line in run):
            break
        if items and _stop(run[0]) != _stop(items[0].text):
            break  # "Age", "Weight" … then "Treatment starts with exercise.": the items are over
        items.extend(Block(PARAGRAPH, line.strip(), first + k) for k, line in enumerate(run))
    return items if len(items) >= 2 else []


def _nest_under_capitals(blocks: list[Block]) -> list[Block]:
    """Heading levels a copy lost, guessed from its shapes.

    A copy whose sections are headed in capitals uses title-case and numbered headings for their subsections
    (H3); and a heading followed at once by another of the same level is that one's parent ("TYPES OF BUNION",
    then "LARGE BUNION" and its text) — unless it asks a question ("What causes it?" with nothing under it is
    an empty section).
    """
    if any(b.kind == HEADING and b.level == 2 and _caps_heading(b.text) for b in blocks):
        blocks = [Block(HEADING, b.text, b.line, level=3)
                  if b.kind == HEADING and b.level == 2 and (not _caps_heading(b.text) or _NUMBERED.match(b.text))
                  else b for b in blocks]
    out = list(blocks)
    for i in range(1, len(out)):
        before, here = out[i - 1], out[i]
        if before.kind == HEADING == here.kind and here.level == before.level and before.level > 1 \
                and not before.text.rstrip().endswith("?"):  # a question wants an answer, not subsections
            out[i] = Block(HEADING, here.text, here.line, level=min(6, here.level + 1))
    return out


_NUMBERED = re.compile(r"^\s*(?:\d{1,2}|[IVX]{1,4})[.)]\s")  # "III. OPERATIVE MANAGEMENT": a subsection


def _numbered_subheading(run: list[str], offset: int, bullet: re.Match[str]) -> bool:
    """"1. Extreme lows" on its own, with prose after it and no list item before it: a numbered subheading."""
    text = run[offset][bullet.end():].strip()
    if not bullet.group(0).strip()[:1].isdigit() or not text or text.endswith((".", ",", ";", ":")):
        return False
    if len(text.split()) > MAX_HEADING_WORDS or (offset and BULLET.match(run[offset - 1])):
        return False
    following = run[offset + 1] if offset + 1 < len(run) else ""
    return bool(following.strip()) and not BULLET.match(following) and len(following.split()) >= SENTENCE_WORDS


def _caps_heading(line: str) -> bool:
    """A line in capitals inside a run of lines ("SYMPTOMS OF CORNS"): a heading the copy kept as text."""
    if not line.isupper():  # one lower-case letter, or none cased at all: not a line in capitals (the quick test)
        return False
    text = _NUMBERED.sub("", line.strip())  # "1. MEDICAL THERAPY" is a capital heading too
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and looks_like_heading(text)


def _continues(previous: str, line: str) -> bool:
    """The line carries on the sentence of the line before (a wrapped line starts in lower case)."""
    text = line.strip()
    return bool(text) and text[0].islower() and not previous.rstrip().endswith((".", "!", "?", ":"))


def _stop(line: str) -> bool:
    return line.rstrip().endswith((".", "!"))


def _ends_items(line: str) -> bool:
    text = line.strip()
    return text.endswith("?") or (text.endswith((".", "!")) and len(text.split()) >= SENTENCE_WORDS)


def _cta_without_prose(paragraphs: list[tuple[int, list[str]]], index: int) -> bool:
    """A call-to-action label ("Book now") with no prose after it: a button, not a heading."""
    first, run = paragraphs[index]
    if not chrome.is_action_label(run[0]):
        return False
    following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
    return following is None or (len(following[1]) == 1 and looks_like_heading(following[1][0]))


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
    previous_heading = ""

    def flush_para() -> None:
        if para:
            out.append(Block(PARAGRAPH, "\n".join(para), para_line))
            para.clear()

    def flush_items() -> None:
        if items:
            out.append(Block(LIST, "", list_line, items=tuple(items), ordered=ordered))
            items.clear()

    for offset, line in enumerate(run):
        number = first + offset
        if previous_heading and line.strip().lower() == previous_heading.lower():
            continue  # the same heading again in title case, as CMS copies repeat it
        if previous_heading and line.strip().lower().startswith(previous_heading.lower()):
            rest = line.strip()[len(previous_heading):]
            if rest[:1].isupper():  # the repeat glued to the text under it ("OverviewDengue is…")
                line = rest
        previous_heading = ""
        bullet = BULLET.match(line)
        # headings the copy kept inside a run: "SYMPTOMS OF CORNS" (H2), "1. Extreme lows" before its prose (H3)
        level = 2 if _caps_heading(line) and len(run) > 1 else (
            3 if bullet and _numbered_subheading(run, offset, bullet) else 0)
        if level:
            flush_para()
            flush_items()
            out.append(Block(HEADING, line.strip(), number, level=level))
            previous_heading = line.strip() if level == 2 else ""
            continue
        if bullet:
            flush_para()
            if not items:
                list_line = number
                ordered = bullet.group(0).strip()[:1].isdigit()
            items.append(Block(PARAGRAPH, line[bullet.end():].strip(), number))
        else:
            flush_items()
            if _glued_table(line):
                flush_para()  # a fact box's cells, one item each: checked like a list, not read as prose
                cells = [cell.strip(" ,&") for part in _GLUED_ITEM.split(line.strip())
                         for cell in _GLUED_WORD.split(part) if cell.strip(" ,&")]
                out.append(Block(LIST, "", number, items=tuple(Block(PARAGRAPH, cell, number) for cell in cells)))
                continue
            pieces = _pieces(line)
            if not pieces:
                continue
            if para and (not _continues(para[-1], pieces[0]) or len(pieces) > 1):
                flush_para()  # a CMS copy puts each paragraph, table cell or lost bullet on a line of its own
            for k, piece in enumerate(pieces):
                if k:
                    flush_para()  # glued blocks of the page: a paragraph each
                if not para:
                    para_line = number
                para.append(piece)
    flush_para()
    flush_items()
    return out
