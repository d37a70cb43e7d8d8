"""The site-rule API: rules that see every post of a run at once.

A site rule mirrors a post rule (code ``SI…``, kebab-case name, family
``site``, severity, typed options, a docstring with Why/Fix/Bad/Good) but its
check function receives a compact summary of each post instead of the post:
``check(site, opts) -> Iterable[SiteHit]``.  Summaries keep only what site
rules need (title, description, H1, keyphrase, internal links out, a shingle
sketch), about 1.1 KB per post, not pages: a summary's links are a
:class:`Links` (one tuple of URLs, one array of line numbers, read as (url,
line) pairs), its sketch is packed into bytes (``sketch_hashes`` reads the ints
back), and a run keeps one copy of each URL across its posts
(:class:`SharedStrings`).  Past SPILL_FROM posts a run keeps the rest of its
summaries in a temporary file (:class:`Summaries`): ``site.posts`` is a
sequence, read back as a rule iterates or indexes it, so a run of 16,000 or
100,000 posts holds a few bytes per post until a rule keeps more.  A rule
should therefore keep what it needs of each post (a URL, a title, a sketch),
not the summaries themselves.
"""

from __future__ import annotations

import heapq
import logging
import re
import struct
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, overload
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
HASH_BYTES = 8  # a packed sketch holds each 64-bit hash as 8 big-endian bytes
LINE_TYPE = "i"  # array type of link line numbers: 4 bytes (inputs are far too small to need more)
_WORD = re.compile(r"\w+")


def pack_sketch(hashes: Iterable[int]) -> bytes:
    """Sketch hashes as 8-byte big-endian integers, in the order given: 512 bytes for a full sketch, where a
    tuple of Python ints takes about 2.6 KB."""
    values = tuple(hashes)
    try:
        return struct.pack(f">{len(values)}Q", *values)
    except struct.error as exc:
        raise ValueError(f"a sketch hash is not a 64-bit unsigned integer: {exc}") from None


def sketch_hashes(packed: bytes | Sequence[int]) -> tuple[int, ...]:
    """The hashes of a packed sketch (a sequence of ints is returned as a tuple unchanged)."""
    if isinstance(packed, (bytes, bytearray, memoryview)):
        return struct.unpack(f">{len(packed) // HASH_BYTES}Q", packed)
    return tuple(packed)


class Links(Sequence[tuple[str, int]]):
    """A post's links as (url, line) pairs, held as one tuple of URLs and one array of line numbers.

    About 12 bytes a link, where a tuple per pair costs about 70 (more with a line number past 256).  It reads
    like the tuple of pairs it replaces: it iterates and indexes as pairs, and equals that tuple.
    """

    __slots__ = ("urls", "lines")
    urls: tuple[str, ...]
    lines: array[int]

    def __init__(self, pairs: Iterable[tuple[str, int]] = ()):
        pairs = tuple(pairs)
        self.urls = tuple(str(url) for url, _line in pairs)
        try:
            self.lines = array(LINE_TYPE, [int(line) for _url, line in pairs])  # from a list: sized exactly
        except OverflowError:
            raise ValueError("a link's line number is out of range") from None

    @classmethod
    def of(cls, urls: tuple[str, ...], lines: array[int]) -> "Links":
        """Links from their parts as they are (no copy, no check); no links is always ``NO_LINKS``."""
        if not urls:
            return NO_LINKS
        made = cls.__new__(cls)
        made.urls, made.lines = urls, lines
        return made

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return zip(self.urls, self.lines)

    def __len__(self) -> int:
        return len(self.urls)

    @overload
    def __getitem__(self, index: int) -> tuple[str, int]: ...

    @overload
    def __getitem__(self, index: slice) -> "Links": ...

    def __getitem__(self, index: int | slice) -> "tuple[str, int] | Links":
        if isinstance(index, slice):
            return Links.of(self.urls[index], self.lines[index])
        return self.urls[index], self.lines[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Links):
            return self.urls == other.urls and self.lines == other.lines
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))  # equal to the tuple of pairs, so hashed like it

    def __repr__(self) -> str:
        return f"Links({tuple(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return Links.of, (self.urls, self.lines)


