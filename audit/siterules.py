"""The site-rule API: rules that see every post of a run at once.

A site rule mirrors a post rule (code ``SI…``, kebab-case name, family
``site``, severity, typed options, a docstring with Why/Fix/Bad/Good) but its
check function receives a compact summary of each post instead of the post:
``check(site, opts) -> Iterable[SiteHit]``.  Summaries keep only what site
rules need (title, description, H1, keyphrase, internal links out, a shingle
sketch), so a run of thousands of posts holds kilobytes per post, not pages.
"""

from __future__ import annotations

import heapq
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping
from urllib.parse import urldefrag, urljoin, urlsplit

from .model import HEADING
from .rule import Finding, Options, Option, Rule, Severity, fingerprint

if TYPE_CHECKING:
    from .config import RuleSetting
    from .model import Post

log = logging.getLogger(__name__)

SHINGLE_WORDS = 5
MAX_EXTERNAL = 200  # external links kept per post (a page of 150,000 links is not checked link by link)
SKETCH_SIZE = 64  # bottom-k MinHash sketch: Jaccard estimates within about ±0.1
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PostSummary:
    """What site rules know about one post."""

    url: str
    title: str = ""
    description: str = ""
    h1: str = ""
    keyphrase: str = ""
    links: tuple[tuple[str, int], ...] = ()  # (absolute internal URL without fragment, line)
    sketch: tuple[int, ...] = ()  # the smallest SKETCH_SIZE shingle hashes
    words: int = 0
    final_url: str = ""  # where the post's own URL redirected to, when it did
    external: tuple[tuple[str, int], ...] = ()  # (http(s) URL on another host, line), at most MAX_EXTERNAL

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "description": self.description, "h1": self.h1,
                "keyphrase": self.keyphrase, "links": [list(link) for link in self.links],
                "sketch": list(self.sketch), "words": self.words, "final_url": self.final_url,
                "external": [list(link) for link in self.external]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PostSummary":
        return cls(url=data["url"], title=data.get("title", ""), description=data.get("description", ""),
                   h1=data.get("h1", ""), keyphrase=data.get("keyphrase", ""),
                   links=tuple((str(u), int(n)) for u, n in data.get("links", [])),
                   sketch=tuple(int(h) for h in data.get("sketch", [])), words=int(data.get("words", 0)),
                   final_url=data.get("final_url", ""),
                   external=tuple((str(u), int(n)) for u, n in data.get("external", [])))


@dataclass(frozen=True)
class LinkStatus:
    """What fetching a URL gave: final status (0: no answer) and the redirect hops on the way."""

    status: int
    redirects: tuple[tuple[str, int], ...] = ()
    final_url: str = ""
    error: str = ""


@dataclass(frozen=True)
class Site:
    """Everything a site rule sees: the post summaries and the status of every checked internal URL."""

    posts: tuple[PostSummary, ...]
    links: Mapping[str, LinkStatus] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteHit:
    """What a site rule reports: the posts involved (the first is where it is shown) and the usual detail."""

    sources: tuple[str, ...]
    message: str
    line: int = 1
    excerpt: str = ""
    suggestion: str = ""
    value: float | str | None = None
    limit: float | str | None = None
    key: str = ""


SiteCheckFn = Callable[[Site, Options], Iterable[SiteHit]]

def site_rule(code: str, name: str, severity: str, options: Iterable[Option] = ()) -> Callable[[SiteCheckFn], Rule]:
    """Declare a site rule (scope "site") from its check function; the docstring is its documentation.
    It is listed, explained, selected and configured exactly like a post rule."""
    import inspect

    def make(fn: SiteCheckFn) -> Rule:
        return Rule(code=code, name=name, family="site", severity=Severity.parse(severity), check=fn,  # type: ignore[arg-type]
                    options=tuple(options), doc=inspect.cleandoc(fn.__doc__ or ""), scope="site")

    return make


def is_site_rule(r: Rule) -> bool:
    return r.scope == "site"


