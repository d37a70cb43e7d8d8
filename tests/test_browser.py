"""The HTML report in a real browser: Debian's headless Chromium driven by Selenium, from file:// URLs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from chromium import MARKS, headless_chromium

from clinic_audit.reports.html import render_run
from clinic_audit.registry import load as load_rules
from clinic_audit.result import rule_docs

DOCS = rule_docs(load_rules())  # what a run hands its reports

REPORTS = Path(__file__).parent / "fixtures" / "reports"

pytestmark = MARKS


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    yield from headless_chromium(tmp_path_factory, "1280,1000")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report of the fixture run, the hostile post, and enough copies to page the table."""
    run = json.loads((REPORTS / "run.json").read_text(encoding="utf-8"))
    hostile = json.loads((REPORTS / "hostile.json").read_text(encoding="utf-8"))
    run["posts"].extend(hostile["posts"])
    run["errors"] = hostile["errors"]
    for i in range(230):  # more than one table page (200 rows)
        post = copy.deepcopy(run["posts"][i % 3])
        post["source"] = f"copies/{i}-{post['source']}"
        post["score"] = (post["score"] + 7 * i) % 101
        run["posts"].append(post)
    directory = tmp_path_factory.mktemp("site")
    render_run(run, directory, DOCS)
    return directory


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def visible_scores(driver) -> list[int]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#posts-table tbody tr:not([hidden]) td:first-of-type'))"
        ".map(td => parseInt(td.dataset.v, 10));"
    )


def test_index_sorts_by_a_column_header_click(browser, site: Path, tmp_path: Path):
    from selenium.webdriver.common.by import By

    browser.get((site / "index.html").as_uri())
    before = visible_scores(browser)
    assert len(before) == 200  # the first page of 234 posts
    assert "showing the first 200" in browser.find_element(By.ID, "f-status").text
    score_header = browser.find_element(By.CSS_SELECTOR, "#posts-table thead button[data-col='1']")
    score_header.click()
    after = visible_scores(browser)
    assert after != before and after == sorted(after, reverse=True)
    assert score_header.find_element(By.XPATH, "..").get_attribute("aria-sort") == "descending"
    browser.find_element(By.CSS_SELECTOR, "#posts-table thead button[data-col='0']").click()
    titles = browser.execute_script(
        "return Array.from(document.querySelectorAll('#posts-table tbody tr:not([hidden]) th')).map(th => th.dataset.v);")
    assert titles == sorted(titles)
    browser.save_screenshot(str(tmp_path / "index.png"))
    assert console_errors(browser) == []


def test_index_filters_by_text_family_and_severity(browser, site: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get((site / "index.html").as_uri())
    browser.find_element(By.ID, "f-text").send_keys("__pwned")
    rows = browser.find_elements(By.CSS_SELECTOR, "#posts-table tbody tr:not([hidden])")
    assert [r.find_element(By.CSS_SELECTOR, ".src").text for r in rows] == ["posts/<img src=x onerror=alert(1)>.html"]
    browser.find_element(By.ID, "f-text").clear()
    Select(browser.find_element(By.ID, "f-severity")).select_by_value("error")
    Select(browser.find_element(By.ID, "f-family")).select_by_value("sections")
    tags = browser.execute_script(
        "return Array.from(document.querySelectorAll('#posts-table tbody tr:not([hidden])')).map(r => r.dataset.tags);")
    assert tags and all("sections:error" in t.split() for t in tags)


def test_post_page_shows_highlights_and_runs_nothing_from_the_post(browser, site: Path, tmp_path: Path):
    from selenium.webdriver.common.by import By

    browser.get((site / "index.html").as_uri())
    link = browser.find_element(By.XPATH, "//tbody//a[contains(., 'Hostile')]")
    link.click()
    mark = browser.find_element(By.CSS_SELECTOR, ".doc mark.hl")
    assert mark.is_displayed() and mark.size["width"] > 0
    assert mark.text == "<script>window.__pwned = 'body'</script>"
    assert mark.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"
    browser.find_element(By.CSS_SELECTOR, ".doc a.ref").click()  # jumps to the finding and its fix
    assert browser.execute_script("return location.hash") == "#f1"
    # The payloads are on screen as text, and none of them became an element or ran.
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "<img src=x onerror=" in body and "javascript:window.__pwned='link'" in body
    assert browser.execute_script(
        "return window.__pwned === undefined && document.querySelectorAll('img, svg[onload], "
        "a[href^=\"javascript:\"], [onerror], [onmouseover]').length === 0")
    browser.save_screenshot(str(tmp_path / "post.png"))
    assert console_errors(browser) == []


def test_every_post_page_opens_without_console_errors(browser, site: Path):
    for page in sorted((site / "posts").glob("*.html"))[:6]:
        browser.get(page.as_uri())
        assert browser.find_element("css selector", "h1").text
        assert console_errors(browser) == [], page.name


def test_site_findings_are_grouped_and_filtered_by_text(browser, tmp_path: Path):
    from selenium.webdriver.common.by import By

    run = json.loads((REPORTS / "run.json").read_text(encoding="utf-8"))
    posts = [p["source"] for p in run["posts"]]
    run["site"] = {"findings": [
        {"rule": "SI004", "name": "broken-internal-link", "severity": "error", "source": posts[0],
         "sources": [posts[0], "/gone/"], "excerpt": "/gone/", "message": "internal link to /gone/ fails: HTTP 404",
         "line": 2, "column": 1, "fingerprint": "a"},
        {"rule": "SI001", "name": "duplicate-title", "severity": "warning", "source": posts[0],
         "sources": posts[:2], "excerpt": "Knee", "message": "2 posts share the title 'Knee'", "line": 1,
         "column": 1, "fingerprint": "b"}]}
    render_run(run, tmp_path, DOCS)
    browser.get((tmp_path / "index.html").as_uri())
    groups = browser.find_elements(By.CSS_SELECTOR, ".site-group")
    assert [g.find_element(By.TAG_NAME, "code").text for g in groups] == ["SI004", "SI001"]
    browser.find_element(By.ID, "s-text").send_keys("duplicate")
    shown = [g.find_element(By.TAG_NAME, "code").text for g in groups if g.is_displayed()]
    assert shown == ["SI001"] and console_errors(browser) == []
