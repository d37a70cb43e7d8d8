"""Which rules exist: the built-in families plus plugin rule packs.

Plugins declare an entry point in the ``clinic_audit.rules`` group whose value
is an iterable of :class:`~clinic_audit.rule.Rule` (or a module with a
``RULES`` tuple).  The registry is an immutable value built on first use.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from .rule import Rule

log = logging.getLogger(__name__)

FAMILIES = ("readability", "headings", "sections", "citations", "seo", "trust")
# The modules of each built-in family, each with a RULES tuple; a family outgrowing one module is split by concept.
FAMILY_MODULES = {
    "readability": ("readability", "readability_style"),
    "headings": ("headings",),
    "sections": ("sections",),
    "citations": ("citations",),
    "seo": ("seo", "seo_keyphrase", "seo_links", "seo_markup"),
    "trust": ("trust_authorship", "trust_content"),
    "site": ("site",),
}
SCORED_FAMILIES = FAMILIES
SITE_FAMILIES = ("site",)  # site rules see all posts of a run; not part of a post's score
ENTRY_POINT_GROUP = "clinic_audit.rules"


@dataclass(frozen=True)
class Registry:
    rules: tuple[Rule, ...]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, key: str) -> Rule | None:
        """A rule by code (any case) or kebab-case name."""
        key_upper = key.upper()
        for r in self.rules:
            if r.code == key_upper or r.name == key.lower():
                return r
        return None

    @property
    def families(self) -> tuple[str, ...]:
        seen = dict.fromkeys(r.family for r in self.rules)
        return tuple(seen)


def _module_rules(module: object) -> Iterable[Rule]:
    return tuple(getattr(module, "RULES", ()))


def _plugin_entry_points() -> Iterable[object]:
    """The entry points of ENTRY_POINT_GROUP, from ``importlib.metadata`` when a plugin may be installed."""
    if not plugins_may_be_installed():
        return ()
    from importlib.metadata import entry_points

    return entry_points(group=ENTRY_POINT_GROUP)


def plugins_may_be_installed() -> bool:
    """Whether any distribution on ``sys.path`` may declare an entry point in ENTRY_POINT_GROUP.

    Read from the folders' ``*.dist-info`` and ``*.egg-info`` entry-point files directly, so a run without
    plugins (the usual case) never imports ``importlib.metadata``: 10 ms of imports and 4 ms of scanning, a
    tenth of a warm rerun's start-up.  True (and ``importlib.metadata`` decides) when a file names the group,
    and whenever discovery could find distributions this does not read: a path entry that is not a folder (a
    zip), an ``.egg``, another distribution finder on ``sys.meta_path``.
    """
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") for finder in sys.meta_path if finder is not PathFinder):
        return True
    group = ENTRY_POINT_GROUP.encode()
    for entry in sys.path:
        if not isinstance(entry, str):
            return True  # bytes or a path object: unusual enough to leave to importlib.metadata
        root = entry or "."
        try:
            children = os.listdir(root)
        except OSError:
            if os.path.exists(root):
                return True  # a zip, or a folder this cannot list
            continue
        if root.lower().endswith(".egg"):
            return True
        for child in children:
            if not child.lower().endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(root, child, "entry_points.txt"), "rb") as handle:
                    if group in handle.read():
                        return True
            except OSError:  # no entry points (or an egg-info file, which has none)
                continue
    return False


@lru_cache(maxsize=1)
def load() -> Registry:
    """Every available rule, built-in first, in code order within each family."""
    found: list[Rule] = []
    for family in (*FAMILIES, *SITE_FAMILIES):
        rules: list[Rule] = []
        for name in FAMILY_MODULES[family]:
            rules.extend(_module_rules(importlib.import_module(f"clinic_audit.rules.{name}")))
        found.extend(sorted(rules, key=lambda r: r.code))
    for ep in _plugin_entry_points():
        try:
            loaded = ep.load()
            pack = _module_rules(loaded) if hasattr(loaded, "RULES") else tuple(loaded)
            found.extend(r for r in pack if isinstance(r, Rule))
        except Exception as exc:  # a broken plugin must not stop the audit
            log.warning("could not load rule plugin %s: %s", ep.name, exc)
    from .internal import RULES as ENGINE_RULES

    found.extend(ENGINE_RULES)
    seen: set[str] = set()
    unique = []
    for r in found:
        if r.code in seen or r.name in seen:
            log.warning("duplicate rule %s %s ignored", r.code, r.name)
            continue
        seen.update((r.code, r.name))
        unique.append(r)
    return Registry(tuple(unique))
