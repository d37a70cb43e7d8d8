"""Rule fixtures of every family: posts with the findings they must produce marked inside them.

The harness is ``tests/fixture_harness.py`` (markers ``checks``, ``expect`` and per-fixture ``config``; clean
twins).  Every file under ``tests/fixtures/<family>/`` and ``tests/fixtures/posts/`` runs here.  See
tests/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_audit.registry import load
from conftest import FIXTURES
from fixture_harness import (FAMILY_DIRS, fixture_config, fixture_paths, load_fixture, marked_findings_mismatch,
                             missing_twins, uncovered_rules)


def _id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


@pytest.mark.parametrize("path", fixture_paths(), ids=_id)
def test_fixture_reports_exactly_the_marked_findings(path: Path) -> None:
    fixture = load_fixture(path)
    assert fixture.checks, f"{_id(path)} has no <!-- checks: ... --> comment"
    mismatch = marked_findings_mismatch(fixture)
    assert not mismatch, mismatch


@pytest.mark.parametrize("path", fixture_paths(), ids=_id)
def test_fixture_markers_only_name_checked_codes(path: Path) -> None:
    fixture = load_fixture(path)
    stray = sorted(code for _, code in fixture.expected if not fixture.checked(code))
    assert not stray, f"expected codes outside the checks comment: {stray}"


def test_markers_are_removed_before_parsing(tmp_path: Path) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text("<!-- checks: SC003 -->\nTitle\n\nText here.\n\n• <!-- expect: SC003 -->\n", encoding="utf-8")
    fixture = load_fixture(sample)
    assert fixture.text == "\nTitle\n\nText here.\n\n•\n"
    assert fixture.expected == {(6, "SC003")}
    assert fixture.checks == ("SC003",)


@pytest.mark.parametrize("family", FAMILY_DIRS)
def test_every_rule_has_a_failing_and_a_clean_fixture(family: str) -> None:
    assert uncovered_rules(family) == []


@pytest.mark.parametrize("family", FAMILY_DIRS)
def test_every_failing_fixture_has_a_clean_twin(family: str) -> None:
    assert missing_twins(family) == []


def test_a_config_marker_sets_options_for_that_fixture_only(tmp_path: Path) -> None:
    sample = tmp_path / "sample.md"
    sample.write_text("<!-- checks: RD001 -->\n<!-- config: reading-grade.max-grade = 30 -->\n# T\n\nText.\n",
                      encoding="utf-8")
    fixture = load_fixture(sample)
    assert fixture.options == (("reading-grade", "max-grade", 30),)
    assert "<!--" not in fixture.text
    settings = {s.rule.name: s.options for s in fixture_config(fixture.options).rule_settings(None)}
    assert settings["reading-grade"]["max-grade"] == 30
    assert {s.rule.name: s.options for s in fixture_config().rule_settings(None)}["reading-grade"]["max-grade"] == 8


def test_every_family_has_a_fixture_folder() -> None:
    families = {r.family for r in load() if r.scope == "post" and r.family != "audit"}
    assert families <= set(FAMILY_DIRS)
