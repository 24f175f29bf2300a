"""Classes a held-out battery found verified and wrong (issue 17 (b)), nineteenth session.

A helper wrote 150 sentences with their cuts without reading the code, and a judge scored the
starting code's output (28 of 176 verified cuts wrong). Each class is tested here on sentences
of its own, not the battery's:

- 'Jets must have pT > 25 GeV, except the leading jet, which must have pT > 200 GeV': the
  excepted jet's own requirement is the leading jet's, the other value every jet's (both were
  read as the second jet's);
- a region as the subject by a name after 'Signal region' ('Signal region Gbb-2L-A requires');
  a named selection or final state ('The monojet selection requires', 'The targeted final
  state requires') is the paper's selection, a selection of objects ('The lepton selection
  requires') names no region;
- statements that are not the selection: a fiducial phase space, a tag-and-probe sample (also
  its second 'and the pair mass to be ...'), seed clusters of a reconstruction, objects used
  only in the computation of E_T^miss;
- 'The two signal leptons must have pT > 25 and 20 GeV': the values in order for the N objects;
- 'with the region 1.37 < |eta| < 1.52 excluded': the range is left out (it was kept);
- 'Events with a jet in the region 2.5 < |eta| < 3.0 are rejected': a veto of some jets, not of
  every jet;
- quantities the reader does not know ('amT2', 'the topness variable') are no M_T2, and the
  transverse mass of 'the third lepton' is not the leading lepton's m_T the list defines;
- 'the muon assigned to the Z boson', 'in the spin-2 search', 'except SR-B, where ...': some
  objects, one search, one region;
- 'Delta phi(jet, MET) > 0.4 for all selected jets' after 'a leading jet': every jet's angle.
"""

from __future__ import annotations

import pytest

from tests.extract_cases import assert_not_verified, assert_verified
from tests.test_extract_region_openings import _verified_in_regions

WRONG = [
    (
        "the excepted leading jet's own requirement",
        "Jets must have pT > 25 GeV, except the leading jet, which must have pT > 200 GeV.",
        ["event: nth(sort_desc(pt(jets)), 1) > 200", "event: nth(sort_desc(pt(jets)), 1) > 25"],
    ),
    (
        "the excepted leading jet's own requirement, 'apart from'",
        "All jets must have pT > 30 GeV, apart from the leading jet, which is required to have "
        "pT > 100 GeV.",
        ["event: nth(sort_desc(pt(jets)), 1) > 100"],
    ),
    (
        "a region named after 'Signal region'",
        "Signal region Gbb-2L-A requires at least four jets, ETmiss > 400 GeV and meff > 1.8 TeV.",
        ["event: met > 400", "event: meff > 1800", "event: count(jets) >= 4"],
    ),
    (
        "a fiducial phase space",
        "The fiducial phase space for the Z measurement is defined by lepton pT > 25 GeV and "
        "66 < mll < 116 GeV.",
        ["leptons: pt > 25", "event: 66 < mll < 116"],
    ),
    (
        "a tag-and-probe sample, both objects of one 'requiring'",
        "Muon reconstruction efficiencies are measured using the tag-and-probe method with "
        "Z -> mumu events, requiring the tag muon to have pT > 30 GeV and the pair mass to be "
        "within 10 GeV of the Z boson mass.",
        ["muons: pt > 30", "event: min_of(abs(mass(sfos_pairs(leptons)) - 91.1876)) < 10"],
    ),
    (
        "seed clusters of a reconstruction",
        "Photons are reconstructed from clusters of energy deposits in the calorimeter, where "
        "the seed clusters are required to have transverse energy above 1.5 GeV.",
        ["photons: pt > 1.5"],
    ),
    (
        "objects used only in the computation of the MET",
        "Jets with pT > 20 GeV in the forward region 2.5 < |eta| < 4.5 are used only in the "
        "computation of ETmiss.",
        ["jets: pt > 20", "jets: 2.5 < abs(eta) < 4.5"],
    ),
    (
        "the N objects as the subject, values in order",
        "The two signal leptons must have pT > 25 and 20 GeV.",
        ["leptons: pt > 25"],
    ),
    (
        "a range left out, 'excluded' after it",
        "Taus must have pT > 20 GeV and |eta| < 2.5, with the region 1.37 < |eta| < 1.52 excluded.",
        ["taus: 1.37 < abs(eta) < 1.52"],
    ),
    (
        "a veto of jets in a range",
        "Events with a jet in the region 2.5 < |eta| < 3.0 are rejected.",
        ["event: count(jets) == 0", "jets: abs(eta) < 2.5 or abs(eta) > 3"],
    ),
]

