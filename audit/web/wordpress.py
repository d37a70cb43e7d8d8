"""Posts (and pages) from a WordPress site's REST API (``wordpress+https://site/``), drafts included when authorised.

Each item becomes the page the site would render: the title, and what Yoast SEO returns in
``yoast_head_json`` (SEO title, description, canonical, robots, Open Graph, the schema graph with author
and dates, the locale as ``<html lang>``), the author's name from ``_embed``, and the content.  So a post is
judged by what the live page says, not by a bare article.  A site with Rank Math instead (no
``yoast_head_json``) is asked for the head its headless support renders for each post
(``/wp-json/rankmath/v1/getHead?url=…``, answering ``{"success": true, "head": "<title>…"}``); only the
title, named meta tags, the canonical link and JSON-LD of that head are kept.  A site that does not answer
it (404: Rank Math absent, or its headless support off) is not asked again in the run.

The application password comes only from the environment (or the URL, never shown) and is handed to the
HTTP client as basic auth; it is never printed, logged or stored.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from typing import Any, Iterable, Iterator
from urllib.parse import urljoin

from . import WORDPRESS_PREFIX
from .fetch import Fetcher, WebError

PREFIX = WORDPRESS_PREFIX
USER_ENV = "CLINIC_AUDIT_WP_USER"
PASSWORD_ENV = "CLINIC_AUDIT_WP_APP_PASSWORD"
POSTS_PATH = "wp-json/wp/v2/posts"
RANK_MATH_HEAD_PATH = "wp-json/rankmath/v1/getHead"
MAX_HEAD_CHARS = 200_000  # a Rank Math head is a few kB; past this the rest is not read
MAX_JSON_LD_CHARS = 100_000  # one schema script kept from a head, at most
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
               status: str | None = None, variables: tuple[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """(URL, HTML page) for every item of each REST collection; every status (drafts too) when ``authorised``.
    ``variables`` names the (user, password) environment variables the credentials come from, for messages."""
    base = source[len(PREFIX):]
    base = base if base.endswith("/") else base + "/"
    wanted = status or ("any" if authorised else "publish")
    rank_math = RankMathHeads(fetcher, base)  # one per site: asked until it says it is not there
    for kind in types:
        yield from _collection(fetcher, base, urljoin(base, f"wp-json/wp/v2/{kind.strip('/')}"), authorised, wanted,
                               rank_math, variables or (USER_ENV, PASSWORD_ENV))


class RankMathHeads:
    """The head Rank Math's headless support renders for a post URL, while the site has that endpoint.

    The first answer decides: anything but a Rank Math answer (a 404 from a site without it, HTML, an error)
    means the endpoint is not asked again; every request counts against the run's budget like any other."""

    def __init__(self, fetcher: Fetcher, base: str):
        self.fetcher = fetcher
        self.endpoint = urljoin(base, RANK_MATH_HEAD_PATH)
        self.available: bool | None = None  # unknown until the site first answers

    def heads(self, urls: list[str]) -> dict[str, str]:
        """URL -> head HTML for each of ``urls`` the site answers for (none once it is known not to)."""
        from urllib.parse import urlencode

        found: dict[str, str] = {}
        urls = [u for u in dict.fromkeys(urls) if u]
        if self.available is None and urls:  # one probe alone, so a site without Rank Math costs one request
            self._take(urls[0], self.fetcher.get(self.endpoint, params={"url": urls[0]}), found)
            urls = urls[1:]
        if self.available and urls:
            asks = [f"{self.endpoint}?{urlencode({'url': u})}" for u in urls]
            for url, page in zip(urls, self.fetcher.get_many(asks)):
                if self.available:
                    self._take(url, page, found)
        return found

    def _take(self, url: str, page: Any, found: dict[str, str]) -> None:
        if page.skipped:  # the budget is spent (or the endpoint is off the audited site): nothing to learn
            return
        head = _rank_math_head(page)
        if head is None:
            if self.available is None or page.status in (404, 410):
                self.available = False  # no such route: not a Rank Math site, or its headless support is off
            return
        self.available = True
        found[url] = head


def _rank_math_head(page: Any) -> str | None:
    """The ``head`` of a getHead answer (``{"success": true, "head": "…"}``), None for anything else."""
    if page.status != 200:
        return None
    try:
        data = json.loads(page.content)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("success") is not True or not isinstance(data.get("head"), str):
        return None
    return data["head"]


