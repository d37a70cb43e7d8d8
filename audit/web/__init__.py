"""Web sources: sitemaps, crawls and the WordPress REST API, fetched politely and audited in parallel."""

from __future__ import annotations

from .wordpress import PREFIX as WORDPRESS_PREFIX


def is_web_source(source: str) -> bool:
    """True for sources read over HTTP: http(s) URLs and ``wordpress+http(s)://`` sites."""
    return source.startswith(("http://", "https://", WORDPRESS_PREFIX + "http://", WORDPRESS_PREFIX + "https://"))
