"""The JUnit report: well-formed XML, a suite per post, a failing case per finding, a passing case when clean."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

DRAFT = """# Sciatica & <back> pain

Sciatica pain runs down the leg. About 40% of "adults" get it at some point.

## Causes

Signs may include:

## Care

Rest helps.
"""


def _junit(cli, *args):
    result = cli("check", "--isolated", "--no-cache", "-f", "junit", *args)
    return result, ET.fromstring(result.stdout.encode("utf-8"))


def test_one_suite_per_post_and_one_failing_case_per_finding(cli, tmp_path):
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "clean.md").write_text("# Knee\n\n## Care\n\nRest helps.\n", encoding="utf-8")
    findings = json.loads(cli("check", "--isolated", "--no-cache", "--select", "SC,CI", "-f", "json",
                              "draft.md").stdout)["posts"][0]["findings"]
    _, root = _junit(cli, "--select", "SC,CI", "clean.md", "draft.md")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"clean.md", "draft.md"}
    clean_cases = suites["clean.md"].findall("testcase")
    assert len(clean_cases) == 1 and not clean_cases[0].findall("failure")
    cases = suites["draft.md"].findall("testcase")
    assert [(c.get("name"), c.get("line")) for c in cases] == [
        (f"{f['rule']} {f['name']} (line {f['line']})", str(f["line"])) for f in findings]
    for case, finding in zip(cases, findings):
        failure = case.find("failure")
        assert failure.get("message") == finding["message"]
        assert failure.text.startswith(f"draft.md:{finding['line']}:{finding['column']} {finding['rule']}")
    assert root.get("tests") == str(len(findings) + 1) and root.get("failures") == str(len(findings))
    assert suites["draft.md"].get("failures") == str(len(findings)) and suites["clean.md"].get("failures") == "0"


def test_markup_quotes_and_control_characters_are_escaped(cli, tmp_path):
    (tmp_path / "draft.md").write_text(DRAFT.replace("Signs may include:", "Signs \x07may `<include>` & \"more\":"),
                                       encoding="utf-8")
    result, root = _junit(cli, "draft.md")
    assert "\x07" not in result.stdout
    texts = [f.text for f in root.iter("failure")]
    assert any("may <include> & \"more\":" in t for t in texts)  # parsed back exactly
    assert any("<include>" in f.get("message") for f in root.iter("failure"))


def test_an_input_that_cannot_be_audited_is_an_error_case(cli, tmp_path):
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\xff\xfe\x00garbage")
    result, root = _junit(cli, "binary.md")
    assert result.exit_code == 2
    error = root.find("testsuite/testcase/error")
    assert error is not None and "binary" in error.get("message")
    assert root.get("errors") == "1"
