"""Parsers: every node keeps its source line; HTML audits the article, not the site chrome."""

from __future__ import annotations

import pytest

from clinic_audit.model import HEADING, LIST, PARAGRAPH
from clinic_audit.parse import ParseError

from conftest import make_post

PAGE = """<!doctype html>
<html lang="en">
<head><title>Migraine triggers | Lakeside Clinic</title>
<meta name="description" content="Common migraine triggers and how to track them.">
</head>
<body>
<nav><h2>Menu</h2><ul><li><a href="/">Home</a></li><li>About us</li></ul></nav>
<header class="site"><p>Call 555-0100 for appointments today and every day of the week.</p></header>
<article>
  <h1>Migraine triggers</h1>
  <p>Many people find that certain foods,
  stress or poor sleep bring on a migraine. Keep a diary.</p>
  <h2>Common triggers</h2>
  <ul>
    <li>Skipped meals</li>
    <li><a href="https://example.org/sleep">Too little sleep</a></li>
  </ul>
  <img src="/aura.png" alt="">
</article>
<footer><p>© Lakeside Clinic. All rights reserved in every country.</p></footer>
</body></html>
"""


def test_html_audits_the_article_and_keeps_lines():
    post = make_post(PAGE, "html", "page.html")
    assert post.title == "Migraine triggers | Lakeside Clinic"
    assert post.meta["description"].startswith("Common migraine")
    assert [(b.kind, b.line) for b in post.blocks] == [
        (HEADING, 10), (PARAGRAPH, 11), (HEADING, 13), (LIST, 14), (PARAGRAPH, 18)]
    assert "Menu" not in {h.plain for h in post.headings}
    text = " ".join(b.plain for b in post.blocks)
    assert "555-0100" not in text and "rights reserved" not in text
    items = post.blocks[3].items
    assert [(i.plain, i.line) for i in items] == [("Skipped meals", 15), ("Too little sleep", 16)]
    assert post.links[0].href == "https://example.org/sleep" and post.links[0].line == 16
    assert post.images[0].alt == ""
    # a sentence on the second line of a paragraph points at that line
    diary = next(s for s in post.sentences if s.text.startswith("Keep a diary"))
    assert diary.line == 12


def test_css_selector_chooses_the_content():
    page = "<body><div class='sidebar'><p>Sidebar text here.</p></div><div class='entry'><h1>Sleep</h1><p>Rest well.</p></div></body>"
    post = make_post(page, "html", "p.html")
    assert any(b.plain == "Sidebar text here." for b in post.blocks)
    from clinic_audit.parse import parse
    from clinic_audit.sources import Document

    chosen = parse(Document("p.html", page, "html"), html_selector="div.entry")
    assert [b.plain for b in chosen.blocks] == ["Sleep", "Rest well."]
    with pytest.raises(ParseError, match="no element matches"):
        parse(Document("p.html", page, "html"), html_selector="#missing")


def test_markdown_front_matter_and_lines():
    text = "---\ntitle: Knee pain\nlang: es\nkeyphrase: knee pain\n---\n\n## Causes\n\nWear and tear.\nAge too.\n\n- one\n-\n"
    post = make_post(text)
    assert post.title == "Knee pain" and post.title_is_h1 and post.language == "es"
    assert post.meta["keyphrase"] == "knee pain"
    assert [(b.kind, b.line) for b in post.blocks] == [(HEADING, 7), (PARAGRAPH, 9), (LIST, 12)]
    assert [(i.plain, i.line) for i in post.blocks[2].items] == [("one", 12), ("", 13)]


def test_markdown_footnotes_resolve():
    post = make_post("Most back pain improves.[^1]\n\n[^1]: NHS, 2024.\n")
    assert post.blocks[0].footnote_refs == ("1",)
    assert [(f.label, f.line) for f in post.footnotes] == [("1", 3)]


def test_plain_text_infers_title_headings_lists_and_drops_chrome():
    text = ("Return to blogs\nPain Care\n\nDoes Ice Help a Sprained Ankle?\n\nIce eases swelling in the first two days.\n\n"
            "What Helps?\n\nThings that help include:\n\n  • Rest\n  •\n  - Raise the foot\n\nWhen to Call Us\n")
    post = make_post(text, "text", "p.txt")
    assert post.title == "Does Ice Help a Sprained Ankle?" and post.title_line == 4
    assert [(h.plain, h.level, h.line) for h in post.headings] == [
        ("Does Ice Help a Sprained Ankle?", 1, 4), ("What Helps?", 2, 8), ("When to Call Us", 2, 16)]
    lists = [b for b in post.blocks if b.kind == LIST]
    assert [(i.plain, i.line) for i in lists[0].items] == [("Rest", 12), ("", 13), ("Raise the foot", 14)]


def test_deeply_nested_html_is_a_parse_error():
    with pytest.raises(ParseError, match="nested"):
        make_post("<div>" * 5000 + "x" + "</div>" * 5000, "html", "deep.html")


def test_plain_text_chrome_line_alone_is_not_the_title():
    post = make_post("Return to blog\n\nKnee pain is common. Rest helps.\n\nWhat Helps?\n\nIce.\n", "text", "p.txt")
    assert post.title == ""
    assert [h.plain for h in post.headings] == ["What Helps?"]
