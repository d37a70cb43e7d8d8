"""The result cache: a post whose text and settings are unchanged is not audited again.

Results are stored as the JSON shape of ``PostResult`` under
``<project>/.clinic-audit/cache/``, one file per key.  The key is a SHA-256 of
what a result depends on: the tool version, the installed rules, the post's
source name, format and text, and the merged settings for its path.  Writes go
to a temporary file and are renamed into place, so concurrent runs never see a
half-written entry; an unreadable entry is treated as a miss.

An entry is a header line naming the entry format, then the JSON compressed
with zlib (a quarter of its size).  The header and zlib's checksum prove the
entry is whole and was written in this format by clinic-audit, so its JSON is
not checked field by field again (that check cost a warm rerun a quarter of its
time); an entry without them (damaged, truncated, older) is a miss.

The JSON is ``PostResult.to_dict()`` with each finding written as a list in
``FINDING_ROW`` order instead of an object, and the site summary under
``SUMMARY_KEY``.  A warm rerun reads every finding of every post (33 a post on
the benchmark corpus): lists decode in half the time of objects, and a trusted
row becomes a ``Finding`` without its constructor (see ``_findings``), a third of
the time of ``Finding.from_dict``.

The post's text (the document's blocks, half of the JSON) follows as a second
zlib stream, decompressed and decoded only when a sink of the run reads it
(``Sink.reads_text``): the text report does not, and its warm rerun skips a
tenth of its work.  A run that reads the text checks that stream too; one that
does not leaves a damaged text unread (what it writes does not depend on it).

An input that is not a post (no body text) is stored too, behind ``SKIP_HEADER``, as its source and the
reason: that depends only on the text and settings the key hashes, so a rerun reports the same skip without
parsing it.  Errors (unreadable, unparsable) are never stored.

A run's site findings are stored too, behind ``SITE_HEADER``, keyed by a :class:`SiteKey`: the ordered result
keys and URLs of the posts whose summaries the site rules read, the link statuses they saw and the run's
settings.  Site rules read nothing else, so an unchanged folder reruns none of them (a warm rerun of 275 posts
spent a tenth of its time there).  Any changed, added or removed post, setting or link status is a new key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, TypeVar

from . import __version__
from .rule import Finding, Severity

if TYPE_CHECKING:
    from .config import Config
    from .result import InputFailure, PostResult
    from .siterules import LinkStatus, PostSummary
    from .sources import Document

Stored = tuple["PostResult | InputFailure", "PostSummary | None"]
T = TypeVar("T")

log = logging.getLogger(__name__)
CACHE_DIR = Path(".clinic-audit") / "cache"
SUMMARY_KEY = "_summary"  # what the site rules read, stored beside the result's JSON
TEXT_KEY = "blocks"  # the post's text in the result's document: stored apart, read only when a sink reads it
MAX_BYTES = 200_000_000  # the cache keeps the most recently used entries within this size...
MAX_AGE_SECONDS = 30 * 24 * 3600  # ...and none unused for longer than this
PRUNE_EVERY_SECONDS = 24 * 3600  # pruning walks the cache at most once a day
PRUNED_STAMP = ".pruned"
SUFFIX = ".jz"  # zlib-compressed JSON behind HEADER
OLD_SUFFIXES = (".json",)  # entries of earlier versions: never read, pruned like the rest
HEADER = b"clinic-audit result 3\n"  # bump the number when PostResult's JSON shape or FINDING_ROW changes
SKIP_HEADER = b"clinic-audit skipped 1\n"  # an input that is not a post: its source and why, as JSON
SITE_HEADER = b"clinic-audit site 1\n"  # a run's site findings: a JSON list of Finding.to_dict, zlib-compressed
# zlib level.  The benchmark's 275 posts (7.2 MB of JSON): level 1 2.09 MB in 75 ms, 4 1.94 MB in 84 ms, 6 1.89 MB
# in 128 ms; decompressing takes the same time at every level.
LEVEL = 4
WINDOW = 32768  # zlib's window: the text is compressed against the end of the result's JSON, which quotes it
# A stored finding: these fields of ``Finding``, in its field order, then ``sources`` only when it has any.
FINDING_ROW = ("line", "column", "rule", "name", "family", "severity", "message", "excerpt", "suggestion", "value",
               "limit", "fingerprint")


def result_key(document: "Document", config: "Config") -> str:
    """What a post's result depends on, hashed: version, rules, settings, source, format and text, and how the
    site summary's sketch is hashed (stored sketches are only comparable with sketches hashed alike)."""
    from .siterules import SKETCH_HASH

    digest = hashlib.sha256()
    for part in (__version__, SKETCH_HASH, config.identity(document.source), document.source, document.format,
                 document.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


class SiteKey:
    """What a run's site findings depend on, hashed as the run goes (a run of 16,000 posts keeps no list of
    their keys): each post's result key and URL in run order, then the version, sketch hash, rules and
    settings, whether external links were kept, and every link status the rules saw."""

    def __init__(self) -> None:
        self.posts = hashlib.sha256()
        self.complete = True  # False once a post had no result key (a run without a store)

    def add(self, key: str, url: str) -> None:
        self.complete = self.complete and bool(key)
        self.posts.update(f"{key} {url}\x1e".encode("utf-8", "surrogatepass"))

    def hexdigest(self, config: "Config", links: "Mapping[str, LinkStatus]", external: bool) -> str:
        from .siterules import SKETCH_HASH

        digest = hashlib.sha256()
        for part in ("site", __version__, SKETCH_HASH, config.identity(None), str(external), self.posts.hexdigest()):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x1f")
        for url, status in sorted(links.items()):
            digest.update(f"{url} {status!r}\x1e".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


def encode(result: "PostResult", summary: "PostSummary | None") -> tuple[bytes, bytes]:
    """An entry's two JSON texts (each compressed on its own): the result's JSON with findings as rows and the
    summary beside it, but without the post's text (``document["blocks"]``); and that text."""
    data = result.to_dict(_row)
    blocks = data["document"].get(TEXT_KEY)
    if TEXT_KEY in data["document"]:
        data["document"] = {**data["document"], TEXT_KEY: None}  # read back into its place, so keys keep their order
    if summary is not None:
        data[SUMMARY_KEY] = summary.to_dict()
    return _json(data), _json(blocks)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")  # dumps: the C encoder


def decode(encoded: bytes, text: bytes | None) -> "Stored":
    """What :func:`encode` wrote, back as a result and summary (the result's document without the post's text
    when ``text`` is None); ValueError (or another error of reading a value of the wrong shape) when it is not
    such JSON."""
    from .result import PostResult
    from .siterules import PostSummary
    from .stored import load_json

    data = load_json(encoded)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    summary = data.pop(SUMMARY_KEY, None)
    findings = _findings(data["source"], data.pop("findings", []))
    document = data.get("document")
    if isinstance(document, dict) and TEXT_KEY in document:
        if text is None:
            del document[TEXT_KEY]
        else:
            document[TEXT_KEY] = load_json(text)
    return PostResult.from_dict(data, findings), PostSummary.from_dict(summary) if summary else None


def _skip(encoded: bytes) -> "Stored":
    """A stored skip back as the InputFailure it was; ValueError when it is not one."""
    from .result import InputFailure
    from .stored import load_json

    data = load_json(encoded)
    if not isinstance(data, dict) or not isinstance(data.get("source"), str) or not isinstance(data.get("message"), str):
        raise ValueError("not a stored skip")
    return InputFailure(data["source"], data["message"], skipped=True), None


def encode_site(findings: "Iterable[Finding]") -> bytes:
    """A run's site findings, compressed JSON (each finding's object and its source): what the result cache
    and the history store for a site key."""
    return zlib.compress(_json([{**f.to_dict(), "source": f.source} for f in findings]), LEVEL)


def decode_site(encoded: bytes) -> list[Finding]:
    """What :func:`encode_site` wrote, back as ``Finding`` values; ValueError (or another error of reading a
    value of the wrong shape) when it is not such data."""
    from .stored import load_json

    rows = load_json(zlib.decompress(encoded))
    if not isinstance(rows, list):
        raise ValueError("not a list")
    return [Finding.from_dict(row["source"], row) for row in rows]


def _site_entry(stored: bytes) -> list[Finding]:
    if not stored.startswith(SITE_HEADER):
        raise ValueError("not a site entry of this format")
    return decode_site(stored[len(SITE_HEADER):])


def _inflate(compressed: bytes, encoded: bytes) -> bytes:
    """The text part of an entry, compressed against the end of its result's JSON."""
    inflate = zlib.decompressobj(zdict=encoded[-WINDOW:])
    text = inflate.decompress(compressed)
    if not inflate.eof or inflate.unused_data:
        raise ValueError("the text part is truncated or followed by other data")
    return text


def _row(finding: Finding) -> list[Any]:
    row = [getattr(finding, name) for name in FINDING_ROW]
    row[FINDING_ROW.index("severity")] = str(finding.severity)
    if finding.sources:
        row.append(list(finding.sources))
    return row


_FIELDS = ("source", *FINDING_ROW)
_SEVERITIES = {str(severity): severity for severity in Severity}


def _findings(source: str, rows: list[list[Any]]) -> tuple[Finding, ...]:
    """The ``Finding`` values of rows this module wrote.

    The rows' values have the types ``Finding.from_dict`` would give them (JSON keeps ints, floats, strings and
    null apart; the severity is looked up), so each instance's attributes are set directly, in field order, as
    ``Finding.__init__`` would set them: a frozen dataclass's constructor costs a guarded ``__setattr__`` a
    field, which was most of a warm read's time for findings.  ``tests/test_warm_path.py`` checks the values
    equal ``Finding.from_dict``'s attribute for attribute, so a change to ``Finding`` (a field, slots, a
    ``__post_init__``) fails there rather than here."""
    width = len(FINDING_ROW)
    findings = []
    for row in rows:
        if len(row) not in (width, width + 1):
            raise ValueError("a finding row of the wrong length")
        finding = object.__new__(Finding)
        state = finding.__dict__
        state.update(zip(_FIELDS, (source, *row)))
        state["severity"] = _SEVERITIES[state["severity"]]
        state["sources"] = tuple(row[width]) if len(row) > width else ()
        findings.append(finding)
    return tuple(findings)


class ResultCache:
    """Post results on disk, keyed by :func:`result_key` (a run's store when no history is kept)."""

    def __init__(self, root: Path, read_text: bool = True):
        self.directory = Path(root) / CACHE_DIR
        self.read_text = read_text  # False: no sink of the run reads a post's text (see ``Sink.reads_text``)

    def _path(self, key: str) -> Path:
        return Path(self._file(key))

    def _file(self, key: str) -> str:
        """The entry's path as a string (a warm rerun reads one per post; pathlib would cost it 2 ms)."""
        return os.path.join(self.directory, key[:2], key + SUFFIX)

    def get(self, key: str) -> "Stored | None":
        """The stored result and site summary, or None when absent or unreadable."""
        return self._read(key, self._entry)

    def _entry(self, stored: bytes) -> "Stored":
        if stored.startswith(SKIP_HEADER):
            return _skip(stored[len(SKIP_HEADER):])
        if not stored.startswith(HEADER):
            raise ValueError("not an entry of this format")
        inflate = zlib.decompressobj()
        encoded = inflate.decompress(stored[len(HEADER):])  # zlib checks each part is whole
        if not inflate.eof:
            raise ValueError("truncated")
        return decode(encoded, _inflate(inflate.unused_data, encoded) if self.read_text else None)

    def _read(self, key: str, parse: "Callable[[bytes], T]") -> "T | None":
        """``parse`` of the entry stored under ``key`` (which marks it used), or None when it is absent or
        ``parse`` finds it unreadable."""
        try:
            path = self._file(key)
            with open(path, "rb") as handle:
                value = parse(handle.read())
            os.utime(path)  # used: kept by the pruning, which drops the least recently used entries first
            return value
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, zlib.error) as exc:  # damaged
            log.debug("ignoring unreadable cache entry %s: %s", key, exc)
            return None

    def put(self, key: str, result: "PostResult", summary: "PostSummary | None" = None, reused: bool = False) -> None:
        """Store a result atomically; a cache that cannot be written is skipped, never fatal."""
        if reused:
            return  # read from here: already stored
        encoded, text = encode(result, summary)
        deflate = zlib.compressobj(LEVEL, zdict=encoded[-WINDOW:])
        self._write(key, HEADER + zlib.compress(encoded, LEVEL) + deflate.compress(text) + deflate.flush())

    def _write(self, key: str, entry: bytes) -> None:
        """Write an entry atomically; a cache that cannot be written is skipped, never fatal."""
        path = self._path(key)
        tmp = None
        try:
            if not path.parent.is_dir():
                path.parent.mkdir(parents=True, exist_ok=True)
                self._ignore_in_git()
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=SUFFIX)
            with os.fdopen(fd, "wb") as handle:
                handle.write(entry)
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

    def failure(self, failure: "InputFailure", key: str = "") -> None:
        """An input that is not a post (no body text) is stored as such: its text and settings decide that, so a
        rerun need not parse it again.  Errors (unreadable, unparsable) are not stored: they are read again."""
        if failure.skipped and key:
            self._write(key, SKIP_HEADER + _json({"source": failure.source, "message": failure.message}))

    def site(self, key: str) -> "list[Finding] | None":
        """The site findings stored under ``key``, or None when absent or unreadable."""
        return self._read(key, _site_entry)

    def put_site(self, key: str, findings: "Iterable[Finding]") -> None:
        self._write(key, SITE_HEADER + encode_site(findings))

    def finish(self, site_findings: object, penalties: object) -> None:
        """Every entry was written when it was audited; prune the cache if it is due."""
        stamp = self.directory / PRUNED_STAMP
        try:
            due = not stamp.exists() or time.time() - stamp.stat().st_mtime > PRUNE_EVERY_SECONDS
            if due and self.directory.is_dir():
                self.prune()
                stamp.touch()
        except OSError as exc:
            log.debug("cannot prune the cache: %s", exc)
        return None

    def prune(self, max_bytes: int = MAX_BYTES, max_age: float = MAX_AGE_SECONDS) -> tuple[int, int]:
        """Delete entries unused for ``max_age`` seconds, then the least recently used until the cache fits
        ``max_bytes``; returns (entries deleted, bytes freed)."""
        entries = []
        for sub in os.scandir(self.directory):
            if sub.is_dir(follow_symlinks=False):
                for entry in os.scandir(sub.path):
                    if entry.name.endswith((SUFFIX, *OLD_SUFFIXES)) and entry.is_file(follow_symlinks=False):
                        info = entry.stat(follow_symlinks=False)
                        entries.append((info.st_mtime, info.st_size, entry.path))
        entries.sort(reverse=True)  # newest first
        now, kept, deleted, freed = time.time(), 0, 0, 0
        for mtime, size, path in entries:
            if now - mtime <= max_age and kept + size <= max_bytes:
                kept += size
                continue
            try:
                os.unlink(path)
                deleted, freed = deleted + 1, freed + size
            except OSError:
                pass
        return deleted, freed

    def clear(self) -> tuple[int, int]:
        """Delete every entry; returns (entries deleted, bytes freed)."""
        return self.prune(max_bytes=0, max_age=0) if self.directory.is_dir() else (0, 0)
