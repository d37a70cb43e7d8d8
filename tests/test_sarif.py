"""The SARIF report is valid SARIF 2.1.0 and carries rule docs, locations and fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from clinic_audit.registry import load

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))

DRAFT = """# Sciatica

Sciatica pain runs down the leg. About 40% of adults get it at some point.

## Causes

Signs may include:

## Care

Rest helps.

- Ice
-
"""
PAGE = "<html><head><title>Knee</title></head><body><h1>Knee pain</h1><h3>Causes</h3><p>Rest.</p></body></html>"


def _validate(log: dict) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "sciatica draft.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "posts" / "knee.html").write_text(PAGE, encoding="utf-8")
    return tmp_path / "posts"


def test_sarif_log_is_valid_against_the_published_schema(cli, posts):
    result = cli("check", "--isolated", "--no-cache", "-f", "sarif", "posts")
    log = json.loads(result.stdout)
    _validate(log)
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]


def test_every_result_points_at_its_rule_and_the_rule_is_documented_from_its_docstring(cli, posts):
    log = json.loads(cli("check", "--isolated", "--no-cache", "-f", "sarif", "posts").stdout)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    registry = load()
    for result in run["results"]:
        descriptor = rules[result["ruleIndex"]]
        assert descriptor["id"] == result["ruleId"]
    for descriptor in rules:
        rule = registry.get(descriptor["id"])
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.parts["Why"]
        assert rule.parts["Fix"] in descriptor["help"]["text"]
    assert len({d["id"] for d in rules}) == len(rules)


def test_results_carry_the_same_locations_and_fingerprints_as_the_json_report(cli, posts):
    findings = {
        (f["rule"], f["line"], f["column"], f["fingerprint"])
        for p in json.loads(cli("check", "--isolated", "--no-cache", "-f", "json", "posts").stdout)["posts"]
        for f in p["findings"]
    }
    run = json.loads(cli("check", "--isolated", "--no-cache", "-f", "sarif", "posts").stdout)["runs"][0]
    located = set()
    for result in run["results"]:
        physical = result["locations"][0]["physicalLocation"]
        region = physical["region"]
        located.add((result["ruleId"], region["startLine"], region["startColumn"],
                     result["partialFingerprints"]["clinicAudit/v1"]))
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert located == findings
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"posts/sciatica%20draft.md", "posts/knee.html"}  # relative to the root, URI-escaped
    sc002 = next(r for r in run["results"] if r["ruleId"] == "SC002")
    assert sc002["level"] == "warning" and sc002["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_inputs_that_cannot_be_audited_are_notifications_and_the_log_stays_valid(cli, tmp_path):
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\xff\xfe\x00garbage")
    result = cli("check", "--isolated", "--no-cache", "-f", "sarif", str(tmp_path / "binary.md"))
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    _validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "binary" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_a_clean_run_is_a_valid_empty_log(cli, tmp_path):
    (tmp_path / "a.md").write_text("# Title\n\nShort.\n", encoding="utf-8")
    log = json.loads(cli("check", "--isolated", "--no-cache", "--select", "HD", "-f", "sarif", "a.md").stdout)
    _validate(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_the_schema_check_rejects_a_malformed_log():
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                         "results": [{"message": {"text": "m"}, "level": "severe"}]}]}
    with pytest.raises(AssertionError, match="severe"):
        _validate(bad)
