"""SEO rules about the post's target keyphrase: where it must appear, how often, how evenly, and not too much.

The keyphrase is a page fact (front matter ``keyphrase``, ``--keyphrase`` or the ``keyphrase`` setting) and so
are its synonyms (front matter ``synonyms``, a comma-separated string or a list; ``--synonyms`` or the
``synonyms`` setting).  Words match as content words (function words left out) with plural stems, in any order,
with quotes around them ignored; a keyphrase in double quotes matches only as that exact phrase (Yoast's rule).
Every rule accepts the keyphrase or any synonym.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import PurePosixPath
from typing import Iterable, Iterator
from urllib.parse import urlparse

from clinic_audit.facts import synonym_list
from clinic_audit.model import CODE, HEADING, LIST, Post
from clinic_audit.rule import Hit, Option, Options, rule
from clinic_audit.textstats import count_words, split_sentences

from .seo_words import content_words, first_h1, words_of

PLACES = ["title", "h1", "first-paragraph", "description", "slug", "subheadings"]
_KEYPHRASE = Option("keyphrase", str, "", "Target keyphrase for this rule (else the page's: front matter, "
                    "`--keyphrase` or the top-level `keyphrase` setting).")
_SYNONYMS = Option("synonyms", list, [], "Synonyms of the keyphrase for this rule (else the page's: front matter, "
                   "`--synonyms` or the top-level `synonyms` setting).")


def post_keyphrase(post: Post, opts: Options) -> str:
    """The keyphrase to check: the configured one, else the post's own front-matter `keyphrase`."""
    return (opts.keyphrase or post.facts.text("keyphrase")).strip()


def post_topics(post: Post, opts: Options) -> list[str]:
    """The keyphrase and its synonyms (the rule's option, else the page fact: front matter, ``--synonyms``);
    empty without a keyphrase."""
    keyphrase = post_keyphrase(post, opts)
    if not keyphrase:
        return []
    synonyms = synonym_list(opts.get("synonyms")) or synonym_list(post.facts.value("synonyms"))
    return [keyphrase, *(s for s in synonyms if s.lower() != keyphrase.lower())]


def _exact(phrase: str) -> str | None:
    """The words of a double-quoted phrase (Yoast's exact match), or None when it is not quoted."""
    if len(phrase) > 2 and phrase[0] in '"“' and phrase[-1] in '"”':
        return " ".join(words_of(phrase[1:-1]))
    return None


def topic_words(phrase: str, language: str = "en") -> list[str]:
    """The content words a phrase is matched by (its exact words when double-quoted)."""
    exact = _exact(phrase)
    return exact.split() if exact is not None else content_words(phrase.strip('"“”'), language)


def match_share(text: str, phrase: str, language: str = "en") -> float:
    """Share of the phrase's content words found in ``text`` (1.0 or 0.0 for an exact, double-quoted phrase)."""
    exact = _exact(phrase)
    if exact is not None:
        return 1.0 if exact and f" {exact} " in f" {' '.join(words_of(text))} " else 0.0
    wanted = set(content_words(phrase, language))
    if not wanted:
        return 0.0
    return len(wanted & set(content_words(text, language))) / len(wanted)


def contains(text: str, keyphrase: str, language: str = "en") -> bool:
    """Whether ``text`` holds the keyphrase: every content word in any order, or the exact phrase if quoted."""
    return bool(topic_words(keyphrase, language)) and match_share(text, keyphrase, language) == 1.0


def contains_any(text: str, topics: list[str], language: str = "en") -> bool:
    """Whether ``text`` holds the keyphrase or one of its synonyms."""
    return any(contains(text, topic, language) for topic in topics)


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
      options=[_KEYPHRASE, _SYNONYMS, Option("places", list, PLACES, "Where the keyphrase must appear.")])
