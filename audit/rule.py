"""The rule API: how a rule is declared, what it yields, and what the engine makes of it.

A rule is one value: code, kebab-case name, family, default severity, typed
options, a docstring that is its user documentation, and one pure check
function ``check(post, options) -> Iterable[Hit]``.  The engine stamps the
rule's identity and configured severity on each hit to make a ``Finding``.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field, replace
from enum import IntEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from .language import neutral, supported

if TYPE_CHECKING:
    from .model import Post


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return _SEVERITY_NAMES[value] if value in _SEVERITY_NAMES else cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (use error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


_SEVERITY_NAMES = {s.name.lower(): s for s in Severity}  # the spelling results are stored in


@dataclass(frozen=True)
class Option:
    """A rule option: its name as written in configuration, type, default and one-line help."""

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] = ()  # allowed values (for a list option: allowed items); empty: any value of the type
    # Lowest value of a number option.  Counts, shares, grades and scores are never negative, so 0 unless
    # declared otherwise (None: no lower bound).
    minimum: float | None = 0
    # A further check of the typed value (e.g. ``iso_date``): returns it, or raises ValueError saying what is allowed.
    check: Callable[[Any], Any] | None = None

    def validate(self, value: Any) -> Any:
        """Return the value converted to the option's type, or raise ValueError saying what is allowed."""
        converted = self._typed(value)
        if isinstance(converted, float) and not math.isfinite(converted):
            raise ValueError(f"expects a finite number, got {value!r}")
        if self.type in (int, float) and self.minimum is not None and converted < self.minimum:
            raise ValueError(f"expects a number ≥ {self.minimum:g}, got {value!r}")
        if isinstance(converted, list):
            item_type = _item_type(self.default)
            bad_items = [v for v in converted if item_type is not None and not isinstance(v, item_type)]
            if bad_items:
                raise ValueError(f"expects a list of {item_type.__name__} (default {self.default!r}), "
                                 f"got {bad_items[0]!r} in it")
        if self.check is not None:
            self.check(converted)
        if self.choices:
            wanted = converted if isinstance(converted, list) else [converted]
            fold = (lambda v: v.lower()) if all(isinstance(c, str) for c in self.choices) else (lambda v: v)
            allowed = {fold(c) for c in self.choices}
            bad = [v for v in wanted if not isinstance(v, type(self.choices[0])) or fold(v) not in allowed]
            if bad:
                raise ValueError(f"{bad[0]!r} is not allowed (allowed: {', '.join(map(str, self.choices))})")
        return converted

    def _typed(self, value: Any) -> Any:
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if self.type is list and isinstance(value, (list, tuple)):
            return list(value)
        if self.type is dict and isinstance(value, dict):
            return dict(value)
        if isinstance(value, self.type) and not (self.type is int and isinstance(value, bool)):
            return value
        raise ValueError(f"expects {self.type.__name__} (default {self.default!r}), got {value!r}")


def _item_type(default: Any) -> type | None:
    """The type every item of a list option's default has (a list of names stays a list of names), or None."""
    types = {type(v) for v in default or ()}
    return types.pop() if len(types) == 1 else None


def iso_date(value: Any) -> Any:
    """An option check: an ISO date (YYYY-MM-DD) that exists, or empty."""
    import datetime as dt

    if value:
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"expects a date that exists, written YYYY-MM-DD (or empty), got {value!r}") from None
    return value


class Options(Mapping[str, Any]):
    """Read-only option values; ``opts.max_grade`` reads the ``max-grade`` option."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):  # type: ignore[override]
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name.replace("_", "-")]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Hit:
    """What a rule reports: where, what, and the measured value against its limit."""

    line: int
    message: str
    column: int = 0  # 0: let the engine find the excerpt's column on the line
    excerpt: str = ""
    suggestion: str = ""
    value: float | str | None = None
    limit: float | str | None = None
    key: str = ""  # stable text for the fingerprint (defaults to the excerpt)


@dataclass(frozen=True, order=True)
class Finding:
    """A hit stamped with its rule's identity and configured severity."""

    source: str
    line: int
    column: int
    rule: str
    name: str = field(compare=False)
    family: str = field(compare=False)
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    excerpt: str = field(default="", compare=False)
    suggestion: str = field(default="", compare=False)
    value: float | str | None = field(default=None, compare=False)
    limit: float | str | None = field(default=None, compare=False)
    fingerprint: str = field(default="", compare=False)
    sources: tuple[str, ...] = field(default=(), compare=False)  # a site finding: every post it is about

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "family": self.family,
            "severity": str(self.severity),
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "excerpt": self.excerpt,
            "suggestion": self.suggestion,
            "value": self.value,
            "limit": self.limit,
            "fingerprint": self.fingerprint,
        } if not self.sources else {"source": self.source, **replace(self, sources=()).to_dict(),
                                    "sources": list(self.sources)}

    @classmethod
    def from_dict(cls, source: str, data: Mapping[str, Any]) -> "Finding":
        return cls(
            source=source,
            line=int(data["line"]),
            column=int(data.get("column", 1)),
            rule=data["rule"],
            name=data.get("name", ""),
            family=data.get("family", ""),
            severity=Severity.parse(data.get("severity", "warning")),
            message=data.get("message", ""),
            excerpt=data.get("excerpt", ""),
            suggestion=data.get("suggestion", ""),
            value=data.get("value"),
            limit=data.get("limit"),
            fingerprint=data.get("fingerprint", ""),
            sources=tuple(data.get("sources", ())),
        )


