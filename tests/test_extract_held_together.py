"""Parts of a sentence that hold a cut together, read apart (issue 17 (a)-(c)), seventeenth session.

Each class is tested on synthetic sentences, with counterparts that must stay verified:

- alternatives after another clause ("Events must have at least two jets; in addition, H_T > 800
  GeV or E_T^miss > 250 GeV is required"): the clause before is read on its own, the alternatives
  are one cut ``(A) or (B)`` (``alternatives._or_comparisons``, ``Alternatives.before``); read flat
  they are flagged;
- a cut on the objects of one role given to their whole collection ("The W lepton ...", "the Z
  candidate leptons", "the two tagging jets", "the lepton from the W boson decay") or on some of
  the objects named before ("Exactly two jets are required; one of them must have |eta| > 2.5")
  is flagged (``support_objects.subset_problem``, ``support._some_of_them``);
- a veto of objects whose events are rejected only under a further condition ("Events with an
  electron ... are rejected if they also contain a muon ...") or that exempts some objects ("...,
  except for the selected tau candidate") is flagged;
- found by a development battery (120 sentences written and judged by a helper): a value for a
  range of another quantity ("pT > 25 GeV for |eta| < 2.4 and ..."), for one data-taking period
  ("In 2017 data, ...", "events in 2017-2018 require"), for the objects a requirement is waived for
  ("are exempt from the isolation requirement"), a quantity that is the argument of another
  ("mT(b, E_T^miss) above 150 GeV" read as E_T^miss), a flat value whose alternative under a
  condition was read apart and flagged ("pT > 15 GeV, or pT > 10 GeV if ...": the coverage check
  counts a flagged reading as no reading), the object "with the highest pT", and a pronoun subject
  ("Their visible pT must exceed 20 GeV and they must have ... tracks") given to the objects named
  after it are flagged; a muon's "track curvature" or "track fit quality" names no tracks.
"""

from __future__ import annotations

import pytest

from pipeline.audit.matching import cut_keys
from pipeline.extract.grounding import ground_selection
from pipeline.extract.support import check_support
from pipeline.extract.support_counted import check_counted_thresholds
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, Provenance, SelectionList
from pipeline.selection.validate import validate_selection
from tests.extract_cases import assert_not_verified, assert_verified
from tests.test_extract_lost_parts import _model_list
from tests.test_extract_support_classes import _document, _extracted

