"""The progress display on stderr (tqdm): posts done, errors, rate and time left -- only for people watching.

It never mixes with findings: the run clears it before anything is written, and tqdm redraws it after.
tqdm is imported only when a terminal is watching.
"""

from __future__ import annotations

import sys
from typing import IO, Any, Callable

from .result import Watcher

REDRAW_SECONDS = 0.2
_KNOWN = "{n_fmt}/{total_fmt} posts · {desc} · {rate_noinv_fmt} · {remaining} left"
_UNKNOWN = "{n_fmt} posts · {desc} · {rate_noinv_fmt}"


class Progress(Watcher):
    """A one-line status; ``total()`` may become known late (a sitemap says how many pages are coming)."""

    def __init__(self, total: Callable[[], int | None], stream: IO[str] | None = None):
        from tqdm import tqdm

        self.stream = stream or sys.stderr
        self.total = total
        self.errors = 0
        self.bar: Any = tqdm(file=self.stream, total=total(), unit=" posts", mininterval=REDRAW_SECONDS,
                             bar_format=_UNKNOWN, dynamic_ncols=True, leave=False, desc="0 errors")
        self._sync_total()

    @staticmethod
    def wanted(quiet: bool, stream: IO[str] | None = None) -> bool:
        """Only for people watching: stderr is a terminal and --quiet is off."""
        stream = stream or sys.stderr
        return not quiet and hasattr(stream, "isatty") and stream.isatty()

    def _sync_total(self) -> None:
        total = self.total()
        if total and self.bar.total != total:
            self.bar.total = total
        self.bar.bar_format = _KNOWN if self.bar.total else _UNKNOWN

    def step(self, failed: bool = False) -> None:
        self.errors += failed
        if failed:
            self.bar.set_description_str(f"{self.errors} errors", refresh=False)
        self._sync_total()
        sys.stdout.flush()  # what the report printed lands before the status line is drawn under it
        self.bar.update(1)

    @property
    def done(self) -> int:
        return int(self.bar.n)

    def line(self) -> str:
        """The status text as drawn: ``120/500 posts · 2 errors · 35.10 posts/s · 00:11 left``."""
        return str(self.bar.__str__()).strip()

    def clear(self) -> None:
        """Wipe the status line so the next output starts on a clean line (tqdm redraws it on the next step)."""
        self.bar.clear()

    def close(self) -> None:
        if not self.bar.disable:
            self.bar.close()
            self.bar.disable = True
