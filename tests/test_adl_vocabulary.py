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
import uproot
from conftest import shared_path
from test_adl_nanoaod import NANOAOD, nanoaod_step_counts, run_compiled

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


# ---- CutLang's keyword synonyms and block structure (found by a review of its lexer) ----------


def test_keyword_synonyms_of_the_lexer_start_the_same_blocks_and_statements() -> None:
    """``obj``/``algorithm``/``algo`` are blocks and ``cmd``/``cut``/``command`` selections,
    ``using`` is ``take``, and ``Take``/``Histo`` are read in any case. Before, ``cut MET > 30``
    inside a region started a new region named MET (every later cut moved into it), ``obj`` and
    ``algorithm`` blocks were merged into the block before them."""
    text = (
        "object muons\n  take Muon\n  select pt(Muon) > 10\n"
        "obj jets\n  using Jet\n  select pT(Jet) > 30\n"
        "region base\n  select size(jets) >= 2\n  cmd MET > 20\n"
        "algorithm tight\n  base\n  cut MET > 30\n  command size(jets) >= 3\n"
        '  Histo h1, "MET", 10, 0, 200, MET\n'
    )
    sel, missing = from_adl(text)
    assert missing == []
    assert [o.name for o in sel.objects] == ["muons", "jets"]
    assert [cut_expression(c) for c in sel.objects[1].cuts] == ["pt > 30"]
    assert [cut_expression(c) for c in sel.selection] == ["count(jets) >= 2", "met > 20"]
    (tight,) = sel.regions
    assert tight.name == "tight"
    assert [cut_expression(c) for c in tight.cuts] == ["met > 30", "count(jets) >= 3"]
    assert [o.name for o in sel.observables] == ["met"]


def test_a_ternary_in_the_else_branch_is_kept() -> None:
    sel, missing = from_adl(
        HEAD + "region SR\n  select size(jets) == 2 ? MET > 100 : size(jets) == 3 ? MET > 150 "
        ": MET > 200\n"
    )
    assert missing == []
    assert same_meaning(
        cut_expression(sel.selection[0]),
        "(count(jets) == 2 and met > 100) or (not count(jets) == 2 and "
        "((count(jets) == 3 and met > 150) or (not count(jets) == 3 and met > 200)))",
    )


def test_a_histogram_of_an_expression_with_commas() -> None:
    sel, missing = from_adl(
        HEAD + 'region SR\n  select size(jets) >= 2\n  histo h2, "dR", 10, 0, 5, dR(jets[0], '
        "jets[1])\n"
    )
    assert missing == []
    (obs,) = sel.observables
    assert obs.histogram is not None and obs.histogram.bins == 10
    (derived,) = [d for d in sel.derived if d.name == "h2"]
    assert same_meaning(derived.expr, "delta_r(nth(jets, 0), nth(jets, 1))")


def test_words_of_the_lexer_for_triggers_counts_and_all() -> None:
    sel, missing = from_adl(
        HEAD + "region SR\n  select all\n  select TRGe == 1 OR TRGm == 1\n"
        "  select NumOf(jets) >= 2\n  select Count(muons) == 0\n"
    )
    assert missing == []
    assert [cut_expression(c) for c in sel.selection] == [
        "trig_e == 1 or trig_m == 1",
        "count(jets) >= 2",
        "count(muons) == 0",
    ]


def test_sorting_by_another_key_refuses_the_cuts_on_its_ith_object() -> None:
    """``sort pT(X) descend`` is the order every collection has; after ``sort m(jets) ascend``,
    ``jets[0]`` is another jet, and reading it as the leading jet would be a wrong cut."""
    sel, missing = from_adl(
        HEAD.replace("select pt(Jet) > 20\n", "select pt(Jet) > 20\n  sort pT(Jet) descend\n")
        + "region SR\n  select size(jets) >= 2\n  sort m(jets) ascend\n  select m(jets[0]) > 5\n"
        "  select MET > 50\n"
    )
    assert len(missing) == 2
    assert "[reordered collection]" in missing[0] and "sort 'm(jets) ascend'" in missing[0]
    assert "[reordered collection]" in missing[1] and "m(jets[0]) > 5" in missing[1]
    assert [c.executable for c in sel.selection] == [True, False, True]