# (class, sentence, cuts that must not be verified)
WRONG = [
    (
        "alternatives after a clause read flat",
        "Events must have at least two jets; in addition, H_T > 800 GeV or E_T^miss > 250 GeV is "
        "required.",
        ["event: ht > 800", "event: met > 250"],
    ),
    (
        "the W lepton given to every lepton",
        "The W lepton is required to have pT > 20 GeV.",
        ["leptons: pt > 20"],
    ),
    (
        "the Z candidate leptons given to every lepton",
        "The Z candidate leptons must satisfy pT > 20 GeV.",
        ["leptons: pt > 20"],
    ),
    (
        "the tagging jets given to every jet",
        "The two tagging jets must have |eta| < 4.7 and be in opposite hemispheres.",
        ["jets: abs(eta) < 4.7"],
    ),
    (
        "the lepton from a decay given to every lepton",
        "The lepton from the W boson decay must have pT > 25 GeV.",
        ["leptons: pt > 25"],
    ),
    (
        "one of them given to every jet",
        "Exactly two jets are required; one of them must have |eta| > 2.5.",
        ["jets: abs(eta) > 2.5"],
    ),
    (
        "at least one of them given to every muon",
        "Muons must have pT > 20 GeV and |eta| < 2.4; at least one of them must also satisfy "
        "pT > 27 GeV.",
        ["muons: pt > 27"],
    ),
    (
        "a rejection under a further condition read as a veto",
        "Events with an electron with pT > 20 GeV are rejected if they also contain a muon with "
        "pT > 10 GeV or a photon with pT > 30 GeV.",
        ["event: not any((pt(electrons) > 20))"],
    ),
    (
        "a value for one eta range given to every jet",
        "Jets must satisfy pT > 20 GeV for |eta| < 2.5 and pT > 30 GeV in 2.5 < |eta| < 4.5.",
        ["jets: pt > 20"],
    ),
    (
        "a value of one data-taking period opening the sentence",
        "For the 2018 data, electrons are required to have E_T > 32 GeV rather than 27 GeV.",
        ["electrons: pt > 32"],
    ),
    (
        "values of two data-taking periods",
        "Events recorded in 2016 must have H_T > 300 GeV, while in 2017-2018 events need H_T > "
        "350 GeV.",
        ["event: ht > 300", "event: ht > 350"],
    ),
    (
        "a quantity that is an argument of another",
        "For events with at least two jets, m_T(j1, E_T^miss) must exceed 200 GeV.",
        ["event: not (count(jets) >= 2) or (met > 200)"],
    ),
    (
        "objects a requirement is waived for",
        "Muons with pT above 800 GeV are not required to satisfy the isolation criterion.",
        ["muons: pt > 800"],
    ),
    (
        "the object with the highest E_T",
        "The jet with the highest pT must have pT > 250 GeV and |eta| < 2.0.",
        ["jets: pt > 250", "jets: abs(eta) < 2"],
    ),
    (
        "a flat value whose alternative under a condition was read apart",
        "Muon candidates must have pT > 20 GeV, or pT > 12 GeV if the event has an electron.",
        ["muons: pt > 20"],
    ),
    (
        "a veto that exempts some objects",
        "No photon with E_T > 25 GeV may be present, apart from the selected photon candidate.",
        ["event: not any((pt(photons) > 25))"],
    ),
    (
        "a pronoun subject given to the objects named after it",
        "Hadronic tau candidates are seeded by jets. Their visible pT must exceed 25 GeV and they "
        "must have one or three tracks.",
        ["tracks: pt > 25"],
    ),
    (
        "a mass after a conjunction read as pT",
        "Events must contain at least one large-R jet with pT > 450 GeV and mass above 60 GeV.",
        ["fatjets: pt > 60"],
    ),
    (
        "the rank of a pair of flavours",
        "The leading electron or muon must have pT > 28 GeV.",
        ["electrons: pt > 28", "muons: pt > 28"],
    ),
    (
        "counts of the jets above other thresholds than the collection's",
        "At least one jet with pT > 120 GeV is required, and no more than five jets with pT > "
        "25 GeV.",
        ["event: count(jets) >= 1", "event: count(jets) <= 5"],
    ),
    (
        "a channel's requirements in LaTeX",
        "For the 2\\ell SS channel, events must have two tight same-sign leptons with $p_{T} > 20$ "
        "GeV and at least four jets.",
        ["leptons: pt > 20", "event: count(jets) >= 4"],
    ),
    (
        "a channel opening the sentence",
        "The e\\mu channel requires one electron with pT > 25 GeV and one muon with pT > 20 GeV.",
        ["electrons: pt > 25", "muons: pt > 20", "event: count(electrons) == 1"],
    ),
    (
        "a category named after its variable",
        "The invariant mass of the two b-jets must satisfy 100 < m_{bb} < 140 GeV in the "
        "high-p_T^V category.",
        ["event: 100 < mbb < 140"],
    ),
    (
        "a requirement of the events of one multiplicity after a semicolon",
        "In events with exactly one jet, that jet is required to have pT > 60 GeV; in events with "
        "two jets, the subleading jet must have pT > 40 GeV.",
        ["jets: pt > 60", "event: count(jets) == 1"],
    ),
    (
        "a veto of b-tagged jets read as a veto of every jet",
        "Events containing a jet with pT > 30 GeV and |eta| < 2.4 identified as a b jet at the "
        "loose working point are discarded.",
        ["event: not any((pt(jets) > 30) and (abs(eta(jets)) < 2.4))"],
    ),
    (
        "an object that need not be there required",
        "The leading lepton must have pT > 25 GeV, and the third lepton, if present, pT > 10 GeV.",
        ["event: nth(sort_desc(pt(leptons)), 2) > 10"],
    ),
    (
        "the objects a further requirement is for read as a definition",
        "Jets are required to have pT > 20 GeV and |eta| < 2.8; jets with pT < 60 GeV and |eta| < "
        "2.4 must satisfy the JVT requirement.",
        ["jets: pt < 60", "jets: abs(eta) < 2.4"],
    ),
    (
        "the lepton outside the Z pair read as the third by pT",
        "The same-flavour opposite-sign lepton pair with invariant mass closest to m_Z must "
        "satisfy |m_ll - m_Z| < 10 GeV, and the third lepton must have pT > 20 GeV.",
        ["event: nth(sort_desc(pt(leptons)), 2) > 20"],
    ),
    (
        "no requirement read as none of the objects",
        "SR-B requires E_T^miss > 350 GeV with no b-jet requirement.",
        ["event: count(bjets) == 0"],
    ),
    (
        "a validation region's requirement read as the signal selection's",
        "The validation region VR-1L is defined with exactly one lepton and 100 < m_T < 150 GeV, "
        "while the signal region requires E_T^miss > 250 GeV.",
        ["event: count(leptons) == 1", "event: 100 < mt < 150"],
    ),
    (
        "a veto before alternatives read as the objects' definition (review)",
        "Events must contain no jets with pT > 30 GeV; in addition, E_T^miss > 250 GeV or H_T > 1 "
        "TeV is required.",
        ["jets: pt > 30"],
    ),
    (
        "a muon's track property read as tracks",
        "Muons with a track fit quality chi2/ndf above 10 are rejected, as are those with pT > 2 "
        "TeV.",
        ["tracks: pt <= 2000"],
    ),
]

