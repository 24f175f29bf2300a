"""Phrasing rules of the rule-based extractor (pipeline/extract/phrasings.py, phrase_cuts.py):
each on synthetic sentences, and on the real sentence of the Isa H->4l report."""

from __future__ import annotations

import re

import pytest

from pipeline.extract.api import extract_rules
from pipeline.extract.patterns import prepare
from pipeline.extract.phrasings import (
    chosen_then_cut,
    flavour_delta_r,
    sliding_threshold,
    working_points,
)
from pipeline.extract.rules import _findings_in
from pipeline.parse.document import Document
from pipeline.selection.models import SelectionList
from pipeline.selection.validate import errors_only, validate_selection
from tests.conftest import shared_path
from tests.fakes.simple_pdf import load_pdf


@pytest.fixture(scope="module")
def isa() -> tuple[Document, SelectionList]:
    doc = load_pdf(shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf"))
    return doc, extract_rules(doc)


def real_sentence(doc: Document, needle: str) -> str:
    """The report's sentence holding ``needle`` (whitespace folded), as the extractor sees it."""
    from pipeline.extract.rules import sentences
    from pipeline.extract.text import squash

    hits = [
        squash(doc.text[a:b]) for a, b in sentences(doc.text) if needle in squash(doc.text[a:b])
    ]
    assert hits, f"{needle!r} not in the report"
    return hits[0]


# --- flavour-dependent Delta R -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Leptons are required to be separated by \u0394R > 0.1 for same-flavour pairs and "
            "\u0394R > 0.2 for different-flavour pairs.",
            ("leptons", 0.1, 0.2),
        ),
        (
            "All lepton pairs must satisfy Delta R > 0.3 for opposite-flavor pairs and > 0.05 for "
            "same-flavor pairs.",
            ("leptons", 0.05, 0.3),
        ),
        (
            "Muons must be separated by \u0394R > 0.02 for same-flavour and \u0394R > 0.1 for "
            "different-flavour pairs.",
            ("muons", 0.02, 0.1),
        ),
    ],
)
def test_flavour_delta_r_synthetic(sentence: str, expected: tuple[str, float, float]) -> None:
    found = flavour_delta_r(prepare(sentence), sentence)
    assert found is not None and (found.collection, found.same, found.different) == expected
    collection = expected[0]
    assert found.expr() == (
        f"all(delta_r(pairs({collection})) > where(same_flavour(pairs({collection})), "
        f"{expected[1]:g}, {expected[2]:g}))"
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Jets within \u0394R < 0.4 of a lepton are removed.",
        "Leptons must be separated by \u0394R > 0.1 from each other.",
        "Jets must be separated by \u0394R > 0.1 for same-flavour pairs and \u0394R > 0.2 for "
        "different-flavour pairs.",
        "Leptons must satisfy \u0394R > 0.1 for same-flavour pairs and \u0394R > 0.2 for "
        "same-flavour triplets.",
    ],
)
def test_flavour_delta_r_needs_both_flavours_of_leptons(sentence: str) -> None:
    assert flavour_delta_r(prepare(sentence), sentence) is None


def test_flavour_delta_r_real_sentence(isa: tuple[Document, SelectionList]) -> None:
    doc, sel = isa
    sentence = real_sentence(doc, "for same-flavor pairs")
    found = flavour_delta_r(prepare(sentence), sentence)
    assert found is not None and (found.same, found.different) == (0.1, 0.2)
    cut = next(c for c in sel.selection if c.id == "leptons_dr_flavour")
    assert (
        cut.expr == "all(delta_r(pairs(leptons)) > where(same_flavour(pairs(leptons)), 0.1, 0.2))"
    )
    assert cut.status == "verified"
    # the object-level 'dr > 0.2' read from the same sentence is replaced, not kept beside it
    assert not any(c.variable == "dr" for c in sel.all_cuts())
    # the cutflow follows the text: after the pT thresholds, before the Z candidates
    ids = [c.id for c in sel.selection]
    assert ids.index("leptons_pt_3") < ids.index("leptons_dr_flavour") < ids.index("event_m12")


# --- identification working points ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Electrons are required to pass the medium identification working point.",
            ("electron", "id_medium"),
        ),
        ("Selected muons must satisfy the 'tight' ID criteria.", ("muon", "id_tight")),
        (
            "Photons are required to have pT > 185 GeV and pass loose identification and "
            "isolation criteria.",
            ("photon", "id_loose"),
        ),
    ],
)
def test_working_points_synthetic(sentence: str, expected: tuple[str, str]) -> None:
    found = working_points(prepare(sentence), sentence)
    assert [(f.object, f.variable, f.op, f.value) for f in found] == [(*expected, "==", 1.0)]


@pytest.mark.parametrize(
    "sentence",
    [
        "lep isTightID Boolean flag indicating whether the lepton passes the tight identification "
        "criteria.",
        "The data are recorded using a trigger requiring one photon that passes very loose "
        "identification criteria.",
        "Scale factors correct the tight identification efficiency of the selected electrons.",
        "Jets are selected with the tight identification criteria.",
        "The tight identification of electrons is described in Ref. [4].",
    ],
)
def test_working_points_not_a_cut(sentence: str) -> None:
    assert working_points(prepare(sentence), sentence) == []


def test_working_point_real_sentence(isa: tuple[Document, SelectionList]) -> None:
    doc, sel = isa
    sentence = real_sentence(doc, "identification criteria [15] are selected")
    assert [(f.object, f.variable) for f in working_points(prepare(sentence), sentence)] == [
        ("lepton", "id_tight")
    ]
    leptons = next(o for o in sel.objects if o.name == "leptons")
    cut = next(c for c in leptons.cuts if c.variable == "id_tight")
    assert (cut.op, cut.value, cut.status) == ("==", 1.0, "verified")
    # the branch table ('flag indicating whether ...') and the summary restate it: one cut
    assert sum(c.variable == "id_tight" for c in sel.all_cuts()) == 1


