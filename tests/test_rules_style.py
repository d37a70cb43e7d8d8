"""The Yoast-style rules: measured shares on small posts written for the test, asserted exactly, and the
matching behaviours (passive forms, transitions, sentence beginnings, keyphrase words, synonyms) one by one."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from clinic_audit.rules.readability_style import _TOKEN, beginning, has_transition, is_fragment, passive_phrase
from clinic_audit.rules.seo_keyphrase import contains, description_count, reflects_topic
from clinic_audit.rules.seo_words import content_words, stem
from conftest import make_post
from fixture_harness import find

# --- comparison posts: every sentence's verdict is known, so the shares are exact ----------------------

# 12 sentences: 3 passive (lines 3, 6, 10), 4 with a transition word (lines 4, 7, 9, 12).
PASSIVE_POST = """# A visit for back pain

Your back is examined by a physiotherapist.
First of all, she asks where it hurts.
She presses gently on each side of the spine.
An X-ray is rarely needed.
Most back pain eases because the muscles settle.
She shows you three stretches.
However, some people need more help.
They are referred to a specialist.
You can walk the same day.
Keep moving, even if it aches.
Heat on the back feels good.
Rest in a comfortable position.
"""

SPANISH_POST = """---
lang: es
---
# Una visita por dolor de espalda

