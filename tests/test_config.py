"""Configuration: discovery, layering, validation messages, per-path overrides and profiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinic_audit.config import Config, ConfigError
from clinic_audit.registry import load

LONG = "# Back pain\n\n" + " ".join(["Rest and gentle walks help most people with a sore back every day."] * 4) + "\n"


def _config(tmp_path: Path, toml: str, name: str = "clinic-audit.toml", **cli) -> Config:
    (tmp_path / name).write_text(toml, encoding="utf-8")
    return Config.build(load(), tmp_path / "posts" / "a.md", cli)


def _option(config: Config, code: str, option: str, path: str | None = None):
    setting = next(s for s in config.rule_settings(path) if s.rule.code == code)
    return setting.options[option], setting.severity


def test_found_by_walking_up_from_the_audited_path(tmp_path):
    (tmp_path / "posts" / "deep").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text('[tool.clinic-audit]\nignore = ["RD009"]\n', encoding="utf-8")
    config = Config.build(load(), tmp_path / "posts" / "deep" / "a.md")
    assert config.file == tmp_path / "pyproject.toml"
    assert "RD009" not in {s.rule.code for s in config.rule_settings()}


def test_layers_defaults_profile_file_override_cli(tmp_path):
    toml = """
profile = "clinician"
[rules.reading-grade]
max-grade = 10.0
severity = "error"
[[overrides]]
paths = ["posts/kids/*.md"]
rules.reading-grade.max-grade = 6.0
"""
    config = _config(tmp_path, toml)
    assert _option(config, "RD001", "max-grade") == (10.0, _option(config, "RD001", "max-grade")[1])
    assert str(_option(config, "RD001", "max-grade")[1]) == "error"
    kids = str(tmp_path / "posts" / "kids" / "a.md")
    assert _option(config, "RD001", "max-grade", kids)[0] == 6.0
    assert "RD008" not in {s.rule.code for s in config.rule_settings()}  # the clinician profile drops jargon
    cli_wins = Config.build(load(), tmp_path / "posts" / "a.md", {"rules": {"RD001": {"max-grade": 7.0}}})
    assert _option(cli_wins, "RD001", "max-grade", kids)[0] == 7.0


def test_clinician_profile_raises_the_grade_target(tmp_path):
    config = Config.build(load(), tmp_path, {"profile": "clinician"}, isolated=True)
    assert _option(config, "RD001", "max-grade")[0] == 12.0


@pytest.mark.parametrize(
    "toml, message",
    [
        ("colour = 1\n", "unknown key 'colour'"),
        ("[rules.RD001]\nmax-grad = 9\n", "rules.RD001 (RD001 reading-grade): unknown option 'max-grad' (allowed: severity, max-grade"),
        ("[rules.RD001]\nmax-grade = 'high'\n", "option 'max-grade' expects float"),
        ("[rules.nope]\nseverity = 'error'\n", "unknown rule 'nope'"),
        ("[rules.RD001]\nseverity = 'fatal'\n", "unknown severity 'fatal'"),
        ("profile = 'nurse'\n", "unknown profile 'nurse'"),
        ("fail-on = 'sometimes'\n", "'fail-on' must be one of"),
        ("[[overrides]]\nignore = ['RD001']\n", "overrides[0] needs a 'paths' list"),
        ("[weights]\nvibes = 3\n", "weights: unknown family 'vibes'"),
        ("select = 'RD001'\n", "'select' must be a list"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_invalid_configuration_names_file_key_and_what_is_allowed(tmp_path, toml, message):
    with pytest.raises(ConfigError) as excinfo:
        _config(tmp_path, toml)
    assert str(tmp_path / "clinic-audit.toml") in str(excinfo.value)
    assert message in str(excinfo.value)


def test_configuration_error_is_one_line_and_exit_2(cli, tmp_path):
    (tmp_path / "clinic-audit.toml").write_text("colour = 1\n", encoding="utf-8")
    (tmp_path / "a.md").write_text(LONG, encoding="utf-8")
    result = cli("check", str(tmp_path / "a.md"))
    assert result.exit_code == 2
    assert result.output.strip().startswith("clinic-audit: configuration error:")
    assert "Traceback" not in result.output


def test_excludes_are_gitignore_style(cli, tmp_path):
    (tmp_path / "clinic-audit.toml").write_text('exclude = ["archive/", "*.draft.md"]\n', encoding="utf-8")
    for name in ("a.md", "archive/old.md", "b.draft.md", "notes.pdf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(LONG, encoding="utf-8")
    data = json.loads(cli("check", "-f", "json", str(tmp_path)).output)
    assert [Path(p["source"]).name for p in data["posts"]] == ["a.md"]


def test_config_show_prints_merged_settings(cli, tmp_path):
    (tmp_path / "clinic-audit.toml").write_text("[rules.RD001]\nmax-grade = 9.0\n", encoding="utf-8")
    result = cli("config", "--show", "--path", str(tmp_path / "a.md"))
    assert str(tmp_path / "clinic-audit.toml") in result.output
    shown = json.loads(result.output.split("\n", 1)[1])
    assert shown["rules"]["RD001"]["max-grade"] == 9.0
    assert shown["profile"] == "patient"


@pytest.mark.parametrize("table, message", [
    ('[rules.missing-crisis-resources]\nlocale = "FR"\n', "allowed: auto, US"),
    ('[rules.reading-grade]\nformulas = ["astrology"]\n', "'astrology' is not allowed"),
    ('[rules.reading-grade]\nmax-grade = nan\n', "finite number"),
])
def test_an_option_outside_its_declared_values_is_a_configuration_error(cli, tmp_path, table, message) -> None:
    (tmp_path / "clinic-audit.toml").write_text(table, encoding="utf-8")
    (tmp_path / "post.md").write_text("# Knee\n\nKnee pain is common and usually settles.\n", encoding="utf-8")
    result = cli("check", str(tmp_path / "post.md"))
    assert result.exit_code == 2 and message in result.output and "crashed" not in result.output


BUILT_IN_CASES = [".git/", ".git/config", ".git", "docs/.git/", "docs/.git/HEAD", ".clinic-audit/", ".clinic-audit/ab/x.z",
                  "a/.clinic-audit/b.md", "posts/.gitignore", "posts/git/a.md", ".github/a.md", "a.git/b.md", "x.md",
                  "/tmp/elsewhere/.git/y.md", "/tmp/elsewhere/y.md", "notes/.git", ".clinic-audit", "a/b/c/"]


@pytest.mark.parametrize("path", BUILT_IN_CASES)
def test_built_in_excludes_answer_as_the_gitignore_matcher_does(path):
    """With no exclude patterns a folder run skips the result cache and .git without importing pathspec; the
    answer must be the gitignore matcher's for every shape of path."""
    import pathspec

    from clinic_audit.sources.files import BUILT_IN_EXCLUDES, BuiltInExcludes

    assert BuiltInExcludes().match_file(path) == pathspec.GitIgnoreSpec.from_lines(BUILT_IN_EXCLUDES).match_file(path)


