"""Who wrote a post, who reviewed it and when: read from every place a post can say so.

The same signal can sit in HTML ``<meta>`` tags, schema.org JSON-LD, ``<time>``
elements, Markdown front matter, or a plain line of text ("By Dr. Jane Roe, MD",
"Medically reviewed by …", "Published March 3, 2024").  The trust and SEO rules
ask this module and never care which of those the post used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from clinic_audit.facts import article_types
from clinic_audit.model import CODE, TABLE, Post
from clinic_audit.rule import rule_data
from clinic_audit.textscan import TextIndex


@dataclass(frozen=True)
class Signal:
    """One found signal: the name or date as written, where, from what kind of source, and the date if any."""

    text: str
    line: int
    origin: str  # "front matter", "meta", "json-ld", "time", "text"
    when: dt.date | None = None


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    """The trust word lists (rules/data/trust.toml)."""
    return rule_data("trust")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    sig = data()["signals"]

    def any_of(items: list[str]) -> str:
        return "|".join(f"(?:{p})" for p in items)

    months = "|".join(sorted(sig["months"], key=len, reverse=True))
    titles = any_of(sig["name_titles"])
    name = (rf"(?:(?:{titles})\s+[A-ZÁÉÍÓÚÑ][\w'’.-]*(?:\s+[A-ZÁÉÍÓÚÑ][\w'’.-]*)*"
            rf"|[A-ZÁÉÍÓÚÑ][\w'’.-]*(?:\s+(?:de|del|la|van|von|[A-ZÁÉÍÓÚÑ][\w'’.-]*))+)")
    return {
        "byline": re.compile(rf"^\s*(?i:{any_of(sig['byline_prefixes'])})\s+({name}.*)$"),
        # "Posted on January 5, 2026 by Jane Roe", "Nerve pain · by Jane Roe": after a date or a separator.
        "byline_after": re.compile(rf"(?:\d{{4}}|[|·•—–,;])\s*(?i:{any_of(sig['byline_prefixes'])})\s+({name}.*)$"),
        "reviewer": re.compile(rf"(?i:{any_of(sig['reviewer_phrases'])})\s+({name}.*)$"),
        "published": re.compile(rf"(?i:\b(?:{any_of(sig['published_labels'])}))"),
        "updated": re.compile(rf"(?i:\b(?:{any_of(sig['updated_labels'])}))"),
        "reviewed": re.compile(rf"(?i:\b(?:{any_of(sig['reviewed_labels'])}|{any_of(sig['reviewer_phrases'])}))"),
        "iso": re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"),
        "month_first": re.compile(rf"\b({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE),
        "day_first": re.compile(rf"\b(\d{{1,2}})\.?\s+(?:de\s+)?({months})\.?,?\s+(?:de\s+)?(\d{{4}})\b", re.IGNORECASE),
        "month_year": re.compile(rf"\b({months})\.?\s+(?:de\s+)?(\d{{4}})\b", re.IGNORECASE),
        "numeric": re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"),
        "separator": re.compile(r"\s+(?:[|·•—–]|on|el)\s+|\s*[|·•]\s*", re.IGNORECASE),
    }


def find_date(text: str) -> tuple[dt.date, str] | None:
    """The first date written in ``text`` (ISO, "March 3, 2024", "3 March 2024", "3/3/2024", "March 2024")."""
    p = _patterns()
    months = data()["signals"]["months"]
    found: list[tuple[int, dt.date, str]] = []
    for kind in ("iso", "month_first", "day_first", "numeric", "month_year"):
        for m in p[kind].finditer(text):
            try:
                if kind == "iso":
                    value = dt.date(int(m[1]), int(m[2]), int(m[3]))
                elif kind == "month_first":
                    value = dt.date(int(m[3]), months[m[1].lower()], int(m[2]))
                elif kind == "day_first":
                    value = dt.date(int(m[3]), months[m[2].lower()], int(m[1]))
                elif kind == "numeric":  # US order: month/day/year
                    value = dt.date(int(m[3]), int(m[1]), int(m[2]))
                else:
                    value = dt.date(int(m[2]), months[m[1].lower()], 1)
            except (ValueError, KeyError):
                continue
            found.append((m.start(), value, m.group(0)))
    if not found:
        return None
    _, value, written = min(found, key=lambda f: (f[0], -len(f[2])))
    return value, written


def parse_date(value: Any) -> dt.date | None:
    """A date from a front-matter or JSON-LD value, or None."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        found = find_date(value)
        return found[0] if found else None
    return None


def text_lines(post: Post) -> tuple[tuple[int, str], ...]:
    """Every visible line with its source line: raw lines for text posts, block text for the others.

    Plain-text posts use the raw source because the parser drops the short lines
    before the first paragraph (where CMS copies put bylines and dates).
    """
    return post.view(_text_lines)


