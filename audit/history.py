"""Run history in SQLite: runs, posts, findings (by fingerprint) and scores; diffs between runs.

Concurrency and crashes: the database is in WAL mode with a busy timeout, and
every write is a short transaction, so two runs at the same time both land.
A run is written as ``running`` and flipped to ``complete`` in its final
transaction; history, diffs and result reuse only ever read complete runs, so a
run killed midway leaves the earlier runs exactly as they were.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from . import __version__
from .result import InputFailure, PostResult
from .siterules import PostSummary

if TYPE_CHECKING:
    from .config import Config
    from .rule import Finding
    from .sources import Document

BUSY_TIMEOUT_MS = 30_000
INTERRUPTED_AFTER_SECONDS = 24 * 3600
BATCH = 50  # posts per write transaction: short enough that a concurrent run never waits long

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    version TEXT NOT NULL,
    sources TEXT NOT NULL,
    posts INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    site_score INTEGER,
    findings INTEGER,
    error_findings INTEGER
);
CREATE TABLE IF NOT EXISTS posts (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    result_key TEXT NOT NULL,
    score INTEGER NOT NULL,
    grade TEXT NOT NULL,
    result TEXT NOT NULL,
    summary TEXT,
    PRIMARY KEY (run_id, source)
);
CREATE INDEX IF NOT EXISTS posts_by_key ON posts(result_key);
CREATE TABLE IF NOT EXISTS results (
    result_key TEXT PRIMARY KEY,
    result TEXT NOT NULL,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    rule TEXT NOT NULL,
    name TEXT NOT NULL,
    severity TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    line INTEGER NOT NULL,
    message TEXT NOT NULL,
    site INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS findings_by_run ON findings(run_id);
CREATE TABLE IF NOT EXISTS scores (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    family TEXT NOT NULL,
    score INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS scores_by_run ON scores(run_id);
CREATE TABLE IF NOT EXISTS site_results (
    site_key TEXT PRIMARY KEY,
    findings BLOB NOT NULL,
    run_id INTEGER NOT NULL
);
"""


class HistoryError(Exception):
    """A history problem worded for the user (no database, unknown run, a damaged file)."""


class _guarded:
    """Turn SQLite's errors (a damaged or foreign file, a lock held too long) into a HistoryError naming the file."""

    def __init__(self, path: str | Path):
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, _tb: object) -> None:
        if exc_type is not None and issubclass(exc_type, sqlite3.DatabaseError):
            raise HistoryError(f"{self.path} is not a usable history database: {exc}") from None
        if exc_type is not None and issubclass(exc_type, (ValueError, RecursionError)):  # a stored JSON value
            raise HistoryError(f"{self.path} holds a damaged record ({type(exc).__name__}: {exc})") from None


def result_key(document: "Document", config: "Config") -> str:
    """What a post's result depends on (the result cache's key, so both reuse the same way)."""
    from .cache import result_key as key

    return key(document, config)


def site_score(post_scores: Iterable[int], site_findings: Iterable["Finding"], penalties: dict[str, float]) -> int:
    """The site's score: the mean post score, less each site rule's penalty weighted by the share of posts it
    involves.

    A site rule costs at most one finding's penalty at its severity (error 20, warning 8, info 2 by default),
    and only in proportion to the posts it touches: orphan posts on every page cost 8 points, one broken link
    on 1 post in 50 costs 0.4.  So the score moves with real changes instead of sinking to 0 on a big site
    with one finding per post (the sum of per-finding penalties it used to be).
    """
    scores = list(post_scores)
    mean = sum(scores) / len(scores) if scores else 100.0
    total = max(1, len(scores))
    touched: dict[tuple[str, str], set[str]] = {}
    for f in site_findings:
        touched.setdefault((f.rule, str(f.severity)), set()).update(f.sources or (f.source,))
    lost = sum(float(penalties.get(severity, 0)) * min(1.0, len(posts) / total)
               for (_rule, severity), posts in touched.items())
    return max(0, round(mean - lost))


def _now(at: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(at))


