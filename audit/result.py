"""The result of auditing posts, and its JSON shape (the input of every report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from . import __version__
from .model import HEADING, Post
from .rule import Finding, Severity


# Which rule option is the target of each metric the reports show: (metric, rule, option, "max"/"min", an
# option added to the target).  The engine reads the configured values, so a report shows the targets in force.
METRIC_TARGETS = (
    ("flesch_kincaid_grade", "reading-grade", "max-grade", "max", ""),
    ("smog_index", "reading-grade", "max-grade", "max", "smog-allowance"),
    ("gunning_fog", "reading-grade", "max-grade", "max", ""),
    ("coleman_liau_index", "reading-grade", "max-grade", "max", ""),
    ("automated_readability_index", "reading-grade", "max-grade", "max", ""),
    ("flesch_reading_ease", "flesch-reading-ease", "min-score", "min", ""),
    ("fernandez_huerta", "fernandez-huerta", "min-score", "min", ""),
    ("szigriszt_pazos", "inflesz", "min-score", "min", ""),
    ("long_sentence_share", "long-sentence-share", "max-share", "max", ""),
    ("complex_word_share", "complex-words", "max-share", "max", ""),
    ("longest_paragraph", "long-paragraph", "max-words", "max", ""),
)


def metric_targets(options_by_rule: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{metric: {"limit": n, "direction": "max"|"min"}} from the configured options of the rules that ran."""
    out: dict[str, dict[str, Any]] = {}
    for metric, rule_name, option, direction, extra in METRIC_TARGETS:
        options = options_by_rule.get(rule_name)
        if options is None or option not in options:
            continue
        limit = options[option] + (options[extra] if extra and extra in options else 0)
        out[metric] = {"limit": limit, "direction": direction}
    return out


@dataclass(frozen=True)
class PostResult:
    source: str
    title: str
    language: str
    format: str
    score: int
    grade: str
    scores: dict[str, int]
    metrics: dict[str, Any]
    findings: tuple[Finding, ...]
    document: dict[str, Any] = field(default_factory=dict, compare=False)
    language_source: str = "default"
    targets: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)  # metric -> configured target

    def to_dict(self, finding: Callable[[Finding], Any] = Finding.to_dict) -> dict[str, Any]:
        """The result as JSON-ready data, each finding as ``finding`` writes it (the result cache: a row)."""
        return {
            "source": self.source,
            "title": self.title,
            "language": self.language,
            "language_source": self.language_source,
            "format": self.format,
            "score": self.score,
            "grade": self.grade,
            "scores": self.scores,
            "metrics": self.metrics,
            "targets": self.targets,
            "findings": [finding(f) for f in self.findings],
            "document": self.document,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], findings: tuple[Finding, ...] | None = None) -> "PostResult":
        """The result of ``to_dict``'s JSON; ``findings`` already built (the cache stores them as rows) or read
        from ``data``."""
        source = data["source"]
        return cls(
            source=source,
            title=data.get("title", ""),
            language=data.get("language", "en"),
            language_source=data.get("language_source", "default"),
            targets=dict(data.get("targets", {})),
            format=data.get("format", ""),
            score=int(data.get("score", 0)),
            grade=data.get("grade", ""),
            scores=dict(data.get("scores", {})),
            metrics=dict(data.get("metrics", {})),
            findings=findings if findings is not None else tuple(Finding.from_dict(source, f)
                                                                 for f in data.get("findings", [])),
            document=dict(data.get("document", {})),
        )

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


@dataclass(frozen=True)
class InputFailure:
    """An input that was not audited: an error (exit 2), or ``skipped`` because it is not a post."""

    source: str
    message: str
    skipped: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "message": self.message}
        if self.skipped:
            out["skipped"] = True
        return out


RuleDocs = Callable[[str], "dict[str, Any] | None"]  # rule code -> its documentation as plain data


def rule_docs(registry: Any) -> RuleDocs:
    """What reports show of a rule, as plain data: code, name, family, severity, summary and docstring parts.

    The run hands this to the reports, so no report imports the registry (or sees a rule's defaults)."""
    import textwrap

    cache: dict[str, dict[str, Any] | None] = {}

    def describe(code: str) -> dict[str, Any] | None:
        if code not in cache:
            found = registry.get(code)
            cache[code] = None if found is None else {
                "code": found.code, "name": found.name, "family": found.family, "severity": str(found.severity),
                "summary": found.summary, "parts": {k: textwrap.dedent(v) for k, v in found.parts.items()}}
        return cache[code]

    return describe


class Sink:
    """What consumes a run: every output and recorder.  Each method is optional; the defaults do nothing."""

    # Whether it reads a post's text (``document["blocks"]``).  When no sink or transform of a run does, results
    # reused from the cache come without it, which spares a warm rerun decompressing and decoding half its data.
    reads_text = True

    def post(self, result: PostResult) -> None:
        """One audited post, in input order."""

    def failure(self, failure: InputFailure) -> None:
        """An input that was not audited (an error, or skipped as not a post)."""

    def site(self, findings: list[Any]) -> None:
        """The site-wide findings, once, after the last post."""

    def finish(self) -> None:
        """The run is over: write what is buffered."""


class Transform:
    """Changes what sinks see (a baseline hides known findings); the identity by default."""

    reads_text = True  # as ``Sink.reads_text``

    def post(self, result: PostResult) -> PostResult:
        return result

    def site(self, findings: list[Finding]) -> list[Finding]:
        return findings


class Watcher:
    """Watches a run go by (the progress display); silent by default."""

    def step(self, failed: bool) -> None:
        """One input done."""

    def clear(self) -> None:
        """Something is about to be written: leave the screen clean for it."""

    def close(self) -> None:
        """The run is over."""


def document_outline(post: Post) -> dict[str, Any]:
    """The post's blocks as plain data, so reports can show the text without re-parsing."""
    blocks = []
    for block in post.blocks:
        entry: dict[str, Any] = {"kind": block.kind, "line": block.line, "text": block.plain}
        if block.kind == HEADING:
            entry["level"] = block.level
        if block.items:
            entry["items"] = [{"line": item.line, "text": item.plain} for item in block.items]
            entry["ordered"] = block.ordered
        blocks.append(entry)
    outline: dict[str, Any] = {"title_is_h1": post.title_is_h1, "title_line": post.title_line, "blocks": blocks}
    if "content" in post.meta:  # which element of an HTML page was audited, and what was dropped as site chrome
        outline["content"] = post.meta["content"]
    if "positions" in post.meta:  # "paragraphs" (Word) or "blocks" (one-line exports): what a finding's line counts
        outline["positions"] = post.meta["positions"]
    status = post.facts.text("status") or ("draft" if post.facts.value("draft") is True else "")
    if status and status != "publish":  # a draft (WordPress status, front matter) is labelled in every output
        outline["status"] = status
    return outline


def run_to_dict(posts: Iterable[PostResult], errors: Iterable[InputFailure]) -> dict[str, Any]:
    """The JSON document of a run."""
    post_dicts = [p.to_dict() for p in posts]
    error_dicts = [e.to_dict() for e in errors]
    return {
        "tool": {"name": "clinic-audit", "version": __version__},
        "posts": post_dicts,
        "errors": error_dicts,
        "summary": {
            "posts": len(post_dicts),
            "findings": sum(len(p["findings"]) for p in post_dicts),
            "errors": sum(1 for e in error_dicts if not e.get("skipped")),
            "skipped": sum(1 for e in error_dicts if e.get("skipped")),
        },
    }
