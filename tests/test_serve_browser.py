"""``clinic-audit serve`` in a real browser: the command is started on a free loopback port, headless Chromium
pastes and uploads drafts the way an editor would, and screenshots are kept for a person to look at."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chromium import MARKS, headless_chromium


pytestmark = MARKS

# What an editor pastes from Google Docs: a lead-in whose bullets lost their text, and a number with no source.
DRAFT = """Shingles: When the Pain Lasts

Shingles is a painful rash caused by the same virus as chickenpox. About 30% of adults will get shingles in their lifetime, and the pain can last for months.

Warning signs that the pain may last include:

•
•

How Is It Treated?

Antiviral medicine works best when it is started early. Your doctor can also suggest creams and tablets for the nerve pain. Call us to book a visit.
"""

HOSTILE = """Knee pain: what helps

<script>document.title = "pwned"; window.pwned = 1;</script>
<img src=x onerror="window.pwned = 2">
<a href="javascript:window.pwned = 3">Click here</a> to read about knee pain, which affects 25% of adults.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """``clinic-audit serve --port 0`` as a user starts it; yields its URL."""
    folder = tmp_path_factory.mktemp("serve-cwd")
    process = subprocess.Popen(
        [sys.executable, "-m", "clinic_audit.cli", "serve", "--port", "0", "--isolated"],
        cwd=folder, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    url = ""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not url:
        line = process.stderr.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            url = found.group(1)
        elif not line and process.poll() is not None:
            break
    assert url, "serve did not print its address"
    yield url, folder
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    yield from headless_chromium(tmp_path_factory, "1400,1000")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots of this module, for a person to look at (SERVE_SHOTS=DIR keeps them there too)."""
    keep = os.environ.get("SERVE_SHOTS")
    return Path(keep) if keep else tmp_path_factory.mktemp("serve-screenshots")


def paste(browser, url: str, text: str) -> None:
    """Open the page and type the draft as an editor pastes it (one input event, like a paste)."""
    from selenium.webdriver.common.by import By

    browser.get(url)
    area = browser.find_element(By.ID, "draft")
    browser.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        area, text)


def wait_for_result(browser, predicate=lambda d: True, timeout: float = 10):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#result .verdict, #result .failure") and predicate(d))


def full_page_shot(browser, path: Path) -> None:
    height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 4000);")
    browser.set_window_size(1400, max(1000, height))
    browser.save_screenshot(str(path))
    browser.set_window_size(1400, 1000)


def console_errors(browser) -> list[dict]:
    return [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def test_a_pasted_draft_shows_its_problems_first_highlighted_in_the_text_and_what_passed(browser, server, shots):
    from selenium.webdriver.common.by import By

    url, _ = server
    started = time.monotonic()
    paste(browser, url, DRAFT)
    wait_for_result(browser)
    # the debounce and the audit: about 0.4 s on a quiet machine; the bound leaves room for a busy one
    assert time.monotonic() - started < 10
    result = browser.find_element(By.ID, "result")
    sections = [s.get_attribute("id") for s in result.find_elements(By.CSS_SELECTOR, "section[id]")]
    assert sections.index("problems") < sections.index("good") < sections.index("text")
    problems = result.find_element(By.ID, "problems")
    groups = [h.text for h in problems.find_elements(By.CSS_SELECTOR, "h3")]
    assert groups[0].startswith("Blocking")  # errors lead
    first = problems.find_elements(By.CSS_SELECTOR, ".problems > li")[0]
    assert "empty-list-item" in first.text
    assert "uncited-statistic" in problems.text
    # Both are highlighted where they stand in the post's own text, each linked to its finding.
    text = result.find_element(By.ID, "text")
    marks = [m.text for m in text.find_elements(By.CSS_SELECTOR, "mark.hl")]
    assert any("30%" in m for m in marks), marks
    empty_items = text.find_elements(By.CSS_SELECTOR, "li.flagged.sev-error")
    assert len(empty_items) == 2 and "(empty item)" in empty_items[0].text
    jump = first.find_element(By.CSS_SELECTOR, "a.jump-to").get_attribute("href").split("#")[1]
    assert text.find_elements(By.ID, jump)
    # What is already good, and what draft mode left out.
    good = result.find_element(By.ID, "good")
    assert "checks passed" in good.text and "empty-section" in good.text
    assert "Draft mode" in result.find_element(By.CSS_SELECTOR, ".draft-note").text
    lights = result.find_elements(By.CSS_SELECTOR, ".lights li")
    assert lights and all(re.search(r"Good|Could be better|Needs work", li.text) for li in lights)
    assert "Sections Needs work" in " ".join(" ".join(li.text.split()) for li in lights)
    browser.save_screenshot(str(shots / "serve-pasted.png"))
    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];")
    assert widths[0] <= widths[1], widths  # nothing runs off the side of the page (a long URL in a rule's example did)
    full_page_shot(browser, shots / "serve-pasted-full.png")
    browser.execute_script("document.getElementById('text').scrollIntoView();")
    browser.save_screenshot(str(shots / "serve-pasted-text.png"))
    browser.set_window_size(420, 900)  # a phone: one column, nothing off the side
    browser.execute_script("window.scrollTo(0, document.getElementById('result').offsetTop);")
    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];")
    browser.save_screenshot(str(shots / "serve-phone.png"))
    browser.set_window_size(1400, 1000)
    assert widths[0] <= widths[1], widths
    assert not console_errors(browser)


def test_typing_re_audits_the_draft(browser, server):
    from selenium.webdriver.common.by import By

    url, _ = server
    paste(browser, url, DRAFT)
    wait_for_result(browser)
    fixed = DRAFT.replace("•\n•\n", "• Pain that lasts more than a month\n• Burning or itching skin\n")
    area = browser.find_element(By.ID, "draft")
    browser.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        area, fixed)
    wait_for_result(browser, lambda d: "empty-list-item" not in d.find_element(By.ID, "problems").text)
    assert "empty-list-item" in browser.find_element(By.ID, "good").text


def test_the_keyphrase_field_re_audits(browser, server):
    from selenium.webdriver.common.by import By

    url, _ = server
    paste(browser, url, DRAFT)
    wait_for_result(browser)
    browser.find_element(By.ID, "keyphrase").send_keys("knee replacement")
    wait_for_result(browser, lambda d: "keyphrase" in d.find_element(By.ID, "problems").text)


def test_an_uploaded_word_document_is_audited(browser, server, shots, tmp_path: Path):
    docx = pytest.importorskip("docx")
    from selenium.webdriver.common.by import By

    url, _ = server
    document = docx.Document()
    document.add_heading("Knee Arthritis: What Helps", level=1)
    document.add_paragraph("Knee arthritis makes the joint stiff and sore. Nearly 1 in 4 adults has arthritis.")
    document.add_paragraph("Common treatments include:")
    document.add_heading("When to See a Doctor", level=2)
    document.add_paragraph("See your doctor when the pain stops you from walking or sleeping.")
    path = tmp_path / "knee-draft.docx"
    document.save(str(path))
    browser.get(url)
    browser.find_element(By.ID, "file").send_keys(str(path))
    wait_for_result(browser)
    result = browser.find_element(By.ID, "result")
    assert "knee-draft.docx" in result.find_element(By.CSS_SELECTOR, ".verdict").text
    assert "profile draft" in result.text  # Word drafts are audited in draft mode
    problems = result.find_element(By.ID, "problems").text
    assert "list-lead-in-without-list" in problems and "uncited-statistic" in problems
    headings = [h.text for h in result.find_elements(By.CSS_SELECTOR, "#text .blk-heading")]
    assert any("When to See a Doctor" in h for h in headings)
    assert "Checking knee-draft.docx" in browser.find_element(By.ID, "file-note").text
    browser.save_screenshot(str(shots / "serve-docx.png"))


def test_a_pasted_script_runs_nothing(browser, server, shots):
    from selenium.webdriver.common.by import By

    url, _ = server
    paste(browser, url, HOSTILE)
    wait_for_result(browser)
    time.sleep(0.3)  # give an injected handler (an <img onerror>) its chance to fire
    assert browser.execute_script("return window.pwned === undefined;")
    assert browser.title != "pwned"
    text = browser.find_element(By.ID, "text").text
    assert "<script>" in text or "document.title" in text or "Click here" in text
    assert not browser.find_elements(By.CSS_SELECTOR, "#result script, #result img[onerror], #result a[href^=javascript]")
    browser.save_screenshot(str(shots / "serve-hostile.png"))
