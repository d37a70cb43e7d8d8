"""The ``clinic-audit`` command line."""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from pathlib import Path
from typing import Any, Iterable

import click

from . import __version__
from .reports import FORMATS


class ExitCode(IntEnum):
    OK = 0  # nothing at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on
    ERROR = 2  # bad usage, bad configuration, or an input that could not be audited


FAIL_ON = ("error", "warning", "info", "never")


def _split(values: Iterable[str]) -> list[str]:
    """--select a,b --select c -> [a, b, c]"""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _load_config(sources: Iterable[str], cli_layer: dict[str, Any], config_file: str | None, isolated: bool) -> Any:
    from .config import Config, ConfigError
    from .registry import load

    first = next((s for s in sources if s != "-"), ".")
    try:
        return Config.build(load(), Path(first), cli_layer, Path(config_file) if config_file else None, isolated)
    except ConfigError as exc:
        click.echo(f"clinic-audit: configuration error: {exc}", err=True)
        sys.exit(ExitCode.ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clinic-audit")
def main() -> None:
    """Audit clinic blog posts for readability, structure, citations, SEO and trust."""


@main.command()
@click.argument("sources", nargs=-1, required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to a file.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), help="Use this config file.")
@click.option("--isolated", is_flag=True, help="Ignore project configuration files.")
@click.option("--select", multiple=True, help="Rules to run: codes, prefixes, names or families (comma-separated).")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option("--ignore", multiple=True, help="Rules to skip: codes, prefixes, names or families.")
@click.option("--profile", type=click.Choice(["patient", "clinician"]), help="Audience profile (default: patient).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), help="Lowest severity that makes the exit code 1 [default: error].")
@click.option("--selector", help="CSS selector of the article in HTML pages.")
@click.option("--lang", "language", help="Language of posts that do not declare one (en, es).")
@click.option("--stdin-format", type=click.Choice(["html", "markdown", "text"]), help="Format of standard input.")
@click.option("--keyphrase", help="Target keyphrase for the SEO keyphrase rules (overrides front-matter `keyphrase`).")
@click.option("-j", "--jobs", type=int, default=None,
              help="Worker processes [default: all cores; runs of fewer than 16 posts stay in one process].")
@click.option("--crawl", multiple=True, metavar="URL", help="Crawl this site from URL (same host, robots.txt honoured).")
@click.option("--max-depth", type=click.IntRange(0), default=3, show_default=True, help="Crawl: link depth limit.")
@click.option("--max-pages", type=click.IntRange(1), default=500, show_default=True, help="Crawl: page limit.")
@click.option("--rate", type=click.FloatRange(0), default=10.0, show_default=True,
              help="Requests per second per host (0: no limit).")
@click.option("--db", is_flag=False, flag_value=".clinic-audit/history.sqlite", default=None, metavar="PATH",
              help="Record the run in this SQLite history [default with no PATH: .clinic-audit/history.sqlite].")
@click.option("--fail-on-regression", is_flag=True, help="With --db: exit 1 when this run has new errors or a lower "
              "site score than the previous run.")
@click.option("--no-suggestions", is_flag=True, help="Text format: leave out the 'fix:' lines.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: only findings, no score lines or summary.")
@click.option("--color/--no-color", default=None, help="Colour the text output [default: on a terminal].")
@click.option("--html", "html_dir", type=click.Path(file_okay=False), help="Also write an HTML report to this folder.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="Report and fail only on findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False),
              help="Record every finding of this run in a baseline file.")
