"""A sitemap, redirect, slow server or URL never steers the run off the audited site or leaks a secret."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from clinic_audit.web import fetch, redact
from clinic_audit.web.fetch import Fetcher
from clinic_audit.web.scope import Scope

from site_server import HTML, WP_PASSWORD, WP_USER, page, serve, wordpress_site


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "BACKOFF_SECONDS", 0.01)


def _sitemap(*urls: str) -> tuple[int, dict[str, str], bytes]:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return 200, {"Content-Type": "application/xml"}, (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>').encode()


POST = (200, HTML, page("Back pain", "<p>Back pain usually gets better in a few weeks with gentle movement.</p>"))


def test_a_sitemap_entry_on_another_host_is_not_fetched(cli):
    with serve({"/metadata": POST}) as other:
        def sitemap(handler, _query):
            return _sitemap(f"http://{handler.headers['Host']}/p", f"{other.base}/metadata")

        with serve({"/sitemap.xml": sitemap, "/p": POST}) as site:
            result = cli("check", f"{site.base}/sitemap.xml", "-f", "json", "--rate", "0", "--isolated")
    data = json.loads(result.stdout)
    assert [p["source"] for p in data["posts"]] == [f"{site.base}/p"]
    assert other.paths() == []  # the other host never saw a request
    assert "is not the audited site" in result.stderr


def test_a_redirect_off_the_site_is_not_followed(cli):
    with serve({"/secret": POST}) as other:
        with serve({"/p": (302, {"Location": f"{other.base}/secret"}, b"")}) as site:
            result = cli("check", f"{site.base}/p", "-f", "json", "--rate", "0", "--isolated")
    assert other.paths() == [] and "not fetched" in result.stderr


def test_an_allowed_extra_host_on_a_private_address_is_still_refused():
    scope = Scope(["https://clinic.example/"], allowed_hosts=["localhost"])
    assert scope.refuses("https://www.clinic.example/blog/") == ""  # www and the default port do not matter
    assert "non-public address" in scope.refuses("http://localhost:6379/")
    anywhere = Scope([], any_public_host=True)  # external link checks
    assert "non-public address" in anywhere.refuses("http://169.254.169.254/latest/meta-data/")
    assert "non-public address" in anywhere.refuses("http://127.0.0.1:8080/")
    assert "not the audited site" in scope.refuses("http://elsewhere.example/")
    assert scope.refuses("ftp://clinic.example/") == "not an http(s) URL"


def test_credentials_go_to_their_own_scheme_host_and_port_only():
    seen: list[str | None] = []

    def record(handler, _query):
        seen.append(handler.headers.get("Authorization"))
        return 200, {"Content-Type": "text/html"}, b"<p>x</p>"

    with serve({"/p": record}) as site:
        https_twin = site.base.replace("http://", "https://")  # same host and port, another scheme
        with Fetcher(rate=0, auth=("editor", "secret"), auth_url=https_twin) as client:
            assert client.get(f"{site.base}/p").ok
    assert seen == [None]


def test_a_server_that_drips_bytes_is_cut_off_at_the_timeout():
    class Drip(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(40):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.05)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        with Fetcher(rate=0, timeout=0.3, retries=0) as client:
            got = client.get(f"http://127.0.0.1:{server.server_address[1]}/")
        assert time.monotonic() - started < 1.5  # not the 2 s the drip takes
        assert got.status == 0 and "took more than" in got.error
    finally:
        server.shutdown()
        server.server_close()


def test_every_request_counts_against_the_run_budget(cli):
    links = "".join(f'<a href="/p{i}">{i}</a> ' for i in range(30))
    routes = {"/": (200, HTML, page("Clinic", f"<p>{links}</p>"))}
    routes.update({f"/p{i}": POST for i in range(30)})
    with serve(routes) as site:
        cli("check", "--crawl", f"{site.base}/", "--max-requests", "5", "--rate", "0", "--isolated", "-f", "json")
    assert len(site.paths()) <= 5


def test_robots_txt_answering_503_means_nothing_is_crawled(cli):
    with serve({"/robots.txt": (503, {}, b""), "/": POST}) as site:
        result = cli("check", "--crawl", f"{site.base}/", "--rate", "0", "--isolated", "-f", "json")
    assert [p for p in site.paths() if p != "/robots.txt"] == []
    assert result.exit_code == 2  # nothing audited is said, not passed


def test_credentials_in_a_url_are_used_but_never_shown_or_stored(cli, tmp_path: Path):
    db = tmp_path / "h.sqlite"
    with serve(wordpress_site()) as site:
        host = site.base.removeprefix("http://")
        source = f"wordpress+http://{WP_USER}:{quote(WP_PASSWORD)}@{host}/"
        result = cli("check", source, "-f", "json", "--rate", "0", "--isolated", "--db", str(db))
    assert json.loads(result.stdout)["posts"]  # the password reached WordPress
    secret = quote(WP_PASSWORD)
    assert secret not in result.stdout and secret not in result.stderr and WP_PASSWORD not in result.stdout
    stored = "\n".join(str(row) for row in sqlite3.connect(db).execute("SELECT sources FROM runs"))
    assert secret not in stored and WP_PASSWORD not in stored
    assert redact(source) == f"wordpress+http://{host}/"


def test_url_patterns_choose_what_a_crawl_audits_while_it_still_follows_links(cli):
    from site_server import clinic_site

    with serve(clinic_site()) as site:
        result = cli("check", "--crawl", f"{site.base}/", "--exclude-url", "/", "--include-url", "/blog/*",
                     "--exclude-url", "/blog/c/", "--rate", "0", "--isolated", "-f", "json", "--fail-on", "never")
    audited = sorted(p["source"].removeprefix(site.base) for p in json.loads(result.stdout)["posts"])
    assert audited == ["/blog/a/", "/blog/b/", "/blog/orphan/"]  # the home page was crawled through, not audited


def test_an_unchanged_page_is_revalidated_not_downloaded_again(cli, tmp_path: Path):
    answers: list[str] = []

    def post(handler, _query):
        if handler.headers.get("If-None-Match") == '"v1"':
            answers.append("304")
            return 304, {"ETag": '"v1"'}, b""
        answers.append("200")
        return 200, {**HTML, "ETag": '"v1"'}, POST[2]

    with serve({"/p": post}) as site:
        first = cli("check", f"{site.base}/p", "-f", "json", "--rate", "0", "--isolated", "--db", str(tmp_path / "h"))
        second = cli("check", f"{site.base}/p", "-f", "json", "--rate", "0", "--isolated", "--db", str(tmp_path / "h"))
        fresh = cli("check", f"{site.base}/p", "-f", "json", "--rate", "0", "--isolated", "--no-cache")
    assert answers == ["200", "304", "200"]  # the second night only revalidated; --no-cache downloads again
    assert json.loads(first.stdout)["posts"] == json.loads(second.stdout)["posts"] == json.loads(fresh.stdout)["posts"]


def test_external_links_are_checked_only_when_asked_and_broken_ones_are_warnings(cli, tmp_path: Path):
    with serve({"/guideline": POST, "/gone": (404, HTML, b"")}) as other:
        host = other.base.removeprefix("http://").split(":")[0]
        post = tmp_path / "a.md"
        post.write_text(f"# Knee care\n\nSee [the guideline]({other.base}/guideline) and [the old one]({other.base}/gone).\n",
                        encoding="utf-8")
        offline = cli("check", "--isolated", "-f", "json", str(post), "--fail-on", "never")
        assert other.paths() == []  # auditing a local file never touches the network unless asked
        checked = cli("check", "--isolated", "-f", "json", str(post), "--check-external", "--allow-host", host,
                      "--fail-on", "never")
    found = [f for f in json.loads(checked.stdout)["site"]["findings"] if f["rule"] == "SI009"]
    assert [f["sources"][1] for f in found] == [f"{other.base}/gone"] and found[0]["severity"] == "warning"
    assert "site" not in json.loads(offline.stdout) or not json.loads(offline.stdout)["site"]["findings"]
    assert sorted(set(other.paths()) - {"/robots.txt"}) == ["/gone", "/guideline"]


def test_a_crawl_that_audits_nothing_says_so(cli):
    with serve({"/robots.txt": (503, {}, b""), "/": POST}) as site:
        result = cli("check", "--crawl", f"{site.base}/", "--rate", "0", "--isolated")
    assert result.exit_code == 2 and "no page was audited" in result.stderr and "no file matches" not in result.stderr
    assert "robots.txt" in result.stderr


def test_a_sitemap_index_nested_too_deep_is_a_warning(cli):
    def index(depth: int):
        def route(handler, _query):
            base = f"http://{handler.headers['Host']}"
            loc = f"{base}/map{depth + 1}.xml" if depth < 6 else f"{base}/p"
            kind = "sitemapindex" if depth < 6 else "urlset"
            tag = "sitemap" if depth < 6 else "url"
            return 200, {"Content-Type": "application/xml"}, (
                f'<?xml version="1.0"?><{kind} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<{tag}><loc>{loc}</loc></{tag}></{kind}>").encode()
        return route

    routes = {f"/map{d}.xml": index(d) for d in range(7)}
    routes["/p"] = POST
    with serve(routes) as site:
        result = cli("check", f"{site.base}/map0.xml", "--rate", "0", "--isolated")
    assert "warning: sitemap" in result.stderr and "nest" in result.stderr
