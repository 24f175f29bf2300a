"""Ranked thresholds as a phrasing class (issue 17): "leading lepton pT > 20, subleading > 15".

A sentence that binds its values to pT-ordered objects - an ordinal subscript (p_T,l1, p_{T,l2},
p_T^{l1}, p^{j1}_T, p_T(j_1)), a ranked subject before the value ("the leading (subleading)
lepton", "the two leading jets", "the leading one", "the highest-pT jet"), a ranked phrase after it
("for the leading and subleading leptons, respectively") or a continued list ("subleading > 15 GeV,
third > 10 GeV", "l2 > 15") - states cuts on the n-th object, not on every object. The support
check (the same for rules and model output) marks a cut on every object read from such a clause
unverified, and a cut on the wrong rank too; the correctly ranked cut stays verified. The rules
read the same clauses as ranked cuts (``nth(sort_desc(pt(c)), i)``, ``nth(eta(sorted_by_pt(c)),
i)``); values that do not pair with the ranks go to ``unresolved``. Tested on synthetic sentences
and on real papers of ../shared (the isa report, 1709.09814, SUS-16-032, 1707.06193).
"""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.extract import extract_selection, ranks
from pipeline.extract.grounding import ground_selection
from pipeline.extract.patterns import prepare
from pipeline.extract.rules import _findings_in
from pipeline.extract.support import check_support
from pipeline.parse.document import Document
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, Provenance, SelectionList
from pipeline.selection.validate import errors_only, validate_selection
from tests.conftest import shared_path
from tests.test_extract_support_classes import _checked, _extracted, _reason


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
    ("each of the ranked", "The two leading jets must each have p_T > 100 GeV.", "jets"),
    (
        "counted, values in order",
        "Events are required to have exactly two oppositely charged muons with p_T > 25 and 20 "
        "GeV.",
        "muons",
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
    "each of the ranked": [(0, 100), (1, 100)],
    "counted, values in order": [(0, 25), (1, 20)],
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


@pytest.mark.parametrize(
    ("name", "sentence", "target", "value"),
    [*UNRANKED[:1], ("each, no rank", "Each jet must have p_T > 30 GeV.", "jets", 30)],
)
def test_a_ranked_cut_from_a_clause_without_rank_is_unverified(
    name: str, sentence: str, target: str, value: float
) -> None:
    cut = _checked(sentence, _nth(target, 0, value)[1])
    assert cut.status == "unverified", name
    assert "states no rank" in _reason(cut), _reason(cut)


@pytest.mark.parametrize(
    "text",
    [
        "one W boson decays to hadrons leading to jets",
        "samples generated at leading order with jets",
        "cross sections at next-to-leading-order accuracy for jets",
        "the first validation region is defined with photons",
    ],
)
def test_words_that_rank_nothing(text: str) -> None:
    assert ranks.PHRASE.search(text) is None


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


# ---- the rules read the same class as ranked cuts ------------------------------------------------


@pytest.mark.parametrize(("name", "sentence", "target"), RANKED, ids=[c[0] for c in RANKED])
def test_the_rules_read_a_ranked_clause_as_ranked_cuts(
    name: str, sentence: str, target: str
) -> None:
    findings = [f for f in _findings_in(prepare(sentence), sentence, None) if f.variable == "pt"]
    assert [(f.object, f.rank, f.value) for f in findings] == [
        (target.rstrip("s"), rank, float(value)) for rank, value in STATED[name]
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Events must contain at least two jets, the leading one with p_T > 100 GeV.",
            [("jet", "pt", 0, 100.0)],
        ),
        (
            "We require two leptons with p_T > 25 GeV for the leading lepton and p_T > 15 GeV "
            "for the other.",
            [("lepton", "pt", 0, 25.0), ("lepton", "pt", 1, 15.0)],
        ),
        (
            "The leading and subleading leptons must have p_T > 25 and 20 GeV and |\u03b7| < 2.4 "
            "and 2.5, respectively.",
            [
                ("lepton", "pt", 0, 25.0),
                ("lepton", "pt", 1, 20.0),
                ("lepton", "eta", 0, 2.4),
                ("lepton", "eta", 1, 2.5),
            ],
        ),
        (  # the ranked phrase belongs to the first cut only
            "The leading jet is required to have p_T > 100 GeV, and all jets |\u03b7| < 2.4.",
            [("jet", "pt", 0, 100.0), ("jet", "eta", None, 2.4)],
        ),
        (  # no rank: one cut per flavour, as before
            "Electrons and muons must have p_T > 30 and 25 GeV, respectively.",
            [("electron", "pt", None, 30.0), ("muon", "pt", None, 25.0)],
        ),
        (
            "Muons (electrons) must have p_T > 25 (30) GeV.",
            [("muon", "pt", None, 25.0), ("electron", "pt", None, 30.0)],
        ),
    ],
)
def test_the_rules_rank_only_what_the_clause_ranks(
    sentence: str, expected: list[tuple[str, str, int | None, float]]
) -> None:
    findings = _findings_in(prepare(sentence), sentence, None)
    assert [
        (f.object, f.variable, f.rank, f.value) for f in findings if f.variable != "count"
    ] == expected


