"""Bad input gets one clear line naming the file and the reason; the other inputs are still audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GOOD = "# Knee pain\n\nIce and rest help most sore knees. Call us if it swells.\n"


def _run(cli, tmp_path: Path, name: str, data: bytes, *extra: str):
    bad = tmp_path / name
    bad.write_bytes(data)
    good = tmp_path / "good.md"
    good.write_text(GOOD, encoding="utf-8")
    return cli("check", "--isolated", "-f", "json", str(bad), str(good), *extra)


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("latin1.md", "# Dolor\n\nEl dolor crónico es común.\n".encode("latin-1"), "not valid UTF-8"),
        ("empty.md", b"  \n\n", "empty"),
        ("front.md", b"---\ntitle: [unclosed\n---\n# Hi\n", "invalid YAML front matter"),
        ("list.md", b"---\n- a\n- b\n---\n# Hi\n", "front matter must be a YAML mapping"),
        ("deep.html", b"<div>" * 3000 + b"<p>deep</p>" + b"</div>" * 3000, "nested"),
    ],
)
def test_bad_input_is_one_clear_error_and_others_are_audited(cli, tmp_path, name, data, reason):
    result = _run(cli, tmp_path, name, data)
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [p["source"] for p in report["posts"]] == [str(tmp_path / "good.md")]
    assert len(report["errors"]) == 1
    error = report["errors"][0]
    assert error["source"] == str(tmp_path / name)
    assert reason in error["message"]
    assert "Traceback" not in result.output


def test_oversized_page_is_refused_without_reading_it(cli, tmp_path):
    big = b"<html><body><article>" + b"<p>Words of a very long page.</p>\n" * 700_000 + b"</article></body></html>"
    assert len(big) > 20_000_000
    result = _run(cli, tmp_path, "huge.html", big)
    report = json.loads(result.stdout)
    assert result.exit_code == 2
    assert "over the 5.0 MB limit" in report["errors"][0]["message"]
    assert len(report["posts"]) == 1


def test_declared_charset_is_used(cli, tmp_path):
    page = '<html><head><meta charset="iso-8859-1"></head><body><article><h1>Dolor crónico</h1>' \
           "<p>El dolor crónico dura meses.</p></article></body></html>"
    (tmp_path / "es.html").write_bytes(page.encode("latin-1"))
    result = cli("check", "--isolated", "-f", "json", str(tmp_path / "es.html"))
    report = json.loads(result.stdout)
    assert report["posts"][0]["title"] == "Dolor crónico"


def test_missing_path_is_reported_and_the_rest_audited(cli, tmp_path):
    good = tmp_path / "good.md"
    good.write_text(GOOD, encoding="utf-8")
    result = cli("check", "--isolated", str(tmp_path / "nope.md"), str(good))
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope.md'}: cannot audit: no such file or folder" in result.output
    assert "1 post audited" in result.output


def test_audit_never_writes_beside_the_posts(cli, tmp_path):
    post = tmp_path / "drafts" / "post.md"
    post.parent.mkdir()
    post.write_text(GOOD, encoding="utf-8")
    before = post.read_bytes()
    cli("check", "--isolated", str(post.parent))
    assert post.read_bytes() == before
    assert sorted(p.name for p in post.parent.iterdir()) == ["post.md"]
