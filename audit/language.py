"""Which language a post is in: declared, configured, or detected from its function words.

Detection counts, per language, how many of the text's words are that language's most common function words
(articles, prepositions, pronouns; ``data/languages.toml``).  On whole posts this is as accurate as the
statistical libraries measured in ``benchmarks/language_detect.py`` and costs nothing at start-up.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Any

_WORD = re.compile(r"[^\W\d_]+")
MIN_HITS = 3  # fewer function words than this and the text is too short to tell
MARGIN = 1.5  # the winner needs this many times the runner-up's hits
SAMPLE_CHARS = 20_000  # a post's first 20,000 characters are plenty


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    text = resources.files("clinic_audit").joinpath("data/languages.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def supported() -> tuple[str, ...]:
    """Languages the rules are written for."""
    return tuple(data()["supported"])


@lru_cache(maxsize=1)
def neutral() -> frozenset[str]:
    """Families and rule codes that still run on a post in an unsupported language."""
    return frozenset(data()["unsupported"]["run"])


def decide(declared: object, configured: object, text: str) -> tuple[str, str]:
    """(language, where it came from): the post's own declaration, else the configuration, else detection."""
    code = code_of(declared)
    if code:
        return code, "declared"
    code = code_of(configured)
    if code:
        return code, "configured"
    found, _ = detect(text)
    if found:
        return found, "detected"
    return "en", "default"


@lru_cache(maxsize=1)
def _language_of_word() -> dict[str, str]:
    """Each function word that only one listed language has, with that language ("de" tells nothing apart)."""
    lists = {code: frozenset(words) for code, words in data()["function_words"].items()}
    owner: dict[str, str] = {}
    for code, words in lists.items():
        others = frozenset().union(*(w for c, w in lists.items() if c != code))
        owner.update(dict.fromkeys(words - others, code))
    return owner


def detect(text: str) -> tuple[str | None, int]:
    """(language code or None when unsure, function words counted for it)."""
    owner = _language_of_word()
    hits = dict.fromkeys(data()["function_words"], 0)
    for word, count in Counter(_WORD.findall(text[:SAMPLE_CHARS].lower())).items():
        code = owner.get(word)
        if code:
            hits[code] += count
    ranked = sorted(hits.items(), key=lambda item: -item[1])
    (best, count), (_, second) = ranked[0], ranked[1]
    if count < MIN_HITS or count < second * MARGIN:
        return None, count
    return best, count


def code_of(value: object) -> str | None:
    """A two-letter code from 'es-MX', 'en_US', 'Spanish', 'español'; None for nothing usable."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip().lower().replace("_", "-")
    for code, names in data()["names"].items():
        if raw in names:
            return code
    primary = raw.split("-")[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None
