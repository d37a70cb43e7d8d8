"""Front matter at the top of a Markdown post: YAML (``---``), TOML (``+++``, Hugo) or JSON (``{ … }``, Hugo)."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from .base import ParseError

_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_TOML_FENCE = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)^\+\+\+[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_JSON_START = re.compile(r"\A\{[ \t]*\r?\n")
KNOWN_KEYS = ("title", "description", "date", "updated", "author", "reviewed_by", "keyphrase", "lang", "draft")


def split(text: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, number of lines the front matter took)."""
    match = _FENCE.match(text)
    if not match:
        toml = _TOML_FENCE.match(text)
        if toml:
            return _finish(_toml(toml.group(1)), text, toml.end())
        if _JSON_START.match(text):
            data, end = _json(text)
            return _finish(data, text, end)
        return {}, text, 0
    import yaml

    try:
        # libyaml's loader when PyYAML was built with it: the same safe subset, several times faster
        data = yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParseError(f"invalid YAML front matter{where}: {problem}") from None
    if not isinstance(data, dict):
        raise ParseError("front matter must be a YAML mapping of keys to values")
    return _finish(data, text, match.end())


def _finish(data: dict[str, Any], text: str, end: int) -> tuple[dict[str, Any], str, int]:
    return {str(k): _plain(v) for k, v in data.items()}, text[end:], text[:end].count("\n")


def _toml(source: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ParseError(f"invalid TOML front matter: {exc}") from None


def _json(text: str) -> tuple[dict[str, Any], int]:
    import json

    try:
        data, end = json.JSONDecoder().raw_decode(text)
    except ValueError as exc:
        raise ParseError(f"invalid JSON front matter: {exc}") from None
    if not isinstance(data, dict):
        raise ParseError("front matter must be a JSON object of keys to values")
    newline = text.find("\n", end)
    return data, len(text) if newline < 0 else newline + 1


def _plain(value: Any) -> Any:
    """Dates become ISO strings so the model stays JSON-friendly."""
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, dict):  # TOML tables ([thumbnail]) and nested YAML mappings
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