def _text_lines(post: Post) -> tuple[tuple[int, str], ...]:
    if post.format == "text":
        return tuple((i, line.strip()) for i, line in enumerate(post.lines, start=1) if line.strip())
    out: list[tuple[int, str]] = []
    for block in post.blocks:
        if block.kind in (CODE, TABLE):
            continue
        for item in (block, *block.items):
            for offset, line in enumerate(item.text.split("\n")):
                if line.strip():
                    out.append((item.line + offset, " ".join(line.split())))
    return tuple(out)


def lines_matching(post: Post, pattern: re.Pattern[str]) -> list[tuple[int, str]]:
    """The visible lines where ``pattern`` may match, in order: one search over the post, not one per line."""
    lines = text_lines(post)
    return [lines[i] for i in post.view(_text_index).candidates(pattern)]


def _text_index(post: Post) -> TextIndex:
    return TextIndex([text for _, text in text_lines(post)])


def short_lines(post: Post) -> tuple[tuple[int, str], ...]:
    """Lines short enough to be a byline or a date line rather than prose (a shared view)."""
    return post.view(_short_lines)


def _short_lines(post: Post) -> tuple[tuple[int, str], ...]:
    limit = int(data()["signals"]["max_signal_words"])
    return tuple((line, text) for line, text in text_lines(post) if len(text.split()) <= limit)


def json_ld_nodes(post: Post) -> list[dict[str, Any]]:
    """Top-level JSON-LD objects (``@graph`` flattened) from the page or a front-matter ``json_ld`` key."""
    raw = post.meta.get("json_ld", post.meta.get("schema", []))
    stack = list(raw) if isinstance(raw, list) else [raw]
    nodes: list[dict[str, Any]] = []
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            if isinstance(item.get("@graph"), list):
                stack[:0] = item["@graph"]
            if "@type" in item or "_invalid" in item:
                nodes.append(item)
    return nodes


def types_of(node: dict[str, Any]) -> set[str]:
    """The node's ``@type`` values, lower-cased."""
    value = node.get("@type", [])
    return {str(t).lower() for t in (value if isinstance(value, list) else [value])}


def article_nodes(post: Post) -> list[dict[str, Any]]:
    """JSON-LD nodes that describe the page's content (Article, BlogPosting, MedicalWebPage…)."""
    return [n for n in json_ld_nodes(post) if types_of(n) & article_types()]


