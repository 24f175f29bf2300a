"""Overlap removal and object separation as a phrasing class (issue 17).

"X within Delta R < v of a Y are removed / not considered", "not considering X that lie within a
cone of radius v around a Y", "X are required to have Delta R > v to the nearest Y", "X separated
from Y by Delta R > v", "Delta R(x, y) > v" are the object cut ``min_delta_r(<Y>) > v`` on X's
collection (the kept objects are the far ones). Isolation cones and the jet algorithm's distance
parameter stay no cut. Tested on synthetic sentences of each variant, on four papers of ../shared,
for the order of collections (a cycle of mutual removal leaves one cut in ``unresolved``), for the
support check (also of model output) and for the scorer's key.
"""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.audit.matching import cut_key, parse_adl
from pipeline.extract import extract_selection, patterns
from pipeline.extract.legal import MUTUAL, legalize
from pipeline.extract.separations import separations
from pipeline.parse.document import Document
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, SelectionList
from pipeline.selection.validate import errors_only, validate_selection
from tests.conftest import shared_path
from tests.test_extract_support_classes import _checked, _extracted, _reason

# (variant, sentence, collection cut, expression)
SEPARATIONS = [
    (
        "within Delta R = v of ... are removed",
        "Any jets within ΔR = 0.4 of the lepton are removed from the list of considered jets.",
        "jets",
        "min_delta_r(leptons) > 0.4",
    ),
    (
        "within Delta R < v of ... are discarded",
        "Jets within ΔR < 0.4 of a photon are discarded.",
        "jets",
        "min_delta_r(photons) >= 0.4",
    ),
    (
        "not considering ... within a cone of radius v around",
        "Double counting is avoided by not considering jets that lie within a cone of radius 0.3 "
        "around a selected muon.",
        "jets",
        "min_delta_r(muons) > 0.3",
    ),
    (
        "within a cone of radius R = v of ... are not considered",
        "Jets that lie within a cone of radius R = 0.4 of an electron are not considered.",
        "jets",
        "min_delta_r(electrons) > 0.4",
    ),
    (
        "required to have Delta R > v to the nearest",
        "The photons are required to have an angular distance of ΔR > 0.5 to the nearest jet.",
        "photons",
        "min_delta_r(jets) > 0.5",
    ),
    (
        "separated from ... by Delta R > v",
        "Jets must be separated from any identified electrons by ΔR > 0.35.",
        "jets",
        "min_delta_r(electrons) > 0.35",
    ),
    (
        "Delta R(x, y) > v",
        "Jets are required to satisfy ΔR(jet, γ) > 0.3.",
        "jets",
        "min_delta_r(photons) > 0.3",
    ),
    (
        "Delta R(x, y) < v ... are removed",
        "Muons with ΔR(μ, jet) < 0.4 to the nearest jet are removed.",
        "muons",
        "min_delta_r(jets) >= 0.4",
    ),
]

# (variant, sentence): no separation, no cut
NOT_SEPARATIONS = [
    (
        "isolation cone",
        "The isolation is the scalar pT sum of all particles within a cone of ΔR = 0.3 around "
        "the lepton.",
    ),
    (
        "isolation cone of radius around the lepton",
        "Muon isolation sums the pT of tracks within a cone of radius 0.4 around the muon.",
    ),
    (
        "jet algorithm",
        "Jets are clustered with the anti-kT algorithm with a distance parameter of 0.4.",
    ),
    (
        "jet radius",
        "Jets are reconstructed using the anti-k_t algorithm with radius parameter R = 0.4.",
    ),
    (
        "a condition of another quantity",
        "If a jet is found within ΔR < 0.4 from the leading photon, the jet pT is not included in "
        "the calculation of H_T.",
    ),
    ("no second collection", "Leptons are required to be separated by ΔR > 0.1."),
]


def _cuts(sel: SelectionList, target: str) -> list[Cut]:
    return [c for o in sel.objects if o.name == target for c in o.cuts]


@pytest.mark.parametrize(
    ("name", "sentence", "target", "expr"), SEPARATIONS, ids=[c[0] for c in SEPARATIONS]
)
def test_a_separation_is_a_min_delta_r_cut(
    name: str, sentence: str, target: str, expr: str
) -> None:
    sel = _extracted(sentence)
    cuts = _cuts(sel, target)
    assert [c.expr for c in cuts] == [expr], (cuts, sel.unresolved)
    assert cuts[0].status == "verified", _reason(cuts[0])
    assert not errors_only(validate_selection(sel))
    names = [o.name for o in sel.objects]
    other = expr.split("(")[1].split(")")[0]
    assert names.index(other) < names.index(target)  # the partner is defined first


