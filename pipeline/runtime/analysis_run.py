"""The state of one compiled analysis: applicability of cuts, cutflow, rows, contract outputs.

:class:`AnalysisRun` is what the generated selectors record into, chunk by chunk
(:mod:`pipeline.runtime.chunks`), and what writes the output files at the end. It lives
apart from the driver (:mod:`pipeline.runtime.analysis`) so that the chunk loop can use
it while the driver uses the chunk loop, without an import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import awkward as ak
import numpy as np

from pipeline.contract import (
    AnalysisResult,
    Cutflow,
    EventRow,
    Histogram1D,
    InputFile,
    ObservableValue,
    RegionCutflow,
    Regions,
    write_outputs,
)
from pipeline.errors import DataError
from pipeline.runtime.candidates import Cands, to_awkward
from pipeline.runtime.objects import CHANNEL_NAMES, channel
from pipeline.runtime.selection import CutflowCounter, EventState

Selector = Callable[[EventState, "AnalysisRun"], None]

# observable -> (label, edges); other observables get 50 bins over their range
HISTOGRAM_BINS: dict[str, tuple[str, list[float]]] = {
    "m4l": ("m_{4l} [GeV]", [80.0 + 2.5 * i for i in range(37)]),
}


def _first_alive(values: Cands, alive: np.ndarray | None, fill: float) -> np.ndarray:
    """Per event, the value of its first (live) candidate; ``fill`` without one."""
    numbers = values.numbers
    if numbers is None:
        raise TypeError("expected numbers per candidate")
    index = np.arange(len(values.layout.owner)) if alive is None else np.flatnonzero(alive)
    owner = values.layout.owner[index]
    first = index[np.r_[True, owner[1:] != owner[:-1]]] if len(index) else index
    out = np.full(len(values), fill, dtype=np.result_type(numbers.dtype, type(fill)))
    out[values.layout.owner[first]] = numbers[first]
    return out


def provided_names(provides: Iterable[str] | Mapping[str, Iterable[str]]) -> set[str]:
    """Normalise a dataset's ``provides`` to names and ``collection.field`` names."""
    names: set[str] = set()
    if isinstance(provides, Mapping):
        for key, sub in provides.items():
            names.add(key)
            names |= {f"{key}.{s}" for s in sub} if not isinstance(sub, str | bool) else set()
    else:
        names = {str(p) for p in provides}
    return names


def missing(requirements: Sequence[str], provided: set[str]) -> list[str]:
    """Requirements the dataset lacks: ``x.f`` needs exactly that, a bare ``f`` any ``*.f``."""
    out = []
    for req in requirements:
        if req in provided or ("|" in req and any(alt in provided for alt in req.split("|"))):
            continue
        if "." not in req and any(p.endswith(f".{req}") for p in provided):
            continue
        out.append(req)
    return out


