"""Terminal output people can act on: blocking errors first, the offending text, did-you-mean hints for mistyped
rule codes wherever they are written, and counts in good grammar."""

from __future__ import annotations

import json
from pathlib import Path

POST = """# Knee pain

Knee pain affects many people and it can make walking hard for weeks.

Signs may include:

## Care

- Ice the knee for ten minutes.
-
"""


def test_errors_come_first_under_a_blocking_heading(cli, tmp_path: Path) -> None:
    (tmp_path / "knee.md").write_text(POST, encoding="utf-8")
    out = cli("check", "--isolated", "knee.md").output.splitlines()
    assert out[1] == "  blocking: 1 error"
    assert "SC003 error" in out[2]
    other = next(i for i, line in enumerate(out) if line.startswith("  other findings:"))
    assert other > 2 and all(" error " not in line for line in out[other:] if line.startswith("knee.md:"))
    assert any("SC002 warning" in line for line in out[other:])


def test_no_blocking_heading_without_errors(cli, tmp_path: Path) -> None:
    (tmp_path / "knee.md").write_text(POST.replace("-\n", "- Rest.\n"), encoding="utf-8")
    out = cli("check", "--isolated", "knee.md").output
    assert "blocking" not in out and "other findings" not in out


def test_a_finding_whose_message_does_not_quote_it_shows_the_offending_text(cli, tmp_path: Path) -> None:
    long = "This sentence goes on " + "and on " * 20 + "until nobody can follow it at all."
    (tmp_path / "long.md").write_text(f"# Long\n\n{long}\n", encoding="utf-8")
    out = cli("check", "--isolated", "--select", "long-sentence", "long.md").output.splitlines()
    at = next(i for i, line in enumerate(out) if "RD003" in line)
    assert out[at + 1].startswith("    > This sentence goes on and on")


def test_counts_are_grammatical(cli, tmp_path: Path) -> None:
    (tmp_path / "knee.md").write_text(POST, encoding="utf-8")
    out = cli("check", "--isolated", "--select", "SC003", "knee.md").output
    assert "1 post audited, 1 finding (1 error, 0 warnings, 0 info)" in out


def test_a_mistyped_code_on_the_command_line_gets_a_suggestion(cli, tmp_path: Path) -> None:
    (tmp_path / "knee.md").write_text(POST, encoding="utf-8")
    select = cli("check", "--isolated", "--select", "SC02", "knee.md")
    assert select.exit_code == 2 and "did you mean SC002?" in select.output
    ignore = cli("check", "--isolated", "--ignore", "empty-sectoin", "knee.md")
    assert ignore.exit_code == 2 and "did you mean empty-section?" in ignore.output


def test_a_mistyped_rule_or_key_in_the_config_file_gets_a_suggestion(cli, tmp_path: Path) -> None:
    (tmp_path / "knee.md").write_text(POST, encoding="utf-8")
    (tmp_path / "clinic-audit.toml").write_text('[rules.reading-grde]\nmax-grade = 7.0\n', encoding="utf-8")
    assert "did you mean reading-grade?" in cli("check", "knee.md").output
    (tmp_path / "clinic-audit.toml").write_text('profle = "patient"\n', encoding="utf-8")
    assert "did you mean profile?" in cli("check", "knee.md").output
    (tmp_path / "clinic-audit.toml").write_text('[rules.reading-grade]\nmax-grades = 7.0\n', encoding="utf-8")
    assert "did you mean max-grade?" in cli("check", "knee.md").output


def test_an_unknown_code_in_a_suppression_comment_is_a_warning_with_a_suggestion(cli, tmp_path: Path) -> None:
    (tmp_path / "knee.md").write_text(POST.replace("Signs may", "<!-- clinic-audit: disable SC02 -->\nSigns may"),
                                      encoding="utf-8")
    result = cli("check", "--isolated", "-f", "json", "knee.md")
    findings = json.loads(result.output)["posts"][0]["findings"]
    au = [f for f in findings if f["rule"] == "AU002"]
    assert len(au) == 1
    assert au[0]["severity"] == "warning" and "did you mean SC002?" in au[0]["message"]
    assert "silences nothing" not in au[0]["message"]
    assert any(f["rule"] == "SC002" for f in findings)  # the mistyped comment silenced nothing


def test_rules_refuses_an_unknown_family_and_accepts_f(cli) -> None:
    wrong = cli("rules", "--family", "citatons")
    assert wrong.exit_code == 2 and "did you mean citations?" in wrong.output
    listed = json.loads(cli("rules", "-f", "json", "--family", "sections").output)
    assert listed and {r["family"] for r in listed} == {"sections"}


def test_explain_suggests_the_closest_rule(cli) -> None:
    result = cli("explain", "empty-sectoin")
    assert result.exit_code == 2 and "did you mean empty-section?" in result.output


def test_quiet_output_is_findings_only_errors_first(cli, tmp_path: Path) -> None:
    (tmp_path / "knee.md").write_text(POST, encoding="utf-8")
    lines = [line for line in cli("check", "--isolated", "--quiet", "--no-suggestions", "knee.md").output.splitlines()
             if not line.startswith("    > ")]
    assert lines[1].startswith("knee.md:") and " SC003 error " in lines[1]
    assert not [line for line in lines if "blocking" in line or "other findings" in line]
