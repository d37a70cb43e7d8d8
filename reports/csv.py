"""The CSV report: one row per finding (post findings, then site-wide ones), for spreadsheets and scripts.

Rows are written as posts arrive.  Inputs that could not be audited are rows too (rule ``input``), so a
spreadsheet of findings never hides a post that was not checked.  Cells are made formula-safe (``table.cell``).
"""

from __future__ import annotations

import csv
from typing import IO, Any

from clinic_audit.result import InputFailure, PostResult, Sink

from .table import FINDING_COLUMNS, cell, finding_row


class CsvReporter(Sink):
    def __init__(self, stream: IO[str], **_options: Any):
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(FINDING_COLUMNS)

    def post(self, result: PostResult) -> None:
        for finding in result.findings:
            self.writer.writerow(finding_row(finding))

    def failure(self, failure: InputFailure) -> None:
        what = "skipped" if failure.skipped else "not audited"
        row = {"source": failure.source, "line": 1, "column": 1, "rule": "input", "name": what, "family": "input",
               "severity": "info" if failure.skipped else "error", "message": failure.message}
        self.writer.writerow([cell(row.get(column, "")) for column in FINDING_COLUMNS])

    def site(self, findings: list[Any]) -> None:
        for finding in findings:
            self.writer.writerow(finding_row(finding, site_wide=True))
