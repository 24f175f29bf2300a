"""A NaN observable is never silently equal: NaN vs number, number vs NaN and NaN vs NaN are each
stated."""

from __future__ import annotations

import math
from pathlib import Path

from pipeline.compare import compare_outputs
from pipeline.contract import AnalysisResult, Cutflow, CutflowStep, SelectedEvent, write_outputs

NAN = float("nan")


def _write(out: Path, m4l: list[float], producer: str) -> Path:
    sel = [
        SelectedEvent(run=1, event=n, channel="4mu", m4l=m, weight=1.0) for n, m in enumerate(m4l)
    ]
    flow = Cutflow(
        producer=producer,
        steps=[
            CutflowStep(id="all", raw=10, weighted=10.0),
            CutflowStep(id="final", raw=len(sel), weighted=float(len(sel))),
        ],
    )
    result = AnalysisResult(
        producer=producer,
        inputs=[],
        n_input=10,
        n_selected=len(sel),
        weighted_selected=float(len(sel)),
        channels={"4mu": len(sel)},
    )
    return write_outputs(out, events=sel, cutflow=flow, histograms=[], result=result)


def test_nan_against_a_number_is_a_difference_in_both_directions(tmp_path: Path) -> None:
    gen = _write(tmp_path / "gen", [NAN, NAN, 125.0, 124.0, NAN], "generated:x")
    base = _write(tmp_path / "base", [120.0, 121.0, NAN, 124.0, NAN], "baseline:y")
    c = compare_outputs(gen, base)
    ev = c.events
    assert ev.matched == 5
    assert [e.event for e in ev.nan_generated] == [0, 1]  # NaN generated, a number in the baseline
    assert [e.event for e in ev.nan_baseline] == [2]  # a number generated, NaN in the baseline
    assert [e.event for e in ev.nan_both] == [4]
    assert math.isnan(ev.nan_generated[0].m4l) and ev.nan_generated[0].other_m4l == 120.0
    assert ev.nan_baseline[0].m4l == 125.0 and math.isnan(ev.nan_baseline[0].other_m4l or 0.0)
    assert c.verdict != "identical"
    for text in (
        "2 with m4l NaN only in the generated",
        "1 with m4l NaN only in the baseline",
        "1 with m4l NaN on both sides",
    ):
        assert text in c.reason


def test_nan_on_both_sides_is_not_called_identical(tmp_path: Path) -> None:
    gen = _write(tmp_path / "gen", [NAN, 125.0], "generated:x")
    base = _write(tmp_path / "base", [NAN, 125.0], "baseline:y")
    c = compare_outputs(gen, base)
    assert (
        len(c.events.nan_both) == 1
        and not c.events.nan_generated
        and not c.events.value_differences
    )
    assert c.verdict == "compatible" and "1 with m4l NaN on both sides" in c.reason


def test_the_comparison_with_nan_round_trips_through_comparison_json(tmp_path: Path) -> None:
    from pipeline.compare import Comparison
    from pipeline.run.stage2 import compare_dirs

    gen, base = (
        _write(tmp_path / "g", [NAN], "generated:x"),
        _write(tmp_path / "b", [1.0], "baseline:y"),
    )
    compare_dirs(gen, base, tmp_path / "comparison.json")
    again = Comparison.model_validate_json((tmp_path / "comparison.json").read_text())
    assert len(again.events.nan_generated) == 1 and math.isnan(again.events.nan_generated[0].m4l)


def test_the_report_shows_each_kind_of_nan_in_its_own_table(tmp_path: Path) -> None:
    from pipeline.report.render import event_sections

    gen = _write(tmp_path / "gen", [NAN, NAN, 125.0, 124.0, NAN], "generated:x")
    base = _write(tmp_path / "base", [120.0, 121.0, NAN, 124.0, NAN], "baseline:y")
    sections = {title: rows for title, _head, rows in event_sections(compare_outputs(gen, base))}
    assert (
        len(sections["Matched, m4l NaN in the generated output, a number in the baseline (2)"]) == 2
    )
    assert (
        sections["Matched, m4l a number in the generated output, NaN in the baseline (1)"][0][4]
        == "125.0000"
    )
    assert sections["Matched, m4l NaN on both sides (1)"][0][4] == "nan"
    assert len(sections["Matched, with different values (0)"]) == 0
