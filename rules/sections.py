"""Section rules: empty sections, lead-ins that promise a list that never comes, empty lists and
items, placeholder text, and footnote markers without a matching reference."""

from __future__ import annotations

import re
from bisect import bisect_left
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

    Not empty: a section whose picture is marked up as the next heading ("## ![](lunge.jpg)") or sits right above
    it in a grid of captioned pictures; a heading announcing a set ("Which conditions can it help?") stacked on
    short headings of its level naming the members; a sentence marked up as a heading, or one right under it.
    Banner and tagline headings above the post's title (the last H1 before the first prose) are page chrome.

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
    above_title = _above_title(post)
    position = {id(b): i for i, b in enumerate(post.blocks)}
    for section in post.outline.walk():
        if section.heading is None or not section.heading.plain:
            continue  # the preamble, and empty headings (empty-heading reports those)
        if id(section.heading) in above_title:
            continue  # a tagline or banner heading above the title is page chrome, not a section
        if _has_content(post, section):
            continue
        index = position[id(section.heading)]
        if _text_heading(section.heading) or _text_heading_follows(post, index):
            continue  # a sentence marked up as a heading is text, not a title over text (long-heading says so)
        if _image_heading_follows(post, index) or _captions_a_picture(post, index) or _stacked_on_members(post, index):
            continue
        yield Hit(section.line, f"section '{section.heading.plain}' is empty", excerpt=section.heading.plain,
                  suggestion="Write the section or remove its heading.")


def _heading_positions(post: Post) -> tuple[int, ...]:
    return tuple(i for i, b in enumerate(post.blocks) if b.kind == HEADING)


def _headings_from(post: Post, index: int) -> Iterator[int]:
    """Indexes of the headings at or after block ``index``, in order (a bisect, so scans stay linear)."""
    positions = post.view(_heading_positions)
    return iter(positions[bisect_left(positions, index):])


def _heading_before(post: Post, index: int) -> int | None:
    positions = post.view(_heading_positions)
    at = bisect_left(positions, index)
    return positions[at - 1] if at else None


def _above_title(post: Post) -> set[int]:
    """Headings above the post's title: banner and tagline headings before the H1 that opens the text.

    The title is the last H1 before the first paragraph of prose (a theme's page title, then a page builder's
    banner, then the post's own H1), else the first H1; on a page with no H1 above its prose, the last heading
    before the prose ("SYDNEY CLINIC", "CLINIC 27", buttons, then "VERTIGO TREATMENT").
    """
    prose = next((i for i, b in enumerate(post.blocks) if b.kind == PARAGRAPH and len(b.plain.split()) >= 8),
                 len(post.blocks))
    h1s = [i for i, b in enumerate(post.blocks) if b.kind == HEADING and b.level == 1]
    if not h1s and post.title_is_h1:
        return set()  # the front-matter title is the H1, above every block: nothing sits above it
    before = [i for i, b in enumerate(post.blocks[:prose]) if b.kind == HEADING]
    title = max((i for i in h1s if i < prose), default=h1s[0] if h1s and h1s[0] < prose else
                (before[-1] if before and prose < len(post.blocks) else (h1s[0] if h1s else 0)))
    return {id(b) for b in post.blocks[:title] if b.kind == HEADING}


def _image_heading_follows(post: Post, index: int) -> bool:
    """The next block is a heading holding only an image ("## ![](lunge.jpg)"): the section's picture, marked
    up as a heading (empty-heading reports the markup)."""
    following = post.blocks[index + 1] if index + 1 < len(post.blocks) else None
    return following is not None and following.kind == HEADING and not following.plain.strip(" #") \
        and bool(following.images)


def _text_heading(block: Block) -> bool:
    """A sentence marked up as a heading: long, and ending as sentences end ("…the right option for you!")."""
    return block.kind == HEADING and block.plain.rstrip().endswith((".", "!")) \
        and len(block.plain.split()) >= _data()["stacked_heading"]["sentence_words"]


def _text_heading_follows(post: Post, index: int) -> bool:
    following = post.blocks[index + 1] if index + 1 < len(post.blocks) else None
    return following is not None and _text_heading(following)


def _picture_above(post: Post, index: int) -> bool:
    above = post.blocks[index - 1] if index > 0 else None
    return above is not None and above.kind == PARAGRAPH and not above.plain and bool(above.images)


def _captions_a_picture(post: Post, index: int) -> bool:
    """A short heading right under a picture, in a run of such (a grid of captioned pictures: "Nausea",
    "Tilting"…): the picture is its content."""
    if not _picture_above(post, index) or not _member_heading(post.blocks[index], post.blocks[index].level):
        return False
    level = post.blocks[index].level
    previous = _heading_before(post, index)
    return previous is not None and post.blocks[previous].level == level and _picture_above(post, previous)


