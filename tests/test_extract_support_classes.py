"""Phrasing classes the support check reads as 'not a cut of the signal selection' (issue 17).

Each class is tested on synthetic sentences (with the counterpart that must stay verified) and on
real papers of ../shared: a cut of the baseline selection read from

- a clause defining a control sample, including a glued abbreviation ("Z -> llCR"), a purpose
  that only a control sample has ("to suppress contamination from signal") and a sample "enriched
  in" a process;
- a sentence that goes on describing the control sample named earlier in its paragraph (event
  requirements only: object definitions there are usually shared with the signal selection);
- a clause stating the requirement of one event category ("Events in the one-lepton category",
  "One-lepton events ...", "three exclusive lepton selections are defined: ...", "pT > 185 or
  80 GeV for the non-boosted or boosted categories, respectively");
- a count of *additional* objects ("the leading jet ... and at least one additional jet");
- a clause about particle-flow candidates, which are tracks whatever particle they are taken for
  ("for hadron or lepton particle-flow candidates"), or a relative clause ("..., which must
  satisfy") that speaks of the noun just before it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pipeline.extract import extract_selection
from pipeline.extract.grounding import ground_selection
from pipeline.extract.support import check_support
from pipeline.parse.document import Block, Document, SourceInfo
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, Provenance, SelectionList
from tests.conftest import shared_path


def _document(text: str) -> Document:
    source = SourceInfo(paper_id="test", path="x.pdf", sha256="0" * 64, backend="pymupdf")
    return Document(
        source=source, text=text, blocks=[Block(id="b0", page=1, text=text, start=0, end=len(text))]
    )


def _extracted(sentence: str) -> SelectionList:
    """The rules' list of a synthetic paper whose selection section holds ``sentence``."""
    doc = _document(
        "Introduction.\n\n2 Event selection\n\nWe use 36 fb^-1 of data recorded in 2016. "
        + sentence
        + " More text."
    )
    return extract_selection(doc, backend="rules", cited_depth=0)


def _checked(quote: str, form: dict, target: str | None = None, before: str = "Some text.") -> Cut:  # type: ignore[type-arg]
    """The cut after grounding and the support check; ``before`` is the paragraph before it."""
    cut = Cut.model_validate(
        {
            "id": "c",
            "description": "c",
            **({"scope": "object", "target": target} if target else {}),
            **form,
            "provenance": Provenance(source="paper", document="test", quote=quote),
        }
    )
    objects = [PhysicsObject(name=target, kind=target.rstrip("s"), cuts=[cut])] if target else []  # type: ignore[arg-type]
    sel = SelectionList(
        paper=PaperRef(id="test"), objects=objects, selection=[] if target else [cut]
    )
    doc = _document("Introduction.\n\n" + before + " " + quote + " More text.")
    return check_support(ground_selection(sel, doc), doc).all_cuts()[0]


def _reason(cut: Cut) -> str:
    return cut.grounding.reason or "" if cut.grounding else ""


