"""ADL (CutLang) import of the real ADL4HEP files, export, and the round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHARED, shared_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selection_strategies import selection_lists

from pipeline.selection.adl import from_adl, to_adl
from pipeline.selection.adl_translate import translate
from pipeline.selection.diff import forms_equal
from pipeline.selection.expr import cut_expression, same_meaning
from pipeline.selection.models import SelectionList
from pipeline.selection.store import dumps_selection, load_selection, parse_selection
from pipeline.selection.validate import validate_selection

# file -> (objects, cuts, executable cuts, defines, constructs not represented)
EXPECTED = {
    "CMS-SUS-16-017/CMS-SUS-16-017_boost_CMSNANOAOD.adl": (21, 141, 140, 15, 1),
    "CMS-SUS-16-017/CMS-SUS-16-017_boost_CutLang.adl": (21, 150, 147, 18, 3),
    "CMS-SUS-16-032/CMS-SUS-16-032_CutLang.adl": (5, 77, 74, 5, 3),
    "CMS-SUS-16-032/CMS-SUS-16-032_Delphes.adl": (5, 79, 59, 5, 21),
    "CMS-SUS-16-035/CMS-SUS-16-035_CutLang.adl": (5, 22, 22, 2, 0),
    "CMS-SUS-16-035/CMS-SUS-16-035_Delphes.adl": (5, 20, 17, 2, 3),
    "CMS-SUS-16-037/CMS-SUS-16-037_CutLang.adl": (6, 36, 36, 3, 0),
    "CMS-SUS-16-037/CMS-SUS-16-037_Delphes.adl": (5, 32, 31, 3, 3),
    "CMS-SUS-16-042/CMS-SUS-16-042_CutLang.adl": (8, 91, 91, 4, 0),
    "CMS-SUS-16-042/CMS-SUS-16-042_Delphes.adl": (6, 86, 53, 2, 36),
    "CMS-SUS-16-043/CMS-SUS-16-043_CutLang.adl": (9, 35, 34, 2, 1),
    "CMS-SUS-16-043/CMS-SUS-16-043_Delphes.adl": (9, 33, 31, 1, 3),
    "CMS-SUS-16-046/CMS-SUS-16-046_CutLang.adl": (2, 14, 14, 2, 0),
    "CMS-SUS-16-046/CMS-SUS-16-046_Delphes.adl": (2, 14, 14, 2, 0),
    "CMS-SUS-16-047/CMS-SUS-16-047_CutLang.adl": (2, 13, 13, 1, 0),
    "CMS-SUS-16-047/CMS-SUS-16-047_Delphes.adl": (2, 13, 13, 1, 0),
}


def test_every_corpus_file_is_covered() -> None:
    corpus = shared_path("corpus", "adl")
    found = {str(p.relative_to(corpus)) for p in corpus.glob("*/*.adl")}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_import_real_adl(name: str) -> None:
    path = shared_path("corpus", "adl", *name.split("/"))
    sel, missing = from_adl(path.read_text(encoding="utf-8"), source=path.name)
    cuts = sel.all_cuts()
    stats = (
        len(sel.objects),
        len(cuts),
        sum(c.executable for c in cuts),
        len(sel.derived),
        len(missing),
    )
    assert stats == EXPECTED[name]
    assert [i for i in validate_selection(sel) if i.level == "error"] == []
    # what it imported survives the file format with full checking
    assert parse_selection(json.loads(dumps_selection(sel))) == sel
    assert sel.paper.id.startswith("arXiv:") and sel.producer == "adl"
    for cut in cuts:
        assert (
            cut.provenance is not None and cut.provenance.source == "adl" and cut.provenance.quote
        )
        if not cut.executable:  # kept as words, with the reason, never dropped
            assert (
                cut.text
                and cut.text.startswith("ADL: ")
                and cut.notes
                and "not represented" in cut.notes
            )


def test_corpus_totals() -> None:
    if not SHARED.joinpath("corpus", "adl").exists():
        pytest.skip("../shared/corpus/adl not available")
    totals = [sum(v[i] for v in EXPECTED.values()) for i in range(5)]
    assert totals == [113, 856, 789, 68, 74]


def test_known_constructs_of_a_real_file() -> None:
    path = shared_path("corpus", "adl", "CMS-SUS-16-043", "CMS-SUS-16-043_CutLang.adl")
    sel, missing = from_adl(path.read_text(encoding="utf-8"))
    assert sel.paper.id == "arXiv:1706.09933" and sel.analysis.luminosity_fb == 35.9
    muons = next(o for o in sel.objects if o.name == "muons")
    assert [cut_expression(c) for c in muons.cuts] == [
        "pt > 25",
        "abs(eta) < 2.1",
        "abs(d0) < 0.5",
        "abs(z0) < 1",
    ]
    assert muons.cuts[0].unit == "GeV" and muons.cuts[2].unit == "mm"
    leptons = next(o for o in sel.objects if o.name == "leptons")
    assert (leptons.kind, leptons.sources) == ("lepton", ["electrons", "muons"])
    assert [c.id for c in sel.selection][:2] == ["preselection_1", "preselection_2"]
    signal = sel.regions[0]
    assert signal.name == "signal" and signal.base is None
    assert cut_expression(signal.cuts[0]) == "(90 <= mass(nth(bjets, 0), nth(bjets, 1)) <= 150)"
    assert any("TauTag" in m for m in missing) and not any("bin" in m for m in missing)
    bins = [r for r in sel.regions if r.base == "signal"]  # 'bin MET 125 200' in region signal
    assert bins and all(r.name.startswith("signal_bin") and len(r.cuts) == 1 for r in bins)


@pytest.mark.parametrize(
    ("adl", "expected", "object_scope"),
    [
        ("pT(Muon) > 25", "pt > 25", True),
        ("|eta| ][ 1.442 1.556", "abs(eta) < 1.442 or abs(eta) > 1.556", True),
        ("pT(Muon) [] 5 25", "5 <= pt <= 25", True),
        ("{jets[0] }pT > 80", "nth(pt(jets), 0) > 80", False),
        ("jets.size >= 3 AND MET.pT > 250", "count(jets) >= 3 and met > 250", False),
        ("size(jets) > 2 ? jets[2].pT > 30", "not count(jets) > 2 or nth(pt(jets), 2) > 30", False),
        ("m(leptons[0] leptons[1]) > 8", "mass(nth(leptons, 0), nth(leptons, 1)) > 8", False),
        ("fHT(jets) > 500", "sum(pt(jets)) > 500", False),
        ("(HT / MET)^2 > 1", "(HT / met) ** 2 > 1", False),
        ("dphi(photons[0], MET) < 0.3", "delta_phi(nth(photons, 0), met_vec) < 0.3", False),
        (
            "dphi(photons[0], -MET) < 0.3",
            "3.141592653589793 - delta_phi(nth(photons, 0), met_vec) < 0.3",
            False,
        ),
        ("dR(Muon, jets) >= 0.4", "min_delta_r(jets) >= 0.4", True),
        (
            "min(dphi(jets[0:2], MET)) > 0.4",
            "min_of(delta_phi(first_n(jets, 3), met_vec)) > 0.4",
            False,
        ),
        ("min(MTj1, MTj2) > 250", "min(MTj1, MTj2) > 250", False),
        ("fMT(leptons[0], MET) < 100", "mt(nth(leptons, 0), met_vec) < 100", False),
        (
            "sqrt(fMTR(megajets, MET) / fMR(megajets)) > 0.3",
            "sqrt(razor_mtr(megajets, met_vec) / razor_mr(megajets)) > 0.3",
            False,
        ),
    ],
)
def test_translate(adl: str, expected: str, object_scope: bool) -> None:
    text = translate(adl, self_names=frozenset({"Muon"}), object_scope=object_scope)
    assert same_meaning(text, expected), text


def _assert_same(a: SelectionList, b: SelectionList) -> None:
    assert [(o.name, o.kind, o.sources) for o in a.objects] == [
        (o.name, o.kind, o.sources) for o in b.objects
    ]
    assert [c.id for c in a.all_cuts()] == [c.id for c in b.all_cuts()]
    for x, y in zip(a.all_cuts(), b.all_cuts(), strict=True):
        assert forms_equal(cut_expression(x), cut_expression(y)), (
            cut_expression(x),
            cut_expression(y),
        )
        assert (x.unit, x.scope, x.target) == (y.unit, y.scope, y.target)
    assert [(d.name, d.scope) for d in a.derived] == [(d.name, d.scope) for d in b.derived]
    assert all(same_meaning(d.expr, e.expr) for d, e in zip(a.derived, b.derived, strict=True))
    assert [(r.name, r.base) for r in a.regions] == [(r.name, r.base) for r in b.regions]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(selection_lists(ops=(">", ">=", "<", "<=", "==", "!=", "between", "outside")))
def test_selection_adl_selection_round_trip(sel: SelectionList) -> None:
    again, missing = from_adl(to_adl(sel), source="roundtrip")
    assert missing == []
    _assert_same(sel, again)


def test_hzz_export_keeps_what_adl_cannot_say_as_comments() -> None:
    sel = load_selection(
        Path(__file__).resolve().parents[1]
        / "papers"
        / "arXiv-1712.02304"
        / "selection.reviewed.json"
    )
    text = to_adl(sel)
    assert "object electrons\n  take Electron\n  select pt > 7  # id=el_pt unit=GeV" in text
    assert (
        "# not expressible in ADL (candidate-scope cut on quads): "
        "m34: m34 > interp(m4l, [140, 190], [12, 50])" in text
    )
    assert "select_best" in text and "best_quadruplet" in text
    again, missing = from_adl(text)
    assert missing == []
    assert [c.id for o in again.objects for c in o.cuts] == [
        c.id for o in sel.objects for c in o.cuts
    ]
    assert [c.id for c in again.selection] == ["trigger", "n_leptons"]  # quads is candidate-only


def test_empty_and_garbage_text() -> None:
    sel, missing = from_adl("this is not ADL at all\n\n# just words\n")
    assert sel.objects == [] and sel.selection == [] and missing == []


_LINES = [
    "object jets",
    "object 1bad",
    "object pt",
    "  take Jet",
    "  take jets",
    "  select pT > 3",
    "  select pt [] 1",
    "  select ? :",
    "region r",
    "region cutflow",
    "  r",
    "  select r",
    "define X = jets[0] + jets[1]",
    "define Y = m(X)",
    "  select Y > 3",
    "define = 3",
    "object",
    "  select |eta < 2",
    "  select ((",
    "  reject ALL",
    "  bin X 1 2",
    "object met",
    "  take MET",
    "  select MET > 5",
    "info analysis",
    "  lumi abc",
    "object leptons : Union(a, b)",
    "object z : jets",
    "define count = 5",
    "define jets = 3",
    "  select __import__('os')",
    "region r2",
    "  r2",
    "object q : z",
    "  select dR(j, jets) < 1",
    "  take Jet j",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_LINES), max_size=14))
def test_import_never_crashes_and_always_validates(lines: list[str]) -> None:
    sel, missing = from_adl("\n".join(lines))
    assert [i for i in validate_selection(sel) if i.level == "error"] == []
    assert all(isinstance(item, str) and item.startswith("line ") for item in missing)


def test_region_loops_and_bad_names_are_reported() -> None:
    sel, missing = from_adl(
        "object 1bad\n  take Jet\nregion a\n  b\nregion b\n  a\nregion c\n  c\ndefine pt = 3\n"
    )
    assert [(r.name, r.base) for r in sel.regions] == [("a", None), ("b", None), ("c", None)]
    text = "\n".join(missing)
    assert "refers to itself" in text and "loops back" in text
    assert "pt: clashes with a function" in text  # a field name; ht or megajets may be both
