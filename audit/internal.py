"""Findings the engine itself makes.  Declared as rules so `rules`, `explain` and reports know them."""

from __future__ import annotations

from typing import Iterable

from .model import Post
from .rule import Hit, Options, rule


@rule("AU001", "rule-crashed", "audit", "error")
def rule_crashed(post: Post, opts: Options) -> Iterable[Hit]:
    """A rule failed on this post; the other rules still ran.

    Why: a crash must not hide the rest of the audit, and it must not pass silently either.
    Fix: report it with the post that triggers it; meanwhile ignore the crashing rule for that path.
    Bad: (made by the engine, not by post text)
    Good: (made by the engine, not by post text)
    """
    return ()


@rule("AU002", "unused-suppression", "audit", "info")
def unused_suppression(post: Post, opts: Options) -> Iterable[Hit]:
    """A `clinic-audit: disable` comment silences nothing.

    Why: stale suppressions hide the next real problem at that spot.
    Fix: delete the comment, or name the rule that really fires there.
    Bad: (made by the engine, not by post text)
    Good: (made by the engine, not by post text)
    """
    return ()


RULES = (rule_crashed, unused_suppression)
ENGINE_MADE = frozenset(r.code for r in RULES)