# (class, paragraph before, quote, target, cut form, words of the reason)
NOT_SUPPORTED = [
    (
        "an event cut of one flavour channel",
        "",
        "The missing transverse momentum must satisfy p_T^miss > 50 GeV in the ee and mumu "
        "channels and p_T^miss > 30 GeV in the emu channel.",
        None,
        {"variable": "met", "op": ">", "value": 30},
        "one event category",
    ),
    (
        "the events a background is estimated from",
        "",
        "The background is estimated from events with E_T^miss between 100 and 200 GeV.",
        None,
        {"variable": "met", "op": "between", "value": [100, 200]},
        "control",
    ),
    (
        "eta inside another name",
        "",
        "Electrons in the barrel (|eta| < 1.479) must have sigma_ietaieta < 0.0104.",
        "electrons",
        {"variable": "eta", "op": "<", "value": 0.0104, "abs": True},
        "eta",
    ),
    (
        "large-R jets are not the jets",
        "",
        "Large-radius jets with pT > 200 GeV and |eta| < 2.0 are selected.",
        "jets",
        {"variable": "pt", "op": ">", "value": 200},
        "another collection",
    ),
    (
        "a channel of another multiplicity",
        "",
        "For the dilepton channel, two leptons with pT > 20 GeV are required, while for the "
        "single-lepton channel one lepton with pT > 30 GeV is required.",
        "leptons",
        {"variable": "pt", "op": ">", "value": 30},
        "one event category",
    ),
    (
        "several signal regions defined, one per clause",
        "",
        "Two signal regions are defined: SR-low requires m_eff > 1000 GeV and SR-high requires "
        "m_eff > 2000 GeV.",
        None,
        {"variable": "meff", "op": ">", "value": 2000},
        "one event category",
    ),
    (
        "baseline objects",
        "",
        "Baseline electrons are required to have pT > 7 GeV, while signal electrons must satisfy "
        "pT > 25 GeV.",
        "electrons",
        {"variable": "pt", "op": ">", "value": 7},
        "other objects",
    ),
    (
        "inputs of an isolation sum",
        "",
        "Photons with E_T > 25 GeV are used to compute the isolation.",
        "photons",
        {"variable": "pt", "op": ">", "value": 25},
        "inputs of a computed quantity",
    ),
    (
        "inputs of the missing transverse momentum",
        "",
        "All jets with pT > 20 GeV are considered in the calculation of the missing transverse "
        "momentum.",
        "jets",
        {"variable": "pt", "op": ">", "value": 20},
        "inputs of a computed quantity",
    ),
    (
        "objects an event requirement of a control sample counts",
        "We perform a cross check in a control sample enriched in W+jets events.",
        "Events must have no b-tagged jets and two or more jets with p_T > 80 GeV.",
        "jets",
        {"variable": "pt", "op": ">", "value": 80},
        "control",
    ),
    (
        "objects of the control sample just defined",
        "The W+jets control sample consists of events with exactly one muon and no b-tagged jets.",
        "Muons are required to have p_T > 40 GeV and to pass tight identification criteria.",
        "muons",
        {"variable": "pt", "op": ">", "value": 40},
        "control",
    ),
    (
        "objects of the control sample just defined, an identification flag",
        "The gamma+jets validation region consists of events having at least one selected photon.",
        "Photons are required to pass loose identification criteria.",
        "photons",
        {"variable": "id_loose", "op": "==", "value": 1},
        "control",
    ),
    (
        "glued CR",
        "",
        "The Z \u2192\u2113\u2113CR is defined by requiring two tight muons with p_T > 10 GeV.",
        "muons",
        {"variable": "pt", "op": ">", "value": 10},
        "control",
    ),
    (
        "signal contamination",
        "",
        "To suppress contamination from signal processes, m_T is required to be less than 100 GeV.",
        None,
        {"variable": "mt", "op": "<", "value": 100},
        "control",
    ),
    (
        "enriched in",
        "",
        "Events in a sample enriched in Z decays are required to have p^miss_T > 50 GeV.",
        None,
        {"variable": "met", "op": ">", "value": 50},
        "control",
    ),
    (
        "control paragraph",
        "We obtain an alternative estimate from the W+jets-enriched CR. We require one muon.",
        "m_T is required to be between 30 and 100 GeV.",
        None,
        {"variable": "mt", "op": "between", "value": [30, 100]},
        "control",
    ),
    (
        "control paragraph",
        "A check is performed with a sample enriched in Z \u2192 \u2113\u2113 decays.",
        "Events must have no b-tagged jets and two or more jets with p_T > 80 GeV.",
        None,
        {"expr": "count(jets) >= 2"},
        "control",
    ),
    (
        "category subject",
        "",
        "Events in the one-lepton category are required to have exactly one lepton.",
        None,
        {"expr": "count(leptons) == 1"},
        "event category",
    ),
    (
        "category subject",
        "We perform the search in several event categories.",
        "One-lepton events with fewer than 4 jets are not considered in the analysis.",
        None,
        {"expr": "count(jets) >= 4"},
        "event category",
    ),
    (
        "exclusive selections",
        "",
        "Three exclusive lepton selections are defined: \u2022 high-high (HH) selection: two "
        "leptons, each with p_T \u2265 25 GeV; \u2022 low-low (LL) selection: two leptons.",
        "leptons",
        {"variable": "pt", "op": ">=", "value": 25},
        "event category",
    ),
    (
        "per-category alternatives",
        "",
        "Photons are required to have |\u03b7| < 2.5 and p_T > 185 or 80 GeV for the non-boosted "
        "or boosted categories, respectively.",
        "photons",
        {"variable": "pt", "op": ">", "value": 80},
        "categories",
    ),
    (
        "additional objects",
        "",
        "We require the p_T of the leading jet to be >100 GeV and to contain at least one "
        "additional jet with p_T > 75 GeV.",
        None,
        {"expr": "count(jets) >= 1"},
        "additional",
    ),
    (
        "particle-flow candidates",
        "",
        "The relative isolation of such tracks is required to be smaller than 0.1 or 0.2 for "
        "hadron or lepton particle-flow candidates, respectively.",
        "leptons",
        {"expr": "ptcone30 / pt < 0.2"},
        "track",
    ),
    (
        "relative clause",
        "",
        "These include isolated leptons with a relaxed requirement, p_T > 10 GeV, and isolated "
        "charged-hadron PF candidates, which must satisfy p_T > 15 GeV.",
        "leptons",
        {"variable": "pt", "op": ">", "value": 15},
        "track",
    ),
]

