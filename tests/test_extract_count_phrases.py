"""Counts and object quantities written as structure, one phrasing class at a time (issue 17), on
synthetic sentences (the whole stage one, and the support check on its own) and on real papers of
../shared:

* a sub-count of the objects just counted ("at least six small-R jets, at least one of which is
  b tagged", "four jets ..., of which at least two must be identified as b-jets", "two jets, both
  of which must be b tagged", "four jets, including at least two b-tagged jets") is the outer jet
  count and a count of b jets; a sub-count that names no b tag is no b-jet count;
* a veto written as a noun phrase ("• no isolated leptons", "events with no b-tagged jets", "zero
  leptons", "and no electrons or muons") is a zero count; "one photon and no additional photons"
  is one photon; "no veto tracks" (no collection of the language) goes to unresolved with its
  reason; "no significant excess", "no requirement on", "no b-tagging is applied", "with no
  constraint" and a count that only defines some regions are no vetoes;
* a superscript naming the object of p_T or E_T ("E_T^gamma", "p_T^l", "p^l_T", "E_T^{e}",
  "p_T^{j_1}") binds the value to that object (and rank).
"""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.extract import count_phrases
from pipeline.extract.patterns import prepare
from pipeline.extract.rules import extract_findings
from pipeline.parse.document import Document
from pipeline.selection.models import SelectionList
from tests.test_extract_phrasing_classes import _all, _extract
from tests.test_extract_phrasing_classes import _paper as _paper_uncached
from tests.test_extract_support_classes import _checked, _reason

P037 = "adl/CMS-SUS-16-037/1705.04673.pdf"
P1312 = "papers/arXiv-1312.1956.pdf"
P032 = "adl/CMS-SUS-16-032/SUS-16-032-paper-v27.pdf"
P1709 = "adl/CMS-SUS-16-042/1709.09814.pdf"
P1812 = "adl/CMS-SUS-16-017/1812.06302.pdf"
P1706 = "adl/CMS-SUS-16-043/1706.09933.pdf"


@cache
def _paper(path: str) -> SelectionList:
    return _paper_uncached(path)


@cache
def _document(path: str) -> Document:
    from pipeline.parse import parse_document
    from tests.conftest import shared_path

    return parse_document(shared_path("corpus", *path.split("/")))


