"""Ranked thresholds as a phrasing class (issue 17): "leading lepton pT > 20, subleading > 15".

A sentence that binds its values to pT-ordered objects - an ordinal subscript (p_T,l1, p_{T,l2},
p_T^{l1}, p^{j1}_T, p_T(j_1)), a ranked subject before the value ("the leading (subleading)
lepton", "the two leading jets", "the leading one", "the highest-pT jet"), a ranked phrase after it
("for the leading and subleading leptons, respectively") or a continued list ("subleading > 15 GeV,
third > 10 GeV", "l2 > 15") - states cuts on the n-th object, not on every object. The support
check (the same for rules and model output) marks a cut on every object read from such a clause
unverified, and a cut on the wrong rank too; the correctly ranked cut stays verified. Tested on
synthetic sentences and on real papers of ../shared.
"""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.extract.grounding import ground_selection
from pipeline.extract.support import check_support
from pipeline.parse.document import Document
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, Provenance, SelectionList
from tests.conftest import shared_path
from tests.test_extract_support_classes import _checked, _reason


def _flat(target: str, value: float) -> tuple[str, dict]:  # type: ignore[type-arg]
    return target, {"variable": "pt", "op": ">", "value": value}


def _nth(target: str, rank: int, value: float) -> tuple[None, dict]:  # type: ignore[type-arg]
    return None, {"expr": f"nth(sort_desc(pt({target})), {rank}) > {value:g}"}


# (class, sentence, [(rank, value) the sentence states], collection)
RANKED = [
    ("subscript", "Events are required to satisfy p_T,l1 > 20 GeV, p_T,l2 > 15 GeV.", "leptons"),
    ("subscript list", "Events must satisfy p_T,l1 > 20, l2 > 15, l3 > 10 GeV.", "leptons"),
    ("braced subscript", "We require p_{T,l1} > 25 GeV and p_{T,l2} > 20 GeV.", "leptons"),
    ("superscript", "We require p_T^{\u2113_1} > 25 GeV and p_T^{\u2113_2} > 20 GeV.", "leptons"),
    ("argument", "The jets must satisfy p_T(j_1) > 100 GeV and p_T(j_2) > 50 GeV.", "jets"),
    ("bracketed rank", "The leading (subleading) lepton must have p_T > 25 (20) GeV.", "leptons"),
    (
        "respectively",
        "The leading and subleading leptons must have p_T > 25 and 20 GeV, respectively.",
        "leptons",
    ),
    (
        "ranks after the values",
        "Leptons are required to have p_T > 25 and 20 GeV for the leading and subleading lepton, "
        "respectively.",
        "leptons",
    ),
    (
        "one per rank",
        "The leading lepton must have p_T > 25 GeV, the subleading one p_T > 15 GeV, and the third "
        "p_T > 10 GeV.",
        "leptons",
    ),
    (
        "continued list",
        "Leading lepton p_T > 20 GeV, subleading > 15 GeV, third > 10 GeV.",
        "leptons",
    ),
    (
        "highest-pT",
        "The highest-p_T jet must satisfy p_T > 100 GeV and the second-highest p_T > 50 GeV.",
        "jets",
    ),
]
STATED = {  # the (rank, value) pairs of each sentence above
    "subscript": [(0, 20), (1, 15)],
    "subscript list": [(0, 20), (1, 15), (2, 10)],
    "braced subscript": [(0, 25), (1, 20)],
    "superscript": [(0, 25), (1, 20)],
    "argument": [(0, 100), (1, 50)],
    "bracketed rank": [(0, 25), (1, 20)],
    "respectively": [(0, 25), (1, 20)],
    "ranks after the values": [(0, 25), (1, 20)],
    "one per rank": [(0, 25), (1, 15), (2, 10)],
    "continued list": [(0, 20), (1, 15), (2, 10)],
    "highest-pT": [(0, 100), (1, 50)],
}


@pytest.mark.parametrize(("name", "sentence", "target"), RANKED, ids=[c[0] for c in RANKED])
def test_a_cut_on_every_object_from_a_ranked_clause_is_unverified(
    name: str, sentence: str, target: str
) -> None:
    for _, value in STATED[name]:
        cut = _checked(sentence, _flat(target, value)[1], target)
        assert cut.status == "unverified", (name, value)
        assert "ranks the objects" in _reason(cut), (name, _reason(cut))
        assert f"applies to every {target.rstrip('s')}" in _reason(cut)


@pytest.mark.parametrize(("name", "sentence", "target"), RANKED, ids=[c[0] for c in RANKED])
def test_the_correctly_ranked_cut_stays_verified(name: str, sentence: str, target: str) -> None:
    for rank, value in STATED[name]:
        cut = _checked(sentence, _nth(target, rank, value)[1])
        assert cut.status == "verified", (name, rank, value, _reason(cut))


