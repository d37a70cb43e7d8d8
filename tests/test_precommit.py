"""The pre-commit hook from this checkout, run by the real pre-commit tool in a throw-away git repository.

pre-commit builds the hook's environment with pip, so this test reaches the
package registry: it is marked ``network`` (deselect offline with
``-m 'not network'``).  Only the pre-commit subprocesses use the network; the
test process itself stays behind the socket guard.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.network,
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs this checkout as a git repository"),
]

DRAFT = """# Sciatica

Sciatica pain runs down the leg. About 40% of adults get it at some point.

## Causes

Signs may include:

- pain in the buttock or leg
-

## Care

Rest helps.
"""
FIXED = DRAFT.replace("some point.", "some point ([NHS](https://www.nhs.uk/conditions/sciatica/)).").replace(
    "- pain in the buttock or leg\n-\n", "- pain in the buttock or leg\n- numbness or tingling\n")
GOOD = "# Knee pain\n\nMost knee pain gets better with rest.\n\n## Care\n\nIce the knee for 15 minutes.\n"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}  # e.g. when pytest runs inside a hook
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"), GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="t@example.org", NO_COLOR="1")
    return env


def _run(args: list[str], repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def _commit(repo: Path, env: dict[str, str], *paths: str) -> subprocess.CompletedProcess[str]:
    _run(["git", "add", *paths], repo, env)
    return _run(["git", "commit", "-m", "update posts"], repo, env)


def test_hook_refuses_a_bad_draft_accepts_the_fix_and_honours_a_baseline(tmp_path):
    repo = tmp_path / "site"
    repo.mkdir()
    env = _env(tmp_path)
    pre_commit = [sys.executable, "-m", "pre_commit"]
    assert _run(["git", "init", "-q"], repo, env).returncode == 0
    (repo / "draft.md").write_text(DRAFT, encoding="utf-8")
    (repo / "notes.py").write_text("x = 1  # not a post: the hook must not see it\n", encoding="utf-8")

    # try-repo: the hook as declared in this checkout's .pre-commit-hooks.yaml.
    tried = _run([*pre_commit, "try-repo", str(ROOT), "clinic-audit", "--files", "draft.md", "notes.py"], repo, env)
    assert tried.returncode == 1, tried.stdout + tried.stderr
    assert "draft.md:10:1 SC003 error" in tried.stdout and "[empty-list-item]" in tried.stdout
    assert "draft.md:3:34 CI001 warning" in tried.stdout and "[uncited-statistic]" in tried.stdout
    assert "notes.py" not in tried.stdout.replace("--files draft.md notes.py", "")

    # A normal `repo:` entry pinned to this checkout's commit, installed as the git hook.
    rev = _run(["git", "rev-parse", "HEAD"], ROOT, env).stdout.strip()
    config = f"repos:\n  - repo: {ROOT}\n    rev: {rev}\n    hooks:\n      - id: clinic-audit\n"
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    assert _run([*pre_commit, "install"], repo, env).returncode == 0
    refused = _commit(repo, env, ".pre-commit-config.yaml", "draft.md", "notes.py")
    assert refused.returncode != 0
    assert "draft.md:10:1 SC003 error" in refused.stdout + refused.stderr
    assert "draft.md:3:34 CI001 warning" in refused.stdout + refused.stderr

    (repo / "draft.md").write_text(FIXED, encoding="utf-8")
    accepted = _commit(repo, env, ".pre-commit-config.yaml", "draft.md", "notes.py")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr

    # An old post committed before the hook was adopted; a baseline accepts its findings.
    (repo / "old.md").write_text(DRAFT.replace("Sciatica", "Back pain"), encoding="utf-8")
    assert _run(["git", "add", "old.md"], repo, env).returncode == 0
    assert _run(["git", "commit", "-q", "--no-verify", "-m", "old post"], repo, env).returncode == 0
    (repo / "old.md").write_text("# Back pain\n\nUpdated in 2026.\n" + (repo / "old.md").read_text()[len("# Back pain\n"):],
                                 encoding="utf-8")  # an edit elsewhere moves the old findings down two lines
    without_baseline = _commit(repo, env, "old.md")
    assert without_baseline.returncode != 0
    assert "old.md:12:1 SC003 error" in without_baseline.stdout + without_baseline.stderr

    recorded = _run([sys.executable, "-m", "clinic_audit.cli", "check", "--write-baseline", "clinic-audit-baseline.json",
                     "old.md"], repo, env)
    assert recorded.returncode == 1 and (repo / "clinic-audit-baseline.json").exists(), recorded.stderr
    args = "        args: [--quiet, --baseline, clinic-audit-baseline.json]\n"
    (repo / ".pre-commit-config.yaml").write_text(config + args, encoding="utf-8")
    (repo / "knee.md").write_text(GOOD, encoding="utf-8")
    passed = _commit(repo, env, ".pre-commit-config.yaml", "clinic-audit-baseline.json", "old.md", "knee.md")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _run([*pre_commit, "run", "--all-files"], repo, env).returncode == 0
