"""Words as the SEO rules compare them: content words and plural stems, title widths, source lines.

What a post states as a page (title, description, canonical...) is in ``post.facts``, filled once by the
parser (``audit/facts.py``); this module only holds the word handling the SEO rules share.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from clinic_audit.model import Post
from clinic_audit.rule import rule_data


@lru_cache(maxsize=1)
def seo_data() -> dict[str, Any]:
    """The SEO word lists and tables (rules/data/seo.toml)."""
    return rule_data("seo")


def line_of(post: Post, *needles: str) -> int:
    """First source line holding the first needle found, trying needles in order (1 when none is there)."""
    for needle in needles:
        for i, line in enumerate(post.lines, start=1):
            if needle in line.lower():
                return i
    return 1


def first_h1(post: Post) -> tuple[int, str] | None:
    """(line, text) of the first H1 heading block, if any."""
    h1 = next((h for h in post.headings if h.level == 1), None)
    return (h1.line, h1.plain) if h1 else None


_WORD = re.compile(r"\w+(?:['’]\w+)*")  # quotes around a word ('knee pain', ‘knee pain’) are not part of it
_SPANISH_ES_PLURAL = frozenset("lrndzjs")  # "dolores", "lesiones", "ansiedades": plural -es after these


@lru_cache(maxsize=8)
def _irregular_plurals(language: str) -> dict[str, str]:
    return dict(seo_data().get("irregular_plurals", {}).get(language, {}))


@lru_cache(maxsize=8)
def _stopwords(language: str) -> frozenset[str]:
    """Function words left out of keyphrase matching: the shared list plus the language's own."""
    extra = seo_data().get("function_words", {})
    return frozenset(seo_data()["stopwords"]) | frozenset(extra.get(language, ())) | frozenset(extra.get("en", ()))


@lru_cache(maxsize=65536)
def stem(word: str, language: str = "en") -> str:
    """A plural stem, enough to match "nerve" with "nerves", "therapy" with "therapies", "dolor" with "dolores".

    Measured against snowballstemmer (README, "Keyphrase matching"): this rule set and its irregular-plural
    list match more plural pairs of a health word list and never join unrelated words ("physical" and
    "physic", "testes" and "test"), at 80 times the speed; only plurals are matched, as Yoast's free
    matcher does.
    """
    word = word.lower().replace("’", "'").removesuffix("'s").removesuffix("'")
    irregular = _irregular_plurals("es" if language.startswith("es") else "en").get(word)
    if irregular:
        return irregular
    if language.startswith("es"):
        word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode() or word
        if word.endswith("es") and len(word) > 4 and word[-3] in _SPANISH_ES_PLURAL:
            return word[:-2]
        return word[:-1] if word.endswith("s") and len(word) > 3 and word[-2] in "aeiou" else word
    if word.endswith(("us", "ss", "is")) or len(word) <= 3:
        return word + ("e" if word.endswith("us") else "")  # "virus" and "viruses" both become "viruse"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word[:-1] if word.endswith("che") else word  # "ache" and "aches" both become "ach", like "stretch(es)"


def words_of(text: str) -> list[str]:
    """The words of ``text`` in lower case, quotes and punctuation left out."""
    return _WORD.findall(text.lower())


def content_words(text: str, language: str = "en") -> list[str]:
    """Stemmed words of ``text`` without function words."""
    stop = _stopwords(language)
    return [stem(w, language) for w in words_of(text) if w not in stop and w.replace("’", "'") not in stop]


def title_pixels(title: str) -> float:
    """Estimated width of a title in a desktop search result, in pixels (Arial widths from seo.toml)."""
    table = seo_data()["title_width"]
    units = 0
    for ch in title:
        if ch == " ":
            units += table["space"]
            continue
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        units += table["widths"].get(ch, table["widths"].get(base, table["default"]))
    return units * table["font_px"] / 1000
