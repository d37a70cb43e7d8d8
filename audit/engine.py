"""The engine: parse a document, run the selected rules, filter suppressions, score.

Data flows one way: document -> Post -> hits -> findings -> suppression ->
score -> PostResult.  A rule that raises becomes an AU001 finding on that
post; a bad input becomes an InputFailure; neither stops the run.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from typing import Iterable, Iterator

from . import score, suppress
from .cache import ResultCache, result_key
from .config import Config, RuleSetting
from .internal import rule_crashed, unused_suppression
from .model import Post
from .parse import NotAPost, ParseError, check_body, parse
from .registry import SCORED_FAMILIES
from .result import InputFailure, PostResult, document_outline, metric_targets
from .rule import Finding, Hit, Rule, Severity, fingerprint
from .siterules import is_site_rule, summarize
from .sources import Document, InputError, Target, read

log = logging.getLogger(__name__)
# Fewer posts than this are audited in-process: starting workers would cost more than it saves
# (a pre-commit hook usually passes a handful of files).
PARALLEL_FROM = 16
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
        summary=summarize(post).to_dict() if wants_summary(config, settings) else None,
        format=post.format,
        score=total,
        grade=score.letter(total),
        scores=scores,
        metrics=post.stats.metrics(),
        findings=tuple(sorted(findings)),
        document=document_outline(post),
    )


def wants_summary(config: Config, settings: Iterable[RuleSetting] | None = None) -> bool:
    """Whether results must carry the summary the site rules read."""
    return config.post_summaries and any(is_site_rule(s.rule) for s in (settings or config.rule_settings(None)))


def _usable(result: PostResult | None, config: Config) -> PostResult | None:
    """A cached result, unless this run needs the summary it was stored without."""
    if result is not None and result.summary is None and wants_summary(config):
        return None
    return result


def audit_document(document: Document, config: Config) -> PostResult:
    """Parse and audit one decoded document (raises ParseError for unparseable input)."""
    effective = config.effective(document.source)
    post = parse(document, effective.get("html-selector"), effective.get("language"))
    check_body(post)
    return audit_post(post, config)


def audit_target(
    target: Target, config: Config, stdin_format: str | None = None, cache: "ResultCache | None" = None
) -> PostResult | InputFailure:
    """Read, parse and audit one input (or reuse its cached result); user-facing problems become InputFailures."""
    try:
        document = read(target, int(config.effective(target.source)["max-file-size"]), stdin_format)
        if cache is None:
            return audit_document(document, config)
        key = result_key(document, config)
        result = _usable(cache.get(key), config)
        if result is None:
            result = audit_document(document, config)
            cache.put(key, result)
        return result
    except InputError as exc:
        return InputFailure(exc.source, exc.message)
    except ParseError as exc:
        return InputFailure(target.source, str(exc))
    except NotAPost as exc:
        return InputFailure(target.source, str(exc), skipped=True)
    except RecursionError:
        return InputFailure(target.source, "the document is nested too deeply to parse")


class _Worker:
    """Picklable callable for worker processes (the config is rebuilt once per process)."""

    def __init__(self, config: Config, stdin_format: str | None, cache: "ResultCache | None"):
        self.config = config
        self.stdin_format = stdin_format
        self.cache = cache

    def __call__(self, target: Target) -> PostResult | InputFailure:
        return audit_target(target, self.config, self.stdin_format, self.cache)


def audit_all(
    targets: Iterable[Target | InputError],
    config: Config,
    jobs: int = 1,
    stdin_format: str | None = None,
    cache: "ResultCache | None" = None,
) -> Iterator[PostResult | InputFailure]:
    """Audit every target, in input order, streaming results; ``jobs`` > 1 uses worker processes.

    Only posts without a cached result go to the workers: a post whose result is cached is read
    back here, so an unchanged site is re-checked without starting a single worker.
    """
    pending: list[Target] = []
    worker = _Worker(config, stdin_format, cache)

    def flush() -> Iterator[PostResult | InputFailure]:
        if not pending:
            return
        keys = [_cached_key(t, config, stdin_format, cache) for t in pending] if jobs > 1 else [None] * len(pending)
        to_audit = [t for t, key in zip(pending, keys) if key is None]
        parallel = jobs > 1 and len(to_audit) >= PARALLEL_FROM
        with ProcessPoolExecutor(max_workers=jobs) if parallel else nullcontext() as pool:
            # Small chunks: a post costs tens of milliseconds, so the per-chunk overhead is
            # negligible, and the last chunks finish close together instead of one core idling.
            chunk = max(1, min(8, len(to_audit) // (jobs * 8)))
            audited = pool.map(worker, to_audit, chunksize=chunk) if pool else map(worker, to_audit)
            for target, key in zip(pending, keys):
                if key is None:
                    yield next(audited)
                else:  # cached; an entry that turned out unreadable is audited here
                    yield (_usable(cache.get(key), config) if cache else None) or worker(target)
        pending.clear()

    for item in targets:
        if isinstance(item, InputError):
            yield from flush()
            yield InputFailure(item.source, item.message)
        elif item.path is None:  # standard input is read here, not in a worker
            yield from flush()
            yield worker(item)
        else:
            pending.append(item)
    yield from flush()


def _cached_key(target: Target, config: Config, stdin_format: str | None, cache: "ResultCache | None") -> str | None:
    """The cache key of the target's current text and settings when a result is stored under it, else None."""
    if cache is None:
        return None
    try:
        document = read(target, int(config.effective(target.source)["max-file-size"]), stdin_format)
    except InputError:
        return None  # a worker reports it
    key = result_key(document, config)
    return key if cache.contains(key) else None


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
