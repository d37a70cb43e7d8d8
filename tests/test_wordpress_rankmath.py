"""A WordPress site with Rank Math instead of Yoast: the head its headless support renders for a post
(``/wp-json/rankmath/v1/getHead?url=…``) is carried into the page, sanitised, so a post read through the REST
API is judged like its rendered page; a site without Rank Math is asked once and audited as before."""

from __future__ import annotations

import json

import pytest

from clinic_audit.web.wordpress import MAX_HEAD_CHARS, RANK_MATH_HEAD_PATH, head_tags, to_html

from site_server import HTML, serve

JSON = {"Content-Type": "application/json; charset=UTF-8"}
GET_HEAD = "/" + RANK_MATH_HEAD_PATH
CONTENT = ("<p>By Jane Roe, Registered Physiotherapist</p>"
           "<p>Knee pain after running usually eases with rest, ice and a slower return to training. "
           "Most runners are back on the road within a few weeks.</p>"
           "<h2>When to see a physiotherapist</h2><p>Book a visit if the knee swells, locks or gives way.</p>")
NO_ROUTE = json.dumps({"code": "rest_no_route", "message": "No route was found matching the URL and request method.",
                       "data": {"status": 404}}).encode()


def rank_math_head(url: str, base: str) -> str:
    """The head tags Rank Math prints for a post (wp_head, and the same string from getHead)."""
    schema = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "@id": f"{base}/#organization", "name": "Riverside Physio"},
        {"@type": "Person", "@id": f"{base}/author/jane/", "name": "Jane Roe", "url": f"{base}/author/jane/"},
        {"@type": "BlogPosting", "headline": "Knee pain after running - Riverside Physio",
         "datePublished": "2026-01-05T10:00:00+00:00", "dateModified": "2026-02-01T10:00:00+00:00",
         "author": {"@id": f"{base}/author/jane/", "name": "Jane Roe"}, "publisher": {"@id": f"{base}/#organization"},
         "@id": f"{url}#richSnippet", "inLanguage": "en-GB"}]}
    return (
        "\n<!-- Search Engine Optimization by Rank Math - https://rankmath.com/ -->\n"
        "<title>Knee pain after running - Riverside Physio</title>\n"
        '<meta name="description" content="Why knees hurt after a run, what helps at home, and when to book a '
        'physiotherapist."/>\n'
        '<meta name="robots" content="follow, index, max-snippet:-1, max-video-preview:-1, '
        'max-image-preview:large"/>\n'
        f'<link rel="canonical" href="{url}" />\n'
        '<meta property="og:locale" content="en_GB" />\n<meta property="og:type" content="article" />\n'
        '<meta property="og:title" content="Knee pain after running - Riverside Physio" />\n'
        '<meta property="og:description" content="Why knees hurt after a run and what helps." />\n'
        f'<meta property="og:url" content="{url}" />\n<meta property="og:site_name" content="Riverside Physio" />\n'
        '<meta property="article:published_time" content="2026-01-05T10:00:00+00:00" />\n'
        '<meta property="article:modified_time" content="2026-02-01T10:00:00+00:00" />\n'
        f'<meta property="og:image" content="{base}/wp-content/uploads/knee.jpg" />\n'
        '<meta name="twitter:card" content="summary_large_image" />\n'
        '<meta name="twitter:title" content="Knee pain after running - Riverside Physio" />\n'
        '<meta name="twitter:label1" content="Written by" />\n<meta name="twitter:data1" content="Jane Roe" />\n'
        f'<script type="application/ld+json" class="rank-math-schema">{json.dumps(schema)}</script>\n'
        "<!-- /Rank Math WordPress SEO plugin -->\n"
    )


def item(base: str, i: int, slug: str, status: str = "publish", meta: dict | None = None) -> dict:
    """A REST item as a Rank Math site returns it: no yoast_head_json."""
    return {"id": i, "status": status, "link": f"{base}/{slug}/", "date": "2026-01-05T10:00:00",
            "modified": "2026-02-01T10:00:00", "title": {"rendered": "Knee pain after running"},
            "excerpt": {"rendered": "<p>Why knees hurt.</p>"}, "content": {"rendered": CONTENT},
            "meta": meta or {}, "_embedded": {"author": [{"name": "Jane Roe"}]}}


