"""One run: inputs -> per-post work in a bounded window -> store -> transforms -> sinks; then the site rules.

Every kind of run (a pre-commit hook's three files, a folder, standard input, a sitemap, a crawl, a
WordPress site, with or without a history) goes through ``Run.execute``:

1. ``Inputs`` decides what each argument is and yields documents (or why one cannot be audited).
2. Each document's result is taken from the store (the result cache, or the history with ``--db``) when
   its key is unchanged; otherwise its ``PostTask`` -- a plain, picklable value -- is audited by the
   executor: in this process for a handful of posts, in worker processes otherwise, never more than a
   bounded window of posts in flight, results streamed in input order.
3. Transforms (a baseline) filter each result; sinks (reports, the HTML site, a baseline writer) receive it.
4. With two or more posts (or pages fetched from a site), the selected site rules run over the posts'
   summaries; their findings go through the same transforms and sinks.
5. The store completes the run, and a ``RunResult`` says how it went; ``exit_code`` turns it into 0/1/2.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Iterator, Protocol, Sequence

from .cache import SiteKey, result_key
from .constants import ExitCode
from .engine import Outcome, PostTask, audit_task
from .executors import WINDOW_PER_SLOT, FutureLike, LocalPool, Pool
from .result import InputFailure, PostResult, Sink, Transform, Watcher
from .rule import Finding, Severity
from .siterules import NO_LINKS, PostSummary, Site, Summaries, is_site_rule, run_site_rules
from .sources.inputs import Inputs
from .sources.web import WebOptions

if TYPE_CHECKING:
    from .config import Config

# Fewer posts than this are audited in-process: starting workers would cost more than it saves
# (a pre-commit hook usually passes a handful of files).
PARALLEL_FROM = 16
MAX_JOBS_PER_CORE = 2  # workers are CPU-bound: more than this only costs memory


class Store(Protocol):
    """Where results outlive a run: the result cache, or the history (``--db``)."""

    def get(self, key: str) -> tuple[PostResult | InputFailure, PostSummary | None] | None:
        """The stored outcome of a post with this key: a result and summary, or a skip (not a post), or None."""

    def put(self, key: str, result: PostResult, summary: PostSummary | None, reused: bool = False) -> None:
        """Keep a post's result; ``reused`` when it came from this store (a history still records it in the run)."""

    def failure(self, failure: InputFailure, key: str = "") -> None:
        """Note an input that was not audited; ``key`` is its store key when it was read and is not stored yet."""

    def site(self, key: str) -> list[Finding] | None:
        """A run's stored site findings under ``key`` (a ``cache.SiteKey``), or None."""

    def put_site(self, key: str, findings: Sequence[Finding]) -> None:
        """Keep a run's site findings under ``key``."""

    def finish(self, site_findings: Sequence[Finding], penalties: dict[str, float]) -> int | None: ...


@dataclass(frozen=True)
class RunOptions:
    sources: tuple[str, ...]
    jobs: int = 1
    stdin_format: str | None = None
    web: WebOptions = WebOptions()
    check_links: bool | None = None  # None: check internal links when the run fetches pages anyway
    check_external: bool = False  # ask other sites whether the pages the posts link to are there
    fail_on_regression: bool = False


@dataclass
class RunResult:
    """How a run went: what the exit code and the closing lines are decided from."""

    posts: int = 0
    failed: int = 0
    skipped: int = 0
    reused: int = 0
    worst: Severity | None = None
    site_findings: list[Finding] = field(default_factory=list)  # as measured (before any baseline)
    run_id: int | None = None
    regressed: bool = False
    nothing_audited: str = ""  # why no post was audited, when that is a mistake

    def saw(self, severity: Severity | None) -> None:
        if severity is not None and (self.worst is None or severity > self.worst):
            self.worst = severity


def exit_code(result: RunResult, fail_on: str) -> int:
    """2 when an input could not be audited or nothing was; 1 when findings reach ``fail_on`` or the site regressed."""
    if result.failed or result.nothing_audited:
        return ExitCode.ERROR
    if fail_on != "never" and result.worst is not None and result.worst >= Severity.parse(fail_on):
        return ExitCode.FINDINGS
    return ExitCode.FINDINGS if result.regressed else ExitCode.OK