@pytest.mark.parametrize(("name", "sentence"), NOT_SEPARATIONS, ids=[c[0] for c in NOT_SEPARATIONS])
def test_isolation_cones_and_jet_radii_are_no_cut(name: str, sentence: str) -> None:
    assert separations(patterns.prepare(sentence)) == []
    sel = _extracted(sentence)
    assert not [c for c in sel.all_cuts() if c.expr and "delta_r" in c.expr]


def test_a_partner_not_named_keeps_the_cut_unresolved() -> None:
    sel = _extracted("Jets within ΔR < 0.4 are removed.")
    assert not [c for c in sel.all_cuts() if c.expr and "delta_r" in c.expr]
    assert not errors_only(validate_selection(sel))


# ---- support check: the quote must be overlap removal of X from Y at v ----

RADIUS = "Jets are clustered with the anti-kT algorithm with R = 0.4."
ISOLATION = (
    "The isolation is the pT sum of all particles within a cone of ΔR = 0.4 around the lepton."
)
REMOVAL = "Jets that lie within a cone of radius R = 0.4 of a lepton are not considered."


def test_the_support_check_verifies_overlap_removal() -> None:
    cut = _checked(REMOVAL, {"expr": "min_delta_r(leptons) > 0.4"}, "jets")
    assert cut.status == "verified", _reason(cut)


@pytest.mark.parametrize(
    ("quote", "words"),
    [(RADIUS, "jet clustering algorithm"), (ISOLATION, "isolation cone")],
    ids=["jet radius", "isolation cone"],
)
def test_a_model_cut_from_a_radius_or_an_isolation_cone_is_unverified(
    quote: str, words: str
) -> None:
    cut = _checked(quote, {"expr": "min_delta_r(leptons) > 0.4"}, "jets")
    assert cut.status == "unverified" and words in _reason(cut), _reason(cut)


@pytest.mark.parametrize(
    ("form", "target", "words"),
    [
        ({"expr": "min_delta_r(leptons) < 0.4"}, "jets", "polarity"),
        ({"expr": "min_delta_r(photons) > 0.4"}, "jets", "not jets from photons"),
        ({"expr": "min_delta_r(jets) > 0.4"}, "leptons", "not leptons from jets"),
        ({"expr": "min_delta_r(leptons) > 0.5"}, "jets", "do not appear"),
    ],
    ids=["kept side", "other partner", "other object", "other value"],
)
def test_the_support_check_wants_object_partner_value_and_side(
    form: dict[str, str],
    target: str,
    words: str,
) -> None:
    cut = _checked(REMOVAL, form, target)
    assert cut.status == "unverified" and words in _reason(cut), _reason(cut)


def test_not_a_cut_readings_leave_the_cutflow() -> None:
    cut = _checked(RADIUS, {"expr": "min_delta_r(leptons) > 0.4"}, "jets")
    sel = SelectionList(
        paper=PaperRef(id="test"),
        objects=[
            PhysicsObject(name="electrons", kind="electron"),
            PhysicsObject(name="muons", kind="muon"),
            PhysicsObject(name="leptons", kind="lepton", sources=["electrons", "muons"]),
            PhysicsObject(name="jets", kind="jet", cuts=[cut]),
        ],
    )
    legal = legalize(sel)
    assert not legal.all_cuts() and "not a cut" in legal.unresolved[0].reason


# ---- order of collections and mutual removal ----


def _object_cut(cut_id: str, target: str, expr: str) -> Cut:
    return Cut.model_validate(
        {"id": cut_id, "description": cut_id, "scope": "object", "target": target, "expr": expr}
    )


def test_collections_come_after_those_their_cuts_name() -> None:
    sel = SelectionList(
        paper=PaperRef(id="test"),
        objects=[
            PhysicsObject(
                name="jets",
                kind="jet",
                cuts=[_object_cut("j", "jets", "min_delta_r(photons) > 0.4")],
            ),
            PhysicsObject(
                name="photons", kind="photon", cuts=[_object_cut("p", "photons", "pt > 20")]
            ),
        ],
    )
    legal = legalize(sel)
    assert [o.name for o in legal.objects] == ["photons", "jets"]
    assert [c.id for c in legal.all_cuts()] == ["p", "j"] and not legal.unresolved


