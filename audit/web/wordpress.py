"""Posts from a WordPress site's REST API (``wordpress+https://site/``), drafts included when authorised.

The application password comes only from the environment and is handed to the
HTTP client as basic auth; it is never printed, logged or stored.
"""

from __future__ import annotations

import html
import json
import os
from typing import Any, Iterator
from urllib.parse import urljoin

from .fetch import Fetcher, WebError

PREFIX = "wordpress+"
USER_ENV = "CLINIC_AUDIT_WP_USER"
PASSWORD_ENV = "CLINIC_AUDIT_WP_APP_PASSWORD"
POSTS_PATH = "wp-json/wp/v2/posts"
PER_PAGE = 100  # the REST API's maximum
MAX_API_PAGES = 1000


def is_wordpress(source: str) -> bool:
    return source.startswith(PREFIX + "http://") or source.startswith(PREFIX + "https://")


def credentials() -> tuple[str, str] | None:
    """(user, application password) from the environment, or None when either is unset."""
    user, password = os.environ.get(USER_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    return (user, password) if user and password else None


def post_pages(fetcher: Fetcher, source: str, authorised: bool) -> Iterator[tuple[str, str]]:
    """(URL, HTML page) for every post; all statuses (drafts too) when ``authorised``."""
    base = source[len(PREFIX):]
    base = base if base.endswith("/") else base + "/"
    endpoint = urljoin(base, POSTS_PATH)
    params: dict[str, Any] = {"per_page": PER_PAGE}
    if authorised:
        params.update(status="any", context="edit")
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
    """A page built from the post's fields: title, Yoast SEO title/description when present, the article."""
    from bs4 import BeautifulSoup

    title = html.unescape(_rendered(post.get("title")))
    yoast = post.get("yoast_head_json") if isinstance(post.get("yoast_head_json"), dict) else {}
    excerpt = BeautifulSoup(_rendered(post.get("excerpt")), "html.parser").get_text(" ", strip=True)
    description = yoast.get("description") or excerpt
    head = [f"<title>{html.escape(yoast.get('title') or title)}</title>"]
    if description:
        head.append(f'<meta name="description" content="{html.escape(str(description))}">')
    meta = post.get("meta") if isinstance(post.get("meta"), dict) else {}
    keyphrase = meta.get("_yoast_wpseo_focuskw") or meta.get("keyphrase")
    if keyphrase:
        head.append(f'<meta name="keyphrase" content="{html.escape(str(keyphrase))}">')
    if post.get("status") and post.get("status") != "publish":
        head.append(f'<meta name="wp-status" content="{html.escape(str(post["status"]))}">')
    date = html.escape(str(post.get("date") or ""))
    modified = html.escape(str(post.get("modified") or ""))
    return (
        # Dates sit outside <article> so page metadata sees them but they never count as the post's text.
        "<!doctype html>\n<html>\n<head>\n" + "\n".join(head) + "\n</head>\n<body>\n<header>"
        + (f'<time datetime="{date}">{date}</time>' if date else "")
        + (f' <time datetime="{modified}">{modified}</time>' if modified and modified != date else "")
        + f"</header>\n<article>\n<h1>{html.escape(title)}</h1>\n"
        + _rendered(post.get("content")) + "\n</article>\n</body>\n</html>\n"
    )


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default
