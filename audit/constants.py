"""Names the command line, the configuration and the run share: exit codes, fail-on levels, profiles, paths."""

from __future__ import annotations

import tomllib
from enum import IntEnum
from functools import lru_cache
from importlib import resources
from typing import Any


class ExitCode(IntEnum):
    OK = 0  # nothing at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on (or, with --fail-on-regression, a regression)
    ERROR = 2  # bad usage, bad configuration, or an input that could not be audited


FAIL_ON = ("error", "warning", "info", "never")
DEFAULT_DB = ".clinic-audit/history.sqlite"
HTTP_CACHE = ".clinic-audit/http-cache.sqlite"  # pages fetched before, revalidated with ETag/Last-Modified
REPORT_MARKER = ".clinic-audit-report"  # in every --html folder: discovery never audits a report as posts


@lru_cache(maxsize=1)
def profiles() -> dict[str, dict[str, Any]]:
    """Named bundles of settings from ``data/profiles.toml`` (``patient`` is the default)."""
    text = resources.files("clinic_audit").joinpath("data/profiles.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