# (class, sentence, cuts that must be there, cuts that must not)
SYNTHETIC = [
    (
        "sub-count, of which",
        "Events are required to have at least six small-R jets, at least one of which is b tagged.",
        {(None, "count(jets) >= 6"), (None, "count(bjets) >= 1")},
        {(None, "count(bjets) >= 6"), (None, "count(jets) >= 1")},
    ),
    (
        "count opening the sentence",
        "At least four jets with pT > 30 GeV and |eta| < 2.4 are required.",
        {(None, "count(jets) >= 4"), ("jets", "pt", ">", 30.0)},
        set(),
    ),
    (
        "count opening the sentence, exactly",
        "Exactly one lepton with pT > 25 GeV is required in each event.",
        {(None, "count(leptons) == 1")},
        set(),
    ),
    (
        "count opening the sentence, not a count of objects",
        "At least a few jets are expected in the forward region of the detector.",
        set(),
        {(None, "count(jets) >= 1")},
    ),
    (
        "the number of objects as the subject",
        "The number of jets is required to be at least four and E_T^miss > 150 GeV.",
        {(None, "count(jets) >= 4"), (None, "met", ">", 150.0)},
        set(),
    ),
    (
        "the number of objects as the subject, b tags",
        "The number of b-tagged jets must be exactly two.",
        {(None, "count(bjets) == 2")},
        set(),
    ),
    (
        "the number of objects as the subject, a table row",
        "Requirements: Number of b tags = 2, number of jets >= 4.",
        {(None, "count(bjets) == 2"), (None, "count(jets) >= 4")},
        set(),
    ),
    (
        "the number of objects, bins",
        "Events are required to pass the trigger and are categorized by the number of b jets = 0, "
        "1, 2.",
        set(),
        {(None, "count(bjets) == 0")},
    ),
    (
        "the number of objects, a description",
        "The number of jets is larger than 2 in most events.",
        set(),
        {(None, "count(jets) > 2")},
    ),
    (
        "the number of objects, a unit",
        "The number of jets with p_T > 30 GeV is shown in Fig. 3.",
        set(),
        {(None, "count(jets) > 30")},
    ),
    (
        "multiplicity symbols in a dense requirement",
        "Preselection requires N_lep = 1, N_jet >= 4, N_b >= 1, E_T^miss > 230 GeV and m_T > 30 "
        "GeV.",
        {
            (None, "count(leptons) == 1"),
            (None, "count(jets) >= 4"),
            (None, "count(bjets) >= 1"),
            (None, "met", ">", 230.0),
        },
        set(),
    ),
    (
        "a photon multiplicity symbol",
        "Events are required to have N_gamma >= 1 and E_T^miss > 100 GeV.",
        {(None, "count(photons) >= 1")},
        {(None, "count(leptons) >= 1")},
    ),
    (
        "at most, with no digit in the sentence",
        "At most one b-tagged jet is allowed.",
        {(None, "count(bjets) <= 1")},
        set(),
    ),
    (
        "a veto of objects failing a requirement",
        "Events containing a jet with pT > 20 GeV that fails the jet quality criteria are "
        "rejected.",
        set(),
        {(None, "count(jets) == 0")},
    ),
    (
        "a veto of bad objects",
        "Events with bad jets are rejected.",
        set(),
        {(None, "count(jets) == 0")},
    ),
    (
        "a veto of every such object",
        "Events containing a b-tagged jet are rejected.",
        {(None, "count(bjets) == 0")},
        set(),
    ),
    (
        "sub-count, exactly N of which",
        "Events must contain at least three jets with pT > 30 GeV, exactly two of which are b "
        "tagged.",
        {(None, "count(jets) >= 3"), (None, "count(bjets) == 2"), ("jets", "pt", ">", 30.0)},
        {(None, "count(jets) == 2")},
    ),
    (
        "sub-count, both of which",
        "We select events with two jets, both of which must be b tagged.",
        {(None, "count(jets) == 2"), (None, "count(bjets) == 2")},
        set(),
    ),
    (
        "sub-count, including",
        "We require four jets, including at least two b-tagged jets.",
        {(None, "count(jets) == 4"), (None, "count(bjets) >= 2")},
        set(),
    ),
    (
        "sub-count, of which after the verb",
        "At least four jets with p_T > 25 GeV and |\u03b7| < 2.5 are required, of which at least "
        "two must be identified as b-jets.",
        {(None, "count(bjets) >= 2"), ("jets", "pt", ">", 25.0)},
        {(None, "count(jets) >= 2")},
    ),
    (
        "sub-count, among them",
        "Events are required to have exactly two jets, among them at least one b-tagged jet.",
        {(None, "count(jets) == 2"), (None, "count(bjets) >= 1")},
        set(),
    ),
    (
        "sub-count, a bare number among an open-ended count",
        "Events are required to have a minimum of three jets with pT > 30 GeV, one of which is "
        "b-tagged.",
        {(None, "count(jets) >= 3"), (None, "count(bjets) >= 1"), ("jets", "pt", ">", 30.0)},
        {(None, "count(jets) == 3"), (None, "count(bjets) == 1")},
    ),
    (
        "sub-count, a bare number among an exact count",
        "We select events with exactly four jets, two of which are b-tagged.",
        {(None, "count(jets) == 4"), (None, "count(bjets) == 2")},
        {(None, "count(bjets) >= 2")},
    ),
    (
        "a minimum of, a maximum of, no fewer than",
        "Events must contain a minimum of two muons, no fewer than four jets and a maximum of "
        "one photon.",
        {(None, "count(muons) >= 2"), (None, "count(jets) >= 4"), (None, "count(photons) <= 1")},
        {(None, "count(muons) == 2"), (None, "count(jets) == 4"), (None, "count(photons) == 1")},
    ),
    (
        "sub-count naming no b tag",
        "Events are required to have at least six jets, at least one of which has pT > 100 GeV.",
        {(None, "count(jets) >= 6")},
        {(None, "count(bjets) >= 1")},
    ),
    (
        "sub-count of leptons",
        "Events with three leptons, two of which must form a same-flavour pair, are selected.",
        set(),
        {(None, "count(bjets) == 2")},
    ),
    (
        "veto, bullet",
        "The event selection requires: \u2022 at least two jets with pT > 40 GeV; \u2022 E_T^miss "
        "> 150 GeV; \u2022 no isolated leptons.",
        {(None, "count(leptons) == 0"), (None, "count(jets) >= 2"), (None, "met", ">", 150.0)},
        set(),
    ),
    (
        "veto, events with no",
        "We select events with no b-tagged jets.",
        {(None, "count(bjets) == 0")},
        set(),
    ),
    (
        "veto, zero",
        "Events are required to have zero leptons.",
        {(None, "count(leptons) == 0")},
        set(),
    ),
    (
        "veto, both flavours",
        "Events must have E_T^miss > 200 GeV and no electrons or muons.",
        {(None, "count(leptons) == 0")},
        {(None, "count(electrons) == 0"), (None, "count(muons) == 0")},
    ),
    (
        "veto, no additional",
        "Events with one photon and no additional photons are selected.",
        {(None, "count(photons) == 1")},
        {(None, "count(photons) == 0")},
    ),
    (
        "veto, no additional with nothing named before",
        "Events are required to have no additional photons.",
        set(),
        {(None, "count(photons) == 0")},
    ),
    ("not a veto, excess", "We see no significant excess of events with jets.", set(), set()),
    ("not a veto, requirement", "There is no requirement on jets in this selection.", set(), set()),
    ("not a veto, b-tagging", "No b-tagging is applied to the jets.", set(), set()),
    ("not a veto, constraint", "Events are selected with no constraint on leptons.", set(), set()),
    (
        "not a veto, regions",
        "Only events with zero b-tagged jets are used to define the search regions of compressed "
        "spectra.",
        set(),
        {(None, "count(bjets) == 0")},
    ),
    (
        "symbol, E_T^gamma",
        "Photons are required to have E_T^\u03b3 > 120 GeV and |\u03b7| < 1.44.",
        {("photons", "pt", ">", 120.0), ("photons", "eta", "<", 1.44)},
        set(),
    ),
    (
        "symbol, p_T^gamma",
        "Events are required to have p_T^\u03b3 > 150 GeV.",
        {("photons", "pt", ">", 150.0)},
        set(),
    ),
    (
        "symbol, p_T^l",
        "The selection requires p_T^\u2113 > 25 GeV.",
        {("leptons", "pt", ">", 25.0)},
        set(),
    ),
    (
        "symbol, p_T^e and p_T^mu",
        "We require p_T^e > 30 GeV and p_T^\u03bc > 25 GeV.",
        {("electrons", "pt", ">", 30.0), ("muons", "pt", ">", 25.0)},
        {("electrons", "pt", ">", 25.0)},
    ),
    (
        "symbol, E_T^{e}",
        "Events are required to have E_T^{e} > 35 GeV.",
        {("electrons", "pt", ">", 35.0)},
        set(),
    ),
    (
        "symbol, superscript first",
        "Events are required to have p^\u03b3_T > 175 GeV.",
        {("photons", "pt", ">", 175.0)},
        set(),
    ),
    (
        "symbol, ranked",
        "Events are required to have p_T^{j1} > 100 GeV and p_T^{j_2} > 50 GeV.",
        {(None, "nth(sort_desc(pt(jets)), 0) > 100"), (None, "nth(sort_desc(pt(jets)), 1) > 50")},
        set(),
    ),
    (
        "symbol, not an object",
        "Events are required to have p_T^miss > 200 GeV.",
        {(None, "met", ">", 200.0)},
        set(),
    ),
    (
        "symbol in a condition",
        "A cone radius R = 0.2 is used for p^\u2113_T < 50 GeV and 0.05 for p^\u2113_T > 200 GeV.",
        set(),
        {("leptons", "pt", "<", 50.0), ("leptons", "pt", ">", 200.0)},
    ),
    (
        "a veto as a noun, of a number of objects",
        "An additional veto is applied on events with more than two leptons.",
        {(None, "count(leptons) <= 2")},
        {(None, "count(leptons) > 2")},
    ),
    (
        "a veto as a noun, of any object",
        "A veto on events containing a b-tagged jet is applied.",
        {(None, "count(bjets) == 0")},
        set(),
    ),
    (
        "a veto of a number of objects is no veto of every one",
        "We veto events with more than one muon.",
        {(None, "count(muons) <= 1")},
        {(None, "count(muons) == 0")},
    ),
]


