"""A run through a Dask cluster gives exactly the findings of the local process pool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (clinic-audit[distributed])")

from clinic_audit.executors import DaskPool  # noqa: E402
from clinic_audit.result import Sink  # noqa: E402
from clinic_audit.run import Run, RunOptions  # noqa: E402

from conftest import isolated_config  # noqa: E402

BROKEN = "# Knee pain\n\nSigns may include:\n\n## Care\n\nAbout 30% of adults have knee pain.\n\n- Ice\n-\n"
CLEAN = "# Hip care\n\nRest the hip and keep it moving gently each day. Walk a little more each week.\n"


class _Json(Sink):
    def __init__(self) -> None:
        self.posts: list[str] = []
        self.site_findings: list[str] = []

    def post(self, result) -> None:
        self.posts.append(json.dumps(result.to_dict(), sort_keys=True))

    def site(self, findings) -> None:  # type: ignore[override]
        self.site_findings = [json.dumps(f.to_dict(), sort_keys=True) for f in findings]


def _posts(tmp_path: Path) -> Path:
    for i in range(24):
        (tmp_path / f"p{i:02d}.md").write_text((BROKEN if i % 3 else CLEAN).replace("Knee", f"Knee {i}"),
                                                encoding="utf-8")
    return tmp_path


def test_a_local_cluster_gives_byte_identical_results_to_the_process_pool(tmp_path: Path):
    folder = _posts(tmp_path)
    config = isolated_config()
    local = _Json()
    Run(config, RunOptions((str(folder),), jobs=2), sinks=[local]).execute()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = _Json()
        result = Run(config, RunOptions((str(folder),), jobs=2), sinks=[remote],
                     pool=lambda: DaskPool(config, client)).execute()
    assert result.posts == 24
    assert remote.posts == local.posts
    assert remote.site_findings == local.site_findings


def test_posts_go_to_dask_in_batches_and_come_back_in_order(tmp_path: Path, monkeypatch):
    from clinic_audit import executors

    monkeypatch.setattr(executors, "DASK_BATCH", 5)  # 24 posts: 5, 5, 5, 5, 4
    folder = _posts(tmp_path)
    config = isolated_config()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        sent: list[int] = []
        real_submit = client.submit

        def counting(function, tasks, *args, **kwargs):
            sent.append(len(tasks))
            return real_submit(function, tasks, *args, **kwargs)

        monkeypatch.setattr(client, "submit", counting)
        remote = _Json()
        Run(config, RunOptions((str(folder),), jobs=2), sinks=[remote], pool=lambda: DaskPool(config, client)).execute()
    assert sent == [5, 5, 5, 5, 4]  # 24 posts: four full batches, and the last one sent when the run waits on it
    assert [json.loads(p)["source"] for p in remote.posts] == sorted(str(p) for p in folder.glob("*.md"))


def test_an_unreachable_scheduler_is_one_clear_line(cli, tmp_path: Path):
    (tmp_path / "a.md").write_text(CLEAN, encoding="utf-8")
    result = cli("check", "--isolated", str(tmp_path / "a.md"), "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2 and "cannot reach the Dask scheduler" in result.stderr
