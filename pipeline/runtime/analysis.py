"""The driver every compiled analysis shares: arguments, chunk loop, contract outputs.

A compiled script defines ``select_objects(v, run)`` and ``select_events(v, run)``
and hands them to :func:`main`; everything that is not the selection itself (reading
the data, applicability of cuts, the cutflow, the histograms, the output files) lives
in the runtime so that the generated file shows only the analysis.

Generated scripts (and model-written ones) import ``AnalysisRun`` and ``main`` from this
module, so its path and those names are part of the generated code's interface: the
run state is defined in :mod:`pipeline.runtime.analysis_run` and re-exported here.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.data import open_dataset
from pipeline.executor import get_executor
from pipeline.runtime.analysis_run import (
    HISTOGRAM_BINS,
    AnalysisRun,
    Selector,
    missing,
    provided_names,
)
from pipeline.runtime.chunks import run_selection

__all__ = [
    "HISTOGRAM_BINS",
    "AnalysisRun",
    "Selector",
    "main",
    "missing",
    "provided_names",
]


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the compiled event selection.")
    parser.add_argument("--data", nargs="+", required=True, help="ROOT files or directories")
    parser.add_argument("--out", required=True, help="output directory for the contract files")
    parser.add_argument("--release", default="auto", help="data release (auto, 2025, 2020, ...)")
    parser.add_argument(
        "--step-size", default="50 MB", help="chunk size: events (int) or memory ('50 MB')"
    )
    parser.add_argument(
        "--executor",
        default="local",
        choices=["local", "dask"],
        help="where chunks run: this process or a Dask cluster (docs/scaling.md)",
    )
    parser.add_argument("--workers", type=int, default=None, help="Dask LocalCluster workers")
    parser.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    return parser.parse_args(argv)


def main(
    argv: Sequence[str] | None,
    *,
    objects: Selector,
    events: Selector,
    reads: Sequence[str] | None = None,
    regions: Mapping[str, Selector] | None = None,
    **config: Any,
) -> int:
    """Read the data chunk by chunk, select, and write the contract outputs."""
    args = _arguments(argv)
    if str(args.step_size).isdigit():
        args.step_size = int(args.step_size)
    dataset = open_dataset(args.data, release=args.release)
    run = AnalysisRun(provided=provided_names(dataset.provides), **config)
    readable = dataset.readable_names()
    fields = None if reads is None else [f for f in reads if f in readable]
    # chunk by chunk, file by file (each sample its own histogram), here or on a Dask cluster
    with get_executor(args.executor, workers=args.workers, scheduler=args.scheduler) as executor:
        n_input = run_selection(
            run,
            dataset,
            fields,
            objects=objects,
            events=events,
            config=config,
            executor=executor,
            step_size=args.step_size,
            regions=regions,
        )
    run.write(Path(args.out), list(dataset.files), n_input)
    return 0
