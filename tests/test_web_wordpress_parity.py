"""A post read through the WordPress REST API is judged like the page the site renders for it."""

from __future__ import annotations

import json

import pytest

from clinic_audit.web.wordpress import PASSWORD_ENV, USER_ENV, to_html

from site_server import HTML, serve

CONTENT = ("<p>By Jane Roe, Registered Physiotherapist</p>"
           "<p>Knee pain after running usually eases with rest, ice and a slower return to training. "
           "Most runners are back on the road within a few weeks.</p>"
           "<h2>When to see a physiotherapist</h2><p>Book a visit if the knee swells, locks or gives way.</p>")


def _yoast(base: str, slug: str) -> dict:
    url = f"{base}/{slug}/"
    return {
        "title": "Knee pain after running | Riverside Physio",
        "description": "Why knees hurt after a run, what helps at home, and when to book a physiotherapist.",
        "robots": {"index": "index", "follow": "follow"},
        "canonical": url,
        "og_locale": "en_GB",
        "og_type": "article",
        "og_title": "Knee pain after running",
        "og_description": "Why knees hurt after a run and what helps.",
        "og_url": url,
        "og_image": [{"url": f"{base}/knee.jpg", "width": 1200, "height": 630}],
        "author": "Jane Roe",
        "schema": {"@context": "https://schema.org", "@graph": [
            {"@type": "Article", "headline": "Knee pain after running", "author": {"name": "Jane Roe", "@id": f"{base}/#jane"},
             "datePublished": "2026-01-05T10:00:00+00:00", "dateModified": "2026-02-01T10:00:00+00:00"},
            {"@type": "Person", "@id": f"{base}/#jane", "name": "Jane Roe"}]},
    }


def _item(base: str, i: int, slug: str, status: str = "publish") -> dict:
    return {"id": i, "status": status, "link": f"{base}/{slug}/", "date": "2026-01-05T10:00:00",
            "modified": "2026-02-01T10:00:00", "title": {"rendered": "Knee pain after running"},
            "excerpt": {"rendered": "<p>Why knees hurt.</p>"}, "content": {"rendered": CONTENT},
            "yoast_head_json": _yoast(base, slug), "_embedded": {"author": [{"name": "Jane Roe"}]}}


def _live_page(base: str) -> bytes:
    """The page a Yoast-equipped theme renders for the same post."""
    y = _yoast(base, "knee-pain")
    head = (f"<title>{y['title']}</title><meta name=\"description\" content=\"{y['description']}\">"
            f"<meta name=\"robots\" content=\"index, follow\"><link rel=\"canonical\" href=\"{y['canonical']}\">"
            f"<meta property=\"og:locale\" content=\"en_GB\"><meta property=\"og:type\" content=\"article\">"
            f"<meta property=\"og:title\" content=\"{y['og_title']}\">"
            f"<meta property=\"og:description\" content=\"{y['og_description']}\">"
            f"<meta property=\"og:url\" content=\"{y['og_url']}\"><meta property=\"og:image\" content=\"{base}/knee.jpg\">"
            f"<meta name=\"author\" content=\"Jane Roe\">"
            f"<script type=\"application/ld+json\">{json.dumps(y['schema'])}</script>")
    body = (f"<header><nav><a href=\"{base}/\">Home</a></nav>"
            "<time datetime=\"2026-01-05T10:00:00\">2026-01-05T10:00:00</time> "
            "<time datetime=\"2026-02-01T10:00:00\">2026-02-01T10:00:00</time></header>"
            f"<article><h1>Knee pain after running</h1>{CONTENT}</article><footer>Riverside Physio</footer>")
    return f'<!doctype html><html lang="en-GB"><head>{head}</head><body>{body}</body></html>'.encode()


def _rest(base_holder: dict) -> dict:
    def collection(kind: str):
        def route(handler, query):
            base = f"http://{handler.headers['Host']}"
            if kind == "posts":
                items = [_item(base, 1, "knee-pain")]
                if query.get("status") == ["any"]:
                    items.append(_item(base, 2, "draft-post", status="draft"))
            else:
                items = [_item(base, 3, "about-us")]
            return 200, {"Content-Type": "application/json", "X-WP-TotalPages": "1"}, json.dumps(items).encode()
        return route

    def live(handler, _query):
        return 200, HTML, _live_page(f"http://{handler.headers['Host']}")

    return {"/wp-json/wp/v2/posts": collection("posts"), "/wp-json/wp/v2/pages": collection("pages"),
            "/knee-pain/": live}


pytestmark = pytest.mark.usefixtures("no_wordpress_credentials")


def _findings(post: dict, families=("seo", "trust")) -> list[str]:
    return sorted(f["rule"] for f in post["findings"] if f["family"] in families)


def test_rest_and_the_rendered_page_give_the_same_seo_and_trust_findings(cli):
    with serve(_rest({})) as wp:
        via_rest = json.loads(cli("check", f"wordpress+{wp.base}/", "-f", "json", "--rate", "0", "--isolated").stdout)
        via_page = json.loads(cli("check", f"{wp.base}/knee-pain/", "-f", "json", "--rate", "0", "--isolated").stdout)
    rest_post, = [p for p in via_rest["posts"] if p["source"].endswith("/knee-pain/")]
    assert _findings(rest_post) == _findings(via_page["posts"][0])
    assert not {"SE005", "SE007", "SE015", "SE016", "TR001"} & set(_findings(rest_post))  # canonical, lang, OG, schema, byline


def test_pages_are_read_when_asked_and_drafts_are_labelled(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(USER_ENV, "editor")
    monkeypatch.setenv(PASSWORD_ENV, "secret words")
    with serve(_rest({})) as wp:
        result = cli("check", f"wordpress+{wp.base}/", "--wp-type", "posts,pages", "--rate", "0", "--isolated",
                     "-f", "json")
        text = cli("check", f"wordpress+{wp.base}/", "--rate", "0", "--isolated", "--no-color")
    posts = json.loads(result.stdout)["posts"]
    assert sorted(p["source"].rsplit("/", 2)[-2] for p in posts) == ["about-us", "draft-post", "knee-pain"]
    assert [p["document"].get("status") for p in posts if "draft-post" in p["source"]] == ["draft"]
    assert "draft-post/ [draft]" in text.stdout


def test_half_set_credentials_are_a_warning_not_a_silent_fallback(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(USER_ENV, "editor")
    with serve(_rest({})) as wp:
        result = cli("check", f"wordpress+{wp.base}/", "--rate", "0", "--isolated", "-f", "json")
    assert f"warning: {PASSWORD_ENV} is not set" in result.stderr
    assert len(json.loads(result.stdout)["posts"]) == 1


def test_a_schema_value_cannot_close_the_script_element():
    page = to_html({"title": {"rendered": "T"}, "content": {"rendered": "<p>x</p>"},
                    "yoast_head_json": {"schema": {"@type": "Article", "headline": "</script><script>alert(1)"}}})
    assert page.count("</script>") == 1
