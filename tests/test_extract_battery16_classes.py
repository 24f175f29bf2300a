"""Classes a development battery found verified and wrong (issue 17 (b)), eighteenth session.

A helper wrote 150 sentences with their cuts, and a judge scored the rules' output on them; each
class of its verified-but-wrong cuts is tested here on sentences of its own (not the battery's):

- LaTeX as the LaTeX backend writes it: '$b$-tagged jets', 'large-$R$ jets', '$\\mu$+jets',
  '$2.47$ ($2.5$)', '\\sin\\theta', '\\mathrm{jet}_{1,2}' read as the plain words;
- 'their tracks' are the objects' own tracks, not the tracks collection;
- an efficiency or a trigger in another ';' clause does not disqualify a threshold;
- a value 'required for H_T < 800 GeV' holds under a condition on another quantity;
- 'The 2-jet and 3-jet categories require ...', 'The same-flavour signal regions additionally
  require ...': some categories or regions, not the whole selection;
- 'm_ll > 12 GeV for all opposite-charge lepton pairs' requires no such pair;
- 'either a same-sign pair or at least three leptons': neither alternative alone;
- 'The leading jet must be separated from the photon by Delta R > 0.8': not every jet;
- an event quantity with a bracketed value after 'one electron (muon)': per channel;
- tracks a soft term is built from 'not associated with any selected object' are inputs;
- and cuts the battery showed lost: 'Muons with |eta| > 2.4 are not considered' (the kept side),
  a crack named at length before its bracket, 'The pT threshold for muons (electrons) is 10 (12)
  GeV', 'The pT thresholds for the leading, second and third jet are 80, 60 and 40 GeV', 'The
  minimum photon E_T is 40 GeV', 'are considered isolated if ...', 'their invariant mass' of the
  pair named before, and values in order for the kinds named together.
"""

from __future__ import annotations

import pytest

from tests.extract_cases import assert_not_verified, assert_verified

WRONG = [
    (
        "a b-tagged veto written in LaTeX",
        "Events with at least one $b$-tagged jet are rejected.",
        ["event: count(jets) == 0"],
    ),
    (
        "a b-tagged count written in LaTeX",
        "Exactly one $b$-tagged jet is required.",
        ["event: count(jets) == 1"],
    ),
    (
        "a large-R jet written in LaTeX",
        "The leading large-$R$ jet must have $p_{\\mathrm{T}} > 300$ GeV.",
        ["event: nth(sort_desc(pt(jets)), 0) > 300"],
    ),
    (
        "a value in LaTeX brackets for the second flavour",
        "Electrons (muons) must satisfy $|\\eta| < 2.47$ ($2.4$).",
        ["muons: abs(eta) < 2.47"],
    ),
    (
        "the objects' own tracks",
        "Muons must be isolated, and their tracks must satisfy |d0/sigma(d0)| < 3.",
        ["tracks: abs(d0sig) < 3"],
    ),
    (
        "a value under a condition on another quantity",
        "A requirement of $E_{\\mathrm{T}}^{\\mathrm{miss}}/\\sqrt{H_{\\mathrm{T}}} > 5$ is not "
        "used; instead $\\alpha_{\\mathrm{T}} > 0.55$ is required for $H_{\\mathrm{T}} < 600$ GeV.",
        ["event: alphat > 0.55"],
    ),
    (
        "some categories as the subject",
        "The low-mass and high-mass categories require m_T > 100 GeV and m_T > 200 GeV, "
        "respectively.",
        ["event: mt > 100"],
    ),
    (
        "some signal regions as the subject",
        "The opposite-flavour signal regions further require E_T^miss > 150 GeV.",
        ["event: met > 150"],
    ),
    (
        "the pairs a mass cut is of",
        "Events are kept only if m_ll > 15 GeV for every same-flavour lepton pair and for each "
        "opposite-sign muon pair.",
        ["event: any(opposite_charge(pairs(muons)))"],
    ),
    (
        "one alternative of two counts",
        "Events must have either exactly two same-sign leptons or at least three leptons.",
        ["event: count(leptons) >= 3", "event: any(not opposite_charge(pairs(leptons)))"],
    ),
    (
        "a separation of the leading object",
        "The leading jet is required to be separated from any electron by Delta R > 1.0.",
        ["jets: min_delta_r(electrons) > 1"],
    ),
    (
        "a per-channel event value in brackets",
        "Events with exactly one muon (electron) with pT above 30 (35) GeV and E_T^miss above "
        "40 (50) GeV are selected.",
        ["event: met > 40"],
    ),
    (
        "a cross-product of values and kinds named together",
        "Electrons and muons must have pT > 27 and 25 GeV.",
        ["electrons: pt > 25", "muons: pt > 27"],
    ),
    (
        "a subset picked by a pT upper bound",
        "Jets with pT < 50 GeV are required to have |eta| < 2.4.",
        ["jets: abs(eta) < 2.4"],
    ),
    (
        "a soft term built from tracks",
        "The soft term is built from tracks with pT > 0.5 GeV not associated with any selected "
        "object.",
        ["tracks: pt > 0.5"],
    ),
]

