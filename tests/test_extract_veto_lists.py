"""Vetoes the twenty-first session read anew (issue 17):

- a list of vetoed objects, each with its threshold: 'Events with a jet with pT > 30 GeV, a photon
  with pT > 22 GeV, or a muon with pT > 10 GeV are vetoed' (only an 'or' of two was read; the
  list gave cuts on the selected objects, or the first item's veto alone);
- 'Events are discarded (removed, excluded) if they contain a photon with pT > 22 GeV': the events
  are the subject, as with 'rejected' (it gave nothing, or the threshold as a cut);
- 'a jet with pT > 20 GeV failing the loose cleaning criteria': only the failing jets are vetoed;
  a zero count of every jet was verified. 'a cosmic-ray muon candidate' is no muon of the
  selection either.
"""

from __future__ import annotations

import pytest

from tests.extract_cases import assert_not_verified, assert_verified

WRONG = [
    (
        "a jet above a value failing the cleaning",
        "Events are rejected if they contain a jet with pT > 20 GeV failing the loose cleaning "
        "criteria, or a cosmic-ray muon candidate.",
        ["event: count(jets) == 0", "event: count(muons) == 0", "jets: pt > 20"],
    ),
    (
        "a list of vetoed objects",
        "Events are discarded if they contain a b-tagged jet with p_T > 30 GeV, a photon with "
        "p_T > 22 GeV or a \u03c4_h candidate with p_T > 24 GeV.",
        ["bjets: pt > 30", "photons: pt > 22", "taus: pt > 24"],
    ),
    (
        "events discarded for a qualified object (guard)",
        "Events are discarded if they have a jet with pT > 30 GeV pointing to a dead tile module.",
        ["event: not any((pt(jets) > 30))", "event: count(jets) == 0"],
    ),
    (
        "events removed for two objects sharing a track (guard)",
        "Events are removed if they have an electron and a muon sharing the same track.",
        ["event: count(leptons) == 0", "event: count(electrons) == 0"],
    ),
    (
        "a veto list ended by another clause (guard)",
        "Events are vetoed if they contain an electron with pT > 10 GeV, a muon with pT > 10 GeV, "
        "while the selected jets must have pT > 30 GeV.",
        ["event: count(muons) == 0", "event: count(electrons) == 0"],
    ),
    (
        "objects discarded if they share a track (guard)",
        "Electrons are discarded if they share a track with a muon.",
        ["event: count(muons) == 0", "event: count(tracks) == 0"],
    ),
]

RIGHT = [
    (
        "a list of vetoed objects",
        "Events are discarded if they contain a b-tagged jet with p_T > 30 GeV, a photon with "
        "p_T > 22 GeV or a \u03c4_h candidate with p_T > 24 GeV.",
        [
            "event: not any((pt(bjets) > 30))",
            "event: not any((pt(photons) > 22))",
            "event: not any((pt(taus) > 24))",
        ],
    ),
    (
        "a list of vetoed objects, 'are vetoed' after it",
        "Events with a jet with pT > 30 GeV, a photon with pT > 22 GeV, or a muon with pT > 10 "
        "GeV are vetoed.",
        [
            "event: not any((pt(jets) > 30))",
            "event: not any((pt(photons) > 22))",
            "event: not any((pt(muons) > 10))",
        ],
    ),
    (
        "events discarded if they contain an object above a value",
        "Events are discarded if they contain a photon with p_T > 22 GeV.",
        ["event: not any((pt(photons) > 22))"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_the_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)
