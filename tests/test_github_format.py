"""The github format: one workflow command per finding, escaped the way the Actions runner reads them."""

from __future__ import annotations

import json
import re

from clinic_audit.reports.github import command, escape_data, escape_property

DRAFT = """# Sciatica

Sciatica pain runs down the leg. About 40% of adults get it at some point.

## Causes

Signs may include:

## Care

Rest helps.

- Ice
-
"""
LINE = re.compile(r"^::(error|warning|notice) file=([^,:]+),line=(\d+),col=(\d+),title=([A-Z]+\d+) ([a-z-]+)::(.*)$")


def test_every_finding_is_one_command_line_with_its_location_and_rule(cli, tmp_path):
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    findings = json.loads(cli("check", "--isolated", "--no-cache", "-f", "json", "draft.md").stdout)["posts"][0]["findings"]
    result = cli("check", "--isolated", "--no-cache", "-f", "github", "draft.md")
    lines = result.stdout.splitlines()
    assert lines[-1] == f"clinic-audit: {len(findings)} findings"
    commands = lines[:-1]
    assert len(commands) == len(findings)
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    for line, finding in zip(commands, findings):
        match = LINE.match(line)
        assert match, line
        level, path, number, col, code, name, message = match.groups()
        assert (level, path, int(number), int(col), code, name) == (
            levels[finding["severity"]], "draft.md", finding["line"], finding["column"], finding["rule"], finding["name"])
        assert "\n" not in message and message.startswith(escape_data(finding["message"]))
    assert "::warning file=draft.md,line=7,col=1,title=SC002 list-lead-in-without-list::" in result.stdout
    assert "statistic '40%25' has no source" in result.stdout  # % is escaped in messages


def test_suggestions_continue_on_an_escaped_new_line_and_can_be_left_out(cli, tmp_path):
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    with_fix = cli("check", "--isolated", "--no-cache", "--select", "SC002", "-f", "github", "draft.md").stdout
    assert with_fix.splitlines()[0].endswith("follows instead%0AFix: Add the list this sentence introduces, "
                                             "or rewrite the sentence.")
    without = cli("check", "--isolated", "--no-cache", "--select", "SC002", "--no-suggestions", "-f", "github",
                  "draft.md").stdout
    assert without.splitlines()[0].endswith("follows instead")


def test_message_escaping():
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_data("a:b,c") == "a:b,c"  # only properties escape separators


def test_property_escaping_keeps_commas_and_colons_out_of_the_separators():
    assert escape_property("posts/a,b:c%.md") == "posts/a%2Cb%3Ac%25.md"
    line = command("warning", "x: 5%", file="C:/a,b.md", line=3, col=1, title="RD001 reading-grade")
    assert line == "::warning file=C%3A/a%2Cb.md,line=3,col=1,title=RD001 reading-grade::x: 5%25"


def test_paths_are_relative_to_the_working_folder_and_failures_are_errors(cli, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "draft.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\xff\xfe\x00garbage")
    result = cli("check", "--isolated", "--no-cache", "--select", "SC002", "-f", "github",
                 str(tmp_path / "sub" / "draft.md"), str(tmp_path / "binary.md"))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::warning file=sub/draft.md,line=7,col=1,")
    assert lines[1] == ("::error file=binary.md,title=clinic-audit::cannot audit: looks like a binary file, "
                        "not HTML, Markdown or text")
    assert lines[2] == "clinic-audit: 1 finding, 1 input not audited"
    assert result.exit_code == 2