def person_names(value: Any) -> list[str]:
    """Names in a JSON-LD/front-matter person value, with suffix and job title (they carry credentials)."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [name for item in value for name in person_names(item)]
    if isinstance(value, dict):
        name = str(value.get("name") or "").strip()
        extra = [str(value.get(k) or "") for k in ("honorificSuffix", "credentials", "jobTitle", "hasCredential")]
        extra = [e for e in extra if e and not e.startswith("{")]
        return [", ".join([name, *extra])] if name else []
    return []


def _front(post: Post, keys: list[str]) -> tuple[str, Any] | None:
    if post.format != "markdown":
        return None
    lowered = {str(k).lower(): (k, v) for k, v in post.meta.items()}
    for key in keys:
        if key in lowered and lowered[key][1] not in (None, "", []):
            return lowered[key]
    return None


def source_line(post: Post, needle: str) -> int:
    """The first source line holding ``needle`` (a meta name or JSON-LD key), else 1."""
    return next((i for i, line in enumerate(post.lines, start=1) if needle in line), 1)


def _front_line(post: Post, key: str) -> int:
    for i, line in enumerate(post.lines[:80], start=1):
        if line.lstrip().startswith(f"{key}:"):
            return i
    return 1


def authors(post: Post) -> list[Signal]:
    """Every stated author: front matter, meta author, JSON-LD ``author`` and "By …" lines."""
    return list(post.view(_authors))


def _authors(post: Post) -> tuple[Signal, ...]:
    sig = data()["signals"]
    found: list[Signal] = []
    front = _front(post, sig["author_keys"])
    if front:
        found += [Signal(n, _front_line(post, front[0]), "front matter") for n in person_names(front[1])]
    for key in sig["meta_author"]:
        if post.format == "html" and post.meta.get(key):
            found.append(Signal(str(post.meta[key]), source_line(post, f'"{key}"'), "meta"))
    for node in article_nodes(post):
        line = source_line(post, '"author"')
        found += [Signal(n, line, "json-ld") for n in person_names(node.get("author"))]
    pattern, after = _patterns()["byline"], _patterns()["byline_after"]
    for line, text in short_lines(post):
        match = pattern.match(text) or after.search(text)
        if match and not _patterns()["reviewer"].search(text[: match.start(1)]):
            found.append(Signal(_strip_date(match.group(1)), line, "text"))
    return tuple(found)


def reviewers(post: Post) -> list[Signal]:
    """Every stated medical reviewer, with the review date when it is given alongside."""
    return list(post.view(_reviewers))


def _reviewers(post: Post) -> tuple[Signal, ...]:
    sig = data()["signals"]
    found: list[Signal] = []
    front = _front(post, sig["reviewer_keys"])
    if front:
        when = dates(post, "reviewed")
        for name in person_names(front[1]):
            found.append(Signal(name, _front_line(post, front[0]), "front matter", when[0].when if when else None))
    for node in json_ld_nodes(post):
        if "reviewedBy" in node:
            when = parse_date(node.get("lastReviewed"))
            line = source_line(post, '"reviewedBy"')
            found += [Signal(n, line, "json-ld", when) for n in person_names(node["reviewedBy"])]
    pattern = _patterns()["reviewer"]
    for line, text in short_lines(post):
        match = pattern.search(text)
        if match:
            date = find_date(match.group(1))
            found.append(Signal(_strip_date(match.group(1)), line, "text", date[0] if date else None))
    return tuple(found)


def dates(post: Post, kind: str) -> list[Signal]:
    """Dates of one kind ("published", "updated" or "reviewed") from every source."""
    return list(post.view(_dates, kind))


def _dates(post: Post, kind: str) -> tuple[Signal, ...]:
    sig = data()["signals"]
    found: list[Signal] = []
    front = _front(post, sig[f"{kind}_keys"])
    if front and parse_date(front[1]):
        found.append(Signal(str(front[1]), _front_line(post, front[0]), "front matter", parse_date(front[1])))
    if post.format == "html":
        for key in sig.get(f"meta_{kind}", []):
            if parse_date(post.meta.get(key)):
                found.append(Signal(str(post.meta[key]), source_line(post, f'"{key}"'), "meta", parse_date(post.meta[key])))
    json_key = {"published": "datePublished", "updated": "dateModified", "reviewed": "lastReviewed"}[kind]
    for node in json_ld_nodes(post):
        if parse_date(node.get(json_key)):
            found.append(Signal(str(node[json_key]), source_line(post, f'"{json_key}"'), "json-ld", parse_date(node[json_key])))
    for time in post.meta.get("times", []) if post.format == "html" else []:
        when = parse_date(time.get("datetime")) or parse_date(time.get("text"))
        line = int(time.get("line") or 1)
        context = post.lines[line - 1] if 0 < line <= len(post.lines) else ""
        if when and _kind_of_line(context) == kind:
            found.append(Signal(time.get("text") or time.get("datetime"), line, "time", when))
    found += [signal for signal, line_kind in _dated_lines(post) if line_kind == kind]
    return tuple(found)


def _dated_lines(post: Post) -> tuple[tuple[Signal, str | None], ...]:
    """Short lines of text that hold a date, each with the kind of date its label gives."""
    return post.view(_find_dated_lines)


_YEAR = re.compile(r"\d{4}")  # every date form find_date reads has a four-digit year


def _find_dated_lines(post: Post) -> tuple[tuple[Signal, str | None], ...]:
    found = []
    for line, text in short_lines(post):
        date = find_date(text) if _YEAR.search(text) else None
        if date:
            kind = _kind_of_line(text, byline=bool(_patterns()["byline"].match(text)), strict=True)
            found.append((Signal(date[1], line, "text", date[0]), kind))
    return tuple(found)


def _kind_of_line(text: str, byline: bool = True, strict: bool = False) -> str | None:
    """Which date a line labels: updated and reviewed labels win over a plain or "published" one.

    ``strict`` (plain lines of text) wants the label to open the line or follow a
    separator, so prose such as "the study was published in 2019" is not a date line.
    """
    p = _patterns()

    def labelled(kind: str) -> bool:
        return any(not strict or _SEPARATED.search(text[: m.start()]) for m in p[kind].finditer(text))

    if labelled("updated"):
        return "updated"
    if labelled("reviewed"):
        return "reviewed"
    if labelled("published") or byline:
        return "published"
    return None


# Text before a label that still makes it a label: nothing, or a separator ("By Jane Roe | Updated …").
_SEPARATED = re.compile(r"(?:^|[|·•—–,;]|\s-)\s*$")


def _strip_date(text: str) -> str:
    """A byline's name and credentials without the date or the separators after them."""
    date = find_date(text)
    if date:
        text = text[: text.find(date[1])]
    text = _patterns()["separator"].split(text, maxsplit=1)[0]
    for label in ("published", "updated", "reviewed"):
        match = _patterns()[label].search(text)
        if match:
            text = text[: match.start()]
    return text.strip(" ,;:|·-—–")
