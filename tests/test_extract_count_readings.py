"""Counts and channels the twentieth session read anew (issue 17):

- 'at least one jet with pT > 250 GeV', 'must have a jet with pT > 450 GeV': the leading jet's pT,
  which holds exactly when some jet is above the value. It was a cut on every jet, which
  redefines the jets every other cut counts ('no more than four jets with pT > 30 GeV' then
  counted jets above 250 GeV) and, with no count, required none. 'exactly one electron with pT >
  65 GeV' stays the electrons' (a count of the objects above the value);
- 'at least three b-tagged small-R jets': b-jets, not jets (the jet algorithm between);
- 'at least two jets are required to be b-tagged', 'a minimum of three jets must carry a b-tag':
  a count of b-jets (it was one of jets, verified);
- 'two or more b-tagged jets in the hemisphere opposite to the ISR jet', 'one small-R jet
  separated from the large-R jet by ...': a count of some of the objects, not of all of them;
- a count later in a requirement's list ('must contain exactly two same-charge leptons, two jets
  with pT above 45 GeV and ...'): two jets (it was lost, and the jets' threshold verified alone);
  the leptons' count is not of leptons above the jets' threshold; 'exactly two electrons or two
  muons' is no electron count of every event;
- 'Selected events need two opposite-charge muons and an electron': 'need' requires, and the
  electron after 'and an' is a count of its own (the muons' count was read as one of electrons
  and muons together, unverified);
- one flavour's channel is a channel: 'In the electron channel, ..., E_T^miss > 65 GeV and m_T >
  130 GeV are required' states the electron channel's cuts, which were the whole selection's,
  verified; 'In the muon channel, the muon must have pT > 27 GeV' is that channel's leading muon.
  Two flavours' channels named together ('In the electron and muon channels') stay the
  selection's;
- (twenty-first session) a count of objects tagged after them ('at least two large-R jets must be
  top-tagged', 'three jets identified as displaced', 'two jets, which must be b-tagged') is no
  count of all of them (it was verified).
"""

from __future__ import annotations

import pytest

from tests.extract_cases import assert_not_verified, assert_verified
from tests.test_extract_region_openings import _verified_in_regions

WRONG = [
    (
        "a count of tagged large-R jets (twenty-first session)",
        "At least two large-R jets must be top-tagged, and the leading one must also have "
        "p_T > 520 GeV.",
        ["event: count(fatjets) >= 2"],
    ),
    (
        "a count of jets identified as displaced (twenty-first session)",
        "Events must contain at least three jets identified as displaced, i.e. with fewer than "
        "two prompt tracks.",
        ["event: count(jets) >= 3"],
    ),
    (
        "a count of jets b-tagged in a relative clause (twenty-first session)",
        "At least two jets, which must be b-tagged, are required.",
        ["event: count(jets) >= 2"],
    ),
    (
        "a count of double-b tagged large-R jets (twenty-first session)",
        "At least one large-R jet that is double-b tagged and has p_T > 320 GeV is required.",
        ["event: count(fatjets) >= 1"],
    ),
    (
        "at least one jet above a value, alone",
        "Only events with at least one jet with pT > 250 GeV are kept.",
        ["jets: pt > 250"],
    ),
    (
        "a jet above a value, required",
        "Events must have a jet with $p_{\\mathrm{T}} > 450$~GeV and "
        "$E_{\\mathrm{T}}^{\\mathrm{miss}} > 200$~GeV.",
        ["jets: pt > 450"],
    ),
    (
        "at least one jet above a value, then a count of jets above another",
        "Events must contain at least one jet with pT > 250 GeV and no more than four jets with "
        "pT > 30 GeV.",
        ["jets: pt > 250"],
    ),
    (
        "a vetoed jet above a value after requirements",
        "The two leading jets must have pT > 80 and 40 GeV, the event must have MET > 250 GeV, "
        "and events containing a b-tagged jet with pT > 20 GeV are vetoed.",
        ["event: nth(sort_desc(pt(bjets)), 0) > 20", "bjets: pt > 20"],
    ),
    (
        "one or more large-radius jets",
        "Events with one or more large-R jets with pT > 400 GeV are selected.",
        ["fatjets: pt > 400"],
    ),
    (
        "at least one lepton of either flavour above a value",
        "Events must contain at least one electron or muon with pT > 25 GeV.",
        [
            "event: nth(sort_desc(pt(muons)), 0) > 25",
            "event: nth(sort_desc(pt(electrons)), 0) > 25",
        ],
    ),
    (
        "b-tagged jets named with their algorithm",
        "The search requires at least three b-tagged small-R jets and meff > 1 TeV.",
        ["event: count(jets) >= 3"],
    ),
    (
        "b-tagged anti-kt jets",
        "Events must contain at least two b-tagged anti-kt jets.",
        ["event: count(jets) >= 2"],
    ),
    (
        "jets that are b-tagged",
        "Events must contain at least two small-R jets that are b-tagged.",
        ["event: count(jets) >= 2"],
    ),
    (
        "one flavour's channel, event-level cuts",
        "In the electron channel of the W' search, exactly one electron with ET > 65 GeV, "
        "ETmiss > 65 GeV and mT > 130 GeV are required.",
        [
            "event: met > 65",
            "event: mt > 130",
            "event: count(electrons) == 1",
            "electrons: pt > 65",
        ],
    ),
    (
        "one flavour's channel, the flavour's cut",
        "In the muon channel, muons must have pT > 25 GeV.",
        ["muons: pt > 25"],
    ),
    (
        "one flavour's channel, its one lepton",
        "In the electron channel, the electron must satisfy pT > 30 GeV.",
        ["electrons: pt > 30"],
    ),
]