def connect(path: str | Path, create: bool = True) -> sqlite3.Connection:
    """Open (and create) the history database in WAL mode with a busy timeout."""
    path = Path(path)
    if not create and not path.exists():
        raise HistoryError(f"no history database at {path} (run `clinic-audit check ... --db {path}` first)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HistoryError(f"cannot create the history at {path}: {exc.strerror or exc}") from None
    with _guarded(path):
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _set_wal(db)
        db.execute("PRAGMA foreign_keys = ON")
        with _transaction(db):
            for statement in filter(str.strip, SCHEMA.split(";")):
                db.execute(statement)
            columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
            for column in ("findings", "error_findings"):  # a history written by an earlier version
                if column not in columns:
                    db.execute(f"ALTER TABLE runs ADD COLUMN {column} INTEGER")
        _probe(db)
    return db


# The first and last entry of every table and index (a damaged page shows when it is read).
_PROBES = tuple(
    query.format(d=d) for d in ("ASC", "DESC") for query in (
        *(f"SELECT * FROM {table} ORDER BY rowid {{d}} LIMIT 1"
          for table in ("runs", "posts", "findings", "scores", "site_results")),
        "SELECT run_id, source FROM posts ORDER BY run_id {d}, source {d} LIMIT 1",
        "SELECT result_key FROM posts ORDER BY result_key {d} LIMIT 1",
        "SELECT run_id FROM findings ORDER BY run_id {d} LIMIT 1",
        "SELECT run_id FROM scores ORDER BY run_id {d} LIMIT 1",
    )
)


def _probe(db: sqlite3.Connection) -> None:
    """Read a little of every table and index, so a file with a valid header and damaged pages fails when it is
    opened, before a run starts, not midway (a full integrity check would read the whole file every run)."""
    for query in _PROBES:
        db.execute(query).fetchall()


def _set_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL; SQLite does not wait on its busy handler for this, so a run racing another retries."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class _transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on error); IMMEDIATE takes the write lock up front."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


class Recorder:
    """Stores one run as it streams: posts in short batches, site findings and completion at the end."""

    def __init__(self, path: str | Path, sources: Sequence[str]):
        self.path = path
        self.db = connect(path)
        with _guarded(path), _transaction(self.db):
            # A run still "running" a day after it started was killed: say so instead of leaving it open forever.
            self.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running' AND started < ?",
                            (_now(time.time() - INTERRUPTED_AFTER_SECONDS),))
            cursor = self.db.execute("INSERT INTO runs (started, version, sources) VALUES (?, ?, ?)",
                                     (_now(), __version__, json.dumps(list(sources))))
        self.run_id = int(cursor.lastrowid or 0)
        self.pending: list[tuple["PostResult", str, "PostSummary | None", bool]] = []
        self.posts = 0
        self.errors = 0
        self.scores: list[int] = []
        self.finding_count = 0
        self.error_count = 0
        self.site_result = ""  # the site key whose findings this run used or made...
        self.site_encoded: bytes | None = None  # ...and those findings, when this run made them

    def get(self, key: str) -> "tuple[PostResult, PostSummary | None] | None":
        """The stored result (and site summary) of a post with this key from a complete run, if any."""
        from .stored import check_post, load_json

        with _guarded(self.path):
            row = self.db.execute(
                "SELECT x.result, x.summary FROM results x WHERE x.result_key = ? AND EXISTS ("
                "SELECT 1 FROM posts p JOIN runs r ON r.id = p.run_id WHERE p.result_key = x.result_key "
                "AND r.status = 'complete')", (key,)).fetchone()
            if row is None:  # a history written before results were stored once per key
                row = self.db.execute(
                    "SELECT p.result, p.summary FROM posts p JOIN runs r ON r.id = p.run_id WHERE p.result_key = ? "
                    "AND r.status = 'complete' AND p.result != '' ORDER BY p.run_id DESC LIMIT 1", (key,)).fetchone()
        if row is None:
            return None
        try:
            result, summary = _unpacked(row[0]), (load_json(row[1]) if row[1] else None)
            check_post(result, "stored result")
            if not isinstance(summary, (dict, type(None))):
                return None
            return PostResult.from_dict(result), (PostSummary.from_dict(summary) if summary else None)
        except (ValueError, KeyError, TypeError):
            return None  # a damaged stored result is audited again, like an unreadable cache entry

    def put(self, key: str, result: "PostResult", summary: "PostSummary | None", reused: bool = False) -> None:
        """Record the post in this run (a reused result is recorded again: each run is complete on its own).

        The result's JSON is stored once per key (the ``results`` table), so a nightly run of an unchanged site
        adds a row per post and its findings, not every post's full result again."""
        self.pending.append((result, key, summary, reused))
        self.posts += 1
        self.scores.append(result.score)
        self.finding_count += len(result.findings)
        self.error_count += sum(1 for f in result.findings if str(f.severity) == "error")
        if len(self.pending) >= BATCH:
            self.flush()

    def failure(self, failure: "InputFailure", key: str = "") -> None:
        self.errors += not failure.skipped

    def site(self, key: str) -> "list[Finding] | None":
        """The site findings a complete run stored under ``key`` (``cache.SiteKey``), or None.  This run takes
        them over, so pruning keeps them while a run kept uses them."""
        from .cache import decode_site

        with _guarded(self.path):
            row = self.db.execute(
                "SELECT s.findings FROM site_results s JOIN runs r ON r.id = s.run_id "
                "WHERE s.site_key = ? AND r.status = 'complete'", (key,)).fetchone()
        if row is None:
            return None
        try:
            findings = decode_site(row[0])
        except (ValueError, KeyError, TypeError, AttributeError, zlib.error):
            return None  # damaged: the site rules run again
        self.site_result = key
        return findings

    def put_site(self, key: str, findings: Sequence["Finding"]) -> None:
        from .cache import encode_site

        self.site_result, self.site_encoded = key, encode_site(findings)

    def flush(self) -> None:
        if not self.pending:
            return
        with _guarded(self.path), _transaction(self.db) as db:
            for result, key, summary, reused in self.pending:
                if not reused:
                    db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                               (key, _packed(result.to_dict()),
                                json.dumps(summary.to_dict(), ensure_ascii=False) if summary else None))
                db.execute("INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (self.run_id, result.source, key, result.score, result.grade, "", None))
                # A post's findings and family scores live in its stored result (once per key); a run adds only
                # this row, so an unchanged nightly run of a big site adds a few hundred kilobytes.
        self.pending.clear()

    def finish(self, site_findings: Sequence["Finding"], penalties: dict[str, float]) -> int:
        """Write the site findings and mark the run complete; returns the run id."""
        self.flush()
        score = site_score(self.scores, site_findings, penalties)
        with _guarded(self.path), _transaction(self.db) as db:
            db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)", [
                (self.run_id, f.source, f.rule, f.name, str(f.severity), f.fingerprint, f.line, f.message)
                for f in site_findings])
            if self.site_encoded is not None:
                db.execute("INSERT OR REPLACE INTO site_results VALUES (?, ?, ?)",
                           (self.site_result, self.site_encoded, self.run_id))
            elif self.site_result:
                db.execute("UPDATE site_results SET run_id = ? WHERE site_key = ?", (self.run_id, self.site_result))
            # A run that audited nothing (a missing folder, a site answering 401) is kept as failed: it is never
            # listed, diffed or reused, and never the "previous run" a regression is measured against.
            status = "complete" if self.posts else "failed"
            db.execute("UPDATE runs SET status = ?, finished = ?, posts = ?, errors = ?, site_score = ?, "
                       "findings = ?, error_findings = ? WHERE id = ?",
                       (status, _now(), self.posts, self.errors, score,
                        self.finding_count + len(site_findings),
                        self.error_count + sum(1 for f in site_findings if str(f.severity) == "error"), self.run_id))
        self.db.close()
        return self.run_id