# the counterparts: the same phrasings where the clause does state a cut of the selection
SUPPORTED = [
    (
        "control paragraph, object definition",
        "We obtain an alternative estimate from the W+jets-enriched CR.",
        "Jets are required to have p_T > 30 GeV.",
        "jets",
        {"variable": "pt", "op": ">", "value": 30},
    ),
    (
        "control paragraph, back to the signal region",
        "The corrections are derived in a CR with one tight muon.",
        "In the signal region, m_T is required to be larger than 140 GeV.",
        None,
        {"variable": "mt", "op": ">", "value": 140},
    ),
    (
        "N-lepton events outside a paragraph on categories",
        "The analysis uses the full 2016 data set.",
        "One-lepton events with fewer than 4 jets are not considered in the analysis.",
        None,
        {"expr": "count(jets) >= 4"},
    ),
    (
        "a value shared by the categories",
        "",
        "Photons are required to have |\u03b7| < 2.5 and p_T > 185 or 80 GeV for the non-boosted "
        "or boosted categories, respectively.",
        "photons",
        {"variable": "eta", "op": "<", "value": 2.5, "abs": True},
    ),
    (
        "a count that is not of additional objects",
        "",
        "We require at least one jet with p_T > 75 GeV.",
        None,
        {"expr": "count(jets) >= 1"},
    ),
    (
        "two or more",
        "",
        "Events must have two or more jets with p_T > 80 GeV.",
        None,
        {"expr": "count(jets) >= 2"},
    ),
    (
        "signal objects after baseline ones",
        "",
        "Baseline electrons are required to have pT > 7 GeV, while signal electrons must satisfy "
        "pT > 25 GeV.",
        "electrons",
        {"variable": "pt", "op": ">", "value": 25},
    ),
    (
        "objects used to compute an event quantity of the selection",
        "",
        "Jets with pT > 30 GeV are used to compute H_T.",
        "jets",
        {"variable": "pt", "op": ">", "value": 30},
    ),
    (
        "objects an event requirement of the signal selection counts",
        "The signal selection is described below.",
        "Events must have no b-tagged jets and two or more jets with p_T > 80 GeV.",
        "jets",
        {"variable": "pt", "op": ">", "value": 80},
    ),
    (
        "a part of the detector required",
        "",
        "Events must have at least one photon in the barrel (|eta| < 1.44) with pT > 100 GeV.",
        "photons",
        {"variable": "eta", "op": "<", "value": 1.44, "abs": True},
    ),
    (
        "object definitions after a control sample of other objects",
        "The W+jets control sample consists of events with exactly one muon and no b-tagged jets.",
        "Photons are required to have p_T > 40 GeV.",
        "photons",
        {"variable": "pt", "op": ">", "value": 40},
    ),
    (
        "object definitions after a sentence naming no control sample",
        "The analysis uses events with exactly one muon. A control sample is used later.",
        "Muons are required to have p_T > 40 GeV.",
        "muons",
        {"variable": "pt", "op": ">", "value": 40},
    ),
    (
        "a relative clause about the selected objects",
        "",
        "We select isolated muons, which must satisfy p_T > 15 GeV.",
        "muons",
        {"variable": "pt", "op": ">", "value": 15},
    ),
]


