"""Multi-condition reject sentences as a phrasing class (issue 17).

"Events are rejected if A or B" (also "An event is vetoed if it has A, or if B", "We reject events
that have A or B", "Events with A or B are rejected", "discarded if either A or B"): the kept events
satisfy not-A and not-B, so each condition inverted is a cut - the rules write them so and the
support check verifies them, and not the rejected side. "Events are rejected if A and B": the kept
events fail one of the two, which no single inverted cut states - the check does not verify them
and the rules put them in ``unresolved``. A mass of a pair formed with an *additional* object
("rejected if an additional loose lepton forms an OSSF pair ... with an invariant mass less than
12 GeV or between 76 and 106 GeV") is not a mass of the selected objects. Tested on synthetic
sentences and on 1704.07323, 1605.03171 and SUS-16-032.
"""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.extract import extract_selection
from pipeline.extract.patterns import prepare
from pipeline.extract.rules import _findings_in
from pipeline.selection.models import SelectionList
from pipeline.selection.validate import errors_only, validate_selection
from tests.test_extract_rank_classes import _checked_in
from tests.test_extract_support_classes import _checked, _extracted, _reason

MET_HT = [("met", 50.0), ("ht", 300.0)]
# (sentence, [(quantity, value)] of the rejected side, every condition an upper bound)
ALTERNATIVES = [
    ("Events are rejected if m_ll < 12 GeV or if m_T < 40 GeV.", [("mll", 12.0), ("mt", 40.0)]),
    ("Events with p^miss_T < 50 GeV or H_T < 300 GeV are rejected.", MET_HT),
    ("An event is vetoed if it has p^miss_T below 50 GeV, or if H_T is less than 300 GeV.", MET_HT),
    ("We reject events that have p^miss_T < 50 GeV, or H_T < 300 GeV.", MET_HT),
    ("Events are discarded if either p^miss_T < 50 GeV or H_T < 300 GeV.", MET_HT),
]


def _cut(quantity: str, op: str, value: float) -> dict:  # type: ignore[type-arg]
    return {"variable": quantity, "op": op, "value": value}


@pytest.mark.parametrize(
    ("sentence", "rejected"), ALTERNATIVES, ids=[a[0][:30] for a in ALTERNATIVES]
)
def test_alternatives_rejected_give_each_condition_inverted(
    sentence: str, rejected: list[tuple[str, float]]
) -> None:
    findings = _findings_in(prepare(sentence), sentence, None)
    assert sorted((f.variable, f.op, f.value) for f in findings) == sorted(
        (q, ">=", v) for q, v in rejected
    )
    for quantity, value in rejected:
        kept = _checked(sentence, _cut(quantity, ">=", value))
        assert kept.status == "verified", _reason(kept)
        written = _checked(sentence, _cut(quantity, "<", value))
        assert written.status == "unverified" and "polarity" in _reason(written)


def test_an_excluded_interval_among_the_alternatives_is_kept_outside() -> None:
    sentence = "Events are rejected if m_ll < 12 GeV or if 76 < m_ll < 106 GeV."
    findings = _findings_in(prepare(sentence), sentence, None)
    assert [(f.variable, f.op, f.value) for f in findings] == [
        ("mll", ">=", 12.0),
        ("mll", "outside", [76.0, 106.0]),
    ]
    assert _checked(sentence, _cut("mll", "outside", [76, 106])).status == "verified"  # type: ignore[arg-type]
    assert _checked(sentence, _cut("mll", "between", [76, 106])).status == "unverified"  # type: ignore[arg-type]


def test_a_veto_and_a_threshold_rejected_as_alternatives() -> None:
    sentence = "Events are rejected if they contain a b-tagged jet or if p^miss_T < 50 GeV."
    findings = _findings_in(prepare(sentence), sentence, None)
    assert sorted((f.object, f.variable, f.op, f.value) for f in findings) == [
        ("bjet", "count", "==", 0.0),
        ("event", "met", ">=", 50.0),
    ]
    assert _checked(sentence, {"expr": "count(bjets) == 0"}).status == "verified"


