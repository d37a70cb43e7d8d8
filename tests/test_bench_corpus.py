"""The real-post benchmark corpus (benchmarks/real_corpus.py), on a tiny corpus written here: tests never read
the development corpus."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
PAGE = ("<!doctype html><html><head><title>Knee care</title></head><body><main class=\"entry-content\">"
        "<h1>Knee care</h1><p>Gentle walking strengthens muscles around painful knees. Stretching every morning "
        "keeps joints supple, and resting swollen knees calms flare-ups.</p></main></body></html>")
NOTE = ("---\ntitle: Sleeping better\n---\n\n# Sleeping better\n\nRegular bedtimes help children settle quickly. "
        "Screens switched off early, quiet reading and darkened bedrooms make restful nights likelier.\n")


@pytest.fixture
def real_corpus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    root = tmp_path / "corpus"
    (root / "clinic").mkdir(parents=True)
    (root / "MANIFEST.tsv").write_text("folder\n", encoding="utf-8")
    (root / "clinic" / "knee.php").write_text(PAGE, encoding="utf-8")
    (root / "clinic" / "sleep.md").write_text(NOTE, encoding="utf-8")
    (root / "clinic" / "logo.png").write_bytes(b"\x89PNG")
    monkeypatch.setenv("CLINIC_AUDIT_CORPUS", str(root))
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import real_corpus as module

    yield module
    sys.modules.pop("real_corpus", None)


def test_real_posts_come_first_then_variants_that_keep_the_markup(real_corpus, tmp_path: Path):
    paths = real_corpus.write_real_corpus(12, tmp_path / "out", seed=3)
    assert [p.suffix for p in paths[:2]] == [".html", ".md"]  # a PHP page is read as HTML; the image is no post
    assert paths[0].read_text(encoding="utf-8") == PAGE and paths[1].read_text(encoding="utf-8") == NOTE
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert len(set(texts)) == len(texts)  # every variant is a distinct post
    for text in texts[2::2]:  # variants of the page: same tags and classes, other words
        assert text.count("<") == PAGE.count("<") and 'class="entry-content"' in text and "doctype html" in text
    for text in texts[3::2]:  # variants of the note: the front matter as it was
        assert text.startswith("---\ntitle: Sleeping better\n---\n")


def test_without_the_corpus_the_benchmarks_skip_cleanly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("CLINIC_AUDIT_CORPUS", str(tmp_path / "nowhere"))
    done = subprocess.run([sys.executable, str(BENCHMARKS / "rule_costs.py"), "--corpus", "real", "--posts", "5"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("skipped: no real-post corpus"), done.stdout + done.stderr