def run_site_rules(site: Site, settings: Iterable["RuleSetting"]) -> list[Finding]:
    """Every finding the selected site rules make; a crashing rule becomes an AU001 finding."""
    from .internal import rule_crashed

    findings: list[Finding] = []
    for setting in settings:
        r = setting.rule
        if not is_site_rule(r):
            continue
        try:
            for hit in r.check(site, setting.options):  # type: ignore[arg-type]
                findings.append(_finding(r, setting.severity, hit))
        except Exception as exc:  # a rule bug must not stop the audit
            log.debug("site rule %s crashed", r.code, exc_info=True)
            hit = SiteHit((site.posts[0].url if site.posts else "site",),
                          f"rule {r.code} {r.name} crashed: {type(exc).__name__}: {exc}", key=r.code,
                          suggestion="Please report this; ignore the rule meanwhile.")
            findings.append(_finding(rule_crashed, rule_crashed.severity, hit))
    return sorted(findings)


def _finding(r: Rule, severity: Severity, hit: SiteHit) -> Finding:
    key = hit.key or hit.excerpt or hit.message
    return Finding(source=hit.sources[0], line=max(1, hit.line), column=1, rule=r.code, name=r.name,
                       family=r.family, severity=severity, message=hit.message, excerpt=hit.excerpt,
                       suggestion=hit.suggestion, value=hit.value, limit=hit.limit,
                       fingerprint=fingerprint(r.code, (), key), sources=tuple(hit.sources))


def summarize(post: "Post", url: str | None = None) -> PostSummary:
    """The compact summary of a post that site rules read."""
    url = url or post.source
    h1 = next((b.plain for b in post.blocks if b.kind == HEADING and b.level == 1), "")
    if not h1 and post.title_is_h1:
        h1 = post.title
    host = urlsplit(url).netloc.lower()
    links, external = [], []
    for link in post.links:
        if link.is_fragment or link.href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        target = urldefrag(urljoin(url, link.href)).url
        parts = urlsplit(target)
        if parts.netloc.lower() == host:
            links.append((target, link.line))
        elif parts.scheme in ("http", "https") and parts.netloc and len(external) < MAX_EXTERNAL:
            external.append((target, link.line))
    text = " ".join(b.plain for b in post.blocks if b.kind != HEADING)
    words = _WORD.findall(text.lower())
    facts = post.facts  # the same title, description and keyphrase the post's own SEO rules read
    return PostSummary(url=url, title=facts.text("title") or post.title,
                       description=facts.text("description"), h1=h1, keyphrase=facts.text("keyphrase"),
                       links=tuple(dict.fromkeys(links)), sketch=sketch(words), words=len(words),
                       external=tuple(dict.fromkeys(external)))


SKETCH_HASH = "xxh64"  # how shingles are hashed; part of every stored result's key, so a change re-audits


def sketch(words: list[str], size: int = SKETCH_SIZE) -> tuple[int, ...]:
    """Bottom-k MinHash of the word shingles: the ``size`` smallest 64-bit shingle hashes (xxHash64).

    xxHash64 gives estimates as close to the true similarity as BLAKE2b on the real-post corpus, at a third of
    the time per post (see the README)."""
    if len(words) < SHINGLE_WORDS:
        return ()
    from xxhash import xxh64_intdigest  # only runs with site rules need it

    shingles = map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS))))
    return tuple(heapq.nsmallest(size, set(map(xxh64_intdigest, map(str.encode, shingles)))))


def similarity(a: tuple[int, ...], b: tuple[int, ...], size: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard similarity of two posts' shingle sets from their bottom-k sketches."""
    if not a or not b:
        return 0.0
    sa = set(a)
    both = sa.intersection(b)
    if not both:
        return 0.0
    union = sorted(sa.union(b))[:size]  # two sketches of at most `size` values: sorting beats a heap here
    return sum(1 for h in union if h in both) / len(union)
