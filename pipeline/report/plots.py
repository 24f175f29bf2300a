"""The report's plots: m4l data vs stacked MC (mplhep style) and the cutflow bars."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

from pipeline.contract import Cutflow


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _is_data(name: str) -> bool:
    stem = name.split(":", 1)[1].lower()
    return "data" in stem and "mc_" not in stem and "synthetic" not in stem


def m4l_plot(histograms: Path, out: Path, *, synthetic: bool) -> Path | None:
    """Stacked simulated samples and data points per input file; None without a histogram."""
    import mplhep as hep

    hists = json.loads(histograms.read_text())
    per_file = {k: v for k, v in hists.items() if ":" in k}
    if not per_file and not hists:
        return None
    if not per_file:
        per_file = {f"total:{k}": v for k, v in hists.items()}
    plt = _pyplot()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plt.style.use(hep.style.ATLAS)
        fig, ax = plt.subplots(figsize=(7, 5))
        mc = {k: v for k, v in sorted(per_file.items()) if not _is_data(k)}
        data = [v for k, v in per_file.items() if _is_data(k)]
        edges = np.array(next(iter(per_file.values()))["edges"])
        if mc:
            hep.histplot([np.array(v["counts"]) for v in mc.values()], edges, stack=True, histtype="fill",
                         label=[_label(k) for k in mc], ax=ax)
        if data:
            counts = np.sum([np.array(v["counts"]) for v in data], axis=0)
            hep.histplot(counts, edges, yerr=np.sqrt(counts), histtype="errorbar", color="black",
                         label="data", ax=ax)
        ax.set_xlabel(r"$m_{4\ell}$ [GeV]")
        ax.set_ylim(bottom=0)
        ax.set_ylabel("events / bin")
        ax.legend(fontsize="x-small")
        if synthetic:
            ax.set_title("SYNTHETIC SAMPLES - not real data", fontsize="small", color="darkred")
        fig.savefig(out, dpi=90, bbox_inches="tight")
        plt.close(fig)
    return out


def _label(name: str) -> str:
    stem = name.split(":", 1)[1]
    parts = stem.split(".")
    return parts[1] if len(parts) > 2 else stem


def cutflow_plot(generated: Cutflow, baseline: Cutflow | None, out: Path) -> Path:
    plt = _pyplot()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig, ax = plt.subplots(figsize=(8, 4.5))
        ids = [s.id for s in generated.steps]
        x = np.arange(len(ids))
        width = 0.4 if baseline else 0.8
        ax.bar(x - (width / 2 if baseline else 0), [s.raw for s in generated.steps], width,
               label="generated", color="#3f7fbf")
        if baseline:
            raw = {s.id: s.raw for s in baseline.steps}
            ax.bar(x + width / 2, [raw.get(i, 0) for i in ids], width, label="baseline", color="#e08a2c")
        for i, s in enumerate(generated.steps):
            if not s.applicable:
                ax.annotate("n/a", (i, s.raw), ha="center", va="bottom", fontsize=7, color="gray")
        ax.set_xticks(x, ids, rotation=60, ha="right", fontsize=8)
        ax.set_yscale("log")
        ax.set_ylabel("events after step")
        ax.legend(fontsize="small")
        fig.tight_layout()
        fig.savefig(out, dpi=90)
        plt.close(fig)
    return out
