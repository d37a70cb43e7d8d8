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
    line = progress.line()
    assert line.startswith("4/10 posts · 1 errors · ") and line.endswith(" left")
    assert " posts/s · " in line


def test_progress_without_a_known_total_shows_no_estimate():
    progress = Progress(lambda: None, _Terminal())
    progress.step()
    line = progress.line()
    assert line.startswith("1 posts · 0 errors · ") and line.endswith("posts/s")


def test_a_total_learnt_late_shows_an_estimate_from_then_on():
    total: list[int] = []
    progress = Progress(lambda: total[0] if total else None, _Terminal())
    progress.step()
    assert "left" not in progress.line()
    total.append(5)
    progress.step()
    assert progress.line().startswith("2/5 posts")


def test_clearing_leaves_the_line_empty_and_closing_twice_is_harmless():
    terminal = _Terminal()
    progress = Progress(lambda: 3, terminal)
    progress.step()
    progress.clear()
    assert terminal.getvalue().endswith("\r")  # the cursor is back at the start of a blank line
    progress.close()
    progress.close()
