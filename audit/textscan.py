"""Find which of many short texts a pattern can match, with one search instead of one per text.

Rules test each sentence, list item or paragraph of a post against word-list
patterns, and almost none of them match.  Calling ``pattern.search`` a few
hundred times per post costs more than the scan itself, so ``TextIndex`` joins
the texts with newlines, searches the joined text once, and hands back the
indices of the texts where a match starts.  Rules then run their exact,
per-text check on those few texts only, so results are unchanged.

Most rule patterns are word lists, and every match of such a pattern contains
one of a few literal words ("ketamine", "percent", "according to").  Those
literals are read from the compiled pattern, and ``str.find`` looks for them in
the lower-cased joined text, which is many times faster than the regex engine
trying every alternative at every position; a text that holds none of them
cannot match.  A pattern with no such literal (``\\d+``) is searched with the
regex instead.  (Lower-casing never hides a match, except for the rare letters
that case-insensitive matching folds but ``str.lower`` does not, such as "ſ".)

The candidates are never fewer than the texts the pattern matches on its own:
after a match, the search restarts at the next text, so a match that runs across
a newline can add a false candidate but never hide a real one; ``^`` and ``$``
are searched in multiline mode so they hold at every text's start and end.  A
pattern using ``\\A`` or ``\\Z``, or a negative lookaround a newline would fail
(``(?!\\s)``), gets every index (checked per text, as before).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from re import _constants as sre, _parser as sre_parse  # the regex parser of Python 3.11+
from typing import Iterable, Sequence

_JOINER = "\n"
_ANY_DIGIT = "\\d"  # marks a set read from \d, which matches every script's digits, not only 0-9
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
_MIN_LITERAL = 2  # a one-letter literal occurs nearly everywhere; the regex is quicker then
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)


# What every match of a pattern contains: for at least one alternative, a literal of each set.
Conjunction = tuple[frozenset[str], ...]
_MAX_SETS = 3  # sets tried per alternative, rarest first; more rarely narrows further
_FEW = 8  # once the candidates are under 1/_FEW of the texts, later sets are looked for in those texts only


@lru_cache(maxsize=1024)
def _parsed(pattern: re.Pattern[str]) -> object | None:
    """The pattern's parse tree (read by ``requirement`` and ``reach``, parsed once), or None if unreadable."""
    if not isinstance(pattern.pattern, str):
        return None
    try:
        return sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unreadable pattern is simply searched with the regex
        return None


@lru_cache(maxsize=512)
def requirement(pattern: re.Pattern[str]) -> tuple[Conjunction, ...] | None:
    """Lower-cased literals every match of ``pattern`` contains, or None if they cannot be read.

    One conjunction per top-level alternative; a match of that alternative holds at least one
    literal of each of its sets.  ``\\bcur(?:e|ed)\\b|miracle`` gives (({"cure"},), ({"miracle"},));
    ``\\d+\\s(?:million|billion)`` gives (({"0",…,"9"}, {"million", "billion"}),); ``[a-z]+`` gives None.
    """
    parsed = _parsed(pattern)
    if parsed is None:
        return None
    alternatives = _alternatives(list(parsed))
    if not alternatives or not all(alternatives):
        return None
    return tuple(tuple(frozenset(s.lower() for s in literals) for literals in conj) for conj in alternatives)


def _alternatives(items: list[tuple[object, object]]) -> list[Conjunction]:
    """A pattern that is one alternation (maybe inside a group) gives a conjunction per branch."""
    core = [(op, arg) for op, arg in items if op not in _ZERO_WIDTH]
    if len(core) == 1 and core[0][0] is sre.BRANCH:
        return [conj for branch in core[0][1][1] for conj in _alternatives(list(branch))]  # type: ignore[index]
    if len(core) == 1 and core[0][0] is sre.SUBPATTERN:
        return _alternatives(list(core[0][1][-1]))  # type: ignore[index]
    return [_conjunction(items)]


