"""Which rules exist: the built-in families plus plugin rule packs.

Plugins declare an entry point in the ``clinic_audit.rules`` group whose value
is an iterable of :class:`~clinic_audit.rule.Rule` (or a module with a
``RULES`` tuple).  The registry is an immutable value built on first use.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
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


@lru_cache(maxsize=1)
def load() -> Registry:
    """Every available rule, built-in first, in code order within each family."""
    found: list[Rule] = []
    for family in (*FAMILIES, *SITE_FAMILIES):
        rules: list[Rule] = []
        for name in FAMILY_MODULES[family]:
            rules.extend(_module_rules(importlib.import_module(f"clinic_audit.rules.{name}")))
        found.extend(sorted(rules, key=lambda r: r.code))
    for ep in entry_points(group=ENTRY_POINT_GROUP):
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