NO_LINKS = Links()  # shared by every summary without links (most posts of a folder have no internal ones)


@dataclass(frozen=True, slots=True)
class PostSummary:
    """What site rules know about one post.

    ``links`` and ``external`` may be given as any iterable of (url, line) pairs and are kept as
    :class:`Links`; ``sketch`` may be given as hashes (ints) and is kept packed (``sketch_hashes`` reads it
    back).  The JSON form (``to_dict``) is the same as before either was compacted: lists of pairs and a list
    of ints.
    """

    url: str
    title: str = ""
    description: str = ""
    h1: str = ""
    keyphrase: str = ""
    links: Links = NO_LINKS  # (absolute internal URL without fragment, line)
    sketch: bytes = b""  # the smallest SKETCH_SIZE shingle hashes, packed (pack_sketch)
    words: int = 0
    final_url: str = ""  # where the post's own URL redirected to, when it did
    external: Links = NO_LINKS  # (http(s) URL on another host, line), at most MAX_EXTERNAL

    def __post_init__(self) -> None:
        for name in ("links", "external"):
            value = getattr(self, name)
            if not isinstance(value, Links):
                value = Links(value)
            object.__setattr__(self, name, value if value else NO_LINKS)
        if isinstance(self.sketch, (bytearray, memoryview)):
            object.__setattr__(self, "sketch", bytes(self.sketch))
        elif not isinstance(self.sketch, bytes):
            object.__setattr__(self, "sketch", pack_sketch(self.sketch))
        if len(self.sketch) % HASH_BYTES:
            raise ValueError(f"a packed sketch is a multiple of {HASH_BYTES} bytes, not {len(self.sketch)}")

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "description": self.description, "h1": self.h1,
                "keyphrase": self.keyphrase, "links": [list(link) for link in self.links],
                "sketch": list(sketch_hashes(self.sketch)), "words": self.words, "final_url": self.final_url,
                "external": [list(link) for link in self.external]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PostSummary":
        return cls(url=data["url"], title=data.get("title", ""), description=data.get("description", ""),
                   h1=data.get("h1", ""), keyphrase=data.get("keyphrase", ""),
                   links=Links((str(u), int(n)) for u, n in data.get("links", [])),
                   sketch=pack_sketch(int(h) for h in data.get("sketch", [])), words=int(data.get("words", 0)),
                   final_url=data.get("final_url", ""),
                   external=Links((str(u), int(n)) for u, n in data.get("external", [])))


