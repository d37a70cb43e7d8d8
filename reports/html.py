"""The HTML report: ``DIR/index.html`` (the site overview) and one page per post under ``DIR/posts/``, or the
same as one self-contained file (``--html-file FILE``: :class:`HtmlFile`).

Its only input is the JSON shape of a run (``PostResult.to_dict()`` per post),
so a live ``check --html`` and ``report results.json --html`` render the same
way.  Post pages are written as posts arrive; only a small row per post is kept
for the index.  Pages are self-contained (inline CSS and JS, no network), and a
Content-Security-Policy that allows only the report's own script by hash keeps
hostile post content inert even if escaping ever failed.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from clinic_audit.atomic import replaced
from clinic_audit.constants import REPORT_MARKER
from clinic_audit.result import InputFailure, PostResult, RuleDocs, Sink

from . import html_page
from .summary import SEVERITIES, PostRow, SiteSummary, letter_for, plural

POSTS_DIR = "posts"
# The single-file report inlines the details of at most this many posts, the lowest-scoring first, and says so:
# one file meant to be emailed stays a few megabytes (a post's section is about 10-30 kB) however large the site is.
# Every post is still a row of the index table.
SINGLE_FILE_POSTS = 100
CHART_WIDTH, CHART_HEIGHT = 600, 220  # SVG user units; the chart scales to its box
PAGE_SIZE = 200  # index rows shown at a time: a 2,000-post table laid out at once stalls a phone


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    run: str
    date: str
    score: int


def page_name(source: str, taken: set[str]) -> str:
    """A safe, unique file name for a post's page: slug of the source's name plus a short hash of the source."""
    stem = Path(source.replace("\\", "/").rstrip("/")).stem or source
    digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()
    name = f"{html_page.slug(stem, 50)}-{digest[:8]}.html"
    n = 1
    while name in taken:  # the same source twice in one run (stdin, or a repeated argument)
        n += 1
        name = f"{html_page.slug(stem, 50)}-{digest[:8]}-{n}.html"
    taken.add(name)
    return name


def family_label(name: str) -> str:
    """A family's name as a heading: "seo" -> "SEO", "readability" -> "Readability"."""
    return name.upper() if len(name) <= 3 else name.capitalize()


def histogram_bars(counts: list[int]) -> list[Bar]:
    """SVG bars for posts per score band, scaled to the tallest band."""
    tallest = max(counts, default=0) or 1
    slot = CHART_WIDTH / len(counts)
    plot = CHART_HEIGHT - 40  # room for the band labels below and counts above
    bars = []
    for i, count in enumerate(counts):
        height = plot * count / tallest
        label = f"{i * 10}–{i * 10 + 9}" if i < len(counts) - 1 else f"{i * 10}–100"
        bars.append(Bar(i * slot + 4, 20 + plot - height, slot - 8, height, label, count))
    return bars


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class SiteRow:
    """Site findings about one target (a broken URL, a shared title): the message and every page involved."""

    target: str
    message: str
    pages: tuple[str, ...]
    lines: tuple[int, ...]


@dataclass(frozen=True)
class SiteGroup:
    rule: str
    name: str
    severity: str
    count: int
    fix: str  # the suggestion, when every finding of the rule shares it
    rows: tuple[SiteRow, ...]


def site_groups(findings: Iterable[dict[str, Any]]) -> list[SiteGroup]:
    """Site-wide findings grouped by rule (errors and the most frequent first), and within a rule by target:
    a broken link once, with every page linking to it."""
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_rule.setdefault(f["rule"], []).append(f)
    groups = []
    for rule, items in by_rule.items():
        by_target: dict[str, list[dict[str, Any]]] = {}
        for f in items:
            by_target.setdefault(f.get("excerpt") or f["message"], []).append(f)
        rows = []
        for target, same in sorted(by_target.items()):
            # a link finding's sources are (post, target): the pages involved are the posts, not the target
            pages = dict.fromkeys(src for f in same for src in (f.get("sources") or [f["source"]]) if src != target)
            rows.append(SiteRow(target, same[0]["message"], tuple(pages), tuple(f.get("line", 1) for f in same)))
        fixes = {f.get("suggestion") or "" for f in items}
        groups.append(SiteGroup(rule, items[0].get("name", rule), items[0]["severity"], len(items),
                                fixes.pop() if len(fixes) == 1 else "", tuple(rows)))
    return sorted(groups, key=lambda g: (SEVERITY_ORDER.get(g.severity, 3), -g.count, g.rule))


