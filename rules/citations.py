"""Citation rules: statistics and attributed claims need a source the reader can check.

A sentence counts as cited when the sentence or its paragraph has an outbound
link, a footnote marker that resolves to a note or reference entry, an inline
author-year citation, a DOI or a PMID.  Hedged wording ("may help") and plain
common knowledge carry no statistic or attribution and are never flagged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

from clinic_audit.model import LIST, QUOTE, Block, Post, Sentence
from clinic_audit.rule import Hit, Option, Options, rule, rule_data
from clinic_audit.textscan import TextIndex
from clinic_audit.textstats import NewlineIndex, split_sentences

_NUMERIC_MARKER = re.compile(r"\[(\d{1,3})\]|\[\^[^\][]+\]")  # a label stops at "[": linear on "[^[^[^…"


@lru_cache(maxsize=1)
def _data() -> dict:
    return rule_data("citations")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    data = _data()

    def any_of(items: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in items), re.IGNORECASE)

    verbs = "|".join(data["attribution_verbs"])
    return {
        # one by one as well: each is tried only on the sentences holding its own words
        "statistics": tuple(re.compile(p, re.IGNORECASE) for p in data["statistics"]),
        "vague": any_of(data["vague"]),
        "citation": re.compile("|".join(f"(?:{p})" for p in data["inline_citation"])),
        "according": re.compile(r"\b(?:" + "|".join(data["source_before"]) +
                                r")\s+(?:the\s+)?([A-Z][\w.’'&-]*(?:\s+(?:of|for|at|and|&|[A-Z][\w.’'&-]*))*)"),
        "verb": re.compile(rf"\b({verbs})\b(?:\s+that)?"),
    }


def is_cited(post: Post, block: Block, sentence_text: str = "") -> bool:
    """True when the sentence or its paragraph points at a source the reader can check."""
    if any(link.is_external for link in block.links):
        return True
    if block.footnote_refs:
        return True
    return post.view(_text_cites, block.text)  # once per paragraph, not once per sentence of it


def _text_cites(post: Post, text: str) -> bool:
    if _patterns()["citation"].search(text):
        return True
    markers = [m.group(1) for m in _NUMERIC_MARKER.finditer(text) if m.group(1)]
    return bool(markers) and bool(post.reference_blocks or post.footnotes)


def units(post: Post) -> tuple[tuple[Sentence, Block], ...]:
    """Every sentence a claim can sit in, with the block that cites it: prose sentences, and the sentences of
    list items and quotes (not prose for the formulas, but a statistic in a bullet still needs a source)."""
    return post.view(_units)


def _units(post: Post) -> tuple[tuple[Sentence, Block], ...]:
    out: list[tuple[Sentence, Block]] = [(s, post.blocks[s.block_index]) for s in post.sentences]
    refs = post.reference_blocks
    for index, block in enumerate(post.blocks):
        if index in refs or block.kind not in (LIST, QUOTE):
            continue
        for part in block.items if block.kind == LIST else (block,):
            breaks = NewlineIndex(part.text)
            for offset, text in split_sentences(part.text):
                line = part.line + breaks.before(offset)
                out.append((Sentence(text, line, index), part))
    out.sort(key=lambda unit: unit[0].line)
    return tuple(out)


def _sentence_index(post: Post) -> TextIndex:
    return post.view(_build_sentence_index)


def _build_sentence_index(post: Post) -> TextIndex:
    return TextIndex([s.text for s, _ in units(post)])


def _claim_sentences(post: Post, *patterns: re.Pattern[str]) -> Iterator[tuple[int, Sentence, Block]]:
    """The units where any of ``patterns`` may match, with their index and citing block, in order."""
    found = units(post)
    for i in _sentence_index(post).matching(*patterns):
        yield i, found[i][0], found[i][1]


def statistics(post: Post) -> dict[int, str]:
    """The first statistic of each sentence that states one, by sentence index, in order."""
    return post.view(_find_statistics)


def _find_statistics(post: Post) -> dict[int, str]:
    # As the single alternation of every pattern would: the leftmost match, the earlier pattern on a tie.
    index = _sentence_index(post)
    found = units(post)
    first: dict[int, tuple[int, int, str]] = {}
    for order, pattern in enumerate(_patterns()["statistics"]):
        for i in index.candidates(pattern):
            match = pattern.search(found[i][0].text)
            if match and (i not in first or (match.start(), order) < first[i][:2]):
                first[i] = (match.start(), order, match.group(0))
    return {i: first[i][2] for i in sorted(first)}


def named_attribution(sentence: str) -> str | None:
    """The named source of "according to X" / "X says that", or None when nobody is named."""
    patterns = _patterns()
    according = patterns["according"].search(sentence)
    if according:
        source = according.group(1).strip(" .,;:")
        return source if is_named_source(source) else None
    unnamed = set(_data()["unnamed_subjects"])
    particles = tuple(_data()["verb_particles"])
    auxiliaries = frozenset(_data()["passive_auxiliaries"])
    for verb in patterns["verb"].finditer(sentence):
        following = sentence[verb.end():].split(maxsplit=1)
        if following and following[0].lower().strip(".,;:") in particles:
            continue  # "showed off her new shoes", "found out": another verb, not an attribution
        if sentence[verb.start() - 1: verb.start()] == "-":
            continue  # "expert-recommended", "doctor-recommended": an adjective
        before = [w.lower().strip(".,;:()") for w in sentence[: verb.start()].split()[-3:]]
        if any(w in auxiliaries for w in before[-2:]):
            continue  # "are found in", "is highly recommended", "may be recommended": passive, nobody is named
        head = sentence[: verb.start()]
        if head.rfind("(") > head.rfind(")"):
            head = head[head.rfind("(") + 1:]  # "Fluoride treatment (if recommended)": inside the aside
        subject = re.split(r"[,:;]", head)[-1].split()  # after a label ("Rest: resting is…") or a clause
        names = [w for w in subject[-9:] if w[:1].isupper() and w.lower().strip(".’'") not in unnamed]
        if names:
            source = " ".join(subject[subject.index(names[0]):]).strip(" .,;:")
            if is_named_source(source):
                return source
    return None


def _in_references(post: Post, source: str) -> bool:
    """The named source is listed in the post's references: the reader can find it."""
    name = source.lower().removeprefix("the ").strip()
    return any(name in post.blocks[i].plain.lower() or any(name in item.plain.lower() for item in post.blocks[i].items)
               for i in post.reference_blocks)


