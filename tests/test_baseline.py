"""Baselines: accept today's findings, fail only on new ones; fingerprints survive moved lines."""

from __future__ import annotations

import json
from pathlib import Path

OLD = """# Sciatica

Sciatica pain runs down the leg. About 40% of adults get it at some point.

## Causes

Signs may include:

## Care

Rest helps.

- Ice
-
"""


def _findings(cli, *args):
    data = json.loads(cli("check", "--isolated", "--no-cache", "-f", "json", *args).output)
    return [f for p in data["posts"] for f in p["findings"]]


def test_baseline_silences_recorded_findings_and_reports_new_ones(cli, tmp_path):
    post = tmp_path / "old.md"
    post.write_text(OLD, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    written = cli("check", "--isolated", "--no-cache", "--write-baseline", str(baseline), str(post))
    assert written.exit_code == 1  # writing a baseline still reports what it records
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert {e["rule"] for e in recorded["findings"]} >= {"SC002", "CI001"}
    assert all(e["source"] == "old.md" for e in recorded["findings"])

    clean = cli("check", "--isolated", "--no-cache", "--baseline", str(baseline), str(post))
    assert clean.exit_code == 0 and "SC002" not in clean.output

    # Lines move (a paragraph added above): still accepted.
    post.write_text(OLD.replace("# Sciatica\n", "# Sciatica\n\nUpdated for 2026.\n"), encoding="utf-8")
    assert not [f for f in _findings(cli, "--baseline", str(baseline), str(post)) if f["rule"] in ("SC002", "CI001")]

    # The offending text itself changes: the finding is new again.
    post.write_text(OLD.replace("40%", "45%"), encoding="utf-8")
    new = _findings(cli, "--baseline", str(baseline), str(post))
    assert [f["rule"] for f in new if f["rule"].startswith("CI")] == ["CI001"]
    assert "SC002" not in {f["rule"] for f in new}


def test_a_new_duplicate_of_a_baselined_finding_is_new(cli, tmp_path):
    post = tmp_path / "old.md"
    post.write_text(OLD, encoding="utf-8")
    baseline = tmp_path / "b.json"
    cli("check", "--isolated", "--no-cache", "--select", "SC002", "--write-baseline", str(baseline), str(post))
    post.write_text(OLD.replace("## Care", "## Diet\n\nSigns may include:\n\n## Care"), encoding="utf-8")
    assert [f["rule"] for f in _findings(cli, "--select", "SC002", "--baseline", str(baseline), str(post))] == ["SC002"]


def test_baseline_is_per_post(cli, tmp_path):
    (tmp_path / "old.md").write_text(OLD, encoding="utf-8")
    baseline = tmp_path / "b.json"
    cli("check", "--isolated", "--no-cache", "--write-baseline", str(baseline), str(tmp_path / "old.md"))
    (tmp_path / "new.md").write_text(OLD, encoding="utf-8")
    result = cli("check", "--isolated", "--no-cache", "--baseline", str(baseline), str(tmp_path / "new.md"))
    assert result.exit_code == 1 and "SC002" in result.output


def test_baseline_paths_work_from_another_directory(cli, tmp_path, monkeypatch):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "old.md").write_text(OLD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cli("check", "--isolated", "--no-cache", "--write-baseline", "b.json", "posts/old.md")
    monkeypatch.chdir(tmp_path / "posts")
    assert cli("check", "--isolated", "--no-cache", "--baseline", "../b.json", "old.md").exit_code == 0


def test_missing_or_broken_baseline_is_one_clear_error(cli, tmp_path):
    (tmp_path / "a.md").write_text(OLD, encoding="utf-8")
    missing = cli("check", "--isolated", "--baseline", str(tmp_path / "nope.json"), str(tmp_path / "a.md"))
    assert missing.exit_code == 2 and "no such baseline file" in missing.output
    (tmp_path / "bad.json").write_text("[]", encoding="utf-8")
    broken = cli("check", "--isolated", "--baseline", str(tmp_path / "bad.json"), str(tmp_path / "a.md"))
    assert broken.exit_code == 2 and "not a clinic-audit baseline" in broken.output


def test_writing_the_baseline_is_atomic(cli, tmp_path, monkeypatch):
    import os

    (tmp_path / "a.md").write_text(OLD, encoding="utf-8")
    baseline = tmp_path / "b.json"
    baseline.write_text('{"findings": []}', encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    result = cli("check", "--isolated", "--no-cache", "--write-baseline", str(baseline), str(tmp_path / "a.md"))
    assert result.exit_code == 2 and "cannot write the baseline: disk full" in result.output
    assert baseline.read_text(encoding="utf-8") == '{"findings": []}'
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".b.json")] == []
