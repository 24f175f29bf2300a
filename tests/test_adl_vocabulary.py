"""ADL import of CutLang's wider vocabulary (its lexer's words: GT/LT/.../NE, absEta, rap, pz,
tight/medium/loose, dEta, ave, hstep, fMT2), written the way analysis files write them, and the
runs such files need: an overlap removal against one lepton flavour, a one-flavour field on
NanoAOD. Each construct was reported "not represented" (or crashed at run time) before."""

from __future__ import annotations

import json
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
from conftest import shared_path
from test_adl_nanoaod import NANOAOD, run_compiled

import pipeline.runtime.lang as rt
from pipeline.codegen.compiler import compile_selection
from pipeline.data import open_dataset
from pipeline.runtime.selection import EventState
from pipeline.selection.adl import from_adl, to_adl
from pipeline.selection.expr import cut_expression, same_meaning
from pipeline.selection.validate import validate_selection

HEAD = (
    "object muons\n  take Muon\n  select pt(Muon) > 3\n"
    "object electrons\n  take Electron\n  select pt(Electron) > 5\n"
    "object leptons : union(electrons, muons)\n"
    "object jets\n  take Jet\n  select pt(Jet) > 20\n"
)

# (the ADL statement, the block it is in, the expression it must mean)
OBJECT_CASES = [
    ("select {Muon}Pt GT 5", "muons", "pt > 5"),
    ("select pT(Muon) GE 5", "muons", "pt >= 5"),
    ("select abs(Eta(Muon)) LT 2.4", "muons", "abs(eta) < 2.4"),
    ("select abs(dxy(Muon)) LE 0.05", "muons", "abs(d0) <= 0.05"),
    ("select absEta(Muon) < 2.5", "muons", "abs(eta) < 2.5"),
    ("select AbsEta(Muon) ][ 1.37 1.52", "muons", "abs(eta) < 1.37 or abs(eta) > 1.52"),
    ("select tight(Muon) == 1", "muons", "id_tight == 1"),
    ("select Muon.tightId EQ 1", "muons", "id_tight == 1"),
    ("select medium(Electron) == 1", "electrons", "id_medium == 1"),
    ("select loose(Electron) NE 0", "electrons", "id_loose != 0"),
    ("select abs(rap(Jet)) < 4.4", "jets", "abs(rapidity) < 4.4"),
    ("select abs(pz(Jet)) < 500", "jets", "abs(pz) < 500"),
]

EVENT_CASES = [
    ("select size(jets) EQ 2", "count(jets) == 2"),
    ("select size(leptons) NE 1", "count(leptons) != 1"),
    ("select MET GT 100 AND size(jets) GE 2", "met > 100 and count(jets) >= 2"),
    ("select abs(dEta(jets[0], jets[1])) > 3", "abs(delta_eta(nth(jets, 0), nth(jets, 1))) > 3"),
    ("select ave(pt(jets)) > 50", "mean(pt(jets)) > 50"),
    ("select hstep(MET - 300) == 1", "step(met - 300) == 1"),
    (
        "select fMT2(leptons[0], leptons[1], MET) > 90",
        "mt2(nth(leptons, 0), nth(leptons, 1), met_vec) > 90",
    ),
]


def _object_file(block: str, line: str) -> str:
    return HEAD.replace(
        {"muons": "take Muon\n", "electrons": "take Electron\n", "jets": "take Jet\n"}[block],
        {"muons": "take Muon\n", "electrons": "take Electron\n", "jets": "take Jet\n"}[block]
        + f"  {line}\n",
    )


@pytest.mark.parametrize(("line", "block", "meaning"), OBJECT_CASES)
def test_object_statement_is_represented(line: str, block: str, meaning: str) -> None:
    sel, missing = from_adl(_object_file(block, line))
    assert missing == [], missing
    obj = next(o for o in sel.objects if o.name == block)
    assert same_meaning(cut_expression(obj.cuts[0]), meaning), cut_expression(obj.cuts[0])
    assert [i for i in validate_selection(sel) if i.level == "error"] == []