def _conjunction(items: list[tuple[object, object]]) -> Conjunction:
    """Every usable set of literals a parsed sequence must contain: runs of literal text and what groups require."""
    sets: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in items + [(None, None)]:
        if op is sre.LITERAL:
            run.append(chr(arg))  # type: ignore[arg-type]
            continue
        if op in _REPEATS and arg[0] >= 1 and [o for o, _ in arg[2]] == [sre.LITERAL]:  # type: ignore[index]
            run.append(chr(arg[2][0][1]) * arg[0])  # type: ignore[index]  # "XX+" needs "XX"
        if run:
            sets.append(frozenset({"".join(run)}))
            run = []
        if op is sre.SUBPATTERN:
            sets.extend(_conjunction(list(arg[-1])))  # type: ignore[index]
        elif op is sre.BRANCH:
            branches = [_conjunction(list(branch)) for branch in arg[1]]  # type: ignore[index]
            if all(branches):  # one set for the alternation: the rarest set of each branch, pooled
                sets.append(frozenset().union(*(max(branch, key=_rarity) for branch in branches)))
        elif op in _REPEATS and arg[0] >= 1:  # type: ignore[index]
            sets.extend(_conjunction(list(arg[2])))  # type: ignore[index]
        elif op is sre.IN:
            chars = _characters(list(arg))  # type: ignore[arg-type]
            if chars:
                sets.append(chars)
    return tuple(s for s in sets if _usable(s))


def _usable(strings: frozenset[str]) -> bool:
    """Literals worth looking for: no single letter or space (they are everywhere), no newline (the joiner)."""
    return all(len(s) >= _MIN_LITERAL or not (s.isalpha() or s.isspace()) for s in strings) and not any("\n" in s for s in strings)


_COMMON_MARKS = frozenset(",.-'’")


@lru_cache(maxsize=4096)
def _rarest_first(conjunction: Conjunction) -> tuple[frozenset[str], ...]:
    """The conjunction's literal sets, rarest first, at most the few worth looking up (the same every post)."""
    return tuple(sorted(conjunction, key=_rarity, reverse=True)[:_MAX_SETS])


def _rarity(strings: frozenset[str]) -> tuple[float, int]:
    """How rare a set of literals is in prose: short words ("in", "the") and commas are common; digits
    and other symbols ("%", "(") rarer; longer literals rarer still."""
    def one(s: str) -> float:
        if any(c.isalpha() for c in s):
            return len(s) - 1.5
        if len(s) == 1:
            return 0.5 if s in _COMMON_MARKS else 1.0 if s.isdigit() else 1.5
        return 2.0
    return min(one(s) for s in strings), -len(strings)


def _characters(arg: list[tuple[object, object]]) -> frozenset[str] | None:
    """The characters a small character class ([Aa], [0-9], \\d) matches, or None for a large or negated one."""
    chars: set[str] = set()
    for op, value in arg:
        if op is sre.LITERAL:
            chars.add(chr(value))  # type: ignore[arg-type]
        elif op is sre.RANGE and value[1] - value[0] < 10:  # type: ignore[index,operator]
            chars.update(chr(c) for c in range(value[0], value[1] + 1))  # type: ignore[index]
        elif op is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
            chars.update("0123456789")
            chars.add(_ANY_DIGIT)  # \d also matches other scripts' digits: see TextIndex._texts_holding
        else:
            return None
    return frozenset(chars)


