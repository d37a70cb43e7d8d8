"""``clinic-audit serve`` without a browser: the app's answers, its guards, draft mode, and the check path's imports."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from clinic_audit.registry import load
from clinic_audit.serve.app import create_app
from clinic_audit.serve.draft import MAX_UPLOAD_BYTES, Auditor, Choices, document_from_text, document_from_upload

DRAFT = """Shingles: When the Pain Lasts

Shingles is a painful rash caused by the same virus as chickenpox. About 30% of adults will get shingles in their lifetime.

Warning signs that the pain may last include:

•
•

How Is It Treated?

Antiviral medicine works best when it is started early. Your doctor can suggest creams for the nerve pain.
"""
HOST = "127.0.0.1:8765"


@pytest.fixture(scope="module")
def auditor() -> Auditor:
    return Auditor(load())


@pytest.fixture(scope="module")
def client(auditor: Auditor):
    import warnings

    with warnings.catch_warnings():  # starlette deprecates its test client on httpx, which is what we have
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    return TestClient(create_app(auditor, ["127.0.0.1", "localhost"]), base_url=f"http://{HOST}")


def fragment(client, body: bytes | str, **query: str) -> BeautifulSoup:
    response = client.post("/audit", params=query, content=body.encode() if isinstance(body, str) else body)
    assert response.headers["cache-control"] == "no-store"
    return BeautifulSoup(response.text, "html.parser")


def test_the_page_allows_only_its_own_script_by_hash(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    scripts = page.find_all("script")
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].string.encode("utf-8")).digest()).decode("ascii")
    header = response.headers["content-security-policy"]
    meta = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    for policy in (header, meta):
        assert f"script-src 'sha256-{digest}'" in policy
        assert "default-src 'none'" in policy and "connect-src 'self'" in policy
        assert "unsafe-eval" not in policy and "script-src 'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in header
    assert page.select_one("textarea#draft") and page.select_one("input#file[type=file]")
    assert {"keyphrase", "lang", "profile"} <= {e.get("name") for e in page.select("input, select")}


def test_a_pasted_draft_lists_problems_worst_first_then_what_passed_then_the_text(client) -> None:
    page = fragment(client, DRAFT)
    ids = [s["id"] for s in page.select("section[id]")]
    assert ids.index("problems") < ids.index("good") < ids.index("text")
    groups = page.select("#problems .problem-group")
    assert groups[0].h3.get_text().startswith("Blocking")
    assert "empty-list-item" in groups[0].get_text()
    assert "uncited-statistic" in page.select_one("#problems").get_text()
    marks = [m.get_text() for m in page.select("#text mark.hl")]
    assert any("30%" in m for m in marks)
    for link in page.select("#problems a.jump-to"):  # every "show in the text" lands on a mark in the text
        assert page.select_one("#text").find(id=link["href"][1:]) is not None
    passed = page.select_one("#good").get_text()
    assert "empty-section" in passed and "checks passed" in passed
    lights = [" ".join(li.get_text().split()) for li in page.select(".lights li")]
    assert any(light.startswith("■ Sections Needs work") for light in lights), lights


def test_pasted_text_is_checked_in_draft_mode_which_says_what_it_left_out(client) -> None:
    page = fragment(client, DRAFT)
    note = page.select_one(".draft-note").get_text()
    for name in ("canonical-url", "open-graph", "structured-data", "missing-lang"):
        assert name in note
    assert "profile draft" in page.select_one(".verdict").get_text()
    chosen = fragment(client, DRAFT, profile="patient")
    assert chosen.select_one(".draft-note") is None
    assert "profile patient" in chosen.select_one(".verdict").get_text()


def test_an_uploaded_markdown_file_is_checked_as_a_page_not_a_draft(auditor: Auditor) -> None:
    text = "---\ntitle: Knee pain\n---\n\nKnee pain is common. Rest helps. Ice helps too.\n"
    document = document_from_upload("knee.md", text.encode())
    assert document.format == "markdown"
    checked = auditor.check(document, Choices())
    assert checked.profile == "patient" and not checked.left_out


def test_an_uploaded_word_document_is_converted_in_memory(client) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Knee Arthritis", level=1)
    document.add_paragraph("Nearly 1 in 4 adults has arthritis. Common treatments include:")
    document.add_heading("When to See a Doctor", level=2)
    document.add_paragraph("See your doctor when the pain stops you from walking.")
    data = io.BytesIO()
    document.save(data)
    page = fragment(client, data.getvalue(), name="knee.docx", upload="1")
    assert "knee.docx" in page.select_one(".verdict").get_text()
    assert "profile draft" in page.select_one(".verdict").get_text()
    assert "When to See a Doctor" in page.select_one("#text").get_text()


@pytest.mark.parametrize("name, data, says", [
    ("notes.pdf", b"%PDF-1.4", "reads .docx"),
    ("broken.docx", b"not a zip", "not a Word .docx file"),
    ("blank.md", b"   \n", "is empty"),
])
def test_an_unreadable_upload_is_one_sentence_for_the_editor(client, name: str, data: bytes, says: str) -> None:
    page = fragment(client, data, name=name, upload="1")
    assert says in page.select_one(".failure").get_text()


def test_a_draft_over_the_size_limit_is_refused_before_it_is_audited(client) -> None:
    response = client.post("/audit", content=b"a" * (MAX_UPLOAD_BYTES + 1))
    assert response.status_code == 413
    assert "limit" in response.text


def test_hostile_content_is_escaped_text(client) -> None:
    hostile = "Knee pain\n\n<script>alert(1)</script> <img src=x onerror=alert(2)> About 25% of adults have it.\n"
    response = client.post("/audit", content=hostile.encode())
    assert "<script" not in response.text and "onerror=alert" not in response.text.replace("onerror=alert(2)&gt;", "")
    assert "&lt;script&gt;" in response.text
    page = BeautifulSoup(response.text, "html.parser")
    assert not page.select("script, img, [onerror]")


def test_requests_must_name_this_server(client) -> None:
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400  # DNS rebinding
    cross = client.post("/audit", content=DRAFT.encode(), headers={"origin": "https://attacker.example"})
    assert cross.status_code == 403
    same = client.post("/audit", content=DRAFT.encode(), headers={"origin": f"http://{HOST}"})
    assert same.status_code == 200


def test_the_form_works_without_javascript(client) -> None:
    response = client.post("/", data={"text": DRAFT, "keyphrase": "shingles pain", "lang": "", "profile": "auto"})
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("#result #problems") is not None
    assert page.select_one("textarea#draft").get_text().startswith("Shingles")
    assert page.select_one("#keyphrase")["value"] == "shingles pain"


def test_a_bad_field_is_shown_not_raised(auditor: Auditor) -> None:
    checked = auditor.check(document_from_text(DRAFT), Choices(profile="nurse"))
    assert "unknown profile 'nurse'" in checked.failure


def test_auditing_a_draft_writes_nothing(auditor: Auditor, tmp_path: Path) -> None:
    before = sorted(tmp_path.rglob("*"))
    assert auditor.check(document_from_text(DRAFT), Choices()).post
    assert sorted(tmp_path.rglob("*")) == before  # no cache, no history, no temporary file


def test_a_typical_post_is_answered_well_within_a_second(client) -> None:
    import time

    post = (Path(__file__).parents[1] / "examples" / "shingles-nerve-pain.txt").read_text(encoding="utf-8")
    client.post("/audit", content=post.encode())
    started = time.perf_counter()
    for _ in range(3):
        assert client.post("/audit", content=post.encode()).status_code == 200
    assert (time.perf_counter() - started) / 3 < 0.5


def test_check_never_imports_the_web_framework(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("# Knee pain\n\nKnee pain is common. Rest helps.\n", encoding="utf-8")
    probe = ("import sys\nfrom clinic_audit.cli import main\nsys.argv = ['clinic-audit', 'check', '--isolated', sys.argv[1]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'anyio', 'h11'))\n"
             "print('LOADED', loaded)\n")
    run = subprocess.run([sys.executable, "-c", probe, str(post)], capture_output=True, text=True, timeout=60)
    assert "LOADED []" in run.stdout, run.stdout + run.stderr


def test_serve_help_names_the_loopback_default(cli) -> None:
    result = cli("serve", "--help")
    assert result.exit_code == 0
    assert re.search(r"--host TEXT.*default: 127\.0\.0\.1", " ".join(result.output.split()))
    assert "--port" in result.output


def test_check_accepts_the_draft_profile(cli, tmp_path: Path) -> None:
    page = tmp_path / "draft.html"
    page.write_text("<html><head><title>Knee pain relief at home</title></head><body><h1>Knee pain relief at home"
                    "</h1><p>Knee pain is common. Rest helps.</p></body></html>", encoding="utf-8")
    patient = cli("check", "--isolated", "--select", "seo", str(page))
    draft = cli("check", "--isolated", "--select", "seo", "--profile", "draft", str(page))
    assert "missing-lang" in patient.output and "canonical-url" in patient.output
    assert "missing-lang" not in draft.output and "canonical-url" not in draft.output


def test_traffic_lights_follow_the_grade_bands_and_turn_red_on_an_error() -> None:
    from clinic_audit.reports.html_page import light

    assert (light(85).colour, light(85).words) == ("green", "Good")
    assert (light(70).colour, light(70).words) == ("orange", "Could be better")
    assert (light(59).colour, light(59).words) == ("red", "Needs work")
    assert light(95, errors=1).colour == "red"
    assert len({light(s).shape for s in (85, 70, 59)}) == 3  # a shape each, not only a colour


def test_serve_says_so_when_its_port_is_taken(cli) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = cli("serve", "--isolated", "--port", str(taken.getsockname()[1]))
    assert result.exit_code == 2
    assert "cannot listen on 127.0.0.1" in result.output


def test_the_project_configuration_applies_to_drafts(tmp_path: Path) -> None:
    from clinic_audit.config import Config

    (tmp_path / "clinic-audit.toml").write_text('ignore = ["thin-content"]\n[rules.reading-grade]\nmax-grade = 6.0\n',
                                                encoding="utf-8")
    auditor = Auditor.from_config(Config.build(load(), tmp_path))
    checked = auditor.check(document_from_text(DRAFT), Choices())
    assert not [f for f in checked.post["findings"] if f["name"] == "thin-content"]
    assert checked.post["targets"]["flesch_kincaid_grade"]["limit"] == 6.0
