"""A compact Markdown summary for pull-request comments and CI job summaries.

Per-family averages, the most frequent problems and the worst posts; the full
findings belong in the text, JSON or HTML reports.
"""

from __future__ import annotations

import re
from typing import IO, Any

from clinic_audit.result import InputFailure, PostResult, Sink

from clinic_audit.controls import printable
from .summary import SiteSummary, letter_for, plural

TOP_PROBLEMS = 10
WORST_POSTS = 10
# Characters Markdown (or the HTML a Markdown renderer lets through) would interpret in a table cell.
_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def cell(text: object) -> str:
    """Text made inert inside a Markdown table cell."""
    flat = printable(" ".join(str(text).split()))
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", flat)


class MarkdownReporter(Sink):
    def __init__(self, stream: IO[str], **_options: Any):
        self.stream = stream
        self.summary = SiteSummary()

    def post(self, result: PostResult) -> None:
        self.summary.add(result.to_dict())

    def failure(self, failure: InputFailure) -> None:
        self.summary.failures.append(failure.to_dict())

    def finish(self) -> None:
        self.stream.write(render(self.summary))


def render(summary: SiteSummary) -> str:
    """The whole Markdown summary of a run."""
    rows = summary.rows
    totals = summary.severity_totals()
    lines = ["## clinic-audit summary", ""]
    if not rows:
        lines.append("No posts were audited.")
    else:
        average = summary.average
        counts = ", ".join(plural(totals[s], s) for s in ("error", "warning")) + f", {totals['info']} info"
        lines.append(
            f"**{plural(len(rows), 'post')}**, average score **{average}** ({letter_for(average)}); {counts}."
        )
        lines += ["", "| family | average score |", "|---|---:|"]
        lines += [f"| {cell(family)} | {value} |" for family, value in summary.family_averages().items()]
        problems = summary.problems(TOP_PROBLEMS)
        if problems:
            lines += ["", "### Most frequent problems", "", "| rule | family | severity | posts | findings |",
                      "|---|---|---|---:|---:|"]
            lines += [
                f"| {cell(p.rule)} {cell(p.name)} | {cell(p.family)} | {cell(p.severity)} | {p.posts} | {p.findings} |"
                for p in problems
            ]
        lines += ["", f"### Lowest scores ({min(WORST_POSTS, len(rows))} of {len(rows)})", "",
                  "| post | score | errors | warnings | info |", "|---|---:|---:|---:|---:|"]
        lines += [
            f"| {cell(r.title)}<br>{cell(r.source)} | {r.score} ({cell(r.grade)}) | "
            f"{r.counts['error']} | {r.counts['warning']} | {r.counts['info']} |"
            for r in summary.worst(WORST_POSTS)
        ]
    if summary.failures:
        lines += ["", f"**{plural(len(summary.failures), 'input')} could not be audited:**", ""]
        lines += [f"- {cell(f['source'])}: {cell(f['message'])}" for f in summary.failures]
    return "\n".join(lines) + "\n"
