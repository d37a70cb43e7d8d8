"""Site rules: problems no single post shows — duplicates across posts, broken internal links, orphans.

Each check receives a :class:`~clinic_audit.siterules.Site` (compact post
summaries plus the fetched status of internal URLs), never a post or a page.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from typing import Callable, Iterable
from urllib.parse import urlsplit

from clinic_audit.rule import Option, Options
from clinic_audit.siterules import (HASH_BYTES, SKETCH_SIZE, PostSummary, Site, SiteHit, similarity, site_rule,
                                    sketch_hashes)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _duplicates(site: Site, field: Callable[[PostSummary], str], what: str, fix: str) -> Iterable[SiteHit]:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)  # normalised value -> (URL, value as written)
    for post in site.posts:
        written = field(post)
        value = _normal(written)
        if value:
            groups[value].append((post.url, written))
    for value, members in groups.items():
        if len(members) > 1:
            members.sort(key=lambda m: m[0])  # the same findings whatever order the posts arrived in
            urls = [url for url, _ in members]
            shown = members[0][1]
            yield SiteHit(tuple(urls), f"{len(urls)} posts share the {what} '{shown}'", excerpt=shown,
                          suggestion=fix, value=len(urls), limit=1, key=value)


@site_rule("SI001", "duplicate-title", "warning")
def duplicate_title(site: Site, opts: Options) -> Iterable[SiteHit]:
    """Two or more posts have the same title.

    Why: search engines show one of them and hide the other; patients cannot tell them apart in results.
    Fix: give each post a title that says what only that post covers.
    Bad: two posts both titled "Back pain".
    Good: "Back pain: when to see a doctor" and "Back pain: exercises that help".
    """
    return _duplicates(site, lambda p: p.title, "title", "Rewrite one title to name what that post alone covers.")


@site_rule("SI002", "duplicate-description", "warning")
def duplicate_description(site: Site, opts: Options) -> Iterable[SiteHit]:
    """Two or more posts have the same meta description.

    Why: the description is the snippet patients read in search results; identical snippets hide the difference.
    Fix: write a description for each post that summarises that post.
    Bad: every post uses the clinic's slogan as its description.
    Good: each description names the post's question and answer in one sentence.
    """
    return _duplicates(site, lambda p: p.description, "meta description",
                       "Write a description that summarises this post only.")


@site_rule("SI003", "duplicate-h1", "info")
def duplicate_h1(site: Site, opts: Options) -> Iterable[SiteHit]:
    """Two or more posts have the same H1 heading.

    Why: the H1 tells readers and search engines what the page is about; two pages claiming the same topic compete.
    Fix: make each post's H1 name its own topic, or merge the posts.
    Bad: two posts whose H1 is "Knee pain".
    Good: "Knee pain after running" and "Knee pain in older adults".
    """
    return _duplicates(site, lambda p: p.h1, "H1", "Make the H1 name this post's own topic, or merge the posts.")


@site_rule("SI004", "broken-internal-link", "error")
def broken_internal_link(site: Site, opts: Options) -> Iterable[SiteHit]:
    """A link to another page of the site answers with an error (4xx or 5xx) or not at all.

    Why: patients who follow it hit a dead end, and search engines read broken links as a neglected site.
    Fix: point the link at the page's current address, or remove it.
    Bad: a link to /old-clinic-hours/ that answers 404 Not Found.
    Good: a link to /clinic-hours/ that answers 200.
    """
    return _failing_links(site, lambda post: post.links, "internal",
                          "Link to the page's current address or remove the link.")


def _failing_links(site: Site, links: Callable[[PostSummary], Iterable[tuple[str, int]]], kind: str,
                   fix: str) -> Iterable[SiteHit]:
    """One finding per link (of the kind ``links`` picks) whose fetched status is 4xx, 5xx or no answer."""
    for post in site.posts:
        for url, line in links(post):
            status = site.links.get(url)
            if status is not None and (status.status >= 400 or status.status == 0):
                what = status.error or f"HTTP {status.status}"
                yield SiteHit((post.url, url), f"{kind} link to {url} fails: {what}", line=line, excerpt=url,
                              suggestion=fix, value=status.status, key=url)


@site_rule("SI005", "redirect-chain", "warning", options=[
    Option("max-redirects", int, 1, "Redirects a link may go through before it is reported."),
])
def redirect_chain(site: Site, opts: Options) -> Iterable[SiteHit]:
    """An internal link goes through more redirects than allowed before it reaches the page.

    Why: every hop slows the page for patients on mobile connections and wastes the search engine's crawl.
    Fix: link straight to the final address.
    Example options: max-redirects=1
    Bad: /a redirects to /b, which redirects to /c.
    Good: the post links to /c directly.
    """
    for post in site.posts:
        for url, line in post.links:
            status = site.links.get(url)
            if status is not None and len(status.redirects) > opts.max_redirects:
                chain = " -> ".join([*(u for u, _ in status.redirects), status.final_url or "?"])
                yield SiteHit((post.url, url), f"internal link goes through {len(status.redirects)} redirects: {chain}",
                              line=line, excerpt=url, suggestion=f"Link straight to {status.final_url}.",
                              value=len(status.redirects), limit=opts.max_redirects, key=url)


@site_rule("SI006", "orphan-post", "warning")
def orphan_post(site: Site, opts: Options) -> Iterable[SiteHit]:
    """No other post of the run links to this post.

    Why: patients browsing the blog never reach it, and search engines treat unlinked pages as unimportant.
    Fix: link to it from related posts.
    Bad: a post listed only in the sitemap, with no link from any other post.
    Good: two related posts link to it.
    """
    # Only pages with URLs: a folder's files are linked by site paths that cannot be matched to file names.
    pages: list[tuple[str, str]] = []  # (URL, title) of each post with a web address
    aliases: dict[str, set[str]] = {}  # such a post's URL -> the addresses it answers at
    for post in site.posts:
        if urlsplit(post.url).scheme in ("http", "https"):
            pages.append((post.url, post.title))
            aliases[post.url] = {post.url, post.final_url} - {""}
    if len(pages) < 2:
        return
    linked: set[str] = set()
    for post in site.posts:
        for url, _line in post.links:
            if url in aliases.get(post.url, ()):
                continue  # a post linking to itself does not make it reachable
            linked.add(url)
            status = site.links.get(url)
            if status is not None and status.final_url:
                linked.add(status.final_url)
    for url, title in pages:
        if not aliases[url] & linked:
            yield SiteHit((url,), "no other post links to this post", excerpt=title,
                          suggestion="Link to it from related posts.", key=url)


@site_rule("SI007", "keyphrase-cannibalization", "warning")
def keyphrase_cannibalization(site: Site, opts: Options) -> Iterable[SiteHit]:
    """Two or more posts target the same keyphrase.

    Why: posts on one keyphrase compete for the same search and each ranks worse than one strong post would.
    Fix: give each post its own keyphrase, or merge the posts into one.
    Bad: two posts with the keyphrase "sciatica treatment".
    Good: "sciatica treatment" and "sciatica exercises at home".
    """
    return _duplicates(site, lambda p: p.keyphrase, "keyphrase",
                       "Give this post its own keyphrase, or merge the posts.")


@site_rule("SI008", "near-duplicate-post", "warning", options=[
    Option("threshold", float, 0.8, "Estimated share of five-word shingles two posts have in common (0-1)."),
    Option("min-words", int, 50, "Posts shorter than this are not compared."),
])
def near_duplicate_post(site: Site, opts: Options) -> Iterable[SiteHit]:
    """Two posts say nearly the same thing in nearly the same words.

    Why: search engines index one copy and ignore the other; patients find the same text twice.
    Fix: merge the posts, or rewrite one for its own audience and question.
    Example options: threshold=0.8
    Bad: a post copied for a second clinic location with only the town name changed.
    Good: two posts on one condition written for different questions.
    """
    # What is kept of each post long enough to compare: its number and its band values.  A full sketch is read
    # again (from site.posts) only for a post in a bucket with another: all of them would be 8 MiB at 16,000.
    compared, bands = array("i"), Bands()
    for number, post in enumerate(site.posts):
        if post.words >= opts.min_words and post.sketch:
            bands.add(len(compared), post.sketch)
            compared.append(number)
    clusters = _similar_clusters(len(compared), bands, lambda i: site.posts[compared[i]].sketch, opts.threshold)
    for members, score in clusters:
        posts = [site.posts[compared[i]] for i in members]
        urls = sorted(post.url for post in posts)
        first = next(post for post in posts if post.url == urls[0])
        if len(urls) == 2:
            message = f"about {round(score * 100)}% of this post's wording is also in {urls[1]}"
        else:
            message = f"{len(urls)} posts share about {round(score * 100)}% of their wording (a cluster of copies)"
        yield SiteHit(tuple(urls), message, excerpt=first.title, value=round(score, 2), limit=opts.threshold,
                      suggestion="Merge the posts, or rewrite each for its own question.", key=" ".join(urls))


BANDS = 8  # posts are bucketed by each of their 8 smallest shingle hashes: near-copies share one almost surely
SKETCH = SKETCH_SIZE
REPRESENTATIVES = 8  # a bucket compares each post with at most this many cluster representatives
PAIRS_PER_PASS = 16_000  # band values gathered in one pass of Bands.shared (about 0.7 MB of ints)
MAX_PASSES = 16  # ...and at most this many passes (more posts: bigger passes)


class Bands:
    """Each compared post's band values (its sketch's BANDS smallest hashes) in one array, and whose they are."""

    def __init__(self) -> None:
        self.values, self.owners = array("Q"), array("i")

    def add(self, owner: int, sketch: bytes) -> None:
        band = sketch_hashes(sketch[:BANDS * HASH_BYTES])
        self.values.extend(band)
        self.owners.extend([owner] * len(band))

    def shared(self) -> list[array[int]]:
        """The posts holding each band value that two or more posts hold, in the order the values first
        appear (post by post, band by band); each bucket's posts in order.

        Most values are in one post only, and a bucket of one compares nothing, but telling them apart with a
        dict of every value cost about 7 MiB at 16,000 posts.  Here the values are gathered in a few passes,
        each taking the values whose low bits pick it as ``value << bits | position`` (one int each): sorted,
        a run of equal values is a bucket, and its first position is where the value first appeared.  A pass
        holds at most about PAIRS_PER_PASS ints; buckets are arrays of post numbers.
        """
        values, owners = self.values, self.owners
        bits = len(values).bit_length()
        mask = (1 << bits) - 1
        passes = max(1, min(MAX_PASSES, len(values) // PAIRS_PER_PASS))
        found: list[tuple[int, array[int]]] = []  # (position of the value's first appearance, posts)
        for part in range(passes):
            pairs = sorted(value << bits | at for at, value in enumerate(values) if value % passes == part)
            start = 0
            for end in range(1, len(pairs) + 1):
                if end == len(pairs) or pairs[end] >> bits != pairs[start] >> bits:
                    if end - start > 1:
                        found.append((pairs[start] & mask, array("i", (owners[pair & mask] for pair in pairs[start:end]))))
                    start = end
            del pairs
        found.sort(key=lambda bucket: bucket[0])
        return [posts for _, posts in found]


def _similar_clusters(count: int, bands: Bands, sketch_of: Callable[[int], bytes],
                      threshold: float) -> list[tuple[list[int], float]]:
    """Groups of the ``count`` posts whose (packed) sketches (``sketch_of`` a post's number) are at least
    ``threshold`` similar, with the lowest similarity that joined each group.

    Linear in the number of posts: a post is compared only with a few representatives of the buckets it falls
    in (never with every other post sharing a boilerplate shingle), so a cluster of n copies costs n
    comparisons, and every copy in it is reported, however large the cluster.
    """
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # The sketches and hash sets of the current bucket's representatives (and of the post being compared with
    # them), read when a post is compared (most never are).  A set of 64 hashes is about 6 KB: keeping one for
    # every post ever compared took 14 MB at 16,000 posts (benchmarks/site_scaling.py's), and one for every
    # post of a big bucket (a shingle of boilerplate shared by 2,000 posts) 9 MB.  Reading a sketch again
    # and rebuilding its set cost microseconds.
    sets: dict[int, tuple[bytes, set[int]]] = {}

    def hashes(i: int) -> tuple[bytes, set[int]]:
        found = sets.get(i)
        if found is None:
            packed = sketch_of(i)
            found = sets[i] = (packed, set(sketch_hashes(packed)))
        return found

    def score(a: int, b: int) -> float:
        (packed_a, first), (packed_b, second) = hashes(a), hashes(b)
        shared = first & second
        union = len(first) + len(second) - len(shared)
        if len(shared) < threshold * min(SKETCH, union):  # an exact bound: the estimate cannot reach it
            return 0.0
        return similarity(packed_a, packed_b)

    joined: dict[int, float] = {}  # root -> lowest similarity that joined its cluster
    for members in bands.shared():
        sets.clear()
        representatives: list[int] = []
        for i in members:
            for rep in representatives:
                if root(rep) == root(i):
                    break
                found = score(rep, i)
                if found >= threshold:
                    a, b = root(rep), root(i)
                    parent[b] = a
                    joined[a] = min(found, joined.get(a, 1.0), joined.pop(b, 1.0))
                    break
            else:
                if len(representatives) < REPRESENTATIVES:
                    representatives.append(i)
                    continue
            sets.pop(i, None)  # not a representative: this bucket does not compare it again
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(count):
        r = root(i)
        if r in joined:  # the root of every group of two or more (a list per post would cost 2 MB at 16,000)
            groups[r].append(i)
    return sorted(((members, joined[r]) for r, members in groups.items()), key=lambda g: g[0])


@site_rule("SI009", "broken-external-link", "warning")
def broken_external_link(site: Site, opts: Options) -> Iterable[SiteHit]:
    """A link to another site answers with an error (4xx or 5xx) or not at all (checked with `--check-external`).

    Why: a source that no longer answers is a citation patients cannot follow, and a dead link reads as neglect.
    A warning, not an error: other sites fail for a while and come back, and some refuse automated checks.
    Fix: link the source's current address (or an archived copy), or replace the source.
    Bad: a link to a guideline page that now answers 404 Not Found.
    Good: a link to the guideline's current page, answering 200.
    """
    return _failing_links(site, lambda post: post.external, "external",
                          "Link the source's current address or an archived copy, or replace it.")


RULES = (duplicate_title, duplicate_description, duplicate_h1, broken_internal_link, redirect_chain, orphan_post,
         keyphrase_cannibalization, near_duplicate_post, broken_external_link)
