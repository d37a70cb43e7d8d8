"""Where the per-post work runs: local worker processes, or a Dask cluster for runs that outgrow a machine.

A pool takes ``PostTask`` values and returns futures of ``audit_task``'s outcome; the run keeps the window,
the order, the store, the sinks and the site rules on the machine that started it.  Both pools send the
configuration to each worker once (a process-pool initializer; a Dask ``scatter``), never with every task.

A Dask task costs milliseconds of scheduling and a network round trip, as much as auditing a post, so the
Dask pool sends posts in small batches (``DASK_BATCH``): one Dask task audits a batch, and each post's future
reads its place in the batch's result.  A batch not yet full is sent when the run waits on one of its posts.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

from .engine import Outcome, PostTask, audit_task

if TYPE_CHECKING:
    from .config import Config

CONNECT_SECONDS = 5  # how long to wait for a Dask scheduler before saying it cannot be reached
WINDOW_PER_SLOT = 8  # posts in flight per worker: keeps workers busy without holding the whole site in memory
# Posts per Dask task, and batches in flight per worker thread.  Measured on 600 posts, 2 workers, one machine
# (medians of 3 interleaved rounds, time against the process pool): 1 post x 8 in flight 1.40x, 4 x 6 1.22x,
# 8 x 4 1.36x, 16 x 3 about 2x (big batches leave a worker idle while the run waits, in order, on the other).
DASK_BATCH = 4
DASK_BATCHES_PER_SLOT = 6
DASK_BATCH_SECONDS = 1.0  # a batch filling slowly (posts fetched one by one from a site) is sent after this


class FutureLike(Protocol):
    def done(self) -> bool: ...

    def result(self) -> Outcome: ...


class Pool(Protocol):
    slots: int  # tasks it runs at once
    window: int  # posts the run keeps in flight on it

    def submit(self, task: PostTask) -> FutureLike: ...

    def close(self) -> None: ...


class LocalPool:
    """Worker processes on this machine (``-j``)."""

    def __init__(self, config: "Config", jobs: int):
        # Imported here: multiprocessing costs a one-file check (a pre-commit hook) tens of milliseconds.
        from concurrent.futures import ProcessPoolExecutor

        self.slots = jobs
        self.window = jobs * WINDOW_PER_SLOT
        self.executor = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(config,))

    def submit(self, task: PostTask) -> FutureLike:
        return self.executor.submit(_audit_in_worker, task)

    def close(self) -> None:
        self.executor.shutdown(cancel_futures=True)


class DaskPool:
    """The workers of a Dask distributed cluster (``--scheduler tcp://host:8786``); Dask schedules, retries
    lost work and balances load.  Workers need clinic-audit installed (the same version)."""

    def __init__(self, config: "Config", scheduler: Any):
        from distributed import Client

        # A scheduler address, or (tests, notebooks) a Client or LocalCluster already running.
        self.client = scheduler if isinstance(scheduler, Client) else Client(scheduler, timeout=CONNECT_SECONDS)
        self.owned = not isinstance(scheduler, Client)
        self.config = self.client.scatter(config, broadcast=True)
        self.slots = max(1, sum(self.client.nthreads().values()))
        self.window = self.slots * DASK_BATCH * DASK_BATCHES_PER_SLOT
        self.batch: list[PostTask] = []
        self.batch_future: _Batch = _Batch(self)
        self.batch_started = 0.0

    def submit(self, task: PostTask) -> FutureLike:
        future = _InBatch(self.batch_future, len(self.batch))
        if not self.batch:
            self.batch_started = time.monotonic()
        self.batch.append(task)
        if len(self.batch) >= DASK_BATCH or time.monotonic() - self.batch_started > DASK_BATCH_SECONDS:
            self.flush()
        return future

    def flush(self) -> None:
        """Send the batch being filled as one Dask task."""
        if self.batch:
            self.batch_future.future = self.client.submit(audit_batch, self.batch, self.config, pure=False)
            self.batch, self.batch_future = [], _Batch(self)

    def close(self) -> None:
        self.batch = []
        if self.owned:
            self.client.close()


class _Batch:
    """A batch of posts: its Dask future once sent."""

    def __init__(self, pool: DaskPool):
        self.pool = pool
        self.future: Any = None

    def result(self) -> list[Outcome]:
        if self.future is None:
            self.pool.flush()  # the run waits on a post of the batch being filled: send it now
        return self.future.result()  # type: ignore[no-any-return]


class _InBatch:
    """One post's future: its place in a batch."""

    def __init__(self, batch: _Batch, index: int):
        self.batch, self.index = batch, index

    def done(self) -> bool:
        return self.batch.future is not None and bool(self.batch.future.done())

    def result(self) -> Outcome:
        return self.batch.result()[self.index]


def audit_batch(tasks: list[PostTask], config: "Config") -> list[Outcome]:
    """Audit several posts in one Dask task, in order."""
    return [audit_task(task, config) for task in tasks]


_worker_config: "Config | None" = None


def _init_worker(config: "Config") -> None:
    global _worker_config
    _worker_config = config


def _audit_in_worker(task: PostTask) -> Outcome:
    assert _worker_config is not None, "the pool initializer sets the configuration"
    return audit_task(task, _worker_config)
