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


def drop_site_chrome(tree: Any) -> list[str]:
    """Remove site chrome from the page; returns what was dropped ("footer", "div class=share-bar"…).

    Landmarks (header, footer, aside, nav) are chrome when no article, main or
    section holds them, as in ARIA's banner/contentinfo mapping.  Elements marked
    by role, or by a chrome word in their class or id, are chrome anywhere, unless
    they hold an <h1> or half of the page's text (then they are the post's wrapper).
    """
    elements, scoping, roles, words, values = _html()
    total = max(1, text_length(tree))
    doomed: list[tuple[Any, str]] = []
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in ("html", "body", "head"):
            continue
        if any(el is element or el in element.iterancestors() for el, _ in doomed[-1:]):
            continue
        reason = None
        if tag in elements and not any(a.tag in scoping for a in element.iterancestors()) \
                and next(element.iter("article"), None) is None and next(element.iter("main"), None) is None:
            reason = tag
        elif (element.get("role") or "").strip().lower() in roles and next(element.iter("h1"), None) is None:
            reason = f"{tag} role={element.get('role')}"
        else:
            marked = _marked_by_class(element, words, values)
            if marked and next(element.iter("h1"), None) is None and text_length(element) * 2 < total:
                reason = f"{tag} {marked}"
        if reason:
            doomed.append((element, reason))
    for element, _ in doomed:
        parent = element.getparent()
        if parent is not None:
            tail = element.tail
            previous = element.getprevious()
            parent.remove(element)
            if tail:  # the text after the element stays
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
    return [reason for _, reason in doomed]


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
