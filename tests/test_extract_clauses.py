"""Clause judgements of the rule-based extractor: a synthetic sentence and the real paper
sentence (from ../shared/corpus/adl) for each general phrasing."""

from __future__ import annotations

import pytest

from pipeline.extract.clauses import (
    btag_definition,
    defines_control_region,
    is_condition,
    states_no_cut,
)
from pipeline.extract.patterns import prepare
from pipeline.extract.rules import extract_findings
from tests.conftest import shared_path
from tests.fakes.simple_pdf import load_pdf
from tests.test_extract_rules import found


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # b-tagging definitions: b-jets are the jets passing the quoted tagger
        ("Jets are b tagged with the MV2c10 algorithm at its 77% working point.", True),
        (
            "Jets are identified as b tagged using the combined secondary vertex (CSVv2) "
            "algorithm [54, 55].",
            True,
        ),
        (
            "Jets originating from b quarks are identified (b tagged) using the medium working "
            "point of the combined secondary vertex algorithm CSVv2 [62].",
            True,
        ),
        (
            "A subset of the jets are tagged as originating from b quarks using the combined "
            "secondary vertex algorithm [61, 62].",
            True,
        ),
        # not definitions: performance, figures, corrections
        (
            "The efficiency to identify a bottom jet is in the range of 50-65% for jets with pT "
            "between 20 and 400 GeV.",
            False,
        ),
        (
            "Figure 4 shows the b-tagged jet multiplicity distribution, identified with the "
            "medium b jet tagger.",
            False,
        ),
        (
            "Small differences between the b tagging efficiencies measured in data and simulation "
            "are corrected using scale factors.",
            False,
        ),
        ("Jets are required to have pT > 30 GeV.", False),
    ],
)
def test_btag_definition(sentence: str, expected: bool) -> None:
    finding = btag_definition(prepare(sentence), sentence)
    assert (finding is not None) == expected
    if finding is not None:
        assert (finding.object, finding.variable, finding.op, finding.value) == (
            "bjet",
            "btagged",
            "==",
            1.0,
        )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The lepton reconstruction and identification efficiency is in the range of 45-70% "
            "(70-90%) for electrons (muons) with p_T > 25 GeV.",
            True,
        ),
        ("The misidentification rate for light-flavour jets is about 1%.", True),
        (
            "The efficiency of this algorithm for jets arising from b quarks with p_T between 30 "
            "and 400 GeV is in the range 60\u201365% (70\u201375%) for the medium (loose) working "
            "point.",
            True,
        ),
        ("Electrons are required to have pT > 25 GeV.", False),
    ],
)
def test_performance_sentences_state_no_cut(sentence: str, expected: bool) -> None:
    assert states_no_cut(prepare(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The 3L control region requires at least two jets, E^miss_T > 30 GeV, and three "
            "leptons.",
            True,
        ),
        (
            "The dilepton tt-enriched sample consists of events with two tight electrons or muons.",
            True,
        ),
        (
            "For the background estimate, the photon CR is defined by requiring p^miss_T < 100 "
            "GeV.",
            True,
        ),
        ("Events in the signal region must have at least two jets.", False),
    ],
)
def test_control_region_sentences(sentence: str, expected: bool) -> None:
    assert defines_control_region(prepare(sentence)) == expected


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("The cone size is 10 GeV/pT if ", True),
        ("and 0.78 for ", True),
        ("if 50 < ", True),
        ("Jets are required to have ", False),
        ("with ", False),
    ],
)
def test_conditions(before: str, expected: bool) -> None:
    assert is_condition(before) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a fronted conditional clause qualifies the main clause; a trailing "rejected if" states
        # the cut
        (
            "In addition, if a jet is found within \u0394R < 0.4 from the leading photon, it is "
            "assumed that the jet p_T originates from the photon.",
            set(),
        ),
        (
            "Events are rejected if they contain a muon with p_T > 10 GeV.",
            {("muon", "pt", ">", 10.0, "GeV"), ("muon", "count", "==", 0.0, None)},
        ),
        (
            "Specifically, we use the loose working point to identify a leading b-tagged jet if "
            "it has p_T > 500 GeV.",
            set(),
        ),
        (
            "The reweighting factors range between 1.18 at p^ISR_T = 125 GeV and 0.78 for p^ISR_T "
            "> 600 GeV.",
            set(),
        ),
        # a condition qualifies another statement: no cut on pT
        (
            "The size of the cone is defined according to lepton p_T, as follows: if p_T < 50 "
            "GeV, 10 GeV/p_T, if 50 < p_T < 200 GeV, 0.05, if p_T > 200 GeV.",
            set(),
        ),
        # the denominator of a ratio is not the quantity cut on
        ("We require that |(p_T(ISR) + p^miss_T)|/p^miss_T < 0.5.", set()),
        # a function of several arguments names the quantity before its arguments
        (
            "Lepton veto tracks must satisfy M_T2(p^l, p^v_T, p^miss_T) < 80 GeV.",
            {("event", "mt2", "<", 80.0, "GeV")},
        ),
        # "within 2 mm" is a distance, not an eta value
        (
            "Muon and electron candidates are required to have p_T > 10 GeV, to be within "
            "|\u03b7| < 2.4, and to originate from within 2 mm of the beam axis in the transverse "
            "plane.",
            {
                ("muon", "pt", ">", 10.0, "GeV"),
                ("electron", "pt", ">", 10.0, "GeV"),
                ("muon", "eta", "<", 2.4, None),
                ("electron", "eta", "<", 2.4, None),
                ("muon", "d0", "<", 2.0, "mm"),
                ("electron", "d0", "<", 2.0, "mm"),
            },
        ),
        # the bracketed comparison belongs to the bracketed object
        (
            "We reject events containing isolated muons (electrons) with I_rel < 0.10 (I_rel < "
            "0.21).",
            {
                ("muon", "reliso", "<", 0.10, None),
                ("electron", "reliso", "<", 0.21, None),
                ("lepton", "count", "==", 0.0, None),
            },
        ),
        (
            "Electrons (muons) must satisfy pT > 30 GeV (pT > 20 GeV).",
            {("electron", "pt", ">", 30.0, "GeV"), ("muon", "pt", ">", 20.0, "GeV")},
        ),
        # separated objects: the subject keeps the Delta R requirement
        (
            "Jets must be separated from loosely identified leptons by \u0394R > 0.4.",
            {("jet", "dr", ">", 0.4, None)},
        ),
        (
            "Each lepton is required to be separated from jets in the event by \u0394R > 0.3.",
            {("lepton", "dr", ">", 0.3, None)},
        ),
        # tau_h leptons are taus
        (
            "The reconstructed \u03c4_h leptons have p_T > 20 GeV and |\u03b7| < 2.4.",
            {("tau", "pt", ">", 20.0, "GeV"), ("tau", "eta", "<", 2.4, None)},
        ),
        # p^sum_T / p_T is a relative isolation
        (
            "Second leptons are required to satisfy p^sum_T/p_T < 0.1.",
            {("lepton", "reliso", "<", 0.1, None)},
        ),
        # jet mass windows, one per tagged object; the soft-drop mass is the large-R jets'
        (
            "Jet mass is computed using the soft-drop algorithm [56], and is required to be "
            "between 65\u2013105 and 105\u2013210 GeV for W bosons and top quarks, respectively.",
            {
                ("fatjet", "msoftdrop", "between", (65.0, 105.0), "GeV"),
                ("fatjet", "msoftdrop", "between", (105.0, 210.0), "GeV"),
            },
        ),
        (
            "Large-radius jets are required to have a jet mass between 50 and 200 GeV.",
            {("fatjet", "m", "between", (50.0, 200.0), "GeV")},
        ),
        (
            "Jets are required to have a jet mass between 50 and 200 GeV.",
            {("jet", "m", "between", (50.0, 200.0), "GeV")},
        ),
    ],
)
def test_clause_rules_on_sentences(sentence: str, expected: set[tuple[object, ...]]) -> None:
    assert found(sentence) == expected


