"""Outputs written whole or not at all: a temporary file beside the target, renamed into place when complete.

A run killed half-way, a full disk or a crash never leaves a truncated report, baseline or workbook where
the complete one was; the new file gets the permissions a plain ``open()`` would give it (the umask's), not
the owner-only ones of a temporary file.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def replaced(target: str | Path) -> Iterator[Path]:
    """A temporary path to write; on a clean exit it replaces ``target``, on an error it is removed."""
    target = Path(target)
    fd, name = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.",
                                suffix=".tmp")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
