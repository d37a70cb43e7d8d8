"""The one fixture harness for every rule family (a helper module; test modules import it, never each other).

A fixture is a post under ``tests/fixtures/<family>/`` with its expected findings marked inside it:

- ``<!-- checks: SC, CI001 -->`` names the code prefixes whose findings are compared;
- ``<!-- expect: CODE[, CODE…] -->`` at the end of a line marks a finding that must point at that line;
- ``<!-- config: rule-name.option = TOML value; other-rule.option = … -->`` sets rule options for this
  fixture only (per-fixture configuration), on top of ``FIXED``.

Markers are removed before parsing (line numbers are kept), so they never influence a rule.  ``x.clean.md``
is the clean twin of ``x.md``: the same post fixed, expecting nothing.  Every fixture runs with "today" fixed
at ``TODAY`` (dated fixtures never go stale) and a configured clinic name, address and phone.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from clinic_audit.config import Config
from clinic_audit.engine import audit_post
from clinic_audit.parse import parse
from clinic_audit.registry import load
from clinic_audit.result import PostResult
from clinic_audit.rule import Finding
from clinic_audit.sources import Document
from conftest import FIXTURES, isolated_config

FAMILY_DIRS = ("headings", "sections", "citations", "readability", "seo", "trust")  # one folder per family
FIXTURE_DIRS = FAMILY_DIRS + ("posts",)
FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "text"}
CLEAN = ".clean"  # "x.clean.md" is the clean twin of "x.md"
TODAY = "2026-06-01"
CLINIC = {"clinic-name": "Sunrise Pain Clinic", "clinic-address": "120 Harbor Street, Suite 4, Bayview",
          "clinic-phone": "(555) 010-2000"}
FIXED = {"stale-content": {"today": TODAY}, "missing-updated-date": {"today": TODAY}, "clinic-nap-mismatch": CLINIC}

# The marker and the blanks before it go; the rest of the line stays, so line numbers hold.
CHECKS = re.compile(r"[ \t]*<!--\s*checks:\s*([^>]*?)\s*-->")
EXPECT = re.compile(r"[ \t]*<!--\s*expect:\s*([^>]*?)\s*-->")
CONFIG = re.compile(r"[ \t]*<!--\s*config:\s*([^>]*?)\s*-->")


@dataclass(frozen=True)
class Fixture:
    """A fixture file with its markers read and removed."""

    path: Path
    text: str  # the source with every marker removed
    checks: tuple[str, ...]  # code prefixes whose findings are compared
    expected: frozenset[tuple[int, str]]  # (line, code)
    options: tuple[tuple[str, str, Any], ...] = ()  # (rule, option, value) from config markers

    @property
    def format(self) -> str:
        return FORMATS[self.path.suffix.lower()]

    @property
    def name(self) -> str:
        return str(self.path.relative_to(FIXTURES))

    def checked(self, code: str) -> bool:
        """True when findings of this code are compared in this fixture."""
        return any(code.startswith(prefix) for prefix in self.checks)


def _codes(spec: str) -> list[str]:
    return [c.strip().upper() for c in spec.split(",") if c.strip()]


def _options(spec: str) -> list[tuple[str, str, Any]]:
    """``rule.option = value; …`` with TOML values (strings quoted, numbers and lists as in the config)."""
    out = []
    for part in filter(str.strip, spec.split(";")):
        key, _, value = part.partition("=")
        rule, _, option = key.strip().partition(".")
        out.append((rule, option, tomllib.loads(f"v = {value.strip()}")["v"]))
    return out


def load_fixture(path: Path) -> Fixture:
    """Read a fixture: collect its markers, then strip them from the text."""
    checks: list[str] = []
    options: list[tuple[str, str, Any]] = []
    expected: set[tuple[int, str]] = set()
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        for match in CHECKS.finditer(line):
            checks += _codes(match.group(1))
        for match in EXPECT.finditer(line):
            expected.update((number, code) for code in _codes(match.group(1)))
        for match in CONFIG.finditer(line):
            options += _options(match.group(1))
        lines.append(CONFIG.sub("", EXPECT.sub("", CHECKS.sub("", line))))
    return Fixture(path, "\n".join(lines), tuple(checks), frozenset(expected), tuple(options))


@lru_cache(maxsize=None)
def fixture_config(options: tuple[tuple[str, str, Any], ...] = ()) -> Config:
    """The fixtures' configuration: FIXED, plus a fixture's own options."""
    rules: dict[str, dict[str, Any]] = {name: dict(values) for name, values in FIXED.items()}
    for rule, option, value in options:
        rules.setdefault(rule, {})[option] = value
    return isolated_config(rules=rules)


def audit_fixture(fixture: Fixture) -> PostResult:
    """Parse the stripped text as its extension says and run every rule with the fixture's settings."""
    post = parse(Document(fixture.name, fixture.text, fixture.format))
    return audit_post(post, fixture_config(fixture.options))


def fixture_paths(directories: tuple[str, ...] = FIXTURE_DIRS) -> list[Path]:
    """Every fixture file of the folders, in a stable order."""
    return sorted(p for d in directories for p in (FIXTURES / d).rglob("*") if p.suffix.lower() in FORMATS)


def marked_findings_mismatch(fixture: Fixture) -> str:
    """"" when the fixture's checked codes are reported exactly on the marked lines; else what differs."""
    findings = audit_fixture(fixture).findings
    found = {(f.line, f.rule) for f in findings if fixture.checked(f.rule)}
    if found == fixture.expected:
        return ""
    detail = "\n".join(f"  {f.line}: {f.rule} {f.message}" for f in findings if fixture.checked(f.rule))
    return (f"missing (line, code): {sorted(fixture.expected - found)}\n"
            f"unexpected (line, code): {sorted(found - fixture.expected)}\nfindings:\n{detail}")


def uncovered_rules(family: str) -> list[str]:
    """Codes of the family with no fixture expecting them or no clean fixture checking them."""
    fixtures = [load_fixture(p) for p in fixture_paths()]
    missing = []
    for r in (r for r in load() if r.family == family):
        failing = any(code == r.code for f in fixtures for _, code in f.expected)
        clean = any(CLEAN in f.path.name and f.checked(r.code) and not any(c == r.code for _, c in f.expected)
                    for f in fixtures)
        if not (failing and clean):
            missing.append(r.code)
    return missing


def missing_twins(family: str) -> list[str]:
    """Failing fixtures of the family without a clean twin (x.md -> x.clean.md), or twins that expect findings."""
    out = []
    for path in fixture_paths((family,)):
        if CLEAN in path.name:
            continue
        twin = path.with_name(path.stem + CLEAN + path.suffix)
        if not twin.exists() or load_fixture(twin).expected:
            out.append(path.name)
    return out


def find(post: Any, codes: list[str], rules: dict[str, dict[str, Any]] | None = None) -> list[Finding]:
    """Findings of the given codes on a post, with FIXED and optional rule options."""
    config = isolated_config(select=codes, rules={**FIXED, **(rules or {})})
    return [f for f in audit_post(post, config).findings if f.rule in codes]
