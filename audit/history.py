"""Run history in SQLite: runs, posts, findings (by fingerprint) and scores; diffs between runs.

Concurrency and crashes: the database is in WAL mode with a busy timeout, and
every write is a short transaction, so two runs at the same time both land.
A run is written as ``running`` and flipped to ``complete`` in its final
transaction; history, diffs and result reuse only ever read complete runs, so a
run killed midway leaves the earlier runs exactly as they were.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from . import __version__

if TYPE_CHECKING:
    from .config import Config
    from .result import PostResult
    from .rule import Finding
    from .siterules import PostSummary
    from .sources import Document

DEFAULT_DB = ".clinic-audit/history.sqlite"
BUSY_TIMEOUT_MS = 30_000
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
    site_score INTEGER
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
    """The site's score: the mean post score, less the usual per-rule penalties for site findings."""
    from collections import Counter

    from .score import rule_penalty

    scores = list(post_scores)
    mean = sum(scores) / len(scores) if scores else 100.0
    counts = Counter((f.rule, str(f.severity)) for f in site_findings)
    lost = sum(rule_penalty(float(penalties.get(sev, 0)), n) for (_rule, sev), n in counts.items())
    return max(0, round(mean - lost))


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def connect(path: str | Path, create: bool = True) -> sqlite3.Connection:
    """Open (and create) the history database in WAL mode with a busy timeout."""
    path = Path(path)
    if not create and not path.exists():
        raise HistoryError(f"no history database at {path} (run `clinic-audit check ... --db {path}` first)")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _guarded(path):
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _set_wal(db)
        db.execute("PRAGMA foreign_keys = ON")
        with _transaction(db):
            for statement in filter(str.strip, SCHEMA.split(";")):
                db.execute(statement)
        _probe(db)
    return db


# The first and last entry of every table and index (a damaged page shows when it is read).
_PROBES = tuple(
    query.format(d=d) for d in ("ASC", "DESC") for query in (
        *(f"SELECT * FROM {table} ORDER BY rowid {{d}} LIMIT 1" for table in ("runs", "posts", "findings", "scores")),
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
            cursor = self.db.execute("INSERT INTO runs (started, version, sources) VALUES (?, ?, ?)",
                                     (_now(), __version__, json.dumps(list(sources))))
        self.run_id = int(cursor.lastrowid or 0)
        self.pending: list[tuple["PostResult", str, "PostSummary | None"]] = []
        self.posts = 0
        self.errors = 0
        self.scores: list[int] = []

    def reuse(self, key: str) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
        """The stored result (and site summary) of a post with this key from a complete run, if any."""
        with _guarded(self.path):
            row = self.db.execute(
                "SELECT p.result, p.summary FROM posts p JOIN runs r ON r.id = p.run_id "
                "WHERE p.result_key = ? AND r.status = 'complete' ORDER BY p.run_id DESC LIMIT 1", (key,)).fetchone()
        if row is None:
            return None
        from .stored import check_post, load_json

        try:
            result, summary = load_json(row[0]), (load_json(row[1]) if row[1] else None)
            check_post(result, "stored result")
        except ValueError:
            return None  # a damaged stored result is audited again, like an unreadable cache entry
        return (result, summary) if isinstance(summary, (dict, type(None))) else None

    def post(self, result: "PostResult", key: str, summary: "PostSummary | None") -> None:
        self.pending.append((result, key, summary))
        self.posts += 1
        self.scores.append(result.score)
        if len(self.pending) >= BATCH:
            self.flush()

    def failure(self) -> None:
        self.errors += 1

    def flush(self) -> None:
        if not self.pending:
            return
        with _guarded(self.path), _transaction(self.db) as db:
            for result, key, summary in self.pending:
                db.execute("INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (self.run_id, result.source, key, result.score, result.grade,
                            json.dumps(result.to_dict(), ensure_ascii=False),
                            json.dumps(summary.to_dict(), ensure_ascii=False) if summary else None))
                db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)", [
                    (self.run_id, f.source, f.rule, f.name, str(f.severity), f.fingerprint, f.line, f.message)
                    for f in result.findings])
                db.executemany("INSERT INTO scores VALUES (?, ?, ?, ?)",
                               [(self.run_id, result.source, fam, s) for fam, s in result.scores.items()])
        self.pending.clear()

    def finish(self, site_findings: Sequence["Finding"], penalties: dict[str, float]) -> int:
        """Write the site findings and mark the run complete; returns the run id."""
        self.flush()
        score = site_score(self.scores, site_findings, penalties)
        with _guarded(self.path), _transaction(self.db) as db:
            db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)", [
                (self.run_id, f.source, f.rule, f.name, str(f.severity), f.fingerprint, f.line, f.message)
                for f in site_findings])
            db.execute("UPDATE runs SET status = 'complete', finished = ?, posts = ?, errors = ?, site_score = ? "
                       "WHERE id = ?", (_now(), self.posts, self.errors, score, self.run_id))
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


