"""Findings and posts as flat rows: what the CSV report and the Excel workbook both write.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) get a leading apostrophe, so a post's text can never become a formula in a client's
spreadsheet (OWASP's advice on CSV injection).
"""

from __future__ import annotations

from typing import Any

from clinic_audit.result import PostResult
from clinic_audit.rule import Finding

FINDING_COLUMNS = ("source", "line", "column", "rule", "name", "family", "severity", "message", "excerpt",
                   "suggestion", "value", "limit", "site_wide", "also_involves")
POST_COLUMNS = ("source", "title", "status", "language", "format", "score", "grade", "errors", "warnings", "info",
                "words", "flesch_kincaid_grade")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value safe to put in a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def finding_row(finding: Finding, site_wide: bool = False) -> list[Any]:
    others = " ".join(finding.sources[1:]) if finding.sources else ""
    values = (finding.source, finding.line, finding.column, finding.rule, finding.name, finding.family,
              str(finding.severity), finding.message, finding.excerpt, finding.suggestion or "",
              "" if finding.value is None else finding.value, "" if finding.limit is None else finding.limit,
              int(site_wide), others)
    return [cell(v) for v in values]


def post_row(result: PostResult) -> list[Any]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in result.findings:
        counts[str(f.severity)] = counts.get(str(f.severity), 0) + 1
    metrics = result.metrics or {}
    values = (result.source, result.title, (result.document or {}).get("status", ""), result.language, result.format,
              result.score, result.grade, counts["error"], counts["warning"], counts["info"],
              metrics.get("words", ""), metrics.get("flesch_kincaid_grade", ""))
    return [cell(v) for v in values]


def family_columns(results: list[PostResult]) -> list[str]:
    seen: dict[str, None] = {}
    for result in results:
        seen.update(dict.fromkeys(result.scores))
    return list(seen)