@click.option("--no-cache", is_flag=True, help="Audit every post again instead of reusing unchanged results.")
def check(
    sources: tuple[str, ...],
    fmt: str,
    output: str | None,
    config_file: str | None,
    isolated: bool,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    profile: str | None,
    fail_on: str | None,
    selector: str | None,
    language: str | None,
    stdin_format: str | None,
    keyphrase: str | None,
    jobs: int | None,
    crawl: tuple[str, ...],
    max_depth: int,
    max_pages: int,
    rate: float,
    db: str | None,
    fail_on_regression: bool,
    no_suggestions: bool,
    quiet: bool,
    color: bool | None,
    html_dir: str | None,
    baseline_file: str | None,
    write_baseline: str | None,
    no_cache: bool,
) -> None:
    """Audit posts: files, folders (recursively), - for standard input, page or sitemap URLs, wordpress+https://site/."""
    from .baseline import BaselineError
    from .engine import audit_all, default_jobs
    from .result import InputFailure
    from .rule import Severity
    from .sources import discover
    from clinic_audit.reports import reporter

    if not sources and not crawl:
        raise click.UsageError("give files, folders, URLs or --crawl URL to audit")
    cli_layer = {
        "select": _split(select),
        "extend-select": _split(extend_select),
        "ignore": _split(ignore),
        "profile": profile,
        "fail-on": fail_on,
        "html-selector": selector,
        "language": language,
        # --keyphrase is the option of the keyphrase rules, set in the command-line layer.
        "rules": {name: {"keyphrase": keyphrase} for name in ("keyphrase-placement", "keyphrase-density")} if keyphrase else None,
    }
    config = _load_config(sources, cli_layer, config_file, isolated)
    if _single_post(sources, crawl):
        from dataclasses import replace

        config = replace(config, post_summaries=False)  # site rules need two posts: skip what they would read
    settings = config.effective()
    threshold = settings["fail-on"]
    stream = open(output, "w", encoding="utf-8") if output else sys.stdout
    use_color = _wants_color(stream, color) and fmt == "text"
    from .result import rule_docs

    docs = rule_docs(config.registry)  # what reports show of a rule comes from the run, not the registry
    report = reporter(fmt, stream, color=use_color, suggestions=not no_suggestions, quiet=quiet, rules=docs)
    # Every consumer of results is a sink (post/failure/finish); transforms run before them.
    # Later capabilities (HTML site, history, baseline) plug in here, not into the loop.
    sinks: list[Any] = [report]
    transforms: list[Any] = []
    site_transforms: list[Any] = []  # the same, for the site-wide findings
    if html_dir:
        from clinic_audit.reports.html import HtmlSink

        try:
            sinks.append(HtmlSink(html_dir, rules=docs))
        except OSError as exc:
            click.echo(f"clinic-audit: cannot write the HTML report to {html_dir}: {exc.strerror}", err=True)
            sys.exit(ExitCode.ERROR)
    if baseline_file:
        from .baseline import Baseline

        try:
            baseline = Baseline.read(baseline_file)
            transforms.append(baseline.filter)
            site_transforms.append(baseline.filter_site)
        except BaselineError as exc:
            click.echo(f"clinic-audit: {exc}", err=True)
            sys.exit(ExitCode.ERROR)
    if write_baseline:
        from .baseline import BaselineWriter

        sinks.append(BaselineWriter(write_baseline))
    cache = None
    if not no_cache:
        from .cache import ResultCache

        cache = ResultCache(config.root)
    worst: Severity | None = None
    failed_inputs = 0
    skipped_inputs = 0
    audited_posts = 0
    summaries: list[Any] = []  # what the site rules read (PostSummary), for runs of files
    regressed = False
    from .web.pipeline import wants_site_run

    site_run = _site_run(config, sources, crawl, jobs, db, (max_depth, max_pages, rate), stdin_format) \
        if wants_site_run(sources, crawl, db) else None
    if site_run is not None:
        results = site_run.results()
    else:
        targets = discover(sources, settings["include"], settings["exclude"], config.root)
        results = audit_all(targets, config, jobs=jobs or default_jobs(), stdin_format=stdin_format, cache=cache)
    progress = _progress(site_run, quiet)
    try:
        for result in results:
            if progress is not None:
                progress.clear()  # findings never share a line with the progress display
            if isinstance(result, InputFailure):
                if result.skipped:
                    skipped_inputs += 1
                else:
                    failed_inputs += 1
                for sink in sinks:
                    sink.failure(result)
                if output or fmt != "text":
                    what = "skipped: " if result.skipped else ""
                    click.echo(f"clinic-audit: {result.source}: {what}{result.message}", err=True)
                if progress is not None:
                    progress.step(not result.skipped)
                continue
            audited_posts += 1
            if site_run is None and result.summary is not None:
                from .siterules import PostSummary

                summaries.append(PostSummary.from_dict(result.summary))  # compact: tuples, not the JSON dict
            for transform in transforms:
                result = transform(result)
            for sink in sinks:
                sink.post(result)
            if progress is not None:
                progress.step(False)
            post_worst = result.worst()
            if post_worst is not None and (worst is None or post_worst > worst):
                worst = post_worst
        if progress is not None:
            progress.close()
        measured = site_run.site_findings() if site_run is not None else _file_site_findings(config, summaries)
        site_findings = measured
        for transform in site_transforms:
            site_findings = transform(site_findings)
        if site_findings or site_run is not None:
            for sink in sinks:
                sink.site(site_findings)
            worst = max([f.severity for f in site_findings] + ([worst] if worst is not None else []), default=None)
        if site_run is not None:
            run_id = site_run.finish(measured)  # the history keeps what was measured, baseline or not
            if run_id is not None and not quiet:
                click.echo(f"clinic-audit: stored run {run_id} in {db} ({site_run.reused} unchanged posts reused)", err=True)
            if run_id is not None and fail_on_regression:
                from .history import regression

                regressed = regression(db, run_id)  # type: ignore[arg-type]
        for sink in sinks:
            sink.finish()
    except BaselineError as exc:
        click.echo(f"clinic-audit: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    finally:
        if output:
            stream.close()
    if failed_inputs:
        sys.exit(ExitCode.ERROR)
    if not audited_posts and (not skipped_inputs or any(Path(s).is_dir() for s in sources if s != "-")):
        # a folder that audits nothing is a mistake; explicitly named files that are not posts are fine
        click.echo(f"clinic-audit: {_nothing_audited(sources, settings['include'], skipped_inputs)}", err=True)
        sys.exit(ExitCode.ERROR)
    if threshold != "never" and worst is not None and worst >= Severity.parse(threshold) or regressed:
        sys.exit(ExitCode.FINDINGS)
    sys.exit(ExitCode.OK)


def _single_post(sources: Iterable[str], crawl: Iterable[str]) -> bool:
    """One file or standard input, no folder, page list or crawl: no site to speak of."""
    from .web import is_web_source

    sources = list(sources)
    return len(sources) == 1 and not list(crawl) and not is_web_source(sources[0]) and not Path(sources[0]).is_dir()


def _file_site_findings(config: Any, summaries: list[Any]) -> list[Any]:
    """Site rules over a run of two or more files (no link checks: a run of files fetches nothing)."""
    if len(summaries) < 2:
        return []
    from .siterules import Site, is_site_rule, run_site_rules

    settings = [s for s in config.rule_settings(None) if is_site_rule(s.rule)]
    if not settings:
        return []
    return run_site_rules(Site(tuple(summaries), {}), settings)


def _nothing_audited(sources: Iterable[str], include: Iterable[str], skipped: int) -> str:
    """Why a run audited no post: what was skipped, and which files the folders hold instead."""
    if skipped:
        return f"no post was audited: {skipped} input{'s were' if skipped != 1 else ' was'} skipped (see above)"
    patterns = ", ".join(include)
    others: dict[str, int] = {}
    for source in sources:
        path = Path(source)
        if path.is_dir():
            for count, found in enumerate(path.rglob("*")):
                if count > 10_000:
                    break
                if found.is_file():
                    others[found.suffix.lower() or found.name] = others.get(found.suffix.lower() or found.name, 0) + 1
    held = ", ".join(f"{n} {kind}" for kind, n in sorted(others.items(), key=lambda kv: -kv[1])[:6])
    return f"no post was audited: no file matches {patterns}" + (f" (found {held})" if held else "")


def _site_run(config: Any, sources: Iterable[str], crawl: tuple[str, ...], jobs: int | None, db: str | None,
              limits: tuple[int, int, float], stdin_format: str | None) -> Any:
    """A run over web sources and/or recorded in the history (site rules run on it)."""
    from .engine import default_jobs
    from .history import HistoryError, Recorder
    from .web.pipeline import SiteRun, WebOptions

    recorder = None
    if db is not None:
        try:
            recorder = Recorder(db, [*sources, *(f"--crawl {c}" for c in crawl)])
        except HistoryError as exc:
            click.echo(f"clinic-audit: {exc}", err=True)
            sys.exit(ExitCode.ERROR)
    web = WebOptions(crawl=crawl, max_depth=limits[0], max_pages=limits[1], rate=limits[2])
    return SiteRun(config, list(sources), default_jobs() if not jobs else jobs, web, recorder, stdin_format)


def _wants_color(stream: Any, flag: bool | None) -> bool:
    """--color/--no-color, else NO_COLOR (any value: off) and FORCE_COLOR (any value: on), else a terminal."""
    import os

    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def _progress(site_run: Any, quiet: bool) -> Any:
    from .progress import Progress

    if not Progress.wanted(quiet):
        return None
    return Progress(lambda: site_run.expected if site_run is not None else None)


@main.command("report")
@click.argument("results", type=click.File("r", encoding="utf-8"))
@click.option("--html", "html_dir", type=click.Path(file_okay=False), help="Write the HTML report to this folder.")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)),
              help="Print the run in this format [default: text, or nothing with --html].")
