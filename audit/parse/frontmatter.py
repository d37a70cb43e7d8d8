"""YAML front matter at the top of a Markdown post."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from . import ParseError

_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
KNOWN_KEYS = ("title", "description", "date", "updated", "author", "reviewed_by", "keyphrase", "lang", "draft")


def split(text: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, number of lines the front matter took)."""
    match = _FENCE.match(text)
    if not match:
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
    consumed = text[: match.end()].count("\n")
    return {str(k): _plain(v) for k, v in data.items()}, text[match.end():], consumed


def _plain(value: Any) -> Any:
    """Dates become ISO strings so the model stays JSON-friendly."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value
