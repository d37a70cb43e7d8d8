"""The ``clinic-audit`` command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, NoReturn

import click

from . import __version__
from .constants import DEFAULT_DB, FAIL_ON, HTTP_CACHE, ExitCode, profiles
from .reports import FORMATS




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
    _log_warnings_to_stderr()


class _StderrWarnings(logging.Handler):
    """Warnings from any part of the run, one line each on stderr (where the user is when it runs)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"clinic-audit: warning: {record.getMessage()}", err=True)


def _log_warnings_to_stderr() -> None:
    logger = logging.getLogger("clinic_audit")
    if not any(isinstance(h, _StderrWarnings) for h in logger.handlers):
        handler = _StderrWarnings(logging.WARNING)
        logger.addHandler(handler)


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
@click.option("--profile", type=click.Choice(sorted(profiles())), help="Audience profile (default: patient).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), help="Lowest severity that makes the exit code 1 [default: error].")
@click.option("--selector", help="CSS selector of the article in HTML pages.")
@click.option("--lang", "language", help="Language of posts that do not declare one (en, es).")
@click.option("--stdin-format", type=click.Choice(["html", "markdown", "text"]), help="Format of standard input.")
@click.option("--keyphrase", help="Target keyphrase for the SEO keyphrase rules (overrides front-matter `keyphrase`).")
@click.option("--synonyms", help="Comma-separated keyphrase synonyms for the keyphrase rules (overrides front-matter `synonyms`).")
@click.option("-j", "--jobs", type=int, default=None,
              help="Worker processes [default: all cores; runs of fewer than 16 posts stay in one process].")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run the per-post work on a Dask distributed cluster (tcp://host:8786); needs clinic-audit[distributed].")
@click.option("--crawl", multiple=True, metavar="URL", help="Crawl this site from URL (same host, robots.txt honoured).")
@click.option("--max-depth", type=click.IntRange(0), default=3, show_default=True, help="Crawl: link depth limit.")
@click.option("--max-pages", type=click.IntRange(1), default=500, show_default=True, help="Crawl: page limit.")
@click.option("--rate", type=click.FloatRange(0), default=10.0, show_default=True,
              help="Requests per second per host (0: no limit).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST",
              help="Another host a sitemap, redirect or link may lead to (the audited sites only, by default).")
@click.option("--include-url", "include_urls", multiple=True, metavar="GLOB",
              help="Sitemaps and crawls: audit only pages whose URL path matches (e.g. '/blog/*').")
@click.option("--exclude-url", "exclude_urls", multiple=True, metavar="GLOB",
              help="Sitemaps and crawls: never audit pages whose URL path matches (crawls still follow their links).")
@click.option("--wp-type", "wp_types", default="posts", show_default=True, metavar="TYPES",
              help="WordPress: REST collections to audit, comma-separated (posts, pages, a custom post type).")
@click.option("--wp-status", type=click.Choice(["publish", "draft", "pending", "private", "future", "any"]),
              help="WordPress: which statuses [default: any with credentials, else publish].")
@click.option("--max-requests", type=click.IntRange(1), default=None,
              help="Requests the whole run may make, link checks included [default: 10 per --max-pages].")
@click.option("--db", is_flag=False, flag_value=DEFAULT_DB, default=None, metavar="PATH",
              help="Record the run in this SQLite history [default with no PATH: .clinic-audit/history.sqlite].")
@click.option("--fail-on-regression", is_flag=True, help="With --db: exit 1 when this run has new errors or a lower "
              "site score than the previous run.")
@click.option("--no-suggestions", is_flag=True, help="Text format: leave out the 'fix:' lines.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: only findings, no score lines or summary.")
@click.option("--color/--no-color", default=None, help="Colour the text output [default: on a terminal].")
@click.option("--html", "html_dir", type=click.Path(file_okay=False), help="Also write an HTML report to this folder.")
@click.option("--html-file", "html_file", type=click.Path(dir_okay=False),
              help="Also write the HTML report as one self-contained file (to email; details of the 100 worst posts).")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False),
              help="Also write an Excel workbook (Posts, Findings, Site findings sheets) to this file.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="Report and fail only on findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False),
              help="Record every finding of this run in a baseline file.")
@click.option("--no-cache", is_flag=True, help="Audit every post again instead of reusing unchanged results, and "
              "download every page again instead of revalidating the ones fetched before.")
