"""The engine: a crashing rule becomes a finding, scores follow the documented formula."""

from __future__ import annotations

import pytest

from clinic_audit import score
from clinic_audit.config import RuleSetting
from clinic_audit.engine import audit_post, run_rules
from clinic_audit.rule import Finding, Hit, Options, Severity, rule

from conftest import isolated_config, make_post


@rule("ZZ001", "always-crashes", "sections", "warning")
def crashes(post, opts):
    """Crashes.

    Why: test. Fix: none. Bad: x Good: y
    """
    raise ValueError("boom")


@rule("ZZ002", "flags-first-block", "sections", "warning")
def flags(post, opts):
    """Flags.

    Why: test. Fix: none. Bad: x Good: y
    """
    yield Hit(post.blocks[0].line, "first block", excerpt=post.blocks[0].plain)


def test_a_crashing_rule_becomes_a_finding_and_the_others_still_run():
    post = make_post("# Title\n\nText.\n")
    findings = run_rules(post, [RuleSetting(crashes, Severity.WARNING, Options({})),
                                RuleSetting(flags, Severity.ERROR, Options({}))])
    assert [(f.rule, f.severity) for f in findings] == [("AU001", Severity.ERROR), ("ZZ002", Severity.ERROR)]
    assert "ZZ001 always-crashes crashed: ValueError: boom" in findings[0].message


def test_fingerprint_survives_moving_lines_and_changes_with_the_text():
    one = run_rules(make_post("# T\n\nSigns include:\n"), [RuleSetting(flags, Severity.WARNING, Options({}))])
    moved = run_rules(make_post("\n\n\n# T\n\nSigns include:\n"), [RuleSetting(flags, Severity.WARNING, Options({}))])
    edited = run_rules(make_post("# Title changed\n"), [RuleSetting(flags, Severity.WARNING, Options({}))])
    assert one[0].line != moved[0].line and one[0].fingerprint == moved[0].fingerprint
    assert one[0].fingerprint != edited[0].fingerprint


def _finding(rule_code: str, family: str, severity: Severity) -> Finding:
    return Finding("p.md", 1, 1, rule_code, "n", family, severity, "m")


def test_repeated_findings_of_one_rule_cost_less_and_are_capped():
    assert score.rule_penalty(8, 1) == 8
    assert score.rule_penalty(8, 2) == 12
    assert score.rule_penalty(8, 50) == 24
    findings = [_finding("CI001", "citations", Severity.WARNING)] * 3 + [_finding("SC002", "sections", Severity.ERROR)]
    scores = score.family_scores(findings, ["citations", "sections", "headings"], {"error": 20, "warning": 8, "info": 2})
    assert scores == {"citations": 84, "sections": 80, "headings": 100}


def test_overall_is_the_weighted_mean_capped_by_errors():
    assert score.overall({"a": 100, "b": 50}, {"a": 3, "b": 1}) == 88
    assert score.overall({"a": 100, "b": 50}, {"a": 3, "b": 1}, has_error=True) == 69
    assert [score.letter(s) for s in (95, 85, 75, 65, 10)] == ["A", "B", "C", "D", "F"]


def test_audit_post_scores_each_family_that_ran():
    result = audit_post(make_post("# Knee\n\nSigns include:\n\n## Care\n\nRest.\n\n- Ice\n-\n"),
                        isolated_config(select=["sections", "headings"]))
    assert set(result.scores) == {"sections", "headings"}
    # an empty list item (error, 20 points) and the lead-in with no list (warning, 8 points)
    assert result.scores["sections"] == 72 and result.score <= 69 and result.grade == "D"


def test_a_measured_finding_costs_more_the_further_it_misses() -> None:
    from clinic_audit.rule import Finding, Severity

    def grade(value: float) -> Finding:
        return Finding("p.md", 1, 1, "RD001", "reading-grade", "readability", Severity.WARNING, "m", value=value,
                       limit=8.0)
    near, far = (score.family_scores([grade(v)], ["readability"], {"warning": 8})["readability"] for v in (9, 14))
    assert (near, far) == (91, 86)  # 8 × 9/8 = 9 points, 8 × 14/8 = 14 points
    unmeasured = Finding("p.md", 1, 1, "SC002", "x", "sections", Severity.WARNING, "m")
    assert score.family_scores([unmeasured], ["sections"], {"warning": 8})["sections"] == 92
