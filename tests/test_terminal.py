"""What people see in a terminal: progress never shares a line with findings, --quiet, NO_COLOR."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

POST = "# Knee pain\n\nKnee pain is common.\n\n- Rest\n-\n"  # one error finding (an empty item) per post


def _visible_lines(raw: str) -> list[str]:
    """Each terminal line as it ends up on screen: a carriage return starts over, ESC[K clears the rest."""
    lines = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        shown = ""
        for part in line.split("\r"):
            part = part.replace("\x1b[K", "")
            shown = part + shown[len(part):] if part else shown
        lines.append(re.sub(r"\x1b\[[0-9;]*m", "", shown))
    return lines


def _run_on_terminal(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run clinic-audit with stdout and stderr on one pseudo-terminal; everything it showed."""
    leader, follower = pty.openpty()
    cli = shutil.which("clinic-audit", path=str(Path(sys.executable).parent)) or "clinic-audit"
    process = subprocess.Popen([cli, *args], stdout=follower, stderr=follower,
                               stdin=subprocess.DEVNULL, cwd=cwd, env={**os.environ, **(env or {})})
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    for n in range(30):
        (posts / f"post-{n:02}.md").write_text(POST, encoding="utf-8")
    return posts


def test_progress_and_findings_never_share_a_line(folder: Path) -> None:
    shown = _visible_lines(_run_on_terminal(["check", str(folder), "--isolated", "--no-cache", "--jobs", "1"],
                                            folder.parent))
    findings = [line for line in shown if ".md:" in line]
    assert len(findings) >= 30
    assert not any("posts/s" in line for line in findings)


def test_quiet_prints_findings_only(folder: Path) -> None:
    shown = _visible_lines(_run_on_terminal(["check", str(folder), "--isolated", "--no-cache", "--quiet"],
                                            folder.parent))
    assert any(".md:" in line for line in shown)
    assert not any("score" in line or "posts audited" in line or "posts/s" in line for line in shown)


def test_no_color_turns_colour_off_on_a_terminal(folder: Path) -> None:
    coloured = _run_on_terminal(["check", str(folder / "post-00.md"), "--isolated", "--no-cache"], folder.parent)
    plain = _run_on_terminal(["check", str(folder / "post-00.md"), "--isolated", "--no-cache"], folder.parent,
                             {"NO_COLOR": "1"})
    assert "\x1b[31m" in coloured or "\x1b[1m" in coloured
    assert "\x1b[3" not in plain and "\x1b[1m" not in plain
