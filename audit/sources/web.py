"""Web inputs: pages, sitemaps, crawls and WordPress sites, fetched politely through one fetcher.

Every page fetched is remembered with its status, so the site rules learn which internal links
work without a second request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator
from urllib.parse import urlsplit

from ..result import InputFailure
from ..siterules import LinkStatus, PostSummary
from ..web import is_web_source, redact, url_credentials
from .document import Document, InputError
from .files import decode

if TYPE_CHECKING:  # the fetching modules are imported only by a run that fetches (a local run never does)
    from ..web.fetch import Fetcher, Page
    from ..web.scope import Scope

__all__ = ["WebOptions", "WebSources", "is_web_source"]

log = logging.getLogger(__name__)


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
    backoff: float | None = None  # None: fetch.BACKOFF_SECONDS
    allow_hosts: tuple[str, ...] = ()  # other hosts a sitemap, redirect or link may lead to
    wp_types: tuple[str, ...] = ("posts",)  # WordPress REST collections (posts, pages, custom post types)
    wp_status: str | None = None  # None: every status with credentials, else published only
    include_urls: tuple[str, ...] = ()  # URL path globs to audit (all when empty): "/blog/*"
    exclude_urls: tuple[str, ...] = ()  # URL path globs never audited (still crawled through): "/", "/tag/*"

    def audits(self, url: str) -> bool:
        """Whether a page at ``url`` is audited as a post (crawls still follow links through the others)."""
        from fnmatch import fnmatchcase

        path = urlsplit(url).path or "/"
        if self.include_urls and not any(fnmatchcase(path, p) for p in self.include_urls):
            return False
        return not any(fnmatchcase(path, p) for p in self.exclude_urls)
    max_requests: int | None = None  # None: MAX_REQUESTS_PER_PAGE x max_pages
    http_cache: str | None = None  # an HTTP cache file: unchanged pages are revalidated, not downloaded again
    # A site's own WordPress (user, application password), read from the variables its sites.toml entry names
    # (``wp_env``); the CLINIC_AUDIT_WP_* variables then do not apply (another client's password never goes to it).
    wp_auth: tuple[str, str] | None = field(default=None, repr=False, compare=False)
    wp_env: tuple[str, str] | None = None  # (user variable, password variable) a site names; None: the global pair

    @property
    def request_budget(self) -> int:
        return self.max_requests if self.max_requests is not None else MAX_REQUESTS_PER_PAGE * self.max_pages


MAX_REQUESTS_PER_PAGE = 10  # the run's request budget per --max-pages page (robots.txt, sitemaps, link checks)

Fetched = tuple[Document, str]  # a document and the URL it ended at ("" for files, or when it did not move)


class WebSources:
    """The web arguments of one run; the fetcher starts on first use and is closed by ``close()``."""

    def __init__(self, sources: Iterable[str], options: WebOptions, max_bytes: int):
        web = [s for s in sources if is_web_source(s)]
        # Credentials written into a URL are used (WordPress) but never shown or stored with the source.
        self.url_auth = next((c for c in (url_credentials(s) for s in web) if c), None)
        self.sources = [redact(s) for s in web]
        self.options = options
        self.max_bytes = max_bytes
        self.links: dict[str, LinkStatus] = {}
        self.expected: int | None = None  # pages to come, once a sitemap says so
        self._fetcher: Fetcher | None = None

    @property
    def fetched(self) -> bool:
        """Whether this run talked to the web at all."""
        return self._fetcher is not None

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            from ..web.scope import Scope

            wordpress = next((s for s in self.sources if s.startswith("wordpress+")), "")
            o = self.options
            seeds = [s.partition("+")[2] if s.startswith("wordpress+") else s for s in self.sources] + list(o.crawl)
            self._fetcher = self._new_fetcher(Scope(seeds, o.allow_hosts), http_cache=o.http_cache,
                                              auth=self._wordpress_auth() if wordpress else None,
                                              auth_url=wordpress.partition("+")[2])
        return self._fetcher

    def _new_fetcher(self, scope: Scope, **extra: Any) -> Fetcher:
        """A fetcher with the run's limits (concurrency, rate, timeouts, retries, size, request budget)."""
        from ..web import fetch

        o = self.options
        return fetch.Fetcher(o.concurrency, o.rate, o.timeout, o.retries,
                             fetch.BACKOFF_SECONDS if o.backoff is None else o.backoff, max_bytes=self.max_bytes,
                             scope=scope, max_requests=o.request_budget, **extra)

    def _wordpress_auth(self) -> tuple[str, str] | None:
        """The site's own credentials, else the environment's (unless the site names its own), else the URL's."""
        from ..web.wordpress import credentials

        return self.options.wp_auth or (credentials() if self.options.wp_env is None else None) or self.url_auth

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def documents(self) -> Iterator[Fetched | InputFailure]:
        for source in self.sources:
            yield from self._source(source)
        for start in self.options.crawl:
            yield from self._crawl(start)

    def _source(self, source: str) -> Iterator[Fetched | InputFailure]:
        from ..web.fetch import WebError
        from ..web.sitemap import is_sitemap_url, page_urls
        from ..web.wordpress import half_set_credentials, is_wordpress, post_pages

        try:
            if is_wordpress(source):
                if self.options.wp_env is None and half_set_credentials() and not self.url_auth:
                    log.warning(half_set_credentials())
                authorised = self._wordpress_auth() is not None
                for url, html in post_pages(self.fetcher, source, authorised, self.options.wp_types,
                                            self.options.wp_status, self.options.wp_env):
                    yield Document(url, html, "html"), ""
            elif is_sitemap_url(source):
                urls = [u for u in page_urls(self.fetcher, source) if self.options.audits(u)]
                self.expected = (self.expected or 0) + len(urls)
                for page in self.fetcher.get_many(urls):
                    yield self._page(page)
            else:
                yield self._page(self.fetcher.get(source))
        except WebError as exc:
            yield InputFailure(source, str(exc))

    def _crawl(self, start: str) -> Iterator[Fetched | InputFailure]:
        from ..web.crawl import crawl
        from ..web.fetch import WebError

        try:
            for page in crawl(self.fetcher, start, self.options.max_depth, self.options.max_pages):
                if page.ok and not self.options.audits(page.url):
                    self._remember(page)  # crawled through (its links were followed), not audited
                elif page.ok:
                    yield self._page(page)
                else:  # a crawled link that fails is a broken link for the site rules, not an input
                    self._remember(page)
        except WebError as exc:
            yield InputFailure(start, str(exc))

    def _page(self, page: Page) -> Fetched | InputFailure:
        self._remember(page)
        if page.skipped:
            return InputFailure(page.url, page.error, skipped=True)
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
        if not page.skipped:  # a page not fetched by policy is unknown, not broken
            self.links[page.url] = LinkStatus(page.status, page.redirects, page.final_url, page.error)

    def check_links(self, summaries: Iterable[PostSummary]) -> dict[str, LinkStatus]:
        """Fetch the internal links of the posts not fetched yet; returns every known link status."""
        from ..web.crawl import robots_for
        from ..web.fetch import USER_AGENT

        unknown = sorted({url for post in summaries for url, _ in post.links
                          if url not in self.links and urlsplit(url).scheme in ("http", "https")})
        robots: dict[str, Any] = {}
        allowed = []
        for url in unknown:  # robots.txt is honoured for link checks too
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
            if origin not in robots:
                robots[origin] = robots_for(self.fetcher, url)
            if robots[origin].can_fetch(USER_AGENT, url):
                allowed.append(url)
        for page in self.fetcher.get_many(allowed, method="HEAD"):  # HEAD first; GET when HEAD is refused
            self._remember(page)
        return dict(self.links)

    def check_external(self, summaries: Iterable[PostSummary]) -> dict[str, LinkStatus]:
        """Ask every other site the posts link to whether the page is there (HEAD first, robots.txt honoured,
        each URL once per run, only hosts with public addresses, within the run's request budget)."""
        from ..web.crawl import robots_for
        from ..web.fetch import USER_AGENT
        from ..web.scope import Scope

        urls = sorted({url for post in summaries for url, _ in post.external if url not in self.links})
        checker = self._new_fetcher(Scope([], self.options.allow_hosts, any_public_host=True))
        try:
            robots: dict[str, Any] = {}
            allowed = []
            for url in urls:
                origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
                if origin not in robots:
                    robots[origin] = robots_for(checker, url)
                if robots[origin].can_fetch(USER_AGENT, url):
                    allowed.append(url)
            for page in checker.get_many(allowed, method="HEAD"):
                self._remember(page)
        finally:
            checker.close()
        return dict(self.links)
