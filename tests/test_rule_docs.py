"""Completeness: every rule is declared fully, documents itself, and its examples behave as documented."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from clinic_audit.config import Config
from clinic_audit.engine import run_rules
from clinic_audit.config import RuleSetting
from clinic_audit.internal import ENGINE_MADE
from clinic_audit.registry import load
from clinic_audit.rule import REQUIRED_DOC_PARTS, Options, Rule

from conftest import make_post

RULES = [r for r in load() if getattr(r, "kind", "post") == "post"]
README = Path(__file__).resolve().parent.parent / "README.md"


def test_codes_and_names_are_unique():
    codes = [r.code for r in load()]
    names = [r.name for r in load()]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))


@pytest.mark.parametrize("r", list(load()), ids=lambda r: r.code)
def test_rule_is_declared_fully(r: Rule):
    assert re.fullmatch(r"[A-Z]{2}\d{3}", r.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name)
    assert r.code[:2] in {"RD", "HD", "SC", "CI", "SE", "TR", "AU", "SI"}
    parts = r.parts
    assert parts["summary"], "the first docstring line is the summary"
    for part in REQUIRED_DOC_PARTS:
        assert parts.get(part), f"{r.code} docstring has no '{part}:' part"
    for option in r.options:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", option.name)
        assert option.help
        option.validate(option.default)


def _example(r: Rule, part: str) -> str:
    return textwrap.dedent(r.parts[part]).strip() + "\n"


def _example_options(r: Rule) -> Options:
    values = r.defaults()
    raw = r.parts.get("Example options", "")
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        key, _, value = pair.partition("=")
        option = r.option(key.strip())
        assert option is not None, f"{r.code}: example option {key!r} is not an option"
        values[option.name] = option.type(value.strip()) if option.type is not list else value.split()
    return Options(values)


def _codes(r: Rule, text: str) -> list[str]:
    post = make_post(text)
    findings = run_rules(post, [RuleSetting(r, r.severity, _example_options(r))])
    return [f.rule for f in findings]


@pytest.mark.parametrize("r", [r for r in RULES if r.code not in ENGINE_MADE and r.family != "site"], ids=lambda r: r.code)
def test_bad_example_triggers_the_rule(r: Rule):
    assert r.code in _codes(r, _example(r, "Bad")), f"{r.code}: its Bad example does not trigger it"


@pytest.mark.parametrize("r", [r for r in RULES if r.code not in ENGINE_MADE and r.family != "site"], ids=lambda r: r.code)
def test_good_example_passes_the_rule(r: Rule):
    assert _codes(r, _example(r, "Good")) == [], f"{r.code}: its Good example triggers it"


def test_readme_rule_table_matches_the_rules_command(cli):
    result = cli("rules", "--format", "markdown")
    assert result.exit_code == 0
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- rules-table:start -->", "<!-- rules-table:end -->"
    assert start in text and end in text, "README must hold the generated rule table"
    table = text.split(start, 1)[1].split(end, 1)[0].strip()
    assert table == result.output.strip(), "README rule table is stale: run `clinic-audit rules --format markdown`"


def test_explain_prints_the_docstring(cli):
    for r in load():
        result = cli("explain", r.code)
        assert result.exit_code == 0
        assert r.summary in result.output
        by_name = cli("explain", r.name)
        assert by_name.output == result.output


def test_explain_unknown_rule_is_a_usage_error(cli):
    result = cli("explain", "ZZ999")
    assert result.exit_code == 2
    assert "no rule" in result.output
