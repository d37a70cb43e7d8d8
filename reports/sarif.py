"""The SARIF 2.1.0 report, for code-scanning services (GitHub code scanning, Azure DevOps, IDE viewers).

Rule metadata comes from the rule docstrings, handed over by the run (``rules``): the
summary is the short description, "Why" the full description, "Why" and "Fix"
the help.  Each result carries the finding's fingerprint as a partial
fingerprint, so services track a finding across commits as lines move.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from clinic_audit import __version__
from clinic_audit.result import InputFailure, PostResult, RuleDocs, Sink
from clinic_audit.rule import Finding, Severity

from .paths import is_url, report_path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "clinicAudit/v1"
SRCROOT = "%SRCROOT%"


def artifact_location(source: str) -> dict[str, str]:
    """A SARIF artifactLocation: relative paths resolve against %SRCROOT% (the working folder)."""
    if is_url(source) or source == "-":
        return {"uri": source if source != "-" else "stdin"}
    path = report_path(source)
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": SRCROOT}


def rule_descriptor(code: str, rule: dict[str, Any] | None, fallback_name: str) -> dict[str, Any]:
    """A reportingDescriptor built from the rule's documentation (``result.rule_docs``)."""
    if rule is None:
        return {"id": code, "name": fallback_name, "shortDescription": {"text": fallback_name or code}}
    parts = rule["parts"]
    why, fix = parts.get("Why", "").strip(), parts.get("Fix", "").strip()
    help_text = "\n\n".join(p for p in (why, f"Fix: {fix}" if fix else "") if p)
    descriptor: dict[str, Any] = {
        "id": rule["code"],
        "name": rule["name"],
        "shortDescription": {"text": rule["summary"] or rule["name"]},
        "fullDescription": {"text": why or rule["summary"] or rule["name"]},
        "defaultConfiguration": {"level": LEVELS[Severity.parse(rule["severity"])]},
        "properties": {"family": rule["family"], "tags": [rule["family"]]},
    }
    if help_text:
        descriptor["help"] = {"text": help_text, "markdown": help_text}
    return descriptor


class SarifReporter(Sink):
    """Collects the run and writes one SARIF log at the end (SARIF is a single JSON document)."""

    def __init__(self, stream: IO[str], rules: RuleDocs | None = None, **_options: Any):
        self.stream = stream
        self.rules = rules
        self.results: list[dict[str, Any]] = []
        self.rule_index: dict[str, int] = {}
        self.rule_names: dict[str, str] = {}
        self.notifications: list[dict[str, Any]] = []

    def _index(self, finding: Finding) -> int:
        if finding.rule not in self.rule_index:
            self.rule_index[finding.rule] = len(self.rule_index)
            self.rule_names[finding.rule] = finding.name
        return self.rule_index[finding.rule]

    def _result(self, finding: Finding) -> dict[str, Any]:
        message = finding.message
        if finding.suggestion:
            message += f"\nFix: {finding.suggestion}"
        region: dict[str, Any] = {"startLine": max(1, finding.line), "startColumn": max(1, finding.column)}
        if finding.excerpt:
            region["snippet"] = {"text": finding.excerpt}
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": self._index(finding),
            "level": LEVELS[finding.severity],
            "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(finding.source),
                                                "region": region}}],
        }
        if finding.fingerprint:
            result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
        measured = {k: v for k, v in (("value", finding.value), ("limit", finding.limit)) if v is not None}
        if measured:
            result["properties"] = measured
        others = [s for s in getattr(finding, "sources", ()) if s != finding.source]
        if others:  # site findings involve several posts
            result["relatedLocations"] = [
                {"id": i, "physicalLocation": {"artifactLocation": artifact_location(s)}}
                for i, s in enumerate(others, start=1)
            ]
        return result

    def post(self, result: PostResult) -> None:
        self.results.extend(self._result(f) for f in result.findings)

    def site(self, findings: list[Finding]) -> None:
        """Site-wide findings (site runs only) are results like any other."""
        self.results.extend(self._result(f) for f in findings)

    def failure(self, failure: InputFailure) -> None:
        self.notifications.append({
            "level": "note" if failure.skipped else "error",
            "message": {"text": f"{'skipped' if failure.skipped else 'cannot audit'}: {failure.message}"},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(failure.source)}}],
        })

    def _rules(self) -> list[dict[str, Any]]:
        describe = self.rules or (lambda code: None)
        return [rule_descriptor(code, describe(code), self.rule_names[code]) for code in self.rule_index]

    def finish(self) -> None:
        run: dict[str, Any] = {
            "tool": {"driver": {"name": "clinic-audit", "version": __version__, "semanticVersion": __version__,
                                "rules": self._rules()}},
            "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
            "invocations": [{"executionSuccessful": not self.notifications,
                             "toolExecutionNotifications": self.notifications}],
            "results": self.results,
        }
        log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
        json.dump(log, self.stream, indent=1, ensure_ascii=False)
        self.stream.write("\n")
