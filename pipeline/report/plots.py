"""The report's plots, in the field's conventions (mplhep ATLAS style): m4l with the simulation
stacked, data as points with Poisson errors, the baseline's histogram over it and a
generated / baseline ratio; the cutflow with the generated and the baseline bars side by side."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.compare.models import StepComparison
from pipeline.compare.outputs import compare_steps
from pipeline.contract import AnalysisResult, Cutflow
from pipeline.report.plot_style import PlotLabel, events_per_bin, plot_label, process_style

Hists = dict[str, dict[str, Any]]


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _is_data(name: str) -> bool:
    stem = name.split(":", 1)[1].lower()
    return "data" in stem and "mc_" not in stem and "synthetic" not in stem


def experiment_label(ax: Any, label: PlotLabel) -> None:
    """'ATLAS Open Data' with the luminosity of the data used; never 'ATLAS' on synthetic
    samples."""
    import mplhep as hep

    if label.synthetic:
        ax.text(
            0.0,
            1.015,
            "SYNTHETIC, not ATLAS data",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontweight="bold",
            color="darkred",
            fontsize="small",
        )
        ax.text(
            1.0,
            1.015,
            label.lumi_text(),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize="small",
        )
        return
    hep.atlas.label(
        text="Open Data" if label.has_data else "Open Data Simulation",
        data=label.has_data,
        ax=ax,
        loc=0,
        rlabel=label.lumi_text(),
    )


def _stack(mc: Hists) -> list[tuple[str, str, np.ndarray]]:
    """Samples grouped by process; backgrounds largest first (at the bottom), the signal on top."""
    groups: dict[str, tuple[str, bool, np.ndarray]] = {}
    for name, h in sorted(mc.items()):
        legend, colour, signal = process_style(name)
        old = groups.get(legend, (colour, signal, np.zeros(len(h["counts"]))))
        groups[legend] = (colour, signal, old[2] + np.asarray(h["counts"], float))
    return [
        (legend, colour, counts)
        for legend, (colour, signal, counts) in sorted(
            groups.items(), key=lambda kv: (kv[1][1], -kv[1][2].sum())
        )
    ]


def m4l_layers(
    hists: Hists,
) -> tuple[np.ndarray, list[tuple[str, str, np.ndarray]], np.ndarray | None, np.ndarray]:
    """(edges, stacked simulation, summed data or None, total of all inputs) of a
    histograms.json."""
    per_file = {k: v for k, v in hists.items() if ":" in k}
    if not per_file:
        per_file = {f"total:{k}": v for k, v in hists.items()}
    edges = np.asarray(next(iter(per_file.values()))["edges"], float)
    data = [np.asarray(v["counts"], float) for k, v in per_file.items() if _is_data(k)]
    total = hists.get("m4l") or {"counts": np.sum([v["counts"] for v in per_file.values()], axis=0)}
    return (
        edges,
        _stack({k: v for k, v in per_file.items() if not _is_data(k)}),
        np.sum(data, axis=0) if data else None,
        np.asarray(total["counts"], float),
    )


def draw_m4l(
    hists: Hists, baseline: Hists | None, label: PlotLabel, baseline_name: str = "baseline"
) -> Any:
    import mplhep as hep

    plt = _pyplot()
    edges, stack, data, total = m4l_layers(hists)
    fig, (ax, rax) = plt.subplots(
        2, 1, figsize=(7, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1], "hspace": 0.06}
    )
    tops = [total.max(initial=0.0)]
    if stack:
        hep.histplot(
            [c for _, _, c in stack],
            edges,
            stack=True,
            histtype="fill",
            label=[n for n, _, _ in stack],
            color=[c for _, c, _ in stack],
            ax=ax,
        )
    if data is not None:
        shown = np.where(data > 0, data, np.nan)  # empty bins carry no point
        hep.histplot(
            shown,
            edges,
            yerr=np.sqrt(data),
            histtype="errorbar",
            color="black",
            label="Data",
            ax=ax,
        )
        tops.append((data + np.sqrt(data)).max(initial=0.0))
    base_total = None
    if baseline:
        base_total = np.asarray(baseline.get("m4l", next(iter(baseline.values())))["counts"], float)
        ax.stairs(
            base_total,
            edges,
            color="black",
            linestyle="--",
            linewidth=1.6,
            label=f"{baseline_name} (all inputs)",
        )
        tops.append(base_total.max(initial=0.0))
    if total.sum() == 0:
        ax.text(
            0.5,
            0.5,
            "generated analysis: no entries in range\n(m4l NaN or outside the axis)",
            transform=ax.transAxes,
            ha="center",
            color="darkred",
            fontsize="small",
        )
    _ratio(rax, edges, total, base_total)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(0, max(max(tops), 1.0) * 1.55)
    ax.set_ylabel(events_per_bin(edges.tolist()))
    ax.legend(fontsize="x-small", loc="upper right")
    rax.set_xlabel(r"$m_{4\ell}$ [GeV]")
    experiment_label(ax, label)
    return fig


def _ratio(rax: Any, edges: np.ndarray, total: np.ndarray, base: np.ndarray | None) -> None:
    rax.axhline(1.0, color="gray", linewidth=0.8)
    rax.set_ylabel("gen. / base.", fontsize="small")
    rax.set_ylim(0.5, 1.5)
    if base is None:
        rax.text(0.5, 0.5, "no baseline", transform=rax.transAxes, ha="center", fontsize="small")
        return
    centres = 0.5 * (edges[1:] + edges[:-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base > 0, total / base, np.nan)
    rax.plot(centres, ratio, "o", color="black", markersize=3)


def _main_histograms(hists: Hists) -> Hists:
    """The main observable's histograms (total and per input file); the declared observables'
    ``region/observable`` histograms have their own plots (report/regions.py)."""
    return {k: v for k, v in hists.items() if "/" not in k.split(":", 1)[0]}


def m4l_plot(
    histograms: Path,
    out: Path,
    *,
    synthetic: bool,
    baseline: Path | None = None,
    result: AnalysisResult | None = None,
    baseline_name: str = "baseline",
) -> Path | None:
    """The generated m4l histogram and, when there is one, the baseline's; None without a
    histogram."""
    hists = _main_histograms(json.loads(histograms.read_text()))
    if not hists:
        return None
    base = (
        _main_histograms(json.loads(baseline.read_text()))
        if baseline is not None and baseline.is_file()
        else None
    )
    label = plot_label(result)
    if synthetic and not label.synthetic:
        label = PlotLabel(synthetic=True, has_data=False, lumi_fb=None, mc_lumi_fb=label.mc_lumi_fb)
    plt = _pyplot()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import mplhep as hep

        plt.style.use(hep.style.ATLAS)
        fig = draw_m4l(hists, base or None, label, baseline_name)
        fig.savefig(out, dpi=90, bbox_inches="tight")
        plt.close(fig)
    return out


def cutflow_rows(
    generated: Cutflow, baseline: Cutflow | None, step_map: dict[str, str] | None = None
) -> list[StepComparison]:
    """The rows the plot draws: the comparison's alignment (by id or map), baseline-only steps
    after."""
    if baseline is None:
        return [
            StepComparison(
                id=s.id,
                baseline_id=None,
                generated_raw=s.raw,
                generated_weighted=s.weighted,
                generated_applicable=s.applicable,
                same=False,
            )
            for s in generated.steps
        ]
    return compare_steps(generated, baseline, step_map)[0]


def _row_label(row: StepComparison) -> str:
    if row.generated_raw is None:
        return f"{row.id} (baseline)"
    return f"{row.id} = {row.baseline_id}" if row.baseline_id else row.id


def draw_cutflow(rows: list[StepComparison], label: PlotLabel, with_baseline: bool) -> Any:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(8.0, 0.42 * len(rows) + 2), 5))
    x = np.arange(len(rows))
    width = 0.4 if with_baseline else 0.8
    gen = [r.generated_raw for r in rows]
    ax.bar(
        x - (width / 2 if with_baseline else 0),
        [g or 0 for g in gen],
        width,
        label="generated",
        color="#3f7fbf",
    )
    if with_baseline:
        base = [r.baseline_raw for r in rows]
        ax.bar(x + width / 2, [b or 0 for b in base], width, label="baseline", color="#e08a2c")
        for i, (g, b) in enumerate(zip(gen, base, strict=True)):
            for value, dx in ((g, -width / 2), (b, width / 2)):
                if value is None:
                    ax.text(
                        i + dx,
                        0.02,
                        "no step",
                        transform=ax.get_xaxis_transform(),
                        ha="center",
                        va="bottom",
                        rotation=90,
                        fontsize=6,
                        color="gray",
                    )
    for i, r in enumerate(rows):
        if r.generated_applicable is False:
            ax.annotate(
                "n/a", (i, r.generated_raw or 1), ha="center", va="bottom", fontsize=7, color="gray"
            )
    ax.set_xticks(x, [_row_label(r) for r in rows], rotation=60, ha="right", fontsize=8)
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.set_yscale("log")
    counts = [v for r in rows for v in (r.generated_raw, r.baseline_raw) if v] or [1]
    ax.set_ylim(max(min(counts) / 4, 0.5), max(counts) * 8)
    ax.set_ylabel("Events after the step")
    ax.legend(fontsize="small", loc="upper right")
    experiment_label(ax, label)
    fig.tight_layout()
    return fig


def cutflow_plot(
    generated: Cutflow,
    baseline: Cutflow | None,
    out: Path,
    *,
    step_map: dict[str, str] | None = None,
    result: AnalysisResult | None = None,
) -> Path:
    """Generated and baseline bars for every step of either cutflow, aligned as the comparison
    aligns them."""
    plt = _pyplot()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import mplhep as hep

        plt.style.use(hep.style.ATLAS)
        fig = draw_cutflow(
            cutflow_rows(generated, baseline, step_map), plot_label(result), baseline is not None
        )
        fig.savefig(out, dpi=90)
        plt.close(fig)
    return out
