"""Run history: runs stored, diffs of new and fixed findings, reuse of unchanged posts, concurrent runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_audit import history
from clinic_audit.history import Recorder
from clinic_audit.result import Sink
from clinic_audit.run import Run, RunOptions

from conftest import isolated_config

CLEAN = "# Flu shots\n\nA flu shot each autumn protects you and the people around you.\n"
PLACEHOLDER = "# Flu shots\n\nA flu shot each autumn protects you. TODO add the clinic hours.\n"


def _blog(tmp_path: Path, a: str, b: str) -> Path:
    blog = tmp_path / "blog"
    blog.mkdir(exist_ok=True)
    (blog / "a.md").write_text(a, encoding="utf-8")
    (blog / "b.md").write_text(b, encoding="utf-8")
    return blog


def _check(cli, blog: Path, db: Path):
    return cli("check", str(blog), "--db", str(db), "--select", "SC004", "--isolated", "-j", "1", "-q")


def test_a_run_is_stored_and_listed(cli, tmp_path: Path):
    db = tmp_path / "h.sqlite"
    _check(cli, _blog(tmp_path, CLEAN, PLACEHOLDER), db)
    result = cli("history", "--db", str(db), "--json")
    runs = json.loads(result.output)
    assert len(runs) == 1 and runs[0]["posts"] == 2 and runs[0]["findings"] == 1


def test_diff_shows_one_new_and_one_fixed_finding(cli, tmp_path: Path):
    db = tmp_path / "h.sqlite"
    _check(cli, _blog(tmp_path, PLACEHOLDER, CLEAN), db)
    _check(cli, _blog(tmp_path, CLEAN, PLACEHOLDER), db)
    result = cli("diff", "--db", str(db), "--json")
    data = json.loads(result.output)
    assert [(f["source"].rsplit("/", 1)[-1], f["rule"]) for f in data["new"]] == [("b.md", "SC004")]
    assert [(f["source"].rsplit("/", 1)[-1], f["rule"]) for f in data["fixed"]] == [("a.md", "SC004")]
    assert {s.rsplit("/", 1)[-1] for s, _before, _after in data["score_changes"]} == {"a.md", "b.md"}
    text = cli("diff", "1", "2", "--db", str(db)).output
    assert "1 new finding" in text and "1 fixed finding" in text


def test_fail_on_regression_exits_1_on_new_errors_only(cli, tmp_path: Path):
    db = tmp_path / "h.sqlite"
    _check(cli, _blog(tmp_path, CLEAN, CLEAN), db)
    _check(cli, _blog(tmp_path, CLEAN, PLACEHOLDER), db)
    _check(cli, _blog(tmp_path, CLEAN, CLEAN), db)
    assert cli("diff", "1", "2", "--db", str(db), "--fail-on-regression").exit_code == 1
    assert cli("diff", "2", "3", "--db", str(db), "--fail-on-regression").exit_code == 0


class _Collect(Sink):
    def __init__(self) -> None:
        self.posts: list = []

    def post(self, result) -> None:
        self.posts.append(result)


def test_unchanged_posts_reuse_their_stored_result(tmp_path: Path):
    db = tmp_path / "h.sqlite"
    blog = _blog(tmp_path, CLEAN, PLACEHOLDER)
    config = isolated_config(select=["SC004"])
    before, after = _Collect(), _Collect()
    Run(config, RunOptions((str(blog),)), Recorder(db, [str(blog)]), [before]).execute()
    (blog / "b.md").write_text(CLEAN, encoding="utf-8")
    second = Run(config, RunOptions((str(blog),)), Recorder(db, [str(blog)]), [after]).execute()
    assert second.reused == 1  # a.md unchanged; b.md was edited and audited again
    assert after.posts[0] == before.posts[0] and after.posts[1].findings == ()


def test_a_run_killed_midway_leaves_earlier_runs_intact(cli, tmp_path: Path):
    db = tmp_path / "h.sqlite"
    _check(cli, _blog(tmp_path, CLEAN, PLACEHOLDER), db)
    killed = Recorder(db, ["blog"])
    posts = _Collect()
    Run(isolated_config(), RunOptions((str(tmp_path / "blog"),)), None, [posts]).execute()
    for result in posts.posts:
        killed.put("key", result, None)
    killed.flush()  # rows written, but the run never completes
    assert [r.id for r in history.runs(db)] == [1]
    with pytest.raises(history.HistoryError, match="a diff needs two"):
        history.diff(db)


def test_two_concurrent_runs_are_both_stored(tmp_path: Path):
    db = tmp_path / "h.sqlite"
    blog = _blog(tmp_path, CLEAN, PLACEHOLDER)
    for i in range(40):  # enough posts for several write batches per run
        (blog / f"post-{i}.md").write_text(CLEAN.replace("autumn", f"autumn {i}"), encoding="utf-8")
    command = [sys.executable, "-m", "clinic_audit.cli", "check", str(blog), "--db", str(db), "--isolated",
               "--select", "SC004", "-j", "1", "-q"]
    runs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    for run in runs:
        _out, err = run.communicate(timeout=60)
        assert run.returncode == 1, err  # the placeholder is an error finding
    stored = history.runs(db)
    assert len(stored) == 2 and all(r.posts == 42 for r in stored)


def test_history_without_a_database_is_one_clear_line(cli, tmp_path: Path):
    result = cli("history", "--db", str(tmp_path / "none.sqlite"))
    assert result.exit_code == 2 and "no history database" in result.output


def test_check_fails_on_regression_against_the_previous_run(cli, tmp_path: Path):
    db = tmp_path / "h.sqlite"
    blog = _blog(tmp_path, CLEAN, CLEAN)
    args = ("check", str(blog), "--db", str(db), "--select", "SC004", "--isolated", "-j", "1", "-q",
            "--fail-on", "never", "--fail-on-regression")
    assert cli(*args).exit_code == 0  # the first run has nothing to regress from
    (blog / "b.md").write_text(PLACEHOLDER, encoding="utf-8")
    assert cli(*args).exit_code == 1
