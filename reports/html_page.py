"""What one post's HTML page shows, worked out from its result dict.

The page template only loops and formats; this module decides where each
finding sits in the post's text (its block, and the excerpt's span inside it),
builds the heading outline, and lines the readability metrics up with their
targets.  Input is the JSON shape of a post; nothing here re-parses the post.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

HEADING = "heading"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Rules whose findings mark a heading in the outline, by the mark they give it.
OUTLINE_MARKS = {
    "skipped-heading-level": "skipped level",
    "empty-section": "empty section",
    "empty-heading": "empty heading",
    "duplicate-heading": "duplicate",
    "long-heading": "too long",
}


@dataclass(frozen=True)
class Note:
    """A finding as the page shows it, numbered in reading order."""

    number: int
    rule: str
    name: str
    family: str
    severity: str
    message: str
    suggestion: str
    line: int
    excerpt: str
    value: Any
    limit: Any
    placed: bool = False  # True when its excerpt is highlighted inside the text

    @property
    def anchor(self) -> str:
        return f"f{self.number}"


@dataclass(frozen=True)
class Segment:
    """A run of text; ``notes`` are the numbers of the findings that highlight it."""

    text: str
    notes: tuple[int, ...] = ()
    severity: str = ""
    ends: tuple[int, ...] = ()  # findings whose highlight ends here (their reference mark follows)


@dataclass
class Piece:
    """A paragraph, heading, list item, … with its highlighted segments."""

    line: int
    segments: list[Segment]
    notes: list[Note] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.notes)

    @property
    def unplaced(self) -> list[Note]:
        """Findings on this piece whose excerpt is not in its text: the whole piece is highlighted for them."""
        return [n for n in self.notes if not n.placed]

    @property
    def severity(self) -> str:
        """The worst severity among the findings that highlight the whole piece."""
        return min((n.severity for n in self.unplaced), key=lambda s: SEVERITY_ORDER.get(s, 9), default="")


@dataclass
class BlockView:
    kind: str
    line: int
    level: int
    ordered: bool
    head: Piece  # the block's own text (empty for a list)
    items: list[Piece]

    @property
    def notes(self) -> list[Note]:
        found = list(self.head.notes)
        for item in self.items:
            found.extend(item.notes)
        return sorted(found, key=lambda n: n.number)


@dataclass
class OutlineNode:
    text: str
    level: int
    line: int
    marks: list[str]
    notes: list[int]
    children: list["OutlineNode"] = field(default_factory=list)


def _segments(text: str, notes: Iterable[Note]) -> tuple[list[Segment], set[int]]:
    """Split text at each finding's excerpt; returns the segments and the notes that found their excerpt."""
    spans: list[tuple[int, int, Note]] = []
    for note in notes:
        excerpt = note.excerpt.strip()
        shortened = excerpt.endswith("…")  # the engine cut a long excerpt: match what it kept
        excerpt = excerpt[:-1].rstrip() if shortened else excerpt
        if not excerpt:
            continue
        start = text.find(excerpt)
        if start < 0:
            start = text.lower().find(excerpt.lower())
        if start >= 0:
            end = start + len(excerpt)
            if shortened:  # carry the highlight on to the end of the sentence it was cut from
                stop = _SENTENCE_END.search(text, end)
                end = stop.end(1) if stop else len(text)
            spans.append((start, end, note))
    if not spans:
        return [Segment(text)], set()
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    segments = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [n for s, e, n in spans if s <= start and end <= e]
        severity = min((n.severity for n in covering), key=lambda s: SEVERITY_ORDER.get(s, 9), default="")
        ends = tuple(n.number for s, e, n in spans if e == end)
        segments.append(Segment(text[start:end], tuple(n.number for n in covering), severity, ends))
    return segments, {n.number for _, _, n in spans}


def _notes(findings: list[dict[str, Any]]) -> list[Note]:
    ordered = sorted(findings, key=lambda f: (int(f.get("line", 0)), int(f.get("column", 0)), f.get("rule", "")))
    return [
        Note(
            number=i,
            rule=str(f.get("rule", "")),
            name=str(f.get("name", "")),
            family=str(f.get("family", "")),
            severity=str(f.get("severity", "warning")),
            message=str(f.get("message", "")),
            suggestion=str(f.get("suggestion", "") or ""),
            line=int(f.get("line", 0)),
            excerpt=str(f.get("excerpt", "") or ""),
            value=f.get("value"),
            limit=f.get("limit"),
        )
        for i, f in enumerate(ordered, start=1)
    ]