def cap_jobs(jobs: int) -> int:
    """Between 1 and a small multiple of the cores this process may use."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(jobs, cores * MAX_JOBS_PER_CORE))


class Run:
    """One audit run; ``execute()`` streams every input through the sinks and returns the RunResult."""

    def __init__(self, config: "Config", options: RunOptions, store: Store | None = None,
                 sinks: Sequence[Sink] = (), transforms: Sequence[Transform] = (), watcher: Watcher | None = None,
                 regression: Callable[[int], bool] | None = None, pool: "Callable[[], Pool] | None" = None):
        self.config = config
        self.options = options
        self.jobs = cap_jobs(options.jobs)
        self.inputs = Inputs(options.sources, config, options.web, options.stdin_format)
        self.store = store
        self.sinks = list(sinks)
        self.transforms = list(transforms)
        self.watcher = watcher or Watcher()
        self.regression = regression
        self.pool = pool  # None: this process for small runs, local worker processes otherwise
        self.site_settings = [s for s in config.rule_settings(None) if is_site_rule(s.rule)]
        # A single file has no site: its summary is not worth computing.
        self.summarise = bool(self.site_settings) and (not self.inputs.single_post or options.check_external)
        self.summaries = Summaries()  # kept for the site rules (see _kept): in memory, then on file
        self.site_key = SiteKey()  # the summaries' result keys, hashed as they arrive

    @property
    def expected(self) -> int | None:
        return self.inputs.expected

    def execute(self) -> RunResult:
        outcome = RunResult()
        try:
            for result in self.results(outcome):
                self.watcher.clear()  # findings never share a line with the progress display
                if isinstance(result, InputFailure):
                    if result.skipped:
                        outcome.skipped += 1
                    else:
                        outcome.failed += 1
                    for sink in self.sinks:
                        sink.failure(result)
                    self.watcher.step(not result.skipped)
                    continue
                outcome.posts += 1
                for transform in self.transforms:
                    result = transform.post(result)
                for sink in self.sinks:
                    sink.post(result)
                self.watcher.step(False)
                outcome.saw(result.worst())
            self.watcher.close()
            self._site(outcome)
            if self.store is not None:
                outcome.run_id = self.store.finish(outcome.site_findings, dict(self.config.effective()["penalties"]))
            if outcome.run_id is not None and self.regression is not None and self.options.fail_on_regression:
                outcome.regressed = self.regression(outcome.run_id)
            if not outcome.posts and (not outcome.skipped or self.inputs.has_folder()):
                # a folder that audits nothing is a mistake; explicitly named files that are not posts are fine
                outcome.nothing_audited = self.inputs.nothing_audited(outcome.skipped)
            for sink in self.sinks:
                sink.finish()
        finally:
            self.watcher.close()
            self.inputs.close()
            self.summaries.close()
        return outcome

    # -- the posts -------------------------------------------------------------------------------------------

    def results(self, outcome: RunResult) -> Iterator[PostResult | InputFailure]:
        """Every input's result, in input order: stored ones reused, the others audited by the executor."""
        executor = Executor(self.config, self.jobs, self.pool)
        try:
            for item in self.inputs.documents():
                if isinstance(item, InputFailure):
                    executor.ready((item, None), Slot())
                else:
                    document, final_url = item
                    key = result_key(document, self.config) if self.store is not None else ""
                    stored = self._stored(key)
                    if stored is not None:
                        outcome.reused += not isinstance(stored[0], InputFailure)
                        executor.ready(stored, Slot(key, reused=True))
                    else:
                        executor.submit(PostTask(document, final_url, self.summarise), Slot(key))
                for done, slot in executor.finished():
                    yield self._keep(done, slot)
            for done, slot in executor.drain():
                yield self._keep(done, slot)
        finally:
            executor.close()

    def _stored(self, key: str) -> Outcome | None:
        stored = self.store.get(key) if self.store is not None and key else None
        if stored is None or (self.summarise and stored[1] is None and not isinstance(stored[0], InputFailure)):
            return None  # stored by a single-file run, without the summary this run needs (a skip has none)
        return stored

    def _keep(self, done: Outcome, slot: "Slot") -> PostResult | InputFailure:
        result, summary = done
        if summary is not None:
            self.summaries.append(self._kept(summary))
            self.site_key.add(slot.key, summary.url)
        if self.store is not None:
            if isinstance(result, InputFailure):
                self.store.failure(result, "" if slot.reused else slot.key)
            elif slot.key:
                self.store.put(slot.key, result, summary, slot.reused)
        return result

    def _kept(self, summary: PostSummary) -> PostSummary:
        """A post's summary as the site rules will read it: external links only when they will be checked (the
        store keeps the whole summary, for a later run that checks them).  ``Summaries`` keeps it compactly."""
        if not self.options.check_external:
            summary = replace(summary, external=NO_LINKS)
        return summary

    # -- the site --------------------------------------------------------------------------------------------

    def _site(self, outcome: RunResult) -> None:
        """Site rules over the posts' summaries: two or more posts, or pages fetched from a site."""
        if not self.site_settings or not self.summaries:
            return
        if len(self.summaries) < 2 and not (self.inputs.fetches or self.options.check_external):
            return
        check = self.options.check_links if self.options.check_links is not None else self.inputs.fetches
        links = self.inputs.link_statuses(self.summaries, check, self.options.check_external)
        outcome.site_findings = self._site_findings(Site(self.summaries, links))
        shown = outcome.site_findings
        for transform in self.transforms:
            shown = transform.site(shown)
        for sink in self.sinks:
            sink.site(shown)
        outcome.saw(max((f.severity for f in shown), default=None))

    def _site_findings(self, site: Site) -> list[Finding]:
        """The site rules' findings: stored ones when every post, setting and link status is as they were."""
        key = ""
        if self.store is not None and self.site_key.complete:
            key = self.site_key.hexdigest(self.config, site.links, self.options.check_external)
            stored = self.store.site(key)
            if stored is not None:
                return stored
        findings = run_site_rules(site, self.site_settings)
        if key:
            self.store.put_site(key, findings)
        return findings