RIGHT = [
    (
        "a b-tagged veto written in LaTeX",
        "Events with at least one $b$-tagged jet are rejected.",
        ["event: count(bjets) == 0"],
    ),
    (
        "a b-tagged count written in LaTeX",
        "Exactly one $b$-tagged jet is required.",
        ["event: count(bjets) == 1"],
    ),
    (
        "a large-R jet written in LaTeX",
        "The leading large-$R$ jet must have $p_{\\mathrm{T}} > 300$ GeV.",
        ["event: nth(sort_desc(pt(fatjets)), 0) > 300"],
    ),
    (
        "a value in LaTeX brackets for the second flavour",
        "Electrons (muons) must satisfy $|\\eta| < 2.47$ ($2.4$).",
        ["electrons: abs(eta) < 2.47", "muons: abs(eta) < 2.4"],
    ),
    (
        "the objects' own tracks",
        "Muons must be isolated, and their tracks must satisfy |d0/sigma(d0)| < 3.",
        ["muons: abs(d0sig) < 3"],
    ),
    (
        "z0 sin theta in LaTeX",
        "Electrons must have pT > 10 GeV, and their tracks must satisfy $|z_0 \\sin\\theta| < "
        "0.5$ mm.",
        ["electrons: pt > 10", "electrons: abs(z0 * sin(theta)) < 0.5"],
    ),
    (
        "b-tagged jets after an efficiency in another clause",
        "Jets are b-tagged with the DL1r algorithm at the 70% efficiency working point; "
        "$b$-tagged jets must have $p_{\\mathrm{T}} > 25$ GeV.",
        ["bjets: pt > 25"],
    ),
    (
        "a threshold after a trigger's in another clause",
        "Events are recorded with a single-muon trigger with a threshold of 24 GeV; muons must "
        "have pT > 27 GeV.",
        ["muons: pt > 27"],
    ),
    (
        "every signal region as the subject",
        "The signal regions require E_T^miss > 250 GeV.",
        ["event: met > 250"],
    ),
    (
        "an opposite-sign pair required",
        "Events must contain two opposite-sign muons.",
        ["event: any(opposite_charge(pairs(muons)))"],
    ),
    (
        "one lepton of either flavour",
        "Events must contain exactly one lepton, either an electron or a muon.",
        ["event: count(leptons) == 1"],
    ),
    (
        "counts beside alternatives",
        "Events must have either a same-sign lepton pair or at least three leptons, and at least "
        "four jets.",
        ["event: count(jets) >= 4"],
    ),
    (
        "objects with a range 'not considered'",
        "Muons with |eta| > 2.4 are not considered.",
        ["muons: abs(eta) <= 2.4"],
    ),
    (
        "a crack named at length before its bracket",
        "Photons must have |eta| < 2.37, excluding the transition region between the barrel and "
        "the end-cap calorimeters ($1.37 < |\\eta| < 1.52$).",
        ["photons: abs(eta) < 1.37 or abs(eta) > 1.52"],
    ),
    (
        "a threshold per flavour in brackets",
        "The pT threshold for muons (electrons) is 10 (12) GeV.",
        ["muons: pt > 10", "electrons: pt > 12"],
    ),
    (
        "thresholds of ranked objects listed",
        "The pT thresholds for the leading, second and third jet are 80, 60 and 40 GeV, "
        "respectively.",
        [
            "event: nth(sort_desc(pt(jets)), 0) > 80",
            "event: nth(sort_desc(pt(jets)), 1) > 60",
            "event: nth(sort_desc(pt(jets)), 2) > 40",
        ],
    ),
    (
        "thresholds with a unit after each value",
        "The leading and subleading photon E_T thresholds are 35 GeV and 25 GeV, respectively.",
        [
            "event: nth(sort_desc(pt(photons)), 0) > 35",
            "event: nth(sort_desc(pt(photons)), 1) > 25",
        ],
    ),
    (
        "values in order for the kinds named together",
        "Electrons and muons must have pT > 27 and 25 GeV.",
        ["electrons: pt > 27", "muons: pt > 25"],
    ),
    (
        "'the minimum X is'",
        "The minimum photon E_T is 40 GeV, and the maximum allowed |eta| for photons is 2.37.",
        ["photons: pt > 40", "photons: abs(eta) < 2.37"],
    ),
    (
        "an attribute defined by an if-clause",
        "Muons are considered isolated if their relative isolation is below 0.2.",
        ["muons: ptcone30 / pt < 0.2"],
    ),
    (
        "the mass of the pair named before",
        "Exactly two muons are required, and their invariant mass must exceed 60 GeV.",
        ["event: mmumu > 60"],
    ),
    (
        "an acceptance matched to a trigger's",
        "Electrons are required to have |eta| < 2.1 to match the coverage of the single-electron "
        "trigger.",
        ["electrons: abs(eta) < 2.1"],
    ),
    (
        "a threshold stated as a difference to the trigger's",
        "The offline muon pT threshold is 26 GeV, 2 GeV above the trigger threshold.",
        ["muons: pt > 26"],
    ),
    (
        "a threshold before a condition of a working point",
        "Electrons must have pT > 7 GeV; for electrons with pT < 15 GeV, a looser identification "
        "is used.",
        ["electrons: pt > 7"],
    ),
    (
        "a ratio of the MET and m_eff(N_j)",
        "The ratio E_T^miss/m_eff(N_j) is required to be greater than 0.25.",
        ["event: met / meff > 0.25"],
    ),
    (
        "the transverse mass of a lepton named by its flavour",
        "The transverse mass of the muon and E_T^miss must be below 40 GeV.",
        ["event: mt < 40"],
    ),
    (
        "the transverse mass of the W",
        "Events must have $m_{\\mathrm{T}}^{W} > 60$ GeV.",
        ["event: mt > 60"],
    ),
    (
        "objects defined by a pT lower bound with their acceptance after it",
        "Photons with E_T > 25 GeV are required to have |eta| < 2.37.",
        ["photons: pt > 25", "photons: abs(eta) < 2.37"],
    ),
    (
        "an angle after the pT of the jets it is measured to",
        "The minimum azimuthal angle between E_T^miss and all jets with pT > 40 GeV is required "
        "to be larger than 0.6.",
        ["event: dphi > 0.6"],
    ),
    (
        "an apposition after a purpose clause",
        "To reject multijet events, the smallest azimuthal separation between E_T^miss and any of "
        "the three leading jets, $\\Delta\\phi_{\\mathrm{min}}$, is required to exceed 0.3.",
        ["event: dphi > 0.3"],
    ),
    (
        "a pair the events must contain, with its mass",
        "Events must contain a pair of jets with m_jj > 600 GeV.",
        ["event: mjj > 600"],
    ),
    (
        "a pair the events must contain, with its mass in words",
        "Events must contain a pair of photons with an invariant mass above 90 GeV.",
        ["event: mgammagamma > 90"],
    ),
    (
        "a separation of every jet",
        "Jets are required to be separated from any electron by Delta R > 0.4.",
        ["jets: min_delta_r(electrons) > 0.4"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_no_wrong_cut_is_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_cut_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)