WRONG += [
    (
        "a symbol without a subscript mark that the reader does not know",
        "The asymmetric stransverse mass amT2 must be above 170 GeV.",
        ["event: mt2 > 170"],
    ),
    (
        "a variable the reader does not know after a known one",
        "The asymmetric stransverse mass amT2 must exceed 200 GeV, and the topness variable is "
        "required to be greater than 8.",
        ["event: mt2 > 8", "event: mt2 > 200"],
    ),
    (
        "the transverse mass of another lepton than the leading one",
        "The transverse mass built from the third lepton and the missing transverse momentum "
        "must exceed 100 GeV.",
        ["event: met > 100", "event: mt > 100"],
    ),
    (
        "the lepton of one boson",
        "The muon assigned to the Z boson must have pT > 15 GeV.",
        ["muons: pt > 15"],
    ),
    (
        "one of the paper's searches",
        "For the spin-0 search, the photons must satisfy ET > 0.35 mgg, whereas a fixed "
        "threshold of 40 GeV is applied to both photons in the spin-2 search.",
        ["photons: pt > 40"],
    ),
    (
        "the region excepted from a veto",
        "A b-jet veto is applied in all signal regions except SR-B, where exactly two b-tagged "
        "jets are required instead.",
        ["event: count(bjets) == 2"],
    ),
]

WRONG += [
    (
        "a value for the events of one multiplicity",
        "Events must have MET > 150 GeV and HT > 120 GeV for 2-jet events (150 GeV for 3-jet "
        "events).",
        ["event: ht > 120"],
    ),
]

RIGHT = [
    (
        "the excepted leading jet's own requirement",
        "Jets must have pT > 25 GeV, except the leading jet, which must have pT > 200 GeV.",
        ["jets: pt > 25", "event: nth(sort_desc(pt(jets)), 0) > 200"],
    ),
    (
        "a veto of the jets besides the leading one",
        "Events with a jet with pT > 50 GeV other than the leading jet are vetoed.",
        ["event: not (nth(sort_desc(pt(jets)), 1) > 50)"],
    ),
    (
        "a region named after 'Signal region'",
        "Signal region Gbb-2L-A requires at least four jets, ETmiss > 400 GeV and meff > 1.8 TeV.",
        ["region gbb_2l_a: met > 400", "region gbb_2l_a: count(jets) >= 4"],
    ),
    (
        "a named selection is the selection (a paper with several says so in other words)",
        "The monojet selection requires ETmiss > 250 GeV and a leading jet with pT > 250 GeV.",
        ["event: met > 250", "event: nth(sort_desc(pt(jets)), 0) > 250"],
    ),
    (
        "a selection of objects names no region",
        "The lepton selection requires exactly two leptons.",
        ["event: count(leptons) == 2"],
    ),
    (
        "the N objects as the subject, values in order",
        "The two photons must have ET > 40 and 30 GeV.",
        [
            "event: nth(sort_desc(pt(photons)), 0) > 40",
            "event: nth(sort_desc(pt(photons)), 1) > 30",
        ],
    ),
    (
        "a range left out, 'excluded' after it",
        "Taus must have pT > 20 GeV and |eta| < 2.5, with the region 1.37 < |eta| < 1.52 excluded.",
        ["taus: abs(eta) < 1.37 or abs(eta) > 1.52", "taus: pt > 20"],
    ),
    (
        "objects in a range are excluded",
        "Electrons in the region 1.37 < |eta| < 1.52 are excluded.",
        ["electrons: abs(eta) < 1.37 or abs(eta) > 1.52"],
    ),
    (
        "a selection 'requiring' two objects",
        "Events are selected requiring the leading muon to have pT > 30 GeV and the dimuon mass "
        "to be within 10 GeV of the Z boson mass.",
        ["event: min_of(abs(mass(sfos_pairs(leptons)) - 91.1876)) < 10"],
    ),
]


RIGHT += [
    (
        "a known symbol before the verb",
        "The stransverse mass mT2 must exceed 100 GeV.",
        ["event: mt2 > 100"],
    ),
    (
        "the transverse mass of the lepton",
        "The transverse mass of the lepton and MET must exceed 100 GeV.",
        ["event: mt > 100"],
    ),
]


def test_angle_of_every_jet_named_after_a_leading_jet() -> None:
    """'a leading jet with pT > 150 GeV, ..., and Delta phi(jet, MET) > 0.4 for all selected
    jets': the angle is the smallest over every jet (it was the leading jet's alone)."""
    from pipeline.extract.named_quantities import dphi_definition

    quote = (
        "The selection requires ETmiss > 200 GeV, a leading jet with pT > 150 GeV and |eta| < "
        "2.4, at most four jets with pT > 30 GeV, and Delta phi(jet, MET) > 0.4 for all "
        "selected jets."
    )
    definition = dphi_definition(quote)
    assert definition is not None
    assert definition[0] == "min_of(delta_phi(jets, met_vec))"


