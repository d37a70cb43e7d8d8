"""The commit path: a second check of unchanged posts reuses cached results.

    python benchmarks/bench_cache.py [--posts 200] [--jobs 1]

Writes a deterministic corpus (benchmarks/corpus.py), checks it cold (cache
emptied), then again with every post unchanged, and prints both wall times and
their ratio.  Target: the second check at least 10x faster than the first.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

CLI = str(Path(sys.executable).with_name("clinic-audit"))


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([CLI, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode()[-500:])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the median is shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_corpus(args.posts, root / "posts", seed=7)
        check = ["check", "posts", "--isolated", "-q", "--jobs", str(args.jobs)]
        cold, warm = [], []
        for _ in range(args.repeat):
            shutil.rmtree(root / ".clinic-audit", ignore_errors=True)
            cold.append(timed(check, root))
            warm.append(timed(check, root))
        cold_s, warm_s = sorted(cold)[len(cold) // 2], sorted(warm)[len(warm) // 2]
        print(f"posts: {args.posts}, jobs: {args.jobs}")
        print(f"first check (cache empty):   {cold_s:6.2f} s")
        print(f"second check (unchanged):    {warm_s:6.2f} s")
        print(f"speed-up: {cold_s / warm_s:.1f}x (target: at least 10x)")


if __name__ == "__main__":
    main()
