"""SEO rules about what a post links to and shows: outbound links (and their nofollow) and images.

Yoast's outbound-links and images assessments.  Plain text (a CMS copy) has lost its links and pictures,
so it is never judged here; HTML and Markdown are.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator
from urllib.parse import urlparse

from clinic_audit.model import Block, Image, Link, Post
from clinic_audit.rule import Hit, Option, Options, rule

from .seo_words import first_h1

_SITE_HOSTS = Option("site-hosts", list, [], "Host names of your own site (links there are not outbound).")
_NOT_PAGES = ("#", "mailto:", "tel:", "javascript:", "data:", "sms:")
# A source written out as a bare URL ("Muir B. (2017) … https://pubmed…"): Markdown renderers with GFM
# autolinks (Astro, Hugo, GitHub) make it a link, so it counts as one.
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+")


def _host(href: str) -> str:
    return urlparse(href if "//" in href else f"//{href}").netloc.lower().removeprefix("www.")


def _bare_urls(blocks: Iterable[Block]) -> Iterator[Link]:
    for block in blocks:
        for match in _BARE_URL.finditer(block.text):
            yield Link(match.group(0).rstrip(".,;:"), match.group(0), block.line)
        yield from _bare_urls(block.items)


def outbound_links(post: Post, site_hosts: tuple[str, ...] = (), bare: bool = False) -> tuple[Link, ...]:
    """Links to another site: absolute links (or bare URLs in the text) whose host is neither the post's
    canonical/URL host nor a site host; bare URLs count only when ``bare`` is set."""
    own = {h.lower().removeprefix("www.") for h in site_hosts}
    for key in ("canonical", "url"):
        if post.facts.value(key):
            own.add(_host(str(post.facts.value(key))))
    written = (*post.links, *_bare_urls(post.blocks)) if bare else post.links
    return tuple(link for link in written if link.is_external and not link.href.strip().startswith(_NOT_PAGES)
                 and _host(link.href.strip()) not in own)


def _judged(post: Post) -> bool:
    return post.format != "text" and bool(post.blocks)


def _where(post: Post) -> int:
    h1 = first_h1(post)
    return h1[0] if h1 else post.blocks[0].line


@rule("SE019", "no-outbound-links", "seo", "warning",
      options=[_SITE_HOSTS, Option("min-words", int, 300, "Shorter posts are not judged (Yoast judges every post; on "
                                                         "real posts the short ones were service pages with nothing to cite).")])
def no_outbound_links(post: Post, opts: Options) -> Iterable[Hit]:
    """A post of 300 words or more links to no other website.

    Yoast's outbound-links assessment (no outbound link is red), for posts of 300 words or more (Yoast's
    minimum text length; on real clinic pages the shorter ones were service pages with nothing to cite).  Links to the post's own canonical host
    and to `site-hosts` are internal; a source written out as a bare URL counts (GFM renderers link it);
    plain text is not judged.  A page that needs no source (opening
    hours, a team bio) can silence the rule for itself (`<!-- clinic-audit: disable-file SE019 -->`).
    Why: for a health post the outbound links are its sources: a claim a patient can check is a claim they
    can trust, and a linked authoritative source (a guideline, a study, a health agency) is what quality
    raters look for on medical pages.
    Fix: link the sources behind the post's health claims, e.g. the guideline or study a statistic comes from.
    Example options: min-words=5
    Bad:
        # Knee pain

        About 1 in 4 adults has knee pain. See our [knee clinic](/services/knee).
    Good:
        # Knee pain

        About 1 in 4 adults has knee pain ([CDC](https://www.cdc.gov/arthritis/)).
    """
    if _judged(post) and post.word_count >= opts.min_words and not outbound_links(post, tuple(opts.site_hosts), bare=True):
        yield Hit(_where(post), "no links to other websites: the post links none of its sources",
                  key="no-outbound-links", suggestion="Link the sources behind the post's health claims.")


@rule("SE020", "outbound-links-nofollow", "seo", "info", options=[_SITE_HOSTS])
def outbound_links_nofollow(post: Post, opts: Options) -> Iterable[Hit]:
    """Every outbound link is marked `rel="nofollow"`.

    Yoast's outbound-links assessment (all nofollow is orange).  Markdown links carry no `rel`, so in
    practice only HTML (and raw `<a>` tags in Markdown) is judged.
    Why: `nofollow` tells search engines you do not vouch for a link.  That is right for ads, sponsored and
    user-written links (Google asks for `rel="sponsored"` or `"ugc"` there), but not for the sources a health
    post cites: a post that vouches for none of its sources looks as if it had none.
    Fix: remove `nofollow` from links to the sources you cite; keep it (or `sponsored`) on paid links.
    Bad:
        <article><h1>Knee pain</h1><p>See the <a href="https://www.cdc.gov/arthritis/" rel="nofollow">CDC</a>.</p></article>
    Good:
        <article><h1>Knee pain</h1><p>See the <a href="https://www.cdc.gov/arthritis/">CDC</a>.</p></article>
    """
    if not _judged(post):
        return
    links = outbound_links(post, tuple(opts.site_hosts))
    if links and all("nofollow" in link.rel.lower().split() for link in links):
        yield Hit(links[0].line, f"all {len(links)} outbound link{'s are' if len(links) > 1 else ' is'} nofollow",
                  excerpt=links[0].text, value=len(links), key="outbound-links-nofollow",
                  suggestion="Let the links to your sources be followed.")


# Markdown image syntax the parser could not read as an image (a template tag with spaces in its URL).
_UNREAD_IMAGE = re.compile(r"!\[[^\]]*\]\(")


def _images(blocks: Iterable[Block]) -> Iterator[Image | str]:
    for block in blocks:
        yield from block.images
        if _UNREAD_IMAGE.search(block.text):
            yield block.text
        yield from _images(block.items)


@rule("SE021", "no-image", "seo", "info",
      options=[Option("min-words", int, 300, "Posts with fewer words are not judged (Yoast asks every post for an "
                                             "image; 300 is its minimum text length).")])
def no_image(post: Post, opts: Options) -> Iterable[Hit]:
    """A long post (300 words or more) has no image.

    Yoast's images assessment (no image is red).  A featured image counts (front matter `image`, `cover`,
    `thumbnail`…, or `og:image`); plain text is not judged, since a CMS copy has lost its pictures.
    Why: a picture (an exercise shown, a diagram of the joint) explains what words struggle to, breaks a long
    text for patients reading on a phone, and can appear in image search.
    Fix: add an image that shows something the text explains, with alt text that describes it.
    Example options: min-words=5
    Bad:
        # Knee exercises

        Sit on a chair and straighten one leg slowly, then lower it.
    Good:
        # Knee exercises

        ![A woman straightening one leg while seated](/img/leg-raise.jpg)

        Sit on a chair and straighten one leg slowly, then lower it.
    """
    if not _judged(post) or post.word_count < opts.min_words or post.facts.value("og_image") \
            or post.facts.value("featured_image"):
        return
    if next(_images(post.blocks), None) is None:
        yield Hit(_where(post), f"no image in a post of {post.word_count} words", value=post.word_count,
                  limit=opts.min_words, key="no-image", suggestion="Add an image that shows what the text explains.")


RULES = (no_outbound_links, outbound_links_nofollow, no_image)