_NON_WORD = re.compile(r"\W+")


def fingerprint(code: str, section_path: tuple[str, ...], text: str) -> str:
    """A finding's identity that survives lines moving: code, section path and normalised text."""
    normal = _NON_WORD.sub(" ", text.lower()).strip()
    return hashlib.sha1(f"{code}\x1f{_section_key(section_path)}\x1f{normal}".encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1024)
def _section_key(section_path: tuple[str, ...]) -> str:
    return " / ".join(_NON_WORD.sub(" ", p.lower()).strip() for p in section_path)


CheckFn = Callable[["Post", Options], Iterable[Hit]]

_DOC_PARTS = ("Why", "Fix", "Bad", "Good")


@dataclass(frozen=True)
class Rule:
    """A declared rule.  Build one with the :func:`rule` decorator."""

    code: str
    name: str
    family: str
    severity: Severity
    check: CheckFn = field(repr=False)
    options: tuple[Option, ...] = ()
    doc: str = ""
    languages: tuple[str, ...] = ()  # empty: every language
    scope: str = "post"  # "post": checks one post; "site": checks the run's post summaries (siterules.site_rule)

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else ""

    @property
    def parts(self) -> dict[str, str]:
        """The docstring's fixed parts: summary, Why, Fix, Bad, Good (and Example options)."""
        return parse_doc(self.doc)

    def defaults(self) -> dict[str, Any]:
        return {opt.name: opt.default for opt in self.options}

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    def applies_to(self, language: str) -> bool:
        """Rules for some languages run on those; the others on supported languages, or anywhere when neutral."""
        if self.languages:
            return language in self.languages
        return language in supported() or self.family in neutral() or self.code in neutral()


@lru_cache(maxsize=None)
def rule_data(name: str) -> dict[str, Any]:
    """A rule data file, ``rules/data/<name>.toml`` (word lists and thresholds), read once per process."""
    import tomllib
    from importlib import resources

    text = resources.files("clinic_audit.rules").joinpath(f"data/{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def rule(
    code: str,
    name: str,
    family: str,
    severity: str,
    options: Iterable[Option] = (),
    languages: Iterable[str] = (),
) -> Callable[[CheckFn], Rule]:
    """Declare a rule from its check function; the function's docstring is the rule's documentation."""

    def make(fn: CheckFn) -> Rule:
        return Rule(
            code=code,
            name=name,
            family=family,
            severity=Severity.parse(severity),
            check=fn,
            options=tuple(options),
            doc=_dedent(fn.__doc__ or ""),
            languages=tuple(languages),
        )

    return make


def _dedent(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


def parse_doc(doc: str) -> dict[str, str]:
    """Split a rule docstring into its summary and labelled parts ("Why:", "Fix:", "Bad:", "Good:")."""
    lines = doc.strip().splitlines()
    parts: dict[str, list[str]] = {"summary": []}
    current = "summary"
    label = re.compile(r"^(Why|Fix|Bad|Good|Example options):\s*(.*)$")
    for line in lines:
        match = label.match(line)
        if match:
            current = match.group(1)
            parts[current] = [match.group(2)] if match.group(2) else []
        else:
            parts.setdefault(current, []).append(line)
    # Only blank lines are trimmed: examples keep their indentation for dedenting.
    return {key: "\n".join(value).strip("\n").rstrip() for key, value in parts.items()}


REQUIRED_DOC_PARTS = _DOC_PARTS
