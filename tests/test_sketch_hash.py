"""The near-duplicate sketch: stable across processes, close to the true similarity, and part of the result key."""

from __future__ import annotations

import random
import subprocess
import sys

from clinic_audit import cache, siterules
from clinic_audit.config import Config
from clinic_audit.registry import load
from clinic_audit.siterules import SHINGLE_WORDS, similarity, sketch
from clinic_audit.sources import Document

VOCABULARY = ("knee ankle shoulder pain swelling rest ice physio exercise stretch walk strength week day "
              "doctor clinic visit brace heat sleep posture spine hip muscle tendon joint care plan").split()


def _text(rng: random.Random, words: int) -> list[str]:
    return [rng.choice(VOCABULARY) for _ in range(words)]


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def test_the_sketch_is_the_same_in_another_process():
    # Stored sketches are compared with fresh ones: a per-process hash (Python's hash()) would break that.
    words = _text(random.Random(3), 400)
    code = ("import sys; from clinic_audit.siterules import sketch; "
            "print(','.join(map(str, sketch(sys.stdin.read().split()))))")
    other = subprocess.run([sys.executable, "-c", code], input=" ".join(words), capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": "12345"})
    assert other.stdout.strip() == ",".join(map(str, sketch(words)))
    assert len(sketch(words)) == siterules.SKETCH_SIZE
    assert list(sketch(words)) == sorted(sketch(words))


def test_the_sketch_estimates_the_shared_share_of_shingles():
    rng = random.Random(11)
    for _ in range(20):
        base = _text(rng, 600)
        edited = list(base)
        for _ in range(rng.randrange(5, 60)):  # swap some words: the copy shares most of its shingles
            edited[rng.randrange(len(edited))] = rng.choice(VOCABULARY)
        a, b = _shingles(base), _shingles(edited)
        exact = len(a & b) / len(a | b)
        assert abs(similarity(sketch(base), sketch(edited)) - exact) < 0.2
    assert similarity(sketch(_text(rng, 600)), sketch(["unrelated"] * 5 + _text(random.Random(99), 5))) < 0.1


def test_results_stored_with_another_sketch_hash_are_not_reused(tmp_path, monkeypatch):
    config = Config.build(load(), tmp_path, {}, None, True)
    document = Document("post.md", "# Knee pain\n\nRest the knee for a day.\n", "markdown")
    before = cache.result_key(document, config)
    monkeypatch.setattr(siterules, "SKETCH_HASH", "another-hash")
    assert cache.result_key(document, config) != before
