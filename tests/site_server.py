"""Loopback HTTP servers for the web tests: a small clinic site and a WordPress REST API look-alike."""

from __future__ import annotations

import base64
import gzip
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

Response = tuple[int, dict[str, str], bytes]
Route = Callable[[BaseHTTPRequestHandler, dict[str, list[str]]], Response]


class Server:
    """A running loopback server: its base URL and the log of (method, path, user-agent) it answered."""

    def __init__(self, base: str, log: list[tuple[str, str, str]]):
        self.base = base
        self.log = log

    def paths(self) -> list[str]:
        return [path for _method, path, _ua in self.log]


@contextmanager
def serve(routes: dict[str, Route | Response]) -> Iterator[Server]:
    """Serve ``routes`` (path -> response or function) on 127.0.0.1 and a free port, in a thread."""
    log: list[tuple[str, str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            parts = urlsplit(self.path)
            log.append(("GET", parts.path, self.headers.get("User-Agent", "")))
            route = routes.get(parts.path)
            if route is None:
                status, headers, body = 404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"
            elif callable(route):
                status, headers, body = route(self, parse_qs(parts.query))
            else:
                status, headers, body = route
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass  # keep test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.server_address[1]}", log)
    finally:
        server.shutdown()
        server.server_close()


HTML = {"Content-Type": "text/html; charset=utf-8"}
NAV = '<nav><a href="/">Home</a> <a href="/blog/orphan/">Menu link</a> <a href="/private/secret/">Staff</a></nav>'


def page(title: str, body: str, description: str = "", keyphrase: str = "") -> bytes:
    """A full page: head metadata, a menu and footer around the article (the menu must not count)."""
    head = f"<title>{title}</title>"
    if description:
        head += f'<meta name="description" content="{description}">'
    if keyphrase:
        head += f'<meta name="keyphrase" content="{keyphrase}">'
    return (f'<!doctype html><html lang="en"><head>{head}</head><body>{NAV}\n<article>\n<h1>{title}</h1>\n{body}\n'
            "</article>\n<footer>Clinic footer text with many words that are not the post.</footer></body></html>"
            ).encode("utf-8")


PROSE = ("<p>Back pain is common and usually gets better within a few weeks. Gentle movement helps more than bed rest. "
         "See a doctor if the pain spreads down a leg or comes with numbness.</p>")


def clinic_site() -> dict[str, Route | Response]:
    """The fixture site: sitemap index with a gzipped child, robots.txt, broken links, a redirect chain, a 500."""

    def sitemap(base: str) -> bytes:
        urls = "".join(f"<url><loc>{base}/blog/{slug}/</loc></url>" for slug in ("a", "b", "c", "orphan"))
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()

    def index(handler: BaseHTTPRequestHandler, _q: dict[str, list[str]]) -> Response:
        base = f"http://{handler.headers['Host']}"
        body = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base}/sitemap-posts.xml.gz</loc></sitemap></sitemapindex>")
        return 200, {"Content-Type": "application/xml"}, body.encode()

    def child(handler: BaseHTTPRequestHandler, _q: dict[str, list[str]]) -> Response:
        return 200, {"Content-Type": "application/gzip"}, gzip.compress(sitemap(f"http://{handler.headers['Host']}"))

    return {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
        "/sitemap.xml": index,
        "/sitemap-posts.xml.gz": child,
        "/": (200, HTML, page("Clinic blog", '<p><a href="/blog/a/">A</a> <a href="/blog/b/">B</a> '
                                             '<a href="/blog/c/">C</a></p>')),
        "/blog/a/": (200, HTML, page("Back pain: what helps", PROSE + (
            '<p>Read <a href="/blog/b/">more on exercise</a>, the <a href="/blog/gone/">old hours</a>, '
            '<a href="/old/">our advice</a> and <a href="/blog/error/">the form</a>.</p>'),
            description="Back pain advice.", keyphrase="back pain")),
        "/blog/b/": (200, HTML, page("Back pain: what helps", PROSE + '<p>See <a href="/blog/c/">sleep</a>.</p>',
                                     description="Exercise for back pain.", keyphrase="back pain")),
        "/blog/c/": (200, HTML, page("Sleeping with back pain", "<p>Sleep on your side with a pillow between the "
                                     'knees. Back to <a href="/blog/a/">what helps</a>.</p>',
                                     description="Sleep positions.")),
        "/blog/orphan/": (200, HTML, page("Heat or ice for a sore back", "<p>Heat relaxes tight muscles; ice eases "
                                          "swelling in the first two days.</p>", description="Heat or ice.")),
        "/old/": (301, {"Location": "/older/"}, b""),
        "/older/": (301, {"Location": "/blog/c/"}, b""),
        "/blog/error/": (500, HTML, b"<h1>Server error</h1>"),
        "/private/secret/": (200, HTML, page("Staff only", "<p>Private.</p>")),
    }


WP_USER, WP_PASSWORD = "editor", "abcd efgh ijkl mnop"
WP_PER_PAGE = 2  # small pages so two posts already need pagination


def _wp_post(i: int, status: str, base: str) -> dict[str, object]:
    return {
        "id": i, "status": status, "link": f"{base}/?p={i}" if status != "publish" else f"{base}/post-{i}/",
        "date": "2026-01-0%dT10:00:00" % i, "modified": "2026-02-0%dT10:00:00" % i,
        "title": {"rendered": f"Post {i} about knee pain"},
        "excerpt": {"rendered": f"<p>Knee pain advice number {i}.</p>"},
        "content": {"rendered": f"<p>Knee pain after running usually eases with rest. Post {i}.</p>"
                                f'<p><a href="{base}/post-1/">First post</a></p>'},
    }


def wordpress_site() -> dict[str, Route | Response]:
    """A WordPress REST API look-alike: three published posts, one draft visible only with the password."""

    def posts(handler: BaseHTTPRequestHandler, query: dict[str, list[str]]) -> Response:
        base = f"http://{handler.headers['Host']}"
        auth = handler.headers.get("Authorization", "")
        good = "Basic " + base64.b64encode(f"{WP_USER}:{WP_PASSWORD}".encode()).decode()
        wants_all = query.get("status") == ["any"]
        if (auth and auth != good) or (wants_all and not auth):
            body = {"code": "rest_forbidden", "message": "Sorry, you are not allowed to do that.", "data": {"status": 401}}
            return 401, {"Content-Type": "application/json"}, json.dumps(body).encode()
        items = [_wp_post(i, "publish", base) for i in (1, 2, 3)]
        if wants_all:
            items.append(_wp_post(4, "draft", base))
        pages = (len(items) + WP_PER_PAGE - 1) // WP_PER_PAGE
        number = int(query.get("page", ["1"])[0])
        if number > pages:
            return 400, {"Content-Type": "application/json"}, b'{"code": "rest_post_invalid_page_number"}'
        chunk = items[(number - 1) * WP_PER_PAGE: number * WP_PER_PAGE]
        headers = {"Content-Type": "application/json; charset=UTF-8", "X-WP-Total": str(len(items)),
                   "X-WP-TotalPages": str(pages)}
        return 200, headers, json.dumps(chunk).encode()

    return {"/wp-json/wp/v2/posts": posts}