@click.option("--check-external", is_flag=True,
              help="Also ask other sites whether the pages the posts link to are there (HEAD, robots.txt honoured).")
@click.option("--check-links/--no-check-links", default=None,
              help="Fetch the posts' internal links to find broken ones [default: when the run fetches pages].")
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
    synonyms: str | None,
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
    check_links: bool | None,
    allow_hosts: tuple[str, ...],
    max_requests: int | None,
    wp_types: str,
    wp_status: str | None,
    include_urls: tuple[str, ...],
    exclude_urls: tuple[str, ...],
    xlsx_file: str | None,
    scheduler: str | None,
    check_external: bool,
    html_file: str | None,
) -> None:
    """Audit posts: files, folders (recursively), - for standard input, page or sitemap URLs, wordpress+https://site/."""
    from .run import Run, RunOptions, exit_code
    from .sources.web import WebOptions

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
        "keyphrase": keyphrase,
        "synonyms": synonyms,
    }
    config = _load_config(sources, cli_layer, config_file, isolated)
    options = RunOptions(sources=tuple(sources), jobs=jobs or _default_jobs(), stdin_format=stdin_format,
                         web=WebOptions(crawl=crawl, max_depth=max_depth, max_pages=max_pages, rate=rate,
                                        allow_hosts=allow_hosts, max_requests=max_requests,
                                        wp_types=tuple(_split([wp_types])), wp_status=wp_status,
                                        include_urls=include_urls, exclude_urls=exclude_urls,
                                        http_cache=None if no_cache else str(config.root / HTTP_CACHE)),
                         check_links=check_links, check_external=check_external,
                         fail_on_regression=fail_on_regression)
    _refuse_to_overwrite_inputs(sources, config.effective()["include"], output, write_baseline, html_dir, xlsx_file,
                                html_file)
    with _report_stream(output) as stream:
        sinks, transforms = _outputs(config, stream, fmt, output, html_dir, baseline_file, write_baseline,
                                     color, not no_suggestions, quiet, db, html_file)
        if xlsx_file:
            from clinic_audit.reports.xlsx import XlsxSink

            try:
                sinks.append(XlsxSink(xlsx_file))
            except OSError as exc:
                _fail(f"cannot write the workbook {xlsx_file}: {exc.strerror}")
        reads_text = any(consumer.reads_text for consumer in (*sinks, *transforms))
        store, regression = _store(config, sources, crawl, db, no_cache, reads_text)
        run = Run(config, options, store, sinks, transforms, regression=regression,
                  pool=_dask_pool(config, scheduler or config.effective().get("scheduler")))
        run.watcher = _progress(run, quiet)
        try:
            result = run.execute()
        except _user_errors() as exc:
            if isinstance(exc, OSError):
                _fail(f"cannot write {exc.filename or 'an output'}: {exc.strerror or exc}; the run stopped there "
                      "(outputs already complete are whole, the one being written was not replaced)")
            _fail(str(exc))
    if result.run_id is not None and not quiet:
        click.echo(f"clinic-audit: stored run {result.run_id} in {db} ({result.reused} unchanged posts reused)", err=True)
    if result.nothing_audited:
        click.echo(f"clinic-audit: {result.nothing_audited}", err=True)
    sys.exit(exit_code(result, config.effective()["fail-on"]))


@contextmanager
def _report_stream(output: str | None) -> Iterator[Any]:
    """Standard output, or ``-o FILE`` written atomically: a temporary file beside it, renamed when complete."""
    if not output:
        yield sys.stdout
        return
    from .atomic import replaced

    try:
        with replaced(output) as temporary, open(temporary, "w", encoding="utf-8") as stream:
            yield stream
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")


