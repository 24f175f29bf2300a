"""The Dask executor with worker processes, a dying worker, and the CLI as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import awkward as ak
import cloudpickle
import pytest

from baselines import run_baseline
from pipeline.data import open_dataset
from pipeline.executor import Segment
from pipeline.executor.dask_executor import DaskExecutor
from tests.conftest import ROOT, load_timeout, shared_path
from tests.test_executor import assert_same

# the workers are other processes: ship this module's classes by value, not by import
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class DieOnce:
    """Kills its worker process the first time it meets ``segment_start`` of file ``file_index``."""

    def __init__(self, marker: Path, file_index: int, segment_start: int) -> None:
        self.marker, self.file_index, self.segment_start = marker, file_index, segment_start

    def __call__(self, chunk: ak.Array, segment: Segment) -> tuple[int, int]:
        if (segment.file_index, segment.start) == (
            self.file_index,
            self.segment_start,
        ) and not self.marker.exists():
            self.marker.write_text(str(os.getpid()))
            os._exit(3)  # the worker process dies mid-task; its nanny starts a new one
        return segment.file_index, len(chunk)


def test_process_workers_survive_a_dying_worker(tmp_path: Path) -> None:
    """Worker processes (not threads): a worker dying mid-task is replaced, the task rerun."""
    files = sorted(shared_path("data", "atlas-opendata-2020").glob("*.root"))
    ds = open_dataset(files)
    with DaskExecutor(
        workers=2, processes=True, progress=False, partition_events=100, align=False
    ) as ex:
        pids = set(ex.client.run(os.getpid).values())
        assert os.getpid() not in pids and len(pids) == 2  # really other processes
        marker = tmp_path / "died"
        dies = DieOnce(marker, 1, 61)  # data_B entries 61-156
        counts = list(ex.map(ds, ["event"], dies, step_size=100))
    assert marker.exists() and int(marker.read_text()) in pids
    per_file = [sum(n for _, (i, n) in counts if i == k) for k in range(len(files))]
    assert per_file == [f.events for f in ds.files]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=load_timeout(300),
        check=False,
    )


@pytest.mark.slow
def test_cli_baseline_on_dask_equals_local(tmp_path: Path) -> None:
    data = str(shared_path("data", "atlas-opendata-2020"))
    local = _cli("baseline", "hzz4l_opendata", "--data", data, "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    dask = _cli(
        "baseline",
        "hzz4l_opendata",
        "--data",
        data,
        "--out",
        str(tmp_path / "dask"),
        "--executor",
        "dask",
        "--workers",
        "2",
    )
    assert dask.returncode == 0, dask.stderr
    assert json.loads(dask.stdout)["n_selected"] == json.loads(local.stdout)["n_selected"] > 0
    assert "dask:" in dask.stderr  # the progress bar
    assert_same(tmp_path / "local", tmp_path / "dask")


def test_cli_with_an_existing_scheduler(tmp_path: Path) -> None:
    from distributed import LocalCluster

    data = str(shared_path("data", "atlas-opendata-2025"))
    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=":0",
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        proc = _cli(
            "baseline",
            "hzz4l_paper",
            "--data",
            data,
            "--out",
            str(tmp_path / "remote"),
            "--executor",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
        )
    assert proc.returncode == 0, proc.stderr
    ds = open_dataset([data])
    run_baseline("hzz4l_paper", ds, tmp_path / "local")
    assert_same(tmp_path / "local", tmp_path / "remote")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "2"], "the local executor takes no workers"),
        (["--executor", "dask", "--workers", "0"], "0 is not in the range x>=1"),
        (["--executor", "spark"], "'spark' is not one of 'local', 'dask'"),
        (
            ["--executor", "dask", "--workers", "2", "--scheduler", "tcp://127.0.0.1:9"],
            "exclude each other",
        ),
    ],
)
def test_cli_bad_executor_options(tmp_path: Path, args: list[str], message: str) -> None:
    data = str(shared_path("data", "atlas-opendata-2025"))
    proc = _cli("baseline", "hzz4l_paper", "--data", data, "--out", str(tmp_path / "out"), *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_generated_script_on_dask_inside_the_sandbox(tmp_path: Path) -> None:
    from pipeline.run.stage2 import generate_code

    script = generate_code(
        ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json", tmp_path / "analysis.py"
    )
    data = str(shared_path("data", "atlas-opendata-2020"))
    local = _cli("execute", str(script), "--data", data, "-o", str(tmp_path / "local" / "analysis"))
    assert local.returncode == 0, local.stderr
    dask = _cli(
        "execute",
        str(script),
        "--data",
        data,
        "-o",
        str(tmp_path / "dask" / "analysis"),
        "--executor",
        "dask",
        "--workers",
        "2",
    )
    assert dask.returncode == 0, dask.stderr
    assert json.loads(dask.stdout)["verdict"] == "ok"
    assert_same(tmp_path / "local" / "analysis", tmp_path / "dask" / "analysis")
    stderr = (tmp_path / "dask" / "codegen" / "attempts" / "01" / "stderr.txt").read_text()
    assert "dask: 832 events" in stderr  # the cluster ran inside the sandbox


def test_cluster_start_timeout_is_generous_and_grows_with_the_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """distributed's own 30 s connect timeout failed a cluster start on a loaded machine."""
    from pipeline.executor.dask_executor import startup_timeout

    monkeypatch.delenv("REPRO_DASK_TIMEOUT", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.1, 0.1, 0.1))
    idle = startup_timeout()
    assert idle >= 120
    monkeypatch.setattr(os, "getloadavg", lambda: (8.0, 8.0, 8.0))
    assert startup_timeout() >= 4 * idle * 0.99
    monkeypatch.setenv("REPRO_DASK_TIMEOUT", "45")
    assert startup_timeout() == 45


def test_the_cluster_runs_with_that_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import dask
    import distributed  # noqa: F401 - loads distributed's config defaults

    monkeypatch.setenv("REPRO_DASK_TIMEOUT", "321")
    before = dask.config.get("distributed.comm.timeouts.connect")
    with DaskExecutor(workers=1, processes=False, progress=False) as ex:
        assert ex.client is not None
        assert dask.config.get("distributed.comm.timeouts.connect") == "321s"
    assert dask.config.get("distributed.comm.timeouts.connect") == before  # restored on close


@pytest.mark.parametrize("raw", ["soon", "-5", "0"])
def test_bad_timeout_setting_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    from pipeline.errors import UsageError
    from pipeline.executor.dask_executor import startup_timeout

    monkeypatch.setenv("REPRO_DASK_TIMEOUT", raw)
    with pytest.raises(UsageError, match="REPRO_DASK_TIMEOUT"):
        startup_timeout()
