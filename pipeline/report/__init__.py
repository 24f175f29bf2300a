"""Stage two, report: report.md and a self-contained report.html with plots, for one run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.io import write_text_atomic
from pipeline.report.content import gather
from pipeline.report.plot_style import plot_label
from pipeline.report.plots import cutflow_plot, m4l_plot
from pipeline.report.regions import observable_plots
from pipeline.report.render import render_html, render_markdown
from pipeline.rundir import RunDir


def write_report(
    run_dir: Path,
    state: Any = None,
    *,
    notes: dict[str, str] | None = None,
    selection: Path | None = None,
) -> list[Path]:
    """Write plots/, report.md and report.html into ``run_dir``; returns the written files."""
    if selection is None:
        rec = state.stages["review"] if state is not None else None
        selection = run_dir / next(iter(rec.outputs)) if rec else RunDir(run_dir).reviewed
    content = gather(run_dir, selection, notes or {})
    plots = RunDir(run_dir).plots
    plots.mkdir(exist_ok=True)
    comp = content.comparison
    base_name = comp.baseline if comp is not None else "baseline"
    m4l = (
        None
        if content.selection.observable not in (None, "m4l")
        else m4l_plot(
            RunDir(run_dir).analysis / RunDir.HISTOGRAMS,
            plots / "m4l.png",
            synthetic=content.result.synthetic,
            baseline=RunDir(run_dir).baseline / RunDir.HISTOGRAMS,
            result=content.result,
            baseline_name=base_name,
        )
    )
    if m4l is not None:
        content.plots["m4l: generated per sample, and the baseline"] = m4l
    content.plots["cutflow: generated and baseline"] = cutflow_plot(
        content.cutflow,
        content.baseline_cutflow,
        plots / "cutflow.png",
        step_map=comp.step_map if comp is not None else None,
        result=content.result,
    )
    content.plots |= observable_plots(
        RunDir(run_dir).analysis / RunDir.HISTOGRAMS,
        RunDir(run_dir).baseline / RunDir.HISTOGRAMS,
        plots,
        experiment=content.selection.analysis.experiment,
        label=plot_label(content.result),
        sqrt_s=content.selection.analysis.sqrt_s_tev,
        baseline_name=base_name,
    )
    md = write_text_atomic(RunDir(run_dir).report_md, render_markdown(content))
    page = write_text_atomic(RunDir(run_dir).report_html, render_html(content))
    return [md, page, *content.plots.values()]


__all__ = ["write_report"]
