"""Front matter at the top of a Markdown post: YAML (``---``), TOML (``+++``, Hugo) or JSON (``{ … }``, Hugo)."""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Any

from .base import ParseError

_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_TOML_FENCE = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)^\+\+\+[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_JSON_START = re.compile(r"\A\{[ \t]*\r?\n")
KNOWN_KEYS = ("title", "description", "date", "updated", "author", "reviewed_by", "keyphrase", "lang", "draft")
# Real front matter is a few hundred bytes to a few KB.  The caps bound what a hostile post can cost: YAML
# aliases share one object however often they are used, so a 400-byte "billion laughs" post is cheap to load
# but explodes when copied into the model; the copy counts every value it makes and stops at MAX_VALUES.
MAX_BYTES = 256 * 1024
MAX_VALUES = 20_000
MAX_DEPTH = 32


def split(text: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, number of lines the front matter took)."""
    match = _FENCE.match(text)
    if not match:
        toml = _TOML_FENCE.match(text)
        if toml:
            _check_size(toml.group(1))
            return _finish(_toml(toml.group(1)), text, toml.end())
        if _JSON_START.match(text):
            data, end = _json(text)
            return _finish(data, text, end)
        return {}, text, 0
    _check_size(match.group(1))
    import yaml

    try:
        data = yaml.load(match.group(1), Loader=_loader()) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParseError(f"invalid YAML front matter{where}: {problem}") from None
    except RecursionError:
        raise ParseError(f"front matter is nested more than {MAX_DEPTH} levels deep") from None
    if not isinstance(data, dict):
        raise ParseError("front matter must be a YAML mapping of keys to values")
    return _finish(data, text, match.end())


def _check_size(source: str) -> None:
    if len(source) > MAX_BYTES:
        raise ParseError(f"front matter is {len(source) // 1024} KB, over the {MAX_BYTES // 1024} KB limit")


@lru_cache(maxsize=1)
def _loader() -> type:
    """The safe YAML loader (libyaml's when PyYAML was built with it), with dates that cannot exist kept as text.

    ``date: 2024-02-30`` is a typo in a post, not a reason to stop the run: the value stays the string
    it was written as, and the date rules treat it as no date.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError):
            return str(node.value)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


def _finish(data: dict[str, Any], text: str, end: int) -> tuple[dict[str, Any], str, int]:
    budget = [MAX_VALUES]
    return {str(k): _plain(v, budget, 1) for k, v in data.items()}, text[end:], text[:end].count("\n")


# key = a date TOML cannot hold (2024-02-30, 2024-13-45, 0000-01-01), maybe with a time and a comment
_TOML_BAD_DATE = re.compile(r"^(\s*[\w.\"'-]+\s*=\s*)(\d{4}-\d{1,2}-\d{1,2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?)(\s*(?:#.*)?)$")
_TOML_RETRIES = 20


def _toml(source: str) -> dict[str, Any]:
    """TOML front matter; a date that cannot exist is kept as the text it was written as (as in YAML)."""
    import tomllib

    for _ in range(_TOML_RETRIES):
        try:
            return tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            fixed = _quote_bad_date(source, str(exc))
            if fixed is None:
                raise ParseError(f"invalid TOML front matter: {exc}") from None
            source = fixed
        except RecursionError:
            raise ParseError(f"front matter is nested more than {MAX_DEPTH} levels deep") from None
    raise ParseError(f"invalid TOML front matter: more than {_TOML_RETRIES} impossible dates")


def _quote_bad_date(source: str, error: str) -> str | None:
    """``source`` with the impossible date on the error's line quoted, or None when the error is another one."""
    where = re.search(r"at line (\d+)", error)
    lines = source.split("\n")
    if not where or not 1 <= int(where.group(1)) <= len(lines):
        return None
    number = int(where.group(1)) - 1
    match = _TOML_BAD_DATE.match(lines[number])
    if not match:
        return None
    lines[number] = f'{match.group(1)}"{match.group(2)}"{match.group(3)}'
    return "\n".join(lines)


def _json(text: str) -> tuple[dict[str, Any], int]:
    import json

    try:
        data, end = json.JSONDecoder().raw_decode(text)
    except ValueError as exc:
        raise ParseError(f"invalid JSON front matter: {exc}") from None
    except RecursionError:
        raise ParseError(f"front matter is nested more than {MAX_DEPTH} levels deep") from None
    _check_size(text[:end])
    if not isinstance(data, dict):
        raise ParseError("front matter must be a JSON object of keys to values")
    newline = text.find("\n", end)
    return data, len(text) if newline < 0 else newline + 1


def _plain(value: Any, budget: list[int], depth: int) -> Any:
    """A copy in plain JSON types (dates become ISO strings), within the value budget and depth limit."""
    budget[0] -= 1
    if budget[0] < 0:
        raise ParseError(f"front matter expands to more than {MAX_VALUES:,} values (YAML aliases?)")
    if depth > MAX_DEPTH:
        raise ParseError(f"front matter is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, dict):  # TOML tables ([thumbnail]) and nested YAML mappings
        return {str(k): _plain(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, budget, depth + 1) for v in value]
    return value