@pytest.mark.parametrize(
    ("name", "before", "quote", "target", "form", "reason"),
    NOT_SUPPORTED,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(NOT_SUPPORTED)],
)
def test_a_clause_of_the_class_does_not_verify_a_selection_cut(
    name: str,
    before: str,
    quote: str,
    target: str | None,
    form: dict,  # type: ignore[type-arg]
    reason: str,
) -> None:
    cut = _checked(quote, form, target, before or "Some text.")
    assert cut.status == "unverified", (name, _reason(cut))
    assert reason in _reason(cut), (name, _reason(cut))


@pytest.mark.parametrize(
    ("name", "before", "quote", "target", "form"),
    SUPPORTED,
    ids=[case[0] for case in SUPPORTED],
)
def test_the_counterpart_stays_verified(
    name: str,
    before: str,
    quote: str,
    target: str | None,
    form: dict,  # type: ignore[type-arg]
) -> None:
    cut = _checked(quote, form, target, before or "Some text.")
    assert cut.status == "verified", (name, _reason(cut))


def _checked_in_region(quote: str, met_above: float, region: str) -> Cut:
    """The cut 'met > met_above', quoting ``quote``, in region ``region``, after grounding and
    the support check."""
    cut = Cut.model_validate(
        {
            "id": "c",
            "description": "c",
            "variable": "met",
            "op": ">",
            "value": met_above,
            "provenance": Provenance(source="paper", document="test", quote=quote),
        }
    )
    sel = SelectionList.model_validate(
        {"paper": {"id": "test"}, "regions": [{"name": region, "cuts": [cut.model_dump()]}]}
    )
    doc = _document("Some text. " + quote + " More text.")
    return check_support(ground_selection(sel, doc), doc).all_cuts()[0]


@pytest.mark.parametrize("region", ["control_z", "control_1", "CR_ttbar", "vr_high_met"])
def test_a_control_region_cut_is_kept_in_its_region_for_the_reviewer(region: str) -> None:
    """Issue 17 (d): a control sample is no selection. The cut is read and placed in its
    region, but only a reviewer can say it is the control region the analysis uses: it was
    marked verified, and on the development set such cuts were 12 of the 23 verified cuts
    matching no gold."""
    quote = "The Z \u2192\u2113\u2113CR is defined by requiring p^miss_T > 50 GeV."
    checked = _checked_in_region(quote, 50, region)
    assert checked.status == "unverified"
    assert "control/validation sample" in _reason(checked) and "in its region" in _reason(checked)


def test_a_signal_region_cut_in_its_region_stays_verified() -> None:
    checked = _checked_in_region("The signal region SR1 requires p^miss_T > 250 GeV.", 250, "sr1")
    assert checked.status == "verified", _reason(checked)


# ---- the same classes on real papers -------------------------------------------------------------

P1812 = "adl/CMS-SUS-16-017/1812.06302.pdf"
P1605 = "adl/CMS-SUS-16-035/1605.03171.pdf"
P032 = "adl/CMS-SUS-16-032/SUS-16-032-paper-v27.pdf"
P1705 = "adl/CMS-SUS-16-037/1705.04673.pdf"
P1709 = "adl/CMS-SUS-16-042/1709.09814.pdf"


@cache
def _paper(path: str) -> SelectionList:
    from pipeline.parse import parse_document

    return extract_selection(
        parse_document(shared_path("corpus", *path.split("/"))), backend="rules", cited_depth=0
    )


def _baseline(sel: SelectionList) -> list[Cut]:
    in_regions = {c.id for region in sel.regions for c in region.cuts}
    return [c for c in sel.all_cuts() if c.id not in in_regions]


def _find(sel: SelectionList, quote_part: str, key: str) -> list[Cut]:
    """Baseline cuts whose quote holds ``quote_part`` and whose form shows ``key``."""
    return [
        c
        for c in _baseline(sel)
        if c.provenance is not None
        and quote_part in (c.provenance.quote or "")
        and key in f"{c.variable} {c.op} {c.value} {c.expr}"
    ]


