"""The result cache: unchanged posts are not audited again; any change to text or settings is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

POST = "# Knee pain\n\nSigns may include:\n\n## Care\n\nRest helps. About 30% of adults have knee pain.\n\n- Ice\n-\n"


def _check(cli, *args):
    return json.loads(cli("check", "-f", "json", *args).output)


def test_second_run_reuses_results_and_matches_the_first(cli, tmp_path, counted):
    (tmp_path / "a.md").write_text(POST, encoding="utf-8")
    first = _check(cli, str(tmp_path / "a.md"))
    second = _check(cli, str(tmp_path / "a.md"))
    assert counted == [str(tmp_path / "a.md")]
    assert first == second
    assert list((tmp_path / ".clinic-audit" / "cache").rglob("*.jz"))


def test_changed_text_or_settings_are_audited_again(cli, tmp_path, counted):
    post = tmp_path / "a.md"
    post.write_text(POST, encoding="utf-8")
    _check(cli, str(post))
    post.write_text(POST.replace("30%", "40%"), encoding="utf-8")
    changed = _check(cli, str(post))
    assert "40%" in json.dumps(changed)
    (tmp_path / "clinic-audit.toml").write_text('ignore = ["SC002"]\n', encoding="utf-8")
    configured = _check(cli, str(post))
    assert "SC002" not in {f["rule"] for f in configured["posts"][0]["findings"]}
    assert len(counted) == 3


def test_no_cache_audits_every_time(cli, tmp_path, counted):
    (tmp_path / "a.md").write_text(POST, encoding="utf-8")
    _check(cli, "--no-cache", str(tmp_path / "a.md"))
    _check(cli, "--no-cache", str(tmp_path / "a.md"))
    assert len(counted) == 2
    assert not (tmp_path / ".clinic-audit").exists()


def test_a_corrupt_entry_is_a_miss(cli, tmp_path, counted):
    (tmp_path / "a.md").write_text(POST, encoding="utf-8")
    first = _check(cli, str(tmp_path / "a.md"))
    for entry in (tmp_path / ".clinic-audit" / "cache").rglob("*.jz"):
        entry.write_text("{not json", encoding="utf-8")
    assert _check(cli, str(tmp_path / "a.md")) == first
    assert len(counted) == 2


def test_plain_check_imports_no_template_engine_or_http_client(tmp_path):
    (tmp_path / "a.md").write_text(POST, encoding="utf-8")
    code = ("import sys; from clinic_audit.cli import main\n"
            "try:\n    main(['check', '--isolated', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('jinja2', 'httpx', 'nltk', 'textstat', 'selenium', 'xxhash') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.md")], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_a_local_run_imports_none_of_the_fetching_modules(tmp_path):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(POST, encoding="utf-8")
    code = ("import sys; from clinic_audit.cli import main\n"
            "try:\n    main(['check', '--isolated', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print('WEB', sorted(m for m in sys.modules if m.startswith('clinic_audit.web.') or m == 'socket'))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "posts")], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert "WEB []" in out.stdout, out.stdout + out.stderr


def test_the_cache_folder_ignores_itself_in_git(cli, tmp_path):
    (tmp_path / "a.md").write_text(POST, encoding="utf-8")
    _check(cli, str(tmp_path / "a.md"))
    assert (tmp_path / ".clinic-audit" / "cache" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_an_unwritable_cache_is_skipped_and_leaves_no_temporary_files(cli, tmp_path, monkeypatch, counted):
    import os

    (tmp_path / "a.md").write_text(POST, encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    result = cli("check", "-f", "json", str(tmp_path / "a.md"))
    assert result.exit_code == 1 and json.loads(result.stdout)["posts"]
    left = {p.name for p in (tmp_path / ".clinic-audit" / "cache").rglob("*") if p.is_file()}
    assert left <= {".gitignore", ".pruned"}  # no entry, no temporary file


def test_the_cache_prunes_unused_and_least_recently_used_entries(cli, tmp_path):
    import os
    import time

    from clinic_audit.cache import ResultCache

    for i in range(5):
        (tmp_path / f"p{i}.md").write_text(POST.replace("Knee", f"Knee {i}"), encoding="utf-8")
    cli("check", "--isolated", "-f", "json", str(tmp_path))
    cache = ResultCache(tmp_path)
    entries = sorted(cache.directory.glob("*/*.jz"))
    assert len(entries) == 6  # five posts and the run's site findings, pruned alike
    old = time.time() - 40 * 24 * 3600
    os.utime(entries[0], (old, old))  # unused for 40 days
    deleted, _ = cache.prune()
    assert deleted == 1
    for age, entry in enumerate(reversed(entries[1:])):  # entries[-1] the most recently used
        os.utime(entry, (time.time() - age * 60, time.time() - age * 60))
    newest = entries[-1].stat().st_size + entries[-2].stat().st_size
    deleted, _ = cache.prune(max_bytes=newest)
    assert deleted == 3 and sorted(cache.directory.glob("*/*.jz")) == entries[-2:]


def test_clean_deletes_the_cache_and_the_next_run_audits_again(cli, tmp_path, counted):
    (tmp_path / "a.md").write_text(POST, encoding="utf-8")
    _check(cli, str(tmp_path / "a.md"))
    result = cli("clean", str(tmp_path))
    assert result.exit_code == 0 and "deleted 1 cached result" in result.stdout
    _check(cli, str(tmp_path / "a.md"))
    assert len(counted) == 2


def test_entries_are_compressed_and_a_damaged_or_older_entry_is_a_miss(cli, tmp_path, counted):
    import json
    import zlib

    from clinic_audit.cache import HEADER

    (tmp_path / "a.md").write_text(POST, encoding="utf-8")
    first = _check(cli, str(tmp_path / "a.md"))
    [entry] = (tmp_path / ".clinic-audit" / "cache").rglob("*.jz")
    stored = entry.read_bytes()
    data = json.loads(zlib.decompress(stored[len(HEADER):]))
    assert stored.startswith(HEADER) and data["source"].endswith("a.md")
    assert len(stored) < len(json.dumps(data).encode()) / 2
    damaged = [stored[: len(stored) // 2],  # truncated
               stored[:-6] + bytes(b ^ 0xFF for b in stored[-6:]),  # bytes changed: the checksum fails
               json.dumps(data).encode(),  # an earlier version's plain JSON
               HEADER + zlib.compress(b"[1, 2]")]  # whole, but not a post
    for number, content in enumerate(damaged, start=2):
        entry.write_bytes(content)
        assert _check(cli, str(tmp_path / "a.md")) == first
        assert len(counted) == number  # audited again, and the entry rewritten
        assert entry.read_bytes().startswith(HEADER)


def test_an_input_that_is_not_a_post_is_remembered_as_skipped_and_errors_are_not(cli, tmp_path, counted):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "a.md").write_text(POST, encoding="utf-8")
    (folder / "stub.md").write_text("---\ntitle: Redirect\n---\n", encoding="utf-8")  # front matter only
    (folder / "broken.docx").write_bytes(b"not a zip")  # unreadable: an error, read again every time
    first = cli("check", "-f", "json", str(folder))
    second = cli("check", "-f", "json", str(folder))
    assert second.stdout == first.stdout and second.exit_code == first.exit_code
    assert "skipped" in first.stderr and first.stderr == second.stderr
    assert sorted(Path(s).name for s in counted) == ["a.md", "stub.md"]  # the skip was not parsed again
    (folder / "stub.md").write_text("---\ntitle: Redirect\n---\nNow the page has real text to read.\n", encoding="utf-8")
    third = json.loads(cli("check", "-f", "json", str(folder)).stdout)
    assert "stub.md" in {Path(p["source"]).name for p in third["posts"]}  # changed text: audited again


def test_a_damaged_stored_skip_is_a_miss(tmp_path):
    from clinic_audit.cache import SKIP_HEADER, ResultCache
    from clinic_audit.result import InputFailure

    store = ResultCache(tmp_path)
    store.failure(InputFailure("stub.md", "no body text found (0 words)", skipped=True), "ab" * 32)
    store.failure(InputFailure("bad.md", "cannot read it"), "cd" * 32)  # an error: never stored
    assert store.get("ab" * 32) == (InputFailure("stub.md", "no body text found (0 words)", skipped=True), None)
    assert store.get("cd" * 32) is None
    entry = store._path("ab" * 32)
    entry.write_bytes(SKIP_HEADER + b'{"source": 3}')
    assert store.get("ab" * 32) is None


# --- site findings ------------------------------------------------------------------------------------------

def _site_counted(monkeypatch) -> list[int]:
    """How many posts each run's site rules really read (stored site findings skip them)."""
    from clinic_audit import run

    calls: list[int] = []
    real = run.run_site_rules

    def counting(site, settings):
        calls.append(len(site.posts))
        return real(site, settings)

    monkeypatch.setattr(run, "run_site_rules", counting)
    return calls


