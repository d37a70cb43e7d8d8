"""Scores: a pure function of findings and configured weights.

Each family starts at 100.  Every rule that fired costs its severity's points
(error 20, warning 8, info 2 by default) for its first finding and half that
for each further finding, at most three times the points in all, so one noisy
rule cannot zero a family on its own.  A finding that measures something
against a limit costs more the further it misses ("grade 14, target 8" costs
1.75 times "grade 9"): its points are scaled by the ratio of value to limit,
at most 3 times.  On 80 real posts rated by an editor this, with the weights
below, moved the rank correlation between scores and ratings from 0.12 to 0.24
(benchmarks/accuracy); it is still weak, so scores rank, they do not judge.  The overall score is the weighted mean
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


MAX_MISS_FACTOR = 3.0


def miss_factor(finding: Finding) -> float:
    """How far a measured finding misses its limit, as a ratio ≥ 1 (1 for findings that measure nothing)."""
    value, limit = finding.value, finding.limit
    if isinstance(value, bool) or isinstance(limit, bool) or not isinstance(value, (int, float)) \
            or not isinstance(limit, (int, float)) or not value or not limit:
        return 1.0
    high, low = max(abs(value), abs(limit)), min(abs(value), abs(limit))
    return min(MAX_MISS_FACTOR, high / low)


def rule_penalty(severity_points: float, count: int) -> float:
    """Points one rule costs for ``count`` findings of one severity."""
    if count <= 0:
        return 0.0
    return min(severity_points * (1 + REPEAT_FACTOR * (count - 1)), severity_points * MAX_PER_RULE)


def family_scores(
    findings: Iterable[Finding], families: Iterable[str], penalties: Mapping[str, float]
) -> dict[str, int]:
    """Score 0-100 for each family that ran."""
    counts: Counter[tuple[str, str, str]] = Counter()
    factors: dict[tuple[str, str, str], float] = {}
    for f in findings:
        key = (f.family, f.rule, str(f.severity))
        counts[key] += 1
        factors[key] = max(factors.get(key, 1.0), miss_factor(f))
    lost: Counter[str] = Counter()
    for key, n in counts.items():
        family, _rule, severity = key
        lost[family] += rule_penalty(float(penalties.get(severity, 0)) * factors[key], n)
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