def test_mutual_removal_leaves_the_later_cut_unresolved() -> None:
    sel = SelectionList(
        paper=PaperRef(id="test"),
        objects=[
            PhysicsObject(
                name="electrons",
                kind="electron",
                cuts=[_object_cut("e", "electrons", "min_delta_r(jets) >= 0.4")],
            ),
            PhysicsObject(
                name="jets",
                kind="jet",
                cuts=[_object_cut("j", "jets", "min_delta_r(electrons) >= 0.2")],
            ),
        ],
    )
    legal = legalize(sel)
    assert not errors_only(validate_selection(legal))
    assert [c.id for c in legal.all_cuts()] == ["e"]  # no text positions: list order decides
    assert legal.unresolved[0].id == "j"
    assert "mutual overlap removal" in legal.unresolved[0].reason
    assert MUTUAL.split(" - ")[0] in legal.unresolved[0].reason


# ---- scorer ----


def test_the_scorer_keys_a_min_delta_r_cut_as_the_adl_select() -> None:
    cut = _object_cut("j", "jets", "min_delta_r(leptons) > 0.4")
    key = cut_key(cut, {"jets": "jet", "leptons": "lepton"})
    assert key == ("jet", "dr", "lower", (0.4,))
    adl = "object jets\n  take Jet\n  select dR(Jet, leptons) > 0.4\n"
    assert parse_adl(adl) == {key}
    assert parse_adl("object photons\n  take Photon\n  select dR(Photon, jets) > 0.5\n") == {
        ("photon", "dr", "lower", (0.5,))
    }


# ---- papers of ../shared ----


@cache
def _paper(*parts: str) -> tuple[Document, SelectionList]:
    from pipeline.parse import parse_document

    doc = parse_document(shared_path("corpus", *parts))
    return doc, extract_selection(doc, backend="rules", cited_depth=0)


ON_PAPERS = [
    (
        ("adl", "CMS-SUS-16-042", "1709.09814.pdf"),
        "jets",
        "min_delta_r(leptons) > 0.4",
        "cone of radius",
    ),
    (
        ("adl", "CMS-SUS-16-043", "1706.09933.pdf"),
        "jets",
        "min_delta_r(leptons) > 0.4",
        "ΔR = 0.4 of the lepton",
    ),
    (
        ("adl", "CMS-SUS-16-046", "1711.08008.pdf"),
        "photons",
        "min_delta_r(jets) > 0.5",
        "nearest jet",
    ),
    (("papers", "arXiv-1312.1956.pdf"), "muons", "min_delta_r(jets) >= 0.4", "ΔR(μ, jet) < 0.4"),
]


@pytest.mark.parametrize(
    ("parts", "target", "expr", "words"), ON_PAPERS, ids=[p[0][-1] for p in ON_PAPERS]
)
def test_overlap_removal_of_real_papers(
    parts: tuple[str, ...], target: str, expr: str, words: str
) -> None:
    _, sel = _paper(*parts)
    cuts = [c for c in _cuts(sel, target) if c.expr == expr]
    assert cuts, [c.expr for c in sel.all_cuts()]
    assert cuts[0].status == "verified", _reason(cuts[0])
    assert cuts[0].provenance is not None and words in (cuts[0].provenance.quote or "")
    assert not errors_only(validate_selection(sel))


def test_sequential_removal_of_1312_1956_keeps_the_first_step() -> None:
    """Jets near an electron removed (Delta R < 0.2), then electrons near the remaining jets
    (< 0.4): the jet cut is kept, the electron cut is unresolved as mutual overlap removal."""
    _, sel = _paper("papers", "arXiv-1312.1956.pdf")
    assert [c.expr for c in _cuts(sel, "jets") if "delta_r" in (c.expr or "")] == [
        "min_delta_r(electrons) >= 0.2"
    ]
    assert not [c for c in _cuts(sel, "electrons") if "delta_r" in (c.expr or "")]
    mutual = [u for u in sel.unresolved if "mutual overlap removal" in u.reason]
    assert len(mutual) == 1 and "min_delta_r(jets) >= 0.4" in mutual[0].description
