"""Configuration: find it, validate it, and merge its layers in one visible function.

Layers, lowest first: rule defaults -> profile -> project file -> per-path
overrides -> command line.  The project file is ``clinic-audit.toml`` or the
``[tool.clinic-audit]`` table of ``pyproject.toml``, found by walking up from
the audited path.
"""

from __future__ import annotations

import fnmatch
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping, TypeVar

from .constants import FAIL_ON, profiles
from .language import code_of, supported
from .registry import Registry
from .rule import Options, Rule, Severity
from .select import did_you_mean, is_selected, selector_words

T = TypeVar("T")
FAIL_ON_CHOICES = FAIL_ON

DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.html", "*.htm", "*.txt", "*.docx")
# Readability and trust weigh most: on real posts rated by an editor they track the rating; heading and section
# structure barely does (benchmarks/accuracy, README "Scores").
DEFAULT_WEIGHTS = {"readability": 35, "headings": 10, "sections": 10, "citations": 20, "seo": 10, "trust": 20}
DEFAULT_PENALTIES = {"error": 20, "warning": 8, "info": 2}

# Every key a layer may set, with its type; anything else is an error.
KEYS: dict[str, type | tuple[type, ...]] = {
    "profile": str,
    "select": list,
    "ignore": list,
    "extend-select": list,
    "fail-on": str,
    "include": list,
    "exclude": list,
    "html-selector": str,
    "language": str,
    "keyphrase": str,
    "scheduler": str,
    "synonyms": (str, list),  # keyphrase synonyms for every post: a page fact, like `keyphrase`
    "weights": dict,
    "penalties": dict,
    "rules": dict,
    "overrides": list,
    "max-file-size": int,
    "max-score-with-errors": int,
}
_TYPE_NAMES = {str: "string", list: "list", dict: "table", int: "whole number"}
# Keys whose list holds strings (rule selectors, glob patterns).
STRING_LISTS = ("select", "ignore", "extend-select", "include", "exclude")
# Whole numbers with their allowed range (None: no upper bound).
BOUNDS: dict[str, tuple[int, int | None]] = {"max-file-size": (1, None), "max-score-with-errors": (0, 100)}


class ConfigError(Exception):
    """A configuration mistake, worded for the user (file, key, what is allowed)."""