@lru_cache(maxsize=256)
def _character_class(characters: frozenset[str]) -> re.Pattern[str]:
    """A pattern matching any one of ``characters`` (single characters, taken literally)."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(characters)) + "]")


_MAX_WINDOWS = 256  # more occurrences of a pattern's literals than this: one search of the whole text is as quick
_MAX_REACH = 2000  # longest match (characters) worth searching by windows


@lru_cache(maxsize=1024)
def reach(pattern: re.Pattern[str], single_spaced: bool = False) -> tuple[int, int] | None:
    """(longest match, characters an assertion at its end may read) when both are bounded; None otherwise, or
    when the pattern can match at the end of the text (``$``, ``\\Z``), which a window's end would fake.

    In a ``single_spaced`` text (every whitespace run is one space) a repeat of whitespace (``\\s+``) matches
    at most one character, so it does not make the pattern unbounded."""
    source, parsed = pattern.pattern, _parsed(pattern)
    if parsed is None or "$" in source or "\\Z" in source:
        return None
    longest, ahead = _widths(list(parsed), single_spaced)
    if longest > _MAX_REACH or ahead > _MAX_REACH:
        return None
    return longest, ahead + 1  # + 1: a word boundary reads the character after the match


_UNBOUNDED = 1 << 40
_UNIT = (sre.ANY, sre.RANGE, sre.IN, sre.LITERAL, sre.NOT_LITERAL, sre.CATEGORY)
_ANY_REPEAT = (*_REPEATS, sre.POSSESSIVE_REPEAT)


def _widths(items: list[tuple[object, object]], single_spaced: bool) -> tuple[int, int]:
    """(widest match, widest lookahead) of a parsed sequence; ``_UNBOUNDED`` or more for no bound."""
    longest = ahead = 0
    for op, arg in items:
        if op in _UNIT:
            longest += 1
        elif op is sre.BRANCH:
            parts = [_widths(list(branch), single_spaced) for branch in arg[1]]  # type: ignore[index]
            longest += max(w for w, _ in parts)
            ahead = max(ahead, *(a for _, a in parts))
        elif op is sre.SUBPATTERN or op is sre.ATOMIC_GROUP:
            inner = arg[-1] if op is sre.SUBPATTERN else arg  # type: ignore[index]
            width, inner_ahead = _widths(list(inner), single_spaced)  # type: ignore[arg-type]
            longest, ahead = longest + width, max(ahead, inner_ahead)
        elif op in _ANY_REPEAT:
            low, high, body = arg  # type: ignore[misc]
            width, inner_ahead = _widths(list(body), single_spaced)
            if single_spaced and _is_space(body):
                high = min(high, 1)  # no two whitespace characters in a row
            longest += _UNBOUNDED if (high == sre.MAXREPEAT and width) else width * high
            ahead = max(ahead, inner_ahead)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, body = arg  # type: ignore[misc]
            width, inner_ahead = _widths(list(body), single_spaced)
            ahead = max(ahead, inner_ahead, width if direction == 1 else 0)
        elif op is sre.AT:
            continue
        else:  # back-references, conditionals: not worth bounding
            return _UNBOUNDED, _UNBOUNDED
    return min(longest, _UNBOUNDED), min(ahead, _UNBOUNDED)


def _is_space(body: object) -> bool:
    """True for a repeat's body that matches only whitespace (``\\s``, ``[ \\t]``, a space)."""
    items = list(body)  # type: ignore[call-overload]
    if len(items) != 1:
        return False
    op, arg = items[0]
    if op is sre.LITERAL:
        return chr(arg).isspace()
    if op is sre.IN:
        return all((kind is sre.LITERAL and chr(value).isspace()) or (kind is sre.CATEGORY and value is sre.CATEGORY_SPACE)
                   for kind, value in arg)
    return False


# A negative lookaround that a newline could fail ("(?!\\s)" holds at a text's end, not before the joiner).
_SEES_JOINER = re.compile(r"\(\?<?!(?:[^()\\]|\\.)*?(?:\\s|\\n|\\W|\[\^)")


