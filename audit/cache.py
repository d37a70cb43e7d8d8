"""The result cache: a post whose text and settings are unchanged is not audited again.

Results are stored as the JSON shape of ``PostResult`` under
``<project>/.clinic-audit/cache/``, one file per key.  The key is a SHA-256 of
what a result depends on: the tool version, the installed rules, the post's
source name, format and text, and the merged settings for its path.  Writes go
to a temporary file and are renamed into place, so concurrent runs never see a
half-written entry; an unreadable entry is treated as a miss.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .config import Config
    from .result import PostResult
    from .sources import Document

log = logging.getLogger(__name__)
CACHE_DIR = Path(".clinic-audit") / "cache"


def result_key(document: "Document", config: "Config") -> str:
    """What a post's result depends on, hashed: version, rules, settings, source, format and text."""
    digest = hashlib.sha256()
    for part in (__version__, config.identity(document.source), document.source, document.format, document.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


class ResultCache:
    """Post results on disk, keyed by :func:`result_key`."""

    def __init__(self, root: Path):
        self.directory = Path(root) / CACHE_DIR

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def contains(self, key: str) -> bool:
        """True when a result is stored under ``key`` (it may still turn out unreadable)."""
        return self._path(key).is_file()

    def get(self, key: str) -> "PostResult | None":
        """The stored result, or None when absent or unreadable."""
        from .result import PostResult
        from .stored import check_post, load_json

        try:
            data = load_json(self._path(key).read_bytes())
            check_post(data, "cache entry")
            return PostResult.from_dict(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:  # another version's or a damaged entry
            log.debug("ignoring unreadable cache entry %s: %s", key, exc)
            return None

    def put(self, key: str, result: "PostResult") -> None:
        """Store a result atomically; a cache that cannot be written is skipped, never fatal."""
        path = self._path(key)
        tmp = None
        try:
            if not path.parent.is_dir():
                path.parent.mkdir(parents=True, exist_ok=True)
                self._ignore_in_git()
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(result.to_dict(internal=True), ensure_ascii=False))  # dumps: the C encoder
            os.replace(tmp, path)
        except OSError as exc:
            log.debug("cannot write cache entry %s: %s", key, exc)
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def _ignore_in_git(self) -> None:
        """Keep the cache out of commits without asking users to edit .gitignore (as pytest does)."""
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by clinic-audit: the result cache is never committed\n*\n", encoding="utf-8")
