"""Semantic validation: names in scope, targets, units; and the hand-written H->4l list."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import SelectionError
from pipeline.selection.expr import cut_expression, names_used, parse
from pipeline.selection.models import Cut, Derived, PaperRef, PhysicsObject, SelectionList
from pipeline.selection.store import load_selection, parse_selection
from pipeline.selection.validate import errors_only, validate_selection

ROOT = Path(__file__).resolve().parents[1]
HZZ = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"


def _sel(**parts: object) -> SelectionList:
    objects = [
        PhysicsObject(name="electrons", kind="electron"),
        PhysicsObject(name="muons", kind="muon"),
        PhysicsObject(name="leptons", kind="lepton", sources=["electrons", "muons"]),
    ]
    base: dict[str, object] = {
        "paper": PaperRef(id="x"),
        "objects": objects,
        "derived": [
            Derived(name="quads", expr="quadruplets(leptons)"),
            Derived(
                name="m12", expr="mass(z1(quads))", scope="candidate", target="quads", unit="GeV"
            ),
        ],
    }
    base.update(parts)
    return SelectionList(**base)  # type: ignore[arg-type]


def _errors(sel: SelectionList) -> list[str]:
    return [f"{i.path}: {i.message} | {i.hint}" for i in errors_only(validate_selection(sel))]


def test_valid_list_has_no_errors() -> None:
    sel = _sel(
        selection=[
            Cut(id="a", description="", expr="count(quads) >= 1"),
            Cut(
                id="b",
                description="",
                scope="candidate",
                target="quads",
                expr="50 < m12 < 106",
                unit="GeV",
            ),
        ]
    )
    assert _errors(sel) == []


def test_unknown_variable_with_suggestion() -> None:
    errors = _errors(_sel(selection=[Cut(id="a", description="", expr="count(leptns) >= 4")]))
    assert len(errors) == 1
    assert "$.selection[0].expr" in errors[0] and "'leptns'" in errors[0] and "leptons" in errors[0]


def test_object_field_unknown_in_object_scope() -> None:
    obj = PhysicsObject(
        name="electrons",
        kind="electron",
        cuts=[
            Cut(
                id="e1",
                description="",
                scope="object",
                target="electrons",
                variable="ptt",
                op=">",
                value=7,
                unit="GeV",
            )
        ],
    )
    errors = _errors(_sel(objects=[obj, *_sel().objects[1:]]))
    assert "$.objects[0].cuts[0].variable" in errors[0] and "did you mean pt" in errors[0]


def test_candidate_quantity_used_in_event_scope_explains_where_it_lives() -> None:
    errors = _errors(_sel(selection=[Cut(id="a", description="", expr="m12 > 50")]))
    assert "candidate-scope quantity of 'quads'" in errors[0]


def test_derived_may_only_use_names_defined_earlier() -> None:
    derived = [Derived(name="a", expr="b + 1"), Derived(name="b", expr="met * 2", unit="GeV")]
    errors = _errors(_sel(derived=derived))
    assert "$.derived[0].expr" in errors[0] and "'b'" in errors[0]


def test_bad_targets() -> None:
    errors = _errors(
        _sel(
            selection=[
                Cut(id="a", description="", scope="candidate", target="quadz", expr="m12 > 1"),
                Cut(id="b", description="", scope="object", target="jets", expr="pt > 1"),
            ]
        )
    )
    assert any("$.selection[0].target" in e and "quads" in e for e in errors)
    assert any("$.selection[1].target" in e and "not an object collection" in e for e in errors)


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (dict(variable="eta", abs=True, op="<", value=2.47, unit="GeV"), "dimensionless"),
        (dict(variable="pt", op=">", value=7, unit="mm"), "is energy"),
        (dict(expr="abs(eta) < 2.47", unit="GeV"), "uses no energy quantity"),
    ],
)
def test_unit_mistakes(cut: dict[str, object], message: str) -> None:
    obj = PhysicsObject(
        name="electrons",
        kind="electron",
        cuts=[Cut(id="e1", description="", scope="object", target="electrons", **cut)],
    )  # type: ignore[arg-type]
    errors = _errors(_sel(objects=[obj, *_sel().objects[1:]]))
    assert len(errors) == 1 and message in errors[0] and ".unit" in errors[0]


def test_collection_used_as_number() -> None:
    errors = _errors(_sel(selection=[Cut(id="a", description="", expr="leptons > 4")]))
    assert "collection of objects, not a number" in errors[0]


def test_unsafe_expression_in_a_file_is_an_error_with_position() -> None:
    errors = _errors(_sel(selection=[Cut(id="a", description="", expr="__import__('os')")]))
    assert "$.selection[0].expr" in errors[0] and "dunder" in errors[0]


def test_source_and_observable_and_region_base() -> None:
    from pipeline.selection.models import Region

    sel = _sel(
        objects=[PhysicsObject(name="leptons", kind="lepton", sources=["electrons"])],
        observable="m4l",
        regions=[Region(name="sr", base="cr")],
    )
    errors = _errors(sel)
    assert any("$.objects[0].sources" in e for e in errors)
    assert any("$.observable" in e for e in errors)
    assert any("$.regions[0].base" in e for e in errors)


def test_rejected_cuts_are_not_held_against_the_list() -> None:
    sel = _sel(selection=[Cut(id="a", description="", expr="nonsense > 1", status="rejected")])
    assert _errors(sel) == []
    assert not sel.selection[0].executable


def test_load_selection_raises_on_meaning(tmp_path: Path) -> None:
    data = {
        "paper": {"id": "x"},
        "selection": [{"id": "a", "description": "", "expr": "count(jets) > 1"}],
    }
    with pytest.raises(
        SelectionError, match=r"(?s)meaning.*\$\.selection\[0\]\.expr.*unknown name 'jets'"
    ):
        parse_selection(data)
    assert parse_selection(data, check=False).selection[0].id == "a"


# --- the hand-written ATLAS H->ZZ*->4l selection ---------------------------------------

OBJECT_IDS = {
    "electrons": ["el_pt", "el_eta", "el_id", "el_z0"],
    "muons": ["mu_pt", "mu_eta", "mu_id", "mu_z0", "mu_d0"],
    "leptons": [],
    "jets": ["jet_pt", "jet_eta"],
}
CUTFLOW = [
    "trigger",
    "n_leptons",
    "quadruplet",
    "lepton_pt",
    "muon_types",
    "m12",
    "m34",
    "delta_r",
    "jpsi_veto",
    "track_isolation",
    "calo_isolation",
    "impact_parameter",
    "vertex",
    "best_quadruplet",
    "mass_window",
]


@pytest.fixture(scope="module")
def hzz() -> SelectionList:
    return load_selection(HZZ)


def test_hzz_validates_without_warnings(hzz: SelectionList) -> None:
    assert validate_selection(hzz) == []


def test_hzz_ids_and_order(hzz: SelectionList) -> None:
    assert {o.name: [c.id for c in o.cuts] for o in hzz.objects} == OBJECT_IDS
    assert [c.id for c in hzz.selection] == CUTFLOW
    leptons = next(o for o in hzz.objects if o.name == "leptons")
    assert (leptons.kind, leptons.sources) == ("lepton", ["electrons", "muons"])
    assert [(d.name, d.scope, d.target) for d in hzz.derived] == [
        ("quads", "event", None),
        ("m12", "candidate", "quads"),
        ("m34", "candidate", "quads"),
        ("m4l", "candidate", "quads"),
        ("quad_leptons", "candidate", "quads"),
    ]
    assert hzz.observable == "m4l"


def test_hzz_key_steps(hzz: SelectionList) -> None:
    cuts = {c.id: c for c in hzz.all_cuts()}
    assert "interp(m4l, [140, 190], [12, 50])" in cut_expression(cuts["m34"])
    assert cut_expression(cuts["mass_window"]) == "118 < m4l < 129"
    assert cuts["best_quadruplet"].kind == "select_best"
    assert cut_expression(cuts["best_quadruplet"]) == "(abs(m12 - 91.1876), abs(m34 - 91.1876))"
    assert "vertex_chi2_ndof" in names_used(parse(cut_expression(cuts["vertex"])))
    assert cuts["track_isolation"].scope == "candidate" and "quad_leptons" in cut_expression(
        cuts["track_isolation"]
    )
    assert cut_expression(cuts["el_eta"]) == "abs(eta) < 2.47"
    assert cut_expression(cuts["trigger"]) == "trig_e or trig_m or trig_ee or trig_mm or trig_em"


def test_hzz_provenance_quotes_come_from_the_facts_file(hzz: SelectionList) -> None:
    from conftest import shared_path

    facts = shared_path("facts", "hzz4l-paper-selection.md").read_text(encoding="utf-8")
    for cut in hzz.all_cuts():
        assert cut.status == "reviewed" and cut.provenance is not None
        assert cut.provenance.source == "hand" and cut.provenance.document == "arXiv:1712.02304"
        assert " ".join(cut.provenance.quote.split()) in " ".join(facts.split()), cut.id
    affected = {ref for a in hzz.assumptions for ref in a.affects}
    assert {
        "el_id",
        "mu_id",
        "track_isolation",
        "calo_isolation",
        "vertex",
        "muon_types",
    } <= affected