def live_page(base: str) -> bytes:
    """The page a Rank Math site's theme renders for the post."""
    url = f"{base}/knee-pain/"
    head = ('<meta charset="UTF-8"><link rel="stylesheet" href="/wp-content/themes/clinic/style.css">'
            + rank_math_head(url, base))
    body = (f"<header><nav><a href=\"{base}/\">Home</a></nav>"
            "<time datetime=\"2026-01-05T10:00:00\">2026-01-05T10:00:00</time> "
            "<time datetime=\"2026-02-01T10:00:00\">2026-02-01T10:00:00</time></header>"
            f"<article><h1>Knee pain after running</h1>{CONTENT}</article><footer>Riverside Physio</footer>")
    return f'<!doctype html><html lang="en-GB"><head>{head}</head><body>{body}</body></html>'.encode()


def wordpress(rank_math: bool = True, posts: int = 1, per_page: int = 1) -> dict:
    """Routes of a WordPress site: the posts collection (``per_page`` a page), getHead when ``rank_math``,
    and the rendered post."""
    def collection(handler, query):
        base = f"http://{handler.headers['Host']}"
        slugs = ["knee-pain"] + [f"post-{i}" for i in range(2, posts + 1)]
        page = int(query.get("page", ["1"])[0])
        items = [item(base, n + 1, slug) for n, slug in enumerate(slugs)][(page - 1) * per_page:page * per_page]
        total = -(-len(slugs) // per_page)
        return 200, {**JSON, "X-WP-TotalPages": str(total)}, json.dumps(items).encode()

    def get_head(handler, query):
        base = f"http://{handler.headers['Host']}"
        if not rank_math:
            return 404, JSON, NO_ROUTE
        url = query.get("url", [""])[0]
        if not url.startswith(base):
            return 400, JSON, json.dumps({"code": "rest_invalid_param", "data": {"status": 400}}).encode()
        return 200, JSON, json.dumps({"success": True, "head": rank_math_head(url, base)}).encode()

    def live(handler, _query):
        return 200, HTML, live_page(f"http://{handler.headers['Host']}")

    return {"/wp-json/wp/v2/posts": collection, GET_HEAD: get_head, "/knee-pain/": live}


pytestmark = pytest.mark.usefixtures("no_wordpress_credentials")


def _findings(post: dict, families=("seo", "trust")) -> list[str]:
    return sorted(f["rule"] for f in post["findings"] if f["family"] in families)


def test_rest_with_rank_math_and_the_rendered_page_give_the_same_seo_and_trust_findings(cli):
    with serve(wordpress()) as wp:
        via_rest = json.loads(cli("check", f"wordpress+{wp.base}/", "-f", "json", "--rate", "0", "--isolated").stdout)
        via_page = json.loads(cli("check", f"{wp.base}/knee-pain/", "-f", "json", "--rate", "0", "--isolated").stdout)
    rest_post, = via_rest["posts"]
    assert rest_post["source"].endswith("/knee-pain/")
    assert _findings(rest_post) == _findings(via_page["posts"][0])
    assert not {"SE005", "SE007", "SE015", "SE016", "TR001"} & set(_findings(rest_post))  # canonical, lang, OG, schema, byline
    assert rest_post["language"] == via_page["posts"][0]["language"]


def test_a_site_without_rank_math_is_asked_once_and_audited_as_before(cli):
    with serve(wordpress(rank_math=False, posts=3)) as wp:
        result = cli("check", f"wordpress+{wp.base}/", "-f", "json", "--rate", "0", "--isolated",
                     "--no-check-links")
        asked = wp.paths().count(GET_HEAD)
        collection_pages = wp.paths().count("/wp-json/wp/v2/posts")
    assert result.exit_code in (0, 1), result.stderr
    assert len(json.loads(result.stdout)["posts"]) == 3 and collection_pages == 3
    assert asked == 1  # the 404 is remembered for the rest of the site's posts


def test_each_post_gets_its_own_head_once_rank_math_answers(cli):
    with serve(wordpress(posts=4, per_page=2)) as wp:
        result = cli("check", f"wordpress+{wp.base}/", "-f", "json", "--rate", "0", "--isolated",
                     "--no-check-links")
        asked = wp.paths().count(GET_HEAD)
    posts = json.loads(result.stdout)["posts"]
    assert asked == 4 and len(posts) == 4
    assert all(not {"SE005", "SE015", "SE016"} & set(_findings(p)) for p in posts)


def test_getHead_requests_count_against_the_request_budget(cli):
    with serve(wordpress(posts=6, per_page=6)) as wp:
        result = cli("check", f"wordpress+{wp.base}/", "-f", "json", "--rate", "0", "--isolated",
                     "--max-requests", "3")
        requests = len(wp.paths())
        asked = wp.paths().count(GET_HEAD)
    assert requests <= 3 and asked == 2  # the collection, then two heads; the other posts go without
    assert len(json.loads(result.stdout)["posts"]) == 6


def test_the_head_is_sanitised_to_title_meta_canonical_and_json_ld():
    hostile = (
        '<title>Knee pain</title><title>second</title>'
        '<meta name="description" content="Plain &quot;words&quot;" onload="alert(1)">'
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
        '<meta property="og:locale" content="es_ES">'
        '<link rel="stylesheet" href="https://evil.example/x.css"><link rel="canonical" href="https://c.example/k/">'
        '<link rel="canonical" href="https://c.example/second/">'
        '<script>window.__pwned = 1</script><style>body{display:none}</style>'
        # JSON may spell "</" as "<\\/"; re-serialised, it must not end the script element either
        '<script type="application/ld+json">{"@type": "Article", "headline": "<\\/script><script>alert(2)"}</script>'
        '<script type="application/ld+json">not json</script><base href="https://evil.example/">'
        '<noscript><img src="https://evil.example/pixel.gif"></noscript>'
    )
    kept = head_tags(hostile)
    assert kept.title == "Knee pain" and kept.locale == "es_ES" and kept.names == {"description"}
    text = "".join(kept.tags)
    for gone in ("__pwned", "display:none", "evil.example", "onload", "http-equiv", "<base", "<img", "not json",
                 "second"):
        assert gone not in text, gone
    assert 'content="Plain &quot;words&quot;"' in text and '<link rel="canonical" href="https://c.example/k/">' in text
    assert text.count("</script>") == 1 and "<\\/script>" in text
    page = to_html(item("https://c.example", 1, "k"), hostile)
    assert page.count("<title>") == 1 and '<html lang="es-ES">' in page and "__pwned" not in page


def test_an_oversized_head_is_cut_and_never_breaks_the_page():
    huge = "<title>T</title>" + '<meta name="x" content="y">' * (MAX_HEAD_CHARS // 10)
    kept = head_tags(huge)
    assert kept.title == "T" and len("".join(kept.tags)) < MAX_HEAD_CHARS * 2
    assert len(kept.tags) < MAX_HEAD_CHARS // len('<meta name="x" content="y">') + 1


def test_rank_math_meta_fields_give_the_keyphrase_title_and_description():
    post = item("https://c.example", 1, "knee", meta={
        "rank_math_focus_keyword": "knee pain after running, runner's knee, knee ice",
        "rank_math_title": "%title% %sep% %sitename%",  # a template the site expands: not the title
        "rank_math_description": "When a runner's knee hurts, and what helps."})
    page = to_html(post)
    assert '<meta name="keyphrase" content="knee pain after running">' in page
    assert "<title>Knee pain after running</title>" in page
    assert '<meta name="description" content="When a runner&#x27;s knee hurts, and what helps.">' in page
    yoast = {**post, "yoast_head_json": {"title": "Yoast title"}}
    assert "<title>Yoast title</title>" in to_html(yoast, rank_math_head("https://c.example/knee/", "https://c.example"))
