"""History that reads like a change log: posts added and removed, values changed, a site score that moves."""

from __future__ import annotations

import json
from pathlib import Path

from clinic_audit import history
from clinic_audit.rule import Finding, Severity

KNEE = "# Knee care\n\nRest the knee and keep it moving gently each day.\n"
HIP = "# Hip care\n\nRest the hip and keep it moving gently each day. TODO add the exercises.\n"
LONG = ("# Back care\n\n" + "Physiotherapists recommend individualised rehabilitation programmes incorporating "
        "progressive strengthening exercises. " * 3 + "\n")


def _run(cli, folder: Path, db: Path):
    return cli("check", "--isolated", str(folder), "--db", str(db), "--fail-on", "never")


def test_diff_separates_added_and_removed_posts_from_new_and_fixed_findings(cli, tmp_path: Path):
    folder, db = tmp_path / "posts", tmp_path / "h.sqlite"
    folder.mkdir()
    (folder / "knee.md").write_text(KNEE, encoding="utf-8")
    (folder / "hip.md").write_text(HIP, encoding="utf-8")
    _run(cli, folder, db)
    (folder / "hip.md").unlink()  # removed, with its placeholder finding
    (folder / "back.md").write_text(LONG, encoding="utf-8")  # added, with its own findings
    (folder / "knee.md").write_text(KNEE + "\nTODO: a photo of the exercise.\n", encoding="utf-8")  # edited
    _run(cli, folder, db)
    d = history.diff(db)
    assert d.added_posts == [str(folder / "back.md")] and d.removed_posts == [str(folder / "hip.md")]
    assert {f["source"] for f in d.new} == {str(folder / "knee.md")}  # only the edited post has new findings
    assert d.fixed == []  # the removed post's findings are not "fixed"
    text = cli("diff", "--db", str(db)).stdout
    assert "1 post added" in text and "1 post removed" in text and "0 fixed findings" in text


def test_a_value_that_changed_is_one_changed_finding_not_new_plus_fixed():
    new = [{"source": "a.md", "rule": "RD001", "message": "reading grade 8.9 (target ≤ 8)", "severity": "warning"}]
    fixed = [{"source": "a.md", "rule": "RD001", "message": "reading grade 9.0 (target ≤ 8)", "severity": "warning"}]
    changed, still_new, still_fixed = history._changed_values(new, fixed)
    assert changed == [(fixed[0], new[0])] and still_new == [] and still_fixed == []


def test_the_site_score_weighs_site_findings_by_the_share_of_posts_they_touch():
    posts = [f"https://clinic.example/{i}/" for i in range(100)]
    orphans = [Finding(p, 1, 1, "SI006", "orphan-post", "site", Severity.WARNING, "no other post links here",
                       sources=(p,)) for p in posts]
    penalties = {"error": 20, "warning": 8, "info": 2}
    assert history.site_score([80] * 100, orphans, penalties) == 72  # every post orphaned: one warning's penalty
    broken = [Finding(posts[0], 3, 1, "SI004", "broken-internal-link", "site", Severity.ERROR, "404",
                      sources=(posts[0], "https://clinic.example/gone/"))]
    assert history.site_score([80] * 100, broken, penalties) == 80  # 1 post in 100: 0.2 points
    assert history.site_score([80] * 100, orphans[:50], penalties) == 76  # half fixed: the score moves


def test_history_lists_error_findings_and_prune_keeps_the_newest_runs(cli, tmp_path: Path):
    folder, db = tmp_path / "posts", tmp_path / "h.sqlite"
    folder.mkdir()
    (folder / "hip.md").write_text(HIP, encoding="utf-8")
    for _ in range(4):
        _run(cli, folder, db)
    listed = json.loads(cli("history", "--db", str(db), "--json").stdout)
    assert [r["error_findings"] for r in listed] == [1, 1, 1, 1] and all(r["errors"] == 0 for r in listed)
    out = cli("history", "prune", "--db", str(db), "--keep", "2")
    assert out.exit_code == 0 and "deleted 2 runs" in out.stdout
    assert [r.id for r in history.runs(db)] == [4, 3]
    assert history.diff(db).new == []  # what is left is still a usable history


def test_an_unchanged_nightly_run_stores_no_result_twice(cli, tmp_path: Path):
    import sqlite3

    folder, db = tmp_path / "posts", tmp_path / "h.sqlite"
    folder.mkdir()
    for i in range(30):
        (folder / f"p{i}.md").write_text(LONG.replace("Back", f"Back {i}"), encoding="utf-8")
    for _ in range(3):
        _run(cli, folder, db)
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 30  # once per post, not per run
    assert connection.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 90
    assert connection.execute("SELECT COUNT(*) FROM findings WHERE site = 0").fetchone()[0] == 0  # in the results
    assert [r.findings for r in history.runs(db)] == [history.runs(db)[0].findings] * 3
    assert history.diff(db).new == [] and history.diff(db).fixed == []


def test_stored_results_are_compressed_and_a_history_with_text_results_still_reads(cli, tmp_path: Path):
    import sqlite3
    import zlib

    folder, db = tmp_path / "posts", tmp_path / "h.sqlite"
    folder.mkdir()
    (folder / "hip.md").write_text(HIP, encoding="utf-8")
    _run(cli, folder, db)
    connection = sqlite3.connect(db)
    [(key, stored)] = connection.execute("SELECT result_key, result FROM results").fetchall()
    assert isinstance(stored, bytes) and json.loads(zlib.decompress(stored))["source"].endswith("hip.md")
    with connection:  # as an earlier version wrote it: the JSON as text
        connection.execute("UPDATE results SET result = ?", (zlib.decompress(stored).decode("utf-8"),))
    connection.close()
    (folder / "hip.md").write_text(HIP.replace(" TODO add the exercises.", ""), encoding="utf-8")
    _run(cli, folder, db)
    assert [f["rule"] for f in history.diff(db).fixed] == ["SC004"]  # the text result's findings were read


def test_an_html_report_of_a_recorded_run_charts_the_site_score_over_time(cli, tmp_path: Path):
    folder, db, report = tmp_path / "posts", tmp_path / "h.sqlite", tmp_path / "report"
    folder.mkdir()
    (folder / "hip.md").write_text(HIP, encoding="utf-8")
    (folder / "knee.md").write_text(KNEE, encoding="utf-8")
    _run(cli, folder, db)
    (folder / "hip.md").write_text(HIP.replace(" TODO add the exercises.", ""), encoding="utf-8")
    cli("check", "--isolated", str(folder), "--db", str(db), "--html", str(report))
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "Site score over time" in index
    assert index.count('class="dot"') == 2  # both runs, the one just made included
