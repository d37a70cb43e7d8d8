"""Where the per-post work runs: local worker processes, or a Dask cluster for runs that outgrow a machine.

A pool takes ``PostTask`` values and returns futures of ``audit_task``'s outcome; the run keeps the window,
the order, the store, the sinks and the site rules on the machine that started it.  Both pools send the
configuration to each worker once (a process-pool initializer; a Dask ``scatter``), never with every task.

Both pools send posts in small batches (``Batches``): one task audits a batch, and each post's future reads
its place in the batch's result.  A batch not yet full is sent when the run waits on one of its posts.  A Dask
task costs milliseconds of scheduling and a network round trip, as much as auditing a post (``DASK_BATCH``); a
local task costs the run's process pickling, thread wake-ups and a reply, a tenth of its CPU at one post a task
(``LOCAL_BATCH``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable, Protocol

from .engine import Outcome, PostTask, audit_task

if TYPE_CHECKING:
    from .config import Config

CONNECT_SECONDS = 5  # how long to wait for a Dask scheduler before saying it cannot be reached
WINDOW_PER_SLOT = 8  # posts held back per job while a run is still small (before its pool starts)
# Posts per Dask task, and batches in flight per worker thread.  Measured with bench_distributed.py on one
# machine (600 posts, 2 workers, medians of 2 interleaved rounds, time against the process pool), once a batch's
# outcomes were fetched once rather than once per post: 4 posts x 6 in flight 1.29x, 8 x 4 1.19x, 8 x 6 1.20x,
# 16 x 3 1.18x.  Eight a task, four in flight: as quick as bigger batches, with fewer posts held in flight.
DASK_BATCH = 8
DASK_BATCHES_PER_SLOT = 4
# Posts per task of the local pool, and batches in flight per worker.  A task costs the run's own process
# pickling, a wake-up of the pool's threads and a reply; measured on 467 real posts (the development corpus)
# (--jobs 2, 6 interleaved rounds, medians): one post a task, 8 in flight: 5.32 s wall, 1.98 s of CPU in the run's
# process, 10.28 s in all; 2 x 4: 5.08 s, 1.83 s, 9.72 s; 4 x 3: 5.04 s, 1.72 s, 9.62 s.
LOCAL_BATCH = 4
LOCAL_BATCHES_PER_SLOT = 3
BATCH_SECONDS = 1.0  # a batch filling slowly (posts fetched one by one from a site) is sent after this


class FutureLike(Protocol):
    def done(self) -> bool: ...

    def result(self) -> Outcome: ...


class Pool(Protocol):
    slots: int  # tasks it runs at once
    window: int  # posts the run keeps in flight on it

    def submit(self, task: PostTask) -> FutureLike: ...

    def close(self) -> None: ...


class LocalPool:
    """Worker processes on this machine (``-j``), sent posts in batches (``LOCAL_BATCH``)."""

    def __init__(self, config: "Config", jobs: int):
        # Imported here: multiprocessing costs a one-file check (a pre-commit hook) tens of milliseconds.
        from concurrent.futures import ProcessPoolExecutor

        self.slots = jobs
        self.window = jobs * LOCAL_BATCH * LOCAL_BATCHES_PER_SLOT
        self.executor = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(config,))
        self.batches = Batches(lambda tasks: self.executor.submit(_audit_in_worker, tasks), LOCAL_BATCH)

    def submit(self, task: PostTask) -> FutureLike:
        return self.batches.add(task)

    def close(self) -> None:
        self.batches.clear()
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
        self.batches = Batches(lambda tasks: self.client.submit(audit_batch, tasks, self.config, pure=False),
                               DASK_BATCH)

    def submit(self, task: PostTask) -> FutureLike:
        return self.batches.add(task)

    def close(self) -> None:
        self.batches.clear()
        if self.owned:
            self.client.close()


class Batches:
    """Posts gathered into batches of ``size``, each sent as one task by ``send`` (which returns its future);
    each post's future reads its place in its batch's result.  A batch not yet full is sent when the run waits
    on one of its posts, or when the next post comes more than ``BATCH_SECONDS`` after its first."""

    def __init__(self, send: "Callable[[list[PostTask]], FutureLike]", size: int):
        self.send, self.size = send, size
        self.batch: list[PostTask] = []
        self.future: _Batch = _Batch(self)
        self.started = 0.0

    def add(self, task: PostTask) -> FutureLike:
        future = _InBatch(self.future, len(self.batch))
        if not self.batch:
            self.started = time.monotonic()
        self.batch.append(task)
        if len(self.batch) >= self.size or time.monotonic() - self.started > BATCH_SECONDS:
            self.flush()
        return future

    def flush(self) -> None:
        """Send the batch being filled."""
        if self.batch:
            self.future.future = self.send(self.batch)
            self.batch, self.future = [], _Batch(self)

    def clear(self) -> None:
        self.batch = []


class _Batch:
    """A batch of posts: its pool's future once sent, and its outcomes once read."""

    def __init__(self, batches: Batches):
        self.batches = batches
        self.future: Any = None
        self.outcomes: list[Outcome] | None = None

    def result(self) -> list[Outcome]:
        if self.outcomes is None:
            if self.future is None:
                self.batches.flush()  # the run waits on a post of the batch being filled: send it now
            # read once: a Dask future fetches its value from the worker at every call
            self.outcomes = self.future.result()
        return self.outcomes


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


def _audit_in_worker(tasks: list[PostTask]) -> list[Outcome]:
    assert _worker_config is not None, "the pool initializer sets the configuration"
    return audit_batch(tasks, _worker_config)
