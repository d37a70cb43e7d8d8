"""Files clinic-audit wrote and reads back (saved runs, baselines, history), read as untrusted input.

(Cache entries are not: they carry a format header and zlib's checksum, and any entry without both is a
miss; see ``cache``.)

A saved run may have been edited by hand, truncated, written by another tool or another version, or built to
hurt (100,000 nested brackets).  ``load_json`` turns every way JSON can fail into a ValueError with one line
to show; ``check_post`` checks a post's JSON shape against what ``PostResult.from_dict`` and the reports read,
so a malformed file is refused when it is read, with the place and what was expected, instead of crashing a
reporter halfway through its output.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .rule import Severity

_SCALAR = (str, int, float, type(None))
# Key -> allowed types of a post's fields (a missing key takes from_dict's default).
POST_FIELDS: dict[str, tuple[type, ...]] = {
    "source": (str,), "title": (str,), "language": (str,), "language_source": (str,), "format": (str,),
    "score": (int,), "grade": (str,), "scores": (dict,), "metrics": (dict,), "targets": (dict,),
    "findings": (list,), "document": (dict,), "_summary": (dict, type(None)),
}
FINDING_FIELDS: dict[str, tuple[type, ...]] = {
    "line": (int,), "column": (int,), "rule": (str,), "name": (str,), "family": (str,), "severity": (str,),
    "message": (str,), "excerpt": (str,), "suggestion": (str,), "value": _SCALAR, "limit": _SCALAR,
    "fingerprint": (str,), "sources": (list,), "source": (str,),
}
BLOCK_FIELDS: dict[str, tuple[type, ...]] = {
    "kind": (str,), "line": (int,), "text": (str,), "level": (int,), "items": (list,), "ordered": (bool,),
}
DOCUMENT_FIELDS: dict[str, tuple[type, ...]] = {
    "title_is_h1": (bool,), "title_line": (int, type(None)), "blocks": (list,), "content": (dict,),
    "positions": (str,),
}


def load_json(text: str | bytes) -> Any:
    """Parse JSON; ValueError (one line) for text that is not JSON or is nested too deeply to read."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise ValueError("not readable: the JSON is nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _check_fields(data: Any, fields: dict[str, tuple[type, ...]], where: str, required: tuple[str, ...] = ()) -> None:
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be an object, got {type(data).__name__}")
    for key in required:
        if key not in data:
            raise ValueError(f"{where} has no \"{key}\"")
    for key, allowed in fields.items():
        if key not in data:
            continue
        value = data[key]
        bad_bool = isinstance(value, bool) and bool not in allowed
        if bad_bool or not isinstance(value, allowed) or (isinstance(value, float) and not math.isfinite(value)):
            names = " or ".join("null" if t is type(None) else _JSON_NAMES.get(t, t.__name__) for t in allowed)
            raise ValueError(f"{where}: \"{key}\" must be {names}, got {_shown(value)}")


_JSON_NAMES = {str: "a string", int: "a whole number", float: "a number", dict: "an object", list: "a list",
               bool: "true or false"}


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 40 else text[:39] + "…"


# What ``PostResult.from_dict`` assumes for a missing key; reports reading the JSON directly see the same.
POST_DEFAULTS: dict[str, Any] = {"title": "", "language": "en", "language_source": "default", "format": "",
                                 "score": 0, "grade": "", "scores": {}, "metrics": {}, "targets": {}, "findings": [],
                                 "document": {}}


def _score(value: Any, where: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ValueError(f"{where} must be a whole number from 0 to 100, got {_shown(value)}")


def check_finding(data: Any, where: str) -> None:
    """Raise ValueError when a finding's JSON is not what clinic-audit writes."""
    _check_fields(data, FINDING_FIELDS, where, required=("line", "rule"))
    try:
        Severity.parse(data.get("severity", "warning"))
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    if not all(isinstance(s, str) for s in data.get("sources", ())):
        raise ValueError(f"{where}: \"sources\" must be a list of strings")


def check_post(data: Any, where: str = "post") -> None:
    """Raise ValueError when a post's JSON is not what clinic-audit writes (the message names the place)."""
    _check_fields(data, POST_FIELDS, where, required=("source",))
    if "score" in data:
        _score(data["score"], f"{where}: \"score\"")
    for family, value in data.get("scores", {}).items():
        _score(value, f"{where}: scores: \"{family}\"")
    for key, value in (data.get("metrics") or {}).items():
        if not isinstance(value, _SCALAR) or (isinstance(value, float) and not math.isfinite(value)):
            raise ValueError(f"{where}: metrics: \"{key}\" must be a number, got {_shown(value)}")
    for key, target in (data.get("targets") or {}).items():
        if not isinstance(target, dict) or not all(isinstance(v, _SCALAR) for v in target.values()):
            raise ValueError(f"{where}: targets: \"{key}\" must be an object of numbers or strings")
    for i, finding in enumerate(data.get("findings", [])):
        check_finding(finding, f"{where}: findings[{i}]")
    document = data.get("document")
    if document:
        _check_fields(document, DOCUMENT_FIELDS, f"{where}: document")
        for i, block in enumerate(document.get("blocks", [])):
            _check_fields(block, BLOCK_FIELDS, f"{where}: document: blocks[{i}]")
            for j, item in enumerate(block.get("items", [])):
                _check_fields(item, {"line": (int,), "text": (str,)}, f"{where}: document: blocks[{i}]: items[{j}]")
        content = document.get("content") or {}
        if not all(isinstance(v, (str, list)) for v in content.values()):
            raise ValueError(f"{where}: document: \"content\" must hold strings and lists")