@dataclass(frozen=True)
class Run:
    id: int
    started: str
    finished: str
    sources: list[str]
    posts: int
    errors: int
    site_score: int | None
    findings: int
    error_findings: int = 0  # findings of severity error (``errors`` counts inputs that could not be audited)


def runs(path: str | Path, limit: int = 20) -> list[Run]:
    """The latest complete runs, newest first."""
    db = connect(path, create=False)
    with _guarded(path):
        rows = db.execute(
            "SELECT r.id, r.started, r.finished, r.sources, r.posts, r.errors, r.site_score, "
            "COALESCE(r.findings, (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id)), "
            "COALESCE(r.error_findings, (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.severity = 'error')) "
            "FROM runs r "
            "WHERE r.status = 'complete' ORDER BY r.id DESC LIMIT ?", (limit,)).fetchall()
        db.close()
        return [Run(r[0], r[1], r[2] or "", _sources(r[3]), r[4], r[5], r[6], r[7], r[8]) for r in rows]


def _sources(stored: str) -> list[str]:
    sources = json.loads(stored)
    if not isinstance(sources, list):
        raise ValueError(f"a run's sources are {type(sources).__name__}, not a list")
    return [str(s) for s in sources]


@dataclass(frozen=True)
class Diff:
    """What changed from run A to run B, as a change log: posts added and removed, findings new and fixed in
    posts present in both, findings whose measured value changed, and post scores that moved."""

    before: Run
    after: Run
    new: list[dict[str, Any]]
    fixed: list[dict[str, Any]]
    score_changes: list[tuple[str, int | None, int | None]]  # (source, before, after), posts in both runs
    added_posts: list[str] = field(default_factory=list)
    removed_posts: list[str] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)  # (before, after)

    @property
    def new_errors(self) -> int:
        return sum(1 for f in self.new if f["severity"] == "error")

    @property
    def site_score_fell(self) -> bool:
        b, a = self.before.site_score, self.after.site_score
        return b is not None and a is not None and a < b

    @property
    def regressed(self) -> bool:
        return bool(self.new_errors) or self.site_score_fell


