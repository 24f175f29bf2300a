"""Comparison of contract outputs: identical, compatible and different, with the first diverging step."""

from __future__ import annotations

from pathlib import Path

from pipeline.compare import compare_outputs
from pipeline.contract import AnalysisResult, Cutflow, CutflowStep, SelectedEvent, write_outputs


def _write(out: Path, events: list[tuple[int, float]], steps: list[int], producer: str) -> Path:
    sel = [SelectedEvent(run=1, event=n, channel="4mu", m4l=m, weight=1.0) for n, m in events]
    flow = Cutflow(producer=producer, steps=[CutflowStep(id=f"s{i}", raw=r, weighted=float(r))
                                             for i, r in enumerate(steps)])
    result = AnalysisResult(producer=producer, inputs=[], n_input=steps[0], n_selected=len(sel),
                            weighted_selected=float(len(sel)), channels={"4mu": len(sel)})
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
