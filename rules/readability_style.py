"""Readability style rules editors know from Yoast: passive voice, transition words and sentences in a row
that start with the same word (the readability family spans this module, ``readability`` and
``readability_words``).

Like the rest of the family they read prose sentences only (``post.sentences``: paragraphs outside the
reference list), and of those only lines that are sentences (``is_fragment``: a bare URL, a label such as
"Massage:" or a list item that lost its bullet is not).  Each sentence is split into lower-case words once per post (``post.view``) and every rule
is one pass over those words; the word lists are data, ``rules/data/style.toml``, per language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Sequence

from clinic_audit.model import Post, Sentence
from clinic_audit.rule import Hit, Option, Options, rule, rule_data

STYLE_LANGUAGES = ("en", "es")
# Words (letters, inner apostrophes and hyphens), numbers, and the punctuation that ends a clause.
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,]\d+)*%?|[,;:()\[\]—–]")
_PUNCT = frozenset(",;:()[]—–")
_SPANISH_ACCENTS = frozenset("áéíóú")


@lru_cache(maxsize=1)
def style_data() -> dict[str, Any]:
    """The style word lists (rules/data/style.toml)."""
    return rule_data("style")


@lru_cache(maxsize=4)
def _lists(language: str) -> dict[str, Any]:
    """The lists of one language as sets (phrases as a first-word index), built once per process."""
    data = style_data()[language]
    passive = {key: frozenset(values) for key, values in data["passive"].items()}
    phrases: dict[str, list[tuple[str, ...]]] = {}
    for phrase in data["transitions"]["phrases"]:
        words = tuple(phrase.split())
        phrases.setdefault(words[0], []).append(words)
    transitions = data["transitions"]
    return {"passive": passive, "transition_words": frozenset(transitions["words"]), "transition_phrases": phrases,
            "opening": frozenset(transitions["opening"]), "opening_with_comma": frozenset(transitions["opening_with_comma"]),
            "exceptions": frozenset(data["beginnings"]["exceptions"])}


def sentence_tokens(post: Post) -> tuple[tuple[str, ...], ...]:
    """Lower-case tokens of every prose sentence, aligned with ``post.sentences`` (a shared view)."""
    return tuple(_tokens(s.text) for s in post.sentences)


def _tokens(text: str) -> tuple[str, ...]:
    straight = text.replace("’", "'")
    if straight.isascii():  # lower-casing ASCII keeps every character a letter or not: tokens are the same
        return tuple(_TOKEN.findall(straight.lower()))
    return tuple(t.lower() for t in _TOKEN.findall(straight))  # "İ" lower-cases to two characters


_CLOSERS = "\"'”’)]»"
_FRAGMENT_WORDS = 10  # an unpunctuated line this short is a label or a list item that lost its bullet


def is_fragment(text: str, tokens: Sequence[str] | None = None) -> bool:
    """A line that is not a sentence: a bare URL, a label ("Massage:", "Mental Health"), a bullet-less item.

    Prose paragraphs in CMS copies hold such lines; they are not sentences a reader reads as prose, so the
    style rules neither count them nor let them join a run.  ``tokens`` are the text's tokens when known.
    """
    text = text.strip().rstrip(_CLOSERS)
    if text.lower().startswith(("http://", "https://", "www.")):
        return True
    if text.endswith((".", "!", "?", "…")):
        return False
    words = sum(1 for t in (_TOKEN.findall(text) if tokens is None else tokens) if t not in _PUNCT)
    return words <= (3 if text.endswith(":") else _FRAGMENT_WORDS)


def real_sentences(post: Post) -> tuple[tuple[Sentence, tuple[str, ...]], ...]:
    """(sentence, tokens) of the prose sentences that are not fragments (a shared view)."""
    return tuple((s, t) for s, t, fragment in zip(post.sentences, post.view(sentence_tokens), post.view(fragments))
                 if not fragment)


def fragments(post: Post) -> tuple[bool, ...]:
    """Whether each prose sentence is a fragment (``is_fragment``), aligned with ``post.sentences`` (a shared view)."""
    return tuple(is_fragment(s.text, t) for s, t in zip(post.sentences, post.view(sentence_tokens)))


# --- passive voice ---------------------------------------------------------------------------------------

def _english_participle(word: str, lists: dict[str, frozenset[str]]) -> bool:
    if word in lists["adjectival"]:
        return False
    if word in lists["irregular"]:
        return True
    return len(word) > 3 and word.endswith("ed") and word not in lists["not_participles"] \
        and not word.endswith("eed") and word.isalpha()


def _spanish_base(word: str) -> str:
    """A Spanish -ado/-ido/-to/-cho form put back in the masculine singular ("tratadas" → "tratado")."""
    for ending, base in (("as", "o"), ("os", "o"), ("a", "o")):
        if word.endswith(ending):
            return word[: -len(ending)] + base
    return word


def _spanish_participle(word: str, lists: dict[str, frozenset[str]]) -> bool:
    base = _spanish_base(word)
    if base in lists["not_participles"] or base in lists.get("adjectival", ()):
        return False
    if base in lists["irregular"]:
        return True
    if not base.endswith(("ado", "ido")) or len(base) < 5:
        return False
    # A written accent marks an adjective or noun ("rápido", "válido"), except the -ído of "leído", "incluído".
    return not (set(base) & _SPANISH_ACCENTS) or base.endswith("ído")


def passive_phrase(tokens: Sequence[str], language: str) -> str:
    """The first "be + participle" (or "ser + participio") of a sentence, or "" when it has none."""
    lists = _lists(language)["passive"]
    if lists["auxiliaries"].isdisjoint(tokens):
        return ""
    english = language == "en"
    for i, word in enumerate(tokens):
        if word not in lists["auxiliaries"]:
            continue
        if english and i and tokens[i - 1] == "there":  # "there are trained staff": existential, not passive
            continue
        j, skipped = i + 1, 0
        while j < len(tokens) and skipped < 3 and (tokens[j] in lists["between"] or tokens[j] in lists["auxiliaries"]
                                                   or (english and tokens[j].endswith("ly")) or
                                                   (not english and tokens[j].endswith("mente"))):
            j, skipped = j + 1, skipped + 1
        if j >= len(tokens):
            continue
        candidate = tokens[j]
        if english:
            if not _english_participle(candidate, lists):
                continue
            after = tokens[j + 1] if j + 1 < len(tokens) else ""
            if after and after not in _PUNCT and after not in lists["passive_next"] and not after.endswith("ly") \
                    and candidate not in lists["complement"]:
                continue  # "are trained staff": the participle describes the noun after it
        elif not _spanish_participle(candidate, lists):
            continue
        return " ".join(tokens[i:j + 1])
    return ""


@rule(
    "RD014",
    "passive-voice",
    "readability",
    "info",
    options=[
        Option("max-share", float, 0.10, "Highest acceptable share of passive sentences (Yoast: ≤ 10% good, "
               "10–15% ok, over 15% bad)."),
        Option("min-sentences", int, 5, "Fewer prose sentences than this: not judged."),
    ],
    languages=STYLE_LANGUAGES,
)
def passive_voice(post: Post, opts: Options) -> Iterable[Hit]:
    """Too many sentences are in the passive voice (over 10% of sentences; each passive sentence is shown).

    Counts sentences with a form of "be" (Spanish: "ser") followed by a past participle: "is caused by",
    "can be treated", "fue diagnosticado".  Yoast's passive-voice assessment and its thresholds: ≤ 10% good,
    10–15% ok, over 15% bad.  Participles that are adjectives after "be" ("tired", "swollen", "trained
    staff") are not counted, nor is Spanish "se" + verb (pasiva refleja), which cannot be told apart from
    reflexive "se" precisely enough.
    Why: active sentences say who does what ("your doctor will check", not "you will be checked"); plain-language
    guides for patients ask for at least 90% active voice.
    Fix: name who acts and make them the subject ("The nurse takes your blood pressure").
    Example options: min-sentences=1
    Bad:
        Your blood pressure is checked by a nurse. The results are sent to your doctor.
    Good:
        A nurse checks your blood pressure. She sends the results to your doctor.
    """
    sentences = post.view(real_sentences)
    if len(sentences) < opts.min_sentences:
        return
    found = [(s, p) for s, t in sentences if (p := passive_phrase(t, post.language))]
    share = len(found) / len(sentences)
    if share <= opts.max_share:
        return
    for sentence, phrase in found:
        yield Hit(sentence.line, f"passive voice '{phrase}': {len(found)} of {len(sentences)} sentences are "
                  f"passive ({share:.1%}; target ≤ {opts.max_share:.0%}, Yoast: over 15% is bad)",
                  excerpt=sentence.text, value=round(share, 3), limit=opts.max_share, key=sentence.text,
                  suggestion="Say who does what: make the one who acts the subject.")


# --- transition words ------------------------------------------------------------------------------------

def has_transition(tokens: Sequence[str], language: str) -> bool:
    """Whether a sentence holds a transition word or phrase of its language."""
    lists = _lists(language)
    words, phrases = lists["transition_words"], lists["transition_phrases"]
    if tokens and (tokens[0] in lists["opening"] or
                   (tokens[0] in lists["opening_with_comma"] and len(tokens) > 1 and tokens[1] == ",")):
        return True
    if not words.isdisjoint(tokens):
        return True
    if phrases.keys().isdisjoint(tokens):
        return False
    for i, word in enumerate(tokens):
        for phrase in phrases.get(word, ()):
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                return True
    return False


@rule(
    "RD015",
    "transition-words",
    "readability",
    "info",
    options=[
        Option("min-share", float, 0.30, "Lowest acceptable share of sentences with a transition word (Yoast: "
               "30% or more good, 20–30% ok, under 20% bad)."),
        Option("min-sentences", int, 5, "Fewer prose sentences than this: not judged."),
    ],
    languages=STYLE_LANGUAGES,
)
def transition_words(post: Post, opts: Options) -> Iterable[Hit]:
    """Too few sentences hold a transition word ("because", "for example", "however"; under 30% of sentences).

    Yoast's transition-words assessment and its thresholds (30% or more good, 20–30% ok, under 20% bad);
    multi-word transitions ("as a result", "sin embargo") count as one, and "And", "Or" or "First," count
    where they open a sentence.
    Why: transition words tell readers how one sentence leads to the next (a cause, an example, a contrast),
    so a list of facts reads as an explanation.
    Fix: link sentences where the logic is real: "because", "so", "for example", "however", "then".
    Example options: min-sentences=1
    Bad:
        Ice helps. Rest helps. Pain eases in a week.
    Good:
        Ice helps because it calms swelling. Rest helps too, so pain often eases in a week.
    """
    sentences = post.view(real_sentences)
    if len(sentences) < opts.min_sentences:
        return
    linked = sum(1 for _, t in sentences if has_transition(t, post.language))
    share = linked / len(sentences)
    if share < opts.min_share:
        yield Hit(sentences[0][0].line, f"{linked} of {len(sentences)} sentences ({share:.1%}) hold a transition "
                  f"word (target ≥ {opts.min_share:.0%}, Yoast: under 20% is bad)", value=round(share, 3),
                  limit=opts.min_share, key="transition-words",
                  suggestion="Link sentences with words such as because, so, for example, however.")


# --- sentence beginnings ---------------------------------------------------------------------------------

def beginning(tokens: Sequence[str], language: str) -> str:
    """The word a sentence starts with; two words when the first is an article, a number or a demonstrative."""
    words = [t for t in tokens if t not in _PUNCT]
    if not words:
        return ""
    if words[0] in _lists(language)["exceptions"] and len(words) > 1:
        return " ".join(words[:2])
    return words[0]


def _runs(post: Post) -> Iterable[tuple[list[Sentence], str]]:
    """Runs of consecutive prose sentences with the same beginning; a heading, list or quote between breaks a run."""
    run: list[Sentence] = []
    word = ""
    for sentence, toks, fragment in zip(post.sentences, post.view(sentence_tokens), post.view(fragments)):
        start = "" if fragment else beginning(toks, post.language)
        adjacent = run and sentence.block_index - run[-1].block_index <= 1
        if start and start == word and adjacent:
            run.append(sentence)
            continue
        if run:
            yield run, word
        run, word = ([sentence], start) if start else ([], "")
    if run:
        yield run, word


@rule(
    "RD016",
    "repeated-sentence-start",
    "readability",
    "info",
    options=[Option("max-in-a-row", int, 2, "Most sentences in a row that may start with the same word (Yoast: 2).")],
    languages=STYLE_LANGUAGES,
)
def repeated_sentence_start(post: Post, opts: Options) -> Iterable[Hit]:
    """Three or more sentences in a row start with the same word.

    Yoast's sentence-beginnings assessment (3 or more in a row is red).  After an article, a number or a
    demonstrative ("The", "This", "Los") the first two words are compared.  A heading, list or quote between
    two paragraphs breaks the run, and so does a line that is not a sentence (a bare URL, a label such as
    "Massage:", a list item that lost its bullet).
    Why: a run of sentences that open alike reads like a list that lost its bullets and tires the reader.
    Fix: vary the openings, or turn the run into a bulleted list.
    Bad:
        Ketamine can ease pain. Ketamine can lift mood. Ketamine can cause nausea.
    Good:
        Ketamine can ease pain. It may also lift mood. Some people feel sick after it.
    """
    for run, word in _runs(post):
        if len(run) > opts.max_in_a_row:
            yield Hit(run[0].line, f"{len(run)} sentences in a row start with '{word}' (Yoast: at most "
                      f"{opts.max_in_a_row})", excerpt=run[0].text, value=len(run), limit=opts.max_in_a_row,
                      key=f"{word} {run[0].text}", suggestion="Vary how the sentences start, or make them a list.")


RULES = (passive_voice, transition_words, repeated_sentence_start)
