"""Where the per-post work runs: local worker processes, or a Dask cluster for runs that outgrow a machine.

A pool takes ``PostTask`` values and returns futures of ``audit_task``'s outcome; the run keeps the window,
the order, the store, the sinks and the site rules on the machine that started it.  Both pools send the
configuration to each worker once (a process-pool initializer; a Dask ``scatter``), never with every task.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from .engine import Outcome, PostTask, audit_task

if TYPE_CHECKING:
    from .config import Config

CONNECT_SECONDS = 5  # how long to wait for a Dask scheduler before saying it cannot be reached


class FutureLike(Protocol):
    def done(self) -> bool: ...

    def result(self) -> Outcome: ...


class Pool(Protocol):
    slots: int  # tasks it runs at once

    def submit(self, task: PostTask) -> FutureLike: ...

    def close(self) -> None: ...


class LocalPool:
    """Worker processes on this machine (``-j``)."""

    def __init__(self, config: "Config", jobs: int):
        # Imported here: multiprocessing costs a one-file check (a pre-commit hook) tens of milliseconds.
        from concurrent.futures import ProcessPoolExecutor

        self.slots = jobs
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

    def submit(self, task: PostTask) -> FutureLike:
        return self.client.submit(audit_task, task, self.config, pure=False)  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.owned:
            self.client.close()


_worker_config: "Config | None" = None


def _init_worker(config: "Config") -> None:
    global _worker_config
    _worker_config = config


def _audit_in_worker(task: PostTask) -> Outcome:
    assert _worker_config is not None, "the pool initializer sets the configuration"
    return audit_task(task, _worker_config)