WRONG += [
    (
        "jets that must be b-tagged",
        "At least two jets are required to be b-tagged.",
        ["event: count(jets) >= 2"],
    ),
    (
        "jets that must carry a b-tag",
        "Events must have four jets with pT above 40 GeV, and a minimum of three jets are "
        "required to carry a b-tag.",
        ["event: count(jets) >= 3"],
    ),
    (
        "jets that must pass the b-tagging",
        "Two or more jets must pass the b-tagging requirement.",
        ["event: count(jets) >= 2"],
    ),
    (
        "b-jets in one hemisphere",
        "The signal region demands meff > 2.2 TeV and two or more b-tagged jets in the hemisphere "
        "opposite to the ISR jet.",
        ["event: count(bjets) >= 2"],
    ),
    (
        "jets separated from another object",
        "Events must have at least one small-R jet separated from the large-R jet by Delta R > "
        "1.2.",
        ["event: count(jets) >= 1"],
    ),
    (
        "b-jets matched to a candidate",
        "Events with at least two b-jets matched to the Higgs candidate are selected.",
        ["event: count(bjets) >= 2"],
    ),
]

WRONG += [
    (
        "a count of one flavour among alternatives",
        "Events must contain exactly two electrons or two muons with pT > 25 GeV.",
        ["event: count(electrons) == 2", "event: count(muons) == 2"],
    ),
]

# (found by a review of the first version of these rules)
WRONG += [
    (
        "an additional jet in the next sentence",
        "The leading jet is required to have pT > 250 GeV. At least one additional jet with pT > "
        "30 GeV is required.",
        ["event: nth(sort_desc(pt(jets)), 0) > 30"],
    ),
    (
        "another photon",
        "Events must contain a high-pT photon, and at least one other photon with E_T > 25 GeV.",
        ["event: nth(sort_desc(pt(photons)), 0) > 25"],
    ),
    (
        "a jet above a value that must be b-tagged",
        "At least one jet with pT > 100 GeV must be b-tagged.",
        ["event: nth(sort_desc(pt(jets)), 0) > 100"],
    ),
    (
        "a jet above a value identified as a b-jet",
        "Events must have a jet with pT > 30 GeV that is identified as a b-jet.",
        ["event: nth(sort_desc(pt(jets)), 0) > 30"],
    ),
]

