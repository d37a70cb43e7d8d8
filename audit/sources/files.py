"""Local inputs: find the files a run audits and turn their bytes into text, with one clear error per bad input."""

from __future__ import annotations

import codecs
import fnmatch
import os
import re
import stat
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from ..constants import REPORT_MARKER
from .document import STDIN, Document, InputError, Target

# Never audited: the result cache and a Git repository's own folder (gitignore patterns, like --exclude's).
BUILT_IN_EXCLUDES = (".clinic-audit/", ".git/")
FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "text",
           ".docx": "docx"}
SNIFF_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([\w.-]+)""")


def discover(
    paths: Iterable[str],
    include: Iterable[str],
    exclude: Iterable[str],
    root: Path,
) -> Iterator[Target | InputError]:
    """Expand files, folders (recursively, honouring include/exclude) and ``-``.

    A path named explicitly is always audited; folders are filtered by the
    include globs and the gitignore-style exclude patterns.
    """
    include, exclude, paths = list(include), list(exclude), list(paths)
    excluded: "Excluded | None" = None  # built for the first folder: named files need none
    # Files already yielded, when two arguments may name one (a folder walk never repeats a file): a run of
    # one folder of 16,000 posts keeps no set of their names.
    seen: set[str] | _Nothing = set() if len(paths) > 1 else _Nothing()
    for raw in paths:
        if raw == STDIN:
            yield Target(STDIN, None)
            continue
        path = Path(raw)
        if path.is_file():
            if str(path) not in seen:
                seen.add(str(path))
                yield Target(display_name(str(path)), path)
        elif path.is_dir():
            if excluded is None:
                excluded = _excluded(exclude)
            for found in _walk(path, include, excluded, root):
                if isinstance(found, InputError):
                    yield found
                elif str(found) not in seen:
                    seen.add(str(found))
                    yield Target(display_name(str(found)), found)
        elif path.exists():
            yield InputError(display_name(raw), "not a regular file or folder")
        else:
            yield InputError(display_name(raw), "no such file or folder")


class _Nothing:
    """An always-empty set: ``add`` forgets."""

    def __contains__(self, item: object) -> bool:
        return False

    def add(self, item: object) -> None:
        pass


class Excluded(Protocol):
    def match_file(self, file: str) -> bool: ...


class BuiltInExcludes:
    """What a gitignore matcher of :data:`BUILT_IN_EXCLUDES` alone answers, without importing one (pathspec
    costs a folder run about 8 ms): a path inside a folder of one of those names.  A directory's path ends
    in "/"; a file of that name (a Git worktree's ``.git`` file) is not a folder."""

    folders = frozenset(pattern.rstrip("/") for pattern in BUILT_IN_EXCLUDES)

    def match_file(self, file: str) -> bool:
        parts = file.split("/")
        return not self.folders.isdisjoint(parts if file.endswith("/") else parts[:-1])


def _excluded(exclude: list[str]) -> Excluded:
    """The folder filter: gitignore-style ``exclude`` patterns and the built-in ones."""
    if not exclude:
        return BuiltInExcludes()
    import pathspec  # a gitignore matcher

    return pathspec.GitIgnoreSpec.from_lines([*exclude, *BUILT_IN_EXCLUDES])


def _walk(folder: Path, include: list[str], excluded: Excluded, root: Path) -> Iterator[Path | InputError]:
    """Files under ``folder`` matching ``include`` (case-insensitively: ``POST.MD`` is a post too), in order.

    Symlinked folders are followed once each (a link back up the tree is not a loop forever); a folder that
    cannot be read is reported, not skipped in silence.
    """
    wanted = _name_matcher(include)
    root = root.resolve()  # once, not once a file
    unreadable: list[OSError] = []
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable.append, followlinks=True):
        while unreadable:
            error = unreadable.pop()
            yield InputError(display_name(str(error.filename or dirpath)), f"cannot read the folder: {error.strerror}")
        here = Path(dirpath)
        real = os.path.realpath(here)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        if REPORT_MARKER in filenames:  # an HTML report written here by clinic-audit: not posts
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not excluded.match_file(_rel(here / d, root) + "/")
                             and os.path.realpath(here / d) not in seen)
        for name in sorted(filenames):
            candidate = here / name
            if wanted(name.lower()) and not excluded.match_file(_rel(candidate, root)):
                yield candidate
    for error in unreadable:
        yield InputError(display_name(str(error.filename or folder)), f"cannot read the folder: {error.strerror}")


