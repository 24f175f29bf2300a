"""Offline bounds the twenty-first session read anew (issue 17):

- a threshold justified by the trigger in the same sentence: 'the leading electron is required to
  have E_T > 32 GeV, safely above the 27 GeV single-electron trigger threshold, and the
  dielectron mass must exceed 120 GeV' (the E_T was 'a trigger's', unverified, and the mass,
  after the trigger's words, was dropped); the trigger's own requirement stays no cut;
- a lower bound said as how far down objects go: 'muons are accepted down to p_T = 3 GeV',
  'Muons (electrons) are accepted down to p_T = 2.5 (5) GeV' (nothing was read); 'reconstructed
  down to' is the detector's reach, not a selection.
"""

from __future__ import annotations

import pytest

from tests.extract_cases import assert_not_verified, assert_verified

WRONG = [
    (
        "reconstructed down to a pT is the detector's reach (guard)",
        "Electrons are reconstructed down to E_T = 7 GeV.",
        ["electrons: pt >= 7"],
    ),
    (
        "down to values per detector part (guard)",
        "Muons are accepted down to p_T = 3 GeV in the endcap and 3.5 GeV in the barrel.",
        ["muons: pt >= 3"],
    ),
    (
        "the trigger's object again after 'and' (guard)",
        "The single-muon trigger requires a muon with pT > 24 GeV, and the muon is required to be "
        "within |eta| < 2.1.",
        ["muons: abs(eta) < 2.1"],
    ),
    (
        "the trigger's own requirement (guard)",
        "The trigger requires H_T > 800 GeV, and the offline selection requires H_T > 1000 GeV.",
        ["event: ht > 800"],
    ),
]

RIGHT = [
    (
        "a threshold above the trigger's, then a mass",
        "The leading electron is required to have E_T > 32 GeV, safely above the 27 GeV "
        "single-electron trigger threshold, and the dielectron mass must exceed 120 GeV.",
        ["event: nth(sort_desc(pt(electrons)), 0) > 32", "event: mee > 120"],
    ),
    (
        "the offline requirement after the trigger's (guard)",
        "The trigger requires H_T > 800 GeV, and the offline selection requires H_T > 1000 GeV.",
        ["event: ht > 1000"],
    ),
    (
        "objects accepted down to a pT",
        "Muons are accepted down to pT = 3 GeV.",
        ["muons: pt >= 3"],
    ),
    (
        "per-flavour values down to a pT",
        "Muons (electrons) are accepted down to p_T = 2.5 (5) GeV.",
        ["muons: pt >= 2.5", "electrons: pt >= 5"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_the_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)
