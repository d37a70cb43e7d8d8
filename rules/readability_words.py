"""Readability rules about words: medical jargon without an explanation, and wordy words with an everyday
alternative.  The word lists are data (``data/jargon.toml``): ``[en]``/``[es]`` medical terms, ``[en_wordy]``
formal words."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

from clinic_audit.model import PARAGRAPH, Post
from clinic_audit.rule import Hit, Option, Options, rule, rule_data
from clinic_audit.textscan import TextIndex
from clinic_audit.textstats import NewlineIndex


@lru_cache(maxsize=1)
def _jargon_lists() -> dict[str, dict[str, str]]:
    return rule_data("jargon")


@lru_cache(maxsize=16)
def _jargon_terms(language: str, extra: tuple[tuple[str, str], ...], allow: tuple[str, ...]) -> dict[str, str]:
    """The terms to flag for a language: the built-in list plus ``extra``, less the ``allow``ed forms."""
    lists = _jargon_lists()
    terms = {**lists.get(language, lists.get("en", {})), **dict(extra)}
    allowed = {a.lower() for a in allow}
    return {t: p for t, p in terms.items() if not any(f.lower() in allowed for f in t.split("|"))}


@lru_cache(maxsize=16)
def _jargon_forms(terms: tuple[str, ...]) -> dict[str, str]:
    """Each written form of ``terms`` ("neuropathy|neuropathies"), lower-cased, mapped to its term."""
    return {form.lower(): term for term in terms for form in term.split("|") if form}


_NAMED_BEFORE = re.compile(r"\b(also called|known as|called)\s*$", re.IGNORECASE)
_EXPLAINED_AFTER = re.compile(
    r"^\s*(\(|—|–|-\s|:\s"
    r"|,\s*(or|also called|also known as|which means|which is|meaning|that is|i\.e\.|in other words|a kind of|a type of)\b"
    r"|(is|are|means|refers to|describes)\s+(a|an|the|when|where|pain|swelling|inflammation|damage|how|what)\b)",
    re.IGNORECASE)


def _explained(text: str, start: int, end: int, plain: str) -> bool:
    """Explained at first use: a gloss right after it, inside a parenthesis, or the plain words nearby or
    earlier in its paragraph."""
    if _EXPLAINED_AFTER.match(text[end:end + 25]):
        return True
    before = text[max(0, start - 40):start]  # "also called" and "(" stand just before the term
    if before.rstrip().endswith("(") or _NAMED_BEFORE.search(before):
        return True
    # the plain words nearby, or earlier in the same paragraph ("lower back pain… lumbar support"): the reader
    # has them already
    window = text[: end + 80].lower()
    first_plain = plain.split(" or ")[0].split(",")[0].lower()
    return first_plain in window


@rule(
    "RD008",
    "medical-jargon",
    "readability",
    "warning",
    options=[
        Option("extra-terms", dict, {}, "More terms: {\"term|inflected form\" = \"plain words\"}."),
        Option("allow", list, [], "Terms your readers know; never flagged."),
    ],
)
def medical_jargon(post: Post, opts: Options) -> Iterable[Hit]:
    """A medical or bureaucratic term used without a plain-language explanation at first use.

    The term is flagged once, where it first appears, unless it is explained there: followed by a
    gloss in brackets or after a dash ("neuropathy (nerve damage)"), or the plain words stand next to it.
    Why: patients read "hypertension" as tension and "chronic" as severe; CDC's Clear Communication
    Index asks that unfamiliar terms be explained at first use.
    Fix: use the plain words, or explain the term the first time it appears.
    Bad:
        Untreated hypertension raises the risk of stroke.
    Good:
        Untreated high blood pressure raises the risk of stroke.
    """
    extra = tuple((str(term), str(plain)) for term, plain in opts.extra_terms.items())
    terms = _jargon_terms(post.language, extra, tuple(str(a) for a in opts.allow))
    if not terms:
        return
    seen: set[str] = set()
    for block, start, end, term, line in _term_matches(post, tuple(terms)):
        word = block.text[start:end]
        if term in seen:
            continue
        seen.add(term)
        plain = terms[term]
        if _explained(block.text, start, end, plain):
            continue
        yield Hit(line, f"'{word}' may be unfamiliar to patients; say '{plain}' or explain it at first use",
                  excerpt=word, value=word, suggestion=f"Use '{plain}', or explain '{word}' the first time it appears.",
                  key=term)


def _text_blocks(post: Post) -> Iterable[object]:
    """Paragraphs and list items outside the reference list, in order."""
    refs = post.reference_blocks
    for i, block in enumerate(post.blocks):
        if i in refs:
            continue
        if block.kind == PARAGRAPH:
            yield block
        for item in block.items:
            yield item


@rule("RD013", "plain-word", "readability", "info", languages=("en",))
def plain_word(post: Post, opts: Options) -> Iterable[Hit]:
    """A formal or wordy word with an everyday alternative ("prior to" → "before", "utilize" → "use").

    Why: plain-language guides for health (plainlanguage.gov, CDC Everyday Words) ask for the everyday word;
    each formal word makes a sentence a little harder for a patient reading in a hurry.
    Fix: use the everyday word.
    Bad:
        # Before your visit

        Please arrive prior to your appointment time.
    Good:
        # Before your visit

        Please arrive before your appointment time.
    """
    terms = _jargon_lists().get(f"{post.language}_wordy", {})
    if not terms:
        return
    for block, start, end, term, line in _term_matches(post, tuple(terms)):
        word = block.text[start:end]
        yield Hit(line, f"'{word}': say '{terms[term]}'", excerpt=word, value=word,
                  suggestion=f"Use '{terms[term]}'.", key=f"{term}@{line}")



def _term_matches(post: Post, terms: tuple[str, ...]) -> Iterable[tuple[Any, int, int, str, int]]:
    """(block, start, end, term, line) for every form of a listed term in the post's paragraphs and list items.

    One index over every block finds them all at once; each block's line breaks are indexed once, so a long
    block with many matches stays linear."""
    form_to_term = _jargon_forms(terms)
    blocks = list(_text_blocks(post))
    breaks: dict[int, NewlineIndex] = {}
    for i, start, end in TextIndex([block.text for block in blocks]).phrases(form_to_term):
        block = blocks[i]
        term = form_to_term.get(block.text[start:end].lower(), "")
        if term:
            if i not in breaks:
                breaks[i] = NewlineIndex(block.text)
            yield block, start, end, term, block.line + breaks[i].before(start)


RULES = (medical_jargon, plain_word)
