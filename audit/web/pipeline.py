"""A site run: gather documents (files, pages, sitemaps, crawls, WordPress), audit them in parallel
processes, keep a compact summary of each post, then run the site rules over all of them.

Memory stays flat: documents stream through a bounded window of worker tasks,
and only summaries (a few hundred bytes per post) outlive a post's audit.
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from ..result import InputFailure, PostResult
from ..rule import Finding
from ..siterules import LinkStatus, PostSummary, Site, is_site_rule, run_site_rules, summarize
from ..sources import Document, InputError, Target, decode, discover, read
from . import is_web_source
from .fetch import Fetcher, Page, WebError

if TYPE_CHECKING:
    from ..config import Config
    from ..history import Recorder

log = logging.getLogger(__name__)

WINDOW_PER_JOB = 8  # tasks in flight per worker process: keeps workers busy without buffering the site


@dataclass(frozen=True)
class WebOptions:
    """How web sources are fetched and crawled."""

    crawl: tuple[str, ...] = ()
    max_depth: int = 3
    max_pages: int = 500
    rate: float = 10.0
    concurrency: int = 8
    timeout: float = 15.0
    retries: int = 2
    backoff: float | None = None  # None: fetch.BACKOFF_SECONDS, read when the fetcher starts


Outcome = tuple["PostResult | InputFailure", "PostSummary | None"]

_config: "Config | None" = None


def _init_worker(config: "Config") -> None:
    global _config
    _config = config


def _audit(document: Document, final_url: str = "") -> Outcome:
    """Parse, audit and summarise one document (runs in a worker process)."""
    from ..engine import audit_post
    from ..parse import ParseError, parse

    assert _config is not None
    try:
        effective = _config.effective(document.source)
        post = parse(document, effective.get("html-selector"), effective.get("language"))
        result = audit_post(post, _config)
    except ParseError as exc:
        return InputFailure(document.source, str(exc)), None
    except RecursionError:
        return InputFailure(document.source, "the document is nested too deeply to parse"), None
    summary = summarize(post)
    if final_url and final_url != document.source:
        summary = replace(summary, final_url=final_url)
    return result, summary


class SiteRun:
    """One run over files and web sources; iterate ``results()``, then call ``site_findings()``."""

    def __init__(self, config: "Config", sources: Sequence[str], jobs: int, web: WebOptions = WebOptions(),
                 recorder: "Recorder | None" = None, stdin_format: str | None = None):
        self.config = config
        self.sources = list(sources)
        self.jobs = max(1, jobs)
        self.web = web
        self.recorder = recorder
        self.stdin_format = stdin_format
        self.summaries: list[PostSummary] = []
        self.links: dict[str, LinkStatus] = {}
        self.reused = 0
        self.expected: int | None = None  # posts to come, once a sitemap or API says so
        self._fetcher: Fetcher | None = None
        self.max_bytes = int(config.effective()["max-file-size"])

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            from .wordpress import credentials

            wordpress = next((s for s in self.sources if s.startswith("wordpress+")), "")
            from . import fetch

            backoff = fetch.BACKOFF_SECONDS if self.web.backoff is None else self.web.backoff
            self._fetcher = Fetcher(self.web.concurrency, self.web.rate, self.web.timeout, self.web.retries,
                                    backoff, max_bytes=self.max_bytes,
                                    auth=credentials() if wordpress else None,
                                    auth_host=urlsplit(wordpress.partition("+")[2]).netloc)
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    # -- gathering -------------------------------------------------------------------------------------------

    def documents(self) -> Iterator[tuple[Document, str] | InputFailure]:
        """Every input as a decoded document (with the URL it ended at) or the reason it cannot be audited."""
        files = [s for s in self.sources if not is_web_source(s)]
        if files:
            settings = self.config.effective()
            for target in discover(files, settings["include"], settings["exclude"], self.config.root):
                yield self._read(target)
        for source in self.sources:
            if is_web_source(source):
                yield from self._web(source)
        for start in self.web.crawl:
            yield from self._crawl(start)

    def _read(self, target: Target | InputError) -> tuple[Document, str] | InputFailure:
        if isinstance(target, InputError):
            return InputFailure(target.source, target.message)
        try:
            return read(target, int(self.config.effective(target.source)["max-file-size"]), self.stdin_format), ""
        except InputError as exc:
            return InputFailure(exc.source, exc.message)

    def _web(self, source: str) -> Iterator[tuple[Document, str] | InputFailure]:
        from .sitemap import is_sitemap_url, page_urls
        from .wordpress import credentials, is_wordpress, post_pages

        try:
            if is_wordpress(source):
                for url, html in post_pages(self.fetcher, source, credentials() is not None):
                    yield Document(url, html, "html"), ""
            elif is_sitemap_url(source):
                urls = list(page_urls(self.fetcher, source))
                self.expected = (self.expected or 0) + len(urls)
                for page in self.fetcher.get_many(urls):
                    yield self._page(page)
            else:
                yield self._page(self.fetcher.get(source))
        except WebError as exc:
            yield InputFailure(source, str(exc))

    def _crawl(self, start: str) -> Iterator[tuple[Document, str] | InputFailure]:
        from .crawl import crawl

        try:
            for page in crawl(self.fetcher, start, self.web.max_depth, self.web.max_pages):
                if page.ok:
                    yield self._page(page)
                else:  # a crawled link that fails is a broken link for the site rules, not an input
                    self._remember(page)
        except WebError as exc:
            yield InputFailure(start, str(exc))

    def _page(self, page: Page) -> tuple[Document, str] | InputFailure:
        self._remember(page)
        if not page.ok:
            return InputFailure(page.url, f"cannot fetch: {page.describe()}")
        if not page.is_html:
            return InputFailure(page.url, f"not an HTML page ({page.content_type or 'no content type'})")
        try:
            text = decode(page.url, page.content)
        except InputError as exc:
            return InputFailure(exc.source, exc.message)
        return Document(page.url, text, "html"), page.final_url

    def _remember(self, page: Page) -> None:
        self.links[page.url] = LinkStatus(page.status, page.redirects, page.final_url, page.error)

    # -- auditing --------------------------------------------------------------------------------------------

    def results(self) -> Iterator[PostResult | InputFailure]:
        """Audit every document, in input order, reusing stored results whose key is unchanged."""
        from ..history import result_key

        window: deque[tuple[Future[Outcome] | Outcome, str]] = deque()
        pool = ProcessPoolExecutor(self.jobs, initializer=_init_worker, initargs=(self.config,)) if self.jobs > 1 else None
        if pool is None:
            _init_worker(self.config)
        try:
            for item in self.documents():
                if isinstance(item, InputFailure):
                    window.append(((item, None), ""))
                else:
                    document, final_url = item
                    key = result_key(document, self.config) if self.recorder else ""
                    stored = self.recorder.reuse(key) if self.recorder else None
                    if stored is not None:
                        self.reused += 1
                        summary = PostSummary.from_dict(stored[1]) if stored[1] else None
                        window.append(((PostResult.from_dict(stored[0]), summary), key))
                    elif pool is not None:
                        window.append((pool.submit(_audit, document, final_url), key))
                    else:
                        window.append((_audit(document, final_url), key))
                while window and (len(window) > self.jobs * WINDOW_PER_JOB or not isinstance(window[0][0], Future)):
                    yield self._finish(*window.popleft())
            while window:
                yield self._finish(*window.popleft())
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)

    def _finish(self, outcome: "Future[Outcome] | Outcome", key: str) -> PostResult | InputFailure:
        result, summary = outcome.result() if isinstance(outcome, Future) else outcome
        if summary is not None:
            self.summaries.append(summary)
        if self.recorder is not None:
            if isinstance(result, PostResult):
                self.recorder.post(result, key, summary)
            else:
                self.recorder.failure()
        return result

    # -- site rules ------------------------------------------------------------------------------------------

    def site_findings(self) -> list[Finding]:
        """Check the internal links not fetched yet, then run the selected site rules over all posts."""
        settings = [s for s in self.config.rule_settings(None) if is_site_rule(s.rule)]
        if not settings or not self.summaries:
            return []
        if self._fetcher is not None or any(is_web_source(s.url) for s in self.summaries):
            unknown = {url for post in self.summaries for url, _ in post.links
                       if url not in self.links and urlsplit(url).scheme in ("http", "https")}
            for page in self.fetcher.get_many(sorted(unknown)):
                self._remember(page)
        return run_site_rules(Site(tuple(self.summaries), dict(self.links)), settings)

    def finish(self, site_findings: Sequence[Finding]) -> int | None:
        """Complete the stored run (if recording); returns its id."""
        self.close()
        if self.recorder is None:
            return None
        return self.recorder.finish(site_findings, dict(self.config.effective()["penalties"]))


def wants_site_run(sources: Iterable[str], crawl: Sequence[str], db: str | None) -> bool:
    """Site runs handle web sources, crawls and recorded runs; plain file checks keep the lean engine path."""
    return bool(crawl) or db is not None or any(is_web_source(s) for s in sources)
