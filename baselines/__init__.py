"""Hand-written analyses (written by reading the papers, never generated).

``run_baseline(name, dataset, out_dir)`` runs one of :data:`REGISTRY` and writes the
contract outputs of :mod:`pipeline.contract`; see ``baselines/README.md`` for every
interpretation each baseline makes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from baselines import (
    adl_benchmarks,
    hzz4l_notebook2020,
    hzz4l_notebook2025,
    hzz4l_opendata2020,
    hzz4l_paper,
    report_isa2025,
    report_yasodar,
)
from baselines.common import Plan, run_plan
from pipeline.contract import AnalysisResult
from pipeline.data import Dataset
from pipeline.errors import UsageError, closest_names
from pipeline.executor import Executor

REGISTRY: dict[str, Callable[..., Plan]] = {  # provides -> Plan (paper: + variable_cone=)
    hzz4l_paper.NAME: hzz4l_paper.plan,
    hzz4l_paper.NAME_NOISOCORR: hzz4l_paper.plan_noisocorr,
    hzz4l_opendata2020.NAME: hzz4l_opendata2020.plan,
    hzz4l_notebook2020.NAME: hzz4l_notebook2020.plan,
    hzz4l_notebook2020.NAME_PT: hzz4l_notebook2020.plan_pt,
    hzz4l_notebook2025.NAME: hzz4l_notebook2025.plan,
    hzz4l_notebook2025.ALIAS: hzz4l_notebook2025.plan,  # the old name of hzz4l_notebook2025
    report_isa2025.NAME: report_isa2025.plan,
    report_yasodar.NAME: report_yasodar.plan,
}
DESCRIPTIONS: dict[str, str] = {
    hzz4l_paper.NAME: "ATLAS H->ZZ*->4l paper selection (arXiv:1712.02304) on open-data variables",
    hzz4l_paper.NAME_NOISOCORR: "hzz4l_paper without removing the other quadruplet leptons from "
    "the isolation cones (as the reviewed selection list does)",
    hzz4l_opendata2020.NAME: "the 2020 ATLAS open-data C++ framework H->4l selection",
    hzz4l_notebook2020.NAME: "the 2020 ATLAS open-data uproot notebook H->4l selection",
    hzz4l_notebook2020.NAME_PT: "hzz4l_notebook2020 with its optional pT > 30, 20, 10 GeV cut",
    hzz4l_notebook2025.NAME: "the 2025 ATLAS open-data H->4l notebook selection",
    hzz4l_notebook2025.ALIAS: (
        "old name of hzz4l_notebook2025 (the 2025 notebook), kept as an alias"
    ),
    report_isa2025.NAME: "student report 'Replication study of Higgs Boson Search' (H. Isa, 2025)",
    report_yasodar.NAME: "student report 'Four-Lepton Invariant Mass Spectrum' (2026): m4l only",
}

DESCRIPTIONS |= adl_benchmarks.DESCRIPTIONS
# every baseline: the plans above, and the ADL benchmarks (raw NanoAOD, their own writer)
NAMES: tuple[str, ...] = (*REGISTRY, *adl_benchmarks.NAMES)


def check_name(name: str) -> None:
    """A clear error, with the closest names, for a baseline that does not exist."""
    if name not in NAMES:
        close = closest_names(name, list(NAMES))
        raise UsageError(
            f"unknown baseline {name!r}"
            + (f"; did you mean {' or '.join(close)}?" if close else ""),
            hint=f"known baselines: {', '.join(sorted(NAMES))} (reproduce baseline --help)",
        )


def get_plan(name: str, dataset: Dataset) -> Plan:
    check_name(name)
    if name not in REGISTRY:
        raise UsageError(f"baseline {name!r} is not a plan over the canonical fields")
    if name in (hzz4l_paper.NAME, hzz4l_paper.NAME_NOISOCORR):
        # the cone shape is only in the source branch: lep_ptvarcone30 (2025) or lep_ptcone30 (2020)
        cone = hzz4l_paper.variable_track_cone(dataset.schema.leptons.get("ptcone30", ""))
        return REGISTRY[name](dataset.provides, variable_cone=cone)
    return REGISTRY[name](dataset.provides)


def run_baseline(
    name: str,
    dataset: Dataset,
    out_dir: str | Path,
    *,
    step_size: int | str = "50 MB",
    executor: Executor | None = None,
) -> AnalysisResult:
    """Run baseline ``name`` on ``dataset``; writes events.csv, cutflow.json, histograms.json,
    result.json (last) into ``out_dir`` and returns the result summary. ``executor`` (see
    :mod:`pipeline.executor`; default local) decides where the chunks are processed."""
    check_name(name)
    if name in adl_benchmarks.NAMES:
        return adl_benchmarks.write_benchmark(adl_benchmarks.NAMES[name], dataset, out_dir)
    return run_plan(
        name, get_plan(name, dataset), dataset, out_dir, step_size=step_size, executor=executor
    )


__all__ = ["DESCRIPTIONS", "NAMES", "REGISTRY", "check_name", "get_plan", "run_baseline"]
