"""Crawl a site from a start URL: same host only, robots.txt honoured, depth and page limits."""

from __future__ import annotations

import logging
from html.parser import HTMLParser
from typing import Iterator
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from .fetch import USER_AGENT, Fetcher, Page, WebError

log = logging.getLogger(__name__)

MAX_DEPTH = 3
MAX_PAGES = 500
SKIPPED_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf", ".zip", ".css", ".js", ".ico", ".mp4", ".xml")


class _Hrefs(HTMLParser):
    """Collect ``<a href>`` values; the stdlib parser is enough and far faster than building a tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value:
                    self.hrefs.append(value.strip())


def links_of(page: Page) -> list[str]:
    """Absolute, fragment-free URLs of the page's ``<a href>`` links."""
    parser = _Hrefs()
    parser.feed(page.content.decode("utf-8", errors="replace"))
    out = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        out.append(urldefrag(urljoin(page.final_url, href)).url)
    return out


def robots_for(fetcher: Fetcher, start: str) -> RobotFileParser:
    """The site's robots.txt rules (a missing file allows everything; 401/403, 429 and 5xx disallow everything)."""
    parts = urlsplit(start)
    robots = RobotFileParser(f"{parts.scheme}://{parts.netloc}/robots.txt")
    page = fetcher.get(robots.url)
    if page.status in (401, 403) or page.status == 429 or page.status >= 500:
        # 5xx and a 429 that outlasted the retries: the site is struggling or refusing, so nothing is fetched
        # (Google's convention), rather than treating an unreadable robots.txt as permission for everything.
        if page.status == 429 or page.status >= 500:
            log.warning("robots.txt at %s answered %s: fetching nothing from that site", robots.url, page.status)
        robots.disallow_all = True
    elif page.ok:
        robots.parse(page.content.decode("utf-8", errors="replace").splitlines())
    else:
        robots.allow_all = True
    return robots


def crawl(fetcher: Fetcher, start: str, max_depth: int = MAX_DEPTH, max_pages: int = MAX_PAGES) -> Iterator[Page]:
    """Breadth-first crawl of ``start``'s host; yields every fetched HTML page (any status), level by level, in link order."""
    parts = urlsplit(start)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WebError(f"--crawl needs an http(s) URL, got {start!r}")
    host = parts.netloc.lower()
    robots = robots_for(fetcher, start)
    seen = {urldefrag(start).url}
    level = [urldefrag(start).url]
    fetched = 0
    for depth in range(max_depth + 1):
        allowed = [u for u in level if robots.can_fetch(USER_AGENT, u)]
        for skipped in set(level) - set(allowed):
            log.info("robots.txt disallows %s", skipped)
        allowed = allowed[: max_pages - fetched]
        next_level: list[str] = []
        for page in fetcher.get_many(allowed):
            fetched += 1
            if not page.is_html and page.ok:
                continue
            yield page
            if not page.ok or depth == max_depth or urlsplit(page.final_url).netloc.lower() != host:
                continue
            for link in links_of(page):
                if (urlsplit(link).netloc.lower() == host and link not in seen
                        and not urlsplit(link).path.lower().endswith(SKIPPED_SUFFIXES)):
                    seen.add(link)
                    next_level.append(link)
        if fetched >= max_pages or not next_level:
            return
        level = next_level
