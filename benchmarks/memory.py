"""What does a run keep per post?  tracemalloc of the summaries, and of a whole in-process run at its peak.

    python benchmarks/memory.py summaries /tmp/posts            # bytes per PostSummary, by field
    python benchmarks/memory.py run /tmp/posts --save s2000.snap  # in-process `check --jobs 1 --select ALL`
    python benchmarks/memory.py diff s2000.snap s8000.snap        # what grew between two runs, by line

``summaries`` summarises up to ``--limit`` posts of a folder (written by ``benchmarks/corpus.py``) and
measures the live Python memory of the summaries as a run keeps them (each unpickled, as from a worker)
with tracemalloc, in total and field by field.  ``run`` runs ``clinic-audit check --jobs 1 --isolated
--select ALL --no-cache`` in this process with tracemalloc on and takes a snapshot just before the site
rules run (when everything kept per post is alive); it prints the traced peaks while auditing and during
the site rules, the largest allocation sites and, with ``--save``, keeps the snapshot so that two sizes can
be diffed: what grows with post count shows as the lines that grew.  Tracing makes the run several times
slower (about 3 minutes for 1,000 posts); RSS figures belong to ``benchmarks/run.py``, not here.
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import tracemalloc
from pathlib import Path
from typing import Any

TOP = 25


def _posts(folder: Path, limit: int) -> list[Path]:
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".html", ".md"))
    step = max(1, len(paths) // limit) if limit else 1
    return paths[::step][:limit] if limit else paths


def measure_summaries(folder: Path, limit: int) -> None:
    """Bytes per summary as kept by a run (built from the stored dict, as a worker's arrive by pickle)."""
    from clinic_audit.parse import parse
    from clinic_audit.siterules import PostSummary, summarize
    from clinic_audit.sources.document import Document

    dicts = []
    for path in _posts(folder, limit):
        document = Document(source=str(path), text=path.read_text(encoding="utf-8"),
                            format="html" if path.suffix == ".html" else "markdown")
        dicts.append(summarize(parse(document)).to_dict())
    import pickle

    try:
        from clinic_audit.siterules import SharedStrings
        keep = SharedStrings().summary  # as Run keeps each summary
    except ImportError:  # a version from before runs shared the URLs of their summaries
        keep = lambda summary: summary  # noqa: E731

    blobs = [pickle.dumps(PostSummary.from_dict(d)) for d in dicts]  # what crosses from a worker
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [keep(pickle.loads(b)) for b in blobs]
    total = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    n = len(kept)
    print(f"{n} summaries: {total / n:,.0f} bytes a post (tracemalloc; each unpickled, as from a worker, and kept as a "
          "run keeps it)")
    _fields(kept)


def _fields(kept: list) -> None:
    """Each field's share: the objects it reaches (sys.getsizeof), an object shared by several posts counted once."""
    seen: set[int] = set()
    for name in type(kept[0]).__slots__:
        size = sum(_deep_size(getattr(s, name), seen) for s in kept)
        print(f"  {name:12} {size / len(kept):7,.0f} bytes a post")


def _deep_size(value: object, seen: set[int]) -> int:
    if id(value) in seen:
        return 0
    seen.add(id(value))
    size = sys.getsizeof(value)
    if isinstance(value, (tuple, list)):
        size += sum(_deep_size(item, seen) for item in value)
    for slot in getattr(type(value), "__slots__", ()):
        if hasattr(value, slot) and not isinstance(value, (str, bytes, int)):
            size += _deep_size(getattr(value, slot), seen)
    return size


def measure_run(folder: Path, save: str | None, frames: int) -> None:
    """An in-process check with tracemalloc, snapshot taken as the site rules start."""
    from click.testing import CliRunner

    from clinic_audit import run as run_module
    from clinic_audit.cli import main

    taken: dict[str, Any] = {}
    site = run_module.Run._site

    def snapshot_then_site(self, outcome):  # type: ignore[no-untyped-def]
        gc.collect()
        taken["snapshot"] = tracemalloc.take_snapshot()
        before, audit_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        site(self, outcome)
        taken["lines"] = (f"peak while auditing {audit_peak / 2**20:.1f} MiB traced; as the site rules start "
                          f"{before / 2**20:.1f} MiB ({len(self.summaries)} summaries); "
                          f"peak during them {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB")

    run_module.Run._site = snapshot_then_site
    tracemalloc.start(frames)
    result = CliRunner().invoke(main, ["check", str(folder), "--jobs", "1", "--isolated", "--select", "ALL",
                                       "--no-cache", "--format", "text", "--no-color", "-o", "/dev/null"],
                                catch_exceptions=False)
    tracemalloc.stop()
    print(f"exit {result.exit_code}; {taken['lines']}")
    snapshot = taken["snapshot"]
    _top(snapshot.statistics("lineno"))
    if save:
        snapshot.dump(save)


def _top(stats: list) -> None:
    for stat in stats[:TOP]:
        frame = stat.traceback[0]
        print(f"{stat.size / 2**20:8.2f} MiB {stat.count:9,} blocks  {frame.filename}:{frame.lineno}")


def diff(first: str, second: str) -> None:
    a, b = tracemalloc.Snapshot.load(first), tracemalloc.Snapshot.load(second)
    total = sum(s.size for s in b.statistics("filename")) - sum(s.size for s in a.statistics("filename"))
    print(f"grew {total / 2**20:.1f} MiB in all")
    for stat in b.compare_to(a, "lineno")[:TOP]:
        frame = stat.traceback[0]
        print(f"{stat.size_diff / 2**20:+8.2f} MiB {stat.count_diff:+9,} blocks  {frame.filename}:{frame.lineno}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("summaries")
    s.add_argument("folder", type=Path)
    s.add_argument("--limit", type=int, default=2000)
    r = sub.add_parser("run")
    r.add_argument("folder", type=Path)
    r.add_argument("--save")
    r.add_argument("--frames", type=int, default=1)
    d = sub.add_parser("diff")
    d.add_argument("first")
    d.add_argument("second")
    args = parser.parse_args()
    if args.mode == "summaries":
        measure_summaries(args.folder, args.limit)
    elif args.mode == "run":
        measure_run(args.folder, args.save, args.frames)
    else:
        diff(args.first, args.second)


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, line_buffering=True)
    main()