# (class, paper, words of the quote, words of the cut's form, words of the reason)
ON_PAPERS = [
    ("glued CR", P1812, "The Z \u2192\u2113\u2113CR is defined", "< 10", "control"),
    ("signal contamination", P1812, "To suppress contamination from signal", "mt", "control"),
    ("control paragraph", P1812, "Events must have no b-tagged jets", "count(jets)", "control"),
    ("control paragraph", P1812, "m_T is required to be between 30", "mt", "control"),
    ("category subject", P1812, "Events in the one-lepton category", "count(leptons)", "category"),
    ("counted objects, control", P1812, "two or more jets with p_T > 80", "pt > 80", "control"),
    (
        "control sample objects",
        P1812,
        "Photons are required to have p_T > 185",
        "id_loose",
        "control",
    ),
    ("category subject", P1812, "One-lepton events with fewer than 4", "count(jets)", "category"),
    ("exclusive selections", P1605, "exclusive", "pt >= 25", "category"),
    # (the 185 GeV cut is quoted from a later statement since issue 17's restated cuts)
    ("per-category alternatives", P1812, "non-boosted or boosted categories", "> 80", "categories"),
    ("particle-flow candidates", P1709, "lepton particle-flow candidates", "0.2", "track"),
    ("relative clause", P1705, "charged-hadron PF candidates, which", "pt > 15", "track"),
]


@pytest.mark.parametrize(
    ("name", "paper", "quote_part", "key", "reason"),
    ON_PAPERS,
    ids=[f"{n}-{p.split('/')[-1]}" for n, p, *_ in ON_PAPERS],
)
def test_phrasing_class_on_a_paper_is_not_verified(
    name: str, paper: str, quote_part: str, key: str, reason: str
) -> None:
    sel = _paper(paper)
    found = _find(sel, quote_part, key)
    assert found, (name, "the rules no longer read this sentence; pick another one of the class")
    for cut in found:
        assert cut.status != "verified", (name, cut.provenance)
        assert reason in _reason(cut), (name, _reason(cut))


def test_several_signal_regions_in_the_rules_output_are_not_verified() -> None:
    """The rules quote the clause after the colon; the check reads the sentence before it. Each
    region's requirement is that region's cut (battery6 classes), none the common selection's."""
    sel = _extracted(
        "Two signal regions are defined: SR-low requires m_eff > 1000 GeV and SR-high requires "
        "m_eff > 2000 GeV."
    )
    assert not [c for c in sel.selection if c.variable == "meff" and c.status == "verified"]
    assert {r.name: [c.value for c in r.cuts] for r in sel.regions} == {
        "sr_low": [1000.0],
        "sr_high": [2000.0],
    }
    one = _extracted("The signal region is defined as follows: events must have m_eff > 1000 GeV.")
    assert [c.status for c in one.all_cuts() if c.variable == "meff"] == ["verified"]


def test_an_offline_cut_after_the_trigger_clause_is_read() -> None:
    """'The trigger requires H_T > 800 GeV at the HLT; offline we require H_T > 1000 GeV': the
    trigger's threshold is no cut, the offline one is (the whole sentence was dropped)."""
    cuts = {(c.variable, c.value, str(c.status)) for c in _extracted(
        "The trigger requires H_T > 800 GeV at the HLT; offline we require H_T > 1000 GeV."
    ).all_cuts()}  # fmt: skip
    assert cuts == {("ht", 1000.0, "verified")}


@pytest.mark.parametrize(
    "sentence",
    [
        "Large-radius jets with pT > 200 GeV and |eta| < 2.0 are selected.",
        "We select events with at least one large-R jet with pT > 250 GeV.",
        "AK8 jets are required to have pT > 200 GeV.",
    ],
)
def test_large_r_jets_give_no_cut_on_the_jets(sentence: str) -> None:
    """The language's fatjets are another collection, which the rules do not read yet: a cut
    on the (small-R) jets would be wrong."""
    assert not [c for c in _extracted(sentence).all_cuts() if c.target == "jets"]


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("Jets with pT below 30 GeV are not used in this analysis.", ("jets", "pt", ">=", 30.0)),
        (
            "Events in which the leading jet has pT < 100 GeV are not considered.",
            (None, "nth(sort_desc(pt(jets)), 0) >= 100", None, None),
        ),
    ],
)
def test_a_sentence_naming_what_is_thrown_away_gives_the_kept_side(
    sentence: str, kept: tuple[object, ...]
) -> None:
    """The rejected objects or events are named: the cut is the kept side, and it verifies."""
    cuts = _extracted(sentence).all_cuts()
    found = {
        (c.target, c.variable, c.op, c.value) if c.variable else (None, c.expr, None, None)
        for c in cuts
        if c.status == "verified"
    }
    assert kept in found, [(c.target, c.variable, c.op, c.value, c.expr, c.status) for c in cuts]


