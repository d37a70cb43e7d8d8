"""The JSON report: the documented shape every other report and tool builds on.

Posts are written as they arrive, so memory stays flat on large runs.
"""

from __future__ import annotations

import json
from typing import IO, Any

from clinic_audit import __version__
from clinic_audit.result import InputFailure, PostResult, Sink


class JsonReporter(Sink):
    def __init__(self, stream: IO[str], **_options: Any):
        self.stream = stream
        self.posts = 0
        self.findings = 0
        self.errors: list[dict[str, str]] = []
        self.site_written = False
        self.stream.write('{"tool": ' + json.dumps({"name": "clinic-audit", "version": __version__}) + ', "posts": [')

    def post(self, result: PostResult) -> None:
        if self.posts:
            self.stream.write(",")
        self.stream.write("\n  " + json.dumps(result.to_dict(), ensure_ascii=False))
        self.posts += 1
        self.findings += len(result.findings)

    def failure(self, failure: InputFailure) -> None:
        self.errors.append(failure.to_dict())

    def site(self, findings: list[Any]) -> None:
        """Site-wide findings (site runs only): written under a top-level "site" key."""
        self.stream.write("\n ],\n \"site\": " + json.dumps({"findings": [f.to_dict() for f in findings]},
                                                          ensure_ascii=False))
        self.site_written = True
        self.findings += len(findings)

    def finish(self) -> None:
        summary = {"posts": self.posts, "findings": self.findings, "errors": len(self.errors)}
        self.stream.write(
            ("," if self.site_written else "\n ],") + "\n \"errors\": " + json.dumps(self.errors, ensure_ascii=False)
            + ",\n \"summary\": " + json.dumps(summary) + "}\n"
        )
