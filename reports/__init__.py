"""Output formats.  A reporter receives results one post at a time and writes to a stream.

Formats are looked up by name; each lives in its own module and is imported
only when chosen, so the plain check path never imports a template engine.
"""

from __future__ import annotations

import importlib
from typing import IO, Protocol

from clinic_audit.result import InputFailure, PostResult

# name -> "module:Class"; a format added later registers itself here.
FORMATS: dict[str, str] = {
    "text": "clinic_audit.reports.text:TextReporter",
    "json": "clinic_audit.reports.json:JsonReporter",
    "markdown": "clinic_audit.reports.markdown:MarkdownReporter",
    "sarif": "clinic_audit.reports.sarif:SarifReporter",
    "github": "clinic_audit.reports.github:GithubReporter",
    "junit": "clinic_audit.reports.junit:JunitReporter",
    "csv": "clinic_audit.reports.csv:CsvReporter",
}


class Reporter(Protocol):
    def post(self, result: PostResult) -> None: ...

    def failure(self, failure: InputFailure) -> None: ...

    def finish(self) -> None: ...


def reporter(name: str, stream: IO[str], **options: object) -> Reporter:
    """Instantiate the reporter registered under ``name``."""
    module_name, _, class_name = FORMATS[name].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(stream, **options)
