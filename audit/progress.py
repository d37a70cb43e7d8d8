"""A one-line progress display on stderr: posts done, errors, rate and time left."""

from __future__ import annotations

import sys
import time
from typing import IO, Callable

REDRAW_SECONDS = 0.2


class Progress:
    """Redraws one terminal line at most five times a second; ``total()`` may become known late."""

    def __init__(self, total: Callable[[], int | None], stream: IO[str] | None = None):
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.errors = 0
        self.started = time.monotonic()
        self.drawn = 0.0
        self.visible = False

    @staticmethod
    def wanted(quiet: bool, stream: IO[str] | None = None) -> bool:
        """Only for people watching: stderr is a terminal and --quiet is off."""
        stream = stream or sys.stderr
        return not quiet and hasattr(stream, "isatty") and stream.isatty()

    def step(self, failed: bool = False) -> None:
        self.done += 1
        self.errors += failed
        now = time.monotonic()
        if now - self.drawn >= REDRAW_SECONDS:
            self.drawn = now
            sys.stdout.flush()  # what the report printed lands before the status line is drawn under it
            self.stream.write("\r\033[K" + self.line(now))
            self.stream.flush()
            self.visible = True

    def clear(self) -> None:
        """Wipe the status line (if drawn) so the next output starts on a clean line."""
        if self.visible:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.visible = False

    def line(self, now: float | None = None) -> str:
        """The status text: ``120/500 posts · 2 errors · 35.1 posts/s · 11s left``."""
        elapsed = max(1e-6, (now or time.monotonic()) - self.started)
        rate = self.done / elapsed
        total = self.total()
        parts = [f"{self.done}/{total} posts" if total else f"{self.done} posts", f"{self.errors} errors",
                 f"{rate:.1f} posts/s"]
        if total and rate > 0 and total > self.done:
            parts.append(f"{round((total - self.done) / rate)}s left")
        return " · ".join(parts)

    def close(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()