def history_points(history: Iterable[dict[str, Any]]) -> list[Point]:
    """SVG points for the site score over past runs (score 0-100 on the vertical axis)."""
    runs = list(history)
    if not runs:
        return []
    step = (CHART_WIDTH - 60) / max(len(runs) - 1, 1)
    plot = CHART_HEIGHT - 40
    return [
        Point(30 + i * step, 20 + plot * (1 - int(r.get("score", 0)) / 100), str(r.get("run", i + 1)),
              str(r.get("date", "")), int(r.get("score", 0)))
        for i, r in enumerate(runs)
    ]


def environment() -> Any:
    """The Jinja2 environment of every HTML page clinic-audit renders (the report, and the ``serve`` page)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("clinic_audit.reports", "templates"),
        autoescape=True,  # post content is untrusted: everything is escaped unless marked safe
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(plural=plural, letter=letter_for, severities=SEVERITIES)
    env.filters["family"] = family_label
    return env


def script_and_hash(env: Any, name: str) -> tuple[Any, str]:
    """A page's one inline script (a template rendered once) and the CSP hash that allows exactly it."""
    from markupsafe import Markup

    text = env.get_template(name).render()
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), f"sha256-{digest}"


def render_page(env: Any, template: str, scripted: tuple[Any, str] | None = None, **context: Any) -> str:
    """One report page as text: the template with the report's inline script and the CSP hash that allows it
    (``scripted``: the two, when the caller has them already)."""
    from clinic_audit import __version__

    script, script_hash = scripted or script_and_hash(env, "report.js")
    return env.get_template(template).render(script=script, script_hash=script_hash, tool_version=__version__,
                                             **context)


def index_context(summary: SiteSummary, site_findings: list[dict[str, Any]],
                  history: list[dict[str, Any]]) -> dict[str, Any]:
    """What the index (``index.html``, and the top of the single file) shows of a run."""
    return {
        "summary": summary,
        "rows": summary.worst(len(summary.rows)),  # worst first: what needs work leads
        "families": summary.families,
        "totals": summary.severity_totals(),
        "problems": summary.problems(),
        "bars": histogram_bars(summary.histogram()),
        "family_averages": summary.family_averages(),
        "site_findings": site_findings,
        "site_groups": site_groups(site_findings),
        "pages": {row.source: row.page for row in summary.rows if row.page},
        "points": history_points(history),
        "chart": (CHART_WIDTH, CHART_HEIGHT),
        "page_size": PAGE_SIZE,
    }


def writable_file(path: Path) -> None:
    """Raise OSError now (before an audit) when ``path`` cannot be written: its folder is missing or read-only."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(2, "no such folder", str(path))
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OSError(13, "permission denied", str(path))


class HtmlSite:
    """Writes the report directory from post dicts: one page per post at once, the index at the end."""

    def __init__(self, directory: str | Path, history: list[dict[str, Any]] | None = None,
                 rules: RuleDocs | None = None):
        self.directory = Path(directory)
        (self.directory / POSTS_DIR).mkdir(parents=True, exist_ok=True)  # fail now, before the audit, if we cannot
        # A report folder is never audited as posts, even when it sits inside the folder being audited.
        (self.directory / REPORT_MARKER).write_text("written by clinic-audit --html; never audited as posts\n",
                                                    encoding="utf-8")
        self.history = list(history or [])
        self.site_findings: list[dict[str, Any]] = []
        self.summary = SiteSummary()
        self._taken: set[str] = set()
        self._env: Any = None
        self._script: tuple[str, str] | None = None
        self.rules = rules

    # -- rendering helpers ---------------------------------------------------------------------------

    def _environment(self) -> Any:
        if self._env is None:
            self._env = environment()
        return self._env

    def _script_and_hash(self) -> tuple[str, str]:
        """The report's one inline script and its CSP hash."""
        if self._script is None:
            self._script = script_and_hash(self._environment(), "report.js")
        return self._script

    def _render(self, template: str, path: Path, **context: Any) -> None:
        html = render_page(self._environment(), template, self._script_and_hash(), **context)
        with replaced(path) as temporary:  # a full disk leaves the previous page whole
            temporary.write_text(html, encoding="utf-8")

    # -- the sink protocol, on dicts -----------------------------------------------------------------

    def add(self, post: dict[str, Any]) -> str:
        """Write the post's page and remember its overview row; returns the page's path inside the directory."""
        self._environment()
        name = page_name(str(post.get("source", "")), self._taken)
        row = self.summary.add(post, f"{POSTS_DIR}/{name}")
        self._render("post.html", self.directory / POSTS_DIR / name, post=post, row=row,
                     **html_page.post_view(post, row.scores, self.rules))
        return row.page

    def failure(self, failure: dict[str, str]) -> None:
        self.summary.failures.append(failure)

    def site(self, findings: Iterable[dict[str, Any]]) -> None:
        """Site-wide findings (site runs): listed on the index with the pages each involves."""
        self.site_findings.extend(findings)

    def finish(self) -> Path:
        """Write index.html; returns its path."""
        index = self.directory / "index.html"
        self._render("index.html", index, **index_context(self.summary, self.site_findings, self.history))
        return index


