"""Web inputs: pages, sitemaps, crawls and WordPress sites, fetched politely through one fetcher.

Every page fetched is remembered with its status, so the site rules learn which internal links
work without a second request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from ..result import InputFailure
from ..siterules import LinkStatus, PostSummary
from ..web import is_web_source
from ..web import fetch
from ..web.fetch import Fetcher, Page, WebError
from .document import Document, InputError
from .files import decode

__all__ = ["WebOptions", "WebSources", "is_web_source"]


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


Fetched = tuple[Document, str]  # a document and the URL it ended at ("" for files, or when it did not move)


class WebSources:
    """The web arguments of one run; the fetcher starts on first use and is closed by ``close()``."""

    def __init__(self, sources: Iterable[str], options: WebOptions, max_bytes: int):
        self.sources = [s for s in sources if is_web_source(s)]
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
            from ..web.wordpress import credentials

            wordpress = next((s for s in self.sources if s.startswith("wordpress+")), "")
            o = self.options
            self._fetcher = Fetcher(o.concurrency, o.rate, o.timeout, o.retries,
                                    fetch.BACKOFF_SECONDS if o.backoff is None else o.backoff, max_bytes=self.max_bytes,
                                    auth=credentials() if wordpress else None,
                                    auth_host=urlsplit(wordpress.partition("+")[2]).netloc)
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def documents(self) -> Iterator[Fetched | InputFailure]:
        for source in self.sources:
            yield from self._source(source)
        for start in self.options.crawl:
            yield from self._crawl(start)

    def _source(self, source: str) -> Iterator[Fetched | InputFailure]:
        from ..web.sitemap import is_sitemap_url, page_urls
        from ..web.wordpress import credentials, is_wordpress, post_pages

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

    def _crawl(self, start: str) -> Iterator[Fetched | InputFailure]:
        from ..web.crawl import crawl

        try:
            for page in crawl(self.fetcher, start, self.options.max_depth, self.options.max_pages):
                if page.ok:
                    yield self._page(page)
                else:  # a crawled link that fails is a broken link for the site rules, not an input
                    self._remember(page)
        except WebError as exc:
            yield InputFailure(start, str(exc))

    def _page(self, page: Page) -> Fetched | InputFailure:
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

    def check_links(self, summaries: Iterable[PostSummary]) -> dict[str, LinkStatus]:
        """Fetch the internal links of the posts not fetched yet; returns every known link status."""
        unknown = {url for post in summaries for url, _ in post.links
                   if url not in self.links and urlsplit(url).scheme in ("http", "https")}
        for page in self.fetcher.get_many(sorted(unknown)):
            self._remember(page)
        return dict(self.links)