# a class the last session's note left open: the flavours of ranked leptons in apposition
WRONG += [
    (
        "the flavours of ranked leptons in apposition",
        "The leading and subleading leptons, electrons or muons, must have pT > 25 and 20 GeV.",
        ["electrons: pt > 25", "muons: pt > 20", "leptons: pt > 25", "electrons: pt > 20"],
    ),
    (
        "the flavours of the leading lepton in brackets",
        "The leading lepton (electron or muon) must have pT > 25 GeV.",
        ["muons: pt > 25", "electrons: pt > 25"],
    ),
]
RIGHT += [
    (
        "the flavours of ranked leptons in apposition",
        "The leading and subleading leptons, electrons or muons, must have pT > 25 and 20 GeV.",
        [
            "event: nth(sort_desc(pt(leptons)), 0) > 25",
            "event: nth(sort_desc(pt(leptons)), 1) > 20",
        ],
    ),
    (
        "the flavours of the leading lepton in brackets",
        "The leading lepton, either an electron or a muon, must have pT > 27 GeV.",
        ["event: nth(sort_desc(pt(leptons)), 0) > 27"],
    ),
]

# a unit after each listed value, with no "respectively"
WRONG += [
    (
        "the second ranked value after its own unit",
        "The two leading jets must have pT > 200 GeV and 100 GeV.",
        ["event: nth(sort_desc(pt(jets)), 1) > 200"],
    ),
    (
        "the second ranked value after a repeated sign",
        "The leading and subleading jets must have pT > 200 GeV and > 100 GeV.",
        ["event: nth(sort_desc(pt(jets)), 1) > 200"],
    ),
    (
        "two values of one event quantity",
        "Signal regions require MET > 200 GeV and 300 GeV.",
        ["event: met > 200", "event: met > 300"],
    ),
]
RIGHT += [
    (
        "the second ranked value after its own unit",
        "The two leading jets must have pT > 200 GeV and 100 GeV.",
        ["event: nth(sort_desc(pt(jets)), 0) > 200", "event: nth(sort_desc(pt(jets)), 1) > 100"],
    ),
]

# a tagger's efficiency working point is no efficiency statement
RIGHT += [
    (
        "a cut beside the tagger's efficiency working point",
        "b-tagged jets are identified with the MV2c10 algorithm at the 77% efficiency working "
        "point and must have |η| < 2.5.",
        ["bjets: abs(eta) < 2.5"],
    ),
]
WRONG += [
    (
        "a rejection factor at a working point",
        "The 70% efficiency working point is used, which gives a rejection factor of 300 for "
        "jets with pT > 20 GeV.",
        ["jets: pt > 20"],
    ),
]

# a requirement and a veto in one sentence: each read as a sentence of its own
RIGHT += [
    (
        "a veto of the objects beyond the selected ones after ';'",
        "The leading photon must have ET > 145 GeV; events with an additional photon with "
        "ET > 50 GeV are vetoed.",
        [
            "event: nth(sort_desc(pt(photons)), 0) > 145",
            "event: not (nth(sort_desc(pt(photons)), 1) > 50)",
        ],
    ),
    (
        "a veto of a window after ', and'",
        "The dimuon invariant mass must exceed 4 GeV, and events with 9 < m_mumu < 10.5 GeV are "
        "rejected.",
        ["event: mmumu < 9 or mmumu > 10.5"],
    ),
    (
        "a b-jet veto after ';'",
        "Jets must have pT > 30 GeV; events with a b-tagged jet are rejected.",
        ["jets: pt > 30", "event: count(bjets) == 0"],
    ),
]
WRONG += [
    (
        "a veto of 'such' objects names the requirement's",
        "At least one large-R jet with pT > 250 GeV is required, and events with more than two "
        "such jets are discarded.",
        ["event: count(jets) <= 2"],
    ),
    (
        "a veto of one region's events",
        "In the soft-lepton signal regions, muons must have pT > 3 GeV, and events with "
        "3.0 < m_ll < 3.2 GeV are removed.",
        ["event: mll < 3 or mll > 3.2"],
    ),
]

