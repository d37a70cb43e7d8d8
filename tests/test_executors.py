"""Pools send posts in batches and hand each post's outcome back in its own place."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

from clinic_audit import executors
from clinic_audit.engine import PostTask
from clinic_audit.executors import Batches
from clinic_audit.result import Sink
from clinic_audit.run import PARALLEL_FROM, Run, RunOptions
from clinic_audit.sources import Document

from conftest import isolated_config


class _Collect(Sink):
    def __init__(self) -> None:
        self.posts: list = []

    def post(self, result) -> None:
        self.posts.append(result)


class _Sent:
    """A fake pool's future: done once its batch was sent, its result each task's source."""

    def __init__(self, tasks: list[PostTask]):
        self.tasks = list(tasks)

    def done(self) -> bool:
        return True

    def result(self) -> list[str]:
        return [task.document.source for task in self.tasks]


def _task(i: int) -> PostTask:
    return PostTask(Document(f"p{i}.md", "# Title\n\nText.\n", "markdown"))


def test_full_batches_are_sent_and_each_post_reads_its_place():
    sent: list[int] = []

    def send(tasks):
        sent.append(len(tasks))
        return _Sent(tasks)

    batches = Batches(send, 4)
    futures = [batches.add(_task(i)) for i in range(10)]
    assert sent == [4, 4]  # the last two wait for more posts
    assert [f.done() for f in futures] == [True] * 8 + [False] * 2
    assert futures[9].result() == "p9.md" and sent == [4, 4, 2]  # waiting on a post sends its batch
    assert [f.result() for f in futures] == [f"p{i}.md" for i in range(10)]


def test_a_batch_filling_slowly_is_sent_when_the_next_post_comes_late(monkeypatch):
    monkeypatch.setattr(executors, "BATCH_SECONDS", -1.0)  # every post comes "late"
    sent: list[int] = []
    batches = Batches(lambda tasks: sent.append(len(tasks)) or _Sent(tasks), 4)
    for i in range(3):
        batches.add(_task(i))
    assert sent == [1, 1, 1]


def test_the_local_pool_sends_its_workers_batches_of_posts(tmp_path: Path, monkeypatch):
    sizes: list[int] = []

    class Counting(concurrent.futures.ProcessPoolExecutor):
        def submit(self, fn, tasks, *args, **kwargs):  # type: ignore[override]
            sizes.append(len(tasks))
            return super().submit(fn, tasks, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counting)
    count = PARALLEL_FROM + 6
    for i in range(count):
        (tmp_path / f"p{i:02d}.md").write_text(f"# Knee care {i}\n\nRest the knee and keep it moving.\n",
                                              encoding="utf-8")
    config = isolated_config()
    collected = _Collect()
    Run(config, RunOptions((str(tmp_path),), jobs=2), sinks=[collected]).execute()
    batch = executors.LOCAL_BATCH
    assert sizes == [batch] * (count // batch) + ([count % batch] if count % batch else [])
    assert [r.source for r in collected.posts] == sorted(str(p) for p in tmp_path.glob("*.md"))
    serial = _Collect()
    Run(config, RunOptions((str(tmp_path),), jobs=1), sinks=[serial]).execute()
    assert [r.to_dict() for r in collected.posts] == [r.to_dict() for r in serial.posts]


def test_a_batch_is_fetched_from_its_pool_once_however_many_posts_read_it():
    class Remote(_Sent):
        fetched = 0

        def result(self) -> list[str]:  # a Dask future fetches from its worker at every call
            Remote.fetched += 1
            return super().result()

    batches = Batches(Remote, 4)
    futures = [batches.add(_task(i)) for i in range(4)]
    assert [f.result() for f in futures] == ["p0.md", "p1.md", "p2.md", "p3.md"]
    assert Remote.fetched == 1
