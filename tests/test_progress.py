"""The progress line: shown only to people watching a terminal, with done, errors, rate and time left."""

from __future__ import annotations

import io

from clinic_audit.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_off_a_terminal_and_with_quiet():
    assert not Progress.wanted(False, io.StringIO())
    assert not Progress.wanted(True, _Terminal())
    assert Progress.wanted(False, _Terminal())


def test_progress_line_counts_posts_errors_rate_and_time_left():
    progress = Progress(lambda: 10, _Terminal())
    for failed in (False, True, False, False):
        progress.step(failed)
    line = progress.line(progress.started + 2.0)
    assert line == "4/10 posts · 1 errors · 2.0 posts/s · 3s left"
    assert progress.stream.getvalue().startswith("\r\033[K1/10 posts")


def test_progress_without_a_known_total_shows_no_estimate():
    progress = Progress(lambda: None, _Terminal())
    progress.step()
    assert progress.line(progress.started + 1.0) == "1 posts · 0 errors · 1.0 posts/s"
