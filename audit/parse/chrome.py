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


def footer_start(line: str) -> int | None:
    """Where a copied page's footer widget ("Did our information help you?") starts in ``line``, or None."""
    match = _footer_pattern().search(line)
    return match.start() if match else None


def is_glued_button(piece: str) -> bool:
    """A short piece glued to the text ("Buy Now", "Read Here", "Shop Supplements Now"): a button's label."""
    if is_button_label(piece):
        return True
    words = label_key(piece).split()
    text = data()["text"]
    return 0 < len(words) <= text["glued_button_words"] and words[-1] in text["glued_button_endings"]