# (class, sentence, cuts that must be verified)
RIGHT = [
    (
        "alternatives after a clause",
        "Events must have at least two jets; in addition, H_T > 800 GeV or E_T^miss > 250 GeV is "
        "required.",
        ["event: count(jets) >= 2", "event: (ht > 800) or (met > 250)"],
    ),
    (
        "an object definition before alternatives",
        "Jets must have pT > 30 GeV and |eta| < 2.5; events are required to have H_T > 800 GeV or "
        "E_T^miss > 250 GeV.",
        ["jets: pt > 30", "jets: abs(eta) < 2.5", "event: (ht > 800) or (met > 250)"],
    ),
    (
        "all of them",
        "Muons must have pT > 20 GeV; all of them must also satisfy |eta| < 2.4.",
        ["muons: pt > 20", "muons: abs(eta) < 2.4"],
    ),
    (
        "the photons of the selection",
        "The photon must have E_T > 150 GeV.",
        ["photons: pt > 150"],
    ),
    (
        "an eta range that is the jets' own",
        "Jets must satisfy pT > 20 GeV and |eta| < 2.5.",
        ["jets: pt > 20", "jets: abs(eta) < 2.5"],
    ),
    (
        "the dataset's year in another sentence",
        "We analyse the data recorded in 2016. Events must have H_T > 300 GeV.",
        ["event: ht > 300"],
    ),
    (
        "a conditional cut on an event quantity",
        "For events with at least two jets, E_T^miss must exceed 200 GeV.",
        ["event: not (count(jets) >= 2) or (met > 200)"],
    ),
    (
        "a veto of the n-th object",
        "Events with a jet with pT > 30 GeV other than the two leading jets are vetoed.",
        ["event: not (nth(sort_desc(pt(jets)), 2) > 30)"],
    ),
    (
        "a count above a higher threshold than another sentence's definition",
        "Jets must have pT > 20 GeV. Events must have at least two jets with pT > 35 GeV.",
        ["jets: pt > 20", "event: nth(sort_desc(pt(jets)), 1) > 35"],
    ),
    (
        "a count above the collection's own threshold",
        "Jets must have pT > 35 GeV. Events must have at least two jets with pT > 35 GeV.",
        ["jets: pt > 35", "event: count(jets) >= 2"],
    ),
    (
        "a count whose qualifier defines the collection",
        "Events must have at least two jets with pT > 35 GeV.",
        ["jets: pt > 35", "event: count(jets) >= 2"],
    ),
    (
        "a pair mass whose objects no sentence defines",
        "The dilepton invariant mass is required to lie within 81 < m_ll < 101 GeV.",
        ["event: 81 < mll < 101"],
    ),
    (
        "a diphoton mass whose photons no sentence defines",
        "The invariant mass of the two photons must lie between 105 and 160 GeV.",
        ["event: 105 < mgammagamma < 160"],
    ),
    (
        "a lepton's transverse mass whose leptons no sentence defines",
        "The transverse mass of the lepton and the missing transverse momentum, m_T, must exceed "
        "130 GeV.",
        ["event: mt > 130"],
    ),
    (
        "LaTeX relations and styles",
        "Events must have at least four jets with $p_{\\mathrm{T}} \\geq 30~\\mathrm{GeV}$ and "
        "$E_{\\mathrm{T}}^{\\mathrm{miss}} \\geq 200$~GeV.",
        ["jets: pt >= 30", "event: met >= 200", "event: count(jets) >= 4"],
    ),
    (
        "a LaTeX pseudorapidity and pair mass",
        "Leptons must have $|\\eta| < 2.5$, and $m_{\\ell\\ell} > 12$ GeV is required.",
        ["leptons: abs(eta) < 2.5", "event: mll > 12"],
    ),
    (
        "a Delta phi named in an apposition",
        "Leptons must have pT > 10 GeV. The azimuthal angle between the two leptons, Delta "
        "phi_ll, must be smaller than 1.8.",
        ["event: dphi < 1.8"],
    ),
    (
        "the event selection is no channel",
        "The event selection requires E_T^miss > 150 GeV.",
        ["event: met > 150"],
    ),
    (
        "the n-th object's cut where there is one",
        "The leading lepton must have pT > 25 GeV, and the third lepton, if present, pT > 10 GeV.",
        [
            "event: nth(sort_desc(pt(leptons)), 0) > 25",
            "event: not (count(leptons) >= 3) or (nth(sort_desc(pt(leptons)), 2) > 10)",
        ],
    ),
    (
        "a veto of every jet above a value",
        "Events containing a jet with pT > 30 GeV are discarded.",
        ["event: not any((pt(jets) > 30))"],
    ),
    (
        "a veto conditioned on any jet",
        "Jets are required to have pT > 30 GeV. Events are vetoed if any jet with pT > 30 GeV has "
        "Delta phi(jet, E_T^miss) < 0.4.",
        ["jets: pt > 30"],
    ),
    (
        "objects selected by a with-phrase",
        "Jets with pT > 30 GeV and |eta| < 2.4 are selected.",
        ["jets: pt > 30", "jets: abs(eta) < 2.4"],
    ),
    (
        "the third lepton by pT",
        "The leading lepton must have pT > 25 GeV, the second pT > 20 GeV and the third lepton pT "
        "> 15 GeV.",
        ["event: nth(sort_desc(pt(leptons)), 2) > 15"],
    ),
    (
        "no objects of a kind",
        "Events must contain no b-tagged jets.",
        ["event: count(bjets) == 0"],
    ),
    (
        "the signal region's requirement after a validation region's",
        "The validation region VR-1L is defined with exactly one lepton and 100 < m_T < 150 GeV, "
        "while the signal region requires E_T^miss > 250 GeV.",
        ["event: met > 250"],
    ),
    (
        "the signal region's requirement after a control sample's",
        "The normalisation is taken from a control region with E_T^miss between 100 and 200 GeV, "
        "while the signal region requires E_T^miss > 200 GeV.",
        ["event: met > 200"],
    ),
    (
        "requirements after overlap removal",
        "After overlap removal, events are required to contain exactly one lepton with p_T > 27 "
        "GeV and at least four jets with p_T > 25 GeV.",
        ["leptons: pt > 27", "event: count(leptons) == 1", "event: count(jets) >= 4"],
    ),
    (
        "an electron's supercluster pseudorapidity",
        "Electrons must satisfy p_{T} > 25 GeV and |\\eta_{SC}| < 2.5.",
        ["electrons: pt > 25", "electrons: abs(eta) < 2.5"],
    ),
    (
        "a soft-drop mass written with braces",
        "Large-R jets must have m_{SD} > 50 GeV.",
        ["fatjets: msoftdrop > 50"],
    ),
    (
        "a veto with no further condition",
        "Events containing an electron with pT > 10 GeV are rejected.",
        ["event: not any((pt(electrons) > 10))"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_no_wrong_cut_is_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_cut_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)


def _counted(sel: SelectionList, quote: str) -> SelectionList:
    return check_counted_thresholds(sel, _document("Introduction.\n\nSome text. " + quote))


def test_a_models_count_above_another_threshold_is_flagged() -> None:
    """The check of counts is one of the whole list: a model's count of the jets above 100 GeV,
    on jets its list defines above 30 GeV, is flagged; at 30 GeV it stays verified."""
    quote = "Jets must have pT > 30 GeV, and events need at least one jet with pT > 100 GeV."
    cuts = [
        ("jets", {"variable": "pt", "op": ">", "value": 30, "unit": "GeV"}),
        (None, {"expr": "count(jets) >= 1"}),
    ]
    sel = _counted(_model_list(quote, cuts), quote)
    count = next(c for c in sel.all_cuts() if c.expr)
    assert count.status == "unverified", count.grounding
    assert "pT above 100 GeV" in count.grounding.reason  # type: ignore[union-attr]
    quote = "Jets must have pT > 30 GeV, and events need at least one jet with pT > 30 GeV."
    sel = _counted(_model_list(quote, cuts), quote)
    assert all(c.status == "verified" for c in sel.all_cuts()), sel.all_cuts()


def test_a_pair_mass_of_undefined_objects_is_defined_and_validates() -> None:
    """'the dilepton invariant mass' in a paper whose lepton definitions were not read: m_ll is
    still defined (from the leptons, an assumption the reviewer sees) and the list validates; a
    bare 'm_T' of nothing named stays unresolved."""
    sel = _extracted("The dilepton invariant mass is required to lie within 81 < m_ll < 101 GeV.")
    assert validate_selection(sel) == []
    assert [d.name for d in sel.derived] == ["mll"]
    assert any(a.id == "definition_mll" for a in sel.assumptions)
    assert [o.name for o in sel.objects] == ["leptons"]
    bare = _extracted("Events must have m_T > 100 GeV.")
    assert not bare.all_cuts() and "unknown name 'mt'" in bare.unresolved[0].reason


def test_a_models_count_qualifier_made_the_collections_definition_is_flagged() -> None:
    """A model writes 'at least two jets with pT > 35 GeV' as jets pT > 35 and a count, while its
    list defines the jets above 20 GeV from another sentence: both flagged (the rules write the
    second jet's pT instead)."""
    doc = _document(
        "Introduction.\n\nJets must have pT > 20 GeV. Events must have at least two jets with pT > "
        "35 GeV. More text."
    )
    first, second = (
        "Jets must have pT > 20 GeV.",
        "Events must have at least two jets with pT > 35 GeV.",
    )
    jets = [
        _cut(
            "a", first, scope="object", target="jets", variable="pt", op=">", value=20, unit="GeV"
        ),
        _cut(
            "b", second, scope="object", target="jets", variable="pt", op=">", value=35, unit="GeV"
        ),
    ]
    sel = SelectionList(
        paper=PaperRef(id="test"),
        objects=[PhysicsObject(name="jets", kind="jet", cuts=jets)],
        selection=[_cut("c", second, expr="count(jets) >= 2")],
    )
    sel = check_counted_thresholds(check_support(ground_selection(sel, doc), doc), doc)
    status = {c.id: c.status for c in sel.all_cuts()}
    assert status == {"a": "verified", "b": "unverified", "c": "unverified"}, sel.all_cuts()


def _cut(id: str, quote: str, **form: object) -> Cut:
    return Cut.model_validate(
        {
            "id": id,
            "description": id,
            **form,
            "provenance": Provenance(source="paper", document="test", quote=quote),
        }
    )


def test_the_scorer_keys_the_cut_on_a_present_object_as_adl_does() -> None:
    """ADL writes 'if present' as 'Size(jets) > 2 ? pT(jets[2]) > 30 : ALL', which the scorer
    keys as the third jet's pT; the conditional cut is keyed the same (not as a jet count)."""
    cut = Cut(
        id="c",
        description="c",
        expr="not (count(jets) >= 3) or (nth(sort_desc(pt(jets)), 2) > 30)",
    )
    assert cut_keys(cut, {"jets": "jet"}) == [("jet", "pt#2", "lower", (30.0,))]
