"""The values every layer shares about an input: where it came from, its text, and why it cannot be audited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STDIN = "-"


class InputError(Exception):
    """An input that cannot be audited; the message names the reason for the user."""

    def __init__(self, source: str, message: str):
        super().__init__(message)
        self.source = source
        self.message = message


@dataclass(frozen=True)
class Document:
    """One input's decoded text and the format it will be parsed as."""

    source: str
    text: str
    format: str


@dataclass(frozen=True)
class Target:
    """Something to audit: a file path or standard input, not read yet."""

    source: str
    path: Path | None  # None for standard input