@dataclass
class AnalysisRun:
    """State of one analysis over all chunks: applicability, cutflow, selected rows."""

    producer: str
    steps: Mapping[str, str]
    requires: Mapping[str, Sequence[str]]
    text_only: Mapping[str, str]
    provided: set[str]
    observable: str | None = None
    candidates: str | None = None
    flow: CutflowCounter = field(default_factory=CutflowCounter)
    reasons: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rows: list[dict[str, np.ndarray]] = field(default_factory=list)
    hist_rows: list[dict[str, np.ndarray]] | None = None
    sample: int = 0
    # regions (bases first): name -> (base region or None for the cutflow, steps: id -> text)
    region_steps: Mapping[str, tuple[str | None, Mapping[str, str]]] = field(default_factory=dict)
    observed: Mapping[str, Sequence[str]] = field(default_factory=dict)  # region -> observables
    histogram_specs: Mapping[str, tuple[str, Sequence[float] | None]] = field(
        default_factory=dict
    )  # observable -> (axis label, bin edges or None)
    region_flows: dict[str, CutflowCounter] = field(default_factory=dict)
    observations: list[tuple[str, str, dict[str, np.ndarray]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for cut_id, reqs in self.requires.items():
            lacking = missing(reqs, self.provided)
            if lacking:
                self.reasons[cut_id] = (
                    f"not applicable to this dataset: it lacks {', '.join(lacking)}"
                )
            absent = [
                a
                for reqs in self.requires[cut_id]
                if "|" in reqs
                for a in reqs.split("|")
                if a not in self.provided
            ]
            if absent and not lacking:
                self.notes.append(
                    f"{cut_id}: {', '.join(absent)} not in this dataset, taken as not fired"
                )
        for cut_id, why in self.text_only.items():
            self.reasons.setdefault(cut_id, why)
        for step_id, description in self.steps.items():
            self.flow.declare(step_id, description, self.reasons.get(step_id))
        for region, (_, steps) in self.region_steps.items():
            counter = self.region_flows[region] = CutflowCounter()
            for step_id, description in steps.items():
                counter.declare(step_id, description, self.reasons.get(step_id))

    def applicable(self, cut_id: str) -> bool:
        return cut_id not in self.reasons

    def record(self, step_id: str, v: EventState) -> None:
        self.flow.record(step_id, v)

    def record_in(self, region: str, step_id: str, v: EventState) -> None:
        """Count the events of ``region`` after ``step_id`` (its own cutflow)."""
        self.region_flows[region].record(step_id, v)

    def observe(self, region: str, v: EventState) -> None:
        """Keep the declared observables of ``region`` for its selected events."""
        names = self.observed.get(region, ())
        ids = self._ids(v) if names else {}  # one event table for all of them
        for name in names:
            self.observations.append((region, name, self._values(name, v, ids)))

    def _values(
        self, name: str, v: EventState, ids: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """One row per value: one per event, or one per object for a per-object quantity;
        ``ids`` are the events' sample, run, event, dsid and weight (:meth:`_ids`)."""
        n = len(v)
        value = v[name]
        value = to_awkward(value) if isinstance(value, Cands) else value
        if isinstance(value, bool | int | float | np.number):
            value = np.full(n, value, dtype=np.float64)
        array = ak.Array(value) if not isinstance(value, ak.Array) else value
        if ak.fields(array) or ak.parameters(array).get("__record__") is not None:
            raise DataError(
                f"observable {name!r} is an object (fields {', '.join(ak.fields(array)[:6])}), "
                "not a number",
                hint=f"declare a number instead, e.g. a derived quantity pt_of({name})",
            )
        if array.ndim == 1:
            counts = np.ones(n, dtype=np.int64)
            flat = ak.to_numpy(ak.fill_none(array, np.nan)).astype(np.float64)
        elif array.ndim == 2:
            counts = ak.to_numpy(ak.num(array, axis=1)).astype(np.int64)
            flat = ak.to_numpy(ak.fill_none(ak.flatten(array, axis=1), np.nan)).astype(np.float64)
        else:
            raise DataError(
                f"observable {name!r} has {array.ndim - 1} levels of lists per event",
                hint="declare one number per event or one per object (e.g. pt(jets))",
            )
        owner = np.repeat(np.arange(n), counts)
        starts = np.cumsum(counts) - counts
        rows = {k: col[owner] for k, col in ids.items()}
        return rows | {"item": np.arange(len(flat), dtype=np.int64) - starts[owner], "value": flat}

    def fill_histograms(self, v: EventState) -> None:
        """Histogram the observable at this point of the cutflow (default: the selected events)."""
        if self.hist_rows is None:
            self.hist_rows = []
        self.hist_rows.append(self._row(v))

    def collect(self, v: EventState) -> None:
        """Keep run, event, channel, observable and weight of the events that passed."""
        self.rows.append(self._row(v))

    def _ids(self, v: EventState) -> dict[str, np.ndarray]:
        """Sample, run, event, dsid and weight of each event of ``v``."""
        n = len(v)
        return {
            "sample": np.full(n, self.sample),
            "run": ak.to_numpy(v.events["run"]).astype(np.int64),
            "event": ak.to_numpy(v.events["event"]).astype(np.int64),
            "dsid": (
                ak.to_numpy(v.events["channel_number"]).astype(np.int64)
                if "channel_number" in v.events.fields
                else np.zeros(n, dtype=np.int64)
            ),
            "weight": v.weights(),
        }

    def _row(self, v: EventState) -> dict[str, np.ndarray]:
        n = len(v)
        row = self._ids(v) | {"channel": np.full(n, -1), "m4l": np.full(n, np.nan)}
        if self.candidates is not None and self.candidates in v.values:
            codes = channel(
                v.cand(self.candidates)
            )  # numbers, then the live ones: cheaper than records
            alive = v.alive.get(self.candidates)
            if isinstance(codes, Cands):
                row["channel"] = _first_alive(codes, alive, -1).astype(np.int64)
            elif alive is not None and alive.ndim == 1 and codes.ndim > 1:
                # pairs or combinations kept as flat candidates: they have no channel (all -1,
                # as set); ``alive`` masks the flat candidates, not this events x pairs array
                pass
            else:
                best = ak.firsts(codes if alive is None else codes[alive], axis=-1)
                row["channel"] = ak.to_numpy(ak.fill_none(best, -1))
        if self.observable is not None:
            value = v[self.observable]
            if isinstance(value, Cands) and value.numbers is not None and value.numbers.ndim == 1:
                row["m4l"] = _first_alive(value, None, np.nan).astype(np.float64)
                return row
            value = to_awkward(value)
            if value.ndim > 1:
                value = ak.firsts(value, axis=-1)
            row["m4l"] = ak.to_numpy(ak.fill_none(value, np.nan)).astype(np.float64)
        return row

    def selected(self) -> list[EventRow]:
        if not self.rows:
            return []
        cols = {k: np.concatenate([r[k] for r in self.rows]) for k in self.rows[0]}
        channels = [CHANNEL_NAMES.get(c, "other") for c in cols["channel"].tolist()]
        return list(
            map(
                EventRow,
                cols["run"].tolist(),
                cols["event"].tolist(),
                cols["dsid"].tolist(),
                channels,
                cols["m4l"].astype(float).tolist(),
                cols["weight"].astype(float).tolist(),
            )
        )

    def histograms(self, inputs: list[InputFile]) -> list[Histogram1D]:
        """The observable over all inputs, and per input file as ``<name>:<file stem>``."""
        name = self.observable or "m4l"
        label, edges = HISTOGRAM_BINS.get(name, (name, list(np.linspace(0.0, 500.0, 51))))
        rows = self.rows if self.hist_rows is None else self.hist_rows
        cols = (
            {k: np.concatenate([r[k] for r in rows]) for k in ("m4l", "weight", "sample")}
            if rows
            else {"m4l": np.zeros(0), "weight": np.zeros(0), "sample": np.zeros(0, dtype=int)}
        )
        parts = [(name, np.ones(len(cols["m4l"]), dtype=bool))]
        if len(inputs) > 1:
            parts += [
                (f"{name}:{Path(f.path).name.removesuffix('.root')}", cols["sample"] == i)
                for i, f in enumerate(inputs)
            ]
        return [
            Histogram1D.filled(hname, label, edges, cols["m4l"][mask], cols["weight"][mask])
            for hname, mask in parts
        ]

    def observation_order(self) -> list[str]:
        return [f"{region}/{name}" for region, names in self.observed.items() for name in names]

    def observed_columns(self) -> dict[str, dict[str, np.ndarray]]:
        """``region/observable`` -> its rows over all chunks, in order."""
        grouped: dict[str, list[dict[str, np.ndarray]]] = {k: [] for k in self.observation_order()}
        for region, name, rows in self.observations:
            grouped.setdefault(f"{region}/{name}", []).append(rows)
        return {
            key: {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
            for key, parts in grouped.items()
            if parts
        }

    def observed_values(self) -> list[ObservableValue]:
        out: list[ObservableValue] = []
        for key, cols in self.observed_columns().items():
            region, name = key.split("/", 1)
            out += map(
                ObservableValue,
                [region] * len(cols["value"]),
                [name] * len(cols["value"]),
                cols["dsid"].tolist(),
                cols["run"].tolist(),
                cols["event"].tolist(),
                cols["item"].tolist(),
                cols["value"].tolist(),
                cols["weight"].astype(float).tolist(),
            )
        return out

    def observed_histograms(self, inputs: list[InputFile]) -> list[Histogram1D]:
        """Each declared observable per region, as ``<region>/<observable>`` (and per input file
        as ``<region>/<observable>:<file stem>`` when there are several)."""
        columns = self.observed_columns()
        out = []
        for key in self.observation_order():
            name = key.split("/", 1)[1]
            cols = columns.get(key)
            values = cols["value"] if cols else np.zeros(0)
            weights = cols["weight"] if cols else np.zeros(0)
            samples = cols["sample"] if cols else np.zeros(0, dtype=int)
            label, edges = self.histogram_specs.get(name, (name, None))
            finite = np.isfinite(values)
            if edges is None:
                lo, hi = (values[finite].min(), values[finite].max()) if finite.any() else (0, 1)
                edges = list(np.linspace(float(lo), float(hi) if hi > lo else float(lo) + 1, 51))
            parts = [(key, finite)]
            if len(inputs) > 1:
                stems = [Path(f.path).name.removesuffix(".root") for f in inputs]
                parts += [
                    (f"{key}:{stem}", finite & (samples == i)) for i, stem in enumerate(stems)
                ]
            out += [
                Histogram1D.filled(hname, label, edges, values[mask], weights[mask])
                for hname, mask in parts
            ]
        return out

    def regions(self) -> Regions | None:
        if not self.region_steps:
            return None
        return Regions(
            producer=self.producer,
            regions=[
                RegionCutflow(name=name, base=base, steps=self.region_flows[name].steps())
                for name, (base, _) in self.region_steps.items()
            ],
        )

    def write(self, out: Path, inputs: list[InputFile], n_input: int) -> AnalysisResult:
        events = self.selected()
        channels: dict[str, int] = {}
        for e in events:
            channels[e.channel] = channels.get(e.channel, 0) + 1
        result = AnalysisResult(
            producer=self.producer,
            inputs=inputs,
            n_input=n_input,
            n_selected=len(events),
            weighted_selected=round(sum(e.weight for e in events), 9),
            channels=channels,
            not_applicable=sorted(self.reasons),
            warnings=[f"{k}: {v}" for k, v in sorted(self.reasons.items())] + self.notes,
            synthetic=any(f.synthetic for f in inputs),
        )
        cutflow = Cutflow(producer=self.producer, steps=self.flow.steps())
        write_outputs(
            out,
            events=events,
            cutflow=cutflow,
            histograms=self.histograms(inputs) + self.observed_histograms(inputs),
            result=result,
            regions=self.regions(),
            observables=self.observed_values() if self.observed else None,
            observable_order=self.observation_order(),
        )
        return result
