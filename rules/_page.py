"""Page-level facts the SEO rules share: is there a head, what does it say, and word matching.

An HTML page keeps its metadata in ``<head>`` (the HTML parser puts it in
``post.meta``); a Markdown post keeps the same facts in front matter under the
aliases listed in data/seo.toml; plain text has none.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from clinic_audit.model import Post
from clinic_audit.rule import rule_data

# The HTML parser's post.meta keys for each page field (front-matter aliases are in seo.toml).
_HTML_KEYS = {"title": ["title"], "description": ["description"], "canonical": ["canonical"],
              "robots": ["robots", "googlebot"], "url": ["og:url"], "og_title": ["og:title"],
              "og_description": ["og:description"], "og_image": ["og:image"], "noindex": [], "slug": []}


@lru_cache(maxsize=1)
def seo_data() -> dict[str, Any]:
    """The SEO word lists and tables (rules/data/seo.toml)."""
    return rule_data("seo")


def is_html_page(post: Post) -> bool:
    """An HTML document with a head (not a fragment pasted from a CMS body)."""
    return post.format == "html" and any("<html" in line.lower() or "<head" in line.lower() for line in post.lines)


def has_front_matter(post: Post) -> bool:
    """A Markdown post that opens with YAML front matter."""
    return post.format == "markdown" and bool(post.meta) and bool(post.lines) and post.lines[0].strip() == "---"


def has_head(post: Post) -> bool:
    """The post can carry page metadata: an HTML page, or Markdown with front matter."""
    return is_html_page(post) or has_front_matter(post)


def field(post: Post, name: str) -> Any:
    """A page-level field from HTML meta or its front-matter aliases; None when the post does not say."""
    if post.format == "html":
        return next((post.meta[k] for k in _HTML_KEYS[name] if post.meta.get(k) not in (None, "")), None)
    if post.format == "markdown":
        lowered = {str(k).lower(): v for k, v in post.meta.items()}
        return next((lowered[k] for k in seo_data()["aliases"][name] if lowered.get(k) not in (None, "")), None)
    return None


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