@lru_cache(maxsize=1)
def _source_words() -> tuple[frozenset[str], re.Pattern[str]]:
    return frozenset(_data()["source_words"]), re.compile(_data()["acronym"])


def is_named_source(subject: str) -> bool:
    """An organisation, publication, institution or titled person: an institution word, or an acronym."""
    words, acronym = _source_words()
    tokens = {t.strip(".,;:()’'\"").lower() for t in subject.split()} | {t.lower() for t in subject.split()}
    return bool(tokens & words) or acronym.search(subject.strip()) is not None or _proper_name(subject)


def _proper_name(subject: str) -> bool:
    """Two capitalised words in a row, sentence openers aside: "Cancer Research UK", "Globe Magazine"."""
    parts = [w.strip(".,;:()’'\"") for w in subject.split()]
    while parts and parts[0].lower() in _data()["openers"]:
        parts = parts[1:]
    caps = [bool(w[:1].isupper()) and not w.isdigit() for w in parts]
    return any(a and b for a, b in zip(caps, caps[1:]))


REFERENCE_ENTRY_CHARS = 400  # a bibliographic entry is one short paragraph or item


@rule("CI001", "uncited-statistic", "citations", "warning")
def uncited_statistic(post: Post, opts: Options) -> Iterable[Hit]:
    """A statistic (a percentage, "N million", "1 in N", a rate) with no source in its sentence or paragraph.

    Why: patients act on numbers; a number with no source cannot be checked or dated, and search
    engines weigh sourcing heavily for health pages (HONcode attribution, JAMA benchmarks).
    Fix: link the study or agency the number comes from, in the same sentence or paragraph.
    Bad:
        About 8% of adults have chronic back pain.
    Good:
        About 8% of adults have chronic back pain, according to a [national survey](https://www.cdc.gov/nchs/products/databriefs/db415.htm).
    """
    found = units(post)
    for i, statistic in statistics(post).items():
        sentence, block = found[i]
        if named_attribution(sentence.text):
            continue  # unlinked-attribution reports an attributed sentence, statistic included
        previous = found[i - 1][0] if i else None
        if previous is not None and previous.block_index == sentence.block_index and named_attribution(previous.text):
            continue  # "According to the CDC, … . About 30% …": the source is named just before
        if not is_cited(post, block, sentence.text):
            yield Hit(sentence.line, f"statistic '{statistic.strip()}' has no source", excerpt=sentence.text,
                      suggestion="Link the source of this number in the same sentence or paragraph.")


