"""Read sitemaps: ``<urlset>`` files and ``<sitemapindex>`` files, plain or gzipped."""

from __future__ import annotations

import logging
import zlib
from typing import Iterator
from xml.etree import ElementTree

from .fetch import Fetcher, WebError

log = logging.getLogger(__name__)

MAX_SITEMAPS = 1000  # the sitemaps.org limit is 50,000 per index; a site audit needs far fewer
MAX_DECOMPRESSED_BYTES = 50_000_000  # the sitemaps.org size limit; also a guard against gzip bombs
MAX_NESTING = 3


def is_sitemap_url(url: str) -> bool:
    """True for URLs that name a sitemap (``sitemap*.xml``, ``*.xml.gz``) rather than a page."""
    path = url.split("?", 1)[0].lower()
    return path.endswith((".xml", ".xml.gz")) or "sitemap" in path.rsplit("/", 1)[-1]


def page_urls(fetcher: Fetcher, url: str) -> Iterator[str]:
    """Every page URL a sitemap (or sitemap index, recursively) lists, each once, in listed order."""
    seen_pages: set[str] = set()
    seen_maps: set[str] = set()
    yield from _walk(fetcher, url, seen_pages, seen_maps, 0, top=True)


def _walk(fetcher: Fetcher, url: str, seen_pages: set[str], seen_maps: set[str], depth: int, top: bool) -> Iterator[str]:
    if url in seen_maps:
        return
    if len(seen_maps) >= MAX_SITEMAPS or depth > MAX_NESTING:
        log.warning("sitemap %s not read: sitemap indexes may nest %d deep and list %d sitemaps at most",
                    url, MAX_NESTING, MAX_SITEMAPS)
        return
    seen_maps.add(url)
    page = fetcher.get(url)
    if not page.ok:
        message = f"cannot read sitemap {url}: {page.describe()}"
        if top:
            raise WebError(message)
        log.warning(message)
        return
    try:
        kind, locations = parse_sitemap(page.content)
    except ValueError as exc:
        if top:
            raise WebError(f"{url}: {exc}") from None
        log.warning("%s: %s", url, exc)
        return
    for location in locations:
        if kind == "sitemapindex":
            yield from _walk(fetcher, location, seen_pages, seen_maps, depth + 1, top=False)
        elif location not in seen_pages:
            seen_pages.add(location)
            yield location


def parse_sitemap(data: bytes) -> tuple[str, list[str]]:
    """The sitemap's kind (urlset or sitemapindex) and its ``<loc>`` values; raises ValueError when unreadable."""
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data)
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ValueError(f"not a readable sitemap ({exc})") from None
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap: the root element is <{kind}>, not <urlset> or <sitemapindex>")
    locations = [
        (element.text or "").strip()
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] == "loc" and (element.text or "").strip()
    ]
    return kind, locations


def _gunzip(data: bytes) -> bytes:
    # Decompress in bounded steps so a tiny gzip bomb cannot exhaust memory.
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, MAX_DECOMPRESSED_BYTES + 1)
    except zlib.error as exc:
        raise ValueError(f"broken gzip data ({exc})") from None
    if len(out) > MAX_DECOMPRESSED_BYTES or decompressor.unconsumed_tail:
        raise ValueError(f"decompressed sitemap is over {MAX_DECOMPRESSED_BYTES // 1_000_000} MB")
    return out

