"""The eight IRIS-HEP ADL functionality benchmarks (papers/adl-benchmarks/) on the CMS NanoAOD file.

Each list is compiled and its selection run through the runtime; the quantity it defines is checked
against independent code reading the raw NanoAOD branches with uproot, awkward and vector.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
import pytest
import uproot
import vector
from conftest import shared_path

import pipeline.runtime.lang as rt
from pipeline.codegen.compiler import compile_selection
from pipeline.data import open_dataset
from pipeline.runtime.analysis_run import AnalysisRun, provided_names
from pipeline.runtime.selection import EventState
from pipeline.selection.store import load_selection

BENCHMARKS = Path(__file__).resolve().parent.parent / "papers" / "adl-benchmarks"
NANOAOD = ("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")


@pytest.fixture(scope="module")
def raw() -> ak.Array:
    return uproot.open(shared_path(*NANOAOD))["Events"].arrays()


def evaluate(n: int) -> EventState:
    """Compile benchmark ``n`` and run its object and event selection over the whole file."""
    sel = load_selection(BENCHMARKS / f"benchmark-{n}.json")
    namespace: dict[str, Any] = {"__name__": f"benchmark_{n}"}
    exec(compile(compile_selection(sel), f"benchmark-{n}.py", "exec"), namespace)  # noqa: S102 - our compiler's output
    dataset = open_dataset([shared_path(*NANOAOD)])
    run = AnalysisRun(
        producer="test",
        steps=namespace["STEPS"],
        requires=namespace["REQUIRES"],
        text_only=namespace["TEXT_ONLY"],
        provided=provided_names(dataset.provides),
        observable=namespace["OBSERVABLE"],
        candidates=namespace["CANDIDATES"],
    )
    state = EventState(dataset.read_all())
    namespace["select_objects"](state, run)
    namespace["select_events"](state, run)
    assert not run.reasons  # every cut applies to this dataset
    return state


def _p4(raw: ak.Array, prefix: str) -> ak.Array:
    f64 = {
        k: ak.values_astype(raw[f"{prefix}_{k}"], np.float64) for k in ("pt", "eta", "phi", "mass")
    }
    return vector.zip(f64)


def _sorted(x: ak.Array) -> list[list[float]]:
    return [sorted(row) for row in ak.to_list(x)]


def test_1_met_of_all_events(raw: ak.Array) -> None:
    v = evaluate(1)
    assert ak.to_list(v["met_all"]) == pytest.approx(ak.to_list(raw.MET_pt))


def test_2_pt_of_all_jets(raw: ak.Array) -> None:
    v = evaluate(2)
    assert _sorted(v["jet_pt"]) == _sorted(raw.Jet_pt)


def test_3_pt_of_central_jets(raw: ak.Array) -> None:
    v = evaluate(3)
    assert _sorted(v["central_jet_pt"]) == _sorted(raw.Jet_pt[abs(raw.Jet_eta) < 1])


def test_4_met_of_events_with_two_jets_above_40(raw: ak.Array) -> None:
    v = evaluate(4)
    keep = ak.sum(raw.Jet_pt > 40, axis=1) >= 2
    assert ak.to_list(v.events["event"]) == ak.to_list(raw.event[keep])
    assert ak.to_list(v["met_2j"]) == pytest.approx(ak.to_list(raw.MET_pt[keep]))


def test_5_met_of_events_with_an_opposite_sign_dimuon_in_the_z_window(raw: ak.Array) -> None:
    v = evaluate(5)
    mu = ak.zip({"p4": _p4(raw, "Muon"), "q": raw.Muon_charge}, depth_limit=2)
    a, b = ak.unzip(ak.combinations(mu, 2))
    mass = (a.p4 + b.p4).mass
    keep = ak.any((a.q * b.q < 0) & (mass > 60) & (mass < 120), axis=1)
    assert ak.to_list(v.events["event"]) == ak.to_list(raw.event[keep])
    assert ak.to_list(v["met_z"]) == pytest.approx(ak.to_list(raw.MET_pt[keep]))


def test_6_trijet_closest_to_the_top_mass(raw: ak.Array) -> None:
    v = evaluate(6)
    keep = ak.num(raw.Jet_pt) >= 3
    jets = ak.zip({"p4": _p4(raw, "Jet"), "btag": raw.Jet_btagCSVV2}, depth_limit=2)[keep]
    a, b, c = ak.unzip(ak.combinations(jets, 3))
    total = a.p4 + b.p4 + c.p4
    best = ak.argmin(abs(total.mass - 172.5), axis=1, keepdims=True)
    pt = ak.firsts(total[best].pt)
    btag = ak.firsts(np.maximum(np.maximum(a.btag, b.btag), c.btag)[best])
    assert ak.to_list(v.events["event"]) == ak.to_list(raw.event[keep])
    assert ak.to_list(v["top_pt"]) == pytest.approx(ak.to_list(pt), rel=1e-5)
    assert ak.to_list(rt.max_of(rt.btag(v["top"]))) == pytest.approx(ak.to_list(btag))


def _delta_r(a: dict[str, float], b: dict[str, float]) -> float:
    dphi = abs((a["phi"] - b["phi"] + math.pi) % (2 * math.pi) - math.pi)
    return math.hypot(a["eta"] - b["eta"], dphi)


def _objects(raw: ak.Array, prefix: str, flavour: int) -> list[list[dict[str, float]]]:
    cols = {k: ak.to_list(raw[f"{prefix}_{k}"]) for k in ("pt", "eta", "phi", "mass", "charge")}
    return [
        [
            {"pt": pt, "eta": eta, "phi": phi, "mass": m, "charge": q, "flavour": flavour}
            for pt, eta, phi, m, q in zip(
                *(cols[k][i] for k in ("pt", "eta", "phi", "mass", "charge")), strict=True
            )
        ]
        for i in range(len(raw))
    ]


def test_7_ht_of_jets_away_from_leptons(raw: ak.Array) -> None:
    v = evaluate(7)
    electrons, muons = _objects(raw, "Electron", 11), _objects(raw, "Muon", 13)
    expected = []
    for i, jets in enumerate(
        zip(*(ak.to_list(raw[f"Jet_{k}"]) for k in ("pt", "eta", "phi")), strict=True)
    ):
        leptons = [lep for lep in electrons[i] + muons[i] if lep["pt"] > 10]
        ht = sum(
            pt
            for pt, eta, phi in zip(*jets, strict=True)
            if pt > 30 and all(_delta_r({"eta": eta, "phi": phi}, lep) >= 0.4 for lep in leptons)
        )
        expected.append(ht)
    assert ak.to_list(v["ht_clean"]) == pytest.approx(expected, rel=1e-6)


def _mass(a: dict[str, float], b: dict[str, float]) -> float:
    va = vector.obj(pt=a["pt"], eta=a["eta"], phi=a["phi"], mass=a["mass"])
    vb = vector.obj(pt=b["pt"], eta=b["eta"], phi=b["phi"], mass=b["mass"])
    return float((va + vb).mass)


def test_8_mt_of_met_and_the_lepton_outside_the_z_candidate(raw: ak.Array) -> None:
    v = evaluate(8)
    electrons, muons = _objects(raw, "Electron", 11), _objects(raw, "Muon", 13)
    events, mts = [], []
    for i in range(len(raw)):
        leptons = sorted(electrons[i] + muons[i], key=lambda lep: -lep["pt"])
        pairs = [
            (a, b)
            for a, b in itertools.combinations(leptons, 2)
            if a["flavour"] == b["flavour"] and a["charge"] * b["charge"] < 0
        ]
        if len(leptons) < 3 or not pairs:
            continue
        z = min(pairs, key=lambda p: abs(_mass(*p) - 91.2))
        extra = next(lep for lep in leptons if lep is not z[0] and lep is not z[1])
        met, met_phi = float(raw.MET_pt[i]), float(raw.MET_phi[i])
        events.append(int(raw.event[i]))
        mts.append(math.sqrt(2 * extra["pt"] * met * (1 - math.cos(extra["phi"] - met_phi))))
    assert ak.to_list(v.events["event"]) == events
    assert ak.to_list(v["mt_w"]) == pytest.approx(mts, rel=1e-5)


@pytest.mark.parametrize("n", range(1, 9))
def test_benchmark_runs_as_a_compiled_script(n: int, tmp_path: Path) -> None:
    """The whole script: it reads only READS (a muons-only list and an observable read by no cut
    failed before: the reader builds electrons with muons, and met was not read)."""
    from test_adl_nanoaod import run_compiled

    sel = load_selection(BENCHMARKS / f"benchmark-{n}.json")
    result = run_compiled(compile_selection(sel), shared_path(*NANOAOD), tmp_path / "out")
    assert result["n_selected"] == len(evaluate(n).events)
