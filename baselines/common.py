"""Bookkeeping shared by the hand-written baselines: the cutflow, histograms, outputs.

Only plumbing lives here (counting events chunk by chunk, filling ``hist``, writing the
contract files). The physics of each baseline is written out in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import awkward as ak
import hist
import numpy as np

from pipeline.contract import (
    AnalysisResult,
    Cutflow,
    CutflowStep,
    EventRow,
    Histogram1D,
    write_outputs,
)
from pipeline.data import Dataset
from pipeline.executor import Executor, LocalExecutor

MZ = 91.1876


@dataclass(frozen=True)
class Step:
    id: str
    description: str
    applicable: bool = True
    reason: str | None = None


@dataclass
class ChunkResult:
    """Per-event outcome of one chunk: one mask per step (cumulative), the selected events."""

    masks: list[np.ndarray]
    m4l: np.ndarray  # the observable of the event's chosen candidate (nan without one)
    channel: np.ndarray  # str per event ("" without a candidate)
    hist_mask: np.ndarray  # events entering the m4l histogram


@dataclass
class HistSpec:
    name: str
    label: str
    bins: int
    lo: float
    hi: float


@dataclass
class Plan:
    """What a baseline does on a given dataset: its steps, the fields it reads, caveats."""

    steps: list[Step]
    fields: list[str]
    process: Callable[[ak.Array], ChunkResult]
    hist: HistSpec
    warnings: list[str] = field(default_factory=list)
    lumi_pb: float | None = None  # re-normalise MC weights to this luminosity (None: the release's)


def lepton_p4(lep: ak.Array) -> dict[str, ak.Array]:
    """Cartesian components in float64 (all baselines compute masses in double precision)."""
    pt = ak.values_astype(lep.pt, np.float64)
    eta = ak.values_astype(lep.eta, np.float64)
    phi = ak.values_astype(lep.phi, np.float64)
    return {
        "px": pt * np.cos(phi),
        "py": pt * np.sin(phi),
        "pz": pt * np.sinh(eta),
        "e": ak.values_astype(lep.e, np.float64),
        "eta": eta,
        "phi": phi,
    }


def inv_mass(p4: dict[str, ak.Array], *idx: ak.Array) -> ak.Array:
    """Invariant mass of the leptons at positions ``idx`` (jagged index arrays)."""
    e = sum(p4["e"][i] for i in idx)
    px = sum(p4["px"][i] for i in idx)
    py = sum(p4["py"][i] for i in idx)
    pz = sum(p4["pz"][i] for i in idx)
    return np.sqrt(np.maximum(e * e - px * px - py * py - pz * pz, 0.0))


def delta_r(p4: dict[str, ak.Array], i: ak.Array, j: ak.Array) -> ak.Array:
    dphi = (p4["phi"][i] - p4["phi"][j] + np.pi) % (2 * np.pi) - np.pi
    deta = p4["eta"][i] - p4["eta"][j]
    return np.sqrt(deta * deta + dphi * dphi)


def to_numpy_bool(x: ak.Array | np.ndarray) -> np.ndarray:
    return np.asarray(ak.to_numpy(ak.fill_none(x, False)), dtype=bool)


def z1_channel(lep: ak.Array, mz: float = MZ) -> np.ndarray:
    """Channel from the SFOS pairing of the first four leptons whose first pair is closest to
    ``mz``.

    For selections that do not pair the leptons themselves; "" when no SFOS pairing exists.
    """
    p4 = lepton_p4(lep)
    col = {
        k: ak.to_numpy(ak.fill_none(ak.pad_none(p4[k], 4, clip=True), 0.0))
        for k in ("e", "px", "py", "pz")
    }
    fl = ak.to_numpy(ak.fill_none(ak.pad_none(lep.flavour, 4, clip=True), 0))
    ch = ak.to_numpy(ak.fill_none(ak.pad_none(lep.charge, 4, clip=True), 0))

    def mass(a: int, b: int) -> np.ndarray:
        e, x, y, z = (col[k][:, a] + col[k][:, b] for k in ("e", "px", "py", "pz"))
        return np.sqrt(np.maximum(e * e - x * x - y * y - z * z, 0.0))

    best_d = np.full(len(fl), np.inf)
    best = np.array([""] * len(fl), dtype=object)
    for (a, b), (c, d) in (
        ((0, 1), (2, 3)),
        ((0, 2), (1, 3)),
        ((0, 3), (1, 2)),
        ((2, 3), (0, 1)),
        ((1, 3), (0, 2)),
        ((1, 2), (0, 3)),
    ):
        ok = (fl[:, a] == fl[:, b]) & (ch[:, a] * ch[:, b] < 0)
        ok &= (fl[:, c] == fl[:, d]) & (ch[:, c] * ch[:, d] < 0)
        dist = np.where(ok, np.abs(mass(a, b) - mz), np.inf)
        better = dist < best_d
        name = np.select(
            [
                (fl[:, a] == 11) & (fl[:, c] == 11),
                (fl[:, a] == 13) & (fl[:, c] == 13),
                fl[:, a] == 11,
            ],
            ["4e", "4mu", "2e2mu"],
            "2mu2e",
        )
        best = np.where(better, name, best)
        best_d = np.where(better, dist, best_d)
    return best


def first_four_mass(lep: ak.Array) -> np.ndarray:
    """Invariant mass of the first four leptons of each event (nan with fewer than four)."""
    p4 = lepton_p4(lep)
    tot = {
        k: ak.to_numpy(ak.sum(ak.pad_none(p4[k], 4, clip=True), axis=1))
        for k in ("e", "px", "py", "pz")
    }
    m = np.sqrt(np.maximum(tot["e"] ** 2 - tot["px"] ** 2 - tot["py"] ** 2 - tot["pz"] ** 2, 0.0))
    return np.where(ak.to_numpy(ak.num(lep)) >= 4, m, np.nan)


@dataclass
class _Partial:
    """What one chunk contributes; merged in (file, entry) order, so any executor agrees."""

    raw: np.ndarray
    weighted: np.ndarray
    hist_x: np.ndarray
    hist_w: np.ndarray
    picked: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class _ChunkTask:
    """``plan.process`` plus the weight bookkeeping, as a picklable function of one chunk."""

    process: Callable[[ak.Array], ChunkResult]
    factor: float | None  # MC weight rescaling (None: keep the release's normalisation)

    def __call__(self, events: ak.Array, segment: object = None) -> _Partial:
        res = self.process(events)
        w = np.asarray(ak.to_numpy(events.weight), dtype=np.float64)
        if self.factor is not None:
            w = np.where(ak.to_numpy(events.is_data), w, w * self.factor)
        raw = np.array([int(m.sum()) for m in res.masks], dtype=np.int64)
        weighted = np.array([float(w[m].sum()) for m in res.masks])
        final = res.masks[-1]
        dsid = (
            ak.to_numpy(events.channel_number).astype(np.int64)
            if "channel_number" in events.fields
            else np.zeros(len(events), dtype=np.int64)
        )
        picked = (
            ak.to_numpy(events.run)[final],
            ak.to_numpy(events.event)[final],
            dsid[final],
            res.channel[final],
            res.m4l[final],
            w[final],
        )
        return _Partial(raw, weighted, res.m4l[res.hist_mask], w[res.hist_mask], picked)


def run_plan(
    name: str,
    plan: Plan,
    dataset: Dataset,
    out_dir: str | Path,
    step_size: int | str = "50 MB",
    executor: Executor | None = None,
) -> AnalysisResult:
    """Run a plan over the dataset and write the four contract files (result.json last).

    ``executor`` (default: the local one) decides where chunks are processed; partial
    results are merged in (file, entry) order, the order the local executor reads them.
    """
    n = len(plan.steps)
    raw = np.zeros(n, dtype=np.int64)
    weighted = np.zeros(n)
    spec = plan.hist
    h = hist.Hist(
        hist.axis.Regular(spec.bins, spec.lo, spec.hi, name=spec.name, label=spec.label),
        storage=hist.storage.Weight(),
    )
    picked: list[tuple[np.ndarray, ...]] = []
    rescale = plan.lumi_pb is not None and dataset.schema.lumi_pb > 0
    fields = list(dict.fromkeys([*plan.fields, "run", "event", "weight"]))
    if "channel_number" in dataset.provides:
        fields.append("channel_number")
    if rescale:
        fields.append("is_data")
    factor = float(plan.lumi_pb) / dataset.schema.lumi_pb if rescale else None  # type: ignore[arg-type]
    # a caller's executor stays open for its next analysis; the default one is ours to close
    with nullcontext(executor) if executor is not None else LocalExecutor() as ex:
        for _, part in ex.map(
            dataset, fields, _ChunkTask(plan.process, factor), step_size=step_size
        ):
            for k in range(n):  # element by element: the pre-executor accumulation, bit for bit
                raw[k] += part.raw[k]
                weighted[k] += float(part.weighted[k])
            h.fill(part.hist_x, weight=part.hist_w)
            picked.append(part.picked)
    selected = _rows(picked)
    producer = f"baseline:{name}"
    steps = [
        CutflowStep(
            id=s.id,
            description=s.description,
            raw=int(raw[k]),
            weighted=float(weighted[k]),
            applicable=s.applicable,
            reason=s.reason,
        )
        for k, s in enumerate(plan.steps)
    ]
    cutflow = Cutflow(producer=producer, steps=steps)
    view = h.view()
    histogram = Histogram1D(
        name=spec.name,
        label=spec.label,
        edges=[float(x) for x in h.axes[0].edges],
        counts=[float(x) for x in view.value],
        variances=[float(x) for x in view.variance],
    )
    channels: dict[str, int] = {}
    for ev in selected:
        channels[ev.channel] = channels.get(ev.channel, 0) + 1
    warnings = list(plan.warnings)
    if dataset.synthetic:
        warnings.insert(0, "SYNTHETIC input: not ATLAS simulation, not collision data")
    result = AnalysisResult(
        producer=producer,
        inputs=dataset.files,
        n_input=int(raw[0]),
        n_selected=len(selected),
        weighted_selected=float(sum(e.weight for e in selected)),
        channels=dict(sorted(channels.items())),
        not_applicable=[s.id for s in plan.steps if not s.applicable],
        warnings=warnings,
        synthetic=dataset.synthetic,
    )
    write_outputs(out_dir, events=selected, cutflow=cutflow, histograms=[histogram], result=result)
    return result


def _rows(picked: list[tuple[np.ndarray, ...]]) -> list[EventRow]:
    rows: list[EventRow] = []
    for run, event, dsid, channel, m4l, weight in picked:
        rows.extend(
            EventRow(*r)
            for r in zip(
                run.tolist(),
                event.tolist(),
                dsid.tolist(),
                [str(c) for c in channel],
                m4l.astype(float).tolist(),
                weight.astype(float).tolist(),
                strict=True,
            )
        )
    return rows


def passthrough(masks: Sequence[np.ndarray]) -> np.ndarray:
    """A step that cannot be applied keeps the events of the step before it."""
    return masks[-1].copy()
