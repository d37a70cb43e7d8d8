"""Control characters made visible and inert, for every format a person reads in a terminal or a log (one helper
for the reports, the history diff and the command line).

A post's text, its title and its file name reach the text, GitHub and Markdown reports.  Written raw, an
``ESC [2J`` in a post clears the reader's terminal, an OSC sequence retitles the window or writes a link, a
carriage return overwrites the line before it, a bidirectional override reorders what is shown (the "Trojan
Source" trick), and a line break in a file name splits one ``file:line`` record into two.  ``printable``
replaces each such character with its visible escape (``\\x1b``, ``\\n``, ``\\u202e``), so the report shows
what is there and the terminal interprets nothing.  Formats read by programs (JSON, SARIF) escape them by
their own rules; JUnit's XML drops what XML cannot carry (``junit.xml_text``).
"""

from __future__ import annotations

import re

# C0 controls (tab and line breaks included: one record is one line), DEL, C1 controls (0x9b is a one-byte
# CSI on some terminals), and the Unicode line separators and bidirectional embeddings, overrides and isolates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: object) -> str:
    """``text`` as a string with every control character replaced by its visible escape."""
    value = str(text)
    if value.isprintable():  # every character _CONTROL matches is unprintable (tests/test_hardening.py)
        return value
    return _CONTROL.sub(_visible, value)
