"""A plain `pip install .` works: one `clinic_audit` namespace, data files included, no generic top-level names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_pip_install_ships_one_namespace_with_its_data(tmp_path):
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT)],
        capture_output=True, text=True, timeout=240,
    )
    assert install.returncode == 0, install.stderr
    top_level = {p.name for p in target.iterdir() if not p.name.endswith((".dist-info", ".egg-info"))}
    assert "clinic_audit" in top_level
    assert not top_level & {"rules", "reports", "audit"}, top_level
    package = target / "clinic_audit"
    for data in ("data/syllables.txt", "data/profiles.toml", "rules/data/jargon.toml", "rules/readability.py"):
        assert (package / data).is_file(), data

    post = tmp_path / "post.md"
    post.write_text("# Knee pain\n\nSigns may include:\n\n## Care\n\nRest helps.\n\n- Ice\n-\n", encoding="utf-8")
    # The installed copy comes first on the path, ahead of the editable checkout.
    run = subprocess.run(
        [sys.executable, "-c",
         "import sys, clinic_audit; assert clinic_audit.__file__.startswith(sys.argv[1]), clinic_audit.__file__;"
         "from clinic_audit.cli import main; sys.argv = ['clinic-audit', 'check', '--isolated', sys.argv[2]]; main()",
         str(target), str(post)],
        capture_output=True, text=True, timeout=60, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 1, run.stderr
    assert "SC002" in run.stdout
