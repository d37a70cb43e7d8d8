"""The same clinic post as copied from a CMS (.txt), written in Markdown (.md) and published as a
page (.html) must be judged the same way, with each finding pointing at the right line of its own file."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pytest

from clinic_audit.parse import parse
from clinic_audit.result import PostResult
from clinic_audit.sources import Document
from conftest import FIXTURES
from fixture_harness import Fixture, audit_fixture, load_fixture

POSTS = FIXTURES / "posts"
RENDITIONS = ("sciatica.txt", "sciatica.md", "sciatica.html")
COMPARED = ("sections", "citations", "headings", "readability")


@lru_cache(maxsize=None)
def _fixture(name: str) -> Fixture:
    return load_fixture(POSTS / name)


@lru_cache(maxsize=None)
def _result(name: str) -> PostResult:
    return audit_fixture(_fixture(name))


def _codes(name: str) -> Counter[str]:
    return Counter(f.rule for f in _result(name).findings if f.family in COMPARED)


@pytest.mark.parametrize("other", RENDITIONS[1:])
def test_renditions_report_the_same_codes_the_same_number_of_times(other: str) -> None:
    assert _codes(other) == _codes(RENDITIONS[0])


def test_the_post_shows_the_defects_it_was_written_with() -> None:
    codes = _codes("sciatica.txt")
    assert codes["CI002"] == 4  # four named sources, none linked
    assert codes["CI003"] == 1  # "It is thought"
    assert codes["CI004"] == 1
    assert codes["SC002"] == 1  # a symptom list promised, never given
    assert codes["RD001"] == 1  # too hard for patients


@pytest.mark.parametrize("name", RENDITIONS)
def test_each_finding_points_at_its_excerpt_in_its_own_file(name: str) -> None:
    lines = _fixture(name).text.split("\n")
    located = [f for f in _result(name).findings if f.excerpt and f.family in COMPARED]
    assert located, "no finding with an excerpt to locate"
    for finding in located:
        probe = finding.excerpt.rstrip("…").strip()[:60]
        assert probe in " ".join(lines[finding.line - 1].split()), (
            f"{finding.rule} line {finding.line}: {probe!r} not on {lines[finding.line - 1]!r}")


def test_the_cited_twin_raises_no_citation_findings() -> None:
    findings = [f for f in _result("sciatica.cited.md").findings if f.family == "citations"]
    assert findings == []


def test_the_cited_twin_differs_from_the_post_only_by_its_links() -> None:
    cited = parse(Document("cited.md", _fixture("sciatica.cited.md").text, "markdown"))
    plain = parse(Document("plain.md", _fixture("sciatica.md").text, "markdown"))
    assert [b.plain for b in cited.blocks] == [b.plain for b in plain.blocks]
    assert len([link for link in cited.links if link.is_external]) == 4


def test_plain_text_title_is_inferred_and_the_chrome_line_is_dropped() -> None:
    post = parse(Document("sciatica.txt", _fixture("sciatica.txt").text, "text"))
    title = "Sciatica and Ketamine Infusions: What You Should Know"
    assert post.title == title
    assert post.title_line == 3
    assert post.headings[0].level == 1 and post.headings[0].plain == title
    assert all("Return to blog" not in h.plain for h in post.headings)
    assert all("Return to blog" not in b.text for b in post.blocks)


def test_html_chrome_outside_the_article_is_not_audited() -> None:
    post = parse(Document("sciatica.html", _fixture("sciatica.html").text, "html"))
    texts = " ".join(b.plain for b in post.blocks) + " ".join(i.plain for b in post.blocks for i in b.items)
    assert "Return to blog" not in texts and "Visit us" not in texts and "Lakeview Pain Clinic" not in texts
    assert [h.level for h in post.headings].count(1) == 1
    assert post.word_count == parse(Document("sciatica.md", _fixture("sciatica.md").text, "markdown")).word_count


@pytest.mark.parametrize("name", RENDITIONS)
def test_renditions_have_the_same_outline(name: str) -> None:
    fixture = _fixture(name)
    post = parse(Document(name, fixture.text, fixture.format))
    outline = [h.plain for h in post.headings if h.level == 2]
    assert outline == ["What Is Sciatica?", "Why Does It Hurt So Much?", "How Do Ketamine Infusions Work?",
                       "Who Might Benefit?", "Side Effects and Safety", "Next Steps"]
