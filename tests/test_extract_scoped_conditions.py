"""Windows left out, measurement phase spaces and conditions named by the events' objects
(issue 17, twentieth session):

- 'must lie outside the Upsilon window 9 < m_mumu < 10.5 GeV': the range after 'outside' (or
  'not within') is the excluded one; it was read as the kept window, verified;
- 'The fiducial region is defined by two leptons with pT > 25 GeV', 'Particle-level jets are
  required to have ...': a measurement's phase space, not the signal selection (the detector's
  fiducial region, 'within the fiducial region of the calorimeter, |eta| < 2.47', stays a cut);
- 'In two-muon events, the dimuon mass must exceed 12 GeV': a requirement of the events with two
  muons only (not (count(muons) == 2) or (mmumu > 12)); it was a cut on every event, verified,
  which rejects every event with one muon.
"""

from __future__ import annotations

import pytest

from tests.extract_cases import assert_not_verified, assert_verified

WRONG = [
    (
        "a window after 'outside'",
        "The dimuon invariant mass must lie outside the Upsilon window 9 < m_mumu < 10.5 GeV.",
        ["event: 9 < mmumu < 10.5"],
    ),
    (
        "a window after 'outside' under a condition",
        "For events with two muons, the dimuon invariant mass must lie outside 9 < m_mumu < "
        "10.5 GeV.",
        ["event: not (count(muons) == 2) or (9 < mmumu < 10.5)"],
    ),
    (
        "an eta range after 'not in the crack'",
        "The photon must not be in the crack (1.37 < |eta| < 1.52).",
        ["photons: 1.37 < abs(eta) < 1.52"],
    ),
    (
        "a fiducial region defined by objects",
        "The fiducial region is defined by two leptons with pT > 25 GeV and |eta| < 2.5.",
        ["leptons: pt > 25", "leptons: abs(eta) < 2.5"],
    ),
    (
        "a fiducial region's requirement",
        "The fiducial region requires exactly one photon with ET > 15 GeV.",
        ["photons: pt > 15", "event: count(photons) == 1"],
    ),
    (
        "particle-level objects",
        "Particle-level jets are required to have pT > 25 GeV and |y| < 4.4.",
        ["jets: pt > 25"],
    ),
    (
        "a requirement of N-object events",
        "In two-muon events, the dimuon mass must exceed 12 GeV.",
        ["event: mmumu > 12"],
    ),
    (
        "a requirement of N-object events, digits",
        "In 3-lepton events, the third lepton must have pT > 15 GeV.",
        ["event: nth(sort_desc(pt(leptons)), 2) > 15", "leptons: pt > 15"],
    ),
]

RIGHT = [
    (
        "a window after 'outside'",
        "The dimuon invariant mass must lie outside the Upsilon window 9 < m_mumu < 10.5 GeV.",
        ["event: mmumu < 9 or mmumu > 10.5"],
    ),
    (
        "a window after 'outside' under a condition",
        "For events with two muons, the dimuon invariant mass must lie outside 9 < m_mumu < "
        "10.5 GeV.",
        ["event: not (count(muons) == 2) or (mmumu < 9 or mmumu > 10.5)"],
    ),
    (
        "a kept window stays kept",
        "The dimuon invariant mass must lie in the window 9 < m_mumu < 10.5 GeV.",
        ["event: 9 < mmumu < 10.5"],
    ),
    (
        "the detector's fiducial region",
        "Electrons must lie within the fiducial region of the calorimeter, |eta| < 2.47.",
        ["electrons: abs(eta) < 2.47"],
    ),
    (
        "a requirement of N-object events",
        "In two-muon events, the dimuon mass must exceed 12 GeV.",
        ["event: not (count(muons) == 2) or (mmumu > 12)"],
    ),
    (
        "a requirement of N-object events, digits",
        "In 3-lepton events, the third lepton must have pT > 15 GeV.",
        ["event: not (count(leptons) == 3) or (nth(sort_desc(pt(leptons)), 2) > 15)"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG)
def test_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT)
def test_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)