Su espalda es examinada por una fisioterapeuta.
Primero le pregunta dónde le duele.
Presiona con suavidad a cada lado de la columna.
Sin embargo, la radiografía casi nunca hace falta.
La mayoría de los dolores mejora porque los músculos se relajan.
Algunos pacientes son derivados al especialista.
Puede caminar el mismo día.
Siga moviéndose aunque le duela.
"""


def _hits(post, code, options=None):
    return find(post, [code], {code: options or {"min-sentences": 1}})


def test_passive_share_of_the_comparison_post_is_exact() -> None:
    found = _hits(make_post(PASSIVE_POST), "RD014")
    assert [f.line for f in found] == [3, 6, 10]
    assert {f.value for f in found} == {0.25}  # 3 of 12
    assert "3 of 12 sentences are passive (25.0%" in found[0].message


def test_transition_share_of_the_comparison_post_is_exact() -> None:
    found = _hits(make_post(PASSIVE_POST), "RD015", {"min-sentences": 1, "min-share": 0.5})
    assert len(found) == 1 and found[0].value == round(4 / 12, 3) == 0.333 and found[0].line == 3
    assert "4 of 12 sentences (33.3%)" in found[0].message
    assert _hits(make_post(PASSIVE_POST), "RD015") == []  # 33% passes Yoast's 30%


def test_spanish_shares_of_the_comparison_post_are_exact() -> None:
    post = make_post(SPANISH_POST)
    passive = _hits(post, "RD014")
    assert [f.line for f in passive] == [6, 11] and passive[0].value == 0.25  # 2 of 8
    transitions = _hits(post, "RD015", {"min-sentences": 1, "min-share": 0.5})
    assert transitions[0].value == 0.5 - 0.125  # "primero" is an ordinal here, not in the list: 3 of 8


def test_yoast_bands_are_the_defaults() -> None:
    post = make_post(PASSIVE_POST)
    assert find(post, ["RD014"])  # 25% > 10%
    assert find(post, ["RD015"]) == []  # 33% ≥ 30%


@pytest.mark.parametrize("sentence, phrase", [
    ("Your blood pressure is checked by a nurse.", "is checked"),
    ("The pain is often caused by a pinched nerve.", "is often caused"),
    ("It has been shown to help.", "been shown"),
    ("You will be given a leaflet.", "be given"),
    ("It is called sciatica.", "is called"),
    ("We're told to rest.", "we're told"),
    ("The drug is used to treat pain.", "is used"),
    ("There are trained staff on hand.", ""),  # existential "there are": an adjective before its noun
    ("They are trained professionals.", ""),  # the participle describes the noun after it
    ("I am tired today.", ""),  # adjectival participle
    ("The knee is swollen and stiff.", ""),
    ("This is indeed true.", ""),  # -ed word that is not a participle
    ("You have finished the course.", ""),  # perfect, active
])
def test_english_passive_forms(sentence: str, phrase: str) -> None:
    assert passive_phrase([t.lower() for t in _TOKEN.findall(sentence)], "en") == phrase


@pytest.mark.parametrize("sentence, phrase", [
    ("El paciente fue diagnosticado en 2019.", "fue diagnosticado"),
    ("Ha sido tratada con éxito.", "sido tratada"),
    ("Los datos fueron recogidos por el equipo.", "fueron recogidos"),
    ("La receta es hecha por el médico.", "es hecha"),
    ("La cirugía es adecuada para usted.", ""),  # adjective ending in -ada
    ("Fue a la clínica.", ""),  # "fue" of "ir"
    ("Es rápido y válido.", ""),  # an accent marks an adjective, not a participle
    ("Se recomienda beber agua.", ""),  # pasiva refleja is not counted
])
def test_spanish_passive_forms(sentence: str, phrase: str) -> None:
    assert passive_phrase([t.lower() for t in _TOKEN.findall(sentence)], "es") == phrase


def test_transitions_match_whole_words_and_phrases() -> None:
    def tokens(s: str) -> list[str]:
        return [t.lower() for t in _TOKEN.findall(s)]
    assert has_transition(tokens("As a result, pain eases."), "en")
    assert not has_transition(tokens("The result was good."), "en")
    assert has_transition(tokens("Sin embargo, duele."), "es")
    assert not has_transition(tokens("Sin dolor."), "es")


def test_sentence_beginnings_compare_two_words_after_an_article() -> None:
    assert beginning(["the", "nurse", "checks"], "en") == "the nurse"
    assert beginning(["you", "may"], "en") == "you"
    assert beginning(["la", "enfermera"], "es") == "la enfermera"
    post = make_post("The knee hurts. The hip hurts. The back hurts.\n")
    assert find(post, ["RD016"]) == []
    post = make_post("The knee hurts. The knee swells. The knee locks.\n")
    assert [f.value for f in find(post, ["RD016"])] == [3]


def test_a_heading_list_or_label_breaks_a_run_of_beginnings() -> None:
    assert find(make_post("You rest.\n\n## Then\n\nYou walk. You stretch.\n"), ["RD016"]) == []
    assert find(make_post("You rest.\n\n- a list\n\nYou walk. You stretch.\n"), ["RD016"]) == []
    assert find(make_post("You rest. You sit.\n\nYou and your knee\n\nYou walk.\n"), ["RD016"]) == []
    assert is_fragment("https://example.org/page") and is_fragment("Massage:") and is_fragment("Mental Health")
    assert not is_fragment("Rest.") and not is_fragment("Symptoms of colic can include:")


def test_style_rules_stay_linear_in_the_post_size() -> None:
    sentence = "The knee is examined by a nurse, and then she explains the plan because it helps. "
    small, big = make_post(sentence * 200), make_post(sentence * 1600)
    def cost(post) -> float:
        start = time.perf_counter()
        find(post, ["RD014", "RD015", "RD016"])
        return time.perf_counter() - start
    cost(small)
    assert cost(big) < 20 * cost(small) + 0.5


# --- keyphrase matching ----------------------------------------------------------------------------------

def test_quotes_around_words_do_not_hide_the_keyphrase() -> None:
    assert contains("What is ‘knee pain’?", "knee pain")
    assert contains("Search for 'knee pain' online.", "knee pain")
    assert content_words("patients' knees") == ["patient", "knee"]


@pytest.mark.parametrize("singular, plural, language", [
    ("therapy", "therapies", "en"), ("headache", "headaches", "en"), ("virus", "viruses", "en"),
    ("cause", "causes", "en"), ("stretch", "stretches", "en"), ("child", "children", "en"),
    ("dolor", "dolores", "es"), ("lesión", "lesiones", "es"), ("paciente", "pacientes", "es"),
])
def test_plurals_share_a_stem(singular: str, plural: str, language: str) -> None:
    assert stem(singular, language) == stem(plural, language)


@pytest.mark.parametrize("one, other", [("physical", "physic"), ("testes", "test"), ("stressful", "stress")])
def test_different_words_keep_different_stems(one: str, other: str) -> None:
    assert stem(one) != stem(other)


def test_function_words_and_word_order_do_not_matter_but_double_quotes_ask_for_the_exact_phrase() -> None:
    assert contains("Pain in the knee is common.", "knee pain")
    assert not contains("Pain in the knee is common.", '"knee pain"')
    assert contains("Knee pain is common.", '"knee pain"')


def test_description_count_follows_yoast() -> None:
    assert description_count("Knee pain relief for knee pain. Our knee pain clinic treats knee pain.",
                             ["knee pain"]) == 4
    assert description_count("Knee pain and sore knees: what helps.", ["knee pain", "sore knees"]) == 2
    assert description_count("Dolor de rodilla y dolores de rodillas.", ["dolor de rodilla"], "es") == 2


def test_subheadings_reflect_the_topic_with_more_than_half_its_words() -> None:
    assert reflects_topic("Causes of knee pain", ["knee pain"])
    assert not reflects_topic("Knee surgery", ["knee pain"])  # half is not more than half
    assert reflects_topic("Pain in the knee joint", ["chronic knee pain"])  # two of three


def test_one_subheading_holding_the_keyphrase_is_fine_two_of_two_is_too_many() -> None:
    one = make_post("---\nkeyphrase: knee pain\n---\n# Knee pain\n\n## Knee pain at home\n\nRest.\n")
    two = make_post("---\nkeyphrase: knee pain\n---\n# Knee pain\n\n## Knee pain at home\n\nRest.\n\n## Knee pain at work\n\nSit.\n")
    three_of_four = make_post("---\nkeyphrase: knee pain\n---\n# K\n\n## Knee pain a\n\nA.\n\n## Knee pain b\n\nB.\n\n"
                              "## Knee pain c\n\nC.\n\n## Other\n\nD.\n")
    assert find(one, ["SE024"]) == []
    assert [f.value for f in find(two, ["SE024"])] == [1.0]
    assert find(three_of_four, ["SE024"]) == []  # 3 of 4 is floor(4 × 75%)


def test_distribution_gap_is_exact() -> None:
    text = ("---\nkeyphrase: knee pain\n---\n# Knee pain\n\nKnee pain is common. Rest. Ice. Walk. Sleep. "
            "Knee pain eases. Stretch. Swim. Cycle. Knee pain fades.\n")
    found = find(make_post(text), ["SE023"])
    assert [f.value for f in found] == [0.4]  # 4 of 10 sentences in a row
    assert "4 of 10 sentences in a row (40.0%)" in found[0].message


def test_keyphrase_length_counts_content_words_only() -> None:
    post = make_post("---\nkeyphrase: how to ease the pain of arthritis in the knee at home\n---\nText.\n")
    assert [f.value for f in find(post, ["SE022"])] == [5]  # ease, pain, arthritis, knee, home
    assert [f.value for f in find(make_post("---\nkeyphrase: how to\n---\nText.\n"), ["SE022"])] == [0]
    assert find(make_post("---\nkeyphrase: knee arthritis exercises\n---\nText.\n"), ["SE022"]) == []


# --- synonyms: front matter, rule option, top-level setting and --synonyms -------------------------------

SYNONYM_POST = """---
title: "Sore knees: what helps"
keyphrase: knee pain
synonyms: sore knees, aching knee
---
# Sore knees: what helps

