"""How machine-readable reports name a post: paths relative to the working folder, URLs as they are."""

from __future__ import annotations

import os
from pathlib import Path


def is_url(source: str) -> bool:
    """True for sources fetched from the web (``https://…``, ``wordpress+https://…``)."""
    return "://" in source


def report_path(source: str) -> str:
    """A post's path as CI tools expect it: relative to the current folder when inside it, with forward slashes.

    Code-scanning and annotation services match files by their path from the
    repository root, which is where CI runs the check.
    """
    if is_url(source) or source == "-":
        return source
    path = Path(source)
    if path.is_absolute():
        try:
            path = Path(os.path.relpath(path, Path.cwd()))
        except ValueError:  # another drive on Windows
            return path.as_posix()
        if path.parts and path.parts[0] == "..":
            return Path(source).as_posix()
    return path.as_posix()
