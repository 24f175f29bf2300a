"""Offline bounds the twenty-first session read anew (issue 17):

- a threshold justified by the trigger in the same sentence: 'the leading electron is required to
  have E_T > 32 GeV, safely above the 27 GeV single-electron trigger threshold, and the
  dielectron mass must exceed 120 GeV' (the E_T was 'a trigger's', unverified, and the mass,
  after the trigger's words, was dropped); the trigger's own requirement stays no cut;
- a lower bound said as how far down objects go: 'muons are accepted down to p_T = 3 GeV',
  'Muons (electrons) are reconstructed down to p_T = 2.5 (5) GeV' (nothing was read).
"""

from __future__ import annotations

import pytest

from tests.extract_cases import assert_not_verified, assert_verified

WRONG = [
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
        "Muons (electrons) are reconstructed down to p_T = 2.5 (5) GeV.",
        ["muons: pt >= 2.5", "electrons: pt >= 5"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_the_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)
