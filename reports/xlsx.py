"""The Excel workbook an agency hands to a client: Posts, Findings and Site findings sheets (``--xlsx FILE``).

Written with openpyxl in write-only mode (rows stream to the file; memory stays flat) when the run ends,
to a temporary file renamed into place.  openpyxl is imported only when a workbook is asked for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from clinic_audit.atomic import replaced
from clinic_audit.result import InputFailure, PostResult, Sink

from .table import FINDING_COLUMNS, POST_COLUMNS, cell, finding_row, post_row


class XlsxSink(Sink):
    def __init__(self, path: str | Path, **_options: Any):
        from openpyxl import Workbook

        self.path = Path(path)
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if not folder.is_dir() or not os.access(folder, os.W_OK):  # say so now, not after the whole audit
            raise OSError(2 if not folder.is_dir() else 13,
                          "no such folder" if not folder.is_dir() else "permission denied", str(self.path))
        self.book = Workbook(write_only=True)
        self.posts = self.book.create_sheet("Posts")
        self.findings = self.book.create_sheet("Findings")
        self.site_sheet = self.book.create_sheet("Site findings")
        self.not_audited = self.book.create_sheet("Not audited")
        self.families: list[str] | None = None
        self.findings.append(list(FINDING_COLUMNS))
        self.site_sheet.append(list(FINDING_COLUMNS))
        self.not_audited.append(["source", "skipped", "reason"])

    def post(self, result: PostResult) -> None:
        if self.families is None:  # the family columns of the first post (every post scores the same families)
            self.families = list(result.scores)
            self.posts.append([*POST_COLUMNS, *self.families])
        self.posts.append([*post_row(result), *(result.scores.get(f, "") for f in self.families)])
        for finding in result.findings:
            self.findings.append(finding_row(finding))

    def failure(self, failure: InputFailure) -> None:
        self.not_audited.append([cell(failure.source), "yes" if failure.skipped else "no", cell(failure.message)])

    def site(self, findings: list[Any]) -> None:
        for finding in findings:
            self.site_sheet.append(finding_row(finding, site_wide=True))

    def finish(self) -> None:
        if self.families is None:
            self.posts.append(list(POST_COLUMNS))
        with replaced(self.path) as temporary:
            self.book.save(temporary)