# a review (a read-only helper) of this session's rules found these; each failed before its fix
WRONG += [
    (
        "the value after the excepted object's own requirement is every other jet's",
        "All jets except the leading jet, which must have pT > 250 GeV, are required to have "
        "pT > 30 GeV.",
        ["event: nth(sort_desc(pt(jets)), 0) > 30"],
    ),
    (
        "a range with a positive lower edge picks some jets, whatever the verb",
        "Jets in the region 2.5 < |eta| < 4.5 must have pT > 40 GeV.",
        ["jets: pt > 40", "jets: 2.5 < abs(eta) < 4.5"],
    ),
    (
        "a detector part opening the sentence without a comma",
        "In the barrel region electrons must have pT > 25 GeV.",
        ["electrons: pt > 25"],
    ),
]
RIGHT += [
    (
        "the excepted object's own requirement: the others' value is every jet's",
        "All jets except the leading jet, which must have pT > 250 GeV, are required to have "
        "pT > 30 GeV.",
        ["jets: pt > 30", "event: nth(sort_desc(pt(jets)), 0) > 250"],
    ),
    (
        "a product in brackets and a cut after 'and'",
        "The VBF jets are required to lie in opposite hemispheres (negative product of their "
        "pseudorapidities) and to have m_jj > 400 GeV and |Delta eta_jj| > 3.5.",
        ["event: mjj > 400"],
    ),
    (
        "a ratio and a cut after 'and'",
        "Photons must have a ratio of hadronic to electromagnetic energy H/E below 5% and "
        "ET > 30 GeV.",
        ["photons: pt > 30"],
    ),
    (
        "a fraction and a window after 'and'",
        "Events are required to have a jet charged-energy fraction of at least 10% and a dijet "
        "invariant mass between 500 and 1000 GeV.",
        ["event: 500 < mjj < 1000"],
    ),
    (
        "an object's label before an apposition",
        "The hadronic W candidate W_had, the large-R jet with the highest pT, is required to "
        "have a transverse momentum above 200 GeV.",
        ["event: nth(sort_desc(pt(fatjets)), 0) > 200"],
    ),
    (
        "a quantity named after an apposition",
        "Photon candidates, the ones passing the tight identification criteria, must have a "
        "transverse energy above 25 GeV.",
        ["photons: pt > 25"],
    ),
    (
        "the detector's fiducial region is its acceptance",
        "Electrons are required to be within the fiducial region of the calorimeter, "
        "|eta| < 2.47, and to have pT > 25 GeV.",
        ["electrons: abs(eta) < 2.47", "electrons: pt > 25"],
    ),
    (
        "an efficiency word inside what 'requiring' requires",
        "Events are selected by requiring exactly two jets b-tagged with the 77% efficiency "
        "working point and the missing transverse momentum to be above 150 GeV.",
        ["event: met > 150"],
    ),
    (
        "a generic final state is the selection",
        "The targeted final state requires exactly one lepton with pT > 30 GeV and MET > 30 GeV.",
        ["event: met > 30", "event: count(leptons) == 1"],
    ),
    (
        "a symmetric signed range is the acceptance",
        "Jets in the range -2.5 < eta < 2.5 are required to have pT > 30 GeV.",
        ["jets: pt > 30", "jets: abs(eta) < 2.5"],
    ),
    (
        "a detector part in another ';' clause",
        "In the central region, the tracker provides precise measurements; jets must have "
        "pT > 30 GeV and |eta| < 2.4.",
        ["jets: pt > 30", "jets: abs(eta) < 2.4"],
    ),
    (
        "a CMS absolute value around a braced superscript",
        "Jets must have $\\pt > 30\\GeV$ and $\\abs{\\eta^{\\text{jet}}} < 2.4$.",
        ["jets: abs(eta) < 2.4"],
    ),
]


# the final judging of the battery found one more class verified and wrong
WRONG += [
    (
        "the jets b-jets are chosen from",
        "b-jets are identified among the jets with pT > 25 GeV and |η| < 2.5 using the DL1r "
        "tagger.",
        ["jets: pt > 25", "jets: abs(eta) < 2.5"],
    ),
]

# the objects another is built from or matched to are not the requirement's
WRONG += [
    (
        "taus reconstructed from jets",
        "Hadronically decaying tau candidates are reconstructed from anti-kt jets with R = 0.4 "
        "and are required to have pT > 20 GeV and |eta| < 2.5.",
        ["jets: pt > 20", "jets: abs(eta) < 2.5"],
    ),
    (
        "electrons from clusters matched to tracks",
        "Electrons are reconstructed from energy clusters in the calorimeter matched to "
        "inner-detector tracks and must have pT > 10 GeV and |eta| < 2.47.",
        ["tracks: pt > 10", "tracks: abs(eta) < 2.47"],
    ),
]
RIGHT += [
    (
        "taus seeded by jets",
        "Tau leptons are seeded by jets and must satisfy pT > 20 GeV.",
        ["taus: pt > 20"],
    ),
    (
        "photons from clusters without matching tracks",
        "Photons, reconstructed from clusters without matching tracks, must have ET > 25 GeV.",
        ["photons: pt > 25"],
    ),
]

