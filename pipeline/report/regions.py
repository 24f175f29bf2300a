"""The report's regions and observables: each region's cutflow, each observable's agreement with
the baseline, and one histogram plot per observable and region (mplhep, the experiment's style)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.compare.models import Comparison
from pipeline.contract import Regions
from pipeline.report.plot_style import PlotLabel

Section = tuple[str, list[str], list[list[object]]]


def region_sections(regions: Regions | None, comparison: Comparison | None) -> list[Section]:
    """One table per region: its steps, generated (and baseline) events after each."""
    if regions is None:
        return []
    compared = {r.name: r for r in comparison.regions} if comparison else {}
    out: list[Section] = []
    for region in regions.regions:
        title = f"Region {region.name} (on top of {region.base or 'the cutflow'})"
        other = compared.get(region.name)
        base = {s.id: s for s in other.steps} if other is not None else {}
        head = ["step", "description", "events", "weighted"]
        head += ["baseline events", "same"] if comparison is not None else []
        rows: list[list[object]] = []
        for step in region.steps:
            row: list[object] = [
                step.id + ("" if step.applicable else " (n/a)"),
                step.description,
                step.raw,
                f"{step.weighted:.6g}",
            ]
            if comparison is not None:
                b = base.get(step.id)
                row += [b.baseline_raw if b else "-", ("yes" if b.same else "NO") if b else "-"]
            rows.append(row)
        out.append((title, head, rows))
    return out


def observable_section(comparison: Comparison | None) -> Section | None:
    if comparison is None or not comparison.observables:
        return None
    rows: list[list[object]] = [
        [
            o.name,
            o.only or "both",
            o.matched,
            o.only_generated,
            o.only_baseline,
            o.values_differ,
            "-" if o.bins_differ is None else o.bins_differ,
            "yes" if o.same else ("-" if o.only else "NO"),
        ]
        for o in comparison.observables
    ]
    head = [
        "region/observable",
        "written by",
        "events matched",
        "only generated",
        "only baseline",
        "values differ",
        "bins differ",
        "same",
    ]
    return ("Observables, event by event and bin by bin", head, rows)


def _label(ax: Any, experiment: str | None, label: PlotLabel, sqrt_s: float | None) -> None:
    """The experiment's label as its open data allow ('Simulation' unless the inputs are
    collision data); never an experiment's name on synthetic samples."""
    import mplhep as hep

    energy = f"({sqrt_s:g} TeV)" if sqrt_s else ""
    if label.synthetic:
        ax.text(
            0.0,
            1.015,
            "SYNTHETIC, not experiment data",
            transform=ax.transAxes,
            fontweight="bold",
            color="darkred",
            fontsize="small",
        )
    elif experiment and experiment.upper() == "CMS":
        hep.cms.label("Open Data", data=label.has_data, ax=ax, loc=0, rlabel=energy)
    elif experiment and experiment.upper() == "ATLAS":
        hep.atlas.label(text="Open Data", data=label.has_data, ax=ax, loc=0, rlabel=energy)


def observable_plots(
    generated: Path,
    baseline: Path | None,
    plots: Path,
    *,
    experiment: str | None,
    label: PlotLabel,
    sqrt_s: float | None = None,
    baseline_name: str = "baseline",
) -> dict[str, Path]:
    """One PNG per ``region/observable`` histogram: generated as a filled histogram, the
    baseline's as a dashed line over it. Returns caption -> file."""
    if not generated.is_file():
        return {}
    hists = json.loads(generated.read_text())
    base = json.loads(baseline.read_text()) if baseline is not None and baseline.is_file() else {}
    keys = [k for k in hists if "/" in k and ":" not in k]
    if not keys:
        return {}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import mplhep as hep

    out: dict[str, Path] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plt.style.use(hep.style.CMS if (experiment or "").upper() == "CMS" else hep.style.ATLAS)
        for key in keys:
            h = hists[key]
            edges = np.asarray(h["edges"], float)
            fig, ax = plt.subplots(figsize=(7, 5))
            hep.histplot(
                np.asarray(h["counts"], float),
                edges,
                histtype="fill",
                alpha=0.5,
                label="generated",
                ax=ax,
            )
            if key in base and base[key]["edges"] == h["edges"]:
                ax.stairs(
                    np.asarray(base[key]["counts"], float),
                    edges,
                    color="black",
                    linestyle="--",
                    linewidth=1.6,
                    label=baseline_name,
                )
            ax.set_xlabel(h["label"])
            ax.set_ylabel("Entries")
            ax.set_xlim(edges[0], edges[-1])
            ax.legend(fontsize="x-small", loc="upper right", title=key)
            _label(ax, experiment, label, sqrt_s)
            path = plots / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', key.replace('/', '__'))}.png"
            fig.savefig(path, dpi=90, bbox_inches="tight")
            plt.close(fig)
            out[f"{key}: generated and baseline"] = path
    return out
