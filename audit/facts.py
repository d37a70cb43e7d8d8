"""Page facts: what a post says about itself as a page, read once, the same for every reader.

An HTML page states its title, description, canonical URL, robots directives, Open Graph fields and language
in ``<head>``; a Markdown post states the same in front matter, under the aliases listed in
``data/facts.toml``; plain text states none.  ``page_facts`` resolves the aliases once per post and records
each fact's source line, so the SEO rules, the trust rules and the site summaries never disagree about a
post's description or where it sits.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any

from .model import Fact, PageFacts, Post

__all__ = ["Fact", "PageFacts", "article_types", "has_front_matter", "is_html_page", "page_facts", "synonym_list"]

HEAD_ORIGIN = "head"
FRONT_MATTER_ORIGIN = "front matter"
CONFIGURED_ORIGIN = "configuration"


@lru_cache(maxsize=1)
def facts_data() -> dict[str, Any]:
    return tomllib.loads(resources.files("clinic_audit").joinpath("data/facts.toml").read_text(encoding="utf-8"))


def article_types() -> frozenset[str]:
    """JSON-LD types (lower case) that describe a post's content."""
    return frozenset(t.lower() for t in facts_data()["article_types"])


def page_facts(post: Post, keyphrase: str | None = None, synonyms: Any = None) -> PageFacts:
    """Every page fact the post states; a configured ``keyphrase`` and ``synonyms`` (``--keyphrase``,
    ``--synonyms``, the top-level settings) override the post's own.

    ``synonyms`` is read as a tuple of phrases (a comma-separated string or a list of them).
    """
    found: dict[str, Fact] = {}
    head_line = _first_line(post, ("<head", "<html")) if post.format == "html" else 1
    if post.format == "html":
        for name, keys in facts_data()["html"].items():
            for key in keys:
                value = post.meta.get(key)
                if value not in (None, ""):
                    line = int(post.meta.get("title_line") or 0) if key == "title" else _head_line(post, key)
                    found[name] = Fact(value, line or head_line, HEAD_ORIGIN)
                    break
    elif post.format == "markdown" and post.meta:
        lowered = {str(k).lower(): v for k, v in post.meta.items()}
        for name, keys in facts_data()["front_matter"].items():
            key = next((k for k in keys if lowered.get(k) not in (None, "")), None)
            if key is not None:
                found[name] = Fact(lowered[key], _front_matter_line(post, key), FRONT_MATTER_ORIGIN)
    if keyphrase:
        found["keyphrase"] = Fact(keyphrase, 1, CONFIGURED_ORIGIN)
    if synonym_list(synonyms):
        found["synonyms"] = Fact(synonyms, 1, CONFIGURED_ORIGIN)
    if "synonyms" in found:
        found["synonyms"] = replace(found["synonyms"], value=synonym_list(found["synonyms"].value))
    return PageFacts(found, is_html_page(post), has_front_matter(post), head_line)


def synonym_list(value: Any) -> tuple[str, ...]:
    """Keyphrase synonyms as written (a comma-separated string, or a list of them) as a tuple of phrases."""
    items = value if isinstance(value, (list, tuple)) else [value] if value else []
    return tuple(part.strip() for item in items for part in str(item).split(",") if part.strip())


def is_html_page(post: Post) -> bool:
    """An HTML document with a head (not a fragment pasted from a CMS body)."""
    return post.format == "html" and any("<html" in line.lower() or "<head" in line.lower() for line in post.lines)


def has_front_matter(post: Post) -> bool:
    """A Markdown post that opens with front matter (YAML ``---``, TOML ``+++`` or a JSON object)."""
    return (post.format == "markdown" and bool(post.meta) and bool(post.lines)
            and (post.lines[0].strip() in ("---", "+++") or post.lines[0].lstrip().startswith("{")))


def _first_line(post: Post, needles: tuple[str, ...]) -> int:
    for needle in needles:
        for number, line in enumerate(post.lines, start=1):
            if needle in line.lower():
                return number
    return 1


def _head_line(post: Post, key: str) -> int:
    """The line of the ``<meta>``/``<link>`` tag stating ``key`` (0 when it cannot be found)."""
    quoted = re.compile(rf"""["']?{re.escape(key)}["'\s>]""", re.IGNORECASE)
    for number, line in enumerate(post.lines, start=1):
        lowered = line.lower()
        if ("<meta" in lowered or "<link" in lowered) and quoted.search(line):
            return number
        if "</head" in lowered or "<body" in lowered:
            break
    return 0


def _front_matter_line(post: Post, key: str) -> int:
    """The line where front matter sets ``key`` (YAML ``key:``, TOML ``key =``, JSON ``"key":``)."""
    pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*[:=]""", re.IGNORECASE)
    for number, line in enumerate(post.lines[1:], start=2):
        if pattern.match(line):
            return number
        if line.strip() in ("---", "+++", "...", "}"):
            break
    return 1
