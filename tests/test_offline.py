"""Auditing local files never touches the network, and textstat's NLTK download is never triggered."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

POST = """---
title: Nerve pain in the feet
---

Nerve pain in the feet is common in people with diabetes. It can burn, tingle or feel numb.
High blood sugar over many years can damage the small nerves. Good control of blood sugar helps.
Check your feet every day. Wear shoes that fit well. See your doctor if a sore does not heal.
About 50% of people with diabetes develop some nerve damage, according to the [CDC](https://www.cdc.gov/diabetes/).
Pain medicine, creams and gentle exercise can ease the pain. Ask us which one suits you.
"""

# Every way out is closed: sockets cannot connect and names cannot be resolved.
GUARD = textwrap.dedent(
    """
    import socket, sys
    def refuse(*args, **kwargs):
        raise OSError("network is unreachable (offline test)")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    from clinic_audit.cli import main
    try:
        main()
    finally:
        print("NLTK-IMPORTED" if "nltk" in sys.modules else "NLTK-ABSENT", file=sys.stderr)
    """
)


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NLTK_DATA": str(tmp_path / "no-nltk-data")}
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)


def test_english_post_is_audited_with_sockets_refused(tmp_path):
    post = tmp_path / "post.md"
    post.write_text(POST, encoding="utf-8")
    result = _run([sys.executable, "-c", GUARD, "check", "--isolated", "-f", "json", str(post)], tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "NLTK-ABSENT" in result.stderr
    metrics = json.loads(result.stdout)["posts"][0]["metrics"]
    assert metrics["sentences"] == 10 and metrics["smog_index"] > 0


@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare (util-linux) is not installed")
def test_cli_runs_in_a_namespace_without_network(tmp_path):
    post = tmp_path / "post.md"
    post.write_text(POST, encoding="utf-8")
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not available here")
    command = [sys.executable, "-m", "clinic_audit.cli", "check", "--isolated", "-f", "json", str(post)]
    result = _run(["unshare", "-rn", *command], tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["posts"][0]["metrics"]["words"] > 50