@lru_cache(maxsize=512)
def _joined_form(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The pattern as searched over joined texts, or None when it must be tried text by text."""
    source = pattern.pattern
    if not isinstance(source, str) or "\\A" in source or "\\Z" in source or _SEES_JOINER.search(source):
        return None
    if "^" in source or "$" in source:
        return re.compile(source, pattern.flags | re.MULTILINE)
    return pattern


def _outside_word(text: str, at: int) -> bool:
    """True when position ``at`` is outside ``text`` or holds no word character nor hyphen."""
    if at < 0 or at >= len(text):
        return True
    char = text[at]
    return not (char.isalnum() or char in "_-")


class TextIndex:
    """A sequence of texts that can be searched in one pass."""

    __slots__ = ("texts", "_joined", "_starts", "_lowered", "_found", "_holding", "_digits", "_spaced")

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = tuple(texts)
        starts: list[int] = []
        position = 0
        for text in self.texts:
            starts.append(position)
            position += len(text) + len(_JOINER)
        self._starts = starts
        self._joined = _JOINER.join(self.texts)
        lowered = self._joined.lower()
        # lower() lengthens a few characters ("İ"); positions would then drift, so those posts use the regex
        self._lowered = lowered if len(lowered) == len(self._joined) else None
        self._found: dict[re.Pattern[str], list[int]] = {}  # several rules ask for the same pattern
        self._holding: dict[frozenset[str], set[int]] = {}
        self._digits: bool | None = None
        self._spaced: bool | None = None

    def candidates(self, pattern: re.Pattern[str]) -> list[int]:
        """Indices, in order, of the texts where ``pattern`` may match; every text it matches is among them."""
        if pattern not in self._found:
            self._found[pattern] = self._search(pattern)
        return list(self._found[pattern])

    def _search(self, pattern: re.Pattern[str]) -> list[int]:
        needs = requirement(pattern)
        if needs is not None and self._lowered is not None:
            return self._containing(needs)
        joined_form = _joined_form(pattern)
        if joined_form is None:
            return list(range(len(self.texts)))
        return self._texts_matching(joined_form, self._joined)

    def _containing(self, needs: tuple[Conjunction, ...]) -> list[int]:
        found: set[int] = set()
        for conjunction in needs:
            texts: set[int] | None = None
            for literals in _rarest_first(conjunction):
                if texts is not None and literals not in self._holding and len(texts) * _FEW < len(self.texts):
                    texts = {i for i in texts if self._holds(i, literals)}  # a few texts left: look in those only
                else:
                    holding = self._texts_holding(literals)
                    texts = holding if texts is None else texts & holding
                if not texts:
                    break
            found |= texts or set()
        return sorted(found)

    def _holds(self, index: int, literals: frozenset[str]) -> bool:
        """True when text ``index`` holds one of ``literals`` (lower-cased)."""
        if _ANY_DIGIT in literals and self._other_digits():
            return True
        start = self._starts[index]
        end, lowered = start + len(self.texts[index]), self._lowered
        assert lowered is not None
        return any(lowered.find(literal, start, end) != -1 for literal in literals)

    def _texts_holding(self, literals: frozenset[str]) -> set[int]:
        """Indices of the texts that hold one of ``literals`` (lower-cased), found with str.find."""
        if literals not in self._holding and _ANY_DIGIT in literals and self._other_digits():
            self._holding[literals] = set(range(len(self.texts)))  # digits outside 0-9: every text may match
        if literals not in self._holding:
            found: set[int] = set()
            starts, count, text = self._starts, len(self.texts), self._lowered
            assert text is not None
            wanted = literals - {_ANY_DIGIT}  # the marker's other-script digits are absent (checked above)
            if all(len(literal) == 1 for literal in wanted):  # digits, "%": one pass for the whole set
                self._holding[literals] = set(self._texts_matching(_character_class(wanted), text))
                return self._holding[literals]
            for literal in wanted:
                position = text.find(literal)
                while position != -1:
                    index = bisect_right(starts, position) - 1
                    found.add(index)
                    position = text.find(literal, starts[index + 1]) if index + 1 < count else -1
            self._holding[literals] = found
        return self._holding[literals]

    def _texts_matching(self, pattern: re.Pattern[str], joined: str) -> list[int]:
        """Indices, in order, of the texts where ``pattern`` matches in ``joined`` (the texts joined, or lower-cased
        and joined); after a match the search jumps to the next text, so it costs one search per text found."""
        found: list[int] = []
        starts, count = self._starts, len(self.texts)
        match = pattern.search(joined)
        while match is not None:
            index = bisect_right(starts, match.start()) - 1
            found.append(index)
            match = pattern.search(joined, starts[index + 1]) if index + 1 < count else None
        return found

    def search(self, pattern: re.Pattern[str], index: int) -> re.Match[str] | None:
        """``pattern.search(self.texts[index])``, the same match, found by searching only the windows around the
        literal words every match holds.  A match is at most ``longest`` characters and holds one of those
        words, so it lies in a window reaching ``longest`` either side of one; a window reads ``ahead``
        characters more, so assertions at a match's end see what they would see in the whole text."""
        text = self.texts[index]
        windows = self._windows(pattern, index)
        if windows is None:
            return pattern.search(text)
        for start, end in windows:
            match = pattern.search(text, start, end)
            if match is not None:
                return match
        return None

    def _windows(self, pattern: re.Pattern[str], index: int) -> list[tuple[int, int]] | None:
        """Merged (start, end) windows of text ``index`` holding every match of ``pattern``; None: search it whole."""
        needs, bounds, lowered = requirement(pattern), reach(pattern, self._single_spaced()), self._lowered
        if needs is None or bounds is None or lowered is None:
            return None
        longest, ahead = bounds
        base, size = self._starts[index], len(self.texts[index])
        spans: list[tuple[int, int]] = []
        for conjunction in needs:
            literals = _rarest_first(conjunction)[0]  # every match of this alternative holds one of these
            if _ANY_DIGIT in literals and self._other_digits():
                return None
            for literal in literals:
                at = lowered.find(literal, base, base + size)
                while at != -1:
                    spans.append((max(0, at - base + len(literal) - longest), min(size, at - base + longest + ahead)))
                    if len(spans) > _MAX_WINDOWS:
                        return None
                    at = lowered.find(literal, at + 1, base + size)
        spans.sort()
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def _single_spaced(self) -> bool:
        """True when every whitespace run in the texts is one space (found once per index)."""
        if self._spaced is None:
            self._spaced = all(" ".join(text.split()) == text for text in self.texts)
        return self._spaced

    def _other_digits(self) -> bool:
        """True when the texts hold a digit outside 0-9 (which ``\\d`` matches); found once per index."""
        if self._digits is None:
            self._digits = not self._joined.isascii() and _OTHER_DIGIT.search(self._joined) is not None
        return self._digits

    def phrases(self, phrases: Iterable[str]) -> list[tuple[int, int, int]]:
        """Whole-word, case-insensitive occurrences of literal phrases, in order, as (text index, start, end).

        Whole-word means no letter, digit, underscore or hyphen right before or after.  Where
        occurrences overlap the earlier one wins, and at the same place the longer one, exactly as
        a regex alternation of the phrases (longest first) between ``(?<![\\w-])`` and ``(?![\\w-])``
        would find them.
        """
        wanted = {phrase.lower() for phrase in phrases if phrase}
        text = self._lowered
        if text is None:
            return self._phrases_by_regex(wanted)
        found: list[tuple[int, int, int]] = []
        for phrase in wanted:
            at = text.find(phrase)
            while at != -1:
                end = at + len(phrase)
                if _outside_word(text, at - 1) and _outside_word(text, end):
                    found.append((at, -len(phrase), end))
                at = text.find(phrase, at + 1)
        found.sort()
        out: list[tuple[int, int, int]] = []
        last_end = -1
        for at, _, end in found:
            if at < last_end:
                continue
            index = bisect_right(self._starts, at) - 1
            out.append((index, at - self._starts[index], end - self._starts[index]))
            last_end = end
        return out

    def _phrases_by_regex(self, wanted: set[str]) -> list[tuple[int, int, int]]:
        alternation = "|".join(re.escape(p) for p in sorted(wanted, key=len, reverse=True))
        if not alternation:
            return []
        pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)
        return [(i, m.start(), m.end()) for i, text in enumerate(self.texts) for m in pattern.finditer(text)]

    def matching(self, *patterns: re.Pattern[str]) -> list[int]:
        """Indices, in order, of the texts where any of ``patterns`` may match."""
        if len(patterns) == 1:
            return self.candidates(patterns[0])
        return sorted({index for pattern in patterns for index in self.candidates(pattern)})
