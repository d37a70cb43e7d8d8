"""Install in one command: ``python -m build`` makes an sdist and a wheel that install into a fresh virtual
environment without the test extras and give a working ``clinic-audit`` (``check`` and ``serve``).

The build runs on a copy of the checkout, so the tree under test is never written to.  The offline test installs
the wheel alone (``--no-deps``) and lends it this environment's dependencies; the ``network`` test installs it
the way a user does, resolving its dependencies from the package index this machine's pip is set up with.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("build", reason="the test extras' `build` is not installed")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shingles-nerve-pain.txt"
IGNORED = shutil.ignore_patterns(".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".clinic-audit",
                                 ".pytest_cache", "tests", "benchmarks")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build`` (sdist, then the wheel built from the sdist) on a copy of the checkout."""
    work = tmp_path_factory.mktemp("build")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    out = work / "dist"
    # --no-isolation: the build backend (setuptools, wheel) comes with the test extras, so no download is needed.
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


def _fresh_venv(where: Path) -> Path:
    venv.EnvBuilder(with_pip=True).create(where)
    return where / "bin"


def _pip(bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           *args], capture_output=True, text=True, timeout=600)


def _cli(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run([str(bin_dir / "clinic-audit"), *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env=env)


def test_the_build_makes_an_sdist_and_a_wheel_holding_every_part(dist: Path) -> None:
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    for part in ("clinic_audit/cli.py", "clinic_audit/serve/app.py", "clinic_audit/data/profiles.toml",
                 "clinic_audit/data/syllables.txt", "clinic_audit/data/config.schema.json",
                 "clinic_audit/rules/data/jargon.toml", "clinic_audit/reports/templates/serve.js",
                 "clinic_audit/reports/templates/post_parts.html"):
        assert part in names, part
    assert not [n for n in names if n.split("/")[0] in ("rules", "reports", "audit", "tests")]
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [line for line in zipfile.ZipFile(wheels[0]).read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert any("starlette" in line for line in requires)  # serve works from a plain install


def _works(bin_dir: Path, tmp_path: Path) -> None:
    post = tmp_path / EXAMPLE.name
    shutil.copy(EXAMPLE, post)
    check = _cli(bin_dir, "check", "--isolated", "--no-cache", post.name, cwd=tmp_path)
    assert check.returncode == 1, check.stdout + check.stderr  # the example is full of defects on purpose
    assert "SC003" in check.stdout and "1 post audited" in check.stdout
    served = _cli(bin_dir, "serve", "--help", cwd=tmp_path)
    assert served.returncode == 0 and "127.0.0.1" in served.stdout, served.stderr
    assert not list(tmp_path.glob(".clinic-audit"))


def test_the_wheel_alone_runs_check_and_serve_in_a_fresh_venv(dist: Path, tmp_path: Path) -> None:
    """Offline: the wheel with --no-deps, its dependencies lent from this environment by a .pth file."""
    bin_dir = _fresh_venv(tmp_path / "venv")
    installed = _pip(bin_dir, "--no-deps", "--no-index", str(next(dist.glob("*.whl"))))
    assert installed.returncode == 0, installed.stderr
    site = next((tmp_path / "venv" / "lib").glob("python3*/site-packages"))
    import starlette

    lender = Path(starlette.__file__).resolve().parents[1]  # this environment's site-packages
    (site / "zz-lent-dependencies.pth").write_text(f"{lender}\n", encoding="utf-8")
    probe = subprocess.run([str(bin_dir / "python"), "-c", "import clinic_audit, sys; print(clinic_audit.__file__)"],
                           capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert probe.stdout.startswith(str(site)), probe.stdout + probe.stderr  # the wheel's copy, not the checkout
    _works(bin_dir, tmp_path)


@pytest.mark.network
def test_a_plain_install_of_the_wheel_resolves_its_dependencies(dist: Path, tmp_path: Path) -> None:
    """As a user installs it: the wheel and its dependencies (no test extras) from this machine's package index."""
    bin_dir = _fresh_venv(tmp_path / "venv")
    installed = _pip(bin_dir, str(next(dist.glob("*.whl"))))
    assert installed.returncode == 0, installed.stderr[-3000:]
    listed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "list", "--format=freeze"],
                            capture_output=True, text=True, timeout=60).stdout.lower()
    assert "pytest" not in listed and "selenium" not in listed  # no test extras
    _works(bin_dir, tmp_path)
