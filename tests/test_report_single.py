"""The HTML report as one self-contained file (--html-file): no outside resources, in-page links that resolve,
untrusted content escaped, the worst posts' details only past a limit, and outputs that never replace inputs."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from chromium import MARKS, headless_chromium

from clinic_audit.reports.html import SINGLE_FILE_POSTS, render_run
from clinic_audit.registry import load as load_rules
from clinic_audit.result import rule_docs

DOCS = rule_docs(load_rules())
REPORTS = Path(__file__).parent / "fixtures" / "reports"
HOSTILE_TITLE = "<script>alert(1)</script>"


def fixture_run() -> dict:
    """The fixture run plus the hostile post, one title replaced by a script tag, and site findings."""
    run = json.loads((REPORTS / "run.json").read_text(encoding="utf-8"))
    hostile = json.loads((REPORTS / "hostile.json").read_text(encoding="utf-8"))
    run["posts"].extend(hostile["posts"])
    run["errors"] = hostile["errors"]
    run["posts"][1]["title"] = HOSTILE_TITLE
    run["site"] = {"findings": [{
        "rule": "SE090", "name": "broken-internal-link", "severity": "error", "family": "seo",
        "message": "links to https://clinic.example/gone/ <b>(404)</b>", "excerpt": "https://clinic.example/gone/",
        "source": run["posts"][0]["source"], "sources": [run["posts"][0]["source"], "https://clinic.example/gone/"],
        "line": 3, "suggestion": "Fix or remove the link."}]}
    run["history"] = [{"run": 1, "date": "2026-11-01", "score": 61}, {"run": 2, "date": "2026-11-02", "score": 70}]
    return run


@pytest.fixture
def single(tmp_path: Path) -> tuple[dict, Path]:
    run = fixture_run()
    return run, render_run(run, tmp_path / "report.html", DOCS, single=True)


def test_the_file_loads_nothing_from_outside(single):
    _, path = single
    text = path.read_text(encoding="utf-8")
    document = BeautifulSoup(text, "html.parser")
    for tag in document.find_all(True):
        for attr in ("src", "href", "srcset", "poster", "data", "action"):
            value = (tag.get(attr) or "").strip()
            assert not value or value.startswith("#") and tag.name == "a", (tag.name, attr, value)
    assert document.find("link") is None and document.find("iframe") is None
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text) and "@import" not in text
    assert len(document.find_all("script")) == 1  # the report's own, which the policy allows by hash
    policy = document.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    digest = base64.b64encode(hashlib.sha256(document.find("script").string.encode("utf-8")).digest()).decode()
    assert "default-src 'none'" in policy and f"script-src 'sha256-{digest}'" in policy


def test_every_in_page_link_has_its_target_and_ids_are_unique(single):
    _, path = single
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    missing = {href for href in re.findall(r'href="#([^"]*)"', text)} - set(ids)
    assert missing == set()


def test_the_index_links_each_post_to_its_section_and_back(single):
    run, path = single
    document = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    links = document.select("#posts-table tbody th a")
    assert len(links) == len(run["posts"])
    for link in links:
        section = document.find(id=link["href"][1:])
        assert section is not None and section.name == "article" and link["href"].startswith("#post-")
        assert section.select_one(".post-title").get_text() == link.get_text()
        assert section.select_one(".crumb a")["href"] == "#posts"
    # a site finding's page links to the section of that post
    page_link = document.select_one("#site ul.pages a")
    assert document.find(id=page_link["href"][1:]).name == "article"
    assert document.select_one("#history svg") is not None  # the score over time, from the run's history


def test_a_hostile_title_is_escaped_everywhere(single):
    _, path = single
    text = path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    document = BeautifulSoup(text, "html.parser")
    assert all("alert(1)" not in (s.string or "") and "__pwned" not in (s.string or "")
               for s in document.find_all("script"))
    assert all(not attr.lower().startswith("on") for tag in document.find_all(True) for attr in tag.attrs)
    assert "&lt;b&gt;(404)&lt;/b&gt;" in text  # a site finding's message too


def test_past_the_limit_only_the_worst_posts_have_details_and_the_file_says_so(tmp_path: Path):
    run = json.loads((REPORTS / "run.json").read_text(encoding="utf-8"))
    base = run["posts"]
    run["posts"] = []
    for i in range(SINGLE_FILE_POSTS + 30):
        post = copy.deepcopy(base[i % len(base)])
        post["source"], post["score"] = f"copies/{i}.md", (17 * i) % 101
        run["posts"].append(post)
    path = render_run(run, tmp_path / "big.html", DOCS, single=True)
    document = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    sections = document.select("article.post-detail")
    assert len(sections) == SINGLE_FILE_POSTS
    rows = document.select("#posts-table tbody tr")
    assert len(rows) == SINGLE_FILE_POSTS + 30
    linked = [int(r.select_one("td").get("data-v")) for r in rows if r.select_one("th a")]
    unlinked = [int(r.select_one("td").get("data-v")) for r in rows if not r.select_one("th a")]
    assert len(linked) == SINGLE_FILE_POSTS and max(linked) <= min(unlinked)
    notice = document.select_one(".notice").get_text(" ", strip=True)
    assert f"{SINGLE_FILE_POSTS} lowest-scoring posts of {SINGLE_FILE_POSTS + 30}" in notice and "30 posts" in notice


def test_check_writes_the_file_and_report_renders_a_saved_run_into_one(cli, tmp_path: Path):
    single = tmp_path / "client.html"
    result = cli("check", str(REPORTS / "posts"), "--isolated", "--no-cache", "-f", "json", "-o",
                 str(tmp_path / "run.json"), "--html-file", str(single))
    assert result.exit_code in (0, 1), result.output
    assert single.is_file() and len(BeautifulSoup(single.read_text("utf-8"), "html.parser").select("article.post-detail")) == 3
    again = tmp_path / "again.html"
    result = cli("report", str(tmp_path / "run.json"), "--html-file", str(again))
    assert result.exit_code == 0 and again.is_file() and "wrote" in result.output


def test_the_file_never_replaces_an_input(cli, tmp_path: Path):
    posts = tmp_path / "posts"
    posts.mkdir()
    post = posts / "knee.html"
    original = "<html><body><h1>Knee</h1><p>Rest the knee.</p></body></html>"
    post.write_text(original, encoding="utf-8")
    result = cli("check", str(posts), "--isolated", "--html-file", str(post))
    assert result.exit_code == 2 and "one of the posts being audited" in result.output
    assert post.read_text(encoding="utf-8") == original
    result = cli("check", str(posts), "--isolated", "--html-file", str(posts / "report.html"))
    assert result.exit_code == 2 and "next run would read it as a post" in result.output
    assert not (posts / "report.html").exists()
    saved = tmp_path / "run.json"
    saved.write_text((REPORTS / "run.json").read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("report", str(saved), "--html-file", str(saved))
    assert result.exit_code == 2 and "the run being rendered" in result.output
    assert json.loads(saved.read_text(encoding="utf-8"))["posts"]


@pytest.mark.parametrize("command", ["check", "report"])
def test_a_missing_folder_is_one_line_and_exit_2(cli, tmp_path: Path, command: str):
    target = str(tmp_path / "missing" / "report.html")
    args = ([str(REPORTS / "posts"), "--isolated"] if command == "check" else [str(REPORTS / "run.json")])
    result = cli(command, *args, "--html-file", target)
    assert result.exit_code == 2
    assert "cannot write the HTML report" in result.output and "no such folder" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_one_line_and_exit_2(cli, tmp_path: Path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = cli("check", str(REPORTS / "posts"), "--isolated", "--html-file", str(locked / "r.html"))
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 2 and "permission denied" in result.output and "Traceback" not in result.output


def test_a_folder_without_write_permission_is_refused_before_the_audit(cli, tmp_path: Path, monkeypatch):
    """The same check as above where root runs the tests (root may write anywhere): the permission is asked for."""
    import clinic_audit.reports.html as html_report

    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(html_report.os, "access", lambda path, mode: Path(path) != locked)
    result = cli("report", str(REPORTS / "run.json"), "--html-file", str(locked / "r.html"))
    assert result.exit_code == 2 and "permission denied" in result.output and "Traceback" not in result.output
    assert list(locked.iterdir()) == []


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path: Path, monkeypatch):
    path = render_run(fixture_run(), tmp_path / "report.html", DOCS, single=True)
    before = path.read_bytes()

    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(OSError):
        render_run(fixture_run(), path, DOCS, single=True)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    yield from headless_chromium(tmp_path_factory, "1280,900")


def browser_test(test):
    """The browser marks on one test (the others in this module need no Chromium)."""
    for mark in MARKS:
        test = mark(test)
    return test


@browser_test
def test_a_post_link_opens_its_section_in_a_browser(browser, tmp_path: Path):
    driver = browser
    from selenium.webdriver.common.by import By

    path = render_run(fixture_run(), tmp_path / "report.html", DOCS, single=True)
    driver.get(path.as_uri())
    link = driver.find_elements(By.CSS_SELECTOR, "#posts-table tbody th a")[1]
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    section = driver.find_element(By.ID, target)
    assert driver.execute_script("return location.hash") == f"#{target}"
    assert section.is_displayed()
    top, bottom = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom];", section)
    assert -2 <= top < driver.execute_script("return innerHeight") and bottom > 0  # scrolled into view
    driver.save_screenshot("/tmp/single-report.png")
    section.find_element(By.CSS_SELECTOR, ".crumb a").click()
    assert driver.execute_script("return location.hash") == "#posts"
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