def _refuse_to_overwrite_inputs(sources: Iterable[str], include: Iterable[str], output: str | None,
                                write_baseline: str | None, html_dir: str | None, xlsx_file: str | None = None,
                                html_file: str | None = None) -> None:
    """Outputs never replace a post: ``-o``, ``--write-baseline``, ``--xlsx`` or ``--html-file`` naming an input (or
    a file the audit of an input folder would read), ``--html`` in or over an input folder."""
    from .web import is_web_source

    inputs = [Path(s).resolve() for s in sources if s != "-" and not is_web_source(s)]
    patterns = [p.lower() for p in include]
    for flag, value in (("-o/--output", output), ("--write-baseline", write_baseline), ("--xlsx", xlsx_file),
                        ("--html-file", html_file)):
        if not value:
            continue
        target = Path(value).resolve()
        audited = any(target == i or (i.is_dir() and target.is_relative_to(i) and target.exists()
                                      and any(Path(target.name.lower()).match(p) for p in patterns)) for i in inputs)
        if audited:
            _fail(f"{flag} {value} is one of the posts being audited; write it somewhere else")
    if html_file:  # a new report inside an audited folder would be audited as a post by the next run
        target = Path(html_file).resolve()
        if any(i.is_dir() and target.is_relative_to(i) and any(Path(target.name.lower()).match(p) for p in patterns)
               for i in inputs):
            _fail(f"--html-file {html_file} is inside a folder being audited, where the next run would read it as "
                  "a post; write it somewhere else")
    if html_dir:
        from .constants import REPORT_MARKER

        target = Path(html_dir).resolve()
        ours = (target / REPORT_MARKER).is_file()  # a report folder clinic-audit wrote before: never audited
        if any(target == i or (not ours and i.is_relative_to(target)) for i in inputs) or (
                not ours and target.is_dir() and any(i.is_dir() and target.is_relative_to(i) for i in inputs)
                and any(Path(f.name.lower()).match(p) for f in target.iterdir() for p in patterns)):
            _fail(f"--html {html_dir} holds posts being audited; write the report to a folder of its own")


def _dask_pool(config: Any, scheduler: str | None) -> Any:
    """A factory for the Dask pool when a scheduler is named (the cluster is contacted when work starts)."""
    if not scheduler:
        return None
    from importlib.util import find_spec

    if find_spec("distributed") is None:
        _fail('--scheduler needs Dask: pip install "clinic-audit[distributed]"')
    from .executors import DaskPool

    def start() -> Any:
        try:
            return DaskPool(config, scheduler)
        except OSError as exc:
            _fail(f"cannot reach the Dask scheduler at {scheduler}: {exc}")

    return start


def _fail(message: str) -> NoReturn:
    click.echo(f"clinic-audit: {message}", err=True)
    sys.exit(ExitCode.ERROR)


def _user_errors() -> tuple[type[Exception], ...]:
    """What a run can raise that is the user's to fix (a broken baseline or history, an output that cannot be
    written: a full disk, a folder without permission), never a traceback."""
    from .baseline import BaselineError
    from .history import HistoryError

    return BaselineError, HistoryError, OSError


def _default_jobs() -> int:
    from .engine import default_jobs

    return default_jobs()


def _outputs(config: Any, stream: Any, fmt: str, output: str | None, html_dir: str | None, baseline_file: str | None,
             write_baseline: str | None, color: bool | None, suggestions: bool, quiet: bool,
             db: str | None = None, html_file: str | None = None) -> tuple[list[Any], list[Any]]:
    """The run's sinks (the report, the HTML site or file, a baseline writer) and transforms (a baseline)."""
    from clinic_audit.reports import reporter

    from .result import InputFailure, Sink, rule_docs

    docs = rule_docs(config.registry)  # what reports show of a rule comes from the run, not the registry
    use_color = _wants_color(stream, color) and fmt == "text"
    sinks: list[Any] = [reporter(fmt, stream, color=use_color, suggestions=suggestions, quiet=quiet, rules=docs)]
    if output or fmt != "text":

        class _Notices(Sink):  # the report goes to a file or a machine format: say on stderr what was not audited
            reads_text = False

            def failure(self, failure: InputFailure) -> None:
                from .controls import printable

                what = "skipped: " if failure.skipped else ""
                click.echo(f"clinic-audit: {printable(failure.source)}: {what}{printable(failure.message)}", err=True)

        sinks.append(_Notices())
    if html_dir:
        from clinic_audit.reports.html import HtmlSink

        try:
            sinks.append(HtmlSink(html_dir, rules=docs, history_source=_score_history(db) if db else None))
        except OSError as exc:
            _fail(f"cannot write the HTML report to {html_dir}: {exc.strerror}")
    if html_file:
        from clinic_audit.reports.html import HtmlSink

        try:
            sinks.append(HtmlSink(html_file, rules=docs, history_source=_score_history(db) if db else None,
                                  single=True))
        except OSError as exc:
            _fail(f"cannot write the HTML report to {html_file}: {exc.strerror}")
    transforms: list[Any] = []
    if baseline_file:
        from .baseline import Baseline, BaselineError

        try:
            transforms.append(Baseline.read(baseline_file))
        except BaselineError as exc:
            _fail(str(exc))
    if write_baseline:
        from .baseline import BaselineWriter

        sinks.append(BaselineWriter(write_baseline))
    return sinks, transforms


