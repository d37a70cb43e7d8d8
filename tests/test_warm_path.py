"""The warm path: a rerun whose posts are all in the result cache writes exactly what the cold run wrote, in every
output, and does none of the cold run's work (no parser imported, findings read back from compact rows)."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from clinic_audit import cache
from clinic_audit.cache import HEADER, ResultCache
from clinic_audit.result import PostResult
from clinic_audit.rule import Finding, Severity
from clinic_audit.siterules import PostSummary

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


def _finding(**changes) -> Finding:
    fields = dict(source="a.md", line=3, column=7, rule="RD001", name="reading-grade", family="readability",
                  severity=Severity.WARNING, message="grade 11.2", excerpt="Long words…", suggestion="Shorten.",
                  value=11.2, limit=8, fingerprint="0123456789abcdef")
    return Finding(**{**fields, **changes})


def _result(findings: tuple[Finding, ...]) -> PostResult:
    return PostResult(source="a.md", title="Knee pain", language="en", format="markdown", score=71, grade="C",
                      scores={"readability": 80}, metrics={"words": 120, "flesch_reading_ease": 61.5},
                      findings=findings, document={"title_is_h1": True, "title_line": 1, "status": "draft",
                                                   "blocks": [{"kind": "paragraph", "line": 3, "text": "Rest."}]},
                      language_source="detected", targets={"smog_index": {"limit": 9, "direction": "max"}})


FINDINGS = (
    _finding(),
    _finding(line=5, severity=Severity.ERROR, value=None, limit=None, excerpt="", suggestion=""),
    _finding(line=9, severity=Severity.INFO, value="none", limit="a date", rule="TR003", name="missing-review"),
    _finding(line=12, value=0, limit=0.25, sources=("a.md", "b.md")),
)


def test_a_stored_result_reads_back_as_from_dict_builds_it():
    """Findings stored as rows become the very values ``Finding.from_dict`` builds: same attributes, same types,
    in the same order; a change to ``Finding`` that the row reader does not follow fails here."""
    result = _result(FINDINGS)
    summary = PostSummary(url="a.md", title="Knee pain", links=(("b.md", 4),), sketch=(1, 2, 3), words=120)
    read, read_summary = cache.decode(*cache.encode(result, summary))
    expected = PostResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert read.to_dict() == result.to_dict() == expected.to_dict()
    assert [list(vars(f).items()) for f in read.findings] == [list(vars(f).items()) for f in expected.findings]
    assert [type(v) for f in read.findings for v in vars(f).values()] == \
        [type(v) for f in expected.findings for v in vars(f).values()]
    assert read == expected and read_summary == summary
    assert hash(read.findings[0]) == hash(expected.findings[0]) and sorted(read.findings) == sorted(expected.findings)


def test_findings_are_stored_as_rows():
    data = json.loads(cache.encode(_result(FINDINGS), None)[0])
    assert data["findings"][0] == [3, 7, "RD001", "reading-grade", "readability", "warning", "grade 11.2",
                                   "Long words…", "Shorten.", 11.2, 8, "0123456789abcdef"]
    assert data["findings"][3][-1] == ["a.md", "b.md"]  # a finding about several posts keeps them


def test_the_text_is_stored_apart_and_read_back_into_its_place():
    result = _result(FINDINGS)
    encoded, text = cache.encode(result, None)
    assert json.loads(encoded)["document"] == {**result.document, "blocks": None}
    assert json.loads(text) == result.document["blocks"]
    assert list(cache.decode(encoded, text)[0].document) == ["title_is_h1", "title_line", "status", "blocks"]
    assert cache.decode(encoded, None)[0].document == {"title_is_h1": True, "title_line": 1, "status": "draft"}
    assert result.document["blocks"]  # encoding left the result as it was


def _damage_texts(folder: Path) -> int:
    """Replace the text part of every post's cache entry under ``folder`` with bytes that are not zlib: returns
    how many."""
    entries = [entry for entry in sorted(folder.rglob(".clinic-audit/cache/*/*.jz"))
               if entry.read_bytes().startswith(HEADER)]
    for entry in entries:
        stored = entry.read_bytes()
        inflate = zlib.decompressobj()
        inflate.decompress(stored[len(HEADER):])
        entry.write_bytes(stored[: len(stored) - len(inflate.unused_data)] + b"damaged")
    return len(entries)


def test_a_text_report_never_reads_the_posts_text_and_a_json_report_checks_it(cli, posts, counted):
    cold = _check(cli, posts)
    assert _damage_texts(posts.parent) == len(counted) == 14
    assert _check(cli, posts) == cold  # the text report does not read the posts' text
    assert len(counted) == 14
    _check(cli, posts, "--format", "json")  # the JSON report does: each damaged entry is a miss, audited again
    assert len(counted) == 28
    assert _check(cli, posts, "--format", "json", "--no-cache") == _check(cli, posts, "--format", "json")
    assert len(counted) == 42


def _entry(tmp_path: Path, content: bytes) -> ResultCache:
    store = ResultCache(tmp_path)
    path = store._path("ab" + "0" * 62)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return store


@pytest.mark.parametrize("rows", [
    [[3, 7, "RD001"]],  # too short
    [[*([0] * 14)]],  # too long
    [[3, 7, "RD001", "reading-grade", "readability", "fatal", "m", "", "", None, None, "f"]],  # no such severity
    [{"line": 3, "rule": "RD001"}],  # an object, as entries of format 2 held
])
def test_an_entry_with_malformed_rows_is_a_miss(tmp_path, rows):
    data = {**_result(()).to_dict(), "findings": rows}
    store = _entry(tmp_path, HEADER + zlib.compress(json.dumps(data).encode()))
    assert store.get("ab" + "0" * 62) is None


def test_an_entry_of_the_previous_format_is_a_miss(tmp_path):
    data = _result(FINDINGS).to_dict()
    store = _entry(tmp_path, b"clinic-audit result 2\n" + zlib.compress(json.dumps(data).encode()))
    assert store.get("ab" + "0" * 62) is None


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


class _Writes:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def write(self, text: str) -> int:
        self.calls.append(text)
        return len(text)


def test_the_text_report_writes_a_post_at_once_with_every_name_made_printable():
    from clinic_audit.reports.text import TextReporter

    stream = _Writes()
    reporter = TextReporter(stream, color=True)
    hostile = (_finding(source="a\x1b[2J.md", rule="RD\x07001", name="reading\u202egrade", message="grade\r11"),
               _finding(source="a\x1b[2J.md", line=4, severity=Severity.ERROR))
    for findings in (hostile, FINDINGS, hostile):
        reporter.post(_result(findings))
    assert len(stream.calls) == 3  # one record a post: nothing else can land inside it
    shown = "".join(stream.calls)
    assert "a\\x1b[2J.md:3:7 RD\\x07001 \x1b[33mwarning\x1b[0m grade\\r11 [reading\\u202egrade]\n" in shown
    assert shown.count("a\\x1b[2J.md:3:7 RD\\x07001") == 2 and "\x07" not in shown and "\r" not in shown
