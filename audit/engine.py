"""The engine: the per-post work of a run -- parse a document, run the selected rules, filter suppressions, score.

Data flows one way: document -> Post -> hits -> findings -> suppression ->
score -> PostResult (and the post's summary for the site rules).  A rule that
raises becomes an AU001 finding on that post; a bad input becomes an
InputFailure; neither stops the run.  Which posts to audit, where, and what
happens to the results is the run's business (``run.py``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Tuple

from .internal import rule_crashed, unused_suppression
from .registry import SCORED_FAMILIES
from .result import InputFailure, PostResult, document_outline, metric_targets
from .rule import Finding, Hit, Rule, Severity, fingerprint
from .siterules import PostSummary, summarize
from .sources import Document

if TYPE_CHECKING:
    from .config import Config, RuleSetting
    from .model import Post

log = logging.getLogger(__name__)
EXCERPT_CHARS = 160


def make_finding(post: Post, rule: Rule, severity: Severity, hit: Hit) -> Finding:
    """Stamp a rule's identity and severity on a hit."""
    excerpt = " ".join(hit.excerpt.split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1].rstrip() + "…"
    column = hit.column or post.column_of(hit.line, hit.excerpt)
    key = hit.key or hit.excerpt or hit.message
    return Finding(
        source=post.source,
        line=max(1, hit.line),
        column=max(1, column),
        rule=rule.code,
        name=rule.name,
        family=rule.family,
        severity=severity,
        message=hit.message,
        excerpt=excerpt,
        suggestion=hit.suggestion,
        value=hit.value,
        limit=hit.limit,
        fingerprint=fingerprint(rule.code, post.section_path(hit.line), key),
    )


def run_rules(post: Post, settings: Iterable[RuleSetting]) -> list[Finding]:
    """Every finding the selected rules make on one post; a crashing rule becomes a finding."""
    findings: list[Finding] = []
    for setting in settings:
        r = setting.rule
        if not r.applies_to(post.language) or r.family == "audit" or r.scope != "post":
            continue
        try:
            for hit in r.check(post, setting.options):
                findings.append(make_finding(post, r, setting.severity, hit))
        except Exception as exc:  # a rule bug must not stop the audit
            log.debug("rule %s crashed on %s", r.code, post.source, exc_info=True)
            hit = Hit(1, f"rule {r.code} {r.name} crashed: {type(exc).__name__}: {exc}", column=1,
                      suggestion="Please report this with the post; ignore the rule for this path meanwhile.",
                      key=r.code)
            findings.append(make_finding(post, rule_crashed, rule_crashed.severity, hit))
    return findings


def audit_post(post: Post, config: Config) -> PostResult:
    """Run the rules configured for the post's path and score the result."""
    from . import score, suppress

    settings = config.rule_settings(post.source)
    effective = config.effective(post.source)
    findings, unused = suppress.apply(post, run_rules(post, settings))
    selected = {s.rule.code for s in settings}
    if unused_suppression.code in selected:
        for directive in unused:
            codes = ", ".join(directive.codes) or "all rules"
            hit = Hit(directive.line, f"this '{directive.kind}' comment ({codes}) silences nothing",
                      excerpt=post.lines[directive.line - 1].strip() if directive.line <= len(post.lines) else "",
                      suggestion="Remove the comment or name the rule that fires here.")
            findings.append(make_finding(post, unused_suppression, unused_suppression.severity, hit))
    families = [f for f in SCORED_FAMILIES if any(s.rule.family == f and s.rule.applies_to(post.language) for s in settings)]
    scores = score.family_scores(findings, families, effective["penalties"])
    has_error = any(f.severity is Severity.ERROR and f.family in scores for f in findings)
    total = score.overall(scores, effective["weights"], has_error, int(effective["max-score-with-errors"]))
    return PostResult(
        source=post.source,
        title=post.title,
        language=post.language,
        language_source=post.language_source,
        targets=metric_targets({s.rule.name: s.options for s in settings if s.rule.applies_to(post.language)}),
        format=post.format,
        score=total,
        grade=score.letter(total),
        scores=scores,
        # "words" counts prose sentences (what the formulas read); "word_count" every word, headings included
        metrics={**post.stats.metrics(), "word_count": post.all_word_count},
        findings=tuple(sorted(findings)),
        document=document_outline(post),
    )


@dataclass(frozen=True)
class PostTask:
    """The per-post work of a run as a plain, picklable value, so any executor can run it anywhere."""

    document: Document
    final_url: str = ""  # where a fetched page ended up, when it moved
    summarise: bool = False  # keep what the site rules read (runs of two or more posts)


Outcome = Tuple["PostResult | InputFailure", "PostSummary | None"]


def audit_task(task: PostTask, config: Config) -> Outcome:
    """Parse, audit and (if asked) summarise one document; an unreadable document becomes an InputFailure."""
    # Imported here: a rerun whose every post is in the result cache never parses one.
    from .parse import NotAPost, ParseError, check_body, parse

    document = task.document
    try:
        effective = config.effective(document.source)
        post = parse(document, effective.get("html-selector"), effective.get("language"), effective.get("keyphrase"),
                     effective.get("synonyms"))
        check_body(post)
        result = audit_post(post, config)
    except ParseError as exc:
        return InputFailure(document.source, str(exc)), None
    except NotAPost as exc:
        return InputFailure(document.source, str(exc), skipped=True), None
    except RecursionError:
        return InputFailure(document.source, "the document is nested too deeply to parse"), None
    if not task.summarise:
        return result, None
    summary = summarize(post)
    if task.final_url and task.final_url != document.source:
        summary = replace(summary, final_url=task.final_url)
    return result, summary


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