class HtmlFile:
    """Writes the report as one self-contained file from post dicts: the index, then the worst posts' pages as
    sections of it (``#post-…``), the rest as index rows only (see :data:`SINGLE_FILE_POSTS`).

    Only the posts that may still be among the worst are kept while a run streams (at most twice the limit)."""

    def __init__(self, path: str | Path, history: list[dict[str, Any]] | None = None,
                 rules: RuleDocs | None = None, limit: int = SINGLE_FILE_POSTS):
        self.path = Path(path)
        writable_file(self.path)  # fail now, before the audit, if we cannot
        self.history = list(history or [])
        self.rules = rules
        self.limit = limit
        self.site_findings: list[dict[str, Any]] = []
        self.summary = SiteSummary()
        self._taken: set[str] = set()
        self._kept: list[tuple[tuple[Any, ...], PostRow, dict[str, Any]]] = []

    def add(self, post: dict[str, Any]) -> str:
        """Remember the post's index row (and the post while it may be among the worst); returns its anchor."""
        anchor = "post-" + page_name(str(post.get("source", "")), self._taken).removesuffix(".html")
        row = self.summary.add(post, f"#{anchor}")
        # the index's order (SiteSummary.worst), the arrival number breaking exact ties as its stable sort does
        self._kept.append(((row.score, -row.counts["error"], row.source, len(self.summary.rows)), row, post))
        if len(self._kept) >= 2 * self.limit:
            self._trim()
        return row.page

    def _trim(self) -> None:
        self._kept.sort(key=lambda kept: kept[0])
        del self._kept[self.limit:]

    def failure(self, failure: dict[str, str]) -> None:
        self.summary.failures.append(failure)

    def site(self, findings: Iterable[dict[str, Any]]) -> None:
        self.site_findings.extend(findings)

    def finish(self) -> Path:
        """Write the file; returns its path."""
        self._trim()
        shown = {id(row) for _, row, _ in self._kept}
        # a post without a section here is a row without a link
        self.summary.rows = [row if id(row) in shown else replace(row, page="") for row in self.summary.rows]
        details, codes = [], {}
        for _, row, post in self._kept:
            view = html_page.post_view(post, row.scores, self.rules)
            anchor = row.page.removeprefix("#")
            codes.update(dict.fromkeys(code for code, _ in view["rules"]))
            details.append({"anchor": anchor, "prefix": f"{anchor}-", "row": row, "post": post, **view})
        rules = [(code, self.rules(code) if self.rules is not None else None) for code in codes]
        html = render_page(environment(), "single.html", details=details, rules=rules,
                           left_out=len(self.summary.rows) - len(details),
                           **index_context(self.summary, self.site_findings, self.history))
        with replaced(self.path) as temporary:  # a full disk leaves the previous file whole
            temporary.write_text(html, encoding="utf-8")
        return self.path


class HtmlSink(Sink):
    """``check --html DIR`` (or ``--html-file FILE``, ``single=True``): a sink that feeds each result's JSON shape
    to an :class:`HtmlSite` (or an :class:`HtmlFile`)."""

    def __init__(self, directory: str | Path, history: list[dict[str, Any]] | None = None,
                 rules: RuleDocs | None = None, history_source: Callable[[], list[dict[str, Any]]] | None = None,
                 single: bool = False):
        """``history_source`` is read when the run is over (the run's own point is known only then)."""
        self.writer: HtmlSite | HtmlFile = (HtmlFile if single else HtmlSite)(directory, history, rules)
        self.history_source = history_source
        self.index: Path | None = None

    def post(self, result: PostResult) -> None:
        self.writer.add(result.to_dict())

    def failure(self, failure: InputFailure) -> None:
        self.writer.failure(failure.to_dict())

    def site(self, findings: Iterable[Any]) -> None:
        """Site-wide findings (the run calls this after the posts)."""
        self.writer.site(f.to_dict() for f in findings)

    def finish(self) -> None:
        if self.history_source is not None:
            self.writer.history = list(self.history_source())
        self.index = self.writer.finish()


def render_run(run: dict[str, Any], directory: str | Path, rules: RuleDocs | None = None,
               single: bool = False) -> Path:
    """Render a saved run (the JSON report's document) into ``directory`` (or, ``single``, as that one file);
    returns the index path."""
    site: HtmlSite | HtmlFile = (HtmlFile if single else HtmlSite)(directory, run.get("history"), rules)
    for post in run.get("posts", []):
        site.add(post)
    for failure in run.get("errors", []):
        site.failure(failure)
    site.site((run.get("site") or {}).get("findings", []))
    return site.finish()
