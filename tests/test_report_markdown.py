"""The Markdown summary: family averages, frequent problems, worst posts, inert post text."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from clinic_audit.reports.markdown import render
from clinic_audit.reports.summary import collect

REPORTS = Path(__file__).parent / "fixtures" / "reports"


def run(name: str) -> dict:
    return json.loads((REPORTS / name).read_text(encoding="utf-8"))


def table(text: str, heading: str) -> list[list[str]]:
    """The rows of the first Markdown table after the line holding ``heading`` (header and rule rows left out)."""
    lines = text.split(heading, 1)[1].splitlines()[1:]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return [[c.strip() for c in row.strip("|").split(" | ")] for row in rows[2:]]


def test_family_averages_are_means_over_posts():
    data = run("run.json")
    text = render(collect(data["posts"]))
    shown = {row[0]: int(row[1]) for row in table(text, "## clinic-audit summary")}
    families = {f for p in data["posts"] for f in p["scores"]}
    expected = {f: round(sum(p["scores"][f] for p in data["posts"] if f in p["scores"])
                         / sum(1 for p in data["posts"] if f in p["scores"])) for f in families}
    assert shown == expected


def test_problems_are_ranked_by_posts_affected():
    data = run("run.json")
    rows = table(render(collect(data["posts"])), "### Most frequent problems")
    affected = Counter(code for p in data["posts"] for code in {f["rule"] for f in p["findings"]})
    posts = [int(r[3]) for r in rows]
    assert posts == sorted(posts, reverse=True)
    assert all(affected[r[0].split()[0]] == int(r[3]) for r in rows)


def test_worst_posts_come_first():
    data = run("run.json")
    rows = table(render(collect(data["posts"])), "### Lowest scores")
    scores = [int(r[1].split()[0]) for r in rows]
    assert scores == sorted(p["score"] for p in data["posts"])


def test_post_text_cannot_break_the_table_or_inject_html():
    text = render(collect(run("hostile.json")["posts"]))
    row = table(text, "### Lowest scores")[0]
    assert len(row) == 5  # a pipe in a title would have split the cell
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_no_posts_says_so():
    assert "No posts were audited." in render(collect([]))


def test_check_prints_the_markdown_summary(cli):
    result = cli("check", str(REPORTS / "posts"), "--isolated", "-f", "markdown")
    assert result.exit_code in (0, 1)
    assert result.output.startswith("## clinic-audit summary")
    assert "**3 posts**" in result.output


def test_report_prints_markdown_from_a_saved_run(cli):
    result = cli("report", str(REPORTS / "run.json"), "--format", "markdown")
    assert result.exit_code == 0
    assert "### Lowest scores (3 of 3)" in result.output
