"""The eight IRIS-HEP ADL functionality benchmarks, written by hand in awkward + vector.

The yardstick for the compiled lists of ``papers/adl-benchmarks/``: the same quantities computed
straight from raw NanoAOD branches (``uproot.open(f)["Events"].arrays(BRANCHES[n])``), with no
code shared with :mod:`pipeline.runtime` (no canonical events, no candidate tables), the way an
analyst would write them. Each function returns the event numbers of the selected events and the
quantities by the names the benchmark lists give them, so the two can be compared name by name.

Precision follows the data: NanoAOD stores float32 ``pt, eta, phi, mass``. Energies are derived
from them in float32 (as any reader that keeps ``E`` does), and the four-vector arithmetic is in
float64. Deriving ``E`` in float64 instead moves trijet masses by ~1e-4 GeV, enough to change
which trijet is closest to 172.5 GeV in about one event in 10^5: a choice, not a bug, but it
would make a bit-level comparison of benchmark 6 flaky.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
import uproot
import vector

from pipeline.contract import (
    AnalysisResult,
    Cutflow,
    CutflowStep,
    EventRow,
    Histogram1D,
    ObservableValue,
    write_outputs,
)

vector.register_awkward()

TOP_MASS = 172.5
Z_MASS = 91.2
_P4 = ("pt", "eta", "phi", "mass")
_LEPTON = (*_P4, "charge")

BRANCHES: dict[int, tuple[str, ...]] = {
    1: ("event", "MET_pt"),
    2: ("event", "Jet_pt"),
    3: ("event", "Jet_pt", "Jet_eta"),
    4: ("event", "Jet_pt", "MET_pt"),
    5: ("event", "MET_pt", *(f"Muon_{k}" for k in _LEPTON)),
    6: ("event", *(f"Jet_{k}" for k in _P4), "Jet_btagDeepFlavB", "Jet_btagCSVV2"),
    7: (
        "event",
        "Jet_pt",
        "Jet_eta",
        "Jet_phi",
        *(f"{c}_{k}" for c in ("Electron", "Muon") for k in ("pt", "eta", "phi")),
    ),
    8: (
        "event",
        "MET_pt",
        "MET_phi",
        *(f"{c}_{k}" for c in ("Electron", "Muon") for k in _LEPTON),
    ),
}


@dataclass(frozen=True)
class Selected:
    """The selected events (by event number) and each quantity, one entry per selected event."""

    event: np.ndarray
    values: dict[str, ak.Array] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)  # events after each step, in order


def _p4(raw: ak.Array, prefix: str) -> ak.Array:
    """Momentum4D of a collection: float64 px, py, pz and the float32-derived energy."""
    pt, eta, phi, mass = (raw[f"{prefix}_{k}"] for k in _P4)
    p = pt * np.cosh(eta)
    energy = np.sqrt(p * p + mass * mass)  # float32, as stored energies are
    pt64, eta64, phi64 = (ak.values_astype(x, np.float64) for x in (pt, eta, phi))
    return vector.zip(
        {
            "px": pt64 * np.cos(phi64),
            "py": pt64 * np.sin(phi64),
            "pz": pt64 * np.sinh(eta64),
            "E": ak.values_astype(energy, np.float64),
        }
    )


def _events(raw: ak.Array, keep: ak.Array | None = None) -> np.ndarray:
    event = raw["event"] if keep is None else raw["event"][keep]
    return ak.to_numpy(event)


def _counts(**masks: ak.Array) -> dict[str, int]:
    """Events passing each step (masks of all events, each within the one before), in order."""
    return {step: int(ak.sum(mask)) for step, mask in masks.items()}


def met_of_all_events(raw: ak.Array) -> Selected:
    """Benchmark 1: MET of every event."""
    return Selected(_events(raw), {"met_all": raw.MET_pt})


def pt_of_all_jets(raw: ak.Array) -> Selected:
    """Benchmark 2: pT of every jet, one list per event."""
    return Selected(_events(raw), {"jet_pt": raw.Jet_pt})


def pt_of_central_jets(raw: ak.Array) -> Selected:
    """Benchmark 3: pT of the jets with |eta| < 1, one (maybe empty) list per event."""
    return Selected(_events(raw), {"central_jet_pt": raw.Jet_pt[abs(raw.Jet_eta) < 1]})


def met_of_dijet_events(raw: ak.Array) -> Selected:
    """Benchmark 4: MET of the events with at least two jets above 40 GeV."""
    keep = ak.sum(raw.Jet_pt > 40, axis=1) >= 2
    return Selected(_events(raw, keep), {"met_2j": raw.MET_pt[keep]}, _counts(two_jets=keep))


def met_of_z_mumu_events(raw: ak.Array) -> Selected:
    """Benchmark 5: MET of the events with an opposite-charge muon pair of mass 60-120 GeV."""
    muons = ak.zip({"p4": _p4(raw, "Muon"), "q": raw.Muon_charge}, depth_limit=2)
    a, b = ak.unzip(ak.combinations(muons, 2))
    mass = (a.p4 + b.p4).mass
    keep = ak.any((a.q * b.q < 0) & (mass > 60) & (mass < 120), axis=1)
    return Selected(_events(raw, keep), {"met_z": raw.MET_pt[keep]}, _counts(os_window=keep))


def _filled_tagger(raw: ak.Array) -> ak.Array:
    """DeepJet's score, or CSVv2's where the file holds only DeepJet placeholders (-3000 in
    the conversions of the 2015 open data, which predate DeepJet)."""
    deep = raw.Jet_btagDeepFlavB
    return deep if ak.any((deep >= 0) & (deep <= 1)) else raw.Jet_btagCSVV2


def trijet_closest_to_top(raw: ak.Array) -> Selected:
    """Benchmark 6: pT of the trijet with mass closest to 172.5 GeV, and its largest b-tag."""
    keep = ak.num(raw.Jet_pt) >= 3
    jets = ak.zip({"p4": _p4(raw, "Jet"), "btag": _filled_tagger(raw)}, depth_limit=2)[keep]
    a, b, c = ak.unzip(ak.combinations(jets, 3))
    total = a.p4 + b.p4 + c.p4
    best = ak.argmin(abs(total.mass - TOP_MASS), axis=1, keepdims=True)
    btag = np.maximum(np.maximum(a.btag, b.btag), c.btag)
    values = {"top_pt": ak.firsts(total[best].pt), "top_max_btag": ak.firsts(btag[best])}
    return Selected(_events(raw, keep), values, _counts(three_jets=keep))


def _delta_phi(a: ak.Array, b: ak.Array) -> ak.Array:
    dphi = abs(a - b) % (2 * np.pi)
    return np.minimum(dphi, 2 * np.pi - dphi)


def ht_of_isolated_jets(raw: ak.Array) -> Selected:
    """Benchmark 7: HT of the jets above 30 GeV farther than Delta R 0.4 from leptons above 10 GeV.

    Every event is kept (HT 0 without such jets); a jet in an event without leptons is isolated.
    """
    f64 = {b: ak.values_astype(raw[b], np.float64) for b in raw.fields if b != "event"}
    leptons = ak.concatenate(
        [
            ak.zip({"eta": f64[f"{c}_eta"], "phi": f64[f"{c}_phi"]})[f64[f"{c}_pt"] > 10]
            for c in ("Electron", "Muon")
        ],
        axis=1,
    )
    jets = ak.zip({"pt": f64["Jet_pt"], "eta": f64["Jet_eta"], "phi": f64["Jet_phi"]})
    jets = jets[jets.pt > 30]
    jet, lep = ak.unzip(ak.cartesian([jets, leptons], axis=1, nested=True))
    delta_r = np.hypot(jet.eta - lep.eta, _delta_phi(jet.phi, lep.phi))
    isolated = ak.fill_none(ak.min(delta_r, axis=2), np.inf) >= 0.4
    return Selected(_events(raw), {"ht_clean": ak.sum(jets.pt[isolated], axis=1)})


def _leptons(raw: ak.Array) -> ak.Array:
    """Electrons then muons, with their flavour, sorted by pT (highest first)."""
    parts = []
    for prefix, flavour in (("Electron", 11), ("Muon", 13)):
        pt = raw[f"{prefix}_pt"]
        parts.append(
            ak.zip(
                {
                    "p4": _p4(raw, prefix),
                    "pt": ak.values_astype(pt, np.float64),
                    "phi": ak.values_astype(raw[f"{prefix}_phi"], np.float64),
                    "q": raw[f"{prefix}_charge"],
                    "flavour": ak.values_astype(ak.zeros_like(pt), np.int32) + flavour,
                },
                depth_limit=2,
            )
        )
    both = ak.concatenate(parts, axis=1)
    return both[ak.argsort(both.pt, axis=1, ascending=False, stable=True)]


def mt_of_lepton_outside_z(raw: ak.Array) -> Selected:
    """Benchmark 8: mT of MET and the leading lepton outside the SFOS pair closest to 91.2 GeV.

    Events need at least three leptons and one same-flavour opposite-charge pair.
    """
    leptons = _leptons(raw)
    three = ak.num(leptons) >= 3
    i, j = ak.unzip(ak.argcombinations(leptons, 2))
    a, b = leptons[i], leptons[j]
    sfos = (a.flavour == b.flavour) & (a.q * b.q < 0)
    keep = (ak.num(leptons) >= 3) & ak.any(sfos, axis=1)
    leptons, i, j, sfos = leptons[keep], i[keep][sfos[keep]], j[keep][sfos[keep]], sfos[keep]
    mass = (leptons[i].p4 + leptons[j].p4).mass
    best = ak.argmin(abs(mass - Z_MASS), axis=1, keepdims=True)
    index = ak.local_index(leptons, axis=1)
    others = leptons[(index != ak.firsts(i[best])) & (index != ak.firsts(j[best]))]
    extra = ak.firsts(others)
    met = ak.values_astype(raw.MET_pt[keep], np.float64)
    met_phi = ak.values_astype(raw.MET_phi[keep], np.float64)
    mt = np.sqrt(2.0 * extra.pt * met * (1.0 - np.cos(extra.phi - met_phi)))
    steps = _counts(three_leptons=three, sfos_pair=keep)
    return Selected(_events(raw, keep), {"mt_w": mt}, steps)


BENCHMARKS: dict[int, Callable[[ak.Array], Selected]] = {
    1: met_of_all_events,
    2: pt_of_all_jets,
    3: pt_of_central_jets,
    4: met_of_dijet_events,
    5: met_of_z_mumu_events,
    6: trijet_closest_to_top,
    7: ht_of_isolated_jets,
    8: mt_of_lepton_outside_z,
}


def run_benchmark(n: int, raw: ak.Array) -> Selected:
    """Benchmark ``n`` (1-8) on raw NanoAOD arrays holding at least ``BRANCHES[n]``."""
    return BENCHMARKS[n](raw)


# ----------------------------------------------------------------------------------------------
# The contract outputs, so that `reproduce baseline adl_benchmark_N` and `reproduce compare`
# treat a benchmark like any other analysis: events.csv, cutflow.json, observables.csv and the
# histograms, binned as the benchmarks ask (stated here, apart from the selection lists).

NAME = "adl_benchmark_{}"
NAMES = {NAME.format(n): n for n in BENCHMARKS}
DESCRIPTIONS = {
    NAME.format(n): f"IRIS-HEP ADL benchmark {n} by hand (awkward + vector on raw NanoAOD): "
    + (BENCHMARKS[n].__doc__ or "").split(":", 1)[1].strip().split("\n")[0]
    for n in BENCHMARKS
}
# quantity -> (axis label, bins, low, high)
BINNING: dict[str, tuple[str, int, float, float]] = {
    "met_all": ("missing E_T [GeV]", 100, 0.0, 200.0),
    "jet_pt": ("jet p_T [GeV]", 100, 0.0, 200.0),
    "central_jet_pt": ("jet p_T (|eta| < 1) [GeV]", 100, 0.0, 200.0),
    "met_2j": ("missing E_T [GeV]", 100, 0.0, 200.0),
    "met_z": ("missing E_T [GeV]", 100, 0.0, 200.0),
    "top_pt": ("trijet p_T [GeV]", 100, 0.0, 400.0),
    "top_max_btag": ("max b-tag discriminant of the trijet", 50, 0.0, 1.0),
    "ht_clean": ("H_T of clean jets [GeV]", 100, 0.0, 1000.0),
    "mt_w": ("m_T(MET, lepton) [GeV]", 100, 0.0, 200.0),
}
_STEP_TEXT = {
    "two_jets": "at least two jets with pT > 40 GeV",
    "os_window": "an opposite-charge muon pair with 60 < m < 120 GeV",
    "three_jets": "at least three jets",
    "three_leptons": "at least three leptons",
    "sfos_pair": "a same-flavour opposite-charge pair",
}


def _per_event(values: ak.Array) -> tuple[np.ndarray, np.ndarray]:
    """(values flattened as float64, how many each event has): one for a number per event."""
    if values.ndim == 1:
        flat = ak.to_numpy(ak.fill_none(values, np.nan)).astype(np.float64)
        return flat, np.ones(len(flat), dtype=np.int64)
    counts = ak.to_numpy(ak.num(values, axis=1)).astype(np.int64)
    return ak.to_numpy(ak.flatten(values, axis=1)).astype(np.float64), counts


def write_benchmark(n: int, dataset: Any, out_dir: str | Path) -> AnalysisResult:
    """Run benchmark ``n`` over every file of ``dataset`` (raw NanoAOD, read whole with uproot)
    and write the contract files, result.json last. Every event has weight 1 and dataset id 0."""
    name = NAME.format(n)
    producer = f"baseline:{name}"
    n_all = 0
    steps: dict[str, int] = {}
    rows: list[EventRow] = []
    observed: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]] = {}
    per_file: dict[str, list[np.ndarray]] = {}
    stems = [Path(f.path).name.removesuffix(".root") for f in dataset.files]
    for stem, f in zip(stems, dataset.files, strict=True):
        raw = uproot.open(f.path)["Events"].arrays([*BRANCHES[n], "run"])
        # the benchmark returns row numbers in place of event numbers: run and event by row
        picked = BENCHMARKS[n](ak.with_field(raw, np.arange(len(raw)), "event"))
        index = picked.event.astype(np.int64)
        run = ak.to_numpy(raw["run"]).astype(np.int64)[index]
        event = ak.to_numpy(raw["event"]).astype(np.int64)[index]
        n_all += len(raw)
        for step, count in picked.steps.items():
            steps[step] = steps.get(step, 0) + count
        first = None
        for quantity, values in picked.values.items():
            flat, counts = _per_event(values)
            owner = np.repeat(np.arange(len(index)), counts)
            item = np.arange(len(flat)) - (np.cumsum(counts) - counts)[owner]
            observed.setdefault(quantity, []).append((run[owner], event[owner], item, flat))
            per_file.setdefault(f"{quantity}:{stem}", []).append(flat)
            if first is None:  # events.csv: the first value of the first quantity
                first = np.full(len(index), np.nan)
                has = counts > 0
                first[has] = flat[(np.cumsum(counts) - counts)[has]]
        for k in range(len(index)):
            value = float(first[k]) if first is not None else float("nan")
            rows.append(EventRow(int(run[k]), int(event[k]), 0, "other", value, 1.0))
    values = [
        ObservableValue("selection", q, 0, int(r), int(e), int(i), float(v), 1.0)
        for q, parts in observed.items()
        for run, event, item, flat in parts
        for r, e, i, v in zip(run, event, item, flat, strict=True)
    ]
    histograms = []
    for quantity in observed:
        label, bins, lo, hi = BINNING[quantity]
        edges = np.linspace(lo, hi, bins + 1)
        parts = [(f"selection/{quantity}", np.concatenate([p[3] for p in observed[quantity]]))]
        if len(stems) > 1:
            parts += [
                (f"selection/{k}", np.concatenate(v))
                for k, v in per_file.items()
                if k.startswith(f"{quantity}:")
            ]
        histograms += [
            Histogram1D.filled(hname, label, edges, x[np.isfinite(x)]) for hname, x in parts
        ]
    cutflow = Cutflow(
        producer=producer,
        steps=[CutflowStep(id="all", description="all events", raw=n_all, weighted=float(n_all))]
        + [
            CutflowStep(id=s, description=_STEP_TEXT[s], raw=c, weighted=float(c))
            for s, c in steps.items()
        ],
    )
    result = AnalysisResult(
        producer=producer,
        inputs=dataset.files,
        n_input=n_all,
        n_selected=len(rows),
        weighted_selected=float(len(rows)),
        channels={"other": len(rows)} if rows else {},
        synthetic=any(f.synthetic for f in dataset.files),
    )
    write_outputs(
        out_dir,
        events=rows,
        cutflow=cutflow,
        histograms=histograms,
        result=result,
        observables=values,
        observable_order=[f"selection/{q}" for q in observed],
    )
    return result
