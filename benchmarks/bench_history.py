"""Disk use of nightly runs: the --db history and the result cache over unchanged runs, then one with edits.

    python benchmarks/bench_history.py                 # 2,000 posts, 10 nights (about 5 minutes on 2 cores)
    python benchmarks/bench_history.py --posts 100     # a quick look

Writes a deterministic corpus (benchmarks/corpus.py) and, each "night", runs
the command the way a nightly job would, twice:

- ``clinic-audit check posts --isolated -q --db <tmp>/history.sqlite``: the
  history.  With ``--db`` the history is the store: a post whose result key
  (text, settings, version) is unchanged reuses the result stored once per key
  in its ``results`` table, and the run adds a row per post in ``posts``.
- ``clinic-audit check posts --isolated -q``: the result cache,
  ``.clinic-audit/cache/`` (zlib-compressed entries) under the project folder.

Nights 2..N change nothing; the last night edits ``--edit-share`` of the posts
(every k-th gets one sentence more) first.  Sizes are on-disk bytes: the
database with its -wal and -shm files, and every file under the cache folder.
Default rules, as a nightly job runs them (``--select ALL`` for more findings).
The table is Markdown.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

CLI = shutil.which("clinic-audit", path=str(Path(sys.executable).parent)) or "clinic-audit"
CACHE = Path(".clinic-audit") / "cache"
EDIT_MD = "\n\nUpdated: the clinic now also opens on Saturday mornings.\n"
EDIT_HTML = "<p>Updated: the clinic now also opens on Saturday mornings.</p>\n  </article>"


def timed(args: list[str], cwd: Path) -> float:
    """Wall seconds of one ``clinic-audit`` run; exit 0 or 1 (findings) are both fine."""
    start = time.perf_counter()
    done = subprocess.run([CLI, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode not in (0, 1):
        raise SystemExit(f"clinic-audit {' '.join(args)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return time.perf_counter() - start


def history_bytes(db: Path) -> int:
    """The database and its write-ahead log and shared-memory files, as they are on disk."""
    return sum(p.stat().st_size for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
               if p.exists())


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def edit(paths: list[Path], share: float) -> int:
    """Add one sentence to every k-th post (``share`` of them); returns how many were edited."""
    step = max(1, round(1 / share))
    edited = 0
    for path in paths[::step]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html" and "</article>" in text:
            text = text.replace("  </article>", EDIT_HTML, 1)
        else:
            text += EDIT_MD
        path.write_text(text, encoding="utf-8")
        edited += 1
    return edited


def size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.2f} {unit}" if unit != "KB" else f"{n / scale:.0f} KB"
    return f"{n} B"


def duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--nights", type=int, default=10, help="unchanged runs, the first included (default 10)")
    parser.add_argument("--edit-share", type=float, default=0.05, help="share of posts edited before the last run")
    parser.add_argument("--jobs", type=int, help="worker processes (default: the command's, all cores)")
    parser.add_argument("--select", help="rules (default: the default selection)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.nights < 2 or not 0 < args.edit_share <= 1:
        parser.error("--nights must be at least 2 and --edit-share in (0, 1]")
    options = ["--isolated", "-q", *(["--jobs", str(args.jobs)] if args.jobs else []),
               *(["--select", args.select] if args.select else [])]

    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="clinic-audit-history-") as tmp:
        root = Path(tmp)
        project = root / "site"
        paths = write_corpus(args.posts, project / "posts", args.seed)
        db = root / "history.sqlite"
        cache = project / CACHE
        source = tree_bytes(project / "posts")
        print(f"{args.posts} posts ({size(source)} of source), {args.nights} unchanged nights, then "
              f"{args.edit_share:.0%} edited; options {' '.join(options)}", file=sys.stderr, flush=True)

        rows: list[tuple[str, float, int, int, float, int, int]] = []
        history_before = cache_before = 0
        nights = [f"night {n}" + (" (first, cold)" if n == 1 else " (unchanged)") for n in range(1, args.nights + 1)]
        for label in [*nights, "edited"]:
            if label == "edited":
                label = f"night {args.nights + 1}: {edit(paths, args.edit_share)} posts edited"
            history_s = timed(["check", "posts", *options, "--db", str(db)], project)
            cache_s = timed(["check", "posts", *options], project)
            history_now, cache_now = history_bytes(db), tree_bytes(cache)
            rows.append((label, history_s, history_now, history_now - history_before,
                         cache_s, cache_now, cache_now - cache_before))
            history_before, cache_before = history_now, cache_now
            print(f"[{(time.perf_counter() - began) / 60:4.1f} min] {label}: history {history_s:.1f} s, "
                  f"{size(history_now)}; cache {cache_s:.1f} s, {size(cache_now)}", file=sys.stderr, flush=True)

    unchanged = sorted(row[3] for row in rows[1:args.nights])
    median = unchanged[len(unchanged) // 2]
    last = rows[args.nights - 1]
    print(f"{args.posts:,} posts, {size(source)} of source; `clinic-audit check posts {' '.join(options)}` "
          f"with and without `--db`, {duration(time.perf_counter() - began)} in all.\n")
    print("| run | --db: time | history size | added | cache: time | cache size | added |")
    print("|---|---|---|---|---|---|---|")
    for label, history_s, history_now, history_added, cache_s, cache_now, cache_added in rows:
        print(f"| {label} | {history_s:.1f} s | {size(history_now)} | {size(history_added)} | {cache_s:.1f} s | "
              f"{size(cache_now)} | {size(cache_added)} |")
    print(f"\nAfter {args.nights} unchanged nightly runs of {args.posts:,} posts: history {size(last[2])} "
          f"({size(rows[0][2])} after the first; {size(median)} added per unchanged run, median, "
          f"{median / args.posts:.0f} bytes a post), result cache {size(last[5])} "
          f"({last[5] / args.posts / 1000:.1f} KB a post, {last[5] / source:.2f}× the source).")


if __name__ == "__main__":
    main()
