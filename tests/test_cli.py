"""The check command: output shape, exit codes, selection, stdin, folders and suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

BROKEN = """---
title: Knee pain
---

## Causes

Wear and tear is the usual cause.

#### Older adults

Signs may include:

## Treatment

Rest helps.

- Ice
-
"""
CLEAN = """---
title: Knee pain
---

Most sore knees get better with rest and ice.

## Treatment

Rest helps. Call us if the knee swells.
"""


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "broken.md").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "drafts" / "clean.md").write_text(CLEAN, encoding="utf-8")
    return tmp_path / "drafts"


def test_text_output_points_at_file_line_and_code(cli, posts):
    result = cli("check", "--isolated", str(posts))
    assert result.exit_code == 1
    assert f"{posts / 'broken.md'}:9:6 HD003 warning heading level jumps from H2 to H4" in result.output
    assert f"{posts / 'broken.md'}:11:1 SC002 warning 'Signs may include:' promises a list" in result.output
    assert "fix: Add the list this sentence introduces" in result.output
    assert "score" in result.output and "2 posts audited" in result.output
    assert "\033[" not in result.output  # no colour when not a terminal


def test_json_output_has_the_documented_shape(cli, posts):
    result = cli("check", "--isolated", "-f", "json", str(posts))
    data = json.loads(result.output)
    assert set(data) >= {"tool", "posts", "errors", "summary"}
    assert data["tool"]["name"] == "clinic-audit"
    post = next(p for p in data["posts"] if p["source"].endswith("broken.md"))
    assert set(post) >= {"source", "title", "language", "score", "grade", "scores", "metrics", "findings"}
    assert post["title"] == "Knee pain" and post["language"] == "en"
    assert 0 <= post["score"] <= 100 and post["grade"] in "ABCDF"
    assert set(post["scores"]) == {"readability", "headings", "sections", "citations"} | (set(post["scores"]) - {"readability", "headings", "sections", "citations"})
    assert {"words", "sentences", "flesch_reading_ease", "flesch_kincaid_grade", "smog_index"} <= set(post["metrics"])
    finding = post["findings"][0]
    assert set(finding) >= {"rule", "name", "family", "severity", "message", "line", "column", "excerpt", "suggestion"}
    site = data["site"]["findings"]  # both posts are titled "Knee pain": a site finding, without --db
    assert {f["name"] for f in site} >= {"duplicate-title"}
    assert data["summary"] == {"posts": 2, "findings": sum(len(p["findings"]) for p in data["posts"]) + len(site),
                               "errors": 0}


def test_site_rules_run_over_a_folder_and_a_baseline_accepts_their_findings(cli, posts, tmp_path):
    baseline = tmp_path / "baseline.json"
    first = cli("check", "--isolated", "--no-cache", "--select", "SI", str(posts), "--write-baseline", str(baseline))
    assert "SI001" in first.output and first.exit_code == 0
    again = cli("check", "--isolated", "--no-cache", "--select", "SI", "--fail-on", "warning", str(posts),
                "--baseline", str(baseline))
    assert "SI001" not in again.output and again.exit_code == 0


@pytest.mark.parametrize(
    "args, code",
    [
        ((), 1),  # an error-severity finding with the default --fail-on error
        (("--fail-on", "never"), 0),
        (("--ignore", "SC003"), 0),  # only warnings and info remain
        (("--ignore", "SC003", "--fail-on", "warning"), 1),
    ],
)
def test_exit_codes_follow_fail_on(cli, posts, args, code):
    assert cli("check", "--isolated", *args, str(posts / "broken.md")).exit_code == code


def test_select_by_family_name_code_and_prefix(cli, posts):
    def codes(*args: str) -> set[str]:
        out = json.loads(cli("check", "--isolated", "-f", "json", *args, str(posts / "broken.md")).output)
        return {f["rule"] for f in out["posts"][0]["findings"]}

    assert codes("--select", "headings") == {"HD003"}
    assert codes("--select", "list-lead-in-without-list") == {"SC002"}
    assert codes("--select", "SC", "--ignore", "SC002") <= {"SC001", "SC003", "SC004", "SC005"}
    assert "SC002" in codes("--select", "SC", "--ignore", "sections", "--extend-select", "SC002")
    assert codes("--select", "sections") == {"SC002", "SC003"}


def test_unknown_selector_is_a_usage_error(cli, posts):
    result = cli("check", "--isolated", "--select", "XX9", str(posts))
    assert result.exit_code == 2
    assert "'select' entry 'XX9' matches no rule" in result.output


def test_standard_input(cli):
    result = cli("check", "--isolated", "--stdin-format", "markdown", "-", input=BROKEN)
    assert result.exit_code == 1
    assert "-:11:1 SC002" in result.output


def test_rules_lists_every_family(cli):
    result = cli("rules")
    assert result.exit_code == 0
    for code in ("RD001", "HD003", "SC002", "CI001"):
        assert code in result.output


def test_inline_suppression_next_block_and_file(cli, tmp_path):
    post = tmp_path / "p.md"
    post.write_text(BROKEN.replace("Signs may include:", "<!-- clinic-audit: disable SC002 -->\nSigns may include:"), encoding="utf-8")
    out = cli("check", "--isolated", "-f", "json", str(post)).output
    assert "SC002" not in {f["rule"] for f in json.loads(out)["posts"][0]["findings"]}
    post.write_text("<!-- clinic-audit: disable-file HD003 -->\n" + BROKEN, encoding="utf-8")
    codes = {f["rule"] for f in json.loads(cli("check", "--isolated", "-f", "json", str(post)).output)["posts"][0]["findings"]}
    assert "HD003" not in codes and "SC002" in codes


def test_unused_suppression_is_reported(cli, tmp_path):
    post = tmp_path / "p.md"
    post.write_text(CLEAN.replace("## Treatment", "<!-- clinic-audit: disable SC002 -->\n## Treatment"), encoding="utf-8")
    findings = json.loads(cli("check", "--isolated", "-f", "json", str(post)).output)["posts"][0]["findings"]
    unused = [f for f in findings if f["rule"] == "AU002"]
    assert len(unused) == 1 and unused[0]["line"] == 7


def test_parallel_jobs_give_the_same_results_in_order(cli, tmp_path):
    from clinic_audit import run

    for i in range(run.PARALLEL_FROM + 4):
        (tmp_path / f"p{i:02d}.md").write_text(BROKEN if i % 2 else CLEAN, encoding="utf-8")
    serial = json.loads(cli("check", "--isolated", "--no-cache", "-f", "json", "-j", "1", str(tmp_path)).output)
    parallel = json.loads(cli("check", "--isolated", "--no-cache", "-f", "json", "-j", "2", str(tmp_path)).output)
    assert serial["posts"] == parallel["posts"]
    assert [p["source"] for p in parallel["posts"]] == sorted(p["source"] for p in parallel["posts"])


def test_a_few_posts_are_audited_without_starting_workers(cli, tmp_path, monkeypatch):
    from clinic_audit import run

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started for a handful of posts")

    monkeypatch.setattr(run, "LocalPool", no_pool)
    for i in range(3):
        (tmp_path / f"p{i}.md").write_text(CLEAN, encoding="utf-8")
    result = cli("check", "--isolated", "-f", "json", str(tmp_path))  # default --jobs: all cores
    assert len(json.loads(result.output)["posts"]) == 3


def test_unchanged_posts_are_read_from_the_cache_without_starting_workers(cli, tmp_path, monkeypatch):
    from clinic_audit import run

    for i in range(run.PARALLEL_FROM + 4):
        (tmp_path / f"p{i:02d}.md").write_text(BROKEN if i % 2 else CLEAN, encoding="utf-8")
    first = json.loads(cli("check", "--isolated", "-f", "json", "-j", "1", str(tmp_path)).output)

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started although every result was cached")

    monkeypatch.setattr(run, "LocalPool", no_pool)
    again = json.loads(cli("check", "--isolated", "-f", "json", "-j", "2", str(tmp_path)).output)
    assert again["posts"] == first["posts"]


def test_an_unknown_format_names_the_formats_there_are(cli, tmp_path):
    post = tmp_path / "p.md"
    post.write_text(CLEAN, encoding="utf-8")
    result = cli("check", str(post), "-f", "yaml")
    assert result.exit_code == 2
    assert "'yaml' is not one of 'text', 'json', 'markdown', 'sarif', 'github', 'junit'" in result.output


def test_site_findings_survive_the_result_cache(cli, posts):
    cold = cli("check", "--isolated", "--select", "SI001", str(posts))
    warm = cli("check", "--isolated", "--select", "SI001", str(posts))
    assert "SI001" in cold.output and cold.output == warm.output
