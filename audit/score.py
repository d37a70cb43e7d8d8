"""Scores: a pure function of findings and configured weights.

Each family starts at 100.  Every rule that fired costs its severity's points
(error 20, warning 8, info 2 by default) for its first finding and half that
for each further finding, at most three times the points in all, so one noisy
rule cannot zero a family on its own.  The overall score is the weighted mean
of the family scores that ran, capped at 69 (a D) when the post has any
error-severity finding, because an error means "fix before publishing" however
good the rest is.  The letter grade is A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from .rule import Finding

GRADES = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))
REPEAT_FACTOR = 0.5
MAX_PER_RULE = 3.0


def rule_penalty(severity_points: float, count: int) -> float:
    """Points one rule costs for ``count`` findings of one severity."""
    if count <= 0:
        return 0.0
    return min(severity_points * (1 + REPEAT_FACTOR * (count - 1)), severity_points * MAX_PER_RULE)


def family_scores(
    findings: Iterable[Finding], families: Iterable[str], penalties: Mapping[str, float]
) -> dict[str, int]:
    """Score 0-100 for each family that ran."""
    counts: Counter[tuple[str, str, str]] = Counter(
        (f.family, f.rule, str(f.severity)) for f in findings
    )
    lost: Counter[str] = Counter()
    for (family, _rule, severity), n in counts.items():
        lost[family] += rule_penalty(float(penalties.get(severity, 0)), n)
    return {family: max(0, round(100 - lost[family])) for family in families}


def overall(scores: Mapping[str, int], weights: Mapping[str, float], has_error: bool = False,
            error_cap: int = 69) -> int:
    """Weighted mean of the family scores (families with weight 0 do not count), capped when errors exist."""
    total = sum(weights.get(f, 0) for f in scores)
    if total <= 0:
        mean = round(sum(scores.values()) / len(scores)) if scores else 100
    else:
        mean = round(sum(s * weights.get(f, 0) for f, s in scores.items()) / total)
    return min(mean, error_cap) if has_error else mean


def letter(score: int) -> str:
    return next(grade for floor, grade in GRADES if score >= floor)
