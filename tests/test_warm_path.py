"""The warm path: a rerun whose posts are all in the result cache writes exactly what the cold run wrote, in every
output, and does none of the cold run's work (no parser imported)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clinic_audit import run

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
# Control characters in a file name, a title and the text reach the text report's every field; a draft is labelled.
HOSTILE_NAME = "flu\x1b[2J.md"
HOSTILE = "# Flu \x1b[2J shots\n\nAbout 40% of adults get the flu\u202e each year.\r\n\n## Care\n\nSigns may include:\n"
DRAFT = "---\ntitle: Knee pain\nstatus: draft\n---\n\n# Knee pain\n\nRest helps. About 30% of adults have knee pain.\n"
OUTPUTS = [
    ("text",),
    ("text", "--color"),
    ("text", "--no-suggestions"),
    ("text", "--quiet"),
    ("json",),
    ("sarif",),
    ("markdown",),
    ("github",),
    ("junit",),
    ("csv",),
]


@pytest.fixture
def counted(monkeypatch):
    """The sources really audited (cache misses)."""
    calls: list[str] = []
    real = run.audit_task

    def counting(task, config):
        calls.append(task.document.source)
        return real(task, config)

    monkeypatch.setattr(run, "audit_task", counting)
    return calls


@pytest.fixture
def posts(tmp_path, monkeypatch) -> Path:
    """Twelve benchmark posts (HTML and Markdown, with the defects rules exist for), a hostile post and a draft."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from corpus import write_corpus

    folder = tmp_path / "posts"
    write_corpus(12, folder, seed=3)
    (folder / HOSTILE_NAME).write_text(HOSTILE, encoding="utf-8")
    (folder / "draft.md").write_text(DRAFT, encoding="utf-8")
    return folder


def _check(cli, folder: Path, *args: str) -> tuple[int, str]:
    result = cli("check", "--isolated", "--select", "ALL", "--jobs", "1", str(folder), *args)
    return result.exit_code, result.output


@pytest.mark.parametrize("output", OUTPUTS, ids=" ".join)
def test_a_warm_rerun_writes_what_the_cold_run_wrote(cli, posts, counted, output):
    fmt, *flags = output
    args = ("--format", fmt, *flags)
    cold = _check(cli, posts, *args, "--no-cache")  # audited, nothing stored
    assert len(counted) == 14
    _check(cli, posts)  # audited again, and stored
    assert len(counted) == 28
    warm = _check(cli, posts, *args)
    assert len(counted) == 28  # every post read from the cache
    assert warm == cold
    assert "site-wide" in cold[1] or fmt != "text" or "--quiet" in flags  # the site rules ran on read-back summaries


def test_a_warm_rerun_writes_the_same_files(cli, posts, tmp_path, counted):
    def outputs(name: str, *extra: str) -> dict[str, bytes]:
        out = tmp_path / name
        out.mkdir()
        code, shown = _check(cli, posts, "-o", str(out / "report.txt"), "--html", str(out / "html"),
                             "--write-baseline", str(out / "baseline.json"), *extra)
        assert code in (0, 1), shown
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    cold = outputs("cold")
    warm = outputs("warm")
    assert len(counted) == 14
    assert warm == cold and len(cold) > 3


def test_a_warm_rerun_imports_no_parser(tmp_path):
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><head><title>Flu</title></head><body><h1>Flu</h1><p>Rest well and "
                                     "drink water.</p></body></html>", encoding="utf-8")
    code = ("import sys; from clinic_audit.cli import main\n"
            "try:\n    main(['check', '--isolated', '--select', 'ALL', '.'])\nexcept SystemExit:\n    pass\n"
            "loaded = [m for m in ('clinic_audit.parse', 'clinic_audit.suppress', 'clinic_audit.score', 'markdown',"
            " 'markdown_it', 'bs4', 'lxml', 'html5lib') if m in sys.modules]\n"
            "print('LOADED', loaded, file=sys.stderr)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
            for _ in range(2)]
    assert "LOADED []" not in runs[0].stderr, runs[0].stderr  # the cold run parses
    assert "LOADED []" in runs[1].stderr, runs[1].stderr
    assert runs[0].stdout == runs[1].stdout and runs[0].returncode == runs[1].returncode