@pytest.mark.parametrize(("name", "text", "present", "absent"), SYNTHETIC)
def test_count_phrase_class_on_synthetic_sentences(
    name: str,
    text: str,
    present: set,  # type: ignore[type-arg]
    absent: set,  # type: ignore[type-arg]
) -> None:
    sel = _extract(text)  # validated
    cuts = _all(sel)
    assert present <= cuts, (name, sorted(map(str, cuts)))
    assert not absent & cuts, (name, sorted(map(str, cuts)))
    if name.startswith("not a veto"):
        assert not any(c.expr and c.expr.startswith("count(") for c in sel.all_cuts()), name


@pytest.mark.parametrize(
    "text", ["Events are required to have no veto tracks.", "Events with no isolated tracks."]
)
def test_a_veto_of_tracks_goes_to_unresolved_with_its_reason(text: str) -> None:
    sel = _extract(text)
    assert not any("tracks" in (c.expr or "") for c in sel.all_cuts())
    (item,) = [u for u in sel.unresolved if "count(tracks) == 0" in u.description]
    assert "tracks" in item.reason


def test_the_phrase_readers_are_shared() -> None:
    """The rules and the support check read the same phrases (count_phrases)."""
    (sub,) = count_phrases.sub_counts(
        prepare("at least six jets, at least one of which is b tagged")
    )
    assert (sub.op, sub.n, sub.outer_op, sub.outer_n, sub.outer_stated) == (">=", 1, ">=", 6, True)
    assert [v.n for v in count_phrases.no_objects(prepare("\u2022 no isolated leptons"))] == [0]
    assert count_phrases.no_objects(prepare("there is no requirement on jets")) == []