def test_a_folder_run_without_exclude_patterns_does_not_import_pathspec(tmp_path):
    import subprocess
    import sys

    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "stray.md").write_text(LONG, encoding="utf-8")
    (tmp_path / "a.md").write_text(LONG, encoding="utf-8")
    script = ("import atexit, sys; from clinic_audit.cli import main\n"
              "atexit.register(lambda: print('pathspec' in sys.modules, file=sys.stderr)); main()")
    done = subprocess.run([sys.executable, "-c", script, "check", str(tmp_path), "--isolated", "--no-cache", "-f", "json"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert [Path(p["source"]).name for p in json.loads(done.stdout)["posts"]] == ["a.md"]
    assert done.stderr.strip().splitlines()[-1] == "False"


def test_a_file_named_twice_or_inside_a_named_folder_is_audited_once(cli, tmp_path):
    (tmp_path / "a.md").write_text(LONG, encoding="utf-8")
    (tmp_path / "b.md").write_text(LONG, encoding="utf-8")
    for args in ((str(tmp_path), str(tmp_path / "a.md")), (str(tmp_path / "a.md"), str(tmp_path / "a.md")),
                 (str(tmp_path),)):
        data = json.loads(cli("check", "--isolated", "--no-cache", "-f", "json", *args).stdout)
        assert sorted(Path(p["source"]).name for p in data["posts"]) == (["a.md", "b.md"] if str(tmp_path) in
                                                                          args else ["a.md"])
