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


def stem(word: str) -> str:
    """A crude English plural stem, enough to match "nerve" with "nerves" and "therapies" with "therapy"."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and len(word) > 4 and word[-3] in "sxz":
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """Stemmed words of ``text`` without function words."""
    stop = set(seo_data()["stopwords"])
    return [stem(w) for w in re.findall(r"[\w'’]+", text.lower()) if w not in stop]


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
