"""Site chrome: the header, footer, sidebars, banners and buttons around a post (data in ``data/chrome.toml``)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

_WORD_SPLIT = re.compile(r"[-_\s]+")
_LABEL_TRIM = re.compile(r"[\s.:!»›→>|]+$")


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    text = resources.files("clinic_audit").joinpath("data/chrome.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def _html() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    html = data()["html"]
    return (frozenset(html["site_elements"]), frozenset(html["scoping_elements"]), frozenset(html["roles"]),
            frozenset(html["class_words"]), frozenset(html["class_values"]))


def text_length(element: Any) -> int:
    return sum(len(s.strip()) for s in element.itertext())


def _marked_by_class(element: Any, words: frozenset[str], values: frozenset[str]) -> str | None:
    for attribute in ("class", "id"):
        value = (element.get(attribute) or "").strip().lower()
        if not value:
            continue
        if value in values or any(v in values for v in value.split()):
            return f"{attribute}={value}"
        if any(word in words for word in _WORD_SPLIT.split(value)):
            return f"{attribute}={value}"
    return None


_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def hidden_screens(element: Any) -> frozenset[str]:
    """The screen sizes an element's classes hide it on ("elementor-hidden-tablet" → tablet)."""
    classes = (element.get("class") or "").lower().split()
    return frozenset(c.rsplit("-", 1)[-1] for c in classes if "-hidden-" in c or c.startswith("hidden-"))


def never_shown(element: Any, hidden_on: frozenset[str] = frozenset()) -> bool:
    """Hidden from every reader: a hiding class, hidden on every screen size (its own classes and its
    ancestors' together), or an inline display:none."""
    html = data()["html"]
    classes = (element.get("class") or "").lower().split()
    if any(c in html["hidden_classes"] for c in classes):
        return True
    screens = hidden_on | hidden_screens(element)
    if screens and all(s in screens for s in html["hidden_on"]):
        return True
    style = element.get("style")
    return bool(style) and _DISPLAY_NONE.search(style) is not None


def drop_site_chrome(tree: Any) -> list[str]:
    """Remove site chrome from the page; returns what was dropped ("footer", "div class=share-bar"…).

    Landmarks (header, footer, aside, nav) are chrome when no article, main or
    section holds them, as in ARIA's banner/contentinfo mapping.  Elements marked
    by role, or by a chrome word in their class or id, are chrome anywhere, unless
    they hold an <h1> or half of the page's text (then they are the post's wrapper).
    One walk from the root, carrying whether a scoping element is above; a dropped
    element's subtree is not visited.
    """
    elements, scoping, roles, words, values = _html()
    total = max(1, text_length(tree))
    doomed: list[tuple[Any, str]] = []
    stack: list[tuple[Any, bool]] = [(child, False) for child in reversed(tree)]
    while stack:
        element, scoped = stack.pop()
        tag = element.tag
        if not isinstance(tag, str):
            continue
        reason = None
        if tag not in ("html", "body", "head"):
            if tag in elements and not scoped and next(element.iter("article"), None) is None \
                    and next(element.iter("main"), None) is None:
                reason = tag
            elif (element.get("role") or "").strip().lower() in roles and next(element.iter("h1"), None) is None:
                reason = f"{tag} role={element.get('role')}"
            elif element.get("class") or element.get("id"):
                marked = _marked_by_class(element, words, values)
                if marked and next(element.iter("h1"), None) is None and text_length(element) * 2 < total:
                    reason = f"{tag} {marked}"
        if reason:
            doomed.append((element, reason))
            continue
        inner = scoped or tag in scoping
        stack.extend((child, inner) for child in reversed(element))
    for element, _ in doomed:
        remove_keeping_tail(element)
    return [reason for _, reason in doomed]


def remove_keeping_tail(element: Any) -> None:
    """Take ``element`` out of the tree; the text after it (its tail) stays where it was."""
    parent = element.getparent()
    if parent is None:
        return
    tail, previous = element.tail, element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


@lru_cache(maxsize=1)
def _labels() -> tuple[frozenset[str], frozenset[str]]:
    text = data()["text"]
    return frozenset(text["labels"]), frozenset(text["action_labels"])


def label_key(line: str) -> str:
    return _LABEL_TRIM.sub("", " ".join(line.split()).lower())


def is_button_label(line: str) -> bool:
    """A CMS button or navigation label ("Read more", "Descargar PDF"): chrome, never a heading."""
    key = label_key(line)
    return key in _labels()[0] or (len(key.split()) <= 8 and key.startswith(tuple(data()["text"]["label_prefixes"])))


