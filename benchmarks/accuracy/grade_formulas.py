"""Which reading-grade verdict agrees with editors?  Candidate ways of combining the formulas, scored
against the ``reading-grade`` labels (an editor's "harder than grade 8 for patients": true or false).

    python benchmarks/accuracy/grade_formulas.py [CORPUS]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (the harness beside this file)

CANDIDATES = {
    "mean(SMOG, FK) > 8 (before)": lambda m: (m["smog_index"] + m["flesch_kincaid_grade"]) / 2 > 8,
    "FK > 8": lambda m: m["flesch_kincaid_grade"] > 8,
    "SMOG > 8": lambda m: m["smog_index"] > 8,
    "SMOG > 10": lambda m: m["smog_index"] > 10,
    "median(FK, SMOG, CLI, ARI) > 8": lambda m: statistics.median(
        [m["flesch_kincaid_grade"], m["smog_index"], m["coleman_liau_index"], m["automated_readability_index"]]) > 8,
    "median(FK, CLI, ARI) > 8": lambda m: statistics.median(
        [m["flesch_kincaid_grade"], m["coleman_liau_index"], m["automated_readability_index"]]) > 8,
    "FK > 8 and SMOG > 10": lambda m: m["flesch_kincaid_grade"] > 8 and m["smog_index"] > 10,
    "median(FK, SMOG-2, CLI, ARI) > 8": lambda m: statistics.median(
        [m["flesch_kincaid_grade"], m["smog_index"] - 2, m["coleman_liau_index"], m["automated_readability_index"]]) > 8,
}


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else run.DEFAULT_CORPUS
    if not corpus.is_dir():
        print(f"no corpus at {corpus}: skipped")
        return 0
    labels = [l for l in run.read_labels(HERE / "labels") if l.rule in ("reading-grade", "RD001")]
    posts, _ = run.audit(corpus, sorted({l.file for l in labels}), ["clinic-audit"])
    truth = {l.file: l.verdict for l in labels if l.file in posts and posts[l.file]["language"] == "en"}
    print(f"{len(truth)} English posts with a reading-grade label ({sum(truth.values())} hard)\n")
    print("| verdict | agree | precision | recall |\n|---|---|---|---|")
    for name, verdict in CANDIDATES.items():
        said = {f: verdict(posts[f]["metrics"]) for f in truth}
        tp = sum(1 for f in truth if said[f] and truth[f])
        fp = sum(1 for f in truth if said[f] and not truth[f])
        fn = sum(1 for f in truth if not said[f] and truth[f])
        agree = sum(1 for f in truth if said[f] == truth[f]) / len(truth)
        print(f"| {name} | {agree:.2f} | {tp / (tp + fp) if tp + fp else 0:.2f} | {tp / (tp + fn) if tp + fn else 0:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