def test_a_value_with_its_object_in_brackets_binds_to_that_object() -> None:
    """'Leptons are required to have pT > 20 GeV (electrons) or pT > 15 GeV (muons)': each value
    to the object in brackets after it (it was electrons > 15 and every lepton > 20)."""
    cuts = {
        (c.target, c.value, str(c.status))
        for c in _extracted(
            "Leptons are required to have pT > 20 GeV (electrons) or pT > 15 GeV (muons)."
        ).all_cuts()
        if c.variable == "pt"
    }
    assert cuts == {("electrons", 20.0, "verified"), ("muons", 15.0, "verified")}
    cut = _checked(
        "Leptons are required to have pT > 20 GeV (electrons) or pT > 15 GeV (muons).",
        {"variable": "pt", "op": ">", "value": 15},
        "electrons",
    )
    assert cut.status == "unverified" and "muon" in _reason(cut)


def test_a_ranked_value_per_flavour_is_not_one_ranked_cut() -> None:
    quote = (
        "We require the leading lepton pT to be above 25 GeV for electrons and 20 GeV for muons."
    )
    cut = _checked(quote, {"expr": "nth(sort_desc(pt(leptons)), 0) > 25"})
    assert cut.status == "unverified" and "flavour of the ranked object" in _reason(cut)
    plain = _checked(
        "The leading lepton must have pT > 25 GeV.", {"expr": "nth(sort_desc(pt(leptons)), 0) > 25"}
    )
    assert plain.status == "verified", _reason(plain)


def test_a_veto_of_an_nth_object_above_a_value_is_no_upper_cut_on_it() -> None:
    """'Events with a fourth lepton with pT > 10 GeV are rejected': the kept events have no such
    lepton; 'the fourth lepton's pT <= 10' would also reject the events with three. Neither the
    rules nor a model get that cut verified."""
    quote = "Events with a fourth lepton with pT > 10 GeV are rejected."
    cut = _checked(quote, {"expr": "nth(sort_desc(pt(leptons)), 3) <= 10"})
    assert cut.status == "unverified" and "events that have none" in _reason(cut)


VETOED_NTH = "not (nth(sort_desc(pt(leptons)), 3) > 10)"


@pytest.mark.parametrize(
    "quote",
    [
        "Events with a fourth lepton with pT > 10 GeV are rejected.",
        "Events are rejected if they contain a fourth lepton with pT > 10 GeV.",
    ],
)
def test_a_veto_of_an_nth_object_above_a_value_is_its_negation(quote: str) -> None:
    """The kept events are those without a fourth lepton above 10 GeV: 'not (the fourth lepton's
    pT > 10)', true where there is no fourth lepton. The rules write that cut, verified; the
    support check reads it as what the quote vetoes."""
    assert _checked(quote, {"expr": VETOED_NTH}).status == "verified"
    cuts = [c for c in _extracted(quote).all_cuts() if c.status == "verified"]
    assert [c.expr for c in cuts] == [VETOED_NTH]


def test_the_negation_of_an_nth_object_cut_needs_a_veto() -> None:
    """The counterpart: a quote requiring a fourth lepton above 10 GeV does not support the veto."""
    cut = _checked("The fourth lepton must have pT > 10 GeV.", {"expr": VETOED_NTH})
    assert cut.status == "unverified"


