"""The report's plots: both sides always (baseline bars for steps with other ids, the baseline's m4l
histogram), in the field's conventions (experiment label, luminosity of the data used, Events / 2.5
GeV)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.contract import AnalysisResult, Cutflow, CutflowStep, InputFile
from pipeline.report.plot_style import PlotLabel, events_per_bin, plot_label
from pipeline.report.plots import cutflow_plot, cutflow_rows, draw_cutflow, draw_m4l, m4l_plot

EDGES = [80.0 + 2.5 * i for i in range(37)]


def flow(producer: str, *steps: tuple[str, int]) -> Cutflow:
    return Cutflow(
        producer=producer, steps=[CutflowStep(id=i, raw=n, weighted=float(n)) for i, n in steps]
    )


GEN = flow("generated:x", ("all", 100), ("leptons_count", 80), ("leptons_pt_1", 60))
BASE = flow("baseline:y", ("all", 100), ("exactly_4_leptons", 80), ("lepton_pt", 60))


def _result(*names: str, synthetic: bool = False, release: str = "2020") -> AnalysisResult:
    inputs = [
        InputFile(path=f"/d/{n}", sha256="0" * 64, release=release, synthetic=synthetic, events=10)
        for n in names
    ]
    return AnalysisResult(
        producer="p",
        inputs=inputs,
        n_input=10,
        n_selected=1,
        weighted_selected=1.0,
        channels={},
        synthetic=synthetic,
    )


def _hist(counts: list[float]) -> dict[str, object]:
    return {"name": "m4l", "label": "m4l", "edges": EDGES, "counts": counts, "variances": counts}


def _texts(fig: object) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)  # type: ignore[attr-defined]


def test_cutflow_plot_draws_the_baseline_bars_of_steps_with_other_ids() -> None:
    rows = cutflow_rows(GEN, BASE)
    fig = draw_cutflow(rows, PlotLabel(False, True, None, None), with_baseline=True)
    ax = fig.axes[0]
    generated, baseline = (list(c.datavalues) for c in ax.containers)
    assert sorted(b for b in baseline if b) == [60, 80, 100]  # every baseline step has its bar
    assert sorted(g for g in generated if g) == [60, 80, 100]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "exactly_4_leptons (baseline)" in labels and "leptons_count" in labels
    # under the accepted map the bars stand side by side, labelled with both ids
    rows = cutflow_rows(
        GEN, BASE, {"leptons_count": "exactly_4_leptons", "leptons_pt_1": "lepton_pt"}
    )
    assert [(r.generated_raw, r.baseline_raw) for r in rows] == [(100, 100), (80, 80), (60, 60)]
    ax = draw_cutflow(rows, PlotLabel(False, True, None, None), with_baseline=True).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()][1] == "leptons_count = exactly_4_leptons"


def test_m4l_plot_shows_the_baseline_and_the_conventions() -> None:
    counts = [0.0] * 36
    counts[17] = 4.0
    hists = {"m4l": _hist(counts), "m4l:data_A.4lep": _hist(counts)}
    base = {"m4l": _hist([1.0] * 36)}
    label = plot_label(
        _result("data_A.4lep.root", "data_B.4lep.root", "data_C.4lep.root", "data_D.4lep.root")
    )
    fig = draw_m4l(hists, base, label, "baseline:hzz4l_paper")
    ax, rax = fig.axes
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Data" in legend and "baseline:hzz4l_paper (all inputs)" in legend
    assert ax.get_ylabel() == "Events / 2.5 GeV" and rax.get_xlabel() == r"$m_{4\ell}$ [GeV]"
    assert ax.get_xlim() == (80.0, 170.0) and ax.get_ylim()[1] >= 4.0
    texts = _texts(fig)
    assert "ATLAS" in texts and "Open Data" in texts and "10.1 fb$^{-1}$ (13 TeV)" in texts


def test_m4l_plot_without_generated_entries_still_shows_the_baseline(tmp_path: Path) -> None:
    import json

    hists, base = tmp_path / "gen.json", tmp_path / "base.json"
    hists.write_text(json.dumps({"m4l": _hist([0.0] * 36), "m4l:data_A.4lep": _hist([0.0] * 36)}))
    base.write_text(json.dumps({"m4l": _hist([2.0] * 36)}))
    out = m4l_plot(
        hists,
        tmp_path / "m4l.png",
        synthetic=False,
        baseline=base,
        result=_result("data_A.4lep.root"),
    )
    assert out is not None and out.stat().st_size > 1000
    fig = draw_m4l(
        json.loads(hists.read_text()),
        json.loads(base.read_text()),
        plot_label(_result("data_A.4lep.root")),
    )
    assert "no entries in range" in _texts(fig)
    assert "fb" not in _texts(fig)  # the 2020 release states no luminosity for period A alone


def test_simulation_is_stacked_by_process_with_the_signal_on_top() -> None:
    sig, zz = [0.0] * 36, [1.0] * 36
    sig[18] = 3.0
    hists = {
        "m4l": _hist([a + b for a, b in zip(sig, zz, strict=True)]),
        "m4l:synthetic_mc_345060.ggH125_ZZ4lep.4lep": _hist(sig),
        "m4l:synthetic_mc_363490.llll.4lep": _hist(zz),
    }
    fig = draw_m4l(
        hists,
        None,
        plot_label(_result("synthetic_mc_345060.ggH125_ZZ4lep.4lep.root", synthetic=True)),
    )
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:2] == [
        r"Signal ($m_H$ = 125 GeV)",
        r"Background $ZZ^{*}$",
    ]  # top of the stack first
    texts = _texts(fig)
    assert "SYNTHETIC" in texts and "ATLAS Open" not in texts and "no baseline" in texts


@pytest.mark.parametrize(
    ("result", "text"),
    [
        (
            _result("data_A.4lep.root", "data_B.4lep.root", "data_C.4lep.root", "data_D.4lep.root"),
            "10.1 fb$^{-1}$ (13 TeV)",
        ),
        (_result("data_A.4lep.root"), "(13 TeV)"),
        (
            _result("mc_345060.ggH125_ZZ4lep.4lep.root", release="2025"),
            "sim. norm. 36.6 fb$^{-1}$ (13 TeV)",
        ),
        (
            _result("synthetic_mc_345060.x.4lep.root", synthetic=True),
            "sim. norm. 10.1 fb$^{-1}$ (13 TeV)",
        ),
    ],
)
def test_luminosity_is_that_of_the_data_used(result: AnalysisResult, text: str) -> None:
    assert plot_label(result).lumi_text() == text


def test_events_per_bin() -> None:
    assert events_per_bin(EDGES) == "Events / 2.5 GeV"
    assert events_per_bin([0.0, 1.0, 3.0]) == "Events / bin"


def test_cutflow_plot_file(tmp_path: Path) -> None:
    out = cutflow_plot(GEN, BASE, tmp_path / "cutflow.png", result=_result("data_A.4lep.root"))
    assert out.stat().st_size > 1000
    assert np.isfinite(out.stat().st_size)