def test_real_papers_state_btag_and_control_regions() -> None:
    doc = load_pdf(shared_path("corpus", "adl", "CMS-SUS-16-035", "1704.07323.pdf"))
    findings = extract_findings(doc)
    btags = [f for f in findings if f.variable == "btagged"]
    assert len(btags) == 1 and "CSVv2" in btags[0].quote
    controls = {f.region for f in findings if f.region}
    assert controls and all(r.startswith("control_") for r in controls)
    assert not any(
        f.region for f in findings if f.variable == "pt" and f.value == 40.0
    )  # the jet threshold


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "a minimum requirement of X on Q"
        ("A lower threshold of 200 GeV on H_T is imposed.", {("event", "ht", ">", 200.0, "GeV")}),
        (
            "A minimum requirement of 150 GeV on M_CT is applied.",
            {("event", "mct", ">", 150.0, "GeV")},
        ),
        # "Q is required to be > X", "the requirement on Q is tightened to > X"
        ("Instead, L_T is required to be >250 GeV.", {("event", "lt", ">", 250.0, "GeV")}),
        # a trigger named as the reason does not make the offline cut a trigger threshold
        (
            "Because of the trigger requirements and the extensive jet activity expected in the "
            "chosen SUSY models, H_T is required to be >500 GeV.",
            {("event", "ht", ">", 500.0, "GeV")},
        ),
        (
            "Data events are selected using triggers that require an isolated muon with pT > 24 "
            "GeV.",
            set(),
        ),
        (
            "To suppress single-lepton backgrounds originating from semileptonic tt, W + jets, "
            "and single top quark processes, the preselection requirement on M_T is tightened to "
            ">150 GeV.",
            {("event", "mt", ">", 150.0, "GeV")},
        ),
        # a unitless value after "p_T ... is required to be" belongs to the angle named earlier,
        # not to pT
        (
            "The difference in azimuthal angle between the MET and the leading jets (ordered in "
            "p_T) is required to be >0.4.",
            {("event", "dphi", ">", 0.4, None)},
        ),
        # search bins starting from a value: the lower edge of the signal region
        (
            "For the zero-lepton boosted categories, the SRs are composed of five bins in M_R, "
            "starting from 800 GeV, and five bins in R^2, starting from 0.08.",
            {("event", "mr", ">=", 800.0, "GeV"), ("event", "rsq", ">=", 0.08, None)},
        ),
        (
            "The signal region is split into four bins of MET starting at 250 GeV.",
            {("event", "met", ">=", 250.0, "GeV")},
        ),
        # azimuthal separations
        (
            "A large fraction of QCD multijet events are rejected by the requirement that the "
            "azimuthal angle \u0394\u03c6_R between the axes of the two razor megajets is less "
            "than 2.8.",
            {("event", "dphi", "<", 2.8, None)},
        ),
        ("Events must satisfy \u0394\u03c6(jet, MET) > 0.5.", {("event", "dphi", ">", 0.5, None)}),
        # a squared Delta phi inside the Delta R definition is not a Delta phi cut (Isa-2025 report)
        (
            "Leptons are further required to be spatially separated by \u0394R = (\u0394\u03b7)^2 "
            "+ (\u0394\u03c6)^2 > 0.1 for same-flavor pairs and \u0394R > 0.2 for "
            "different-flavor pairs.",
            {("lepton", "dr", ">", 0.2, None)},
        ),
    ],
)
def test_event_quantity_phrasings(sentence: str, expected: set[tuple[object, ...]]) -> None:
    assert found(sentence) == expected