def _blocks(post: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's blocks, with the title as an H1 when it renders as one but is not a block."""
    document = post.get("document") or {}
    blocks = list(document.get("blocks", []))
    title_line = int(document.get("title_line") or 0)
    if document.get("title_is_h1") and post.get("title") and not any(b.get("line") == title_line for b in blocks):
        blocks.insert(0, {"kind": HEADING, "line": title_line, "text": post["title"], "level": 1, "synthetic": True})
    return sorted(blocks, key=lambda b: int(b.get("line", 0)))


def build_text(post: dict[str, Any]) -> tuple[list[BlockView], list[Note], list[Note]]:
    """The post's blocks with findings placed; also every note, and the notes about the post as a whole."""
    notes = _notes(post.get("findings", []))
    raw = _blocks(post)
    # Anchors in reading order: (line, block index, item index or -1); a finding belongs to the last anchor at or
    # before its line, so a finding on a paragraph's second line still lands on that paragraph.
    anchors: list[tuple[int, int, int]] = []
    for bi, block in enumerate(raw):
        anchors.append((int(block.get("line", 0)), bi, -1))
        anchors.extend((int(item.get("line", 0)), bi, ii) for ii, item in enumerate(block.get("items") or []))
    anchors.sort()
    lines = [a[0] for a in anchors]
    placed: dict[tuple[int, int], list[Note]] = {}
    general: list[Note] = []
    for note in notes:
        at = bisect.bisect_right(lines, note.line) - 1
        if at < 0:
            general.append(note)
        else:
            placed.setdefault(anchors[at][1:], []).append(note)
    views: list[BlockView] = []
    found_all: set[int] = set()
    for bi, block in enumerate(raw):
        head_notes = placed.get((bi, -1), [])
        segments, found = _segments(str(block.get("text", "")), head_notes)
        found_all |= found
        items = []
        for ii, item in enumerate(block.get("items") or []):
            item_notes = placed.get((bi, ii), [])
            item_segments, item_found = _segments(str(item.get("text", "")), item_notes)
            found_all |= item_found
            items.append(Piece(int(item.get("line", 0)), item_segments, item_notes))
        views.append(BlockView(
            kind=str(block.get("kind", "paragraph")),
            line=int(block.get("line", 0)),
            level=int(block.get("level") or 0),
            ordered=bool(block.get("ordered")),
            head=Piece(int(block.get("line", 0)), segments, head_notes),
            items=items,
        ))
    # Findings about the whole post point at its title (no byline, no date) or at its first paragraph (the
    # reading grade): unless they highlight words there, they are listed with the whole post, not pinned on
    # one block.
    title_line = int((post.get("document") or {}).get("title_line") or 0)
    for view in views:
        is_title = view.kind == HEADING and view.level == 1 and view.line == title_line
        for piece in [view.head, *view.items]:
            wide = [n for n in piece.notes if n.number not in found_all and (is_title or n.name in POST_WIDE_RULES)]
            general.extend(wide)
            piece.notes = [n for n in piece.notes if n not in wide]
    general.sort(key=lambda n: n.number)
    marked = [_placed(n, found_all) for n in notes]
    by_number = {n.number: n for n in marked}
    for view in views:
        for piece in [view.head, *view.items]:
            piece.notes = [by_number[n.number] for n in piece.notes]
    return views, marked, [by_number[n.number] for n in general]


def _placed(note: Note, found: set[int]) -> Note:
    if note.number not in found:
        return note
    return Note(**{**note.__dict__, "placed": True})


def build_outline(blocks: list[BlockView]) -> list[OutlineNode]:
    """The heading tree, each heading marked from the findings on its line and from the blocks themselves."""
    headings = [(i, b) for i, b in enumerate(blocks) if b.kind == HEADING]
    roots: list[OutlineNode] = []
    stack: list[OutlineNode] = []
    previous_level = 0
    for index, block in headings:
        marks = [OUTLINE_MARKS[n.name] for n in block.head.notes if n.name in OUTLINE_MARKS]
        if previous_level and block.level > previous_level + 1 and "skipped level" not in marks:
            marks.append("skipped level")
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if (following is None or (following.kind == HEADING and following.level <= block.level)) \
                and "empty section" not in marks:
            marks.append("empty section")
        text = "".join(s.text for s in block.head.segments)
        numbers = [n.number for n in block.head.notes if n.family in OUTLINE_FAMILIES or n.name in OUTLINE_MARKS]
        node = OutlineNode(text, block.level, block.line, marks, numbers)
        while stack and stack[-1].level >= block.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        previous_level = block.level
    return roots


@dataclass(frozen=True)
class MetricRow:
    label: str
    value: Any
    target: str
    meets: bool | None  # None: no target to compare with


# metric key -> (label, the rule that judges it); the targets come with the post (``targets``), as configured.
METRICS = (
    ("flesch_kincaid_grade", "Flesch-Kincaid grade", "reading-grade"),
    ("smog_index", "SMOG grade", "reading-grade"),
    ("gunning_fog", "Gunning fog grade", "reading-grade"),
    ("coleman_liau_index", "Coleman-Liau grade", "reading-grade"),
    ("automated_readability_index", "Automated readability grade", "reading-grade"),
    ("dale_chall", "Dale-Chall score", ""),
    ("flesch_reading_ease", "Flesch reading ease", "flesch-reading-ease"),
    ("fernandez_huerta", "Fernández Huerta ease", "fernandez-huerta"),
    ("szigriszt_pazos", "Szigriszt-Pazos (INFLESZ)", "inflesz"),
    ("words_per_sentence", "Words per sentence (mean)", ""),
    ("long_sentence_share", "Share of long sentences", "long-sentence-share"),
    ("complex_word_share", "Share of complex words", "complex-words"),
    ("longest_paragraph", "Longest paragraph (words)", "long-paragraph"),
    ("words", "Words of prose", ""),
    ("sentences", "Sentences", ""),
)
SHARES = {"long_sentence_share", "complex_word_share"}
# Rules that measure the whole post (their targets are in the table above), whatever line they point at.
POST_WIDE_RULES = frozenset(rule for _, _, rule in METRICS if rule) | {"small-sample"}
OUTLINE_FAMILIES = ("headings", "sections")  # findings whose numbers the outline repeats


def build_metrics(post: dict[str, Any], blocks: list[BlockView], notes: list[Note]) -> list[MetricRow]:
    """Each readability metric beside the target configured for the run (carried by the post's ``targets``)."""
    metrics = dict(post.get("metrics") or {})
    paragraphs = ["".join(s.text for s in b.head.segments) for b in blocks if b.kind == "paragraph"]
    if paragraphs:
        metrics["longest_paragraph"] = max(len(p.split()) for p in paragraphs)
    from clinic_audit.result import METRIC_TARGETS

    targets = post.get("targets") or {}
    directions = {metric: direction for metric, _, _, direction, _ in METRIC_TARGETS}
    reported = {n.name: n.limit for n in notes if isinstance(n.limit, (int, float))}  # runs saved before targets
    rows = []
    for key, label, rule_name in METRICS:
        if key not in metrics:
            continue
        value = metrics[key]
        target = targets.get(key) or {}
        limit = target.get("limit", reported.get(rule_name) if rule_name else None)
        direction = target.get("direction", directions.get(key, "max"))
        if not isinstance(limit, (int, float)) or not isinstance(value, (int, float)):
            rows.append(MetricRow(label, _show(key, value), "", None))
            continue
        meets = value <= limit if direction == "max" else value >= limit
        sign = "≤" if direction == "max" else "≥"
        rows.append(MetricRow(label, _show(key, value), f"{sign} {_show(key, limit)}", meets))
    return rows


def _show(key: str, value: Any) -> str:
    if key in SHARES and isinstance(value, (int, float)):
        return f"{value:.0%}"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


_SLUG = re.compile(r"[^a-z0-9]+")
_SENTENCE_END = re.compile(r"([.!?])(\s|$)")


def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe slug: lowercase ASCII letters, digits and hyphens."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-") or "post"