class SharedStrings:
    """One copy of each URL across the summaries a run keeps: the posts of a site link to the same pages and
    sources over and over, and each summary that arrives from a worker, the cache or the history brings its
    own copies.  Lives as long as the run (no process-wide table)."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def text(self, value: str) -> str:
        return self._seen.setdefault(value, value)

    def links(self, links: Links) -> Links:
        return Links.of(tuple(map(self.text, links.urls)), links.lines)

    def summary(self, summary: PostSummary) -> PostSummary:
        """The same summary, its link URLs shared with the summaries seen before, and its H1 the title's string
        when they read the same (most posts: another 80 bytes each)."""
        h1 = summary.title if summary.h1 == summary.title else summary.h1
        return replace(summary, h1=h1, links=self.links(summary.links), external=self.links(summary.external))


SPILL_FROM = 2_000  # summaries a run keeps in memory; the rest go to a temporary file (Summaries)
READ_BYTES = 1 << 20  # spilled summaries are read back in chunks of about this size


class Summaries(Sequence[PostSummary]):
    """The summaries a run keeps for its site rules, in the order they arrive: the first ``spill_from`` in
    memory (their URLs shared, :class:`SharedStrings`), the rest pickled to an unnamed temporary file and read
    back whenever a rule iterates or indexes them.

    A kept summary is about 1.1 KB (half of it the sketch), 17 MiB at 16,000 posts; on file, a run holds
    8 bytes a post.  Reading back costs about 8 µs a summary a pass (each site rule is one or two passes):
    all nine rules take 1.9 s at 16,000 posts against 0.45 s in memory (``benchmarks/site_scaling.py``), in a
    run of some minutes.  The file is this process's alone
    (unlinked as it is created, in ``TMPDIR``: on a tmpfs it is memory again, if less of it) and goes when the
    run closes it or ends; a file that cannot be written keeps everything in memory, as before.
    """

    def __init__(self, spill_from: int | None = None) -> None:
        self.spill_from = SPILL_FROM if spill_from is None else spill_from
        self.shared = SharedStrings()
        self.kept: list[PostSummary] = []
        self.file: Any = None
        self.offsets = array("q")  # where each spilled summary starts; ``end`` is where the last one ends
        self.end = 0

    def append(self, summary: PostSummary) -> None:
        if len(self.kept) < self.spill_from or not self._spill(summary):
            self.kept.append(self.shared.summary(summary))

    def _spill(self, summary: PostSummary) -> bool:
        import pickle  # here and below: a run under SPILL_FROM posts (a one-file check) never needs them
        import tempfile

        try:
            if self.file is None:
                self.file = tempfile.TemporaryFile(prefix="clinic-audit-summaries-")
            data = pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL)
            self.file.seek(self.end)
            self.file.write(data)
        except OSError as exc:  # a full or read-only temporary folder: keep them in memory
            log.debug("cannot spill post summaries to a temporary file: %s", exc)
            self._unspill()
            return False
        self.offsets.append(self.end)
        self.end += len(data)
        return True

    def _unspill(self) -> None:
        spilled = list(self._spilled(0)) if self.offsets else []
        self.close()
        self.kept.extend(map(self.shared.summary, spilled))
        self.spill_from = 1 << 62  # never again this run

    def __len__(self) -> int:
        return len(self.kept) + len(self.offsets)

    @overload
    def __getitem__(self, index: int) -> PostSummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[PostSummary]: ...

    def __getitem__(self, index: int | slice) -> PostSummary | list[PostSummary]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("summary index out of range")
        if index < len(self.kept):
            return self.kept[index]
        return next(self._spilled(index - len(self.kept), 1))

    def __iter__(self) -> Iterator[PostSummary]:
        yield from self.kept
        if self.offsets:
            yield from self._spilled(0)

    def _spilled(self, first: int, count: int | None = None) -> Iterator[PostSummary]:
        """Spilled summaries from number ``first`` (``count`` of them, or all), read a chunk at a time: each
        chunk seeks first, so a rule may index the posts while it iterates them."""
        import pickle

        offsets, last = self.offsets, len(self.offsets) if count is None else min(len(self.offsets), first + count)
        self.file.flush()
        while first < last:
            start, stop = offsets[first], first + 1
            while stop < last and offsets[stop] - start < READ_BYTES:
                stop += 1
            end = offsets[stop] if stop < len(offsets) else self.end
            self.file.seek(start)
            chunk = memoryview(self.file.read(end - start))
            for i in range(first, stop):
                yield pickle.loads(chunk[offsets[i] - start:(offsets[i + 1] if i + 1 < len(offsets) else self.end) - start])
            first = stop

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self.file, self.offsets, self.end = None, array("q"), 0


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

    posts: Sequence[PostSummary]  # a tuple, or a run's Summaries
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
                       links=Links(dict.fromkeys(links)), sketch=pack_sketch(sketch(words)), words=len(words),
                       external=Links(dict.fromkeys(external)))


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


def similarity(a: bytes | Sequence[int], b: bytes | Sequence[int], size: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard similarity of two posts' shingle sets from their bottom-k sketches (packed or as ints)."""
    if not a or not b:
        return 0.0
    a, b = sketch_hashes(a), sketch_hashes(b)
    sa = set(a)
    both = sa.intersection(b)
    if not both:
        return 0.0
    union = sorted(sa.union(b))[:size]  # two sketches of at most `size` values: sorting beats a heap here
    return sum(1 for h in union if h in both) / len(union)
