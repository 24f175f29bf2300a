"""ADL ``histo`` statements become observables of their region (schema 1.1.0), run and round-trip.

Before, every ``histo`` line was reported "no counterpart in a selection list" and dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import uproot
from conftest import shared_path

from pipeline.codegen.compiler import compile_selection
from pipeline.contract import read_regions
from pipeline.selection.adl import from_adl, to_adl
from pipeline.selection.validate import validate_selection

NANOAOD = ("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")
ADL = """
object jets
  take Jet
  select pt > 30
  select abs(eta) < 2.4

define HT = sum(pt(jets))

region presel
  select size(jets) >= 2
  histo hmet, "MET [GeV]", 40, 0, 400, MET
  histo hht, "H_T [GeV]", 50, 0, 1000, HT
  histo hj1, "leading jet pT", 50, 0, 500, pT(jets[0])

region SR
  presel
  select MET > 30
  histo hht, "H_T [GeV]", 50, 0, 1000, HT
  histo h2, "2D", 10, 0, 100, 10, 0, 100, MET, HT
"""


def test_histos_become_observables_of_their_regions() -> None:
    sel, missing = from_adl(ADL, source="histo-test")
    assert sel.schema_version == "1.1.0"
    assert [(o.name, o.regions) for o in sel.observables] == [
        ("met", ["selection"]),  # MET itself, no new quantity
        ("HT", ["selection", "SR"]),  # the define, filled in both regions
        ("hj1", ["selection"]),  # a new quantity for an expression
    ]
    hist = sel.observables[1].histogram
    assert hist is not None and (hist.bins, hist.low, hist.high) == (50, 0.0, 1000.0)
    assert sel.observables[0].label == "MET [GeV]"
    assert [i for i in validate_selection(sel) if i.level == "error"] == []
    # the 2D histogram is named with its line and the reason, and the list stays valid
    assert any("line 19" in m and "two-dimensional" in m for m in missing)


def test_histos_round_trip_through_adl_export() -> None:
    sel, _ = from_adl(ADL, source="histo-test")
    text = to_adl(sel)
    assert 'histo HT, "H_T [GeV]", 50, 0, 1000, HT' in text
    again, _ = from_adl(text, source="histo-test")
    assert again.observables == sel.observables


def test_imported_histos_run_on_nanoaod(tmp_path: Path) -> None:
    sel, _ = from_adl(ADL, source="histo-test")
    namespace: dict[str, Any] = {"__name__": "histo_test"}
    exec(compile(compile_selection(sel), "analysis.py", "exec"), namespace)  # noqa: S102 - our compiler's output
    out = tmp_path / "out"
    assert namespace["main"](["--data", str(shared_path(*NANOAOD)), "--out", str(out)]) == 0
    hists = json.loads((out / "histograms.json").read_text())
    raw = uproot.open(shared_path(*NANOAOD))["Events"].arrays(
        ["MET_pt", "Jet_pt", "Jet_eta"], library="np"
    )
    good = [
        pt[(pt > 30) & (np.abs(eta) < 2.4)]
        for pt, eta in zip(raw["Jet_pt"], raw["Jet_eta"], strict=True)
    ]
    presel = np.array([len(j) >= 2 for j in good])
    sr = presel & (raw["MET_pt"] > 30)
    ht = np.array([j.astype(np.float64).sum() for j in good])
    assert (
        hists["selection/met"]["counts"]
        == np.histogram(raw["MET_pt"][presel], 40, (0, 400))[0].tolist()
    )
    assert hists["selection/HT"]["counts"] == np.histogram(ht[presel], 50, (0, 1000))[0].tolist()
    assert hists["SR/HT"]["counts"] == np.histogram(ht[sr], 50, (0, 1000))[0].tolist()
    regions = read_regions(out)
    assert regions is not None and regions.regions[0].selected.raw == int(sr.sum())