def test_title_and_abstract_state_no_cut() -> None:
    doc = load_pdf(shared_path("corpus", "adl", "CMS-SUS-16-047", "1707.06193.pdf"))
    abstract_end = next(b.end for b in doc.blocks if b.kind == "abstract")
    findings = extract_findings(doc)
    assert findings and all(
        doc.text.find(f.quote[:40]) >= abstract_end
        for f in findings
        if doc.text.find(f.quote[:40]) >= 0
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the sentence names the rejected events: a single condition is inverted to the kept side
        ("Events with fewer than 3 jets are rejected.", {("jet", "count", ">=", 3.0, None)}),
        (
            "One-lepton events with fewer than 4 jets are not considered in the analysis.",
            {("jet", "count", ">=", 4.0, None)},
        ),
        (
            "Events with two sameflavor leptons with invariant mass between 76 and 106 GeV are "
            "rejected to suppress Drell\u2013Yan background.",
            {("event", "mass", "outside", (76.0, 106.0), "GeV")},
        ),
        # several conditions rejected together do not invert one by one
        (
            "Events with a hadronic or leptonic isolated track with M_T2 below 60 or 80 GeV, "
            "respectively, are rejected.",
            {("event", "mt2", "<", 60.0, "GeV"), ("event", "mt2", "<", 80.0, "GeV")},
        ),
        # a veto already written as the kept side stays as it is
        (
            "Events are rejected if they contain a muon with p_T > 10 GeV.",
            {("muon", "pt", ">", 10.0, "GeV"), ("muon", "count", "==", 0.0, None)},
        ),
    ],
)
def test_rejected_events_keep_the_other_side(
    sentence: str, expected: set[tuple[object, ...]]
) -> None:
    assert found(sentence) == expected


def test_control_region_continues_in_the_next_sentence() -> None:
    from pipeline.parse.document import Block, Document, Section, SourceInfo

    text = (
        "2 Event selection\nEvents must have at least four jets with pT > 30 GeV. The W+jets "
        "control region requires exactly one lepton. These events must also have mT between 30 "
        "and 100 GeV. Signal events must have MET > 200 GeV.\n"
    )
    doc = Document(
        source=SourceInfo(paper_id="x", path="x.pdf", sha256="0" * 64, backend="pymupdf"),
        text=text,
        sections=[
            Section(id="s2", number="2", title="Event selection", level=1, start=0, end=len(text))
        ],
        blocks=[Block(id="b1", page=1, text=text, start=0, end=len(text), section="s2")],
    )
    regions = {(f.variable, f.region) for f in extract_findings(doc)}
    assert {("count", None), ("pt", None), ("met", None)} <= regions
    assert ("mt", "control_1") in regions and ("count", "control_1") in regions