def report_command(results: Any, html_dir: str | None, fmt: str | None) -> None:
    """Render a saved run (the output of check --format json) as HTML, Markdown or text."""
    from clinic_audit.reports import reporter
    from clinic_audit.reports.summary import read_run

    from .registry import load
    from .result import InputFailure, PostResult, rule_docs

    docs = rule_docs(load())
    try:
        run = read_run(results.read())
    except ValueError as exc:
        click.echo(f"clinic-audit: {results.name}: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    if html_dir:
        from clinic_audit.reports.html import render_run

        try:
            click.echo(f"clinic-audit: wrote {render_run(run, html_dir, docs)}", err=True)
        except OSError as exc:
            click.echo(f"clinic-audit: cannot write the HTML report to {html_dir}: {exc.strerror}", err=True)
            sys.exit(ExitCode.ERROR)
    if fmt or not html_dir:
        out = reporter(fmt or "text", sys.stdout, color=False, rules=docs)
        for post in run["posts"]:
            out.post(PostResult.from_dict(post))
        for failure in run["errors"]:
            out.failure(InputFailure(failure["source"], failure["message"]))
        out.finish()


@main.command("rules")
@click.option("--family", help="Only this family.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="markdown prints the table the README embeds.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
def list_rules(family: str | None, fmt: str, as_json: bool) -> None:
    """List every rule: code, name, family, default severity and summary."""
    from .registry import load

    chosen = [r for r in load() if family is None or r.family == family]
    if fmt == "markdown":
        click.echo("| code | name | family | severity | what it catches |")
        click.echo("|---|---|---|---|---|")
        for r in chosen:
            summary = r.summary.replace("|", "\\|")
            click.echo(f"| {r.code} | `{r.name}` | {r.family} | {r.severity} | {summary} |")
        return
    if as_json or fmt == "json":
        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "family": r.family, "severity": str(r.severity), "summary": r.summary}
            for r in chosen
        ], indent=2))
        return
    for r in chosen:
        click.echo(f"{r.code:<6} {r.name:<30} {r.family:<12} {str(r.severity):<8} {r.summary}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print a rule's full documentation and options."""
    from .registry import load

    r = load().get(code)
    if r is None:
        click.echo(f"clinic-audit: no rule {code!r} (see `clinic-audit rules`)", err=True)
        sys.exit(ExitCode.ERROR)
    click.echo(f"{r.code} {r.name} ({r.family}, default severity {r.severity})\n")
    click.echo(r.doc)
    if r.options:
        click.echo("\nOptions:")
        for opt in r.options:
            click.echo(f"  {opt.name} ({opt.type.__name__}, default {opt.default!r}): {opt.help}")


@main.command("config")
@click.option("--show", is_flag=True, help="Print the merged configuration.")
@click.option("--path", "for_path", help="Show the settings that apply to this post (per-path overrides).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), help="Use this config file.")
def show_config(show: bool, for_path: str | None, config_file: str | None) -> None:
    """Show where configuration comes from and what it resolves to."""
    config = _load_config([for_path or "."], {}, config_file, False)
    click.echo(f"# configuration file: {config.file or '(none found; defaults)'}")
    settings = config.effective(for_path)
    active = config.rule_settings(for_path)
    settings["rules"] = {
        s.rule.code: {"name": s.rule.name, "severity": str(s.severity), **dict(s.options)} for s in active
    }
    click.echo(json.dumps(settings, indent=2, ensure_ascii=False))


@main.command("history")
@click.option("--db", default=".clinic-audit/history.sqlite", show_default=True, metavar="PATH", help="History database.")
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True, help="How many runs to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
def history_command(db: str, limit: int, as_json: bool) -> None:
    """List the recorded runs, newest first."""
    from dataclasses import asdict

    from .history import HistoryError, runs

    try:
        found = runs(db, limit)
    except HistoryError as exc:
        click.echo(f"clinic-audit: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in found], indent=2))
        return
    for r in found:
        click.echo(f"{r.id:>5}  {r.started}  {r.posts:>5} posts  {r.errors:>3} errors  {r.findings:>6} findings  "
                   f"site score {r.site_score}  {' '.join(r.sources)}")


@main.command("diff")
@click.argument("run_a", type=int, required=False)
@click.argument("run_b", type=int, required=False)
@click.option("--db", default=".clinic-audit/history.sqlite", show_default=True, metavar="PATH", help="History database.")
@click.option("--fail-on-regression", is_flag=True, help="Exit 1 when RUN_B has new errors or a lower site score.")
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
def diff_command(run_a: int | None, run_b: int | None, db: str, fail_on_regression: bool, as_json: bool) -> None:
    """New and fixed findings and score changes between two runs (default: the last two)."""
    from dataclasses import asdict

    from .history import HistoryError, describe_diff, diff

    try:
        d = diff(db, run_a, run_b)
    except HistoryError as exc:
        click.echo(f"clinic-audit: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    if as_json:
        click.echo(json.dumps({**asdict(d), "regressed": d.regressed}, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(describe_diff(d)))
    if fail_on_regression and d.regressed:
        sys.exit(ExitCode.FINDINGS)


if __name__ == "__main__":  # pragma: no cover
    main()