def find_config(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """The nearest clinic-audit.toml or pyproject.toml with [tool.clinic-audit], walking up."""
    here = start.resolve()
    if here.is_file() or not here.exists():
        here = here.parent
    for directory in (here, *here.parents):
        dedicated = directory / "clinic-audit.toml"
        if dedicated.is_file():
            return dedicated, _read_toml(dedicated)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            table = _tool_table(_read_toml(pyproject), pyproject)
            if table is not None:
                return pyproject, table
    return None, {}


def load_file(path: Path) -> dict[str, Any]:
    """Read an explicitly named config file (either kind)."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        return _tool_table(data, path) or {}
    if "tool" in data:  # a clinic-audit.toml written like a pyproject
        table = _tool_table(data, path)
        return data if table is None else table
    return data


def _tool_table(data: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """The [tool.clinic-audit] table, or None; a `tool` or table that is not a table is an error."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: 'tool' must be a table ([tool.clinic-audit]), got {_shown(tool)}")
    table = tool.get("clinic-audit")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.clinic-audit] must be a table of settings, got {_shown(table)}")
    return table


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _shown(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def merge(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """Merge layers, later ones winning.  ``ignore`` and ``extend-select`` accumulate;
    ``rules``, ``weights`` and ``penalties`` merge per key; everything else replaces."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key in ("ignore", "extend-select"):
                out[key] = [*out.get(key, []), *value]
            elif key in ("weights", "penalties"):
                out[key] = {**out.get(key, {}), **value}
            elif key == "rules":
                rules = {k: dict(v) for k, v in out.get("rules", {}).items()}
                for code, settings in value.items():
                    rules[code] = {**rules.get(code, {}), **settings}
                out["rules"] = rules
            else:
                out[key] = value
    return out


@dataclass(frozen=True)
class RuleSetting:
    rule: Rule
    severity: Severity
    options: Options


@dataclass(frozen=True)
class Config:
    """The project file and command-line layers; ``effective(path)`` merges them for one post."""

    registry: Registry
    file: Path | None = None
    file_layer: dict[str, Any] = field(default_factory=dict)
    cli_layer: dict[str, Any] = field(default_factory=dict)
    # Settings differ between posts only by which [[overrides]] match; merged once per combination.
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        registry: Registry,
        start: Path,
        cli: Mapping[str, Any] | None = None,
        config_file: Path | None = None,
        isolated: bool = False,
    ) -> "Config":
        """Find and validate the project file, validate the command-line layer."""
        if config_file is not None:
            path, data = config_file, load_file(config_file)
        elif isolated:
            path, data = None, {}
        else:
            path, data = find_config(start)
        where = str(path) if path else "configuration"
        config = cls(registry, path, dict(data), {k: v for k, v in (cli or {}).items() if v not in (None, [], ())})
        validate(data, registry, where)
        validate(config.cli_layer, registry, "command line")
        return config

    def __reduce__(self) -> tuple[Any, ...]:
        # Rules hold functions that pickle poorly; worker processes rebuild the registry.
        return (_rebuild, (self.file, self.file_layer, self.cli_layer))

    @property
    def root(self) -> Path:
        return self.file.parent if self.file else Path.cwd()

    def _matching_overrides(self, path: str | None) -> tuple[int, ...]:
        overrides = self.file_layer.get("overrides", [])
        if path is None or not overrides:
            return ()
        relative = self._relative(path)
        return tuple(i for i, o in enumerate(overrides) if _matches(relative, o.get("paths", [])))

    def _memoised(self, kind: str, path: str | None, compute: Callable[[tuple[int, ...]], T]) -> T:
        key = (kind, self._matching_overrides(path))
        if key not in self._memo:
            self._memo[key] = compute(key[1])
        return self._memo[key]  # type: ignore[no-any-return]

    def effective(self, path: str | None = None) -> dict[str, Any]:
        """The merged settings for a post at ``path``: defaults, profile, file, overrides, CLI."""
        return dict(self._memoised("effective", path, self._merge))

    def identity(self, path: str | None = None) -> str:
        """What a post's result depends on besides its text: the installed rules and ``effective(path)`` as JSON."""
        return self._memoised("identity", path, lambda _: ",".join(r.code for r in self.registry) + "\x1f"
                              + json.dumps(self.effective(path), sort_keys=True, default=str))

    def _merge(self, matching: tuple[int, ...]) -> dict[str, Any]:
        overrides = [
            {k: v for k, v in o.items() if k != "paths"}
            for i, o in enumerate(self.file_layer.get("overrides", []))
            if i in matching
        ]
        upper = merge({k: v for k, v in self.file_layer.items() if k != "overrides"}, *overrides, self.cli_layer)
        profile_name = upper.get("profile", "patient")
        base = {
            "profile": "patient",
            "fail-on": "error",
            "include": list(DEFAULT_INCLUDE),
            "exclude": [],
            "weights": dict(DEFAULT_WEIGHTS),
            "penalties": dict(DEFAULT_PENALTIES),
            "max-file-size": 5_000_000,
            "max-score-with-errors": 69,
        }
        return merge(base, profiles()[profile_name], upper)

    def rule_settings(self, path: str | None = None) -> list[RuleSetting]:
        """The rules selected for a post, each with its severity and options."""
        return list(self._memoised("rules", path, lambda _: self._rule_settings(path)))

    def _rule_settings(self, path: str | None) -> list[RuleSetting]:
        settings = self.effective(path)
        select = [*settings.get("select", ["ALL"]), *settings.get("extend-select", [])]
        ignore = settings.get("ignore", [])
        configured = {self._rule_key(k): v for k, v in settings.get("rules", {}).items()}
        out = []
        for r in self.registry:
            if not is_selected(r, select, ignore):
                continue
            own = configured.get(r.code, {})
            options = {**r.defaults(), **{k: v for k, v in own.items() if k != "severity"}}
            severity = Severity.parse(own["severity"]) if "severity" in own else r.severity
            out.append(RuleSetting(r, severity, Options(options)))
        return out

    def _rule_key(self, key: str) -> str:
        found = self.registry.get(key)
        return found.code if found else key

    def _relative(self, path: str) -> str:
        p = Path(path)
        try:
            return PurePosixPath(p.resolve().relative_to(self.root.resolve())).as_posix()
        except ValueError:
            return PurePosixPath(p).as_posix()


def _rebuild(file: Path | None, file_layer: dict[str, Any], cli_layer: dict[str, Any]) -> Config:
    from .registry import load

    return Config(load(), file, file_layer, cli_layer)


def _matches(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, pat) or fnmatch.fnmatch(PurePosixPath(path).name, pat) for pat in patterns)


def validate(data: Mapping[str, Any], registry: Registry, where: str, in_override: bool = False) -> None:
    """Raise ConfigError naming the file, the key and what is allowed."""
    for key, value in data.items():
        if key == "paths" and in_override:
            if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
                raise ConfigError(f"{where}: overrides 'paths' must be a list of glob strings")
            continue
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key '{key}' (allowed: {', '.join(sorted(KEYS))})"
                              + did_you_mean(key, KEYS))
        expected = KEYS[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            name = _TYPE_NAMES.get(expected, getattr(expected, "__name__", str(expected)))
            raise ConfigError(f"{where}: '{key}' must be a {name}, got {_shown(value)}")
        if key in STRING_LISTS and not all(isinstance(item, str) for item in value):
            bad = next(item for item in value if not isinstance(item, str))
            raise ConfigError(f"{where}: '{key}' must be a list of strings, got {_shown(bad)} in it")
        if key in BOUNDS:
            low, high = BOUNDS[key]
            if value < low or (high is not None and value > high):
                allowed = f"from {low} to {high}" if high is not None else f"{low} or more"
                raise ConfigError(f"{where}: '{key}' must be a whole number {allowed}, got {value}")
    if data.get("select") == []:
        raise ConfigError(f"{where}: 'select' is empty, so no rule would run (leave it out to select all rules, "
                          "or name codes, prefixes, names or families)")
    if "html-selector" in data:
        from cssselect import HTMLTranslator, SelectorError

        try:
            HTMLTranslator().css_to_xpath(data["html-selector"])
        except SelectorError as exc:
            raise ConfigError(f"{where}: 'html-selector' is not a valid CSS selector: {exc}") from None
    if "profile" in data and data["profile"] not in profiles():
        raise ConfigError(f"{where}: unknown profile '{data['profile']}' (allowed: {', '.join(profiles())})")
    if "language" in data and code_of(data["language"]) not in supported():
        raise ConfigError(f"{where}: unsupported language {data['language']!r} (supported: {', '.join(supported())}; "
                          "posts in other languages are detected and get the language-neutral checks)")
    if "fail-on" in data and data["fail-on"] not in FAIL_ON_CHOICES:
        raise ConfigError(f"{where}: 'fail-on' must be one of {', '.join(FAIL_ON_CHOICES)}, got {data['fail-on']!r}")
    for key in ("select", "ignore", "extend-select"):
        for selector in data.get(key, []):
            if not _selector_known(selector, registry):
                raise ConfigError(
                    f"{where}: '{key}' entry '{selector}' matches no rule code, code prefix, name or family"
                    + did_you_mean(selector, selector_words(registry))
                )
    families = set(registry.families)
    for key in ("weights",):
        for family, weight in data.get(key, {}).items():
            if family not in families:
                raise ConfigError(f"{where}: weights: unknown family '{family}' (allowed: {', '.join(families)})")
            if not _finite_number(weight) or weight < 0:
                raise ConfigError(f"{where}: weights.{family} must be a finite number ≥ 0, got {_shown(weight)}")
    for sev, points in data.get("penalties", {}).items():
        if sev not in DEFAULT_PENALTIES:
            raise ConfigError(f"{where}: penalties: unknown severity '{sev}' (allowed: {', '.join(DEFAULT_PENALTIES)})")
        if not _finite_number(points) or points < 0:
            raise ConfigError(f"{where}: penalties.{sev} must be a finite number of points ≥ 0, got {_shown(points)}")
    for key, settings in data.get("rules", {}).items():
        r = registry.get(key)
        if r is None:
            hint = did_you_mean(key, [w for r in registry for w in (r.code, r.name)])
            raise ConfigError(f"{where}: rules: unknown rule '{key}' (see `clinic-audit rules`){hint}")
        if not isinstance(settings, dict):
            raise ConfigError(f"{where}: rules.{key} must be a table of options")
        for opt_name, value in settings.items():
            label = f"{where}: rules.{key} ({r.code} {r.name})"
            if opt_name == "severity":
                try:
                    Severity.parse(str(value))
                except ValueError as exc:
                    raise ConfigError(f"{label}: {exc}") from None
                continue
            option = r.option(opt_name)
            if option is None:
                names = ["severity", *(o.name for o in r.options)]
                raise ConfigError(f"{label}: unknown option '{opt_name}' (allowed: {', '.join(names)})"
                                  + did_you_mean(opt_name, names))
            try:
                option.validate(value)
            except ValueError as exc:
                raise ConfigError(f"{label}: option '{opt_name}' {exc}") from None
    for i, override in enumerate(data.get("overrides", [])):
        if not isinstance(override, dict) or "paths" not in override:
            raise ConfigError(f"{where}: overrides[{i}] needs a 'paths' list of globs")
        validate(override, registry, f"{where}: overrides[{i}]", in_override=True)


def _finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _selector_known(selector: str, registry: Registry) -> bool:
    if selector.upper() == "ALL" or selector in registry.families:
        return True
    return any(r.code.startswith(selector.upper()) or r.name == selector.lower() for r in registry)


# JSON Schema of a configuration file, built from the same KEYS and rule options ``validate`` checks, so editors
# that read ``#:schema`` (Even Better TOML / taplo) or a ``$schema`` complete and check what the validator does.
_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object"}


def _option_schema(option: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": option.help}
    kind = _JSON_TYPES.get(option.type, "string")
    schema["type"] = kind
    if option.default is not None and not callable(option.default):
        schema["default"] = option.default
    if option.choices:
        if kind == "array":
            schema["items"] = {"enum": list(option.choices)}
        else:
            schema["enum"] = list(option.choices)
    return schema


def json_schema(registry: Registry) -> dict[str, Any]:
    """The configuration's JSON Schema (draft 2020-12): keys, profiles, families, every rule and its options."""
    from .rule import Severity as _Severity

    families = list(registry.families)
    severities = [str(s) for s in (_Severity.ERROR, _Severity.WARNING, _Severity.INFO)]
    selector = {"type": "string", "description": "a rule code, code prefix, kebab-case name, family, or ALL"}
    rules: dict[str, Any] = {}
    for r in registry:
        properties: dict[str, Any] = {"severity": {"enum": severities, "description": "this rule's severity"}}
        properties.update({o.name: _option_schema(o) for o in r.options})
        table = {"type": "object", "description": f"{r.code} {r.name}: {r.summary}", "properties": properties,
                 "additionalProperties": False}
        rules[r.code] = table
        rules[r.name] = {"$ref": f"#/$defs/rules/properties/{r.code}"}
    settings: dict[str, Any] = {
        "profile": {"enum": sorted(profiles()), "description": "audience profile (default patient)"},
        "select": {"type": "array", "items": selector, "description": "rules to run (default ALL)"},
        "extend-select": {"type": "array", "items": selector, "description": "rules added to the selection"},
        "ignore": {"type": "array", "items": selector, "description": "rules to skip; ignore wins a tie"},
        "fail-on": {"enum": list(FAIL_ON_CHOICES), "description": "lowest severity that makes the exit code 1"},
        "include": {"type": "array", "items": {"type": "string"}, "description": "file globs audited in folders"},
        "exclude": {"type": "array", "items": {"type": "string"}, "description": "gitignore-style patterns skipped"},
        "html-selector": {"type": "string", "description": "CSS selector of the article in HTML pages"},
        "language": {"type": "string", "examples": list(supported()),
                     "description": f"language of posts that declare none ({', '.join(supported())})"},
        "keyphrase": {"type": "string", "description": "target keyphrase for the SEO keyphrase rules"},
        "synonyms": {"type": ["string", "array"], "items": {"type": "string"},
                     "description": "keyphrase synonyms for every post (a string or a list)"},
        "scheduler": {"type": "string", "description": "Dask scheduler address (tcp://HOST:8786) to audit on a cluster"},
        "weights": {"type": "object", "description": "family weights of the overall score",
                    "propertyNames": {"enum": families},
                    "additionalProperties": {"type": "number", "minimum": 0}},
        "penalties": {"type": "object", "description": "points a finding of each severity costs",
                      "propertyNames": {"enum": list(DEFAULT_PENALTIES)}, "additionalProperties": {"type": "number"}},
        "rules": {"$ref": "#/$defs/rules"},
        "max-file-size": {"type": "integer", "description": "bytes; larger inputs are not audited"},
        "max-score-with-errors": {"type": "integer", "description": "score cap of a post with an error"},
    }
    override = {"type": "object", "required": ["paths"], "additionalProperties": False,
                "properties": {"paths": {"type": "array", "items": {"type": "string"},
                                         "description": "globs relative to the configuration file"},
                               **{k: v for k, v in settings.items()}}}
    assert set(settings) | {"overrides"} == set(KEYS), "the schema and KEYS must name the same keys"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "clinic-audit configuration (clinic-audit.toml, or [tool.clinic-audit] in pyproject.toml)",
        "type": "object",
        "additionalProperties": False,
        "properties": {**settings, "overrides": {"type": "array", "items": override,
                                                 "description": "per-path settings"}},
        "$defs": {"rules": {"type": "object", "description": "per-rule options, by code or name",
                            "properties": rules, "additionalProperties": False}},
    }
