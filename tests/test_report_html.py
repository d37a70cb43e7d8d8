"""The HTML report: structure of the index and post pages, highlights, outline marks, escaping, file names."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from clinic_audit.reports.html import page_name, render_run
from clinic_audit.registry import load as load_rules
from clinic_audit.result import rule_docs

DOCS = rule_docs(load_rules())  # what a run hands its reports

REPORTS = Path(__file__).parent / "fixtures" / "reports"


def load(name: str) -> dict:
    return json.loads((REPORTS / name).read_text(encoding="utf-8"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def site(tmp_path: Path) -> tuple[dict, Path]:
    run = load("run.json")
    render_run(run, tmp_path, DOCS)
    return run, tmp_path


def post_page(directory: Path, source: str) -> Path:
    index = soup(directory / "index.html")
    row = next(r for r in index.select("#posts-table tbody tr") if r.select_one(".src").get_text() == source)
    return directory / row.select_one("a")["href"]


def test_index_has_a_row_per_post_with_scores_and_counts(site):
    run, directory = site
    rows = soup(directory / "index.html").select("#posts-table tbody tr")
    assert len(rows) == len(run["posts"])
    by_source = {p["source"]: p for p in run["posts"]}
    for row in rows:
        post = by_source[row.select_one(".src").get_text()]
        cells = row.find_all("td")
        assert cells[0]["data-v"] == str(post["score"])
        assert post["grade"] in cells[0].get_text()
        errors = sum(1 for f in post["findings"] if f["severity"] == "error")
        assert cells[-3]["data-v"] == str(errors)
        assert (directory / row.select_one("a")["href"]).is_file()


def test_index_rows_start_worst_first_and_every_column_sorts(site):
    _, directory = site
    index = soup(directory / "index.html")
    scores = [int(r.find("td")["data-v"]) for r in index.select("#posts-table tbody tr")]
    assert scores == sorted(scores)
    headers = index.select("#posts-table thead th")
    assert all(th.get("scope") == "col" and th.select_one("button[data-col]") for th in headers)


def test_family_columns_follow_the_scores_in_the_run(site):
    run, directory = site
    families = list(dict.fromkeys(f for p in run["posts"] for f in p["scores"]))
    shown = [th.get_text(strip=True).lower() for th in soup(directory / "index.html").select("#posts-table thead th.fam")]
    assert shown == families


def test_score_chart_counts_every_post_in_its_band(site):
    run, directory = site
    desc = soup(directory / "index.html").select_one("#distribution svg desc").get_text()
    bands = dict(part.split(": ") for part in desc.split("; "))
    expected = Counter(min(p["score"] // 10, 9) for p in run["posts"])
    assert [int(v) for v in bands.values()] == [expected.get(i, 0) for i in range(10)]


def test_frequent_problems_count_the_posts_each_rule_affects(site):
    run, directory = site
    affected = Counter(code for p in run["posts"] for code in {f["rule"] for f in p["findings"]})
    rows = soup(directory / "index.html").select("#problems tbody tr")
    assert len(rows) == len(affected)
    for row in rows:
        code = row.select_one("button")["data-filter"]
        assert int(row.find_all("td")[0].get_text()) == affected[code]


def test_history_is_drawn_only_when_the_run_has_it(tmp_path: Path):
    run = load("run.json")
    render_run(run, tmp_path / "plain", DOCS)
    assert soup(tmp_path / "plain" / "index.html").select_one("#history") is None
    run["history"] = [{"run": 1, "date": "2026-01-05", "score": 71}, {"run": 2, "date": "2026-02-05", "score": 78},
                      {"run": 3, "date": "2026-03-05", "score": 84}]
    render_run(run, tmp_path / "hist", DOCS)
    chart = soup(tmp_path / "hist" / "index.html").select_one("#history svg")
    assert len(chart.find_all("circle")) == 3
    assert "2026-03-05: 84" in chart.find("desc").get_text()


def test_excerpt_is_highlighted_where_it_stands_and_linked_to_its_fix(tmp_path: Path):
    render_run(load("hostile.json"), tmp_path, DOCS)
    page = soup(next((tmp_path / "posts").glob("*.html")))
    block = page.select_one('.blk[data-line="3"]')
    mark = block.select_one("mark.hl")
    assert mark.get_text() == "<script>window.__pwned = 'body'</script>"
    ref = mark.find_next_sibling("a")
    note = page.select_one(ref["href"])
    assert "Split" in note.get_text() and note.select_one("a.rule")["href"] == "#rule-RD003"
    assert page.select_one("#rule-RD003 h3").get_text().startswith("RD003 long-sentence")


def test_finding_without_a_matching_excerpt_flags_its_whole_block(site):
    run, directory = site
    post = next(p for p in run["posts"] if p["source"].endswith("knee.md"))
    wide = [f for f in post["findings"] if not f["excerpt"]]
    page = soup(post_page(directory, post["source"]))
    flagged = page.select(".flagged, .general .note")
    assert wide and flagged


def test_outline_marks_skipped_levels_and_empty_sections(site, tmp_path: Path):
    run, directory = site
    knee = next(p for p in run["posts"] if p["source"].endswith("knee.md"))
    outline = soup(post_page(directory, knee["source"])).select_one("#outline")
    skipped = [n for n in outline.select(".hnode") if "skipped level" in n.get_text()]
    assert [n.get_text().split("⚠")[0].strip() for n in skipped] == ["H4 Exercises"]
    render_run(load("hostile.json"), tmp_path / "h", DOCS)
    outline = soup(next((tmp_path / "h" / "posts").glob("*.html"))).select_one("#outline")
    risks = next(n for n in outline.select(".hnode") if "Risks" in n.get_text())
    assert "empty section" in risks.get_text()


def test_metrics_are_shown_against_targets(site):
    run, directory = site
    post = run["posts"][0]
    table = soup(post_page(directory, post["source"])).select_one("#readability table")
    rows = {r.th.get_text(): [td.get_text() for td in r.find_all("td")] for r in table.select("tbody tr")}
    assert rows["Flesch reading ease"][1] == "≥ 60"
    assert rows["Words of prose"][0] == str(post["metrics"]["words"])


@pytest.mark.parametrize("page", ["index.html", "post"])
def test_hostile_post_content_is_inert_text(tmp_path: Path, page: str):
    render_run(load("hostile.json"), tmp_path, DOCS)
    path = tmp_path / "index.html" if page == "index.html" else next((tmp_path / "posts").glob("*.html"))
    text = path.read_text(encoding="utf-8")
    document = BeautifulSoup(text, "html.parser")
    assert "&lt;script&gt;window.__pwned" in text
    assert all("__pwned" not in (s.string or "") for s in document.find_all("script"))
    assert all(not attr.lower().startswith("on") for tag in document.find_all(True) for attr in tag.attrs)
    assert all(not a.get("href", "").strip().lower().startswith("javascript:") for a in document.find_all("a"))
    assert document.find("svg", attrs={"onload": True}) is None
    assert all("body{display:none}" not in (s.string or "") for s in document.find_all("style"))


def test_inline_script_is_the_only_one_the_policy_allows(site):
    _, directory = site
    index = soup(directory / "index.html")
    policy = index.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    script = index.find("script").string
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy
    page = soup(next((directory / "posts").glob("*.html")))
    assert page.find("script") is None
    assert "script-src 'none'" in page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]


def test_pages_have_landmarks_and_table_headers(site):
    _, directory = site
    for path in [directory / "index.html", *sorted((directory / "posts").glob("*.html"))]:
        page = soup(path)
        assert page.find("main") and page.find("header") and page.find("footer") and page.find("nav")
        assert page.html["lang"] == "en" and page.find("meta", attrs={"name": "viewport"})
        assert all(th.get("scope") in ("col", "row") for th in page.find_all("th"))
        assert "@media print" in page.style.string


def test_page_names_are_safe_and_unique():
    taken: set[str] = set()
    sources = ["blog/Ünïcode Post!.md", "other/Ünïcode Post!.md", "https://x.test/a?b=<c>", "-", "-", "../../etc/passwd"]
    names = [page_name(s, taken) for s in sources]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9-]+\.html", n) for n in names)
    assert names[0].startswith("unicode-post-")


def test_identical_sources_get_their_own_pages(tmp_path: Path):
    run = load("run.json")
    run["posts"].append(copy.deepcopy(run["posts"][0]))
    render_run(run, tmp_path, DOCS)
    assert len(list((tmp_path / "posts").glob("*.html"))) == len(run["posts"])


def test_failures_are_listed_on_the_index(tmp_path: Path):
    render_run(load("hostile.json"), tmp_path, DOCS)
    failures = soup(tmp_path / "index.html").select_one("#failures")
    assert "cannot read <b>it</b>" in failures.get_text()


def test_check_writes_the_html_report_alongside_the_format(cli, tmp_path: Path):
    out = tmp_path / "site"
    result = cli("check", str(REPORTS / "posts"), "--isolated", "--html", str(out), "-f", "json")
    assert result.exit_code in (0, 1), result.output
    posts = json.loads(result.output)["posts"]
    rows = soup(out / "index.html").select("#posts-table tbody tr")
    assert sorted(r.select_one(".src").get_text() for r in rows) == sorted(p["source"] for p in posts)
    assert len(list((out / "posts").glob("*.html"))) == len(posts)


def test_report_renders_a_saved_run(cli, tmp_path: Path):
    result = cli("report", str(REPORTS / "run.json"), "--html", str(tmp_path))
    assert result.exit_code == 0
    assert len(soup(tmp_path / "index.html").select("#posts-table tbody tr")) == len(load("run.json")["posts"])


def test_report_prints_text_of_a_saved_run(cli):
    result = cli("report", str(REPORTS / "run.json"))
    assert result.exit_code == 0
    assert f"{len(load('run.json')['posts'])} posts audited" in result.output


def test_report_names_a_file_that_is_not_a_run(cli, tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"posts": 3}', encoding="utf-8")
    result = cli("report", str(bad), "--html", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "not a clinic-audit JSON run" in result.output and "Traceback" not in result.output



def _post(findings: list[dict], blocks: list[dict]) -> dict:
    return {"source": "p.md", "title": "T", "score": 80, "grade": "B", "scores": {}, "metrics": {},
            "findings": findings, "document": {"title_is_h1": True, "title_line": 2, "blocks": blocks}}


def _finding(rule: str, name: str, line: int, excerpt: str = "") -> dict:
    return {"rule": rule, "name": name, "family": "readability", "severity": "info", "message": "m",
            "line": line, "column": 1, "excerpt": excerpt, "suggestion": ""}


def test_a_shortened_excerpt_is_highlighted_to_the_end_of_its_sentence():
    from clinic_audit.reports.html_page import build_text

    text = "First sentence is long and winding on and on. Second one."
    blocks, _, _ = build_text(_post([_finding("RD003", "long-sentence", 5, "First sentence is long and wi…")],
                                    [{"kind": "paragraph", "line": 5, "text": text}]))
    marked = [s.text for s in blocks[-1].head.segments if s.notes]
    assert marked == ["First sentence is long and winding on and on."]


def test_findings_about_the_whole_post_are_not_pinned_on_a_block():
    from clinic_audit.reports.html_page import build_text

    findings = [_finding("RD001", "reading-grade", 5), _finding("TR001", "missing-byline", 2),
                _finding("RD003", "long-sentence", 5)]
    blocks, notes, general = build_text(_post(findings, [{"kind": "paragraph", "line": 5, "text": "Some text."}]))
    assert sorted(n.name for n in general) == ["missing-byline", "reading-grade"]
    assert [n.name for n in blocks[-1].notes] == ["long-sentence"] and len(notes) == 3


def test_a_report_folder_that_cannot_be_made_is_one_clear_line(cli, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = cli("check", str(REPORTS / "posts"), "--isolated", "--html", str(blocker / "report"))
    assert result.exit_code == 2
    assert "cannot write the HTML report" in result.output and "Traceback" not in result.output


def test_site_wide_findings_list_the_pages_they_involve(tmp_path: Path):
    run = load("run.json")
    first, second = run["posts"][0]["source"], run["posts"][1]["source"]
    run["site"] = {"findings": [{
        "source": first, "sources": [first, second, "https://x.test/<b>gone</b>"], "rule": "SI001",
        "name": "duplicate-title", "family": "site", "severity": "warning", "message": "two posts share a title",
        "line": 1, "column": 1, "excerpt": "", "suggestion": "Give each post its own title.",
    }]}
    render_run(run, tmp_path, DOCS)
    section = soup(tmp_path / "index.html").select_one("#site")
    links = [a["href"] for a in section.select("td a")]
    assert len(links) == 2 and all((tmp_path / href).is_file() for href in links)
    assert "https://x.test/<b>gone</b>" in section.get_text() and section.find("b") is None


def test_the_post_page_shows_the_configured_targets(cli, tmp_path: Path) -> None:
    (tmp_path / "clinic-audit.toml").write_text("[rules.reading-grade]\nmax-grade = 30\n", encoding="utf-8")
    hard = "Individuals experiencing neuropathic discomfort frequently require multidisciplinary evaluation. "
    (tmp_path / "post.md").write_text("# Nerve pain\n\n" + hard * 12 + "\n", encoding="utf-8")
    cli("check", str(tmp_path / "post.md"), "--html", str(tmp_path / "report"), "--fail-on", "never")
    page = next((tmp_path / "report" / "posts").glob("*.html")).read_text(encoding="utf-8")
    table = BeautifulSoup(page, "html.parser").select_one("#readability table")
    rows = {r.th.get_text(): [td.get_text() for td in r.find_all("td")] for r in table.select("tbody tr")}
    assert rows["Flesch-Kincaid grade"][1] == "≤ 30" and rows["SMOG grade"][1] == "≤ 32"


def test_site_findings_are_grouped_by_rule_and_broken_links_by_target():
    from clinic_audit.reports.html import site_groups

    def broken(post: str, target: str) -> dict:
        return {"rule": "SI004", "name": "broken-internal-link", "severity": "error", "source": post,
                "sources": [post, target], "excerpt": target, "message": f"internal link to {target} fails: HTTP 404",
                "suggestion": "Link to the page's current address or remove the link.", "line": 3}

    orphan = {"rule": "SI006", "name": "orphan-post", "severity": "warning", "source": "/c/", "sources": ["/c/"],
              "excerpt": "C", "message": "no other post links to this post", "suggestion": "Link to it.", "line": 1}
    groups = site_groups([orphan, broken("/a/", "/gone/"), broken("/b/", "/gone/"), broken("/a/", "/old/")])
    assert [(g.rule, g.count) for g in groups] == [("SI004", 3), ("SI006", 1)]  # errors first
    gone = next(r for r in groups[0].rows if r.target == "/gone/")
    assert gone.pages == ("/a/", "/b/") and len(groups[0].rows) == 2
    assert groups[0].fix == "Link to the page's current address or remove the link."