# a second review (a read-only helper) of the later commits found these; each failed before
WRONG += [
    (
        "a region named only in a comparison with another requirement",
        "Events are required to have m_T2 > 100 GeV, a looser requirement than the m_T2 > 160 GeV "
        "applied in SR-A.",
        ["region sr_a: mt2 > 100", "region sr_a: mt2 > 160"],
    ),
    (
        "'removal' elsewhere is no veto of the excepted jet",
        "After overlap removal, jets must have pT > 25 GeV, except the leading jet, which must "
        "have pT > 250 GeV.",
        ["event: nth(sort_desc(pt(jets)), 1) > 250", "event: nth(sort_desc(pt(jets)), 1) > 25"],
    ),
    (
        "the excepted jet's second cut in its relative clause",
        "Jets must have pT > 25 GeV and |eta| < 4.5, except the leading jet, which must have "
        "pT > 200 GeV and |eta| < 2.4.",
        ["jets: abs(eta) < 2.4"],
    ),
    (
        "an indexed superscript is no lower edge",
        "Events must contain at least two jets with pT > 30 GeV, eta^{j}_{1} eta^{j}_{2} < 0 and "
        "|eta^{j}| < 4.7.",
        ["jets: 2 < abs(eta) < 4.7"],
    ),
    (
        "a pT range picks some jets",
        "Jets in the range 20 < pT < 60 GeV must have |eta| < 2.4.",
        ["jets: abs(eta) < 2.4"],
    ),
    (
        "an 'and' inside a ratio's numerator",
        "The ratio of the scalar sum of the jet and lepton pT to m_eff must be below 0.8.",
        ["event: meff < 0.8"],
    ),
]
RIGHT += [
    (
        "'one or more' is no alternative of a combined region",
        "In the 2-jet and 3-jet categories, E_T^miss must exceed 150 GeV, while the boosted "
        "category requires one or more large-R jets with pT > 250 GeV.",
        ["region boosted_category: nth(sort_desc(pt(fatjets)), 0) > 250"],
    ),
    (
        "named final states",
        "The 2l final state requires m_ll > 50 GeV, while the 3l final state requires "
        "E_T^miss > 30 GeV.",
        ["region r_2l_final_state: mll > 50", "region r_3l_final_state: met > 30"],
    ),
    (
        "a generic plural is no region",
        "For the different topologies, the leading jet must have pT > 100 GeV.",
        ["event: nth(sort_desc(pt(jets)), 0) > 100"],
    ),
    (
        "one flavour's channels named together are the selection",
        "In the electron and muon channels, events are required to have E_T^miss > 30 GeV.",
        ["event: met > 30"],
    ),
    (
        "a veto clause before the transverse mass",
        "Events with additional leptons are rejected, and the transverse mass mT must be "
        "greater than 150 GeV.",
        ["event: mt > 150"],
    ),
    (
        "a quantity called a variable",
        "H_T is the key variable of the search and is required to be above 1 TeV.",
        ["event: ht > 1000"],
    ),
    (
        "a run's analysis is no category",
        "As in the Run-1 analysis, jets are required to have pT > 25 GeV and |eta| < 2.5.",
        ["jets: pt > 25", "jets: abs(eta) < 2.5"],
    ),
    (
        "the dilepton M_T2 written mT2ll",
        "The dilepton stransverse mass mT2ll must be above 100 GeV.",
        ["event: mt2 > 100"],
    ),
]


def test_angle_of_the_leading_jets_after_a_cut_on_all_jets() -> None:
    """'All jets must have pT > 30 GeV, and the azimuthal separation between the MET and each of
    the four highest-pT jets must exceed 0.4': the four leading jets' angle."""
    from pipeline.extract.named_quantities import dphi_definition

    quote = (
        "All jets must have pT > 30 GeV, and the azimuthal separation between the missing "
        "transverse momentum vector and each of the four highest-pT jets must exceed 0.4."
    )
    definition = dphi_definition(quote)
    assert definition is not None
    assert definition[0] == "min_of(delta_phi(first_n(sorted_by_pt(jets), 4), met_vec))"


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG)
def test_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong, of=_verified_in_regions)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT)
def test_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right, of=_verified_in_regions)