@pytest.mark.parametrize(("name", "sentence", "target"), RANKED, ids=[c[0] for c in RANKED])
def test_a_cut_on_the_wrong_rank_is_unverified(name: str, sentence: str, target: str) -> None:
    stated = STATED[name]
    for _, value in stated:
        wrong = next(k for k in range(4) if (k, value) not in stated)
        cut = _checked(sentence, _nth(target, wrong, value)[1])
        assert cut.status == "unverified", (name, wrong, value)
        assert "the clause binds" in _reason(cut), (name, _reason(cut))


UNRANKED = [
    ("no rank", "Jets are required to have p_T > 30 GeV.", "jets", 30),
    (
        "every object after a ranked one",
        "The leading jet is required to have p_T > 100 GeV, and all jets |\u03b7| < 2.4.",
        "jets",
        2.4,
    ),
]


@pytest.mark.parametrize(("name", "sentence", "target", "value"), UNRANKED[:1])
def test_a_ranked_cut_from_a_clause_without_rank_is_unverified(
    name: str, sentence: str, target: str, value: float
) -> None:
    cut = _checked(sentence, _nth(target, 0, value)[1])
    assert cut.status == "unverified", name
    assert "states no rank" in _reason(cut), _reason(cut)


def test_a_cut_on_every_object_after_the_ranked_one_stays_verified() -> None:
    cut = _checked(
        UNRANKED[1][1], {"variable": "eta", "op": "<", "value": 2.4, "abs": True}, "jets"
    )
    assert cut.status == "verified", _reason(cut)
    cut = _checked("Jets are required to have p_T > 30 GeV.", _flat("jets", 30)[1], "jets")
    assert cut.status == "verified", _reason(cut)


# ---- the same class on real papers -------------------------------------------------------------

ISA = ("papers", "report-h4l-opendata-isa-2025.pdf")
P1709 = ("adl", "CMS-SUS-16-042", "1709.09814.pdf")
P032 = ("adl", "CMS-SUS-16-032", "SUS-16-032-paper-v27.pdf")


@cache
def _doc(parts: tuple[str, ...]) -> Document:
    from pipeline.parse import parse_document

    return parse_document(shared_path("corpus", *parts))


def _checked_in(parts: tuple[str, ...], quote: str, target: str | None, form: dict) -> Cut:  # type: ignore[type-arg]
    """A cut as a model might propose it, quoting ``quote`` of the real paper, after grounding
    and the support check."""
    doc = _doc(parts)
    cut = Cut.model_validate(
        {
            "id": "c",
            "description": "c",
            **({"scope": "object", "target": target} if target else {}),
            **form,
            "provenance": Provenance(source="paper", document=doc.source.paper_id, quote=quote),
        }
    )
    objects = [PhysicsObject(name=target, kind=target.rstrip("s"), cuts=[cut])] if target else []  # type: ignore[arg-type]
    sel = SelectionList(
        paper=PaperRef(id=doc.source.paper_id), objects=objects, selection=[] if target else [cut]
    )
    return check_support(ground_selection(sel, doc), doc).all_cuts()[0]


# (paper, quote, collection, [(rank, value) it states])
ON_PAPERS = [
    (
        ISA,
        "events are required to satisfy p_T,l1 > 20GeV, p_T,l2 > 15GeV",
        "leptons",
        [(0, 20), (1, 15)],
    ),
    (P1709, "with the two highest-p_T jets satisfying p_T > 80 GeV", "jets", [(0, 80), (1, 80)]),
    (P032, "we require the p_T of the leading jet to be >100 GeV", "jets", [(0, 100)]),
]


@pytest.mark.parametrize(
    ("parts", "quote", "target", "stated"), ON_PAPERS, ids=[p[0][-1] for p in ON_PAPERS]
)
def test_ranked_clauses_of_real_papers(
    parts: tuple[str, ...], quote: str, target: str, stated: list[tuple[int, float]]
) -> None:
    for rank, value in stated:
        flat = _checked_in(parts, quote, *_flat(target, value))
        assert flat.grounding is not None and flat.grounding.matched_text, "quote not found"
        assert flat.status == "unverified" and "ranks the objects" in _reason(flat), _reason(flat)
        right = _checked_in(parts, quote, *_nth(target, rank, value))
        assert right.status == "verified", _reason(right)
        wrong = next(k for k in range(4) if (k, value) not in stated)
        assert _checked_in(parts, quote, *_nth(target, wrong, value)).status == "unverified"
