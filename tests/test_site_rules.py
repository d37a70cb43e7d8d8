"""Site rules: one test per behaviour, on compact post summaries built from real posts."""

from __future__ import annotations

from clinic_audit.config import RuleSetting
from clinic_audit.engine import run_rules
from clinic_audit.registry import load
from clinic_audit.rule import Options
from clinic_audit.rule import Rule
from clinic_audit.siterules import LinkStatus, Site, run_site_rules, similarity, summarize

from conftest import make_post

BASE = "https://clinic.test"
WORDS = ("knee pain after running often comes from overuse and eases with rest ice and a slower return to "
         "training most runners recover within a few weeks when they cut their distance and strengthen the "
         "muscles around the hip and thigh see a doctor if the knee swells locks or gives way ").split()


def _post(slug: str, title: str, body: str = "Short text.", meta: str = "") -> object:
    text = f"---\ntitle: {title}\n{meta}---\n\n{body}\n"
    return summarize(make_post(text, source=f"{BASE}/{slug}/"), f"{BASE}/{slug}/")


def _codes(site: Site, code: str) -> list[tuple[str, ...]]:
    r = load().get(code)
    assert r.scope == "site"
    return [f.sources for f in run_site_rules(site, [RuleSetting(r, r.severity, Options(r.defaults()))])]


def test_duplicate_titles_are_reported_once_naming_both_posts():
    site = Site((_post("a", "Knee pain"), _post("b", "knee  PAIN"), _post("c", "Hip pain")))
    assert _codes(site, "SI001") == [(f"{BASE}/a/", f"{BASE}/b/")]


def test_same_keyphrase_is_cannibalization():
    site = Site((_post("a", "A", meta="keyphrase: knee pain\n"), _post("b", "B", meta="keyphrase: Knee Pain\n"),
                 _post("c", "C", meta="keyphrase: hip pain\n")))
    assert _codes(site, "SI007") == [(f"{BASE}/a/", f"{BASE}/b/")]


def test_orphan_is_a_post_no_other_post_links_to():
    site = Site((_post("a", "A", f"See [b]({BASE}/b/) and [self](/a/)."), _post("b", "B", "See [a](../a/)."),
                 _post("c", "C", "Links [itself](/c/).")))
    assert _codes(site, "SI006") == [(f"{BASE}/c/",)]


def test_broken_link_and_redirect_chain_come_from_link_status():
    site = Site((_post("a", "A", "[x](/x/) [y](/y/) [z](/z/)"),), {
        f"{BASE}/x/": LinkStatus(404, final_url=f"{BASE}/x/"),
        f"{BASE}/y/": LinkStatus(200, ((f"{BASE}/y/", 301), (f"{BASE}/y2/", 301)), f"{BASE}/y3/"),
        f"{BASE}/z/": LinkStatus(200, ((f"{BASE}/z/", 301),), f"{BASE}/z2/"),
    })
    assert _codes(site, "SI004") == [(f"{BASE}/a/", f"{BASE}/x/")]
    assert _codes(site, "SI005") == [(f"{BASE}/a/", f"{BASE}/y/")]  # one redirect is allowed by default


def test_near_duplicates_are_found_and_distinct_posts_are_not():
    original = " ".join(WORDS * 2)
    copy = original.replace("a doctor", "our clinic", 1)
    other = " ".join(reversed(WORDS * 2))
    site = Site((_post("a", "A", original), _post("b", "B", copy), _post("c", "C", other)))
    assert _codes(site, "SI008") == [(f"{BASE}/a/", f"{BASE}/b/")]
    assert similarity(site.posts[0].sketch, site.posts[2].sketch) < 0.2


def test_summaries_keep_only_internal_links_without_fragments():
    summary = _post("a", "A", f"[in](/b/#top) [out](https://nhs.uk/x) [frag](#here) [mail](mailto:a@b.c)")
    assert summary.links == ((f"{BASE}/b/", 5),)


def test_the_post_engine_never_runs_site_rules():
    settings = [RuleSetting(r, r.severity, Options(r.defaults())) for r in load() if r.family == "site"]
    assert settings and run_rules(make_post("# T\n\nText.\n"), settings) == []


def test_a_crashing_site_rule_becomes_a_finding():
    broken = Rule("SI999", "broken", "site", load().get("SI001").severity, check=lambda site, opts: 1 / 0, scope="site")
    findings = run_site_rules(Site((_post("a", "A"),)), [RuleSetting(broken, broken.severity, Options({}))])
    assert [f.rule for f in findings] == ["AU001"] and "ZeroDivisionError" in findings[0].message


def test_a_large_cluster_of_copies_is_one_finding_naming_every_copy():
    original = " ".join(WORDS * 2)
    copies = [_post(f"town-{i}", f"Knee clinic {i}", original.replace("a doctor", f"our clinic in town {i}", 1))
              for i in range(60)]
    distinct = _post("other", "Other", " ".join(reversed(WORDS * 2)))
    found = _codes(Site((*copies, distinct)), "SI008")
    assert len(found) == 1 and len(found[0]) == 60 and f"{BASE}/other/" not in found[0]


def test_every_planted_near_duplicate_is_found_among_5000_posts():
    import random

    from clinic_audit.siterules import PostSummary, sketch

    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(30_000)]
    posts, planted = [], set()
    for i in range(5000):
        if i % 100 == 1:  # a near-copy of the post before it: one word changed
            words = list(previous)
            words[rng.randrange(len(words))] = "changed"
            planted.add((f"{BASE}/p{i - 1}/", f"{BASE}/p{i}/"))
        else:
            words = rng.choices(vocabulary, k=80)
        previous = words
        posts.append(PostSummary(f"{BASE}/p{i}/", title=f"T{i}", sketch=sketch(words), words=len(words)))
    found = set(_codes(Site(tuple(posts)), "SI008"))
    assert found == {tuple(sorted(pair)) for pair in planted}