# Traffic lights, as Yoast shows them (its 0-10 scores: ≤4 red, 5-7 orange, 8-10 green), on the 0-100 family
# score and in step with the grade letters (green A/B, orange C/D, red F): a family with an error is red whatever
# its score.  Each light has words and a shape, never colour alone.
LIGHTS = (
    (80, "green", "Good", "●"),
    (60, "orange", "Could be better", "▲"),
    (0, "red", "Needs work", "■"),
)


@dataclass(frozen=True)
class Light:
    colour: str
    words: str
    shape: str


def light(score: int, errors: int = 0) -> Light:
    """The traffic light of a 0-100 score (red when the family has an error)."""
    if errors:
        return Light("red", LIGHTS[-1][2], LIGHTS[-1][3])
    for floor, colour, words, shape in LIGHTS:
        if score >= floor:
            return Light(colour, words, shape)
    return Light("red", LIGHTS[-1][2], LIGHTS[-1][3])


def post_view(post: dict[str, Any], scores: dict[str, int], docs: Any = None) -> dict[str, Any]:
    """Everything the post view (``post_parts.html``) shows of one post dict: the one renderer of a post, used by
    the report's post pages and by the ``serve`` page.  ``docs`` maps a rule code to its documentation."""
    from .summary import SEVERITIES, letter_for

    blocks, notes, general = build_text(post)
    codes = list(dict.fromkeys(n.rule for n in notes))
    families = []
    for family, score in scores.items():
        counts = {s: sum(1 for n in notes if n.family == family and n.severity == s) for s in SEVERITIES}
        families.append({"name": family, "score": score, "grade": letter_for(score), "counts": counts,
                         "light": light(score, counts["error"])})
    return {
        "families": families,
        "blocks": blocks,
        "notes": notes,
        "by_number": {n.number: n for n in notes},
        "general": general,
        "outline": build_outline(blocks),
        "metrics": build_metrics(post, blocks, notes),
        "rules": [(code, docs(code) if docs is not None else None) for code in codes],
    }
