"""``clinic-audit init`` and the configuration's JSON Schema: the starter file is valid, never replaces a file,
and the schema accepts and refuses what the configuration validator accepts and refuses."""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from clinic_audit.config import ConfigError, json_schema, validate
from clinic_audit.registry import load

jsonschema = pytest.importorskip("jsonschema")
REGISTRY = load()


def shipped() -> dict:
    return json.loads(resources.files("clinic_audit").joinpath("data/config.schema.json").read_text(encoding="utf-8"))


def test_the_shipped_schema_is_the_one_built_from_the_rules() -> None:
    # Rebuild it with: python -c "import json; from clinic_audit.config import json_schema; from clinic_audit.registry
    # import load; print(json.dumps(json_schema(load()), indent=2, ensure_ascii=False))" > audit/data/config.schema.json
    assert shipped() == json_schema(REGISTRY)
    jsonschema.Draft202012Validator.check_schema(shipped())


def test_init_writes_a_commented_starter_that_the_validator_and_the_schema_accept(cli, tmp_path: Path) -> None:
    result = cli("init", "--schema")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "clinic-audit.toml").read_text(encoding="utf-8")
    assert text.startswith("#:schema ./clinic-audit.schema.json")
    assert sum(line.startswith("#") for line in text.splitlines()) > 15  # explained line by line
    for key in ("profile", "language", "include", "exclude", "site-hosts", "clinic-name", "[[overrides]]"):
        assert key in text
    data = tomllib.loads(text)
    validate(data, REGISTRY, "clinic-audit.toml")
    schema = json.loads((tmp_path / "clinic-audit.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    checked = cli("config", "--show")
    assert "clinic-audit.toml" in checked.output


def test_init_never_replaces_an_existing_file(cli, tmp_path: Path) -> None:
    (tmp_path / "clinic-audit.toml").write_text("profile = 'clinician'\n", encoding="utf-8")
    result = cli("init")
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert (tmp_path / "clinic-audit.toml").read_text(encoding="utf-8") == "profile = 'clinician'\n"


GOOD = [
    {"profile": "clinician", "select": ["ALL"], "ignore": ["small-sample", "RD01", "citations"]},
    {"fail-on": "warning", "language": "es", "max-file-size": 100000, "keyphrase": "knee pain"},
    {"weights": {"citations": 30, "seo": 0}, "penalties": {"error": 25}},
    {"rules": {"reading-grade": {"max-grade": 7.0, "severity": "error"}, "SE018": {"site-hosts": ["a.example"]}}},
    {"rules": {"missing-crisis-resources": {"locale": "GB"}}},
    {"overrides": [{"paths": ["clinicians/**"], "profile": "clinician"}]},
    {"profile": "draft"},
]
BAD = [
    {"profle": "patient"},
    {"profile": "nurse"},
    {"fail-on": "sometimes"},
    {"select": "ALL"},
    {"weights": {"citatons": 30}},
    {"weights": {"citations": -1}},
    {"penalties": {"fatal": 3}},
    {"rules": {"reading-grde": {"max-grade": 7.0}}},
    {"rules": {"reading-grade": {"max-grades": 7.0}}},
    {"rules": {"reading-grade": {"max-grade": "seven"}}},
    {"rules": {"reading-grade": {"severity": "fatal"}}},
    {"rules": {"missing-crisis-resources": {"locale": "FR"}}},
    {"overrides": [{"profile": "clinician"}]},
    {"max-file-size": "big"},
]


@pytest.mark.parametrize("data", GOOD, ids=lambda d: json.dumps(d)[:60])
def test_the_schema_accepts_what_the_validator_accepts(data: dict) -> None:
    validate(data, REGISTRY, "test")
    jsonschema.validate(data, shipped())


@pytest.mark.parametrize("data", BAD, ids=lambda d: json.dumps(d)[:60])
def test_the_schema_refuses_what_the_validator_refuses(data: dict) -> None:
    with pytest.raises(ConfigError):
        validate(data, REGISTRY, "test")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, shipped())
