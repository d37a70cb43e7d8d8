"""Posts (and pages) from a WordPress site's REST API (``wordpress+https://site/``), drafts included when authorised.

Each item becomes the page the site would render: the title, and what Yoast SEO returns in
``yoast_head_json`` (SEO title, description, canonical, robots, Open Graph, the schema graph with author
and dates, the locale as ``<html lang>``), the author's name from ``_embed``, and the content.  So a post is
judged by what the live page says, not by a bare article.

The application password comes only from the environment (or the URL, never shown) and is handed to the
HTTP client as basic auth; it is never printed, logged or stored.
"""

from __future__ import annotations

import html
import json
import os
from typing import Any, Iterable, Iterator
from urllib.parse import urljoin

from .fetch import Fetcher, WebError

PREFIX = "wordpress+"
USER_ENV = "CLINIC_AUDIT_WP_USER"
PASSWORD_ENV = "CLINIC_AUDIT_WP_APP_PASSWORD"
POSTS_PATH = "wp-json/wp/v2/posts"
TYPES = ("posts",)  # REST collections to read; pages and custom post types by name (--wp-type posts,pages)
STATUSES = ("publish", "draft", "pending", "private", "future", "any")
PER_PAGE = 100  # the REST API's maximum
MAX_API_PAGES = 1000


def is_wordpress(source: str) -> bool:
    return source.startswith(PREFIX + "http://") or source.startswith(PREFIX + "https://")


