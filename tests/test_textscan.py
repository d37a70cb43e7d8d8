"""TextIndex: one search over many texts must never miss a text that the pattern matches on its own."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from clinic_audit.rules import citations, readability_words, sections
from clinic_audit.rules import trust_content as trust
from clinic_audit.rules import trust_signals as _signals
from clinic_audit.textscan import TextIndex, requirement

FIXTURES = Path(__file__).parent / "fixtures"


def rule_patterns() -> list[re.Pattern[str]]:
    """Every word-list pattern the rules search prose with."""
    data = trust.data()
    lists = [data["treatments"]["words"], data["treatments"]["risks"], data["crisis"]["triggers"],
             data["disclosure"]["phrases"], data["disclaimer"]["phrases"], [c["pattern"] for c in data["claims"]]]
    return [
        *(p for p in citations._patterns().values() if isinstance(p, re.Pattern)),
        *citations._patterns()["statistics"],
        *(trust.any_of(items) for items in lists),
        *trust._story_patterns(),
        *(pattern for pattern, _ in sections._placeholder_patterns()),
        *_signals._patterns().values(),
        *(trust.rx(phrase) for key in ("booking", "disclosure", "disclaimer") for phrase in data[key]["phrases"]),
    ]


def fixture_texts() -> list[str]:
    """Lines of every fixture post, plus texts built to sit on the edges of a search."""
    lines = [line.strip() for path in sorted(FIXTURES.rglob("*")) if path.suffix in {".html", ".md", ".txt"}
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    edges = ["", "cure", "Cure!", "no cure", "TODO", "88% of patients", "1 in 5 adults", "According to the CDC,",
             "Studies show", "Maria, 54, came to us with pain.", "hypertension", "HYPERTENSION (high blood pressure)",
             "Published March 3, 2024", "İstanbul hypertension", "x\ny cure", "???", "[insert name]"]
    return lines + edges


def exact(pattern: re.Pattern[str], texts: list[str]) -> list[int]:
    return [i for i, text in enumerate(texts) if pattern.search(text)]


@pytest.mark.parametrize("pattern", rule_patterns(), ids=lambda p: p.pattern[:40])
def test_candidates_include_every_text_a_rule_pattern_matches(pattern: re.Pattern[str]) -> None:
    texts = fixture_texts()
    found = set(TextIndex(texts).candidates(pattern))
    assert set(exact(pattern, texts)) <= found


def test_word_list_patterns_are_narrowed_to_the_texts_holding_their_words() -> None:
    texts = ["Rest helps.", "Ice is not a cure.", "Heat helps too.", "A miracle? No."]
    pattern = re.compile(r"\bcur(?:e|es|ed)\b|miracle", re.IGNORECASE)
    assert TextIndex(texts).candidates(pattern) == [1, 3]
    assert requirement(pattern) == (({"cure"},), ({"miracle"},))


DIGITS = frozenset([*"0123456789", "\\d"])  # "\d" marks that other scripts' digits count too


@pytest.mark.parametrize(
    ("source", "needs"),
    [
        (r"\d+(?:[.,]\d+)?\s?(?:%|percent)", ((DIGITS, {"%", "percent"}),)),
        (r"\d+\s(?:million|billion)\b", ((DIGITS, {"million", "billion"}),)),
        (r"\b[Aa]ccording to\s+X", (({"ccording to"},),)),  # [Aa] is a letter class, too common alone
        (r"(?<![\w-])(Hypertension|myocardial infarction)(?![\w-])", (({"hypertension"},), ({"myocardial infarction"},))),
        (r"not (?:a substitute for|meant as) (?:medical )?(?:advice|care)",
         (({"not "}, {"a substitute for", "meant as"}, {"advice", "care"}),)),
        (r"\bXX+\b", (({"xx"},),)),
        (r"[A-Z]\w+", None),  # a large class: nothing to look for
        (r"a|b", None),  # single letters are everywhere
        (r"(?:x)?y", None),
    ],
)
def test_requirement_is_read_from_the_pattern(source: str, needs: object) -> None:
    assert requirement(re.compile(source, re.IGNORECASE)) == needs


def test_every_required_word_must_be_present() -> None:
    texts = ["This is not medical advice.", "Ask for advice.", "Not a substitute for care, not advice."]
    pattern = re.compile(r"not (?:a substitute for|medical) (?:advice|care)", re.IGNORECASE)
    assert TextIndex(texts).candidates(pattern) == [0, 2]


@pytest.mark.parametrize(
    "source",
    [r"^cure", r"cure$", r"(?!\s)cure", r"cure(?!\s)", r"(?<!\s)cure", r"\Acure", r"cure\Z", r"\w+\s\w+",
     r"\bcur(?:e|ed)\b", r"\d+\s?%", r"[A-Z][a-z]+, \d+", r"e.*e", r"\s+cure", r"(?<=\s)cure", r"[^a-z]+"],
)
def test_anchors_lookarounds_and_runs_across_the_joiner_never_hide_a_match(source: str) -> None:
    rng = random.Random(source)
    words = ["cure", "Cure", "e", "54", "%", " ", "  ", "Maria,", "ice", "\t", "x", "CURE."]
    for _ in range(200):
        texts = ["".join(rng.choice(words) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 8))]
        for flags in (0, re.IGNORECASE):
            pattern = re.compile(source, flags)
            assert set(exact(pattern, texts)) <= set(TextIndex(texts).candidates(pattern)), texts


def same_match(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a.span() == b.span()
                                         and a.groups() == b.groups())


@pytest.mark.parametrize("pattern", rule_patterns(), ids=lambda p: p.pattern[:40])
def test_windowed_search_finds_the_same_first_match_as_a_whole_search(pattern: re.Pattern[str]) -> None:
    texts = fixture_texts()
    joined = [" ".join(texts[i:i + 40]) for i in range(0, len(texts), 40)]  # long texts, as mentions() searches
    index = TextIndex(joined)
    for i, text in enumerate(joined):
        assert same_match(index.search(pattern, i), pattern.search(text)), (pattern.pattern, i)


@pytest.mark.parametrize(
    "source",
    [r"\bcure\b", r"cure(?!s)", r"(?<!no )cure", r"\bbook\s(?:an?|your)?\s?(?:visit|exam)", r"cure[^.]{0,20}ice",
     r"\d+\s?%", r"e.*e", r"cure$", r"ice(?=\s\w+)", r"(?:cure|ice)\b(?!,)"],
)
def test_windowed_search_agrees_on_random_texts(source: str) -> None:
    rng = random.Random(source)
    words = ["cure", "Cure", "cures", "no ", "ice", " ", "book ", "an ", "visit", "exam", "54", "%", ".", ",", "x"]
    for _ in range(300):
        texts = ["".join(rng.choice(words) for _ in range(rng.randint(0, 30))) for _ in range(rng.randint(1, 4))]
        for flags in (0, re.IGNORECASE):
            pattern, index = re.compile(source, flags), TextIndex(texts)
            for i, text in enumerate(texts):
                assert same_match(index.search(pattern, i), pattern.search(text)), (source, text)


@pytest.mark.parametrize("source", [r"\bcall\s+us\b", r"not\s+(?:a|the)\s*cure", r"book\s*(?:an?\s+)?visit(?!\s+us)"])
def test_windowed_search_bounds_whitespace_runs_only_in_single_spaced_text(source: str) -> None:
    rng = random.Random(source)
    words = ["call", "us", "not", "a", "the", "cure", "book", "an", "visit", "x", "Call"]
    for _ in range(300):
        spaced = " ".join(rng.choice(words) for _ in range(rng.randint(0, 40)))
        for text in (spaced, spaced.replace(" ", "   ", 3)):  # one space, then wider runs (searched whole)
            pattern = re.compile(source, re.IGNORECASE)
            assert same_match(TextIndex([text]).search(pattern, 0), pattern.search(text)), text


def test_empty_index_has_no_candidates() -> None:
    assert TextIndex([]).candidates(re.compile("cure")) == []
    assert TextIndex([]).candidates(re.compile(r"\w+")) == []


def as_alternation(phrases: list[str]) -> re.Pattern[str]:
    """What TextIndex.phrases promises to equal: a longest-first alternation between word edges."""
    joined = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{joined})(?![\w-])", re.IGNORECASE)


def test_phrases_find_what_a_longest_first_alternation_finds() -> None:
    forms = list(readability_words._jargon_forms(tuple(readability_words._jargon_lists()["en"])))
    texts = fixture_texts() + ["Myocardial infarction and hypertension; non-hypertension, hypertension-like.",
                               "chronic chronic CHRONIC pain", "Anti-inflammatory drugs (NSAIDs)"]
    pattern = as_alternation(forms)
    expected = [(i, m.start(), m.end()) for i, text in enumerate(texts) for m in pattern.finditer(text)]
    assert TextIndex(texts).phrases(forms) == expected
    assert len(expected) > 10  # the fixtures do use jargon


def test_phrases_prefer_the_earlier_then_the_longer_overlap() -> None:
    texts = ["heart attack risk", "a heart", "heart-attack"]
    found = TextIndex(texts).phrases(["heart", "heart attack", "attack risk"])
    assert found == [(0, 0, 12), (1, 2, 7)]


def test_phrases_fall_back_to_the_regex_when_lower_casing_changes_lengths() -> None:
    texts = ["İstanbul clinic: hypertension", "Hypertension"]
    assert TextIndex(texts).phrases(["hypertension"]) == [(0, 17, 29), (1, 0, 12)]


def test_digits_of_other_scripts_are_digits_too() -> None:
    texts = ["٣٠% of adults", "María, ٥٤, came to us", "no numbers here"]
    assert TextIndex(texts).candidates(re.compile(r"\d+%")) == [0]  # "٣٠" are digits to \d
    assert TextIndex(["30% of adults", "no numbers"]).candidates(re.compile(r"\d+%")) == [0]
    story = re.compile(r"\b([A-ZÁÉÍÓÚÑ][a-záéíóúñ]+), \d{1,3},")
    assert 1 in TextIndex(texts).candidates(story)
