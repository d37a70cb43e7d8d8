"""The GitHub Actions report: one workflow command per finding, so findings appear on the pull request's lines.

    ::error file=posts/knee.md,line=12,col=1,title=CI001 uncited-statistic::A statistic without a source

Severities map to ``error``, ``warning`` and ``notice``.  Values are escaped
as the Actions runner expects: ``%``, CR and LF everywhere, and also ``:``
and ``,`` inside the ``key=value`` properties.
"""

from __future__ import annotations

from typing import IO, Any

from clinic_audit.result import InputFailure, PostResult, Sink
from clinic_audit.rule import Finding, Severity

from clinic_audit.controls import printable
from .paths import report_path

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (the part after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``…), where ``:`` and ``,`` are separators."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """One workflow command line: ``::name k=v,k=v::message``.

    Control characters other than line breaks (which the runner decodes from %0A) are made printable first:
    the job log renders ANSI sequences, so an ESC from a post would reach whoever reads it.
    """
    props = ",".join(f"{key}={escape_property(_inert(str(value)))}" for key, value in properties.items()
                     if value is not None)
    data = escape_data(_inert(message))
    return f"::{name} {props}::{data}" if props else f"::{name}::{data}"


def _inert(text: str) -> str:
    return "\n".join(printable(line) for line in text.replace("\r\n", "\n").split("\n"))


class GithubReporter(Sink):
    """Writes workflow commands as findings arrive, and a plain summary line at the end."""

    def __init__(self, stream: IO[str], suggestions: bool = True, **_options: Any):
        self.stream = stream
        self.suggestions = suggestions
        self.findings = 0
        self.failures = 0

    def _write(self, finding: Finding) -> None:
        message = finding.message
        if self.suggestions and finding.suggestion:
            message += f"\nFix: {finding.suggestion}"
        self.stream.write(command(COMMANDS[finding.severity], message, file=report_path(finding.source),
                                  line=finding.line, col=finding.column,
                                  title=f"{finding.rule} {finding.name}".strip()) + "\n")
        self.findings += 1

    def post(self, result: PostResult) -> None:
        for finding in result.findings:
            self._write(finding)

    def site(self, findings: list[Finding]) -> None:
        """Site-wide findings are annotated on the first post they involve."""
        for finding in findings:
            self._write(finding)

    def failure(self, failure: InputFailure) -> None:
        if failure.skipped:
            self.stream.write(command("notice", f"skipped: {failure.message}", file=report_path(failure.source),
                                      title="clinic-audit") + "\n")
            return
        self.failures += 1
        self.stream.write(command("error", f"cannot audit: {failure.message}", file=report_path(failure.source),
                                  title="clinic-audit") + "\n")

    def finish(self) -> None:
        # A plain line (not a command) so the job log says what happened even with no findings (numbers only).
        self.stream.write(f"clinic-audit: {self.findings} finding{'s' if self.findings != 1 else ''}"
                          + (f", {self.failures} input{'s' if self.failures != 1 else ''} not audited"
                             if self.failures else "") + "\n")