def diff(path: str | Path, run_a: int | None = None, run_b: int | None = None) -> Diff:
    """The change log from run A to run B (default: the last two complete runs).

    Findings are matched by source, rule and fingerprint.  A finding of a post that is in only one run is not
    "new" or "fixed": the post was added or removed.  A new and a fixed finding of the same post and rule
    whose messages differ only in their numbers ("grade 9.0" -> "grade 8.9") are one changed value.
    """
    known = {r.id: r for r in runs(path, limit=1_000_000)}
    if run_a is None and run_b is None:
        latest = sorted(known, reverse=True)[:2]
        if len(latest) < 2:
            raise HistoryError(f"the history at {path} has {len(latest)} complete run(s); a diff needs two")
        run_b, run_a = latest
    elif run_b is None:
        later = sorted(i for i in known if i > run_a)  # type: ignore[operator]
        run_b = later[-1] if later else None
        if run_b is None:
            raise HistoryError(f"no complete run after run {run_a}")
    for run_id in (run_a, run_b):
        if run_id not in known:
            raise HistoryError(f"no complete run {run_id} in {path} (see `clinic-audit history`)")
    db = connect(path, create=False)
    with _guarded(path):
        a, b = _findings(db, run_a), _findings(db, run_b)  # type: ignore[arg-type]
        scores_a, scores_b = _scores(db, run_a), _scores(db, run_b)  # type: ignore[arg-type]
        db.close()
    both = set(scores_a) & set(scores_b)
    in_both = lambda f: f["site"] or f["source"] in both  # noqa: E731  (site findings belong to the site)
    new = [b[k] for k in b if k not in a and in_both(b[k])]
    fixed = [a[k] for k in a if k not in b and in_both(a[k])]
    changed, new, fixed = _changed_values(new, fixed)
    changes = [(s, scores_a[s], scores_b[s]) for s in sorted(both) if scores_a[s] != scores_b[s]]
    return Diff(known[run_a], known[run_b], new, fixed, changes,  # type: ignore[index]
                added_posts=sorted(set(scores_b) - set(scores_a)), removed_posts=sorted(set(scores_a) - set(scores_b)),
                changed=changed)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _changed_values(new: list[dict[str, Any]], fixed: list[dict[str, Any]]) -> tuple[
        list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Pair a new and a fixed finding of the same post and rule whose messages differ only in numbers."""
    def shape(f: dict[str, Any]) -> tuple[str, str, str]:
        return f["source"], f["rule"], _NUMBER.sub("#", f["message"])

    waiting: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for f in fixed:
        waiting.setdefault(shape(f), []).append(f)
    changed, still_new = [], []
    for f in new:
        match = waiting.get(shape(f))
        if match:
            changed.append((match.pop(0), f))
        else:
            still_new.append(f)
    paired = {id(before) for before, _ in changed}
    return changed, still_new, [f for f in fixed if id(f) not in paired]


def regression(path: str | Path, run_id: int) -> bool:
    """True when ``run_id`` has new error findings or a lower site score than the complete run before it."""
    earlier = [r.id for r in runs(path, limit=1_000_000) if r.id < run_id]
    return bool(earlier) and diff(path, max(earlier), run_id).regressed


def _packed(result: dict[str, Any]) -> bytes:
    """A post result as stored once per key: its JSON, zlib-compressed (a quarter of the size)."""
    return zlib.compress(json.dumps(result, ensure_ascii=False).encode("utf-8", "surrogatepass"), 1)


def _unpacked(stored: bytes | str) -> Any:
    """A stored result's JSON: compressed (this version) or text (histories written before); ValueError if damaged."""
    from .stored import load_json

    if isinstance(stored, bytes):
        try:
            stored = zlib.decompress(stored)
        except zlib.error as exc:
            raise ValueError(f"not a stored result ({exc})") from None
    return load_json(stored)


def _findings(db: sqlite3.Connection, run_id: int) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every finding of a run, keyed by (source, rule, fingerprint): site findings from the findings table, post
    findings from each post's stored result (runs recorded before results were stored once: their rows)."""
    keys = ("source", "rule", "name", "severity", "fingerprint", "line", "message", "site")
    rows = db.execute("SELECT source, rule, name, severity, fingerprint, line, message, site FROM findings "
                      "WHERE run_id = ? ORDER BY source, line, rule", (run_id,)).fetchall()
    found = {(r[0], r[1], r[4]): dict(zip(keys, r)) for r in rows}
    if any(not r[7] for r in rows):
        return found  # an older run: its post findings are rows too
    from .stored import load_json

    for source, stored in db.execute("SELECT p.source, x.result FROM posts p JOIN results x "
                                     "ON x.result_key = p.result_key WHERE p.run_id = ?", (run_id,)):
        try:
            result = _unpacked(stored)
        except ValueError:
            continue
        for f in result.get("findings", []) if isinstance(result, dict) else []:
            if isinstance(f, dict):
                found[(source, str(f.get("rule")), str(f.get("fingerprint")))] = {
                    "source": source, "rule": f.get("rule"), "name": f.get("name"), "severity": f.get("severity"),
                    "fingerprint": f.get("fingerprint"), "line": f.get("line"), "message": f.get("message"), "site": 0}
    return found

def _scores(db: sqlite3.Connection, run_id: int) -> dict[str, int]:
    return dict(db.execute("SELECT source, score FROM posts WHERE run_id = ?", (run_id,)).fetchall())


def describe_diff(d: Diff) -> list[str]:
    """The diff as a change log for the terminal (stored post text and names made printable)."""
    from .controls import printable

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}"

    lines = [f"run {d.before.id} ({d.before.started}) -> run {d.after.id} ({d.after.started})",
             f"site score: {d.before.site_score} -> {d.after.site_score}"]
    for label, posts, mark in (("post added", d.added_posts, "+"), ("post removed", d.removed_posts, "-")):
        if posts:
            lines.append(count(len(posts), label))
            lines += [f"  {mark} {printable(source)}" for source in posts]
    for label, items in (("new finding", d.new), ("fixed finding", d.fixed)):
        lines.append(count(len(items), label))
        for f in items:
            lines.append(f"  {'+' if label.startswith('new') else '-'} {printable(f['source'])}:{f['line']} "
                         f"{printable(f['rule'])} {f['severity']} {printable(f['message'])} [{printable(f['name'])}]")
    if d.changed:
        lines.append(count(len(d.changed), "changed value"))
        for before, after in d.changed:
            lines.append(f"  ~ {printable(after['source'])}:{after['line']} {after['rule']} "
                         f"{printable(before['message'])} -> {printable(after['message'])}")
    if d.score_changes:
        lines.append(count(len(d.score_changes), "score change"))
        for source, before, after in d.score_changes:
            lines.append(f"  {printable(source)}: {before} -> {after}")
    return lines