def _site_rules(data) -> list[tuple[str, tuple[str, ...]]]:
    return [(f["rule"], tuple(Path(s).name for s in f["sources"])) for f in data["site"]["findings"]]


def test_an_unchanged_folder_reuses_its_site_findings_and_any_change_runs_the_site_rules(cli, tmp_path, monkeypatch):
    calls = _site_counted(monkeypatch)
    folder = tmp_path / "posts"
    folder.mkdir()
    for name in ("a.md", "b.md"):  # one title twice: a duplicate-title finding about both
        (folder / name).write_text(POST, encoding="utf-8")
    first = _check(cli, str(folder))
    assert ("SI001", ("a.md", "b.md")) in _site_rules(first)
    assert _check(cli, str(folder)) == first
    assert calls == [2]  # the second run read the stored site findings
    (folder / "c.md").write_text(POST.replace("Knee pain", "Hip pain"), encoding="utf-8")  # a post added
    assert _check(cli, str(folder))["site"] == first["site"]
    assert calls == [2, 3]
    (folder / "b.md").write_text(POST.replace("Knee pain", "Back pain"), encoding="utf-8")  # a post changed
    assert "SI001" not in {rule for rule, _ in _site_rules(_check(cli, str(folder)))}
    (tmp_path / "posts" / "clinic-audit.toml").write_text('ignore = ["SI008"]\n', encoding="utf-8")  # a setting
    _check(cli, str(folder))
    assert calls == [2, 3, 3, 3]


