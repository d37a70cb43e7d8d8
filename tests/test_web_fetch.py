"""The HTTP client: retries with bounded backoff, Retry-After, redirect recording and cap, rate limit, sitemaps."""

from __future__ import annotations

import gzip
import time

import pytest

from clinic_audit.web import fetch
from clinic_audit.web.fetch import Fetcher
from clinic_audit.web.sitemap import is_sitemap_url, parse_sitemap

from site_server import serve


def _flaky(answers: list[tuple[int, dict[str, str]]]):
    """A route answering each status in turn, then 200."""
    calls = iter(answers)

    def route(_handler, _query):
        status, headers = next(calls, (200, {}))
        return status, {"Content-Type": "text/html", **headers}, b"<p>ok</p>" if status == 200 else b"busy"

    return route


def test_429_is_retried_after_the_servers_retry_after():
    waits: list[float] = []  # the fetcher's clock is injected: the test records the waits instead of sleeping
    with serve({"/p": _flaky([(429, {"Retry-After": "1"})])}) as site, \
            Fetcher(rate=0, backoff=0.01, sleep=waits.append) as client:
        page = client.get(f"{site.base}/p")
    assert page.status == 200 and site.paths() == ["/p", "/p"]
    assert waits == [1.0]


def test_retry_after_is_bounded():
    waits: list[float] = []
    with serve({"/p": _flaky([(503, {"Retry-After": "3600"})])}) as site, Fetcher(rate=0, sleep=waits.append) as client:
        assert client.get(f"{site.base}/p").status == 200
    assert waits == [fetch.MAX_BACKOFF_SECONDS]


def test_retries_give_up_with_the_last_status():
    with serve({"/p": _flaky([(502, {})] * 5)}) as site, Fetcher(rate=0, retries=2, backoff=0.01) as client:
        assert client.get(f"{site.base}/p").status == 502
    assert len(site.paths()) == 3


def test_redirects_are_followed_recorded_and_capped():
    routes = {f"/r{i}": (301, {"Location": f"/r{i + 1}"}, b"") for i in range(10)}
    routes["/r10"] = (200, {"Content-Type": "text/html"}, b"<p>end</p>")
    with serve(routes) as site, Fetcher(rate=0, max_redirects=3) as client:
        short = client.get(f"{site.base}/r7")
        long = client.get(f"{site.base}/r0")
    assert short.ok and short.final_url == f"{site.base}/r10"
    assert [status for _url, status in short.redirects] == [301, 301, 301]
    assert not long.ok and "more than 3 redirects" in long.describe()


def test_per_host_rate_limit_spaces_requests():
    routes = {f"/p{i}": (200, {"Content-Type": "text/html"}, b"<p>x</p>") for i in range(6)}
    with serve(routes) as site, Fetcher(rate=20, concurrency=6) as client:
        started = time.monotonic()
        pages = list(client.get_many(f"{site.base}/p{i}" for i in range(6)))
    assert all(p.ok for p in pages)
    assert time.monotonic() - started >= 5 / 20 * 0.9  # six request starts at most 1/20 s apart


def test_connection_refused_is_a_page_with_an_error():
    with serve({}) as site:
        base = site.base
    with Fetcher(rate=0, retries=0) as client:
        page = client.get(f"{base}/gone")
    assert page.status == 0 and page.error


def test_gzipped_sitemap_is_read_and_an_index_is_told_apart():
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://x.test/a </loc></url></urlset>'
    assert parse_sitemap(gzip.compress(urlset)) == ("urlset", ["https://x.test/a"])
    index = b'<sitemapindex><sitemap><loc>https://x.test/s.xml.gz</loc></sitemap></sitemapindex>'
    assert parse_sitemap(index) == ("sitemapindex", ["https://x.test/s.xml.gz"])
    with pytest.raises(ValueError, match="not a sitemap"):
        parse_sitemap(b"<html></html>")
    assert is_sitemap_url("https://x.test/sitemap_index.xml") and not is_sitemap_url("https://x.test/blog/a/")


def test_credentials_never_follow_a_redirect_to_another_host():
    seen: dict[str, str | None] = {}

    def record(name: str):
        def route(handler, _query):
            seen[name] = handler.headers.get("Authorization")
            return 200, {"Content-Type": "text/html"}, b"<p>x</p>"
        return route

    with serve({"/q": record("other")}) as other:
        with serve({"/p": (302, {"Location": f"{other.base}/q"}, b""), "/own": record("own")}) as site:
            with Fetcher(rate=0, auth=("editor", "secret"), auth_url=site.base) as client:
                assert client.get(f"{site.base}/p").ok and client.get(f"{site.base}/own").ok
    assert seen["own"] and seen["own"].startswith("Basic ")
    assert seen["other"] is None
