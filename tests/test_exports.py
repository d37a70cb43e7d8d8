"""Exports an agency hands to a client: CSV (one row per finding) and an Excel workbook, both formula-safe."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from openpyxl import load_workbook

POST = """---
title: "=HYPERLINK(\\"http://evil.example/a/long/path/to/nowhere\\",\\"click here for the answer\\")"
description: Knee pain advice.
---

# Knee pain

Signs may include:

## Care

About 30% of adults have knee pain.

- Ice
-
"""
CLEAN = "# Hip care\n\nRest the hip and keep it moving gently each day.\n"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "knee.md").write_text(POST, encoding="utf-8")
    (folder / "hip.md").write_text(CLEAN, encoding="utf-8")
    (folder / "empty.md").write_text("", encoding="utf-8")
    return folder


def test_csv_has_one_row_per_finding_and_a_row_per_input_not_audited(cli, tmp_path: Path):
    folder = _folder(tmp_path)
    result = cli("check", "--isolated", "-f", "csv", str(folder))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    as_json = json.loads(cli("check", "--isolated", "-f", "json", str(folder)).stdout)
    expected = sum(len(p["findings"]) for p in as_json["posts"]) + len(as_json.get("site", {}).get("findings", []))
    assert len([r for r in rows if r["rule"] != "input"]) == expected
    assert [r["source"] for r in rows if r["rule"] == "input"] == [str(folder / "empty.md")]
    assert {"SC003", "SC002"} <= {r["rule"] for r in rows}


def test_cells_that_a_spreadsheet_would_run_are_neutralised(cli, tmp_path: Path):
    folder = _folder(tmp_path)
    rows = list(csv.DictReader(io.StringIO(cli("check", "--isolated", "-f", "csv", str(folder)).stdout)))
    excerpts = [r["excerpt"] for r in rows if "HYPERLINK" in r["excerpt"]]
    assert excerpts and all(e.startswith("'=") for e in excerpts)


def test_the_workbook_has_posts_findings_and_site_sheets(cli, tmp_path: Path):
    folder = _folder(tmp_path)
    book_path = tmp_path / "audit.xlsx"
    result = cli("check", "--isolated", str(folder), "--xlsx", str(book_path), "--select", "ALL")
    assert result.exit_code == 2  # the empty post was not audited; the workbook is still written
    book = load_workbook(book_path, read_only=True)
    assert book.sheetnames == ["Posts", "Findings", "Site findings", "Not audited"]
    posts = list(book["Posts"].values)
    assert posts[0][:3] == ("source", "title", "status") and len(posts) == 3
    assert [row[1] for row in posts[1:] if "HYPERLINK" in str(row[1])][0].startswith("'=")
    findings = list(book["Findings"].values)
    assert findings[0][3] == "rule" and any(row[3] == "SC003" for row in findings[1:])
    assert [row[0] for row in list(book["Not audited"].values)[1:]] == [str(folder / "empty.md")]
    assert all(not str(c).startswith("=") for row in findings for c in row if c is not None)
    assert oct(os.stat(book_path).st_mode & 0o777) != oct(0o600)  # an ordinary file, not a private temporary one
