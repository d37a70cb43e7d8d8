"""The WordPress REST API source: pagination through X-WP-TotalPages, drafts with an application password."""

from __future__ import annotations

import json

import pytest

from clinic_audit.web.wordpress import PASSWORD_ENV, USER_ENV

from site_server import WP_PASSWORD, WP_USER, serve, wordpress_site


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(USER_ENV, raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def _audit(cli, base: str):
    return cli("check", f"wordpress+{base}/", "-f", "json", "--rate", "0", "-j", "1", "--isolated")


def test_published_posts_are_read_across_pages(cli):
    with serve(wordpress_site()) as wp:
        result = _audit(cli, wp.base)
    sources = [p["source"] for p in json.loads(result.stdout)["posts"]]
    assert sources == [f"{wp.base}/post-{i}/" for i in (1, 2, 3)]
    assert wp.paths().count("/wp-json/wp/v2/posts") == 2  # two pages of two, as X-WP-TotalPages said


def test_post_fields_become_the_page_rules_see(cli):
    with serve(wordpress_site()) as wp:
        result = _audit(cli, wp.base)
    first = json.loads(result.stdout)["posts"][0]
    assert first["title"] == "Post 1 about knee pain"
    texts = [b["text"] for b in first["document"]["blocks"]]
    assert texts[0] == "Post 1 about knee pain" and any("Knee pain after running" in t for t in texts)


def test_drafts_come_with_an_application_password(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(USER_ENV, WP_USER)
    monkeypatch.setenv(PASSWORD_ENV, WP_PASSWORD)
    with serve(wordpress_site()) as wp:
        result = _audit(cli, wp.base)
    sources = [p["source"] for p in json.loads(result.stdout)["posts"]]
    assert f"{wp.base}/?p=4" in sources and len(sources) == 4
    assert WP_PASSWORD not in result.output


def test_a_refused_password_is_one_clear_line_without_the_secret(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(USER_ENV, WP_USER)
    monkeypatch.setenv(PASSWORD_ENV, "wrong secret value")
    with serve(wordpress_site()) as wp:
        result = _audit(cli, wp.base)
    assert result.exit_code == 2
    assert "refused the request (401)" in result.output and USER_ENV in result.output
    assert "wrong secret value" not in result.output and "Traceback" not in result.output
