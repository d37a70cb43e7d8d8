"""Baselines: record today's findings once, then report and fail only on new ones.

A baseline file lists each finding's fingerprint (rule code, section path and
normalised offending text, so it survives lines moving and changes when the
offending text changes) with the post it belongs to.  Sources are stored
relative to the baseline file, so the same file works from any working
directory.  Counts matter: when a post had one uncited statistic in a section
and now has two identical ones, one is new.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import replaced
from .result import PostResult, Sink, Transform

FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read; the message is for the user."""


def _source_key(source: str, base: Path) -> str:
    """A post's name as the baseline stores it: relative to the baseline's folder, URLs as they are."""
    if "://" in source or source == "-":
        return source
    return Path(os.path.relpath(Path(source).resolve(), base.resolve())).as_posix()


class Baseline(Transform):
    """The findings a baseline accepts, as a multiset of (source, fingerprint); a run's transform."""

    def __init__(self, path: Path, accepted: Counter[tuple[str, str]]):
        self.path = path
        self.accepted = accepted
        self.by_source: dict[str, Counter[str]] = {}
        for (source, fp), n in accepted.items():
            self.by_source.setdefault(source, Counter())[fp] = n

    @classmethod
    def read(cls, path: str | Path) -> "Baseline":
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["findings"]
            accepted = Counter((str(e["source"]), str(e["fingerprint"])) for e in entries)
        except FileNotFoundError:
            raise BaselineError(f"{path}: no such baseline file (create it with --write-baseline)") from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BaselineError(f"{path}: not a clinic-audit baseline ({exc})") from None
        return cls(path, accepted)

    def post(self, result: PostResult) -> PostResult:
        """The result without the findings the baseline accepts (scores are left as measured)."""
        remaining = Counter(self.by_source.get(_source_key(result.source, self.path.parent), {}))
        kept = []
        for finding in result.findings:
            if remaining[finding.fingerprint] > 0:
                remaining[finding.fingerprint] -= 1
            else:
                kept.append(finding)
        return replace(result, findings=tuple(kept))

    def site(self, findings: list[Any]) -> list[Any]:
        """The site-wide findings the baseline does not accept."""
        remaining = Counter(self.accepted)
        kept = []
        for finding in findings:
            key = (_source_key(finding.source, self.path.parent), finding.fingerprint)
            if remaining[key] > 0:
                remaining[key] -= 1
            else:
                kept.append(finding)
        return kept


class BaselineWriter(Sink):
    """A sink that records every finding of the run and writes the baseline atomically at the end."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.entries: list[dict[str, Any]] = []

    def post(self, result: PostResult) -> None:
        source = _source_key(result.source, self.path.parent)
        for f in result.findings:
            self.entries.append({"source": source, "fingerprint": f.fingerprint, "rule": f.rule,
                                 "line": f.line, "message": f.message})

    def failure(self, failure: object) -> None:
        """Inputs that could not be audited have no findings to record."""

    def site(self, findings: list[Any]) -> None:
        """Site-wide findings are recorded under the post they name first."""
        for f in findings:
            self.entries.append({"source": _source_key(f.source, self.path.parent), "fingerprint": f.fingerprint,
                                 "rule": f.rule, "line": f.line, "message": f.message})

    def finish(self) -> None:
        self.entries.sort(key=lambda e: (e["source"], e["line"], e["rule"], e["fingerprint"]))
        data = {"tool": "clinic-audit", "version": __version__, "format": FORMAT_VERSION, "findings": self.entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with replaced(self.path) as temporary, open(temporary, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, ensure_ascii=False)
                handle.write("\n")
        except OSError as exc:
            raise BaselineError(f"{self.path}: cannot write the baseline: {exc.strerror or exc}") from None
