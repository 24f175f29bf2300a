"""Comparison of contract outputs: identical, compatible and different, with the first diverging
step."""

from __future__ import annotations

from pathlib import Path

from pipeline.compare import compare_outputs
from pipeline.contract import AnalysisResult, Cutflow, CutflowStep, SelectedEvent, write_outputs


def _write(out: Path, events: list[tuple[int, float]], steps: list[int], producer: str) -> Path:
    sel = [SelectedEvent(run=1, event=n, channel="4mu", m4l=m, weight=1.0) for n, m in events]
    flow = Cutflow(
        producer=producer,
        steps=[CutflowStep(id=f"s{i}", raw=r, weighted=float(r)) for i, r in enumerate(steps)],
    )
    result = AnalysisResult(
        producer=producer,
        inputs=[],
        n_input=steps[0],
        n_selected=len(sel),
        weighted_selected=float(len(sel)),
        channels={"4mu": len(sel)},
    )
    return write_outputs(out, events=sel, cutflow=flow, histograms=[], result=result)


def test_identical(tmp_path: Path) -> None:
    ev = [(n, 120.0 + n) for n in range(5)]
    a = _write(tmp_path / "a", ev, [10, 7, 5], "generated:x")
    b = _write(tmp_path / "b", ev, [10, 7, 5], "baseline:y")
    c = compare_outputs(a, b)
    assert c.verdict == "identical" and c.events.matched == 5 and c.first_divergence is None


def test_first_divergence_and_event_lists(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", [(n, 120.0) for n in range(100)], [200, 150, 100], "generated:x")
    b = _write(tmp_path / "b", [(n, 120.0) for n in range(1, 101)], [200, 151, 100], "baseline:y")
    c = compare_outputs(a, b)
    assert c.first_divergence == "s1"
    assert [e.event for e in c.events.only_generated] == [0]
    assert [e.event for e in c.events.only_baseline] == [100]
    assert c.verdict == "compatible"


def test_different_values_and_yields(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", [(n, 100.0) for n in range(50)], [60, 50], "generated:x")
    b = _write(tmp_path / "b", [(n, 125.0) for n in range(10)], [60, 10], "baseline:y")
    c = compare_outputs(a, b)
    assert c.verdict == "different"
    assert len(c.events.value_differences) == 10
    assert c.events.value_differences[0].other_m4l == 125.0
    assert not c.histogram.identical and c.histogram.chi2 > 0


def test_events_of_different_samples_with_the_same_run_and_event_stay_apart(tmp_path: Path) -> None:
    # simulated samples share the run number and reuse event numbers: (run, event) is not a key
    def write(out: Path, rows: list[tuple[int, int]]) -> Path:
        sel = [
            SelectedEvent(run=284500, event=e, dsid=d, channel="4e", m4l=125.0, weight=1.0)
            for d, e in rows
        ]
        result = AnalysisResult(
            producer="p",
            inputs=[],
            n_input=10,
            n_selected=len(sel),
            weighted_selected=float(len(sel)),
            channels={"4e": len(sel)},
        )
        flow = Cutflow(producer="p", steps=[CutflowStep(id="all", raw=10, weighted=10.0)])
        return write_outputs(out, events=sel, cutflow=flow, histograms=[], result=result)

    a = write(tmp_path / "a", [(345060, 11), (363490, 11), (363490, 12)])
    b = write(tmp_path / "b", [(345060, 11), (363490, 11)])
    c = compare_outputs(a, b)
    assert c.events.matched == 2
    assert [(e.dsid, e.event) for e in c.events.only_generated] == [(363490, 12)]
    assert (a / "events.csv").read_text().splitlines()[:2] == [
        "run,event,dsid,channel,m4l,weight",
        "284500,11,345060,4e,125.000000,1",
    ]


def test_duplicate_event_keys_are_refused(tmp_path: Path) -> None:
    import pytest

    from pipeline.errors import DataError

    a = _write(tmp_path / "a", [(1, 120.0), (1, 121.0)], [2, 2], "generated:x")
    b = _write(tmp_path / "b", [(1, 120.0)], [2, 1], "baseline:y")
    with pytest.raises(DataError, match="duplicate"):
        compare_outputs(a, b)