def keyphrase_placement(post: Post, opts: Options) -> Iterable[Hit]:
    """The target keyphrase is missing from the title, H1, first paragraph, meta description, slug or every subheading.

    Why: Yoast's keyphrase assessments (title, introduction, meta description, slug, subheadings): search
    engines and readers look for the topic in these places first.  Silent when no keyphrase is set
    (front matter `keyphrase`, the rule's `keyphrase` option, or `check --keyphrase`).  Words match in any
    order, plurals included; put the phrase in double quotes for an exact match.  A synonym (front matter
    `synonyms`, `--synonyms`) counts wherever the keyphrase would.
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
    topics = post_topics(post, opts)
    if not topics or not topic_words(topics[0], post.language):
        return
    keyphrase = topics[0]
    for place, line, text in _places(post):
        if place not in opts.places:
            continue
        if place == "subheadings":
            assert isinstance(text, list)
            found = any(contains_any(t, topics, post.language) for _, t in text)
            where = "any subheading"
        else:
            found = contains_any(str(text), topics, post.language)
            where = f"the {place.replace('-', ' ')}" if place != "h1" else "the H1"
        if not found:
            yield Hit(line, f"keyphrase '{keyphrase}' is not in {where}", key=f"keyphrase {place}",
                      suggestion=f"Use '{keyphrase}' in {where}.")


@rule("SE014", "keyphrase-density", "seo", "warning",
      options=[_KEYPHRASE, _SYNONYMS, Option("min-percent", float, 0.5, "Lowest keyphrase density, % of words."),
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
    topics = post_topics(post, opts)
    wanted = [topic_words(t, post.language) for t in topics]
    if not wanted or not wanted[0]:
        return
    keyphrase = topics[0]
    texts = [t.text for b in post.blocks if b.kind not in (HEADING, CODE) for t in (b, *b.items)]
    words = sum(count_words(t) for t in texts)
    if words < opts.min_words:
        return
    occurrences = 0
    for text in texts:
        plain = content_words(text, post.language)
        exact = words_of(text)
        for topic, want in zip(topics, wanted):
            if not want:
                continue
            stream = exact if _exact(topic) is not None else plain
            occurrences += sum(1 for i in range(len(stream)) if stream[i:i + len(want)] == want)
    percent = round(occurrences * 100 / words, 1)
    if percent < opts.min_percent or percent > opts.max_percent:
        plural = "" if occurrences == 1 else "s"
        word = "rarely" if percent < opts.min_percent else "often"
        limit = opts.min_percent if percent < opts.min_percent else opts.max_percent
        yield Hit(first_h1(post)[0] if first_h1(post) else 1,
                  f"keyphrase '{keyphrase}' appears {occurrences} time{plural}, {percent}% of {words} words (too {word})",
                  value=percent, limit=limit, key="keyphrase-density",
                  suggestion=f"Aim for {opts.min_percent}–{opts.max_percent}% of words.")




@rule("SE022", "keyphrase-length", "seo", "warning",
      options=[_KEYPHRASE, Option("max-words", int, 4, "Most content words in a keyphrase (Yoast: 1–4 good, 5–8 ok, "
                                                       "over 8 bad).")])
def keyphrase_length(post: Post, opts: Options) -> Iterable[Hit]:
    """The keyphrase has more than 4 content words, or none at all (only function words such as "how to").

    Yoast's keyphrase-length assessment: 1–4 content words is good, 5–8 ok, more bad; a keyphrase made only
    of function words gets no analysis.  Function words ("the", "for", "de") are not counted.
    Why: people search in a few words; a long keyphrase is almost never typed as it stands, so the post is
    optimised for a search nobody makes, and every keyphrase check gets harder to pass for no gain.
    Fix: keep the 2–4 words a patient would type ("knee arthritis exercises"); move the rest to synonyms.
    Bad:
        ---
        keyphrase: best exercises for knee arthritis pain relief at home
        ---
        Knee arthritis is common after 50.
    Good:
        ---
        keyphrase: knee arthritis exercises
        ---
        Knee arthritis is common after 50.
    """
    keyphrase = post_keyphrase(post, opts)
    if not keyphrase:
        return
    line = post.facts.line("keyphrase", 1)
    words = content_words(keyphrase.strip('"“”'), post.language)
    if not words:
        yield Hit(line, f"keyphrase '{keyphrase}' has only function words", excerpt=keyphrase, value=0,
                  key="keyphrase-length", suggestion="Name the topic: the words a patient would search for.")
    elif len(words) > opts.max_words:
        yield Hit(line, f"keyphrase '{keyphrase}' has {len(words)} content words (Yoast: at most {opts.max_words})",
                  excerpt=keyphrase, value=len(words), limit=opts.max_words, key="keyphrase-length",
                  suggestion="Keep the 2–4 words a patient would search for; make the rest synonyms.")


def text_units(post: Post) -> tuple[tuple[int, str], ...]:
    """(line, text) of what Yoast calls the text's sentences, in order: prose sentences, headings after the H1,
    list items (code, tables and the reference list left out)."""
    by_block: dict[int, list[tuple[int, str]]] = {}
    for sentence in post.sentences:
        by_block.setdefault(sentence.block_index, []).append((sentence.line, sentence.text))
    units: list[tuple[int, str]] = []
    for i, block in enumerate(post.blocks):
        if i in by_block:
            units += by_block[i]
        elif i in post.reference_blocks:
            continue
        elif block.kind == HEADING and block.level > 1 and block.plain:
            units.append((block.line, block.plain))
        elif block.kind == LIST:
            units += [(item.line, item.plain) for item in block.items if item.plain]
    return tuple(units)


def _topic_units(post: Post, topics: tuple[str, ...]) -> list[bool]:
    """Per text unit: does it hold the keyphrase or a synonym (Yoast: a short topic, under 4 content words,
    needs every word; a longer one half of them)?"""
    wanted = [(t, len(topic_words(t, post.language))) for t in topics]
    out = []
    for _, text in post.view(text_units):
        hit = False
        for topic, n in wanted:
            if not n:
                continue
            share = match_share(text, topic, post.language)
            if share == 1.0 or (n >= 4 and share >= 0.5):
                hit = True
                break
        out.append(hit)
    return out


@rule("SE023", "keyphrase-distribution", "seo", "info",
      options=[_KEYPHRASE, _SYNONYMS,
               Option("max-gap-share", float, 0.30, "Largest share of sentences in a row without the keyphrase "
                                                    "(Yoast: ≤ 30% good, 30–50% ok, over 50% bad)."),
               Option("min-sentences", int, 10, "Posts with fewer sentences (prose, subheadings, list items) are not judged.")])
def keyphrase_distribution(post: Post, opts: Options) -> Iterable[Hit]:
    """A long stretch of the post (over 30% of its sentences in a row) never mentions the keyphrase or a synonym.

    Yoast's keyphrase-distribution assessment (Premium): the longest run of sentences without the topic, as a
    share of all sentences; ≤ 30% good, 30–50% ok, over 50% bad.  As in Yoast, prose sentences, subheadings
    and list items are the sentences; a keyphrase of 4 or more content words counts where half of them are.
    Why: a post that names its topic once at the top and drifts away reads as off-topic to search engines and
    to patients who skim to the middle.
    Fix: mention the topic (or a synonym) where the long stretch starts, e.g. in its first sentence.
    Example options: min-sentences=3
    Bad:
        ---
        keyphrase: knee pain
        ---
        Knee pain is common. Rest helps. Ice helps. Walking helps. Sleep matters.
    Good:
        ---
        keyphrase: knee pain
        ---
        Knee pain is common. Rest eases knee pain. Ice helps. For knee pain, walk daily. Sleep eases knee pain.
    """
    topics = post_topics(post, opts)
    units = post.view(text_units)
    if not topics or not topic_words(topics[0], post.language) or len(units) < opts.min_sentences:
        return
    hits = post.view(_topic_units, tuple(topics))
    longest, start, run_start = 0, 0, 0
    for i, hit in enumerate([*hits, True]):
        if hit:
            if i - run_start > longest:
                longest, start = i - run_start, run_start
            run_start = i + 1
    share = longest / len(hits)
    if share > opts.max_gap_share:
        line, text = units[start]
        where = "never mention" if longest == len(hits) else "do not mention"
        yield Hit(line, f"{longest} of {len(hits)} sentences in a row ({share:.1%}) {where} '{topics[0]}' "
                  f"or a synonym (target ≤ {opts.max_gap_share:.0%}, Yoast: over 50% is bad)", excerpt=text,
                  value=round(share, 3), limit=opts.max_gap_share, key="keyphrase-distribution",
                  suggestion="Mention the topic where this stretch starts.")


def reflects_topic(heading: str, topics: list[str], language: str = "en") -> bool:
    """Yoast's test for a subheading: more than half of the keyphrase's (or a synonym's) content words."""
    return any(topic_words(t, language) and match_share(heading, t, language) > 0.5 for t in topics)


@rule("SE024", "keyphrase-in-too-many-subheadings", "seo", "warning",
      options=[_KEYPHRASE, _SYNONYMS,
               Option("max-share", float, 0.75, "Largest share of H2/H3 subheadings that may hold the keyphrase "
                                                "(Yoast: 75%).")])
def keyphrase_in_too_many_subheadings(post: Post, opts: Options) -> Iterable[Hit]:
    """More than 75% of the H2 and H3 subheadings hold the keyphrase (with two or more subheadings).

    Yoast's keyphrase-in-subheadings assessment, its upper bound: more than 75% is "over-optimised" (red);
    a subheading counts when it holds more than half of the keyphrase's content words, or of a synonym's.
    One subheading holding it is fine.
    Why: subheadings that all repeat the keyphrase read as keyword stuffing and tell the reader nothing about
    what each section adds.
    Fix: let each subheading say what its section covers; keep the keyphrase in some of them, or use synonyms.
    Bad:
        ---
        keyphrase: knee pain
        ---
        # Knee pain

        ## Knee pain causes

        ## Knee pain treatment
    Good:
        ---
        keyphrase: knee pain
        ---
        # Knee pain

        ## What causes knee pain

        ## Treatments that help
    """
    topics = post_topics(post, opts)
    if not topics or not topic_words(topics[0], post.language):
        return
    subheadings = [h for h in post.headings if h.level in (2, 3) and h.plain.strip(" #")]
    holding = [h for h in subheadings if reflects_topic(h.plain, topics, post.language)]
    if len(subheadings) > 1 and len(holding) > math.floor(len(subheadings) * opts.max_share):
        share = len(holding) / len(subheadings)
        yield Hit(holding[0].line, f"{len(holding)} of {len(subheadings)} subheadings ({share:.0%}) hold "
                  f"'{topics[0]}' (Yoast: at most {opts.max_share:.0%})", excerpt=holding[0].plain,
                  value=round(share, 3), limit=opts.max_share, key="keyphrase-subheadings",
                  suggestion="Let some subheadings say what their section adds instead.")


def description_count(description: str, topics: list[str], language: str = "en") -> int:
    """Full matches of the keyphrase and synonyms in a description (Yoast's count: per sentence, a phrase
    counts as often as its rarest word; words used by one phrase are not counted again for the next)."""
    total = 0
    for _, sentence in split_sentences(description):
        plain = Counter(content_words(sentence, language))
        exact = f" {' '.join(words_of(sentence))} "
        for topic in topics:
            quoted = _exact(topic)
            if quoted is not None:
                found = exact.count(f" {quoted} ") if quoted else 0
                total += found
                continue
            want = Counter(content_words(topic, language))
            if not want:
                continue
            found = min(plain[w] // n for w, n in want.items())
            total += found
            for w, n in want.items():
                plain[w] -= found * n
    return total


@rule("SE025", "keyphrase-overuse-in-description", "seo", "warning",
      options=[_KEYPHRASE, _SYNONYMS,
               Option("max-times", int, 2, "Most times the keyphrase and synonyms may appear in the meta description "
                                           "(Yoast: 2).")])
def keyphrase_overuse_in_description(post: Post, opts: Options) -> Iterable[Hit]:
    """The meta description uses the keyphrase (or its synonyms) more than twice.

    Yoast's keyphrase-in-meta-description assessment, its upper bound ("over the advised maximum of 2 times").
    Why: a description that repeats the keyphrase reads as spam in search results; patients click the
    snippet that says plainly what the page offers.
    Fix: use the keyphrase once or twice and spend the rest of the description on what the reader will learn.
    Bad:
        ---
        description: Knee pain relief for knee pain. Our knee pain clinic treats knee pain fast.
        keyphrase: knee pain
        ---
        Knee pain is common after 50.
    Good:
        ---
        description: What causes knee pain, which treatments help most people, and when to see a doctor.
        keyphrase: knee pain
        ---
        Knee pain is common after 50.
    """
    topics = post_topics(post, opts)
    description = post.facts.text("description")
    if not topics or not description or not topic_words(topics[0], post.language):
        return
    count = description_count(description, topics, post.language)
    if count > opts.max_times:
        yield Hit(post.facts.line("description"), f"the meta description uses '{topics[0]}' {count} times "
                  f"(Yoast: at most {opts.max_times})", excerpt=description, value=count, limit=opts.max_times,
                  key="keyphrase-description", suggestion="Use the keyphrase once or twice.")


RULES = (keyphrase_placement, keyphrase_density, keyphrase_length, keyphrase_distribution,
         keyphrase_in_too_many_subheadings, keyphrase_overuse_in_description)