def test_a_region_vetoing_another_region_is_a_named_gap() -> None:
    _, missing = from_adl(
        HEAD + "region presel\n  select size(jets) >= 2\nregion SR\n  reject presel\n"
        "  select MET > 50\n"
    )
    assert len(missing) == 1 and "[region used as a condition]" in missing[0]


@pytest.mark.parametrize(
    "line",
    [
        "select pT(jets) > 50",
        "select dPhi(jets, METLV[0]) > 0.5",
        "select dR(jets[0], muons) > 0.4",
    ],
)
def test_a_per_object_condition_as_an_event_cut_is_refused_not_run(line: str) -> None:
    """Such a cut gives one value per jet: before, it validated and the compiled run failed
    inside awkward ('cannot convert to RegularArray')."""
    sel, missing = from_adl(HEAD + f"region SR\n  {line}\n  select MET > 50\n")
    assert len(missing) == 1 and "[per-object condition in an event cut]" in missing[0]
    assert [c.executable for c in sel.selection] == [False, True]


def test_several_bases_in_one_chain_keep_the_deepest() -> None:
    sel, missing = from_adl(
        HEAD + "region a\n  select size(jets) >= 1\nregion b\n  a\n  select MET > 20\n"
        "region c\n  a\n  b\n  select MET > 40\n"
    )
    assert missing == []
    assert {r.name: r.base for r in sel.regions}["c"] == "b"


def test_delta_phi_of_jets_read_without_eta_runs(tmp_path: Path) -> None:
    """min(dPhi(jets, MET)) on jets no cut reads eta of: the runtime asked the jets for an eta
    the script had (rightly) not read, and failed."""
    text = (
        "object jets\n  take Jet\n  select pt(Jet) > 20\n"
        "region SR\n  select size(jets) >= 2\n  select min(dPhi(jets, METLV[0])) > 0.5\n"
    )
    sel, missing = from_adl(text)
    assert missing == []
    counts = nanoaod_step_counts(sel, tmp_path / "out")
    ev = open_dataset([shared_path(*NANOAOD)]).read_all()
    jets = ev.jets[ev.jets.pt > 20]
    dphi = abs((jets.phi - ev.met_phi + np.pi) % (2 * np.pi) - np.pi)
    keep = (ak.num(jets) >= 2) & (ak.fill_none(ak.min(dphi, axis=1), np.inf) > 0.5)
    assert counts["SR_2"] == int(ak.sum(keep)) > 0


def test_a_b_tag_decision_on_a_discriminator_is_said() -> None:
    """ADL's BTag(j) == 1 is the input's tag decision: imported as btagged (the data's working
    point), and the list says which point that is."""
    text = (
        HEAD + "object bjets\n  take jets\n  select BTag(jets) == 1\nregion SR\n  select MET > 50\n"
    )
    sel, missing = from_adl(text)
    assert missing == []
    (cut,) = [c for o in sel.objects if o.name == "bjets" for c in o.cuts]
    assert (cut.variable, cut.op, cut.value) == ("btagged", "==", 1)
    (note,) = [n for n in sel.notes if "b-tag as a decision" in n]
    assert "ADL lines 13" in note and "working point" in note
    plain, _ = from_adl(HEAD + "region SR\n  select MET > 50\n")
    assert not [n for n in plain.notes if "b-tag" in n]


def test_a_b_tag_decision_keeps_the_tagged_jets_of_the_data(tmp_path: Path) -> None:
    """On NanoAOD 'BTag(j) == 1' kept no jet (the canonical btag is a score). Now it keeps the
    jets at the working point of the tagger the file fills: on the shared 2015 file DeepJet
    holds placeholders, so CSVv2 at its medium point, counted here from the branch itself."""
    text = (
        HEAD + "object bjets\n  take jets\n  select BTag(jets) == 1\n"
        "region SR\n  select size(bjets) >= 1\n"
    )
    sel, missing = from_adl(text)
    assert missing == []
    counts = nanoaod_step_counts(sel, tmp_path / "out")
    raw = uproot.open(shared_path(*NANOAOD))["Events"].arrays(["Jet_pt", "Jet_btagCSVV2"])
    tagged = (raw.Jet_pt > 20) & (raw.Jet_btagCSVV2 >= 0.8484)
    assert counts["SR_1"] == int(ak.sum(ak.any(tagged, axis=1))) > 0
