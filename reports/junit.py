"""The JUnit XML report, for CI test views (GitLab merge requests, Jenkins, Azure Pipelines).

One ``<testsuite>`` per post; one failing ``<testcase>`` per finding, or a
single passing test case when the post has no findings.  A post that could
not be audited is a test case with an ``<error>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO, Any

from clinic_audit.result import InputFailure, PostResult, Sink
from clinic_audit.rule import Finding

from .paths import report_path

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
PASSING_CASE = "clinic-audit"


def xml_text(value: object) -> str:
    """Text safe for an XML attribute or element (ElementTree escapes the rest)."""
    return _NOT_XML.sub("\ufffd", str(value))


def _suite(name: str) -> ET.Element:
    return ET.Element("testsuite", name=xml_text(name))


class JunitReporter(Sink):
    """Collects test suites and writes one XML document at the end."""

    def __init__(self, stream: IO[str], suggestions: bool = True, **_options: Any):
        self.stream = stream
        self.suggestions = suggestions
        self.root = ET.Element("testsuites", name="clinic-audit")
        self.site_suite: ET.Element | None = None

    def _case(self, suite: ET.Element, finding: Finding) -> None:
        path = report_path(finding.source)
        case = ET.SubElement(suite, "testcase", classname=xml_text(path),
                             name=xml_text(f"{finding.rule} {finding.name} (line {finding.line})"),
                             file=xml_text(path), line=str(finding.line))
        detail = f"{path}:{finding.line}:{finding.column} {finding.rule} {finding.severity} {finding.message}"
        if finding.excerpt:
            detail += f"\n    {finding.excerpt}"
        if self.suggestions and finding.suggestion:
            detail += f"\n    fix: {finding.suggestion}"
        failure = ET.SubElement(case, "failure", message=xml_text(finding.message),
                                type=xml_text(f"{finding.rule} {finding.severity}"))
        failure.text = xml_text(detail)

    def post(self, result: PostResult) -> None:
        path = report_path(result.source)
        suite = _suite(path)
        suite.set("score", str(result.score))
        for finding in result.findings:
            self._case(suite, finding)
        if not result.findings:
            ET.SubElement(suite, "testcase", classname=xml_text(path), name=PASSING_CASE, file=xml_text(path))
        self.root.append(suite)

    def site(self, findings: list[Finding]) -> None:
        """Site-wide findings go in their own suite."""
        if findings:
            suite = _suite("site-wide findings")
            for finding in findings:
                self._case(suite, finding)
            self.root.append(suite)

    def failure(self, failure: InputFailure) -> None:
        path = report_path(failure.source)
        suite = _suite(path)
        case = ET.SubElement(suite, "testcase", classname=xml_text(path), name=PASSING_CASE, file=xml_text(path))
        if failure.skipped:
            ET.SubElement(case, "skipped", message=xml_text(f"not a post: {failure.message}"))
            self.root.append(suite)
            return
        error = ET.SubElement(case, "error", message=xml_text(f"cannot audit: {failure.message}"), type="input")
        error.text = xml_text(f"{path}: cannot audit: {failure.message}")
        self.root.append(suite)

    def finish(self) -> None:
        totals = {"tests": 0, "failures": 0, "errors": 0}
        for suite in self.root:
            counts = {"tests": len(suite), "failures": len(suite.findall("testcase/failure")),
                      "errors": len(suite.findall("testcase/error"))}
            for key, value in counts.items():
                suite.set(key, str(value))
                totals[key] += value
        for key, value in totals.items():
            self.root.set(key, str(value))
        ET.indent(self.root)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(self.root, encoding="unicode") + "\n")