@lru_cache(maxsize=1)
def _set_words() -> re.Pattern[str]:
    words = sorted(_data()["stacked_heading"]["set_words"], key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def _member_heading(block: Block, level: int) -> bool:
    data = _data()["stacked_heading"]
    return block.kind == HEADING and block.level == level and 0 < len(block.plain.split()) <= data["member_words"] \
        and not block.plain.endswith("?")


def _stacked_on_members(post: Post, index: int) -> bool:
    """A heading announcing a set, stacked right on short headings of its level that name the members."""
    heading = post.blocks[index]
    if _set_words().search(heading.plain) is None:
        return False
    members = 0
    for i in _headings_from(post, index + 1):
        block = post.blocks[i]
        if not _member_heading(block, heading.level):
            break
        members += 1
        if members >= _data()["stacked_heading"]["members"]:
            return True
    return False


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
    if _item_headings(post, index + 1):
        return False  # short headings that each open with a list: the list's items ("### Do", "### Don't")
    section = post.section_of_block.get(index)
    level = section.level if section is not None and section.heading is not None else (1 if post.title_is_h1 else 0)
    if following.level <= level or (level <= 1 and following.level == 2):
        if following.level >= max(level, 2) and _statement_run(post, index + 1):
            return False  # "The programme includes:" then "## A personalised diet", "## Weekly sessions": its items
        return following  # the section ends (under the title, the next H2 is the next section)
    # A deeper heading: its subsections may hold the list ("### Do", "### Don't").  It is a new topic, not an
    # item, when it reads like one: a question or a phrase of four words or more, answered in prose.
    after = post.blocks[index + 2] if index + 2 < len(post.blocks) else None
    topic = following.plain.endswith("?") or len(following.plain.split()) >= 4
    return following if topic and (after is None or after.kind == PARAGRAPH and not after.bold) else False


def _statement_run(post: Post, index: int) -> bool:
    """``post.blocks[index]`` and the next heading of its level both name something rather than ask ("A
    personalised diet", "Weekly sessions"): sections that may be the promised items.  A question ("How is it
    treated?") starts a new topic."""
    first = post.blocks[index]
    found = 0
    for i in _headings_from(post, index):
        block = post.blocks[i]
        if block.level > first.level:
            continue
        if block.level < first.level or block.plain.endswith("?"):
            return False
        found += 1
        if found == 2:
            return True
    return False


def _item_headings(post: Post, index: int) -> bool:
    """``post.blocks[index]`` and the next heading of its level are short labels, each right above a list."""
    first = post.blocks[index]
    found = 0
    for i in _headings_from(post, index):
        block = post.blocks[i]
        if block.level != first.level:
            continue
        after = post.blocks[i + 1] if i + 1 < len(post.blocks) else None
        if len(block.plain.split()) > _data()["lead_in"]["item_heading_words"] or block.plain.endswith("?") \
                or after is None or after.kind != LIST:
            return False
        found += 1
        if found == 2:
            return True
    return False


_WORD = re.compile(r"[^\W\d_]{4,}")


def _stems(text: str) -> set[str]:
    data = _data()["lead_in"]
    stop = set(data["signpost_stopwords"])
    return {w[:data["signpost_stem"]] for w in (m.lower() for m in _WORD.findall(text)) if w not in stop}


def _signposts(post: Post, index: int, lead_in: str) -> bool:
    """The lead-in names the topics of the sections after it: two of its words, each in a different one of the
    next headings (one topic word repeated in every heading counts once)."""
    data = _data()["lead_in"]
    wanted = _stems(lead_in)
    named: set[str] = set()
    seen = 0
    for i in _headings_from(post, index + 1):
        block = post.blocks[i]
        seen += 1
        hit = next((stem for stem in _stems(block.plain) & wanted if stem not in named), None)
        if hit:
            named.add(hit)
            if len(named) >= data["signpost_matches"]:
                return True
        if seen >= data["signpost_headings"]:
            break
    return False


def _last_line(block: Block) -> tuple[int, str]:
    lines = block.text.rstrip().split("\n")
    return block.line + len(lines) - 1, lines[-1].strip()


@rule("SC002", "list-lead-in-without-list", "sections", "warning")
def list_lead_in_without_list(post: Post, opts: Options) -> Iterable[Hit]:
    """A lead-in ending in a colon ("Symptoms may include:") that no list follows.

    A lead-in is a sentence ending in a colon with a word that announces a list (`[lead_in] promises` in
    data/sections.toml). It is reported only when it ends its section: the next heading is at the same or a
    higher level, or a question, or the post ends. A list, table, quote, image, bold label, numbered heading,
    subheadings that read like items, short headings that each open with a list ("Do" / "Don't"), sections
    whose headings name things rather than ask (the items written as sections), or more text (the list written
    as paragraphs) all count as the list; so do the next headings when the lead-in names their topics ("what to
    know about the symptoms and the treatment:"). A "label: details" list item whose label has no details
    ("Sulfites:" among "Dairy: milk, cheese") is reported too.

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
        if following is not None and _signposts(post, i, lead_in):
            continue  # "Here is what to know about the symptoms and the treatment:" then those sections
        what = "the post ends" if following is None else f"the next heading '{following.plain}'"
        yield Hit(line, f"'{lead_in}' promises a list, but {what} follows instead", excerpt=lead_in,
                  suggestion="Add the list this sentence introduces, or rewrite the sentence.")
    for block in post.blocks if post.format in ("markdown", "text") else ():  # nesting shows in the source
        for item in _bare_labels(post, block):
            yield Hit(item.line, f"list item '{item.plain}' ends in a colon, but its details are missing",
                      excerpt=item.plain, key=f"label {item.plain}",
                      suggestion="Add what the item introduces, or end it with a full stop.")


_LABELLED = re.compile(r"^[^:]{1,100}:\s+\S")
_BARE_LABEL = re.compile(r"^[^:]{1,100}:$")


def _indent(post: Post, line: int) -> int:
    text = post.lines[line - 1] if 0 < line <= len(post.lines) else ""
    return len(text) - len(text.lstrip())


def _bare_labels(post: Post, block: Block) -> list[Block]:
    """Items of a "label: details" list whose label has no details ("No sulfites:" among "No dairy: milk…"),
    with no deeper item under them."""
    if block.kind != LIST or len(block.items) < 3:
        return []
    if sum(1 for item in block.items if _LABELLED.match(item.plain)) < 2:
        return []
    out = []
    for n, item in enumerate(block.items):
        following = block.items[n + 1] if n + 1 < len(block.items) else None
        if _BARE_LABEL.match(item.plain) and (following is None
                                              or _indent(post, following.line) <= _indent(post, item.line)):
            out.append(item)
    return out


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
