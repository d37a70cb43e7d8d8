"""Rule plugins: a distribution declaring an entry point in the ``clinic_audit.rules`` group adds its rules; without
one, a run never imports ``importlib.metadata``."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from clinic_audit import registry

PLUGIN = '''"""A rule pack."""
from clinic_audit.rule import Hit, rule


@rule("XP901", "no-kittens", "trust", "info")
def no_kittens(post, opts):
    """The post mentions kittens."""
    if "kitten" in post.text.lower():
        yield Hit(1, "kittens are mentioned")


RULES = (no_kittens,)
'''


@pytest.fixture
def fresh_registry():
    registry.load.cache_clear()
    yield
    registry.load.cache_clear()


def _install(site: Path, entry_points_text: str | None) -> None:
    """A distribution in ``site`` as pip writes one: the module and its dist-info."""
    site.mkdir()
    (site / "kittens_rules.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "kittens_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kittens-rules\nVersion: 1.0\n", encoding="utf-8")
    if entry_points_text is not None:
        (info / "entry_points.txt").write_text(entry_points_text, encoding="utf-8")


def test_a_plugin_on_the_path_adds_its_rules(tmp_path, monkeypatch, fresh_registry):
    _install(tmp_path / "site", "[console_scripts]\nkittens = kittens_rules:main\n\n"
             "[clinic_audit.rules]\nkittens = kittens_rules\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert registry.plugins_may_be_installed()
    assert registry.load().get("XP901") is not None


@pytest.mark.parametrize("declared", [None, "[console_scripts]\nkittens = kittens_rules:main\n"])
def test_a_distribution_without_the_group_adds_nothing(tmp_path, monkeypatch, fresh_registry, declared):
    _install(tmp_path / "site", declared)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert registry.load().get("XP901") is None
    if not registry.plugins_may_be_installed():
        assert not list(entry_points(group=registry.ENTRY_POINT_GROUP))  # the shortcut agrees with the full search


def test_a_zip_on_the_path_is_left_to_importlib_metadata(tmp_path, monkeypatch):
    (tmp_path / "plugins.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip archive
    monkeypatch.syspath_prepend(str(tmp_path / "plugins.zip"))
    assert registry.plugins_may_be_installed()


def test_a_path_entry_that_is_not_text_is_left_to_importlib_metadata(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path).encode()])
    assert registry.plugins_may_be_installed()


def test_another_distribution_finder_is_left_to_importlib_metadata(monkeypatch):
    class Finder:
        def find_spec(self, *args: object) -> None:
            return None

        def find_distributions(self, *args: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    assert registry.plugins_may_be_installed()


def test_a_run_without_plugins_never_imports_importlib_metadata(tmp_path):
    (tmp_path / "a.md").write_text("# Knee pain\n\nRest helps.\n", encoding="utf-8")
    code = ("import sys; from clinic_audit.cli import main\n"
            "try:\n    main(['check', '--isolated', '.'])\nexcept SystemExit:\n    pass\n"
            "from clinic_audit.registry import plugins_may_be_installed\n"
            "print('METADATA', 'importlib.metadata' in sys.modules, 'PLUGINS', plugins_may_be_installed())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    if "PLUGINS True" in out.stdout:  # asked in a fresh interpreter: this one's imports may have added finders
        pytest.skip("a rule plugin may be installed here")
    assert "METADATA False PLUGINS False" in out.stdout, out.stdout + out.stderr
