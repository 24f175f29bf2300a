"""Executors: the Dask executor agrees with the local one whatever the partitioning.

A real ``dask.distributed`` LocalCluster (threads, 2 workers) shared by the module; the
processes=True cluster, worker deaths and the CLI are in tests/test_executor_cluster.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baselines import run_baseline
from pipeline.data import Dataset, open_dataset
from pipeline.data.synthetic import generate
from pipeline.errors import UsageError
from pipeline.executor import PartitionError, Segment, get_executor, plan_partitions
from pipeline.executor.dask_executor import DaskExecutor
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    out = tmp_path_factory.mktemp("synthetic")
    return open_dataset(generate(out, release="2025", n_events=6000, seed=11))


@pytest.fixture(scope="module")
def dask_ex() -> Iterator[DaskExecutor]:
    # align=False: exactly the partition sizes asked for (1 event, straddling files)
    ex = DaskExecutor(workers=2, processes=False, progress=False, retries=2, align=False)
    with ex:
        yield ex


def _outputs(out: Path) -> tuple[bytes, list[dict], dict]:
    flow = json.loads((out / "cutflow.json").read_text())["steps"]
    hists = json.loads((out / "histograms.json").read_text())
    return (out / "events.csv").read_bytes(), flow, hists


def assert_same(local: Path, other: Path) -> None:
    """Events bit for bit, raw counts equal, weighted sums equal up to reassociation."""
    ev_a, flow_a, hist_a = _outputs(local)
    ev_b, flow_b, hist_b = _outputs(other)
    assert ev_a == ev_b
    assert [s["raw"] for s in flow_a] == [s["raw"] for s in flow_b]
    np.testing.assert_allclose(
        [s["weighted"] for s in flow_b], [s["weighted"] for s in flow_a], rtol=1e-12, atol=1e-12
    )
    assert list(hist_a) == list(hist_b)
    for name, ha in hist_a.items():
        assert ha["edges"] == hist_b[name]["edges"]
        np.testing.assert_allclose(hist_b[name]["counts"], ha["counts"], rtol=1e-12, atol=1e-12)


@given(size=st.integers(1, 7000))
@settings(max_examples=60, deadline=None)
def test_partitions_cover_every_entry_once_in_order(synthetic: Dataset, size: int) -> None:
    parts = plan_partitions(synthetic, size)
    segments = [s for p in parts for s in p.segments]
    assert segments == sorted(segments)
    for index, info in enumerate(synthetic.infos):
        mine = [s for s in segments if s.file_index == index]
        assert mine[0].start == 0 and mine[-1].stop == info.entries
        assert all(a.stop == b.start for a, b in zip(mine, mine[1:], strict=False))
    assert all(sum(s.stop - s.start for s in p.segments) == size for p in parts[:-1])
    assert [p.index for p in parts] == list(range(len(parts)))


@given(size=st.integers(1, 7000), data=st.data())
@settings(max_examples=60, deadline=None)
def test_partitions_cut_only_at_basket_boundaries(
    synthetic: Dataset, size: int, data: st.DataObject
) -> None:
    clusters = [
        sorted(
            {0, info.entries, *data.draw(st.lists(st.integers(1, info.entries - 1), max_size=8))}
        )
        for info in synthetic.infos
    ]
    parts = plan_partitions(synthetic, size, clusters)
    segments = [s for p in parts for s in p.segments]
    assert segments == sorted(segments)
    for index, info in enumerate(synthetic.infos):
        mine = [s for s in segments if s.file_index == index]
        assert mine[0].start == 0 and mine[-1].stop == info.entries
        assert all(a.stop == b.start for a, b in zip(mine, mine[1:], strict=False))
        assert all(s.stop in clusters[index] for s in mine)
    assert all(sum(s.stop - s.start for s in p.segments) >= size for p in parts[:-1])


def test_partition_size_zero_is_refused(synthetic: Dataset) -> None:
    with pytest.raises(PartitionError.__mro__[1], match="at least 1 event"):
        plan_partitions(synthetic, 0)


# 1-event partitions, odd sizes straddling file boundaries (1500 events per file), one file per
# partition exactly, and a single partition holding all four files
@pytest.mark.parametrize("size", [997, 1500, 1501, 10_000])
def test_baseline_dask_equals_local_on_synthetic(
    synthetic: Dataset, dask_ex: DaskExecutor, tmp_path: Path, size: int
) -> None:
    local = run_baseline("hzz4l_paper", synthetic, tmp_path / "local", step_size=500)
    dask_ex.partition_events = size
    try:
        other = run_baseline("hzz4l_paper", synthetic, tmp_path / "dask", executor=dask_ex)
    finally:
        dask_ex.partition_events = None
    assert other.n_input == local.n_input == 6000
    assert local.n_selected > 0
    assert_same(tmp_path / "local", tmp_path / "dask")


def test_one_event_partitions_on_real_2020_data(dask_ex: DaskExecutor, tmp_path: Path) -> None:
    ds = open_dataset(sorted(shared_path("data", "atlas-opendata-2020").glob("data_A*.root")))
    local = run_baseline("hzz4l_opendata", ds, tmp_path / "local")
    dask_ex.partition_events = 1
    try:
        other = run_baseline("hzz4l_opendata", ds, tmp_path / "dask", executor=dask_ex)
    finally:
        dask_ex.partition_events = None
    assert local.n_selected > 0 and other.n_input == ds.n_events
    assert_same(tmp_path / "local", tmp_path / "dask")


def test_real_2025_file_every_baseline(dask_ex: DaskExecutor, tmp_path: Path) -> None:
    ds = open_dataset([shared_path("data", "atlas-opendata-2025")])
    dask_ex.partition_events, dask_ex.align = 613, True  # cut at the file's basket boundaries
    try:
        for name in ("hzz4l_paper", "report_isa2025"):
            run_baseline(name, ds, tmp_path / name / "local", step_size=1000)
            run_baseline(name, ds, tmp_path / name / "dask", executor=dask_ex)
            assert_same(tmp_path / name / "local", tmp_path / name / "dask")
    finally:
        dask_ex.partition_events, dask_ex.align = None, False


def _ids(chunk: ak.Array, segment: Segment) -> tuple[int, np.ndarray]:
    return segment.file_index, ak.to_numpy(chunk.event)


def test_map_yields_in_file_and_entry_order(synthetic: Dataset, dask_ex: DaskExecutor) -> None:
    expected = ak.to_numpy(synthetic.read_all(["event"]).event)
    dask_ex.partition_events = 389
    try:
        pairs = list(dask_ex.map(synthetic, ["event"], _ids, step_size=100))
    finally:
        dask_ex.partition_events = None
    assert [seg for seg, _ in pairs] == sorted(seg for seg, _ in pairs)
    assert all(seg.file_index == idx for seg, (idx, _) in pairs)
    np.testing.assert_array_equal(np.concatenate([ev for _, (_, ev) in pairs]), expected)


class FlakyOnce:
    """Raises the first time it meets the segment holding ``entry`` of file ``file_index``."""

    def __init__(self, marker: Path, file_index: int, entry: int) -> None:
        self.marker, self.file_index, self.entry = marker, file_index, entry

    def __call__(self, chunk: ak.Array, segment: Segment) -> int:
        if (
            segment.file_index == self.file_index
            and segment.start <= self.entry < segment.stop
            and not self.marker.exists()
        ):
            self.marker.write_text("failed once")
            raise RuntimeError("transient worker trouble")
        return len(chunk)


class AlwaysBroken(FlakyOnce):
    def __call__(self, chunk: ak.Array, segment: Segment) -> int:
        if segment.file_index == self.file_index and segment.start <= self.entry < segment.stop:
            raise ValueError("corrupt basket")
        return len(chunk)


def test_transient_failure_is_retried(
    synthetic: Dataset, dask_ex: DaskExecutor, tmp_path: Path
) -> None:
    flaky = FlakyOnce(tmp_path / "marker", 2, 700)
    dask_ex.partition_events = 400
    try:
        counts = [n for _, n in dask_ex.map(synthetic, ["event"], flaky, step_size=100)]
    finally:
        dask_ex.partition_events = None
    assert (tmp_path / "marker").exists()  # it did fail once
    assert sum(counts) == synthetic.n_events


def test_lasting_failure_names_file_and_entry_range(synthetic: Dataset, tmp_path: Path) -> None:
    broken = AlwaysBroken(tmp_path / "unused", 1, 100)
    with (
        DaskExecutor(
            workers=1,
            processes=False,
            progress=False,
            retries=1,
            partition_events=1000,
            align=False,
        ) as ex,
        pytest.raises(PartitionError) as info,
    ):
        list(ex.map(synthetic, ["event"], broken, step_size=100))
    err = info.value
    # partition 1 holds entries 1000-1500 of file 0 and 0-500 of file 1; the bad one is named
    path = synthetic.infos[1].path
    assert str(err.partition) == f"{path} entries 0-500"
    assert err.path == path
    assert "ValueError: corrupt basket" in err.message and "2 attempt(s)" in err.message
    assert err.hint and "--executor local" in err.hint


def test_local_executor_reports_the_failing_chunk(synthetic: Dataset, tmp_path: Path) -> None:
    broken = AlwaysBroken(tmp_path / "unused", 3, 10)
    with pytest.raises(
        PartitionError, match=r"entries 0-200\) failed after 1 attempt\(s\): ValueError"
    ):
        list(get_executor("local").map(synthetic, ["event"], broken, step_size=200))


def test_unknown_executor_and_bad_options() -> None:
    with pytest.raises(UsageError, match="unknown executor 'dsak'") as info:
        get_executor("dsak")
    assert info.value.hint and "dask" in info.value.hint
    with pytest.raises(UsageError, match="local executor takes no workers"):
        get_executor("local", workers=2)
    with pytest.raises(UsageError, match="exclude each other"):
        get_executor("dask", workers=2, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(UsageError, match="at least 1"):
        get_executor("dask", workers=0)


def test_existing_scheduler_by_address(synthetic: Dataset, tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as c:
        run_baseline("hzz4l_paper", synthetic, tmp_path / "local")
        with DaskExecutor(
            scheduler=c.scheduler_address, progress=False, partition_events=2500
        ) as ex:
            run_baseline("hzz4l_paper", synthetic, tmp_path / "remote", executor=ex)
    assert_same(tmp_path / "local", tmp_path / "remote")


def test_unreachable_scheduler_is_a_usage_error() -> None:
    ex = DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout="1s")
    with pytest.raises(UsageError, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        ex.start()
