"""Section rules: empty sections, lead-ins that promise a list that never comes, empty lists and
items, placeholder text, and footnote markers without a matching reference."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

from clinic_audit.model import HEADING, LIST, PARAGRAPH, Block, Post, Section
from clinic_audit.rule import Hit, Options, rule, rule_data
from clinic_audit.textscan import TextIndex
from clinic_audit.textstats import NewlineIndex


@lru_cache(maxsize=1)
def _data() -> dict:
    return rule_data("sections")


def _has_content(post: Post, section: Section) -> bool:
    """True when the section or any subsection holds a non-empty block."""
    for sub in section.walk():
        for i in sub.blocks:
            block = post.blocks[i]
            if block.plain or block.images or any(item.plain for item in block.items):
                return True
    return False


@rule("SC001", "empty-section", "sections", "warning")
def empty_section(post: Post, opts: Options) -> Iterable[Hit]:
    """A heading with nothing under it before the next heading of the same or higher level.

    Why: an empty section promises an answer the patient never gets, and tells search engines the page is unfinished.
    Fix: write the section, or remove the heading.
    Bad:
        # Sciatica

        ## Causes

        ## Treatment

        Rest and gentle exercise help most people.
    Good:
        # Sciatica

        ## Causes

        A bulging disc can press on the nerve.

        ## Treatment

        Rest and gentle exercise help most people.
    """
    first_h1 = next((i for i, b in enumerate(post.headings) if b.level == 1), 0)
    above_title = {id(b) for b in post.headings[:first_h1]}
    for section in post.outline.walk():
        if section.heading is None or not section.heading.plain:
            continue  # the preamble, and empty headings (empty-heading reports those)
        if id(section.heading) in above_title:
            continue  # a tagline or banner heading above the title is page chrome, not a section
        if not _has_content(post, section):
            yield Hit(section.line, f"section '{section.heading.plain}' is empty", excerpt=section.heading.plain,
                      suggestion="Write the section or remove its heading.")


@lru_cache(maxsize=1)
def _promise_words() -> re.Pattern[str]:
    words = sorted(_data()["lead_in"]["promises"], key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def _promises_list(block: Block) -> bool:
    """A sentence ending in a colon, with a word that announces a list ("include", "these", "siguientes")."""
    _, last = _last_line(block)
    return (last.endswith(":") and not block.bold and len(last.split()) >= _data()["lead_in"]["min_words"]
            and _promise_words().search(last) is not None)


def _section_ends(post: Post, index: int) -> Block | None | bool:
    """What follows block ``index`` when it ends its section: the next heading, None at the end of the post.

    False when anything else follows — a list, a table, a quote, an image, a subheading (the list is in the
    subsections), a bold label or more text (which may be the list written as paragraphs).
    """
    following = post.blocks[index + 1] if index + 1 < len(post.blocks) else None
    if following is None:
        return None
    if following.kind != HEADING or re.match(_data()["lead_in"]["item_heading"], following.plain, re.IGNORECASE):
        return False  # a numbered heading is the list's first item
    if post.format == "text":
        # a CMS copy's heading levels are guessed: only a question ("How is it treated?") surely starts a new topic
        return following if following.plain.endswith("?") else False
    section = post.section_of_block.get(index)
    level = section.level if section is not None and section.heading is not None else (1 if post.title_is_h1 else 0)
    if following.level <= level or (level <= 1 and following.level == 2):
        return following  # the section ends (under the title, the next H2 is the next section)
    # A deeper heading: its subsections may hold the list ("### Do", "### Don't").  It is a new topic, not an
    # item, when it reads like one: a question or a phrase of four words or more, answered in prose.
    after = post.blocks[index + 2] if index + 2 < len(post.blocks) else None
    topic = following.plain.endswith("?") or len(following.plain.split()) >= 4
    return following if topic and (after is None or after.kind == PARAGRAPH and not after.bold) else False


def _last_line(block: Block) -> tuple[int, str]:
    lines = block.text.rstrip().split("\n")
    return block.line + len(lines) - 1, lines[-1].strip()


@rule("SC002", "list-lead-in-without-list", "sections", "warning")
def list_lead_in_without_list(post: Post, opts: Options) -> Iterable[Hit]:
    """A lead-in ending in a colon ("Symptoms may include:") that no list follows.

    A lead-in is a sentence ending in a colon with a word that announces a list (`[lead_in] promises` in
    data/sections.toml). It is reported only when it ends its section: the next heading is at the same or a
    higher level, or a question, or the post ends. A list, table, quote, image, bold label, numbered heading,
    subheadings that read like items, or more text (the list written as paragraphs) all count as the list.

    Why: the reader was promised a list of symptoms, steps or options and gets nothing: the most
    common sign of content lost when a post was copied out of a CMS.
    Fix: add the list the sentence introduces, or rewrite the sentence so it stands alone.
    Bad:
        # Lupus

        Signs of lupus may include:

        ## How is lupus treated?

        Medicine can control flares.
    Good:
        # Lupus

        Signs of lupus may include:

        - joint pain
        - a rash across the cheeks

        ## How is lupus treated?

        Medicine can control flares.
    """
    for i, block in enumerate(post.blocks):
        if block.kind != PARAGRAPH or not _promises_list(block):
            continue
        following = _section_ends(post, i)
        if following is False:
            continue
        line, lead_in = _last_line(block)
        what = "the post ends" if following is None else f"the next heading '{following.plain}'"
        yield Hit(line, f"'{lead_in}' promises a list, but {what} follows instead", excerpt=lead_in,
                  suggestion="Add the list this sentence introduces, or rewrite the sentence.")


@rule("SC003", "empty-list-item", "sections", "error")
def empty_list_item(post: Post, opts: Options) -> Iterable[Hit]:
    """A list with no items, or a bullet with nothing after it.

    Why: empty bullets are usually content lost in editing; on the page they look like a broken list.
    Fix: fill in the item or delete the bullet.
    Bad:
        Common triggers:

        - stress
        -
    Good:
        Common triggers:

        - stress
        - lack of sleep
    """
    for block in post.blocks:
        if block.kind != LIST:
            continue
        if not block.items:
            yield Hit(block.line, "the list has no items", suggestion="Add the items or remove the list.")
            continue
        for n, item in enumerate(block.items, start=1):
            if not item.plain and not item.images:
                yield Hit(item.line, f"list item {n} is empty", key=f"item {n} of list after {block.line}",
                          suggestion="Fill in the item or delete the bullet.")


@lru_cache(maxsize=1)
def _placeholder_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for pattern, label in _data()["placeholders"].items():
        letters = re.sub(r"\\[a-zA-Z]", "", pattern)
        flags = 0 if any(c.isupper() for c in letters) else re.IGNORECASE
        out.append((re.compile(pattern, flags), label))
    return tuple(out)


def _all_text_blocks(post: Post) -> Iterator[Block]:
    for block in post.blocks:
        yield block
        yield from block.items


@rule("SC004", "placeholder-text", "sections", "error")
def placeholder_text(post: Post, opts: Options) -> Iterable[Hit]:
    """Placeholder text left in the post: TODO, TBD, lorem ipsum, "[insert …]", "XX".

    Why: placeholders published to patients look careless and can leave out facts ("XX% of patients").
    Fix: replace the placeholder with the real content, or remove it.
    Bad:
        About XX% of adults have back pain. TODO: add source.
    Good:
        Most adults have back pain at some point.
    """
    blocks = list(_all_text_blocks(post))
    index = TextIndex([block.text for block in blocks])
    for i in index.matching(*(pattern for pattern, _ in _placeholder_patterns())):
        block = blocks[i]
        breaks, opening = NewlineIndex(block.text), block.plain[:60]  # once per block: .plain folds the whole text
        for pattern, label in _placeholder_patterns():
            for match in pattern.finditer(block.text):
                line = block.line + breaks.before(match.start())
                yield Hit(line, f"placeholder text '{match.group(0)}' ({label})", excerpt=match.group(0),
                          key=f"{label} {opening}", suggestion="Replace it with the real content.")


_UNRESOLVED_MD = re.compile(r"\[\^([^\]\s[]+)\]")  # a label stops at "[": linear on "[^[^[^…"
_NUMERIC_MARKER = re.compile(r"(?<![\w\]])\[(\d{1,3})\](?!\()")


def _reference_labels(post: Post) -> set[str]:
    """Labels that a marker can resolve to: footnote definitions and numbered reference entries."""
    labels = {f.label for f in post.footnotes}
    for i in post.reference_blocks:
        block = post.blocks[i]
        # a plain-text reference list is one paragraph with an entry ("[2] ...") per line
        entries = [item.text for item in block.items] if block.kind == LIST else block.text.split("\n")
        for n, entry in enumerate(entries, start=1):
            match = re.match(r"\s*\[?(\d{1,3})[\].)]", entry)
            labels.add(match.group(1) if match else str(n) if block.ordered else "")
    return labels - {""}


@rule("SC005", "dangling-footnote", "sections", "warning")
def dangling_footnote(post: Post, opts: Options) -> Iterable[Hit]:
    """A footnote marker ([^2], [3], a link to #fn3) with no matching note or reference entry.

    Why: a marker that leads nowhere looks like a citation but gives the reader no source.
    Fix: add the missing reference, or remove the marker.
    Bad:
        Most back pain gets better in six weeks.[^1]
    Good:
        Most back pain gets better in six weeks.[^1]

        [^1]: NHS, "Back pain", 2024.
    """
    labels = _reference_labels(post)
    refs = post.reference_blocks
    units = [unit for i, block in enumerate(post.blocks) if i not in refs for unit in (block, *block.items)]
    marked = set(TextIndex([unit.text for unit in units]).matching(_UNRESOLVED_MD, _NUMERIC_MARKER))
    for n, unit in enumerate(units):
        if n in marked or unit.footnote_refs:
            markers = [(m.start(), m.group(1), m.group(0)) for m in _UNRESOLVED_MD.finditer(unit.text)]
            markers += [(m.start(), m.group(1), m.group(0)) for m in _NUMERIC_MARKER.finditer(unit.text)
                        if m.group(1) not in labels]
            breaks, opening = NewlineIndex(unit.text), unit.plain[:60]  # once per unit: .plain folds the whole text
            for start, label, shown in markers:
                line = unit.line + breaks.before(start)
                yield Hit(line, f"footnote marker {shown} has no matching reference", excerpt=shown,
                          key=f"{label} {opening}", suggestion="Add the reference or remove the marker.")
            for label in unit.footnote_refs:
                if label not in labels:
                    yield Hit(unit.line, f"footnote link to '{label}' has no matching note", excerpt=label,
                              key=label, suggestion="Add the note or remove the link.")


RULES = (empty_section, list_lead_in_without_list, empty_list_item, placeholder_text, dangling_footnote)
