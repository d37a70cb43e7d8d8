"""SEO rules about the post's target keyphrase: where it must appear, and how often.

The keyphrase is a page fact (front matter ``keyphrase``, ``--keyphrase`` or the ``keyphrase`` setting);
words match as content words with plural stems, in any order, or exactly when the keyphrase is quoted.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Iterable, Iterator
from urllib.parse import urlparse

from clinic_audit.model import CODE, HEADING, Post
from clinic_audit.rule import Hit, Option, Options, rule
from clinic_audit.textstats import count_words

from .seo_words import content_words, first_h1

PLACES = ["title", "h1", "first-paragraph", "description", "slug", "subheadings"]
_KEYPHRASE = Option("keyphrase", str, "", "Target keyphrase for every post (else the front-matter `keyphrase`; `--keyphrase` sets it).")


def post_keyphrase(post: Post, opts: Options) -> str:
    """The keyphrase to check: the configured one, else the post's own front-matter `keyphrase`."""
    return (opts.keyphrase or post.facts.text("keyphrase")).strip()


def contains(text: str, keyphrase: str) -> bool:
    """Whether ``text`` holds the keyphrase: every content word in any order, or the exact phrase if quoted."""
    if len(keyphrase) > 2 and keyphrase[0] == keyphrase[-1] == '"':
        wanted = " ".join(keyphrase[1:-1].lower().split())
        return wanted in " ".join(re.findall(r"[\w'’]+", text.lower()))
    words = set(content_words(text))
    return all(w in words for w in content_words(keyphrase.strip('"')))


def _slug(post: Post) -> str | None:
    url = post.facts.value("url") or post.facts.value("canonical")
    if post.format == "markdown" and post.facts.value("slug"):
        return str(post.facts.value("slug"))
    if url:
        parts = [p for p in urlparse(str(url)).path.split("/") if p]
        return parts[-1] if parts else None
    if post.source in ("-", "<stdin>") or post.format == "html":
        return None
    return PurePosixPath(post.source).stem


def _places(post: Post) -> Iterator[tuple[str, int, str | list[tuple[int, str]]]]:
    """(place, line, text) for each place a keyphrase belongs; subheadings come as a list."""
    title = post.facts.text("title") if post.format == "html" else post.title
    if title:
        yield "title", post.facts.line("title", post.title_line or 1), str(title)
    h1 = first_h1(post) or ((post.title_line or 1, post.title) if post.title_is_h1 else None)
    if h1:
        yield "h1", h1[0], h1[1]
    if post.prose_indexes:
        first = post.blocks[post.prose_indexes[0]]
        yield "first-paragraph", first.line, first.text
    description = post.facts.text("description")
    if description:
        yield "description", post.facts.line("description"), description
    slug = _slug(post)
    if slug:
        line = post.facts.line("slug", post.facts.line("url", post.facts.line("canonical", 1)))
        yield "slug", line, slug.replace("-", " ").replace("_", " ")
    subheadings = [(h.line, h.plain) for h in post.headings if h.level > 1]
    if subheadings:
        yield "subheadings", subheadings[0][0], subheadings


@rule("SE013", "keyphrase-placement", "seo", "warning",
      options=[_KEYPHRASE, Option("places", list, PLACES, "Where the keyphrase must appear.")])
def keyphrase_placement(post: Post, opts: Options) -> Iterable[Hit]:
    """The target keyphrase is missing from the title, H1, first paragraph, meta description, slug or every subheading.

    Why: Yoast's keyphrase assessments (title, introduction, meta description, slug, subheadings): search
    engines and readers look for the topic in these places first.  Silent when no keyphrase is set
    (front matter `keyphrase`, the rule's `keyphrase` option, or `check --keyphrase`).  Words match in any
    order, plurals included; put the phrase in double quotes for an exact match.
    Fix: use the keyphrase naturally in each place the finding names.
    Bad:
        ---
        title: "Knee pain: what helps"
        keyphrase: knee arthritis
        ---
        Knee pain is common after 50.
    Good:
        ---
        title: "Knee arthritis: what helps"
        description: How to ease knee arthritis at home, the treatments that help, and when to see a doctor about it.
        keyphrase: knee arthritis
        slug: knee-arthritis
        ---
        Knee arthritis is common after 50.

        ## Living with knee arthritis

        Stay active.
    """
    keyphrase = post_keyphrase(post, opts)
    if not content_words(keyphrase.strip('"')):
        return
    for place, line, text in _places(post):
        if place not in opts.places:
            continue
        if place == "subheadings":
            assert isinstance(text, list)
            found = any(contains(t, keyphrase) for _, t in text)
            where = "any subheading"
        else:
            found = contains(str(text), keyphrase)
            where = f"the {place.replace('-', ' ')}" if place != "h1" else "the H1"
        if not found:
            yield Hit(line, f"keyphrase '{keyphrase}' is not in {where}", key=f"keyphrase {place}",
                      suggestion=f"Use '{keyphrase}' in {where}.")


@rule("SE014", "keyphrase-density", "seo", "warning",
      options=[_KEYPHRASE, Option("min-percent", float, 0.5, "Lowest keyphrase density, % of words."),
               Option("max-percent", float, 3.0, "Highest keyphrase density before it reads as stuffing."),
               Option("min-words", int, 100, "Shorter posts are not judged.")])
def keyphrase_density(post: Post, opts: Options) -> Iterable[Hit]:
    """The keyphrase appears too rarely (under 0.5% of words) or too often (over 3%: keyword stuffing).

    Why: Yoast's keyphrase-density assessment (0.5–3%); Google's spam policies name keyword stuffing.
    Silent when no keyphrase is set or the post has fewer than 100 words.
    Fix: mention the topic naturally a few times; replace repeats with plain synonyms.
    Example options: min-words=10
    Bad:
        ---
        keyphrase: knee pain
        ---
        Knee pain relief for knee pain: our knee pain guide explains knee pain and knee pain care.
    Good:
        ---
        keyphrase: knee pain
        ---
        Knee pain is common after 50. Rest, ice and gentle exercise help most people feel better within a few weeks, and a physical therapist can teach you simple exercises that make the muscles around the joint stronger.
    """
    keyphrase = post_keyphrase(post, opts)
    wanted = content_words(keyphrase.strip('"'))
    if not wanted:
        return
    texts = [t.text for b in post.blocks if b.kind not in (HEADING, CODE) for t in (b, *b.items)]
    words = sum(count_words(t) for t in texts)
    if words < opts.min_words:
        return
    occurrences = 0
    for text in texts:
        stream = content_words(text)
        occurrences += sum(1 for i in range(len(stream)) if stream[i:i + len(wanted)] == wanted)
    percent = round(occurrences * 100 / words, 1)
    if percent < opts.min_percent or percent > opts.max_percent:
        plural = "" if occurrences == 1 else "s"
        word = "rarely" if percent < opts.min_percent else "often"
        limit = opts.min_percent if percent < opts.min_percent else opts.max_percent
        yield Hit(first_h1(post)[0] if first_h1(post) else 1,
                  f"keyphrase '{keyphrase}' appears {occurrences} time{plural}, {percent}% of {words} words (too {word})",
                  value=percent, limit=limit, key="keyphrase-density",
                  suggestion=f"Aim for {opts.min_percent}–{opts.max_percent}% of words.")


RULES = (keyphrase_placement, keyphrase_density)
