"""The document model every parser produces and every rule reads.

All nodes are frozen and carry the 1-based source line they start on, so a
finding can always point at ``file:line``.  Derived views (headings, sections,
prose sentences, text statistics) are computed once per post on first use and
shared by every rule.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, TypeVar

if TYPE_CHECKING:
    from .textstats import TextStats

T = TypeVar("T")

# Block kinds.  Only PARAGRAPH blocks are prose for the readability formulas:
# list items, quotes, code, tables and the reference list are not sentences.
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST = "list"
QUOTE = "quote"
CODE = "code"
TABLE = "table"

REFERENCE_HEADINGS = re.compile(
    r"^\s*(references?|sources?|citations?|bibliography|works cited|further reading|"
    r"notes|footnotes|referencias|fuentes|bibliograf[ií]a)\s*:?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Link:
    """A hyperlink inside a block."""

    href: str
    text: str
    line: int
    rel: str = ""

    @property
    def is_external(self) -> bool:
        """True for absolute http(s) links (the usual shape of a cited source)."""
        return self.href.startswith(("http://", "https://", "//"))

    @property
    def is_fragment(self) -> bool:
        return self.href.startswith("#")


@dataclass(frozen=True)
class Image:
    """An image with its alternative text (None when the attribute is absent)."""

    src: str
    alt: str | None
    line: int
    html: bool = False  # written as an <img> tag, where alt="" marks a decorative image


@dataclass(frozen=True)
class Sentence:
    """One sentence of prose, located at the line it starts on."""

    text: str
    line: int
    block_index: int


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list, quote, code block or table.

    ``text`` keeps the source's line breaks so sentences inside a paragraph can
    be located on the right line.  A list's ``items`` are its list items, each a
    PARAGRAPH block (possibly empty) with its own line.
    """

    kind: str
    text: str
    line: int
    level: int = 0  # heading level 1-6
    items: tuple["Block", ...] = ()
    ordered: bool = False
    links: tuple[Link, ...] = ()
    images: tuple[Image, ...] = ()
    footnote_refs: tuple[str, ...] = ()  # labels of footnote markers in the block
    bold: bool = False  # every word of the block is bold (a paragraph standing in for a heading, perhaps)

    @cached_property
    def plain(self) -> str:
        """The text on one line, whitespace folded."""
        return " ".join(self.text.split())