def test_values_that_do_not_pair_with_the_ranks_go_to_unresolved() -> None:
    sel = _extracted("The leading lepton must have p_T > 25, 20 or 15 GeV.")
    assert sel.all_cuts() == []
    assert len(sel.unresolved) == 3
    assert all("ranks the objects (leading lepton)" in u.reason for u in sel.unresolved)
    assert errors_only(validate_selection(sel)) == []


def test_a_ranked_clause_gives_verified_ranked_cuts() -> None:
    sel = _extracted("The leading (subleading) lepton must have p_T > 25 (20) GeV.")
    assert [(c.expr, c.status) for c in sel.all_cuts()] == [
        ("nth(sort_desc(pt(leptons)), 0) > 25", "verified"),
        ("nth(sort_desc(pt(leptons)), 1) > 20", "verified"),
    ]


@cache
def _rules_list(parts: tuple[str, ...]) -> SelectionList:
    return extract_selection(_doc(parts), backend="rules", cited_depth=0)


P1707 = ("adl", "CMS-SUS-16-047", "1707.06193.pdf")
# (paper, words of the quote, the ranked cuts the rules must give, verified?)
RULES_ON_PAPERS = [
    (
        ISA,
        "p_T,l1 > 20GeV",
        [f"nth(sort_desc(pt(leptons)), {k}) > {v}" for k, v in ((0, 20), (1, 15), (2, 10), (3, 7))],
        True,
    ),
    (
        P1709,
        "two highest-p_T jets",
        ["nth(sort_desc(pt(jets)), 0) > 80", "nth(sort_desc(pt(jets)), 1) > 80"],
        True,
    ),
    (
        P032,
        "third and fourth jet",
        # ("if present": each where there is one, as ADL's "Size(jets) > 2 ? pT(jets[2]) > 30")
        [
            "not (count(jets) >= 3) or (nth(sort_desc(pt(jets)), 2) > 30)",
            "not (count(jets) >= 4) or (nth(sort_desc(pt(jets)), 3) > 30)",
        ],
        True,
    ),
    (P032, "p_T of the leading jet to be", ["nth(sort_desc(pt(jets)), 0) > 100"], True),
    # "... and to contain at least one additional jet with p_T > 75 GeV": the next one in pT
    (P032, "at least one additional jet", ["nth(sort_desc(pt(jets)), 1) > 75"], True),
    (  # a validation region's leading photon: ranked, and not the signal selection
        P1707,
        "the leading photon must be reconstructed",
        ["1.6 < abs(nth(eta(sorted_by_pt(photons)), 0)) < 2.5"],
        False,
    ),
]


@pytest.mark.parametrize(
    ("parts", "quote_part", "expected", "verified"),
    RULES_ON_PAPERS,
    ids=[f"{p[0][-1]}-{p[1]}" for p in RULES_ON_PAPERS],
)
def test_the_rules_read_ranked_clauses_of_real_papers(
    parts: tuple[str, ...], quote_part: str, expected: list[str], verified: bool
) -> None:
    cuts = [
        c
        for c in _rules_list(parts).all_cuts()
        if c.provenance is not None and quote_part in (c.provenance.quote or "")
    ]
    ranked = [c for c in cuts if c.expr in expected]
    assert sorted(c.expr for c in ranked) == sorted(expected)  # type: ignore[type-var]
    assert all((c.status == "verified") == verified for c in ranked), [_reason(c) for c in ranked]
    assert not [c for c in cuts if c.variable == "pt" and c.target], "a flattened cut is left"