# (class, quote, target, cut form, words of the reason or None when it must be verified)
SUPPORT = [
    ("sub-count", "We require at least six jets, at least one of which is b tagged.", None,
     {"expr": "count(bjets) >= 1"}, None),
    ("sub-count, both", "We require two jets, both of which must be b tagged.", None,
     {"expr": "count(bjets) == 2"}, None),
    ("sub-count, no b tag in the clause",
     "We require at least six jets, at least one of which has pT > 100 GeV.", None,
     {"expr": "count(bjets) >= 1"}, "no count of bjets"),
    ("sub-count, direction", "We require at least six jets, at least one of which is b tagged.",
     None, {"expr": "count(bjets) == 1"}, "direction"),
    ("sub-count, the outer number", "We require at least six jets, at least one of which is b "
     "tagged.", None, {"expr": "count(bjets) >= 6"}, "not of bjets"),
    ("veto, bullet", "The selection requires: \u2022 at least two jets with pT > 40 GeV; \u2022 no "
     "isolated leptons.", None, {"expr": "count(leptons) == 0"}, None),
    ("veto, zero", "Events are required to have zero leptons.", None,
     {"expr": "count(leptons) == 0"}, None),
    ("veto, both flavours", "Events must have MET > 200 GeV and no electrons or muons.", None,
     {"expr": "count(leptons) == 0"}, None),
    ("veto, one flavour of both", "Events must have MET > 200 GeV and no electrons or muons.",
     None, {"expr": "count(electrons) == 0"}, "no veto of electrons"),
    ("veto, polarity", "The selection requires: \u2022 at least two jets with pT > 40 GeV; \u2022 "
     "no isolated leptons.", None, {"expr": "count(leptons) >= 1"}, "do not appear"),
    ("veto, other object", "The selection requires: \u2022 at least two jets with pT > 40 GeV; "
     "\u2022 no isolated leptons.", None, {"expr": "count(jets) == 0"}, "'no' here"),
    ("not a veto, requirement", "There is no requirement on jets.", None,
     {"expr": "count(jets) == 0"}, "no requirement on the jets"),
    ("not a veto, b-tagging", "No b-tagging is applied to the jets.", None,
     {"expr": "count(bjets) == 0"}, "no veto of bjets"),
    ("not a veto, regions", "Only events with zero b-tagged jets are used to define the search "
     "regions with one c-tagged jet.", None, {"expr": "count(bjets) == 0"}, "define some regions"),
    ("multiplicity symbol", "Events are required to have N_jet >= 4 and E_T^miss > 230 GeV.",
     None, {"expr": "count(jets) >= 4"}, None),
    ("multiplicity symbol, direction", "Events are required to have N_jet >= 4.", None,
     {"expr": "count(jets) == 4"}, "direction"),
    ("multiplicity symbol, bins", "The search regions are defined by N_jet = 2-3, 4-5, 6-7, "
     ">= 8.", None, {"expr": "count(jets) == 2"}, "no count of jets"),
    ("veto of failing objects", "Events containing a jet with pT > 20 GeV that fails the jet "
     "quality criteria are rejected.", None, {"expr": "count(jets) == 0"}, "failing a requirement"),
    ("veto of bad objects", "Events with bad jets are rejected.", None,
     {"expr": "count(jets) == 0"}, "failing a requirement"),
    ("number of", "The number of b-tagged jets must be exactly two.", None,
     {"expr": "count(bjets) == 2"}, None),
    ("number of, direction", "The number of b-tagged jets must be exactly two.", None,
     {"expr": "count(bjets) >= 2"}, "direction"),
    ("symbol", "Photons are required to have E_T^\u03b3 > 120 GeV.", "photons",
     {"variable": "pt", "op": ">", "value": 120}, None),
    ("symbol alone", "Events are required to have p_T^\u03b3 > 150 GeV.", "photons",
     {"variable": "pt", "op": ">", "value": 150}, None),
    ("symbol, superscript first", "Events are required to have p^\u2113_T > 25 GeV.", "leptons",
     {"variable": "pt", "op": ">", "value": 25}, None),
    ("symbol, other object", "Events are required to have p_T^\u03b3 > 150 GeV.", "jets",
     {"variable": "pt", "op": ">", "value": 150}, "names no jet"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "quote", "target", "form", "reason"), SUPPORT)