RIGHT = [
    (
        "counts a 'need' lists",
        "Events need exactly one lepton and at least four jets with pT > 25 GeV.",
        ["event: count(leptons) == 1", "event: count(jets) >= 4"],
    ),
    (
        "a count, then another object after 'and an'",
        "Selected events need two opposite-charge muons and an electron with ET > 20 GeV.",
        ["event: count(muons) == 2"],
    ),
    (
        "electrons and muons counted together",
        "Exactly two electrons and muons are required.",
        ["event: count(leptons) == 2"],
    ),
    (
        "at least one of the counted leptons above a value",
        "Exactly two opposite-charge leptons are required, with at least one lepton with pT > 27 "
        "GeV.",
        ["event: count(leptons) == 2", "event: nth(sort_desc(pt(leptons)), 0) > 27"],
    ),
    (
        "a count of leptons separated from each other",
        "Events must contain exactly two leptons separated from each other by Delta R > 0.1.",
        ["event: count(leptons) == 2"],
    ),
    (
        "a count of electrons from the primary vertex",
        "Events must contain exactly two electrons associated with the primary vertex.",
        ["event: count(electrons) == 2"],
    ),
    (
        "a count of muons matched to the trigger",
        "Events must contain exactly one muon matched to the trigger object.",
        ["event: count(muons) == 1"],
    ),
    (
        "the electron or muon channel is the whole selection",
        "Events are selected in the electron or muon channel with exactly one lepton with pT > "
        "27 GeV and E_T^miss > 30 GeV.",
        ["event: count(leptons) == 1", "event: met > 30"],
    ),
    (
        "a count later in a requirement's list",
        "The event must contain exactly two same-charge leptons, two jets with pT above 45 GeV "
        "and MET > 50 GeV.",
        ["event: count(leptons) == 2", "event: count(jets) == 2", "jets: pt > 45"],
    ),
    (
        "counts listed after a requiring verb",
        "Events must have one lepton, four jets and MET > 200 GeV.",
        ["event: count(leptons) == 1", "event: count(jets) == 4", "event: met > 200"],
    ),
    (
        "jets that must be b-tagged",
        "At least two jets are required to be b-tagged.",
        ["event: count(bjets) >= 2"],
    ),
    (
        "jets that must pass the b-tagging",
        "Events must have at least four jets, and at least two jets must be identified as b-jets.",
        ["event: count(jets) >= 4", "event: count(bjets) >= 2"],
    ),
    (
        "jets with a threshold stay jets",
        "At least two jets are required to have pT > 50 GeV.",
        ["event: count(jets) >= 2", "jets: pt > 50"],
    ),
    (
        "at least one jet above a value, alone",
        "Only events with at least one jet with pT > 250 GeV are kept.",
        ["event: nth(sort_desc(pt(jets)), 0) > 250"],
    ),
    (
        "a jet above a value, required",
        "Events must have a jet with $p_{\\mathrm{T}} > 450$~GeV and "
        "$E_{\\mathrm{T}}^{\\mathrm{miss}} > 200$~GeV.",
        ["event: nth(sort_desc(pt(jets)), 0) > 450", "event: met > 200"],
    ),
    (
        "at least one jet above a value, then a count of jets above another",
        "Events must contain at least one jet with pT > 250 GeV and no more than four jets with "
        "pT > 30 GeV.",
        ["event: nth(sort_desc(pt(jets)), 0) > 250", "jets: pt > 30", "event: count(jets) <= 4"],
    ),
    (
        "a photon and its eta",
        "Events must contain at least one photon with ET > 150 GeV and |eta| < 2.37.",
        # (a photon's |eta| is its acceptance: the photons', not the leading one's)
        ["event: nth(sort_desc(pt(photons)), 0) > 150", "photons: abs(eta) < 2.37"],
    ),
    (
        "exactly one lepton above a value stays the leptons'",
        "Exactly one isolated lepton with pT > 30 GeV is required.",
        ["leptons: pt > 30", "event: count(leptons) == 1"],
    ),
    (
        "one muon above a value, read as exactly one",
        "Events must contain one muon with pT > 25 GeV.",
        ["muons: pt > 25"],
    ),
    (
        "at least two jets above a value stay the jets'",
        "Events are required to have at least two jets with pT > 40 GeV.",
        ["jets: pt > 40", "event: count(jets) >= 2"],
    ),
    (
        "b-tagged jets named with their algorithm",
        "The search requires at least three b-tagged small-R jets and meff > 1 TeV.",
        ["event: count(bjets) >= 3", "event: meff > 1000"],
    ),
    (
        "jets that are b-tagged",
        "Events must contain at least two small-R jets that are b-tagged.",
        ["event: count(bjets) >= 2"],
    ),
    (
        "small-R jets stay jets",
        "Events with at least four small-R jets are selected.",
        ["event: count(jets) >= 4"],
    ),
    (
        "one flavour's channel, event-level cuts",
        "In the muon channel, E_T^miss > 55 GeV is required.",
        ["region muon_channel: met > 55"],
    ),
    (
        "one flavour's channel, its one lepton",
        "In the muon channel, the muon must have pT > 27 GeV.",
        ["region muon_channel: nth(sort_desc(pt(muons)), 0) > 27"],
    ),
    (
        "two flavours' channels, each its own",
        "In the electron channel, $E_{\\mathrm{T}}^{\\mathrm{miss}} > 30$~GeV and "
        "$m_{\\mathrm{T}}^{W} > 30$~GeV are required, while in the muon channel the requirements "
        "are "
        "$E_{\\mathrm{T}}^{\\mathrm{miss}} > 20$~GeV and $E_{\\mathrm{T}}^{\\mathrm{miss}} + "
        "m_{\\mathrm{T}}^{W} > 60$~GeV.",
        ["region electron_channel: met > 30", "region muon_channel: met > 20"],
    ),
    (
        "two flavours' channels named together stay the selection's",
        "In the electron and muon channels, events must have E_T^miss > 30 GeV.",
        ["event: met > 30"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG)
def test_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong, of=_verified_in_regions)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT)
def test_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right, of=_verified_in_regions)