@dataclass(frozen=True)
class Section:
    """A heading and everything up to the next heading of the same or higher level.

    ``blocks`` are the non-heading blocks directly under this heading (before any
    subheading); ``children`` are the subsections.  The preamble before the first
    heading is a section with ``heading`` None.
    """

    heading: Block | None
    blocks: tuple[int, ...]  # indexes into Post.blocks
    children: tuple["Section", ...]
    path: tuple[str, ...]  # heading texts from the top, for fingerprints

    @property
    def level(self) -> int:
        return self.heading.level if self.heading else 0

    @property
    def line(self) -> int:
        return self.heading.line if self.heading else 1

    def walk(self) -> Iterator["Section"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Suppression:
    """An inline ``<!-- clinic-audit: ... -->`` directive found in the source."""

    line: int
    kind: str  # "disable" (next block), "disable-next-line", "disable-file"
    codes: tuple[str, ...]  # empty means every rule


@dataclass(frozen=True)
class FootnoteDef:
    label: str
    text: str
    line: int


@dataclass(frozen=True)
class Fact:
    """One stated fact: its value as written, the source line it is on, and where it was stated."""

    value: Any
    line: int
    origin: str  # "head", "front matter" or "configuration"


@dataclass(frozen=True)
class PageFacts:
    """The page facts of one post; ``head_line`` is where missing head facts belong."""

    facts: Mapping[str, Fact] = field(default_factory=dict)
    is_html_page: bool = False  # an HTML document with a head (not a fragment pasted from a CMS body)
    front_matter: bool = False  # a Markdown post that opens with front matter
    head_line: int = 1

    @property
    def has_head(self) -> bool:
        """The post can carry page metadata: an HTML page with a head, or Markdown with front matter."""
        return self.is_html_page or self.front_matter

    def get(self, name: str) -> Fact | None:
        return self.facts.get(name)

    def value(self, name: str, default: Any = None) -> Any:
        fact = self.facts.get(name)
        return default if fact is None else fact.value

    def text(self, name: str) -> str:
        """The fact as one line of text ("" when not stated)."""
        return " ".join(str(self.value(name, "") or "").split())

    def line(self, name: str, default: int | None = None) -> int:
        fact = self.facts.get(name)
        return fact.line if fact is not None else (self.head_line if default is None else default)


@dataclass(frozen=True)
class Post:
    """One parsed post: metadata, blocks in source order, and derived views."""

    source: str
    format: str  # "html", "markdown" or "text"
    blocks: tuple[Block, ...]
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    title: str = ""
    title_line: int = 0
    title_is_h1: bool = False  # the title renders as the page's H1 (front matter, inferred text title)
    language: str = "en"
    language_source: str = "default"  # "declared", "configured", "detected" or "default"
    footnotes: tuple[FootnoteDef, ...] = ()
    lines: tuple[str, ...] = field(default=(), repr=False)  # the source, for excerpts and columns
    facts: PageFacts = field(default_factory=lambda: PageFacts(), compare=False)  # filled by the parser (facts.py)

    # --- derived views, computed once -------------------------------------------------

    @cached_property
    def headings(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind == HEADING)

    @cached_property
    def links(self) -> tuple[Link, ...]:
        return tuple(link for b in self.blocks for link in _all_links(b))

    @cached_property
    def images(self) -> tuple[Image, ...]:
        return tuple(img for b in self.blocks for img in b.images)

    @cached_property
    def reference_blocks(self) -> frozenset[int]:
        """Indexes of blocks under a References/Sources heading (not prose)."""
        found: set[int] = set()
        for section in self.outline.walk():
            if section.heading and REFERENCE_HEADINGS.match(section.heading.plain):
                for sub in section.walk():
                    found.update(sub.blocks)
        return frozenset(found)

    @cached_property
    def outline(self) -> Section:
        """The heading tree; the root is the preamble before the first heading."""
        return _build_outline(self.blocks)

    @cached_property
    def prose_indexes(self) -> tuple[int, ...]:
        """Indexes of paragraph blocks that count as prose."""
        refs = self.reference_blocks
        return tuple(
            i for i, b in enumerate(self.blocks) if b.kind == PARAGRAPH and i not in refs and b.text.strip()
        )

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        """Every prose sentence, in order."""
        from .textstats import NewlineIndex, split_sentences

        out: list[Sentence] = []
        for i in self.prose_indexes:
            block = self.blocks[i]
            breaks = NewlineIndex(block.text)  # one per block: counting per sentence was quadratic
            for offset, text in split_sentences(block.text):
                out.append(Sentence(" ".join(text.split()), block.line + breaks.before(offset), i))
        return tuple(out)

    @cached_property
    def sentence_counts(self) -> tuple[tuple[int, ...], ...]:
        """Word, syllable and letter counts of each sentence (aligned with ``sentences``), taken once."""
        from .textstats import sentence_counts

        return tuple(sentence_counts(s.text, self.language) for s in self.sentences)

    @cached_property
    def stats(self) -> "TextStats":
        """Text statistics of the whole post's prose."""
        from .textstats import TextStats

        return TextStats.from_counts(self.sentence_counts, self.language)  # type: ignore[arg-type]

    @cached_property
    def _counts_by_block(self) -> dict[int, list[tuple[int, ...]]]:
        """Sentence counts grouped by the block they stand in, in order."""
        grouped: dict[int, list[tuple[int, ...]]] = {}
        for sentence, row in zip(self.sentences, self.sentence_counts):
            grouped.setdefault(sentence.block_index, []).append(row)
        return grouped

    def section_stats(self, section: Section) -> "TextStats":
        """Statistics of the prose directly in one section (cached per section)."""
        cache = self.__dict__.setdefault("_section_stats", {})
        key = (section.line, section.path)
        if key not in cache:
            from .textstats import TextStats

            by_block = self._counts_by_block
            rows = [row for i in section.blocks for row in by_block.get(i, ())]
            cache[key] = TextStats.from_counts(rows, self.language)  # type: ignore[arg-type]
        return cache[key]

    def view(self, compute: Callable[..., T], *args: Any) -> T:
        """A view a rule helper derives from the post, computed once per post and shared by every rule.

        The view is keyed by the function itself (and its extra arguments), not by a name: helpers used by
        several rules call ``post.view(find_dates, "updated")`` instead of recomputing per rule; the value
        lives and dies with the post, so nothing is kept between posts.  ``compute`` must be a module-level
        function (a lambda made per call would never be found again).
        """
        cache = self.__dict__.setdefault("_views", {})
        key = (compute, args)
        if key not in cache:
            cache[key] = compute(self, *args)
        return cache[key]  # type: ignore[no-any-return]

    @cached_property
    def section_of_block(self) -> dict[int, Section]:
        """The innermost section each block belongs to."""
        owner: dict[int, Section] = {}
        for section in self.outline.walk():
            for i in section.blocks:
                owner[i] = section
        return owner

    @cached_property
    def _section_starts(self) -> tuple[list[int], list[tuple[str, ...]]]:
        """Heading lines in document order and the section path each one opens."""
        sections = [s for s in self.outline.walk() if s.heading]
        return [s.heading.line for s in sections], [s.path for s in sections]  # type: ignore[union-attr]

    def section_path(self, line: int) -> tuple[str, ...]:
        """Heading path of the section containing ``line`` (for fingerprints)."""
        lines, paths = self._section_starts
        at = bisect_right(lines, line)
        return paths[at - 1] if at else ()

    def column_of(self, line: int, needle: str) -> int:
        """1-based column where ``needle`` starts on ``line``, or 1 when not found."""
        if not needle or not (1 <= line <= len(self.lines)):
            return 1
        probe = " ".join(needle.split()[:4])
        text = self.lines[line - 1]
        at = text.find(probe)
        if at < 0:
            at = text.find(needle.split()[0]) if needle.split() else -1
        return at + 1 if at >= 0 else 1

    @cached_property
    def word_count(self) -> int:
        """Words of prose and lists (what an editor calls the post's length)."""
        from .textstats import count_words

        return sum(count_words(t) for b in self.blocks if b.kind != HEADING for t in _texts(b))

    @cached_property
    def all_word_count(self) -> int:
        """Every word of the text, headings included (Yoast's text length)."""
        from .textstats import count_words

        return self.word_count + sum(count_words(h.plain) for h in self.headings)


def _texts(block: Block) -> Iterator[str]:
    yield block.text
    for item in block.items:
        yield from _texts(item)


def _all_links(block: Block) -> Iterator[Link]:
    yield from block.links
    for item in block.items:
        yield from _all_links(item)


def _build_outline(blocks: tuple[Block, ...]) -> Section:
    """Nest headings by level into a tree of sections."""

    class _Open:
        def __init__(self, heading: Block | None, path: tuple[str, ...]):
            self.heading = heading
            self.path = path
            self.blocks: list[int] = []
            self.children: list[_Open] = []

        def freeze(self) -> Section:
            return Section(self.heading, tuple(self.blocks), tuple(c.freeze() for c in self.children), self.path)

    root = _Open(None, ())
    stack = [root]
    for i, block in enumerate(blocks):
        if block.kind == HEADING:
            while len(stack) > 1 and stack[-1].heading.level >= block.level:  # type: ignore[union-attr]
                stack.pop()
            node = _Open(block, stack[-1].path + (block.plain,))
            stack[-1].children.append(node)
            stack.append(node)
        else:
            stack[-1].blocks.append(i)
    return root.freeze()
