"""SEO rules: fixtures with expected findings marked inside them, plus the behaviours fixtures cannot show.

Fixtures live in tests/fixtures/seo and use the marker convention of tests/README.md:
``<!-- checks: SE001 -->`` names the codes compared, ``<!-- expect: SE001 -->`` at the end of
a line marks a finding that must point at that line; markers are removed before parsing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_audit.registry import load
from clinic_audit.rules.seo_words import title_pixels
from conftest import make_post
from fixture_harness import find

FAMILY = "seo"


def test_the_family_lists_every_rule_once() -> None:
    codes = [r.code for r in load() if r.family == FAMILY]
    assert codes == sorted(set(codes)) and len(codes) == 25


def test_title_width_counts_wide_letters_wider() -> None:
    assert title_pixels("WWWWW") > title_pixels("iiiii") * 3
    assert 20 < title_pixels("Knee") < 50
    assert title_pixels("Año") == title_pixels("Ano")  # accented letters use their base letter's width


@pytest.mark.parametrize("fmt, text", [
    ("text", "Nerve pain\n\nNerve pain can burn.\n"),
    ("markdown", "# Nerve pain\n\nNerve pain can burn.\n"),
    ("html", "<article><h1>Nerve pain</h1><p>Nerve pain can burn.</p></article>"),
])
def test_head_rules_skip_posts_that_cannot_have_a_head(fmt: str, text: str) -> None:
    head_rules = ["SE001", "SE003", "SE005", "SE007", "SE015", "SE016"]
    assert find(make_post(text, fmt), head_rules) == []


def test_keyphrase_comes_from_front_matter_or_the_option() -> None:
    post = make_post("---\ntitle: Knee pain\nkeyphrase: hip pain\n---\nKnee pain is common.\n")
    places = find(post, ["SE013"])
    assert any("title" in f.message for f in places)
    assert find(post, ["SE013"], {"keyphrase-placement": {"keyphrase": "knee pain"}}) != places
    untargeted = make_post("---\ntitle: Knee pain\n---\nKnee pain is common.\n")
    assert find(untargeted, ["SE013", "SE014"]) == []


def test_keyphrase_words_match_in_any_order_and_plural_unless_quoted() -> None:
    from clinic_audit.rules.seo_keyphrase import contains

    assert contains("Treatments for nerve pain", "nerve pain treatment")
    assert not contains("Treatments for nerve pain", '"nerve pain treatment"')
    assert contains("What is nerve pain treatment like?", '"nerve pain treatment"')


def test_check_keyphrase_option_reaches_the_keyphrase_rules(cli, tmp_path: Path) -> None:
    post = tmp_path / "knee-pain.md"
    post.write_text("---\ntitle: Knee pain\ndescription: About knee pain.\n---\nKnee pain is common.\n", encoding="utf-8")
    plain = cli("check", str(post), "--isolated", "--select", "SE013", "-f", "json")
    targeted = cli("check", str(post), "--isolated", "--select", "SE013", "-f", "json", "--keyphrase", "hip arthritis")
    assert '"SE013"' not in plain.output
    assert targeted.output.count('"rule": "SE013"') >= 4  # title, H1, first paragraph, description, slug


def test_internal_links_count_the_canonical_host() -> None:
    text = ("---\ncanonical: https://www.example-clinic.com/blog/knee/\n---\n# Knee\n\n"
            "See [our knee services](https://example-clinic.com/services/knee).\n")
    assert find(make_post(text), ["SE018"]) == []
    assert [f.rule for f in find(make_post(text.replace("example-clinic.com/services", "other.org/services")), ["SE018"])] == ["SE018"]


def test_every_rule_in_the_registry_is_documented_with_a_source() -> None:
    for r in load():
        if r.family == FAMILY:
            assert r.parts["Why"] and r.parts["Fix"], r.code


def test_a_long_but_narrow_title_passes_as_yoast_passes_it_by_width() -> None:
    narrow = "# " + "Little still tiny fill lilt jilt illicit filial till ill hilt sill"  # 66 narrow characters
    wide = "# " + "MOM WOW MAW MEW MOW WHOM WOMB"
    assert len(narrow) - 2 > 60 and find(make_post(narrow + "\n\nText.\n"), ["SE002"]) == []
    assert [f.rule for f in find(make_post(wide + " MOM WOW MAW MEW MOW\n\nText.\n"), ["SE002"])] == ["SE002"]