JOINT = [
    "Events are rejected if m_T < 100 GeV and p^miss_T < 200 GeV.",
    "Events with p^miss_T < 200 GeV and m_T < 100 GeV are rejected.",
]


@pytest.mark.parametrize("sentence", JOINT)
def test_conditions_rejected_together_verify_no_single_cut(sentence: str) -> None:
    for quantity, value in (("mt", 100.0), ("met", 200.0)):
        for op in (">=", "<"):
            cut = _checked(sentence, _cut(quantity, op, value))
            assert cut.status == "unverified", (quantity, op)
    assert "several conditions together" in _reason(_checked(sentence, _cut("mt", ">=", 100)))


@pytest.mark.parametrize("sentence", JOINT)
def test_the_rules_put_conditions_rejected_together_in_unresolved(sentence: str) -> None:
    sel = _extracted(sentence)
    assert sel.all_cuts() == []
    assert sel.unresolved and all(
        "several conditions together" in u.reason or "not expressible" in u.reason
        for u in sel.unresolved
    )
    assert any("several conditions together" in u.reason for u in sel.unresolved)
    assert errors_only(validate_selection(sel)) == []


def test_alternatives_rejected_stay_verified_cuts_of_the_list() -> None:
    sel = _extracted(ALTERNATIVES[1][0])
    assert [(c.variable, c.op, c.value, c.status) for c in sel.all_cuts()] == [
        ("met", ">=", 50.0, "verified"),
        ("ht", ">=", 300.0, "verified"),
    ]


# ---- real papers ---------------------------------------------------------------------------------

P1704 = ("adl", "CMS-SUS-16-035", "1704.07323.pdf")
P1605 = ("adl", "CMS-SUS-16-035", "1605.03171.pdf")
P032 = ("adl", "CMS-SUS-16-032", "SUS-16-032-paper-v27.pdf")
ADDITIONAL_PAIR = [
    (
        P1704,
        "events are rejected if an additional loose lepton forms an opposite-sign same-flavor "
        "pair with one of the two SS leptons, with an invariant mass less than 12 GeV or between "
        "76 and 106 GeV",
    ),
    (
        P1605,
        "the SS pair is rejected if there is an additional lepton in the event that satisfies "
        "loose requirements and that forms an opposite-sign, same-flavor pair with an invariant "
        "mass less than 12 GeV or between 76 and 106 GeV",
    ),
]


@pytest.mark.parametrize(
    ("parts", "quote"), ADDITIONAL_PAIR, ids=[a[0][-1] for a in ADDITIONAL_PAIR]
)
def test_a_pair_mass_with_an_additional_lepton_is_no_cut_on_the_selected_leptons(
    parts: tuple[str, ...], quote: str
) -> None:
    for form in (
        _cut("mll", ">=", 12),
        _cut("mll", "<", 12),
        {"variable": "mll", "op": "outside", "value": [76, 106]},
    ):
        cut = _checked_in(parts, quote, None, form)
        assert cut.grounding is not None and cut.grounding.matched_text, "quote not found"
        assert cut.status == "unverified", form
        assert "additional object" in _reason(cut), _reason(cut)


@cache
def _rules_list(parts: tuple[str, ...]) -> SelectionList:
    from tests.test_extract_rank_classes import _doc

    return extract_selection(_doc(parts), backend="rules", cited_depth=0)


def test_discarded_if_on_a_real_paper() -> None:
    quote = "The event is discarded if it has more than five jets"
    assert _checked_in(P032, quote, None, {"expr": "count(jets) <= 5"}).status == "verified"
    assert _checked_in(P032, quote, None, {"expr": "count(jets) > 5"}).status == "unverified"


@pytest.mark.parametrize("parts", [P1704, P1605], ids=["1704.07323", "1605.03171"])
def test_the_rules_leave_no_verified_cut_of_the_additional_pair(parts: tuple[str, ...]) -> None:
    cuts = [
        c
        for c in _rules_list(parts).all_cuts()
        if c.provenance is not None and "additional" in (c.provenance.quote or "")
    ]
    assert not [c for c in cuts if c.status == "verified" and "12" in str(c.value or c.expr)]