def _collection(fetcher: Fetcher, base: str, endpoint: str, authorised: bool, status: str,
                rank_math: "RankMathHeads | None" = None,
                variables: tuple[str, str] = (USER_ENV, PASSWORD_ENV)) -> Iterator[tuple[str, str]]:
    params: dict[str, Any] = {"per_page": PER_PAGE, "_embed": "author"}
    if status != "publish":
        params.update(status=status, context="edit")
    page_number, total_pages = 1, 1
    while page_number <= min(total_pages, MAX_API_PAGES):
        page = fetcher.get(endpoint, params={**params, "page": page_number})
        if page.status == 401:
            user_variable, password_variable = variables
            raise WebError(
                f"WordPress at {base} refused the request (401): set {user_variable} and {password_variable} "
                "to a user and an application password that may read posts"
                if authorised else f"WordPress at {base} requires authentication (401): "
                                   f"set {user_variable} and {password_variable}"
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
        posts = [p for p in posts if isinstance(p, dict)]
        heads = rank_math.heads([_url(p, base) for p in posts if not _yoast(p)]) if rank_math else {}
        for post in posts:
            url = _url(post, base)
            yield url, to_html(post, heads.get(url, ""))
        total_pages = _int(page.headers.get("x-wp-totalpages"), 1)
        page_number += 1


def _url(post: dict[str, Any], base: str) -> str:
    return str(post.get("link") or urljoin(base, f"?p={post.get('id', '')}"))


def _rendered(value: Any) -> str:
    """A REST field is ``{"rendered": …, "raw": …}``; ``raw`` (edit context) is the author's own text."""
    if isinstance(value, dict):
        return str(value.get("rendered") or value.get("raw") or "")
    return str(value or "")


def _yoast(post: dict[str, Any]) -> dict[str, Any]:
    return post["yoast_head_json"] if isinstance(post.get("yoast_head_json"), dict) else {}


def to_html(post: dict[str, Any], rank_math_head: str = "") -> str:
    """The page the site renders for a REST item: title, Yoast's head (or else Rank Math's, when given), byline,
    dates, the article."""
    from bs4 import BeautifulSoup

    title = html.unescape(_rendered(post.get("title")))
    yoast = _yoast(post)
    rank = head_tags(rank_math_head) if rank_math_head and not yoast else HeadTags()
    excerpt = BeautifulSoup(_rendered(post.get("excerpt")), "html.parser").get_text(" ", strip=True)
    meta = post.get("meta") if isinstance(post.get("meta"), dict) else {}
    head = [f"<title>{html.escape(str(yoast.get('title') or rank.title or _filled(meta.get('rank_math_title')) or title))}</title>"]
    fields = {
        "description": yoast.get("description") or ("" if "description" in rank.names else
                                                     _filled(meta.get("rank_math_description")) or excerpt),
        "robots": _robots(yoast.get("robots")),
        "keyphrase": meta.get("_yoast_wpseo_focuskw") or _first(meta.get("rank_math_focus_keyword"))
        or meta.get("keyphrase"),
        "author": yoast.get("author") or ("" if "author" in rank.names else _embedded_author(post)),
        "wp-status": post.get("status") if post.get("status") and post.get("status") != "publish" else "",
    }
    head += [f'<meta name="{name}" content="{html.escape(str(value))}">' for name, value in fields.items() if value]
    head += rank.tags
    if yoast.get("canonical"):
        head.append(f'<link rel="canonical" href="{html.escape(str(yoast["canonical"]))}">')
    for key in ("og_title", "og_description", "og_url", "og_type", "og_locale"):
        if yoast.get(key):
            head.append(f'<meta property="og:{key[3:]}" content="{html.escape(str(yoast[key]))}">')
    images = yoast.get("og_image") if isinstance(yoast.get("og_image"), list) else []
    if images and isinstance(images[0], dict) and images[0].get("url"):
        head.append(f'<meta property="og:image" content="{html.escape(str(images[0]["url"]))}">')
    if isinstance(yoast.get("schema"), dict):
        head.append(_json_ld(yoast["schema"]))
    lang = str(yoast.get("og_locale") or rank.locale or "").replace("_", "-")
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


def _json_ld(value: Any) -> str:
    # json.dumps does not escape "</": do it, so a value cannot end the script element early
    return ('<script type="application/ld+json">' + json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
            + "</script>")


@dataclass(frozen=True)
class HeadTags:
    """What is kept of a head an SEO plugin rendered as HTML: the title, and the tags rebuilt from parsed values
    (named and property meta tags, the canonical link, JSON-LD re-serialised), nothing else of it."""

    title: str = ""
    tags: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()  # meta names present (lower case)
    locale: str = ""  # og:locale


def head_tags(head: str) -> HeadTags:
    """Sanitise a head HTML string (Rank Math's getHead): scripts, styles, comments, links other than the
    canonical, and every attribute but the ones kept are dropped; only the first MAX_HEAD_CHARS are read."""
    from bs4 import BeautifulSoup

    title, tags, names, locale, canonical = "", [], set(), "", False
    for tag in BeautifulSoup(head[:MAX_HEAD_CHARS], "html.parser").find_all(["title", "meta", "link", "script"]):
        if tag.name == "title" and not title:
            title = tag.get_text(" ", strip=True)
        elif tag.name == "meta" and tag.get("content") is not None:
            key, value = ("name", tag.get("name")) if tag.get("name") else ("property", tag.get("property"))
            if not value:
                continue
            value = str(value).strip().lower()
            tags.append(f'<meta {key}="{html.escape(value)}" content="{html.escape(str(tag["content"]))}">')
            if key == "name":
                names.add(value)
            elif value == "og:locale":
                locale = locale or str(tag["content"]).strip()
        elif tag.name == "link" and "canonical" in [str(r).lower() for r in tag.get("rel") or []] \
                and tag.get("href") and not canonical:
            canonical = True
            tags.append(f'<link rel="canonical" href="{html.escape(str(tag["href"]))}">')
        elif tag.name == "script" and str(tag.get("type", "")).strip().lower() == "application/ld+json":
            text = tag.string or ""
            if len(text) > MAX_JSON_LD_CHARS:
                continue
            try:
                tags.append(_json_ld(json.loads(text)))
            except ValueError:
                continue  # not JSON: dropped, as the page's own parser would skip it
    return HeadTags(title, tuple(tags), frozenset(names), locale)


def _filled(value: Any) -> str:
    """A Rank Math meta value as the page shows it; "" for a template the site expands (%title% %sep% …)."""
    text = str(value or "").strip() if isinstance(value, (str, int, float)) else ""
    return "" if "%" in text else text


def _first(value: Any) -> str:
    """The focus keyphrase: Rank Math keeps several, comma-separated, the first being the main one."""
    return str(value).split(",")[0].strip() if isinstance(value, str) else ""


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
