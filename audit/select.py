"""Rule selection: by code, code prefix, kebab-case name or family; the most specific wins, ignore wins a tie."""

from __future__ import annotations

from typing import Iterable

from .rule import Rule


def specificity(rule: Rule, selector: str) -> int:
    """How specifically ``selector`` names ``rule``: 0 when it does not match at all."""
    if selector.upper() == rule.code or selector.lower() == rule.name:
        return 100
    if selector.upper() == "ALL":
        return 1
    if selector.lower() == rule.family:
        return 2
    if rule.code.startswith(selector.upper()):
        return 2 + len(selector)  # "RD1" is more specific than "RD"
    return 0


def is_selected(rule: Rule, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """True when the most specific matching ``select`` beats every matching ``ignore``."""
    best_select = max((specificity(rule, s) for s in select), default=0)
    best_ignore = max((specificity(rule, s) for s in ignore), default=0)
    return best_select > 0 and best_select > best_ignore


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean SC002?)`` for the closest known code, name or family, or "" when none is close."""
    import difflib

    known = list(dict.fromkeys(candidates))
    folded = {c.lower(): c for c in known}
    close = difflib.get_close_matches(word.lower(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean {folded[close[0]]}?)" if close else ""


def selector_words(rules: Iterable[Rule]) -> list[str]:
    """Every word a selector may use: rule codes, kebab names and families (for did-you-mean hints)."""
    words: list[str] = []
    for r in rules:
        words.extend((r.code, r.name, r.family))
    return words
