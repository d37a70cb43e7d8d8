"""Hostile input: no post, configuration or stored file may hang, crash or reach the terminal raw (issue 17)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from clinic_audit.parse import ParseError, frontmatter

POST_BODY = "# Flu shots\n\nGet a flu shot every year. It is safe for most people.\n"


def _laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghijk"[:levels - 1]:
        lines.append(f"{name}: &{name} [" + ",".join(["*" + prev] * 9) + "]")
        prev = name
    return "---\ntitle: Laughs\n" + "\n".join(lines) + "\n---\n\n" + POST_BODY


# --- front matter: aliases, size, depth, impossible dates ----------------------------------------------------

def test_yaml_alias_expansion_is_bounded_with_a_clear_error():
    started = time.perf_counter()
    with pytest.raises(ParseError, match="expands to more than"):
        frontmatter.split(_laughs())
    assert time.perf_counter() - started < 2


def test_a_few_yaml_aliases_still_work():
    meta, _, _ = frontmatter.split("---\nbase: &b {name: Dr Roe}\nauthor: *b\nreviewed_by: *b\n---\n" + POST_BODY)
    assert meta["author"] == {"name": "Dr Roe"} == meta["reviewed_by"]


def test_a_self_referencing_alias_is_a_parse_error():
    with pytest.raises(ParseError, match="nested more than"):
        frontmatter.split("---\na: &a [*a]\n---\n" + POST_BODY)


def test_front_matter_over_the_size_cap_is_a_parse_error():
    big = "---\ndescription: " + "x" * (frontmatter.MAX_BYTES + 10) + "\n---\n" + POST_BODY
    with pytest.raises(ParseError, match="KB limit"):
        frontmatter.split(big)


def test_deep_json_front_matter_is_a_parse_error():
    deep = "{\n" + '"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n" + POST_BODY
    with pytest.raises(ParseError):
        frontmatter.split(deep)


@pytest.mark.parametrize("written", ["2024-02-30", "2024-13-45", "0000-01-01", "2024-02-30 10:00:00"])
@pytest.mark.parametrize("key", ["date", "updated", "lastmod", "reviewed"])
def test_an_impossible_yaml_date_is_kept_as_text(written, key):
    meta, _, _ = frontmatter.split(f"---\ntitle: T\n{key}: {written}\n---\n" + POST_BODY)
    assert meta[key] == written


@pytest.mark.parametrize("written", ["2024-02-30", "2024-13-45", "0000-01-01", "2024-02-30T10:00:00Z", "2024-02-30 10:00:00"])
def test_an_impossible_toml_date_is_kept_as_text(written):
    meta, body, _ = frontmatter.split(f"+++\ntitle = 'T'\ndate = {written} # first\nupdated = {written}\nok = 2024-02-29\n+++\n"
                                      + POST_BODY)
    assert meta["date"] == meta["updated"] == written and meta["ok"] == "2024-02-29" and body == POST_BODY


def test_other_toml_mistakes_are_still_parse_errors():
    with pytest.raises(ParseError, match="invalid TOML front matter"):
        frontmatter.split("+++\nd = = 3\n+++\n" + POST_BODY)


def test_a_real_yaml_date_is_still_an_iso_string():
    meta, _, _ = frontmatter.split("---\ndate: 2024-02-29\n---\n" + POST_BODY)
    assert meta["date"] == "2024-02-29"


def test_impossible_dates_never_stop_the_run(tmp_path, cli):
    for i, written in enumerate(["2024-02-30", "2024-13-45", "0000-01-01"]):
        (tmp_path / f"p{i}.md").write_text(f"---\ntitle: T\ndate: {written}\nupdated: {written}\n---\n" + POST_BODY)
    (tmp_path / "z.md").write_text(POST_BODY)
    result = cli("check", str(tmp_path), "-f", "json", "--isolated")
    data = json.loads(result.output)
    assert len(data["posts"]) == 4 and result.exit_code in (0, 1)


# --- linear time on pathological shapes (benchmarks/scaling.py measures them all) ---------------------------

def _timed_audit(text: str, fmt: str = "markdown") -> float:
    from clinic_audit.engine import audit_document
    from clinic_audit.sources import Document
    from conftest import isolated_config

    started = time.perf_counter()
    audit_document(Document("post.md", text, fmt), isolated_config())
    return time.perf_counter() - started


@pytest.mark.parametrize("opener", ["[^", "[^a", "x [^x "])
def test_footnote_marker_patterns_are_linear_on_many_openers(opener):
    from clinic_audit.rules import citations, sections

    text = "See [1]. " + opener * 100_000  # quadratic patterns took minutes here
    started = time.perf_counter()
    list(sections._UNRESOLVED_MD.finditer(text))
    list(citations._NUMERIC_MARKER.finditer(text))
    assert time.perf_counter() - started < 1


def test_footnote_markers_still_found():
    from clinic_audit.rules import citations, sections

    assert sections._UNRESOLVED_MD.findall("a [^1] b [^note-2] [^[^x]") == ["1", "note-2", "x"]
    assert [m.group(1) for m in citations._NUMERIC_MARKER.finditer("a [12] [^note] [^[^3]")] == ["12", None, None]


def test_newline_index_counts_like_str_count():
    from clinic_audit.textstats import NewlineIndex

    text = "a\nbb\n\nccc\nd"
    index = NewlineIndex(text)
    assert [index.before(i) for i in range(len(text) + 1)] == [text.count("\n", 0, i) for i in range(len(text) + 1)]
    assert NewlineIndex("no breaks").before(5) == 0


def test_a_paragraphs_citations_are_looked_for_once_not_once_per_sentence(monkeypatch):
    from clinic_audit.rules import citations
    from conftest import make_post

    calls = []
    real = citations._text_cites
    monkeypatch.setattr(citations, "_text_cites", lambda post, text: calls.append(text) or real(post, text))
    post = make_post("# Back pain\n\n" + " ".join(f"About {i}% of adults improve." for i in range(200)) + "\n")
    findings = list(citations.uncited_statistic.check(post, citations.uncited_statistic.defaults()))
    assert len(findings) > 100 and len(calls) == 1


# --- configuration: wrong values are one line and exit 2 when the configuration is read ---------------------

BAD_CONFIG = {
    "max-score-with-errors = -50\n": "'max-score-with-errors' must be a whole number from 0 to 100",
    "max-score-with-errors = true\n": "'max-score-with-errors' must be a whole number",
    "max-file-size = -1\n": "'max-file-size' must be a whole number 1 or more",
    "max-file-size = 0\n": "'max-file-size' must be a whole number 1 or more",
    "max-file-size = true\n": "'max-file-size' must be a whole number",
    "[weights]\nreadability = nan\n": "weights.readability must be a finite number",
    "[weights]\nreadability = inf\n": "weights.readability must be a finite number",
    "[weights]\nreadability = true\n": "weights.readability must be a finite number",
    "[penalties]\nerror = nan\n": "penalties.error must be a finite number",
    "[penalties]\nwarning = inf\n": "penalties.warning must be a finite number",
    "[penalties]\nwarning = -5\n": "penalties.warning must be a finite number of points ≥ 0",
    "[penalties]\nfatal = 5\n": "penalties: unknown severity 'fatal' (allowed: error, warning, info)",
    "select = " + "[" * 5000 + "]" * 5000 + "\n": "nested too deeply",
    "select = []\n": "'select' is empty",
    "select = [5]\n": "'select' must be a list of strings",
    "include = [5]\n": "'include' must be a list of strings",
    "html-selector = '###'\n": "'html-selector' is not a valid CSS selector",
    "[rules.reading-grade]\nformulas = ['astrology']\n": "rules.reading-grade (RD001 reading-grade): option 'formulas' 'astrology' is not allowed (allowed: ",
    "[rules.reading-grade]\nmax-grade = nan\n": "option 'max-grade' expects a finite number",
    "[rules.reading-grade]\nmin-words = -5\n": "option 'min-words' expects a number ≥ 0",
    "[rules.missing-crisis-resources]\nlocale = 'ZZ'\n": "option 'locale' 'ZZ' is not allowed (allowed: auto, ",
    "[rules.author-credentials]\ncredentials = [5, true]\n": "option 'credentials' expects a list of str",
}


@pytest.mark.parametrize("toml", list(BAD_CONFIG), ids=lambda t: t.replace("\n", " ")[:40])
def test_a_wrong_configuration_value_is_one_line_and_exit_2(tmp_path, toml):
    from click.testing import CliRunner

    from clinic_audit.cli import main

    (tmp_path / "clinic-audit.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "a.md").write_text(POST_BODY, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a.md")])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert BAD_CONFIG[toml] in result.output and str(tmp_path / "clinic-audit.toml") in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("toml, message", [
    ("tool = 5\n", "'tool' must be a table"),
    ("tool = 'x'\n", "'tool' must be a table"),
    ("[tool]\nclinic-audit = 5\n", "[tool.clinic-audit] must be a table of settings, got 5"),
])
def test_a_pyproject_whose_tool_is_not_a_table_is_a_config_error(tmp_path, toml, message):
    from clinic_audit.config import Config, ConfigError
    from clinic_audit.registry import load

    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        Config.build(load(), tmp_path / "a.md")
    with pytest.raises(ConfigError, match=re.escape(message)):
        Config.build(load(), tmp_path / "a.md", config_file=tmp_path / "pyproject.toml")


def test_good_values_still_pass(tmp_path):
    from clinic_audit.config import Config
    from clinic_audit.registry import load

    (tmp_path / "clinic-audit.toml").write_text(
        "max-file-size = 1\nmax-score-with-errors = 0\nselect = ['RD']\n[weights]\nseo = 0\n[penalties]\ninfo = 0.5\n"
        "[rules.reading-grade]\nmax-grade = 0\nformulas = ['smog']\n[rules.author-credentials]\ncredentials = ['MD']\n",
        encoding="utf-8")
    Config.build(load(), tmp_path / "a.md")


def test_option_checks_extend_the_declaration():
    from clinic_audit.rule import Option, iso_date

    today = Option("today", str, "", "help", check=iso_date)
    assert today.validate("2024-02-29") == "2024-02-29" and today.validate("") == ""
    for bad in ("yesterday", "2024-02-30", "0000-01-01"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            today.validate(bad)
    assert Option("offset", int, 0, "help", minimum=None).validate(-3) == -3
    with pytest.raises(ValueError, match="list of str"):
        Option("names", list, ["a"], "help").validate(["b", 3])
    assert Option("anything", list, [], "help").validate([1, "x"]) == [1, "x"]


# --- files clinic-audit wrote and reads back: deep, damaged, another tool's or another format ---------------

DEEP_JSON = "[" * 100_000 + "]" * 100_000
RUN = Path(__file__).parent / "fixtures" / "reports" / "run.json"


def _report(tmp_path, text: str, *args: str):
    from click.testing import CliRunner

    from clinic_audit.cli import main

    run = tmp_path / "run.json"
    run.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["report", str(run), *args])


def _mutated(path: list, value) -> str:
    run = json.loads(RUN.read_text(encoding="utf-8"))
    node = run
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(run)


@pytest.mark.parametrize("text, message", [
    (DEEP_JSON, "nested too deeply"),
    ('{"posts": ' + DEEP_JSON + "}", "nested too deeply"),
    ('{"tool": {"name": "eslint"}, "posts": []}', "not a clinic-audit JSON run (written by 'eslint')"),
    ('{"format": 999, "posts": []}', "format '999'"),
    (_mutated(["posts", 0, "score"], -1), "posts[0]: \"score\" must be a whole number from 0 to 100"),
    (_mutated(["posts", 0, "scores", "readability"], "high"), "scores: \"readability\" must be a whole number"),
    (_mutated(["posts", 0, "findings", 0, "line"], "one"), "posts[0]: findings[0]: \"line\" must be a whole number"),
    (_mutated(["posts", 0, "findings", 0, "severity"], "fatal"), "unknown severity 'fatal'"),
    (_mutated(["posts", 0, "findings", 0], 5), "findings[0] must be an object"),
    (_mutated(["posts", 0, "document", "blocks", 0, "text"], {"a": 1}), "blocks[0]: \"text\" must be a string"),
    (_mutated(["posts", 0, "metrics", "words"], [1]), "metrics: \"words\" must be a number"),
    (_mutated(["site"], {"findings": [{"line": 1}]}), "site: findings[0] has no \"rule\""),
])
@pytest.mark.parametrize("fmt", [("-f", "text"), ("-f", "markdown"), ("--html", "out")])
def test_report_refuses_a_malformed_run_in_one_line(tmp_path, text, message, fmt):
    args = (fmt[0], str(tmp_path / fmt[1])) if fmt[0] == "--html" else fmt
    result = _report(tmp_path, text, *args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_report_fills_what_a_hand_made_run_leaves_out(tmp_path):
    run = {"posts": [{"source": "a.md", "score": 90, "findings": [{"line": 1, "rule": "RD001"}]}]}
    result = _report(tmp_path, json.dumps(run), "--html", str(tmp_path / "out"), "-f", "markdown")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text, message", [
    (DEEP_JSON, "nested too deeply"),
    ('{"tool": "eslint", "format": 1, "findings": []}', "written by 'eslint'"),
    ('{"findings": []}', "no \"tool\": \"clinic-audit\""),
    ('{"tool": "clinic-audit", "format": 999, "findings": []}', "baseline format 999 is not one this version reads"),
    ('{"tool": "clinic-audit", "format": true, "findings": []}', "baseline format True"),
    ('{"tool": "clinic-audit", "format": 1, "findings": [5]}', "\"findings\" must be a list"),
    ('\xff\xfe', "not a clinic-audit baseline"),
])
def test_a_baseline_that_is_not_ours_is_refused(tmp_path, text, message):
    from clinic_audit.baseline import Baseline, BaselineError

    path = tmp_path / "baseline.json"
    path.write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode("utf-8"))
    with pytest.raises(BaselineError, match=re.escape(message)):
        Baseline.read(path)


@pytest.mark.parametrize("text", [DEEP_JSON, '{"source": "a.md", "score": "x"}', "[]", '{"source": 5}'])
def test_a_damaged_cache_entry_is_a_miss(tmp_path, text):
    from clinic_audit.cache import ResultCache

    cache = ResultCache(tmp_path)
    key = "ab" + "0" * 62
    path = cache._path(key)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    assert cache.get(key) is None


def _zeroed_history(tmp_path: Path) -> Path:
    import sqlite3

    from clinic_audit import history

    path = tmp_path / "h.sqlite"
    history.connect(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = bytes(len(data) - page)  # a valid header page, every other page zeroed
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("command", [["history"], ["diff"], ["check", "a.md"]])
def test_a_history_with_zeroed_pages_is_one_line_and_exit_2(tmp_path, command):
    from click.testing import CliRunner

    from clinic_audit.cli import main

    path = _zeroed_history(tmp_path)
    (tmp_path / "a.md").write_text(POST_BODY, encoding="utf-8")
    result = CliRunner().invoke(main, [*command, "--db", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "is not a usable history database" in result.output


# --- control characters never reach the terminal raw -------------------------------------------------------

HOSTILE_TEXT = ("# Flu \x1b[2J shots\x1b]0;owned\x07\n\nAbout 40% of adults \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ "
                "get the flu\u202e each year\x9b31m. TODO: \x1b[31mred\r\n")
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


def test_printable_makes_every_control_character_visible():
    from clinic_audit.controls import printable

    assert printable("a\x1b[2Jb\nc\td\x7f\x9b\u202e\u2028") == "a\\x1b[2Jb\\nc\\td\\x7f\\x9b\\u202e\\u2028"
    assert printable("plain text, ümlauts & emoji 🙂") == "plain text, ümlauts & emoji 🙂"


def test_printable_fast_path_passes_only_text_without_a_control_character():
    """``printable`` returns printable text untouched without searching it: that is right only while every
    character it escapes is one ``str.isprintable`` rejects."""
    import sys

    from clinic_audit.controls import _CONTROL

    assert not [hex(c) for c in range(sys.maxunicode + 1) if _CONTROL.match(chr(c)) and chr(c).isprintable()]


@pytest.mark.parametrize("fmt", ["text", "github", "markdown"])
def test_control_characters_in_posts_and_file_names_are_neutralised(tmp_path, fmt):
    from click.testing import CliRunner

    from clinic_audit.cli import main

    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "evil\x1b[2J.md").write_text(HOSTILE_TEXT, encoding="utf-8")
    (posts / "two\nlines.md").write_text(HOSTILE_TEXT, encoding="utf-8")
    (posts / "empty\x1b]0;x\x07.md").write_text("", encoding="utf-8")  # a failure line names the file too
    result = CliRunner().invoke(main, ["check", str(posts), "-f", fmt, "--isolated", "--no-color"])
    assert result.exit_code in (1, 2), result.output
    out = result.stdout
    assert not [c for c in RAW if c in out], repr(out)
    assert "\\x1b" in out
    if fmt == "text":  # one record per line: a newline in a file name does not split it
        assert all(line.startswith((str(posts), "    ", "  ", "site-wide findings", "SI")) or not line
                   or "posts audited" in line
                   for line in out.splitlines()), out
    if fmt == "github":
        assert all(line.startswith("::") or line.startswith("clinic-audit:") for line in out.splitlines()), out


@pytest.mark.parametrize("stored", ['{"source": "a.md", "score": "high"}', "[" * 100_000 + "]" * 100_000, "5"])
def test_a_damaged_stored_result_in_the_history_is_audited_again(tmp_path, stored):
    from clinic_audit.history import Recorder

    recorder = Recorder(tmp_path / "h.sqlite", ["a.md"])
    recorder.db.execute("UPDATE runs SET status = 'complete'")
    recorder.db.execute("INSERT INTO posts VALUES (?, 'a.md', 'k', 90, 'A', ?, NULL)", (recorder.run_id, stored))
    assert recorder.get("k") is None