# a review of this session's classes found these sentences read wrongly by the first versions of
# the rules (sentence, cuts that must come out verified, cuts that must not be verified)
REVIEWED = [
    ("Jets with pT > 30 GeV are removed if they lie within Delta R < 0.4 of an electron.",
     set(), {("jets", "pt", "<=", 30.0)}),
    ("Electrons with pT > 7 GeV are rejected if they share a track with a muon.",
     set(), {("electrons", "pt", "<=", 7.0)}),
    ("Jets with pT < 30 GeV are not considered in the computation of H_T.",
     set(), {("jets", "pt", ">=", 30.0)}),
    ("The number of jets must be 4 or more.", set(), {(None, "count(jets) == 4", None, None)}),
    ("The number of leptons is required to be exactly two or three.",
     set(), {(None, "count(leptons) == 2", None, None)}),
    ("The negative vector sum of jet pT must exceed 250 GeV.", set(), {(None, "ht", ">", 250.0)}),
    ("Events are recorded with a trigger; it requires E_T^miss > 110 GeV.",
     set(), {(None, "met", ">", 110.0)}),
    ("Events are required to have a minimum of four jets and E_T^miss > 200 GeV.",
     {(None, "met", ">", 200.0)}, set()),
    ("The signal region consists of events with two leptons and E_T^miss > 50 GeV.",
     {(None, "met", ">", 50.0)}, set()),
    ("Jets with pT > 25 GeV are considered, and events with a b-tagged jet are rejected.",
     {("jets", "pt", ">", 25.0)}, set()),
    ("Events containing a b-tagged jet are vetoed, as are events failing the event cleaning.",
     {(None, "count(bjets) == 0", None, None)}, set()),
    ("Signal electrons must pass the baseline electron selection and have pT > 25 GeV.",
     {("electrons", "pt", ">", 25.0)}, set()),
    ("In the zero-lepton final state, events are required to have E_T^miss > 250 GeV.",
     {(None, "met", ">", 250.0)}, set()),
    ("Photons in the barrel (|eta| < 1.44) are required to have pT > 175 GeV.",
     {("photons", "eta", "<", 1.44), ("photons", "pt", ">", 175.0)}, set()),
    ("Jets with pT > 30 GeV and |eta| < 2.5 are selected and are also used in the calculation of "
     "the missing transverse momentum.", {("jets", "pt", ">", 30.0)}, set()),
    ("Large-radius (large-R) jets with pT > 200 GeV are selected.",
     set(), {("jets", "pt", ">", 200.0)}),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "verified", "not_verified"), REVIEWED)
def test_sentences_found_in_review(
    sentence: str,
    verified: set[tuple[object, ...]],
    not_verified: set[tuple[object, ...]],
) -> None:
    found = {
        (c.target, c.variable, str(c.op), c.value) if c.variable else (None, c.expr, None, None)
        for c in _extracted(sentence).all_cuts()
        if c.status == "verified"
    }
    assert verified <= found, found
    assert not not_verified & found, found


def test_a_background_estimated_from_simulation_is_no_control_sample_for_the_next_sentence() -> (
    None
):
    cut = _checked(
        "Events are required to have E_T^miss > 200 GeV.",
        {"variable": "met", "op": ">", "value": 200},
        before="The ttbar background is estimated from simulation.",
    )
    assert cut.status == "verified", _reason(cut)


def test_the_negated_nth_object_cut_keeps_the_events_without_one(tmp_path: Path) -> None:
    """On real data: 'not (the second electron's pT > 10 GeV)' keeps the events with fewer than
    two electrons and those whose second electron is at most 10 GeV (counted by hand with
    uproot and awkward)."""
    import awkward as ak
    import uproot

    from pipeline.codegen import compile_selection
    from pipeline.contract import read_outputs
    from pipeline.sandbox import run_script

    data = shared_path("data", "atlas-opendata-2020", "data_B.4lep.root")
    sel = SelectionList.model_validate(
        {
            "paper": {"id": "test"},
            "objects": [{"name": "electrons", "kind": "electron"}],
            "selection": [
                {
                    "id": "veto",
                    "description": "no second electron above 10 GeV",
                    "expr": "not (nth(sort_desc(pt(electrons)), 1) > 10)",
                }
            ],
        }
    )
    script = tmp_path / "analysis.py"
    script.write_text(compile_selection(sel))
    result = run_script(script, data=[data], work_dir=tmp_path / "work")
    assert result.ok, result.stderr_tail
    steps = {s.id: s for s in read_outputs(tmp_path / "work" / "out")[1].steps}

    lep = uproot.open(data)["mini"].arrays(["lep_pt", "lep_type"])
    pt = ak.sort(lep.lep_pt[lep.lep_type == 11] / 1000.0, ascending=False)
    second = ak.fill_none(ak.pad_none(pt, 2)[:, 1], 0.0)
    expected = int(ak.sum(second <= 10.0))
    assert 0 < expected < len(pt)
    assert steps["veto"].raw == expected