def _score_history(db: str) -> Any:
    """The site score of the recorded runs, oldest first, for the HTML report's chart (read after the run)."""
    def read() -> list[dict[str, Any]]:
        from .history import HistoryError, runs

        try:
            recorded = runs(db, limit=60)
        except HistoryError:
            return []
        return [{"run": r.id, "date": r.started[:10], "score": r.site_score or 0,
                 "errors": r.error_findings} for r in reversed(recorded)]

    return read


def _store(config: Any, sources: Iterable[str], crawl: Iterable[str], db: str | None, no_cache: bool,
           reads_text: bool = True) -> tuple[Any, Any]:
    """Where results are kept: the history with --db, else the result cache (unless --no-cache), which leaves
    the posts' text unread when no output reads it."""
    if db is not None:
        from .history import HistoryError, Recorder, regression

        try:
            from .web import redact

            stored = [redact(s) for s in (*sources, *(f"--crawl {c}" for c in crawl))]  # never a password
            return Recorder(db, stored), lambda run_id: regression(db, run_id)
        except HistoryError as exc:
            _fail(str(exc))
    if no_cache:
        return None, None
    from .cache import ResultCache

    return ResultCache(config.root, read_text=reads_text), None


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


def _progress(run: Any, quiet: bool) -> Any:
    from .progress import Progress
    from .result import Watcher

    if not Progress.wanted(quiet):
        return Watcher()
    return Progress(lambda: run.expected)


@main.command("report")
@click.argument("results", type=click.File("r", encoding="utf-8"))
@click.option("--html", "html_dir", type=click.Path(file_okay=False), help="Write the HTML report to this folder.")
@click.option("--html-file", "html_file", type=click.Path(dir_okay=False),
              help="Write the HTML report as one self-contained file (to email; details of the 100 worst posts).")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)),
              help="Print the run in this format [default: text, or nothing with --html or --html-file].")
def report_command(results: Any, html_dir: str | None, html_file: str | None, fmt: str | None) -> None:
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
    if html_file and Path(html_file).resolve() == Path(results.name).resolve():
        _fail(f"--html-file {html_file} is the run being rendered; write it somewhere else")
    for target, single in ((html_dir, False), (html_file, True)):
        if not target:
            continue
        from clinic_audit.reports.html import render_run

        try:
            click.echo(f"clinic-audit: wrote {render_run(run, target, docs, single=single)}", err=True)
        except OSError as exc:
            _fail(f"cannot write the HTML report to {target}: {exc.strerror}")
    if fmt or not (html_dir or html_file):
        out = reporter(fmt or "text", sys.stdout, color=False, rules=docs)
        for post in run["posts"]:
            out.post(PostResult.from_dict(post))
        for failure in run["errors"]:
            out.failure(InputFailure(failure["source"], failure["message"]))
        out.finish()