Sore knees are common after fifty.
"""


def test_front_matter_synonyms_count_where_the_keyphrase_would() -> None:
    post = make_post(SYNONYM_POST)
    assert post.facts.value("synonyms") == ("sore knees", "aching knee")
    places = {f.message for f in find(post, ["SE013"], {"SE013": {"places": ["title", "h1", "first-paragraph"]}})}
    assert places == set()
    listed = make_post(SYNONYM_POST.replace("synonyms: sore knees, aching knee", "synonyms: [sore knees, aching knee]"))
    assert listed.facts.value("synonyms") == ("sore knees", "aching knee")


def test_synonyms_from_the_command_line_reach_every_keyphrase_rule(cli, tmp_path: Path) -> None:
    post = tmp_path / "a.md"
    post.write_text(SYNONYM_POST.replace("synonyms: sore knees, aching knee\n", ""), encoding="utf-8")
    def places(*extra: str) -> list[str]:
        out = cli("check", "--isolated", "-f", "json", "--select", "SE013", "--fail-on", "never", *extra, str(post))
        return [f["message"] for f in json.loads(out.output)["posts"][0]["findings"]]
    without = places()
    assert any("title" in m for m in without)
    with_synonyms = places("--synonyms", "sore knees, aching knee")
    assert not any("title" in m or "H1" in m or "first paragraph" in m for m in with_synonyms)


def test_top_level_synonyms_setting_is_validated_and_shared(cli, tmp_path: Path) -> None:
    (tmp_path / "clinic-audit.toml").write_text('synonyms = ["sore knees"]\n', encoding="utf-8")
    post = tmp_path / "a.md"
    post.write_text(SYNONYM_POST.replace("synonyms: sore knees, aching knee\n", ""), encoding="utf-8")
    out = cli("check", "-f", "json", "--select", "SE013", "--fail-on", "never", str(post))
    assert not any("title" in f["message"] for f in json.loads(out.output)["posts"][0]["findings"])
    (tmp_path / "clinic-audit.toml").write_text("synonyms = 3\n", encoding="utf-8")
    bad = cli("check", "--select", "SE013", str(post))
    assert bad.exit_code == 2 and "synonyms" in bad.output


# --- outbound links and images ---------------------------------------------------------------------------

def test_a_bare_url_counts_as_an_outbound_link_and_own_hosts_do_not() -> None:
    short = {"SE019": {"min-words": 0}}
    assert find(make_post("# Knee\n\nSource: https://www.cdc.gov/arthritis/\n"), ["SE019"], short) == []
    own = make_post("---\nurl: https://clinic.example/knee\n---\n# Knee\n\nSee [us](https://clinic.example/).\n")
    assert len(find(own, ["SE019"], short)) == 1
    assert find(own, ["SE019"]) == []  # under 300 words: not judged
    assert find(make_post("Knee pain is common.\n", "text", "post.txt"), ["SE019"], short) == []  # plain text has no links


def test_nofollow_on_some_links_only_is_fine() -> None:
    html = ('<html><head><title>K</title></head><body><article><h1>K</h1><p><a href="https://a.example/" '
            'rel="nofollow">a</a> and <a href="https://b.example/">b</a>.</p></article></body></html>')
    assert find(make_post(html, "html", "k.html"), ["SE020"]) == []


def test_spanish_sentences_are_long_past_25_words_and_english_past_20() -> None:
    from conftest import make_post

    twenty_two = " ".join(["palabra"] * 21) + " final."
    spanish = make_post("---\nlang: es\n---\n\n# Dolor\n\n" + " ".join([twenty_two] * 6) + "\n")
    english = make_post("# Pain\n\n" + " ".join([" ".join(["word"] * 21) + " end."] * 6) + "\n")
    assert find(spanish, ["RD004"]) == []  # 22-word Spanish sentences are within Yoast's 25
    assert [f.rule for f in find(english, ["RD004"])] == ["RD004"]


def test_word_count_counts_every_word_beside_the_prose_only_words(cli, tmp_path) -> None:
    import json

    post = tmp_path / "a.md"
    post.write_text("# Knee care at home\n\nRest the knee and keep it moving.\n\n## Ice\n\n- Ice it\n", encoding="utf-8")
    metrics = json.loads(cli("check", "--isolated", "-f", "json", str(post)).stdout)["posts"][0]["metrics"]
    assert metrics["word_count"] == 4 + 7 + 1 + 2 and metrics["words"] == 7