@pytest.mark.parametrize(("line", "meaning"), EVENT_CASES)
def test_event_statement_is_represented(line: str, meaning: str) -> None:
    sel, missing = from_adl(HEAD + f"region SR\n  {line}\n")
    assert missing == [], missing
    assert same_meaning(cut_expression(sel.selection[0]), meaning), cut_expression(sel.selection[0])
    assert [i for i in validate_selection(sel) if i.level == "error"] == []
    back, again = from_adl(to_adl(sel))  # and the export reads back to the same meaning
    assert again == []
    assert same_meaning(cut_expression(back.selection[0]), meaning)


VOCABULARY_FILE = (
    HEAD.replace("take Muon\n", "take Muon\n  select tight(Muon) == 1\n")
    .replace("take Electron\n", "take Electron\n  select medium(Electron) == 1\n")
    .replace(
        "take Jet\n", "take Jet\n  select abs(rap(Jet)) < 4.4\n  reject dR(Jet, electrons) < 0.2\n"
    )
    + "define dEtajj = dEta(jets[0], jets[1])\n"
    + "define MT2jj = fMT2(jets[0], jets[1], MET)\n"
    + "region twojets\n  select size(jets) GE 2\n  select MT2jj GE 0\n  select dEtajj LT 10\n"
    + "  select ave(pt(jets)) > 20\n  select size(muons) EQ 0 OR hstep(MET - 1) == 1\n"
)


def test_a_file_of_the_vocabulary_runs_on_nanoaod(tmp_path: Path) -> None:
    """Compiled and run on the real file, every step's count equals the same selection written
    directly with awkward (before: the overlap removal against electrons alone crashed, the
    muon identification (a field the electrons of NanoAOD lack) crashed)."""
    sel, missing = from_adl(VOCABULARY_FILE)
    assert missing == []
    assert [i for i in validate_selection(sel) if i.level == "error"] == []
    result = run_compiled(compile_selection(sel), shared_path(*NANOAOD), tmp_path / "out")
    cutflow = json.loads((tmp_path / "out" / "cutflow.json").read_text())
    counts = {step["id"]: step["raw"] for step in cutflow["steps"]}

    ev = open_dataset([shared_path(*NANOAOD)]).read_all()
    muons = ev.muons[(ev.muons.pt > 3) & (ev.muons.id_tight == 1)]
    electrons = ev.electrons[ev.electrons.pt > 5]  # NanoAOD 2015 has no electron id here
    jets = ev.jets[(ev.jets.pt > 20)]
    f64 = {n: ak.values_astype(jets[n], np.float64) for n in ("pt", "eta", "e")}
    pz = f64["pt"] * np.sinh(f64["eta"])
    jets = jets[abs(0.5 * np.log((f64["e"] + pz) / (f64["e"] - pz))) < 4.4]
    pairs = ak.cartesian([jets, electrons], nested=True)
    dr = np.hypot(
        pairs["0"].eta - pairs["1"].eta,
        (pairs["0"].phi - pairs["1"].phi + np.pi) % (2 * np.pi) - np.pi,
    )
    jets = jets[ak.fill_none(ak.min(dr, axis=-1), np.inf) >= 0.2]
    step1 = ak.num(jets) >= 2
    assert counts["twojets_1"] == int(ak.sum(step1))
    j0, j1 = rt.nth(jets, 0), rt.nth(jets, 1)
    mt2 = rt.mt2(j0, j1, EventState(ev)["met_vec"])
    step2 = step1 & (np.nan_to_num(mt2, nan=-1.0) >= 0)
    assert counts["twojets_2"] == int(ak.sum(step2))
    deta = ak.to_numpy(ak.fill_none(abs(j0.eta - j1.eta), np.inf))
    step3 = step2 & (deta < 10)
    assert counts["twojets_3"] == int(ak.sum(step3))
    mean_pt = ak.to_numpy(ak.fill_none(ak.mean(jets.pt, axis=1), np.nan))
    step4 = step3 & (np.nan_to_num(mean_pt, nan=-1.0) > 20)
    assert counts["twojets_4"] == int(ak.sum(step4))
    step5 = step4 & ((ak.to_numpy(ak.num(muons)) == 0) | (ak.to_numpy(ev.met) >= 1))
    assert counts["twojets_5"] == int(ak.sum(step5))
    assert result["n_input"] == 200
    assert counts["twojets_1"] > 0 and counts["twojets_5"] > 0  # the steps are exercised