def is_action_label(line: str) -> bool:
    """A call-to-action button ("Book now", "Pide tu cita"): text, never a heading."""
    return label_key(line) in _labels()[1]


@lru_cache(maxsize=1)
def _footer_pattern() -> re.Pattern[str]:
    starts = sorted(data()["text"]["footer_starts"], key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in starts), re.IGNORECASE)


def may_hold_footer(text: str) -> bool:
    """False when no line of ``text`` can hold a footer start: its phrases looked up in the lower-cased text
    (many times quicker than the case-insensitive alternation), or, beyond ASCII, where case-insensitive
    matching folds letters ``str.lower`` does not ("ſ"), the alternation itself."""
    if not text.isascii():
        return _footer_pattern().search(text) is not None
    lowered = text.lower()
    return any(start in lowered for start in _footer_phrases())


@lru_cache(maxsize=1)
def _footer_phrases() -> tuple[str, ...]:
    return tuple(start.lower() for start in data()["text"]["footer_starts"])


def footer_start(line: str) -> int | None:
    """Where a copied page's footer widget ("Did our information help you?") starts in ``line``, or None.

    It starts a line, follows a sentence, or is glued to the word before ("NOWDid our…"), and opens with a
    capital; never inside a sentence of the post ("please share your feedback with your doctor")."""
    for match in _footer_pattern().finditer(line):
        before = line[: match.start()]
        opens = match.group(0)[:1].isupper() or not match.group(0)[:1].isalpha()
        if opens and (not before.strip() or before.rstrip()[-1] in ".!?)" or not before[-1].isspace()):
            return match.start()
    return None


def is_glued_button(piece: str) -> bool:
    """A short piece glued to the text ("Buy Now", "Read Here", "Shop Supplements Now"): a button's label."""
    if is_button_label(piece):
        return True
    words = label_key(piece).split()
    text = data()["text"]
    return 0 < len(words) <= text["glued_button_words"] and words[-1] in text["glued_button_endings"]


_PROSE_TAGS = ("p", "li", "blockquote", "td", "dd")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _link_only_heading(heading: Any) -> bool:
    """A heading whose whole text is one link to another page: the title of a post card."""
    links = [a for a in heading.iter("a") if (a.get("href") or "").strip() and not (a.get("href") or "").startswith("#")]
    if len(links) != 1:
        return False
    words = "".join(heading.itertext()).split()
    return bool(words) and words == "".join(links[0].itertext()).split()


def _prose_outside(element: Any, band: Any) -> bool:
    """True when ``element`` holds prose (a paragraph, item or text run of some words) outside ``band``;
    headings are labels, not prose."""
    least = data()["html"]["listing_prose_words"]
    stack = [element]
    while stack:
        node = stack.pop()
        if node is band or not isinstance(node.tag, str) or node.tag in _HEADING_TAGS:
            continue
        if node.tag in _PROSE_TAGS and len("".join(node.itertext()).split()) >= least:
            return True
        if len((node.text or "").split()) >= least or (node is not element and len((node.tail or "").split()) >= least):
            return True
        stack.extend(node)
    return False


def drop_post_listings(tree: Any) -> list[str]:
    """Remove grids of post cards (related or featured posts, a category's latest posts) with their labels.

    A listing is the smallest element holding two or more card titles (headings that are one link to another
    page).  Its band is the listing and the wrappers around it that hold no prose of their own, only labels
    ("Featured Articles", "See more articles from Back Pain") and thumbnails; the band goes, unless it holds an
    <h1> or half of the page's text.  Returns what was dropped.
    """
    counts: dict[Any, int] = {}
    titles = [h for h in tree.iter(*_HEADING_TAGS[1:]) if _link_only_heading(h)]
    if len(titles) < 2:
        return []
    for title in titles:
        for ancestor in title.iterancestors():
            counts[ancestor] = counts.get(ancestor, 0) + 1
    listings = []
    for title in titles:
        listing = next((a for a in title.iterancestors() if counts[a] >= 2), None)
        if listing is not None and listing.tag not in ("body", "html") and not any(listing is l for l in listings):
            listings.append(listing)
    total = max(1, text_length(tree))
    dropped = []
    for listing in listings:
        if listing.getparent() is None:
            continue  # inside a band dropped already
        band = listing
        for _ in range(data()["html"]["listing_climb"]):
            parent = band.getparent()
            if parent is None or parent.tag in ("body", "html", "main", "article") or _prose_outside(parent, band):
                break
            band = parent
        if next(band.iter("h1"), None) is not None or text_length(band) * 2 >= total:
            continue
        dropped.append(f"{band.tag} post listing")
        remove_keeping_tail(band)
    return dropped