@main.command("rules")
@click.option("--family", help="Only this family.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="markdown prints the table the README embeds.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
def list_rules(family: str | None, fmt: str, as_json: bool) -> None:
    """List every rule: code, name, family, default severity and summary."""
    from .registry import load
    from .select import did_you_mean

    registry = load()
    families = list(dict.fromkeys(r.family for r in registry))
    if family is not None and family.lower() not in families:
        raise click.BadParameter(f"no family {family!r}{did_you_mean(family, families)}; the families are "
                                 f"{', '.join(families)}", param_hint="--family")
    chosen = [r for r in registry if family is None or r.family == family.lower()]
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

    from .select import did_you_mean

    registry = load()
    r = registry.get(code)
    if r is None:
        hint = did_you_mean(code, [w for rule in registry for w in (rule.code, rule.name)])
        click.echo(f"clinic-audit: no rule {code!r}{hint} (see `clinic-audit rules`)", err=True)
        sys.exit(ExitCode.ERROR)
    click.echo(f"{r.code} {r.name} ({r.family}, default severity {r.severity})\n")
    click.echo(r.doc)
    if r.options:
        click.echo("\nOptions:")
        for opt in r.options:
            click.echo(f"  {opt.name} ({opt.type.__name__}, default {opt.default!r}): {opt.help}")


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on.  Only change it when other machines must reach the page: drafts then "
                   "cross the network unencrypted.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), help="Use this config file.")
@click.option("--isolated", is_flag=True, help="Ignore project configuration files.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default web browser.")
def serve(port: int, host: str, config_file: str | None, isolated: bool, open_browser: bool) -> None:
    """Check drafts in the browser: paste or upload a draft and see its score, problems and highlights as you type.

    The page is served from this computer (http://127.0.0.1:8765/ by default); drafts are audited here, in
    memory, and never saved.  The project's clinic-audit.toml (found from the current folder) applies.
    """
    import socket

    try:
        import starlette  # noqa: F401  (imported here, never on the check path)
        import uvicorn  # noqa: F401
    except ImportError as exc:
        _fail(f"serve needs {exc.name}, which clinic-audit depends on: reinstall it (pip install --force-reinstall "
              "clinic-audit, or pipx reinstall clinic-audit)")
    from .serve.draft import Auditor

    config = _load_config(["."], {}, config_file, isolated)
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
              + (" (another program uses it; try --port 0)" if getattr(exc, "errno", 0) == 98 else ""))
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    hosts = ["*"] if host in ("0.0.0.0", "::") else sorted({host, *LOOPBACK_NAMES})
    if host not in LOOPBACK_NAMES and not host.startswith("127."):
        click.echo(f"clinic-audit: warning: listening on {host}: other machines can reach this page", err=True)

    def ready() -> None:
        click.echo(f"clinic-audit: checking drafts at {url} (Ctrl+C to stop)", err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    from .serve.app import serve as run_server

    run_server(Auditor.from_config(config), sock, hosts, ready)


STARTER_CONFIG = """\
# clinic-audit settings for every post audited in this folder and below (written by `clinic-audit init`).
# Every line is optional: delete what you do not need.  `clinic-audit config --show` prints the merged
# result, `clinic-audit rules` lists every rule and `clinic-audit explain NAME` explains one.

# Who reads the posts: "patient" (reading grade 8 target), "clinician" (grade 12, no jargon rule) or
# "draft" (patient, less what only a published page can meet: canonical, Open Graph, JSON-LD, lang, date, image).
profile = "patient"

# Language of posts that do not declare one: "en" or "es".  Left out, it is detected from the text.
# language = "en"

# Which files in a folder are posts, and which to skip (gitignore-style patterns).
include = ["*.md", "*.markdown", "*.html", "*.htm", "*.txt", "*.docx"]
exclude = []  # e.g. ["archive/", "*.draft.md"]

# The article part of HTML pages, when your theme does not wrap it in <article> or <main>.
# html-selector = ".entry-content"

# Exit code 1 (a failed pre-commit hook or CI step) from this severity up: error, warning, info or never.
fail-on = "error"

# Your own site's host names: links to them count as internal links.
[rules.no-internal-links]
site-hosts = []  # e.g. ["www.sunrise-clinic.example", "sunrise-clinic.example"]

# The clinic's name, address and phone as posts must write them; nothing is checked while they are empty.
[rules.clinic-nap-mismatch]
clinic-name = ""
clinic-address = ""
clinic-phone = ""

# Posts for clinicians, by path relative to this file.
# [[overrides]]
# paths = ["clinicians/**"]
# profile = "clinician"
"""
SCHEMA_FILE = "clinic-audit.schema.json"


@main.command()
@click.argument("directory", type=click.Path(file_okay=False), default=".")
@click.option("--schema", "with_schema", is_flag=True,
              help=f"Also write {SCHEMA_FILE} and point the file at it, for completion in editors.")
def init(directory: str, with_schema: bool) -> None:
    """Write a commented starter clinic-audit.toml in DIRECTORY (never over an existing one)."""
    folder = Path(directory)
    target = folder / "clinic-audit.toml"
    text = (f"#:schema ./{SCHEMA_FILE}\n" if with_schema else "") + STARTER_CONFIG
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:  # "x": an existing file is never replaced
            handle.write(text)
    except FileExistsError:
        _fail(f"{target} already exists; it was left as it is (edit it, or delete it and run init again)")
    except OSError as exc:
        _fail(f"cannot write {target}: {exc.strerror}")
    click.echo(f"clinic-audit: wrote {target}", err=True)
    if with_schema:
        from .config import json_schema
        from .registry import load

        schema = folder / SCHEMA_FILE
        if schema.exists():
            click.echo(f"clinic-audit: {schema} already exists; left as it is", err=True)
        else:
            schema.write_text(json.dumps(json_schema(load()), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            click.echo(f"clinic-audit: wrote {schema}", err=True)
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and "[tool.clinic-audit" in pyproject.read_text(encoding="utf-8", errors="replace"):
        click.echo(f"clinic-audit: note: {target} takes precedence over [tool.clinic-audit] in {pyproject}", err=True)


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


@main.group("history", invoke_without_command=True)
@click.option("--db", default=DEFAULT_DB, show_default=True, metavar="PATH", help="History database.")
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True, help="How many runs to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
@click.pass_context
def history_command(ctx: click.Context, db: str, limit: int, as_json: bool) -> None:
    """List the recorded runs, newest first (`history prune` deletes old ones)."""
    if ctx.invoked_subcommand is not None:
        return
    from dataclasses import asdict

    from .history import HistoryError, runs

    try:
        found = runs(db, limit)
    except HistoryError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps([asdict(r) for r in found], indent=2))
        return
    for r in found:
        failed = f"  {r.errors} not audited" if r.errors else ""
        click.echo(f"{r.id:>5}  {r.started}  {r.posts:>5} posts  {r.error_findings:>4} errors  {r.findings:>6} findings"
                   f"  site score {r.site_score}{failed}  {' '.join(r.sources)}")


@history_command.command("prune")
@click.option("--db", default=DEFAULT_DB, show_default=True, metavar="PATH", help="History database.")
@click.option("--keep", type=click.IntRange(1), default=30, show_default=True, help="Complete runs to keep (newest).")
def history_prune(db: str, keep: int) -> None:
    """Delete all but the newest complete runs (and failed or interrupted ones), then compact the file."""
    from .history import HistoryError, prune

    try:
        deleted, freed = prune(db, keep)
    except HistoryError as exc:
        _fail(str(exc))
    click.echo(f"deleted {deleted} run{'s' if deleted != 1 else ''}, freed {freed / 1e6:.1f} MB from {db}")


@main.command("sites")
@click.argument("sites_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="site-reports", show_default=True,
              help="Folder for one report per site (<out>/<name>/) and the overview (<out>/index.html).")
@click.option("-j", "--jobs", type=int, default=None, help="Worker processes per site [default: all cores].")
@click.option("--rate", type=click.FloatRange(0), default=10.0, show_default=True,
              help="Requests per second per host (0: no limit).")
@click.option("--fail-on-regression", is_flag=True, help="Exit 1 when any site has new errors or a lower site score.")
@click.option("-q", "--quiet", is_flag=True, help="Only the overview line.")
def sites_command(sites_file: str, out_dir: str, jobs: int | None, rate: float, fail_on_regression: bool,
                  quiet: bool) -> None:
    """Audit every site a sites.toml names: each with its own configuration, history and report folder, then an
    overview of all of them (<out>/index.html)."""
    from clinic_audit.reports.sites import write_overview

    from .sites import SitesError, load_sites

    try:
        specs = load_sites(sites_file)
    except SitesError as exc:
        _fail(str(exc))
    out = Path(out_dir)
    rows, failed, regressed = [], False, False
    for spec in specs:
        row, ok, fell = _audit_site(spec, Path(sites_file).parent, out, jobs, rate, fail_on_regression)
        rows.append(row)
        failed, regressed = failed or not ok, regressed or fell
        if not quiet:
            status = row.problem or (f"{row.posts} posts, average {row.average}, site score {row.site_score}, "
                                     f"{row.errors} errors, {row.warnings} warnings")
            click.echo(f"{spec.name}: {status}")
    index = write_overview(out, rows)
    click.echo(f"clinic-audit: {len(rows)} site{'s' if len(rows) != 1 else ''} audited; overview at {index}", err=True)
    sys.exit(ExitCode.ERROR if failed else ExitCode.FINDINGS if regressed else ExitCode.OK)


def _audit_site(spec: Any, base: Path, out: Path, jobs: int | None, rate: float,
                fail_on_regression: bool) -> tuple[Any, bool, bool]:
    """One site of a sites file: (its overview row, whether every input was audited, whether it regressed)."""
    from clinic_audit.reports.html import HtmlSink
    from clinic_audit.reports.json import JsonReporter
    from clinic_audit.reports.sites import SiteRow

    from .atomic import replaced
    from .config import Config, ConfigError
    from .history import HistoryError, Recorder, regression
    from .registry import load
    from .result import Sink, rule_docs
    from .run import Run, RunOptions
    from .sources.web import WebOptions
    from .web import redact

    class Tally(Sink):
        def __init__(self) -> None:
            self.posts, self.total, self.errors, self.warnings, self.failures = 0, 0, 0, 0, 0
            self.first_failure = ""

        def post(self, result: Any) -> None:
            self.posts, self.total = self.posts + 1, self.total + result.score
            self.errors += sum(1 for f in result.findings if str(f.severity) == "error")
            self.warnings += sum(1 for f in result.findings if str(f.severity) == "warning")

        def failure(self, failure: Any) -> None:
            self.failures += not failure.skipped
            self.first_failure = self.first_failure or f"{failure.source}: {failure.message}"

        def site(self, findings: list[Any]) -> None:
            self.errors += sum(1 for f in findings if str(f.severity) == "error")
            self.warnings += sum(1 for f in findings if str(f.severity) == "warning")

    folder = out / spec.name
    db = spec.db or folder / "history.sqlite"
    try:
        config = Config.build(load(), base, {}, spec.config)
        folder.mkdir(parents=True, exist_ok=True)
        recorder = Recorder(db, [redact(s) for s in (*spec.sources, *(f"--crawl {c}" for c in spec.crawl))])
    except (ConfigError, HistoryError, OSError) as exc:
        return SiteRow(spec.name, "", 0, None, None, 0, 0, 0, problem=str(exc)), False, False
    tally = Tally()
    auth, warning = spec.wp_credentials()  # from the variables the site names; never shown
    if warning:
        click.echo(f"clinic-audit: warning: {warning}", err=True)
    options = RunOptions(spec.sources, jobs=jobs or _default_jobs(), fail_on_regression=fail_on_regression,
                         web=WebOptions(crawl=spec.crawl, max_depth=spec.max_depth, max_pages=spec.max_pages,
                                        rate=rate, include_urls=spec.include_urls, exclude_urls=spec.exclude_urls,
                                        wp_types=spec.wp_types, http_cache=str(folder / "http-cache.sqlite"),
                                        wp_auth=auth,
                                        wp_env=(spec.wp_user_env, spec.wp_password_env) if spec.names_credentials else None))
    docs = rule_docs(config.registry)
    with replaced(folder / "run.json") as temporary, open(temporary, "w", encoding="utf-8") as stream:
        sinks = [tally, HtmlSink(folder, rules=docs, history_source=_score_history(str(db))), JsonReporter(stream)]
        result = Run(config, options, recorder, sinks, regression=lambda run_id: regression(db, run_id)).execute()
    from .history import runs

    latest = next((r for r in runs(db, 1) if r.id == result.run_id), None)
    row = SiteRow(spec.name, f"{spec.name}/index.html", tally.posts,
                  round(tally.total / tally.posts) if tally.posts else None,
                  latest.site_score if latest else None, tally.errors, tally.warnings, tally.failures,
                  problem=(tally.first_failure or result.nothing_audited) if not tally.posts else "")
    return row, not (tally.failures or result.nothing_audited), result.regressed


@main.command("clean")
@click.argument("project", type=click.Path(file_okay=False, exists=True), default=".")
def clean_command(project: str) -> None:
    """Delete the result cache of a project (.clinic-audit/cache); the next check audits every post again.

    The cache also prunes itself once a day: entries unused for 30 days go, then the least recently used
    until it holds at most 200 MB."""
    from .cache import ResultCache

    deleted, freed = ResultCache(Path(project)).clear()
    click.echo(f"deleted {deleted} cached result{'s' if deleted != 1 else ''} ({freed / 1e6:.1f} MB)")


@main.command("diff")
@click.argument("run_a", type=int, required=False)
@click.argument("run_b", type=int, required=False)
@click.option("--db", default=DEFAULT_DB, show_default=True, metavar="PATH", help="History database.")
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
