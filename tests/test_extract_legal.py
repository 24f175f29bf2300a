"""Lists stage one writes always validate (pipeline.extract.legal): what cannot be expressed goes to
``unresolved`` with its quote and the reason, on synthetic lists and on every paper under
../shared."""

from __future__ import annotations

import pytest

from pipeline.extract.legal import legalize
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, Provenance, SelectionList
from pipeline.selection.validate import errors_only, validate_selection
from tests.conftest import SHARED, shared_path


def _cut(cut_id: str, quote: str, **form: object) -> Cut:
    return Cut.model_validate(
        {
            "id": cut_id,
            "description": cut_id,
            **form,
            "provenance": Provenance(source="paper", document="t", quote=quote, page=4),
        }
    )


def test_an_unknown_variable_goes_to_unresolved_with_quote_and_reason() -> None:
    quote = "Electrons with \u0394R(e, jet) < 0.4 to any remaining jets are removed."
    sel = SelectionList(
        paper=PaperRef(id="t"),
        objects=[
            PhysicsObject(
                name="jets",
                kind="jet",
                cuts=[
                    _cut(
                        "jets_pt",
                        "Jets with pT > 25 GeV.",
                        scope="object",
                        target="jets",
                        variable="pt",
                        op=">",
                        value=25,
                    ),
                    _cut(
                        "jets_dr",
                        quote,
                        scope="object",
                        target="jets",
                        variable="dr",
                        op="<",
                        value=0.4,
                    ),
                ],
            )
        ],
        selection=[_cut("event_wt", "m^W_T > 30 GeV", variable="wt", op=">", value=30)],
    )
    legal = legalize(sel)
    assert errors_only(validate_selection(legal)) == []
    assert [c.id for c in legal.all_cuts()] == ["jets_pt"]
    moved = {u.id: u for u in legal.unresolved}
    assert set(moved) == {"jets_dr", "event_wt"}
    assert quote in moved["jets_dr"].description and "page 4" in moved["jets_dr"].description
    assert "unknown name 'dr'" in moved["jets_dr"].reason


def test_a_lepton_count_gets_the_union_of_both_flavours() -> None:
    sel = SelectionList(
        paper=PaperRef(id="t"),
        objects=[
            PhysicsObject(
                name="electrons",
                kind="electron",
                cuts=[
                    _cut(
                        "e_pt",
                        "Electrons with pT > 25 GeV.",
                        scope="object",
                        target="electrons",
                        variable="pt",
                        op=">",
                        value=25,
                    )
                ],
            ),
            PhysicsObject(name="muons", kind="muon"),
        ],
        selection=[_cut("n", "exactly one electron or muon", expr="count(leptons) == 1")],
    )
    legal = legalize(sel)
    assert errors_only(validate_selection(legal)) == []
    leptons = next(o for o in legal.objects if o.name == "leptons")
    assert leptons.sources == ["electrons", "muons"] and [c.id for c in legal.all_cuts()] == [
        "e_pt",
        "n",
    ]


def test_a_valid_list_is_unchanged() -> None:
    sel = SelectionList(
        paper=PaperRef(id="t"),
        selection=[_cut("met", "MET > 30 GeV", variable="met", op=">", value=30)],
    )
    assert legalize(sel) == sel


def _shared_pdfs() -> list[str]:
    corpus = SHARED / "corpus"
    return sorted(
        str(p.relative_to(corpus))
        for p in [*corpus.glob("papers/*.pdf"), *corpus.glob("adl/*/*.pdf")]
    )


@pytest.mark.parametrize("pdf", _shared_pdfs() or ["missing"])
def test_every_shared_paper_extracts_to_a_valid_list(pdf: str) -> None:
    from pipeline.extract import extract_selection
    from pipeline.parse import parse_document

    sel = extract_selection(
        parse_document(shared_path("corpus") / pdf), backend="rules", cited_depth=0
    )
    assert errors_only(validate_selection(sel)) == []
    assert all(u.reason for u in sel.unresolved)