def prune(path: str | Path, keep: int) -> tuple[int, int]:
    """Delete all but the newest ``keep`` complete runs (and every failed or interrupted run); returns
    (runs deleted, bytes freed).  Unfinished runs younger than a day are left alone: they may still be running."""
    db = connect(path, create=False)
    before = Path(path).stat().st_size
    keep_ids = [r[0] for r in db.execute(
        "SELECT id FROM runs WHERE status = 'complete' ORDER BY id DESC LIMIT ?", (keep,)).fetchall()]
    with _transaction(db):
        doomed = [r[0] for r in db.execute(
            "SELECT id FROM runs WHERE (status = 'complete' AND id NOT IN (%s)) OR status IN ('failed', 'interrupted')"
            % ",".join("?" * len(keep_ids)) if keep_ids else
            "SELECT id FROM runs WHERE status IN ('complete', 'failed', 'interrupted')", keep_ids).fetchall()]
        for table in ("findings", "scores", "posts"):
            db.executemany(f"DELETE FROM {table} WHERE run_id = ?", [(i,) for i in doomed])
        db.executemany("DELETE FROM runs WHERE id = ?", [(i,) for i in doomed])
        db.execute("DELETE FROM results WHERE result_key NOT IN (SELECT result_key FROM posts)")
        db.execute("DELETE FROM site_results WHERE run_id NOT IN (SELECT id FROM runs)")
    db.execute("VACUUM")
    db.close()
    return len(doomed), max(0, before - Path(path).stat().st_size)