def credentials() -> tuple[str, str] | None:
    """(user, application password) from the environment, or None when either is unset."""
    user, password = os.environ.get(USER_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    return (user, password) if user and password else None


def half_set_credentials() -> str:
    """A warning when only one of the two credential variables is set ("" otherwise)."""
    user, password = bool(os.environ.get(USER_ENV)), bool(os.environ.get(PASSWORD_ENV))
    if user == password:
        return ""
    missing = PASSWORD_ENV if user else USER_ENV
    return f"{missing} is not set, so only published posts can be read (set both {USER_ENV} and {PASSWORD_ENV})"


def post_pages(fetcher: Fetcher, source: str, authorised: bool, types: Iterable[str] = TYPES,
               status: str | None = None) -> Iterator[tuple[str, str]]:
    """(URL, HTML page) for every item of each REST collection; every status (drafts too) when ``authorised``."""
    base = source[len(PREFIX):]
    base = base if base.endswith("/") else base + "/"
    wanted = status or ("any" if authorised else "publish")
    for kind in types:
        yield from _collection(fetcher, base, urljoin(base, f"wp-json/wp/v2/{kind.strip('/')}"), authorised, wanted)


def _collection(fetcher: Fetcher, base: str, endpoint: str, authorised: bool, status: str) -> Iterator[tuple[str, str]]:
    params: dict[str, Any] = {"per_page": PER_PAGE, "_embed": "author"}
    if status != "publish":
        params.update(status=status, context="edit")
    page_number, total_pages = 1, 1
    while page_number <= min(total_pages, MAX_API_PAGES):
        page = fetcher.get(endpoint, params={**params, "page": page_number})
        if page.status == 401:
            raise WebError(
                f"WordPress at {base} refused the request (401): set {USER_ENV} and {PASSWORD_ENV} "
                "to a user and an application password that may read posts"
                if authorised else f"WordPress at {base} requires authentication (401): set {USER_ENV} and {PASSWORD_ENV}"
            )
        if page.status == 400 and page_number > 1:
            return  # WordPress answers 400 past the last page when posts vanished mid-run
        if page.status == 404:
            raise WebError(f"{endpoint}: no such REST collection (is the post type's name right, and shown in REST?)")
        if not page.ok:
            raise WebError(f"WordPress REST API at {endpoint}: {page.describe()}")
        try:
            posts = json.loads(page.content)
        except ValueError:
            raise WebError(f"{endpoint} did not answer with JSON: is {base} a WordPress site with the REST API on?") from None
        if not isinstance(posts, list):
            raise WebError(f"{endpoint} answered with unexpected JSON (expected a list of posts)")
        for post in posts:
            if isinstance(post, dict):
                yield _url(post, base), to_html(post)
        total_pages = _int(page.headers.get("x-wp-totalpages"), 1)
        page_number += 1


def _url(post: dict[str, Any], base: str) -> str:
    return str(post.get("link") or urljoin(base, f"?p={post.get('id', '')}"))


def _rendered(value: Any) -> str:
    """A REST field is ``{"rendered": …, "raw": …}``; ``raw`` (edit context) is the author's own text."""
    if isinstance(value, dict):
        return str(value.get("rendered") or value.get("raw") or "")
    return str(value or "")


def to_html(post: dict[str, Any]) -> str:
    """The page the site renders for a REST item: title, Yoast's head (when present), byline, dates, the article."""
    from bs4 import BeautifulSoup

    title = html.unescape(_rendered(post.get("title")))
    yoast = post.get("yoast_head_json") if isinstance(post.get("yoast_head_json"), dict) else {}
    excerpt = BeautifulSoup(_rendered(post.get("excerpt")), "html.parser").get_text(" ", strip=True)
    head = [f"<title>{html.escape(str(yoast.get('title') or title))}</title>"]
    meta = post.get("meta") if isinstance(post.get("meta"), dict) else {}
    fields = {
        "description": yoast.get("description") or excerpt,
        "robots": _robots(yoast.get("robots")),
        "keyphrase": meta.get("_yoast_wpseo_focuskw") or meta.get("keyphrase"),
        "author": yoast.get("author") or _embedded_author(post),
        "wp-status": post.get("status") if post.get("status") and post.get("status") != "publish" else "",
    }
    head += [f'<meta name="{name}" content="{html.escape(str(value))}">' for name, value in fields.items() if value]
    if yoast.get("canonical"):
        head.append(f'<link rel="canonical" href="{html.escape(str(yoast["canonical"]))}">')
    for key in ("og_title", "og_description", "og_url", "og_type", "og_locale"):
        if yoast.get(key):
            head.append(f'<meta property="og:{key[3:]}" content="{html.escape(str(yoast[key]))}">')
    images = yoast.get("og_image") if isinstance(yoast.get("og_image"), list) else []
    if images and isinstance(images[0], dict) and images[0].get("url"):
        head.append(f'<meta property="og:image" content="{html.escape(str(images[0]["url"]))}">')
    if isinstance(yoast.get("schema"), dict):
        # json.dumps does not escape "</": do it, so a value cannot end the script element early
        head.append('<script type="application/ld+json">'
                    + json.dumps(yoast["schema"], ensure_ascii=False).replace("</", "<\\/") + "</script>")
    lang = str(yoast.get("og_locale") or "").replace("_", "-")
    html_tag = f'<html lang="{html.escape(lang)}">' if lang else "<html>"
    date = html.escape(str(post.get("date") or ""))
    modified = html.escape(str(post.get("modified") or ""))
    return (
        # Dates sit outside <article> so page metadata sees them but they never count as the post's text.
        f"<!doctype html>\n{html_tag}\n<head>\n" + "\n".join(head)
        + "\n</head>\n<body>\n<header>"
        + (f'<time datetime="{date}">{date}</time>' if date else "")
        + (f' <time datetime="{modified}">{modified}</time>' if modified and modified != date else "")
        + f"</header>\n<article>\n<h1>{html.escape(title)}</h1>\n"
        + _rendered(post.get("content")) + "\n</article>\n</body>\n</html>\n"
    )


def _robots(value: Any) -> str:
    """Yoast's robots object ({"index": "noindex", "follow": "follow", ...}) as a robots meta value."""
    if isinstance(value, dict):
        return ", ".join(str(v) for k, v in value.items() if k in ("index", "follow") and v)
    return str(value or "")


def _embedded_author(post: dict[str, Any]) -> str:
    embedded = post.get("_embedded") if isinstance(post.get("_embedded"), dict) else {}
    authors = embedded.get("author") if isinstance(embedded.get("author"), list) else []
    return ", ".join(str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name"))


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default
