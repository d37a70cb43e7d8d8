"""Rule fixtures: posts with the findings they must produce marked inside them.

Every file under ``tests/fixtures/{headings,sections,citations,readability,posts}``
names the codes it is about in a ``<!-- checks: SC, CI001 -->`` comment and marks
each expected finding with ``<!-- expect: CODE[, CODE…] -->`` at the end of the
line the finding must point at.  The markers are stripped before parsing (line
numbers are kept), so they never influence the rules.  See tests/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from clinic_audit.engine import audit_post
from clinic_audit.parse import parse
from clinic_audit.registry import load
from clinic_audit.result import PostResult
from clinic_audit.sources import Document
from conftest import FIXTURES, isolated_config

RULE_DIRS = ("headings", "sections", "citations", "readability")  # one folder per rule family, named after it
FIXTURE_DIRS = RULE_DIRS + ("posts",)
FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "text"}
CLEAN = ".clean"  # "x.clean.md" is the clean twin of "x.md"

# The marker and the blanks before it go; the rest of the line stays, so line numbers hold.
CHECKS = re.compile(r"[ \t]*<!--\s*checks:\s*([^>]*?)\s*-->")
EXPECT = re.compile(r"[ \t]*<!--\s*expect:\s*([^>]*?)\s*-->")


@dataclass(frozen=True)
class Fixture:
    """A fixture file with its markers read and removed."""

    path: Path
    text: str  # the source with every marker and the checks comment removed
    checks: tuple[str, ...]  # code prefixes whose findings are compared
    expected: frozenset[tuple[int, str]]  # (line, code)

    @property
    def format(self) -> str:
        return FORMATS[self.path.suffix.lower()]

    def checked(self, code: str) -> bool:
        """True when findings of this code are compared in this fixture."""
        return any(code.startswith(prefix) for prefix in self.checks)


def _codes(spec: str) -> list[str]:
    return [c.strip().upper() for c in spec.split(",") if c.strip()]


def load_fixture(path: Path) -> Fixture:
    """Read a fixture: collect its markers, then strip them from the text."""
    checks: list[str] = []
    expected: set[tuple[int, str]] = set()
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        for match in CHECKS.finditer(line):
            checks += _codes(match.group(1))
        for match in EXPECT.finditer(line):
            expected.update((number, code) for code in _codes(match.group(1)))
        lines.append(EXPECT.sub("", CHECKS.sub("", line)))
    return Fixture(path, "\n".join(lines), tuple(checks), frozenset(expected))


def audit_fixture(fixture: Fixture) -> PostResult:
    """Parse the stripped text as its extension says and run every rule with default settings."""
    source = str(fixture.path.relative_to(FIXTURES))
    post = parse(Document(source, fixture.text, fixture.format))
    return audit_post(post, _config())


@lru_cache(maxsize=1)
def _config():
    return isolated_config()


def fixture_paths() -> list[Path]:
    """Every fixture file, in a stable order."""
    return sorted(p for d in FIXTURE_DIRS for p in (FIXTURES / d).rglob("*") if p.suffix.lower() in FORMATS)


def _id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


@pytest.mark.parametrize("path", fixture_paths(), ids=_id)
def test_fixture_reports_exactly_the_marked_findings(path: Path) -> None:
    fixture = load_fixture(path)
    assert fixture.checks, f"{_id(path)} has no <!-- checks: ... --> comment"
    result = audit_fixture(fixture)
    found = {(f.line, f.rule) for f in result.findings if fixture.checked(f.rule)}
    missing = sorted(fixture.expected - found)
    unexpected = sorted(found - fixture.expected)
    detail = "\n".join(f"  {f.line}: {f.rule} {f.message}" for f in result.findings if fixture.checked(f.rule))
    assert not missing and not unexpected, (
        f"missing (line, code): {missing}\nunexpected (line, code): {unexpected}\nfindings:\n{detail}"
    )


@pytest.mark.parametrize("path", fixture_paths(), ids=_id)
def test_fixture_markers_only_name_checked_codes(path: Path) -> None:
    fixture = load_fixture(path)
    stray = sorted(code for _, code in fixture.expected if not fixture.checked(code))
    assert not stray, f"expected codes outside the checks comment: {stray}"


def test_markers_are_removed_before_parsing(tmp_path: Path) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text("<!-- checks: SC003 -->\nTitle\n\nText here.\n\n• <!-- expect: SC003 -->\n", encoding="utf-8")
    fixture = load_fixture(sample)
    assert fixture.text == "\nTitle\n\nText here.\n\n•\n"
    assert fixture.expected == {(6, "SC003")}
    assert fixture.checks == ("SC003",)


def _family_codes(family: str) -> list[str]:
    return sorted(r.code for r in load().rules if r.family == family)


@pytest.mark.parametrize("family", RULE_DIRS)
def test_every_rule_has_a_failing_and_a_clean_fixture(family: str) -> None:
    fixtures = [load_fixture(p) for p in fixture_paths()]
    for code in _family_codes(family):
        failing = [f for f in fixtures if any(c == code for _, c in f.expected)]
        clean = [f for f in fixtures if CLEAN in f.path.name and f.checked(code)
                 and not any(c == code for _, c in f.expected)]
        assert failing, f"no fixture expects {code}"
        assert clean, f"no clean fixture checks {code}"


@pytest.mark.parametrize("directory", RULE_DIRS)
def test_every_failing_fixture_has_a_clean_twin(directory: str) -> None:
    for path in sorted((FIXTURES / directory).glob("*")):
        if path.suffix.lower() not in FORMATS or CLEAN in path.name:
            continue
        twin = path.with_name(path.stem + CLEAN + path.suffix)
        assert twin.exists(), f"{_id(path)} has no clean twin {twin.name}"
        assert not load_fixture(twin).expected, f"{twin.name} is a clean twin but expects findings"