# --- an impact parameter named in words, then the paper's own symbol ------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Muons are required to have a small transverse impact parameter z_d < 1mm.",
            ("muon", "d0", "<", 1.0, "mm"),
        ),
        (
            "Electrons must have a transverse impact parameter d_{xy} < 0.5 mm.",
            ("electron", "d0", "<", 0.5, "mm"),
        ),
        (
            "Leptons must have a longitudinal impact parameter z_L < 2 mm.",
            ("lepton", "z0", "<", 2.0, "mm"),
        ),
    ],
)
def test_named_impact_parameter_with_symbol(sentence: str, expected: tuple[object, ...]) -> None:
    found = _findings_in(prepare(sentence), sentence, None)
    assert {(f.object, f.variable, f.op, f.value, f.unit) for f in found} == {expected}
    assert all(f.abs for f in found)


def test_muon_d0_real_sentence(isa: tuple[Document, SelectionList]) -> None:
    doc, sel = isa
    sentence = real_sentence(doc, "transverse impact parameter")
    assert {
        (f.object, f.variable, f.value) for f in _findings_in(prepare(sentence), sentence, None)
    } == {("muon", "d0", 1.0)}
    muons = next(o for o in sel.objects if o.name == "muons")
    cut = next(c for c in muons.cuts if c.variable == "d0")
    assert (cut.op, cut.value, cut.abs, cut.unit, cut.status) == ("<", 1.0, True, "mm", "verified")


# --- thresholds interpolated in m4l --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expr"),
    [
        (
            "The subleading pair must satisfy m_thr < m_34 < 115 GeV, where m_thr increases "
            "linearly from 12 GeV at m_4l = 140 GeV to 50 GeV at m_4l = 190 GeV.",
            "interp(m4l, [140, 190], [12, 50]) < m34 < 115",
        ),
        (
            "We require m_low < m_{34} < 120 GeV, where m_low varies from 50 GeV at m_{4l} = 190 "
            "GeV to 12 GeV at m_{4l} = 140 GeV.",
            "interp(m4l, [140, 190], [12, 50]) < m34 < 120",
        ),
    ],
)
def test_sliding_threshold_synthetic(sentence: str, expr: str) -> None:
    found = sliding_threshold(prepare(sentence), sentence)
    assert found is not None and found.expr() == expr


@pytest.mark.parametrize(
    "sentence",
    [
        "The remaining pair must satisfy m_min < m_34 < 115 GeV, where m_min depends on m_4l.",
        "The remaining pair must satisfy m_min < m_34 < 115 GeV, where m_min varies from 12 GeV "
        "at m_4l = 140 GeV to 50 GeV at m_4l = 140 GeV.",
    ],
)
def test_sliding_threshold_needs_two_stated_points(sentence: str) -> None:
    assert sliding_threshold(prepare(sentence), sentence) is None


def test_sliding_threshold_real_sentence(isa: tuple[Document, SelectionList]) -> None:
    doc, sel = isa
    sentence = real_sentence(doc, "varies monotonically")
    found = sliding_threshold(prepare(sentence), sentence)
    assert found is not None and found.expr() == "interp(m4l, [120, 190], [17.5, 50]) < m34 < 115"
    cut = next(c for c in sel.selection if c.id == "event_m34")
    assert (cut.expr, cut.scope, cut.target, cut.status) == (
        found.expr(),
        "candidate",
        "quads",
        "verified",
    )
    assert {d.name: d.expr for d in sel.derived}["m4l"] == "mass(quads)"
    # the curve between and beyond the two points is not stated: an open assumption, not a fact
    assumption = next(a for a in sel.assumptions if a.id == "event_m34_interpolation")
    assert assumption.status == "open" and assumption.affects == ["event_m34"]
    assert re.search(r"linear between them and constant beyond", assumption.choice)


def test_report_list_is_valid(isa: tuple[Document, SelectionList]) -> None:
    _, sel = isa
    assert errors_only(validate_selection(sel)) == []


# --- the pair closest to the Z mass is chosen, then cut on ----------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The lepton pair whose invariant mass (m_12) is closest to the Z boson mass must "
            "satisfy 50 < m_12 < 106 GeV.",
            "m12",
        ),
        (
            "The dilepton pair whose mass m_Z1 is closest to the Z pole mass has to lie in 60 < "
            "m_Z1 < 120 GeV.",
            "mZ1",
        ),
        (
            "The leading pair is defined as the SFOS pair with the mass m_12 closest to the Z "
            "boson mass.",
            None,
        ),
        (
            "In each quadruplet, the pair whose mass is closest to the Z mass is called the "
            "leading pair.",
            None,
        ),
    ],
)
def test_chosen_then_cut_synthetic(sentence: str, expected: str | None) -> None:
    assert chosen_then_cut(prepare(sentence)) == expected


def test_chosen_then_cut_real_sentence(isa: tuple[Document, SelectionList]) -> None:
    doc, sel = isa
    sentence = real_sentence(doc, "closest to the Z boson mass")
    assert chosen_then_cut(prepare(sentence)) == "m12"
    ids = [c.id for c in sel.selection]
    best = next(c for c in sel.selection if c.id == "quads_best_m12")
    assert (best.kind, best.scope, best.target, best.expr, best.status) == (
        "select_best",
        "candidate",
        "quads",
        "abs(m12 - 91.1876)",
        "verified",
    )
    assert ids.index("quads_best_m12") == ids.index("event_m12") - 1
