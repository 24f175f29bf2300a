"""Compiled (generated) analyses on any executor: one chunk -> a partial run -> ordered merge.

A generated script hands ``select_objects``/``select_events`` to
:func:`pipeline.runtime.analysis.main`; :func:`run_selection` is that driver's chunk
loop made executor-agnostic. Each chunk gets a fresh :class:`AnalysisRun` (same
configuration, ``sample`` = the chunk's file index), and the partial cutflow tallies
and selected rows are added to the main run in (file, entry) order - the order and
the per-chunk sums of the former in-process loop, so the local executor's outputs are
unchanged bit for bit.

It lives in the runtime, not in :mod:`pipeline.executor`: it runs the runtime's selectors,
while the executors stay generic (a dataset and any chunk function), below the runtime.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import awkward as ak
import numpy as np

from pipeline.data import Dataset
from pipeline.executor.base import Executor, Segment
from pipeline.runtime.analysis_run import AnalysisRun, Selector
from pipeline.runtime.selection import CutflowCounter, EventState
from pipeline.selection.models import CUTFLOW_REGION


@dataclass
class SelectionPartial:
    """One chunk's contribution: events read, per-step tallies, selected and histogram rows."""

    n: int
    tallies: dict[str, tuple[int, float]]
    rows: list[dict[str, np.ndarray]] = field(default_factory=list)
    hist_rows: list[dict[str, np.ndarray]] | None = None
    region_tallies: dict[str, dict[str, tuple[int, float]]] = field(default_factory=dict)
    observations: list[tuple[str, str, dict[str, np.ndarray]]] = field(default_factory=list)


@dataclass(frozen=True)
class SelectionTask:
    """The generated selectors and the run configuration, as a picklable chunk function."""

    objects: Selector
    events: Selector
    provided: frozenset[str]
    config: Mapping[str, Any]
    regions: Mapping[str, Selector] = field(default_factory=dict)

    def __call__(self, chunk: ak.Array, segment: Segment) -> SelectionPartial:
        run = AnalysisRun(provided=set(self.provided), **self.config)
        run.sample = segment.file_index  # per-sample histograms (data vs stacked MC)
        v = EventState(chunk)
        run.record("all", v)
        self.objects(v, run)
        self.events(v, run)
        run.collect(v)
        run.observe(CUTFLOW_REGION, v)
        states = {CUTFLOW_REGION: v}
        for name, (base, steps) in run.region_steps.items():
            region = states[name] = states[base or CUTFLOW_REGION].branch()
            run.record_in(name, next(iter(steps)), region)  # the events entering it
            self.regions[name](region, run)
            run.observe(name, region)
        return SelectionPartial(
            len(chunk),
            _tallies(run.flow),
            run.rows,
            run.hist_rows,
            {name: _tallies(flow) for name, flow in run.region_flows.items()},
            run.observations,
        )


def _tallies(flow: CutflowCounter) -> dict[str, tuple[int, float]]:
    return {k: (t.raw, t.weighted) for k, t in flow.tallies.items()}


def _add(flow: CutflowCounter, tallies: Mapping[str, tuple[int, float]]) -> None:
    for step_id, (raw, weighted) in tallies.items():
        tally = flow.tallies[step_id]
        tally.raw += raw
        tally.weighted += weighted


def merge(run: AnalysisRun, part: SelectionPartial) -> None:
    """Add one partial to ``run`` (call in (file, entry) order)."""
    _add(run.flow, part.tallies)
    for region, tallies in part.region_tallies.items():
        _add(run.region_flows[region], tallies)
    run.observations.extend(part.observations)
    run.rows.extend(part.rows)
    if part.hist_rows is not None:
        if run.hist_rows is None:
            run.hist_rows = []
        run.hist_rows.extend(part.hist_rows)


def run_selection(
    run: AnalysisRun,
    dataset: Dataset,
    fields: Sequence[str] | None,
    *,
    objects: Selector,
    events: Selector,
    config: Mapping[str, Any],
    executor: Executor,
    step_size: int | str,
    regions: Mapping[str, Selector] | None = None,
) -> int:
    """Run the selectors over ``dataset`` on ``executor``, merged into ``run``; events read."""
    task = SelectionTask(
        objects, events, frozenset(run.provided), dict(config), dict(regions or {})
    )
    n_input = 0
    for _, part in executor.map(dataset, fields, task, step_size=step_size):
        n_input += part.n
        merge(run, part)
    return n_input
