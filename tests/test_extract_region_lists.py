"""Regions named in ways the twenty-first session read anew (issue 17):

- per-region values in brackets: 'E_T^miss must exceed 210 (330) GeV in SR-low (SR-high)', '... in
  the low-mass (high-mass) region' (the first value was the whole selection's, the second lost);
- a list of regions, each with its requirements in apposition: 'Two signal regions are defined:
  SR-3b, with at least six jets ..., and SR-2b, with at least five jets ...' (the counts were the
  whole selection's, unverified, the regions lost);
- 'The electron channel requires MET > 30 GeV and the muon channel requires m_T > 40 GeV': a
  second region opened by a bare 'and' (the muon channel's m_T was the electron channel's,
  verified);
- 'the soft-lepton selection requires ..., whereas the hard-lepton selection requires ...': two
  named selections are two regions (each one's cuts were the whole selection's, verified); one
  named selection alone ('The baseline selection requires') stays the selection;
- 'in the boosted regime one large-R jet with pT > 450 GeV is required': a region cannot redefine
  the objects, so its 'one ... with' is the leading one's (the whole sentence's regions were
  lost);
- named signal regions in the plural ('In the high-mass signal regions, ..., while in the low-mass
  signal regions ...') are regions like the singular (the cuts were the whole selection's);
- guards: per-region brackets beside a rank's ('95 (60) GeV for the leading (subleading) tau')
  split nothing; 'All opposite-charge lepton pairs must have m_ll > 4 GeV' is a floor on every
  such pair (eμ ones too), which the reader has no quantity for: no m_ll cut of the leading two
  leptons (it was verified).
"""

from __future__ import annotations

import pytest

from tests.extract_cases import assert_not_verified, assert_verified
from tests.test_extract_region_openings import _verified_in_regions

WRONG = [
    (
        "per-region values in brackets",
        "E_T^miss must exceed 210 (330) GeV in SR-low (SR-high).",
        ["event: met > 210", "event: met > 330"],
    ),
    (
        "regions with their requirements in apposition",
        "Two signal regions are defined: SR-3b, with at least six jets of which at least three "
        "are b-tagged, and SR-2b, with at least five jets of which exactly two are b-tagged.",
        ["event: count(jets) >= 6", "event: count(jets) >= 5", "event: count(bjets) >= 3"],
    ),
    (
        "a second channel after a bare 'and'",
        "The electron channel requires MET > 30 GeV and the muon channel requires mT > 40 GeV.",
        ["region electron_channel: mt > 40", "event: mt > 40"],
    ),
    (
        "two named selections",
        "The soft-lepton selection requires leptons with 7 < pT < 25 GeV and MET > 300 GeV, "
        "whereas the hard-lepton selection requires a lepton with pT > 25 GeV and MET > 250 GeV.",
        ["event: met > 300", "event: met > 250", "leptons: 7 < pt < 25"],
    ),
]

WRONG += [
    (
        "objects of named signal regions, plural",
        "For the soft-lepton signal regions, electrons (muons) with pT > 7 (6) GeV are accepted.",
        ["electrons: pt > 7", "muons: pt > 6"],
    ),
    (
        "a rank's brackets beside the regions' (guard)",
        "Events must contain two taus with pT > 95 (60) GeV for the leading (subleading) tau, and "
        "mT2 > 70 (90) GeV in SR-lowMass (SR-highMass).",
        [
            "region sr_highmass: nth(sort_desc(pt(taus)), 0) > 60",
            "region sr_lowmass: nth(sort_desc(pt(taus)), 1) > 95",
            "region sr_highmass: nth(sort_desc(pt(taus)), 1) > 60",
        ],
    ),
    (
        "a mass floor on every opposite-charge pair is no dilepton mass",
        "All opposite-charge lepton pairs must have m_ll > 4 GeV.",
        ["event: mll > 4"],
    ),
]

RIGHT = [
    (
        "per-region values in brackets, each with its unit",
        "The stransverse mass must satisfy mT2 > 70 GeV (90 GeV) in SR-lowMass (SR-highMass).",
        ["region sr_lowmass: mt2 > 70", "region sr_highmass: mt2 > 90"],
    ),
    (
        "per-region values in brackets",
        "E_T^miss must exceed 210 (330) GeV in SR-low (SR-high).",
        ["region sr_low: met > 210", "region sr_high: met > 330"],
    ),
    (
        "per-region values in brackets, regions in words",
        "The leading jet must have pT > 300 (500) GeV and MET > 250 (400) GeV in the low-mass "
        "(high-mass) region.",
        [
            "region low_mass_region: nth(sort_desc(pt(jets)), 0) > 300",
            "region low_mass_region: met > 250",
            "region high_mass_region: nth(sort_desc(pt(jets)), 0) > 500",
            "region high_mass_region: met > 400",
        ],
    ),
    (
        "regions with their requirements in apposition",
        "Two signal regions are defined: SR-3b, with at least six jets of which at least three "
        "are b-tagged, and SR-2b, with at least five jets of which exactly two are b-tagged.",
        [
            "region sr_3b: count(jets) >= 6",
            "region sr_3b: count(bjets) >= 3",
            "region sr_2b: count(jets) >= 5",
            "region sr_2b: count(bjets) == 2",
        ],
    ),
    (
        "a second channel after a bare 'and'",
        "The electron channel requires MET > 30 GeV and the muon channel requires mT > 40 GeV.",
        ["region electron_channel: met > 30", "region muon_channel: mt > 40"],
    ),
    (
        "one object with a threshold in a regime",
        "In the resolved regime at least four jets are required, while in the boosted regime one "
        "large-R jet with pT > 450 GeV is required.",
        [
            "region resolved_regime: count(jets) >= 4",
            "region boosted_regime: nth(sort_desc(pt(fatjets)), 0) > 450",
        ],
    ),
    (
        "named signal regions, plural",
        "In the high-mass signal regions, MET > 300 GeV is required, while in the low-mass signal "
        "regions MET > 200 GeV is required.",
        ["region high_mass_signal_regions: met > 300", "region low_mass_signal_regions: met > 200"],
    ),
    (
        "a lone plural subject, then per-region values in brackets",
        "The Gtt 1-lepton signal regions require at least one lepton and meff > 2200 (1800) GeV "
        "in SR-B (SR-M).",
        ["region sr_b: meff > 2200", "region sr_m: meff > 1800"],
    ),
    (
        "one named selection is the selection (guard)",
        "The baseline selection requires at least two jets and MET > 100 GeV.",
        ["event: count(jets) >= 2", "event: met > 100"],
    ),
    (
        "two categories named together (guard)",
        "The ggF category requires exactly one jet, and the VBF category requires m_jj > 600 GeV.",
        ["region ggf_category: count(jets) == 1", "region vbf_category: mjj > 600"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_the_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong, of=_verified_in_regions)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right, of=_verified_in_regions)