@rule("CI002", "unlinked-attribution", "citations", "warning")
def unlinked_attribution(post: Post, opts: Options) -> Iterable[Hit]:
    """A claim attributed to a named source ("according to the CDC", "the Cleveland Clinic estimates") with no link or reference.

    Why: naming a source without a link looks authoritative but the reader cannot verify what it said or when.
    Fix: link the page or paper you are quoting, or add it to the references with a marker.
    Bad:
        The Mayo Clinic says that most back pain improves within a month.
    Good:
        The Mayo Clinic [says](https://www.mayoclinic.org/diseases-conditions/back-pain) that most back pain improves within a month.
    """
    stated = statistics(post)
    for i, sentence, block in _claim_sentences(post, _patterns()["according"], _patterns()["verb"]):
        source = named_attribution(sentence.text)
        if source and not is_cited(post, block, sentence.text) and not _in_references(post, source):
            also = " (it also states a statistic)" if i in stated else ""
            yield Hit(sentence.line, f"claim attributed to '{source}' has no link or reference{also}",
                      excerpt=sentence.text, suggestion=f"Link what {source} published.")


@rule("CI003", "vague-attribution", "citations", "warning")
def vague_attribution(post: Post, opts: Options) -> Iterable[Hit]:
    """An appeal to unnamed authority ("studies show", "experts say", "it is thought") with no source.

    Why: vague authority is a classic weasel pattern; for health claims the FTC expects real evidence behind "studies show".
    Fix: name and link the study or guideline, or say plainly what is and is not known.
    Bad:
        Studies show that ice works better than heat.
    Good:
        A 2023 [review](https://pubmed.ncbi.nlm.nih.gov/) found that ice and heat work about as well.
    """
    pattern = _patterns()["vague"]
    for _, sentence, block in _claim_sentences(post, pattern):
        match = pattern.search(sentence.text)
        if match and not is_cited(post, block, sentence.text):
            yield Hit(sentence.line, f"'{match.group(0)}' with no source", excerpt=sentence.text,
                      suggestion="Name and link the evidence, or describe what is known plainly.")


@rule(
    "CI004",
    "no-references",
    "citations",
    "warning",
    options=[Option("min-words", int, 300, "Posts shorter than this are not judged.")],
)
def no_references(post: Post, opts: Options) -> Iterable[Hit]:
    """A post that makes factual claims but has no references section and no outbound links at all.

    A bibliographic entry written out anywhere in the post (author, title, publisher or journal, year) counts as
    a reference.

    Why: HONcode, the JAMA benchmarks and Google's guidance for health pages all ask that sources be shown.
    Fix: link your sources where you use them, and list them under a "References" heading.
    Example options: min-words=5
    Bad:
        # Back pain

        About 8% of adults have chronic back pain. The CDC estimates that it costs billions.
    Good:
        # Back pain

        About 8% of adults have chronic back pain ([CDC](https://www.cdc.gov/)).
    """
    if post.word_count < opts.min_words:
        return
    if any(link.is_external for link in post.links) or post.reference_blocks or post.footnotes:
        return
    entry = re.compile(_data()["reference_entry"])
    if any(len(unit.plain) <= REFERENCE_ENTRY_CHARS and entry.match(unit.plain)
           for block in post.blocks for unit in (block, *block.items)):
        return  # a bibliographic entry ("Hartwig, Melissa. The Whole30. Houghton Mifflin, 2015.") is a reference
    patterns = _patterns()
    stated = statistics(post)
    likely = {i: s for i, s, _ in _claim_sentences(post, patterns["vague"], patterns["according"], patterns["verb"])}
    claims = [units(post)[i][0] for i in sorted(set(stated) | set(likely))
              if i in stated or patterns["vague"].search(likely[i].text) or named_attribution(likely[i].text)]
    if claims:
        yield Hit(claims[0].line, f"{len(claims)} factual claims, but no references and no outbound links",
                  value=len(claims), key="no-references",
                  suggestion="Link sources where you use them and add a References section.")


RULES = (uncited_statistic, unlinked_attribution, vague_attribution, no_references)
