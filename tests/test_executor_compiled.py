"""Generated analyses on the executors: the compiled H->4l paper list, local driver vs Dask.

The script comes from the real compiler; its ``main`` (the pre-executor driver loop) is
the reference, and :func:`run_selection` on a threaded LocalCluster must give the same
event list and raw cutflow bit for bit (weighted sums up to reassociation) whatever the
partitioning; on the local executor it must give byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from pipeline.data import open_dataset
from pipeline.data.synthetic import generate
from pipeline.executor import get_executor
from pipeline.executor.dask_executor import DaskExecutor
from pipeline.run.stage2 import generate_code
from pipeline.runtime.analysis_run import AnalysisRun, provided_names
from pipeline.runtime.chunks import run_selection
from tests.conftest import ROOT, import_script, shared_path

PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"
FILES = ("events.csv", "cutflow.json", "histograms.json", "result.json")


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    path = generate_code(PAPER_LIST, tmp_path_factory.mktemp("codegen") / "analysis.py")
    return import_script(path, "generated_h4l")


@pytest.fixture(scope="module")
def synthetic_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("synthetic"), release="2025", n_events=4000, seed=5)


@pytest.fixture(scope="module")
def dask_ex() -> Iterator[DaskExecutor]:
    with DaskExecutor(workers=2, processes=False, progress=False) as ex:
        yield ex


def _config(m: ModuleType) -> dict:
    return {
        "producer": m.PRODUCER,
        "steps": m.STEPS,
        "requires": m.REQUIRES,
        "text_only": m.TEXT_ONLY,
        "observable": m.OBSERVABLE,
        "candidates": m.CANDIDATES,
    }


def run_on(m: ModuleType, files: list[Path], out: Path, executor, step_size: int | str) -> None:  # noqa: ANN001
    ds = open_dataset(files)
    config = _config(m)
    run = AnalysisRun(provided=provided_names(ds.provides), **config)
    fields = [f for f in m.READS if f in run.provided]
    n = run_selection(
        run,
        ds,
        fields,
        objects=m.select_objects,
        events=m.select_events,
        config=config,
        executor=executor,
        step_size=step_size,
    )
    run.write(out, list(ds.files), n)


def reference(m: ModuleType, files: list[Path], out: Path, step_size: int) -> None:
    assert (
        m.main(["--data", *map(str, files), "--out", str(out), "--step-size", str(step_size)]) == 0
    )


def assert_equivalent(a: Path, b: Path) -> None:
    assert (a / "events.csv").read_bytes() == (b / "events.csv").read_bytes()
    fa = json.loads((a / "cutflow.json").read_text())["steps"]
    fb = json.loads((b / "cutflow.json").read_text())["steps"]
    assert [(s["id"], s["raw"]) for s in fa] == [(s["id"], s["raw"]) for s in fb]
    np.testing.assert_allclose([s["weighted"] for s in fb], [s["weighted"] for s in fa], rtol=1e-12)
    ha = json.loads((a / "histograms.json").read_text())
    hb = json.loads((b / "histograms.json").read_text())
    assert list(ha) == list(hb) and len(ha) > 1  # per-file histograms too
    for name in ha:
        np.testing.assert_allclose(hb[name]["counts"], ha[name]["counts"], rtol=1e-12)


def test_local_executor_reproduces_the_driver_byte_for_byte(
    script: ModuleType, synthetic_files: list[Path], tmp_path: Path
) -> None:
    reference(script, synthetic_files, tmp_path / "ref", 10_000)
    run_on(script, synthetic_files, tmp_path / "local", get_executor("local"), 10_000)
    for name in FILES:
        assert (tmp_path / "ref" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), (
            name
        )


# 1000 events per file, one basket each: cut at basket boundaries, 1500 makes tasks of two files
def test_dask_equals_driver_on_synthetic(
    script: ModuleType,
    synthetic_files: list[Path],
    dask_ex: DaskExecutor,
    tmp_path: Path,
    size: int = 1500,
) -> None:
    reference(script, synthetic_files, tmp_path / "ref", 10_000)
    dask_ex.partition_events = size
    try:
        run_on(script, synthetic_files, tmp_path / "dask", dask_ex, "50 MB")
    finally:
        dask_ex.partition_events = None
    assert_equivalent(tmp_path / "ref", tmp_path / "dask")
    result = json.loads((tmp_path / "dask" / "result.json").read_text())
    assert result["n_input"] == 4000


def test_one_event_partitions_of_a_generated_analysis(script: ModuleType, tmp_path: Path) -> None:
    files = [shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")]
    reference(script, files, tmp_path / "ref", 10_000)
    with DaskExecutor(
        workers=2, processes=False, progress=False, retries=0, partition_events=1, align=False
    ) as ex:
        run_on(script, files, tmp_path / "dask", ex, 1)
    assert (tmp_path / "ref" / "events.csv").read_bytes() == (
        tmp_path / "dask" / "events.csv"
    ).read_bytes()


def test_dask_equals_driver_on_real_2020_data(
    script: ModuleType, dask_ex: DaskExecutor, tmp_path: Path
) -> None:
    files = sorted(shared_path("data", "atlas-opendata-2020").glob("*.root"))
    reference(script, files, tmp_path / "ref", 10_000)
    dask_ex.partition_events, dask_ex.align = (
        300,
        False,
    )  # straddles data_A/B/C/D (tails of >= 40 events)
    try:
        run_on(script, files, tmp_path / "dask", dask_ex, 100)
    finally:
        dask_ex.partition_events, dask_ex.align = None, True
    assert json.loads((tmp_path / "ref" / "result.json").read_text())["n_selected"] > 0
    assert_equivalent(tmp_path / "ref", tmp_path / "dask")
