"""What running the per-post work on Dask costs next to the local process pool.

    python benchmarks/bench_distributed.py              # 2,000 posts, 2 workers each way
    python benchmarks/bench_distributed.py --posts 300  # quicker

Both runs go through the same ``Run`` with the same configuration (every rule on, no cache), on this
machine: a ``LocalCluster`` of worker processes (one thread each) against the process pool with the same
number of processes.  The ratio is the price of Dask's scheduling and serialisation; on a real cluster the
gain is every other machine's cores.  Skips cleanly when ``distributed`` is not installed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    try:
        import distributed
    except ImportError:
        print("skipped: distributed is not installed (pip install 'clinic-audit[distributed]')")
        return 0
    from clinic_audit.config import Config
    from clinic_audit.executors import DaskPool
    from clinic_audit.registry import load
    from clinic_audit.run import Run, RunOptions

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "posts"
        write_corpus(args.posts, folder)
        config = Config.build(load(), folder, {"select": ["ALL"]}, isolated=True)
        options = RunOptions((str(folder),), jobs=args.workers)
        with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            local, dask = [], []
            for _ in range(args.rounds):  # interleaved rounds; medians
                started = time.perf_counter()
                Run(config, options).execute()
                local.append(time.perf_counter() - started)
                started = time.perf_counter()
                Run(config, options, pool=lambda: DaskPool(config, client)).execute()
                dask.append(time.perf_counter() - started)
    lt, dt = statistics.median(local), statistics.median(dask)
    print(f"| posts | workers | process pool | Dask LocalCluster | Dask / pool |\n|---:|---:|---:|---:|---:|\n"
          f"| {args.posts} | {args.workers} | {lt:.1f} s ({args.posts / lt:.0f} posts/s) | "
          f"{dt:.1f} s ({args.posts / dt:.0f} posts/s) | {dt / lt:.2f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
