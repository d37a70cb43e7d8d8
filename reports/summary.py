"""Site-wide figures shared by the HTML index and the Markdown summary, built from result dicts.

Everything here reads the JSON shape of a post (``PostResult.to_dict()``) and
keeps only small per-post rows, so a run of thousands of posts stays light.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

SEVERITIES = ("error", "warning", "info")
HISTOGRAM_BINS = 10  # 0-9, 10-19, …, 90-100


@dataclass(frozen=True)
class PostRow:
    """One post as the overview lists it."""

    source: str
    title: str
    score: int
    grade: str
    scores: dict[str, int]
    counts: dict[str, int]  # severity -> findings
    tags: tuple[str, ...]  # "family:severity" pairs present, for filtering
    rules: tuple[str, ...]  # codes and names that fired, for the text filter
    page: str = ""  # file name of the post's own page, when there is one

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def post_row(post: dict[str, Any], page: str = "") -> PostRow:
    """The overview row of one post dict."""
    findings = post.get("findings", [])
    counts = Counter(f.get("severity", "warning") for f in findings)
    tags = sorted({f"{f.get('family', '')}:{f.get('severity', '')}" for f in findings})
    rules = sorted({f.get("rule", "") for f in findings} | {f.get("name", "") for f in findings})
    return PostRow(
        source=str(post.get("source", "")),
        title=str(post.get("title") or post.get("source", "")),
        score=int(post.get("score", 0)),
        grade=str(post.get("grade", "")),
        scores={str(k): int(v) for k, v in post.get("scores", {}).items()},
        counts={s: counts.get(s, 0) for s in SEVERITIES},
        tags=tuple(tags),
        rules=tuple(r for r in rules if r),
        page=page,
    )


@dataclass(frozen=True)
class Problem:
    """A rule that fired somewhere on the site."""

    rule: str
    name: str
    family: str
    severity: str
    findings: int
    posts: int


@dataclass
class SiteSummary:
    """Running totals over the posts of a run."""

    rows: list[PostRow] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    _findings: Counter[str] = field(default_factory=Counter)
    _posts: Counter[str] = field(default_factory=Counter)
    _identity: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def add(self, post: dict[str, Any], page: str = "") -> PostRow:
        """Count one post dict and keep its overview row."""
        row = post_row(post, page)
        self.rows.append(row)
        seen: set[str] = set()
        for f in post.get("findings", []):
            code = f.get("rule", "")
            self._findings[code] += 1
            seen.add(code)
            self._identity.setdefault(code, (f.get("name", ""), f.get("family", ""), f.get("severity", "")))
        self._posts.update(seen)
        return row

    @property
    def families(self) -> list[str]:
        """Families in the order they first appear."""
        return list(dict.fromkeys(name for row in self.rows for name in row.scores))

    @property
    def average(self) -> int | None:
        return round(sum(r.score for r in self.rows) / len(self.rows)) if self.rows else None

    def family_averages(self) -> dict[str, int]:
        """Mean score of each family over the posts where it ran."""
        result = {}
        for family in self.families:
            values = [r.scores[family] for r in self.rows if family in r.scores]
            result[family] = round(sum(values) / len(values))
        return result

    def severity_totals(self) -> dict[str, int]:
        return {s: sum(r.counts[s] for r in self.rows) for s in SEVERITIES}

    def problems(self, limit: int | None = None) -> list[Problem]:
        """Rules by how many posts they affect, then by findings."""
        ordered = sorted(self._posts, key=lambda code: (-self._posts[code], -self._findings[code], code))
        return [
            Problem(code, *self._identity[code], findings=self._findings[code], posts=self._posts[code])
            for code in ordered[:limit]
        ]

    def worst(self, limit: int) -> list[PostRow]:
        """Lowest-scoring posts first; more errors break a tie."""
        return sorted(self.rows, key=lambda r: (r.score, -r.counts["error"], r.source))[:limit]

    def histogram(self) -> list[int]:
        """Posts per score band of ten (the last band holds 90-100)."""
        bins = [0] * HISTOGRAM_BINS
        for row in self.rows:
            bins[min(max(row.score, 0) // 10, HISTOGRAM_BINS - 1)] += 1
        return bins


def letter_for(score: int | None) -> str:
    """The grade letter of a score, using the core's grade bands."""
    from clinic_audit.score import letter

    return letter(score) if score is not None else ""


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def collect(posts: Iterable[dict[str, Any]]) -> SiteSummary:
    """A summary of many post dicts at once (tests and the report command)."""
    summary = SiteSummary()
    for post in posts:
        summary.add(post)
    return summary


def read_run(text: str) -> dict[str, Any]:
    """A saved JSON run, checked for everything reports read; ValueError says what is wrong, and where, in one line."""
    from clinic_audit.stored import POST_DEFAULTS, check_finding, check_post, load_json

    run = load_json(text)
    if not isinstance(run, dict) or not isinstance(run.get("posts"), list):
        raise ValueError("not a clinic-audit JSON run (expected an object with a \"posts\" list)")
    tool = run.get("tool", {"name": "clinic-audit"})
    if not isinstance(tool, dict) or tool.get("name") != "clinic-audit":
        raise ValueError(f"not a clinic-audit JSON run (written by {_tool_name(tool)})")
    if "format" in run and run["format"] != RUN_FORMAT:
        raise ValueError(f"a JSON run in format {str(run['format'])[:20]!r}, which this version cannot read "
                         f"(it reads runs saved by `clinic-audit check -f json`)")
    for i, post in enumerate(run["posts"]):
        if not isinstance(post, dict) or "source" not in post:
            raise ValueError(f"not a clinic-audit JSON run (posts[{i}] needs a \"source\")")
        check_post(post, f"posts[{i}]")
        run["posts"][i] = {**POST_DEFAULTS, **post}
    errors = run.get("errors") or []
    if not isinstance(errors, list) or not all(isinstance(e, dict) and "source" in e for e in errors):
        raise ValueError("not a clinic-audit JSON run (\"errors\" must be a list of {source, message})")
    run["errors"] = [{"source": str(e["source"]), "message": str(e.get("message", ""))} for e in errors]
    site = run.get("site")
    if site is not None:
        if not isinstance(site, dict) or not isinstance(site.get("findings", []), list):
            raise ValueError("not a clinic-audit JSON run (\"site\" must be an object with a \"findings\" list)")
        for i, finding in enumerate(site.get("findings", [])):
            check_finding(finding, f"site: findings[{i}]")
    return run


RUN_FORMAT = 1  # runs carry no format number yet; one that says another is not ours to read


def _tool_name(tool: Any) -> str:
    name = tool.get("name") if isinstance(tool, dict) else tool
    return repr(str(name)[:40]) if name else "another tool"