def runs(path: str | Path, limit: int = 20) -> list[Run]:
    """The latest complete runs, newest first."""
    db = connect(path, create=False)
    with _guarded(path):
        rows = db.execute(
            "SELECT r.id, r.started, r.finished, r.sources, r.posts, r.errors, r.site_score, "
            "(SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id) FROM runs r "
            "WHERE r.status = 'complete' ORDER BY r.id DESC LIMIT ?", (limit,)).fetchall()
        db.close()
        return [Run(r[0], r[1], r[2] or "", _sources(r[3]), r[4], r[5], r[6], r[7]) for r in rows]


def _sources(stored: str) -> list[str]:
    sources = json.loads(stored)
    if not isinstance(sources, list):
        raise ValueError(f"a run's sources are {type(sources).__name__}, not a list")
    return [str(s) for s in sources]


@dataclass(frozen=True)
class Diff:
    before: Run
    after: Run
    new: list[dict[str, Any]]
    fixed: list[dict[str, Any]]
    score_changes: list[tuple[str, int | None, int | None]]  # (source, before, after)

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
    """New and fixed findings (matched by source, rule and fingerprint) and score changes from A to B."""
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
    changes = [(s, scores_a.get(s), scores_b.get(s)) for s in sorted(set(scores_a) | set(scores_b))
               if scores_a.get(s) != scores_b.get(s)]
    return Diff(known[run_a], known[run_b], [b[k] for k in b if k not in a], [a[k] for k in a if k not in b],  # type: ignore[index]
                changes)


def regression(path: str | Path, run_id: int) -> bool:
    """True when ``run_id`` has new error findings or a lower site score than the complete run before it."""
    earlier = [r.id for r in runs(path, limit=1_000_000) if r.id < run_id]
    return bool(earlier) and diff(path, max(earlier), run_id).regressed


def _findings(db: sqlite3.Connection, run_id: int) -> dict[tuple[str, str, str], dict[str, Any]]:
    rows = db.execute("SELECT source, rule, name, severity, fingerprint, line, message, site FROM findings "
                      "WHERE run_id = ? ORDER BY source, line, rule", (run_id,)).fetchall()
    keys = ("source", "rule", "name", "severity", "fingerprint", "line", "message", "site")
    return {(r[0], r[1], r[4]): dict(zip(keys, r)) for r in rows}


def _scores(db: sqlite3.Connection, run_id: int) -> dict[str, int]:
    return dict(db.execute("SELECT source, score FROM posts WHERE run_id = ?", (run_id,)).fetchall())


def describe_diff(d: Diff) -> list[str]:
    """The diff as text lines for the terminal (stored post text and names made printable)."""
    from .controls import printable

    lines = [f"run {d.before.id} ({d.before.started}) -> run {d.after.id} ({d.after.started})"]
    lines.append(f"site score: {d.before.site_score} -> {d.after.site_score}")
    for label, items in (("new", d.new), ("fixed", d.fixed)):
        lines.append(f"{len(items)} {label} finding{'s' if len(items) != 1 else ''}")
        for f in items:
            lines.append(f"  {'+' if label == 'new' else '-'} {printable(f['source'])}:{f['line']} {printable(f['rule'])} "
                         f"{f['severity']} {printable(f['message'])} [{printable(f['name'])}]")
    if d.score_changes:
        lines.append(f"{len(d.score_changes)} score change{'s' if len(d.score_changes) != 1 else ''}")
        for source, before, after in d.score_changes:
            lines.append(f"  {printable(source)}: {'-' if before is None else before} -> {'-' if after is None else after}")
    return lines
