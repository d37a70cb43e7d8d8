"""Inputs and outputs that must never hang, vanish in silence or be destroyed."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from clinic_audit import history

CLEAN = "# Knee care\n\nRest the knee and keep it moving gently each day.\n"


def _posts(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "a.md").write_text(CLEAN, encoding="utf-8")
    return folder


def test_a_fifo_named_like_a_post_is_refused_without_blocking(cli, tmp_path: Path):
    folder = _posts(tmp_path)
    os.mkfifo(folder / "pipe.md")
    result = cli("check", "--isolated", "-f", "json", str(folder))
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert len(json.loads(result.stdout)["posts"]) == 1


def test_a_symlink_to_an_endless_device_is_refused(cli, tmp_path: Path):
    folder = _posts(tmp_path)
    (folder / "zero.md").symlink_to("/dev/zero")
    result = cli("check", "--isolated", "-f", "json", str(folder))
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_upper_case_extensions_and_symlinked_folders_are_audited_and_loops_end(cli, tmp_path: Path):
    folder = _posts(tmp_path)
    (folder / "B.MD").write_text(CLEAN, encoding="utf-8")
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    (elsewhere / "c.md").write_text(CLEAN, encoding="utf-8")
    (folder / "linked").symlink_to(elsewhere)
    (folder / "loop").symlink_to(folder)  # a link back up the tree
    result = cli("check", "--isolated", "-f", "json", str(folder))
    names = sorted(Path(p["source"]).name for p in json.loads(result.stdout)["posts"])
    assert names == ["B.MD", "a.md", "c.md"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_subfolder_is_reported_not_skipped(cli, tmp_path: Path):
    folder = _posts(tmp_path)
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        result = cli("check", "--isolated", "-f", "json", str(folder))
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 2 and "cannot read the folder" in result.stderr


@pytest.mark.parametrize("text", ["\u00a0\u00a0\n", "\ufeff", " \u200b \n"])
def test_invisible_only_files_are_not_posts_that_score_well(cli, tmp_path: Path, text: str):
    post = tmp_path / "a.md"
    post.write_text(text, encoding="utf-8")
    result = cli("check", "--isolated", "-f", "json", str(post))
    assert result.exit_code == 2 and json.loads(result.stdout)["posts"] == []


def test_output_naming_an_input_is_refused_and_the_post_survives(cli, tmp_path: Path):
    folder = _posts(tmp_path)
    post = folder / "a.md"
    for flag in ("-o", "--write-baseline"):
        result = cli("check", "--isolated", str(folder), flag, str(post))
        assert result.exit_code == 2 and "one of the posts being audited" in result.stderr
        assert post.read_text(encoding="utf-8") == CLEAN


def test_html_over_a_posts_folder_is_refused_but_a_report_inside_it_is_fine(cli, tmp_path: Path):
    folder = _posts(tmp_path)
    (folder / "index.html").write_text("<html><body><h1>Clinic</h1><p>Welcome to our clinic pages.</p></body></html>",
                                       encoding="utf-8")
    refused = cli("check", "--isolated", str(folder), "--html", str(folder))
    assert refused.exit_code == 2 and "write the report to a folder of its own" in refused.stderr
    assert "Welcome" in (folder / "index.html").read_text(encoding="utf-8")
    report = folder / "report"
    for _ in range(2):  # the second run does not audit the first run's report pages
        result = cli("check", "--isolated", "-f", "json", str(folder), "--html", str(report))
        sources = [Path(p["source"]).name for p in json.loads(result.stdout)["posts"]]
        assert sorted(sources) == ["a.md", "index.html"]


def test_the_output_file_is_written_whole_or_not_at_all(cli, tmp_path: Path):
    folder = _posts(tmp_path)
    out = tmp_path / "out.json"
    assert cli("check", "--isolated", "-f", "json", str(folder), "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["posts"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")] == []


def test_a_run_that_audits_nothing_is_stored_as_failed_and_never_compared(cli, tmp_path: Path):
    folder = _posts(tmp_path)
    db = tmp_path / "h.sqlite"
    assert cli("check", "--isolated", str(folder), "--db", str(db)).exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("check", "--isolated", str(empty), "--db", str(db)).exit_code == 2
    statuses = [row[0] for row in sqlite3.connect(db).execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["complete", "failed"]
    again = cli("check", "--isolated", str(folder), "--db", str(db), "--fail-on-regression")
    assert again.exit_code == 0  # compared with the last complete run, not the empty one
    assert sorted(r.id for r in history.runs(db)) == [1, 3]


def test_a_run_left_running_for_a_day_is_marked_interrupted(tmp_path: Path):
    db = tmp_path / "h.sqlite"
    history.Recorder(db, ["posts"])  # never finished
    connection = sqlite3.connect(db)
    connection.execute("UPDATE runs SET started = '2000-01-01T00:00:00+0000'")
    connection.commit()
    history.Recorder(db, ["posts"])
    assert [row[0] for row in sqlite3.connect(db).execute("SELECT status FROM runs ORDER BY id")] == \
        ["interrupted", "running"]


def test_a_file_name_that_is_not_utf8_is_audited_and_written_everywhere(cli, tmp_path: Path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.md"))).write_text(CLEAN, encoding="utf-8")
    out, report, db = tmp_path / "out.json", tmp_path / "report", tmp_path / "h.sqlite"
    result = cli("check", "--isolated", str(folder), "-f", "json", "-o", str(out), "--html", str(report), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert [p["source"] for p in json.loads(out.read_text(encoding="utf-8"))["posts"]] == [f"{folder}/caf\\xe9.md"]
    assert (report / "index.html").is_file() and history.runs(db)[0].posts == 1


def test_a_full_disk_is_one_line_and_the_previous_output_survives(cli, tmp_path: Path, monkeypatch):
    import errno

    from clinic_audit import atomic

    folder = _posts(tmp_path)
    out = tmp_path / "out.json"
    out.write_text('{"previous": true}', encoding="utf-8")
    baseline = tmp_path / "baseline.json"

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)  # every atomic output fails as a full disk would
    result = cli("check", "--isolated", "-f", "json", str(folder), "-o", str(out))
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert out.read_text(encoding="utf-8") == '{"previous": true}'
    result = cli("check", "--isolated", str(folder), "--write-baseline", str(baseline))
    assert result.exit_code == 2 and "No space left on device" in result.stderr and not baseline.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    result = cli("check", "--isolated", str(folder), "--html", str(tmp_path / "report"))
    assert result.exit_code == 2 and "No space left on device" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("flag", ["-o", "--write-baseline", "--html", "--xlsx", "--db"])
def test_an_output_that_cannot_be_written_is_one_line_before_or_after_the_audit(cli, tmp_path: Path, flag: str):
    folder = _posts(tmp_path)
    target = tmp_path / "missing" / "deeper" / "out"
    (tmp_path / "missing").write_text("a file where a folder is needed", encoding="utf-8")
    result = cli("check", "--isolated", str(folder), flag, str(target))
    assert result.exit_code == 2 and "Traceback" not in result.output and result.stderr.startswith("clinic-audit: ")


class _GrewAfterStat(type(Path())):  # type: ignore[misc]
    """A path whose stat saw a shorter file than the one read: it grew in between."""

    def stat(self, *args, **kwargs):  # type: ignore[override]
        real = super().stat(*args, **kwargs)
        return os.stat_result((real.st_mode, *real[1:6], 10, *real[7:]))


def test_a_file_that_grows_after_stat_is_read_whole_within_the_cap(tmp_path: Path):
    from clinic_audit.sources.document import Target
    from clinic_audit.sources.files import InputError, read

    post = tmp_path / "post.md"
    post.write_text("# Knee care\n\n" + "Rest the knee and keep it moving gently each day. " * 4, encoding="utf-8")
    size = post.stat().st_size
    target = Target(str(post), _GrewAfterStat(post))
    assert read(target, max_bytes=size).text == post.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="over the"):
        read(target, max_bytes=size - 1)