def test_the_support_check_reads_the_class_for_the_right_reasons(
    name: str,
    quote: str,
    target: str | None,
    form: dict,  # type: ignore[type-arg]
    reason: str | None,
) -> None:
    cut = _checked(quote, form, target)
    if reason is None:
        assert cut.status == "verified", (name, _reason(cut))
    else:
        assert cut.status == "unverified", (name, _reason(cut))
        assert reason in _reason(cut), (name, _reason(cut))


# real papers
SELECTION_037 = "at least one of which is b tagged"


def test_sub_count_and_track_veto_on_a_paper() -> None:
    """CMS-SUS-16-037: 'We select events with exactly one isolated charged lepton ..., no veto
    tracks, ..., and at least six small-R jets, at least one of which is b tagged.'"""
    findings = [f for f in extract_findings(_document(P037)) if SELECTION_037 in f.quote]
    counts = {(f.object, f.op, f.value) for f in findings if f.variable == "count"}
    assert {("jet", ">=", 6.0), ("bjet", ">=", 1.0), ("lepton", "==", 1.0)} <= counts
    assert ("track", "==", 0.0) in counts  # read, and left to legal.py
    sel = _paper(P037)
    assert not any("tracks" in (c.expr or "") for c in sel.all_cuts())
    assert any(
        "count(tracks) == 0" in u.description and "no veto tracks" in u.description
        for u in sel.unresolved
    )
    quote = next(f.quote for f in findings)
    assert _checked(quote, {"expr": "count(bjets) >= 1"}).status == "verified"
    assert _checked(quote, {"expr": "count(bjets) >= 6"}).status == "unverified"


def test_of_which_after_the_verb_on_a_paper() -> None:
    """arXiv:1312.1956: 'At least four jets with p_T > 25 GeV and |eta| < 2.5 are required, of which
    at least two must be identified as b-jets.'"""
    quoted = {
        c.expr
        for c in _paper(P1312).all_cuts()
        if c.expr and "of which at least two" in (c.provenance.quote if c.provenance else "")
    }
    assert "count(bjets) >= 2" in quoted
    cut = next(
        c
        for c in _paper(P1312).all_cuts()
        if c.expr == "count(bjets) >= 2" and c.provenance and "of which" in c.provenance.quote
    )
    assert cut.status == "verified", _reason(cut)


def test_regions_defined_by_a_count_on_a_paper() -> None:
    """CMS-SUS-16-032: 'Only events with zero b-tagged jets are used to define the search regions
    with exactly one or two c-tagged jets.' is no veto of b jets."""
    quoted = {
        c.expr
        for c in _paper(P032).all_cuts()
        if c.expr and "used to define" in (c.provenance.quote if c.provenance else "")
    }
    assert "count(bjets) == 0" not in quoted


def test_veto_after_have_on_a_paper() -> None:
    """CMS-SUS-16-017: 'Events must have no b-tagged jets, two or more jets with p_T > 80 GeV, ...'
    (a control sample: the zero count is read, its region is the clause's business)."""
    findings = [
        f for f in extract_findings(_document(P1812)) if "must have no b-tagged jets" in f.quote
    ]
    assert ("bjet", "==", 0.0) in {(f.object, f.op, f.value) for f in findings}


def test_a_symbol_in_a_condition_is_no_cut_on_a_paper() -> None:
    """CMS-SUS-16-042: 'R = 0.2 for p^l_T < 50 GeV, 10/p^l_T[GeV] for 50 < p^l_T < 200 GeV, and
    0.05 for p^l_T > 200 GeV' sets the isolation cone, not the lepton p_T."""
    cuts = _all(_paper(P1709))
    assert not {("leptons", "pt", "<", 50.0), ("leptons", "pt", ">", 200.0)} & cuts


def test_the_number_of_objects_in_a_selection_table_on_a_paper() -> None:
    """CMS-SUS-16-043, Table 1 (event selections): '... Number of b tags =2 Preselection level'."""
    findings = [f for f in extract_findings(_document(P1706)) if "Number of b tags" in f.quote]
    assert ("bjet", "==", 2.0) in {(f.object, f.op, f.value) for f in findings}
