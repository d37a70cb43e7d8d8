"""Trust rules: fixtures with expected findings marked inside them, the example-post proof, and signal detection.

Fixtures live in tests/fixtures/trust and run through the one harness (tests/fixture_harness.py,
tests/test_rule_fixtures.py), with "today" fixed and a configured clinic name, address and phone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clinic_audit.config import ConfigError

from clinic_audit.config import Config
from clinic_audit.registry import load
from clinic_audit.rules import trust_signals as _signals
from conftest import FIXTURES, isolated_config, make_post
from fixture_harness import audit_fixture, find, load_fixture

FAMILY = "trust"




# --- the example post: a CMS-style ketamine post and its fully fixed twin ----------------------

EXAMPLE_DEFECTS = {
    "SE003": "missing meta description",
    "SE002": "title too long",
    "TR001": "no author",
    "TR003": "no reviewer",
    "TR004": "no date",
    "TR007": "no disclaimer",
    "TR011": "treatment without risks",
}


def _example_codes(name: str) -> set[str]:
    return {f.rule for f in audit_fixture(load_fixture(FIXTURES / FAMILY / name)).findings}


def test_example_post_gets_each_expected_defect_among_others() -> None:
    codes = _example_codes("ketamine-nerve-pain.html")
    assert set(EXAMPLE_DEFECTS) <= codes, {c: EXAMPLE_DEFECTS[c] for c in set(EXAMPLE_DEFECTS) - codes}
    assert codes - set(EXAMPLE_DEFECTS), "the example post has other findings too (thin content, no JSON-LD…)"


def test_fixed_example_post_gets_none_of_them() -> None:
    assert _example_codes("ketamine-nerve-pain.clean.html") & set(EXAMPLE_DEFECTS) == set()


# --- signals: the same facts from HTML, front matter and plain lines ---------------------------

SIGNALS = {
    "html": ('<html><head><meta name="author" content="Jane Roe, MD"></head><body><article><h1>Back pain</h1>'
             '<p>Medically reviewed by Sam Lee, PharmD on <time datetime="2025-03-03">March 3, 2025</time></p>'
             '<p>Published <time datetime="2024-01-10">January 10, 2024</time></p><p>Text.</p></article></body></html>'),
    "markdown": ("---\ntitle: Back pain\nauthor: {name: Jane Roe, honorificSuffix: MD}\nreviewed_by: Sam Lee, PharmD\n"
                 "last_reviewed: 2025-03-03\ndate: 2024-01-10\n---\nText.\n"),
    "text": ("Back pain\n\nBy Jane Roe, MD\nMedically reviewed by Sam Lee, PharmD on March 3, 2025\n"
             "Published January 10, 2024\n\nText about back pain goes here.\n"),
}


@pytest.mark.parametrize("fmt", SIGNALS)
def test_byline_reviewer_and_dates_are_read_from_every_format(fmt: str) -> None:
    post = make_post(SIGNALS[fmt], fmt)
    assert any("Jane Roe" in a.text and "MD" in a.text for a in _signals.authors(post))
    assert any("Sam Lee" in r.text for r in _signals.reviewers(post))
    assert dt.date(2025, 3, 3) in {s.when for s in _signals.dates(post, "reviewed")}
    assert dt.date(2024, 1, 10) in {s.when for s in _signals.dates(post, "published")}


def test_json_ld_graph_supplies_author_and_dates() -> None:
    page = ('<html><head><script type="application/ld+json">{"@graph": [{"@type": "BlogPosting", '
            '"author": [{"@type": "Person", "name": "Ana Ruiz", "jobTitle": "Nurse Practitioner"}], '
            '"datePublished": "2025-02-01T08:00:00+00:00"}]}</script></head><body><p>Text.</p></body></html>')
    post = make_post(page, "html")
    assert [a.text for a in _signals.authors(post)] == ["Ana Ruiz, Nurse Practitioner"]
    assert [s.when for s in _signals.dates(post, "published")] == [dt.date(2025, 2, 1)]
    assert find(post, ["TR002"]) == []  # "nurse practitioner" is a recognised credential phrase


@pytest.mark.parametrize("written, expected", [
    ("Published March 3, 2024", dt.date(2024, 3, 3)),
    ("Updated 3 March 2024", dt.date(2024, 3, 3)),
    ("on 2024-03-03T10:00:00Z", dt.date(2024, 3, 3)),
    ("3/14/2024", dt.date(2024, 3, 14)),
    ("Actualizado el 5 de mayo de 2025", dt.date(2025, 5, 5)),
    ("Sept. 9, 2023", dt.date(2023, 9, 9)),
    ("no date here", None),
])
def test_dates_are_read_as_written(written: str, expected: dt.date | None) -> None:
    found = _signals.find_date(written)
    assert (found[0] if found else None) == expected


def test_byline_after_a_date_is_read_as_wordpress_writes_it() -> None:
    page = ('<article><h1>Back pain</h1><div class="entry-meta">Posted on <time datetime="2026-01-05T10:00:00+00:00">'
            'January 5, 2026</time> by <a href="/author/jr/">Jane Roe</a></div><p>Text.</p></article>')
    post = make_post(page, "html")
    assert [a.text for a in _signals.authors(post)] == ["Jane Roe"]
    assert dt.date(2026, 1, 5) in {s.when for s in _signals.dates(post, "published")}


def test_prose_is_not_a_byline_or_a_date_line() -> None:
    post = make_post("# Back pain\n\nBy the age of 50, most people have had back pain. The study was published in March 2019.\n")
    assert _signals.authors(post) == []
    assert _signals.dates(post, "published") == []


# --- behaviours of single rules -----------------------------------------------------------------

def test_stale_content_is_measured_from_the_injected_today() -> None:
    post = make_post("# Back pain\n\nLast updated January 5, 2025\n\nText.\n")
    assert find(post, ["TR006"], {"stale-content": {"today": "2025-12-01"}}) == []
    late = find(post, ["TR006"], {"stale-content": {"today": "2026-03-01"}})
    assert [(f.value, f.limit) for f in late] == [(13, 12)]
    assert find(post, ["TR006"], {"stale-content": {"today": "2026-03-01", "max-age-months": 24}}) == []


@pytest.mark.parametrize("sentence", [
    "There is no cure for nerve pain.",
    "Ketamine is not a miracle, and results are not guaranteed.",
    "No treatment is risk-free.",
    "Can ketamine cure depression?",
    "Nerve blocks are clinically proven to help some people (Smith et al., 2021).",
])
def test_negations_questions_and_cited_claims_are_not_flagged(sentence: str) -> None:
    assert find(make_post(f"# Ketamine\n\n{sentence}\n"), ["TR009", "TR010"]) == []


def test_claim_finding_gives_the_reason() -> None:
    [finding] = find(make_post("# Ketamine\n\nOur infusions have no side effects.\n"), ["TR009"])
    assert "every treatment has risks" in finding.message and finding.severity.name == "WARNING"


def test_crisis_resources_follow_the_configured_locale() -> None:
    post = make_post("# Depression\n\nDepression can be treated. Call or text 988 any time.\n")
    assert find(post, ["TR012"]) == []
    [uk] = find(post, ["TR012"], {"missing-crisis-resources": {"locale": "GB"}})
    assert "116 123" in uk.suggestion
    with pytest.raises(ConfigError, match="allowed: auto, US"):  # refused when the configuration is read
        isolated_config(select=["TR012"], rules={"missing-crisis-resources": {"locale": "XX"}})


def test_nap_is_not_checked_until_configured() -> None:
    post = make_post("# Visit\n\nCall us at 555-010-2999 to book.\n")
    assert find(post, ["TR014"], {"clinic-nap-mismatch": {"clinic-phone": ""}}) == []
    assert [f.rule for f in find(post, ["TR014"])] == ["TR014"]


def test_clinician_profile_relaxes_patient_only_trust_rules() -> None:
    clinician = Config.build(load(), Path("."), {"profile": "clinician"}, isolated=True)
    settings = {s.rule.name: s for s in clinician.rule_settings()}
    assert "missing-booking-cta" not in settings
    assert str(settings["treatment-without-risks"].severity) == "info"


def test_the_family_lists_every_rule_once() -> None:
    trust_rules = [r for r in load() if r.family == FAMILY]
    codes = [r.code for r in trust_rules]
    assert codes == sorted(set(codes)) and len(codes) == 15
    assert len(trust_rules) == 15