def display_name(name: str) -> str:
    """A file name every output can hold: bytes that are not UTF-8 (kept by Python as lone surrogates) are
    shown as ``\\xe9``; the file itself is still read through its real path."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _name_matcher(include: list[str]) -> Callable[[str], re.Match[str] | None]:
    """Whether a (lower-cased) file name matches one of the include globs, as ``PurePath(name).match`` would:
    a glob with a "/" needs more than a bare name, so only globs without one can match (one regex for all)."""
    globs = [fnmatch.translate(pattern.lower()) for pattern in include if "/" not in pattern]
    return re.compile("|".join(globs) or "(?!)").match


def _rel(path: Path, root: Path) -> str:
    """``path`` relative to the resolved ``root``, symlinks resolved; as given when outside it."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read(target: Target, max_bytes: int, stdin_format: str | None = None) -> Document:
    """Read and decode one input, or raise InputError saying why it cannot be audited."""
    if target.path is None:
        data = sys.stdin.buffer.read(max_bytes + 1)
        fmt = stdin_format
    else:
        try:
            info = target.path.stat()  # follows a symlink: what would be read
            if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero would never end
                raise InputError(target.source, "not a regular file (a pipe, device or socket is never read)")
            if info.st_size > max_bytes:
                raise InputError(target.source, f"file is {info.st_size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit (max-file-size)")
            with open(target.path, "rb") as handle:
                # read(n) allocates n bytes first: ask for the size stat saw (and one more), and only if the file
                # grew since, for the rest up to the cap, which holds even if the file grows while it is read
                data = handle.read(info.st_size + 1)
                if len(data) > info.st_size:
                    data += handle.read(max_bytes + 1 - len(data))
        except PermissionError:
            raise InputError(target.source, "permission denied") from None
        except OSError as exc:
            raise InputError(target.source, f"cannot read: {exc.strerror}") from None
        fmt = FORMATS.get(target.path.suffix.lower())
    if len(data) > max_bytes:
        raise InputError(target.source, f"input is over the {max_bytes / 1e6:.1f} MB limit (max-file-size)")
    if not data.strip():
        raise InputError(target.source, "file is empty")
    if fmt == "docx":
        from ..docx import DocxError, to_html

        try:
            return Document(target.source, to_html(data), "docx")
        except DocxError as exc:
            raise InputError(target.source, str(exc)) from None
    if b"\x00" in data[:SNIFF_BYTES] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(target.source, "looks like a binary file, not HTML, Markdown or text")
    text = decode(target.source, data)
    if not text.strip().strip("\ufeff\u200b"):  # a byte-order mark, no-break spaces or zero-width spaces only
        raise InputError(target.source, "file holds no text (only spaces or invisible characters)")
    if fmt is None:
        fmt = sniff_format(text)
    return Document(target.source, text, fmt)


def decode(source: str, data: bytes) -> str:
    """Decode with the BOM or declared charset, then UTF-8; otherwise a clear error."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    head = data[:SNIFF_BYTES]
    declared = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if declared:
        name = declared.group(1).decode("ascii", "replace")
        try:
            return data.decode(codecs.lookup(name).name)
        except LookupError:
            pass  # unknown charset name: fall through to UTF-8
        except UnicodeDecodeError:
            pass  # wrong declaration: UTF-8 may still be right
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            source,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) and no charset is declared; "
            "save it as UTF-8 or declare its charset",
        ) from None


def sniff_format(text: str) -> str:
    """Guess the format of text without a file name (standard input)."""
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype", "<html", "<article", "<main", "<body", "<div", "<section", "<h1", "<p")):
        return "html"
    if head.startswith(("---", "+++")) or re.search(r"^#{1,6} \S", text, re.MULTILINE) or "](" in head:
        return "markdown"
    return "text"