def test_a_damaged_site_entry_runs_the_site_rules_again(cli, tmp_path, monkeypatch):
    from clinic_audit.cache import SITE_HEADER

    calls = _site_counted(monkeypatch)
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(POST, encoding="utf-8")
    first = _check(cli, str(tmp_path))
    [entry] = [p for p in (tmp_path / ".clinic-audit" / "cache").rglob("*.jz") if p.read_bytes().startswith(SITE_HEADER)]
    stored = entry.read_bytes()
    for damaged in (stored[: len(stored) // 2], SITE_HEADER + b"not zlib", stored.replace(SITE_HEADER, b"x")):
        entry.write_bytes(damaged)
        assert _check(cli, str(tmp_path)) == first
    assert calls == [2, 2, 2, 2]


def test_a_history_reuses_the_site_findings_of_a_complete_run_and_prunes_them_with_it(cli, tmp_path, monkeypatch):
    import sqlite3

    calls = _site_counted(monkeypatch)
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(POST, encoding="utf-8")
    db = str(tmp_path / "history.db")

    def site_rules() -> list[tuple[str, tuple[str, ...]]]:
        return _site_rules(json.loads(cli("check", "-f", "json", "--db", db, str(tmp_path)).stdout))

    first = site_rules()
    assert ("SI001", ("a.md", "b.md")) in first
    assert site_rules() == first and calls == [2]  # the second night read the stored site findings
    with sqlite3.connect(db) as connection:  # both nights recorded them, for diffs and regressions
        counts = connection.execute("SELECT run_id, COUNT(*) FROM findings WHERE site = 1 GROUP BY run_id").fetchall()
        assert [n for _, n in counts] == [len(first), len(first)]
        connection.execute("UPDATE site_results SET findings = x'00'")  # damaged: the rules run again
    assert site_rules() == first and calls == [2, 2]
    (tmp_path / "b.md").write_text(POST.replace("Knee pain", "Back pain"), encoding="utf-8")
    assert "SI001" not in {rule for rule, _ in site_rules()} and calls == [2, 2, 2]
    assert cli("history", "prune", "--keep", "1", "--db", db).exit_code == 0
    with sqlite3.connect(db) as connection:  # only the kept run's site findings are left
        assert connection.execute("SELECT COUNT(*) FROM site_results").fetchone() == (1,)