@dataclass(frozen=True)
class Slot:
    """What the run remembers about a post in flight: its store key, and whether its result was reused."""

    key: str = ""
    reused: bool = False


class Executor:
    """Runs post tasks in input order with at most the pool's ``window`` in flight: in this process for a
    small run (fewer than PARALLEL_FROM posts, decided once the inputs show it), otherwise on a pool.

    The pool is a ``Pool`` (``executors.py``): local worker processes by default, a Dask cluster with
    ``--scheduler``.  The per-post function and its inputs are plain values (``audit_task``, ``PostTask``,
    ``Config``), which is what lets a pool run them anywhere.
    """

    def __init__(self, config: "Config", jobs: int, pool: "Callable[[], Pool] | None" = None):
        self.config = config
        self.jobs = jobs
        self.start = pool or (lambda: LocalPool(config, jobs))
        self.local_first = pool is None  # a remote pool is used from the first post: it was asked for
        self.pool: Pool | None = None
        # (a ready outcome, a pending future, or a task not started yet, with its slot), in input order
        self.window: deque[tuple[Outcome | _Pending | PostTask, Slot]] = deque()
        self.deferred = 0  # tasks held back while the run is still small

    def ready(self, outcome: Outcome, slot: Slot) -> None:
        self.window.append((outcome, slot))

    def submit(self, task: PostTask, slot: Slot) -> None:
        if self.pool is None and not self.local_first:
            self.pool = self.start()
        if self.pool is not None:
            self.window.append((_Pending(self.pool.submit(task)), slot))
        elif self.jobs == 1:
            self.window.append((audit_task(task, self.config), slot))
        else:
            self.window.append((task, slot))
            self.deferred += 1
            if self.deferred >= PARALLEL_FROM:
                self._start_pool()

    def _start_pool(self) -> None:
        pool = self.pool = self.start()
        self.window = deque((_Pending(pool.submit(item)), slot) if isinstance(item, PostTask) else (item, slot)
                            for item, slot in self.window)
        self.deferred = 0

    def finished(self) -> Iterator[tuple[Outcome, Slot]]:
        """Results at the head of the window that are done (or must be waited for, to bound the window)."""
        limit = self.pool.window if self.pool is not None else self.jobs * WINDOW_PER_SLOT
        while self.window:
            head = self.window[0][0]
            if isinstance(head, PostTask):
                return  # held back until the run is known to be small or big
            if isinstance(head, _Pending) and len(self.window) <= limit and not head.future.done():
                return
            yield self._pop()

    def drain(self) -> Iterator[tuple[Outcome, Slot]]:
        """Everything left, once the inputs are exhausted (a small run is audited here, in this process)."""
        while self.window:
            yield self._pop()

    def _pop(self) -> tuple[Outcome, Slot]:
        item, slot = self.window.popleft()
        if isinstance(item, PostTask):
            return audit_task(item, self.config), slot
        if isinstance(item, _Pending):
            return item.future.result(), slot
        return item, slot

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


@dataclass(frozen=True)
class _Pending:
    future: "FutureLike"
