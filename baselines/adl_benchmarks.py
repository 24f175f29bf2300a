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

import awkward as ak
import numpy as np
import vector

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
    6: ("event", *(f"Jet_{k}" for k in _P4), "Jet_btagDeepFlavB"),
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
    return Selected(_events(raw, keep), {"met_2j": raw.MET_pt[keep]})


def met_of_z_mumu_events(raw: ak.Array) -> Selected:
    """Benchmark 5: MET of the events with an opposite-charge muon pair of mass 60-120 GeV."""
    muons = ak.zip({"p4": _p4(raw, "Muon"), "q": raw.Muon_charge}, depth_limit=2)
    a, b = ak.unzip(ak.combinations(muons, 2))
    mass = (a.p4 + b.p4).mass
    keep = ak.any((a.q * b.q < 0) & (mass > 60) & (mass < 120), axis=1)
    return Selected(_events(raw, keep), {"met_z": raw.MET_pt[keep]})


def trijet_closest_to_top(raw: ak.Array) -> Selected:
    """Benchmark 6: pT of the trijet with mass closest to 172.5 GeV, and its largest b-tag."""
    keep = ak.num(raw.Jet_pt) >= 3
    jets = ak.zip({"p4": _p4(raw, "Jet"), "btag": raw.Jet_btagDeepFlavB}, depth_limit=2)[keep]
    a, b, c = ak.unzip(ak.combinations(jets, 3))
    total = a.p4 + b.p4 + c.p4
    best = ak.argmin(abs(total.mass - TOP_MASS), axis=1, keepdims=True)
    btag = np.maximum(np.maximum(a.btag, b.btag), c.btag)
    values = {"top_pt": ak.firsts(total[best].pt), "top_max_btag": ak.firsts(btag[best])}
    return Selected(_events(raw, keep), values)


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
    return Selected(_events(raw, keep), {"mt_w": mt})


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
