"""Hostile input: no post, configuration or stored file may hang, crash or reach the terminal raw (issue 17)."""

from __future__ import annotations

import json
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


def test_many_statistics_in_one_paragraph_are_checked_once_per_paragraph():
    text = "# Back pain\n\n" + " ".join(f"About {i}% of adults [{i % 9}] improve." for i in range(3000)) + "\n"
    small = "# Back pain\n\n" + " ".join(f"About {i}% of adults [{i % 9}] improve." for i in range(750)) + "\n"
    # 4× the input must not cost 16×: allow generous noise, well under quadratic
    assert _timed_audit(text) < 10 * max(_timed_audit(small), 0.05)
