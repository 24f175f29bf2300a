"""Symbols and object names the PDF text layer splits, read as when written whole (issue 17):
'm T2', 'm mumu', 'm ll', 'm eff', 'DeltaR ll', 'Deltaeta 12', 'E T miss / sqrt H T', 'tau
had-vis', and the tracks called 'tracklets'. Each was dropped (no cut, or 'unknown name t2'), while
the same quantity written 'm_T2', 'm_{ll}' or 'E_T^miss/sqrt(H_T)' was read. A Z window written
with the reference mass first ('|m_Z - m_ll| < 10 GeV') was read as 'mll >= 10'."""

from __future__ import annotations

import pytest

from pipeline.extract.patterns import prepare
from tests.extract_cases import assert_verified

RIGHT = [
    (
        "a split stransverse mass and dimuon mass",
        "Events with 70 < m \u03bc\u03bc < 112 GeV are kept, and the stransverse mass must satisfy "
        "m T2 > 115 GeV.",
        ["event: 70 < mmumu < 112", "event: mt2 > 115"],
    ),
    (
        "a split dilepton mass and effective mass",
        "Events must have m \u2113\u2113 > 20 GeV and m eff > 1200 GeV.",
        ["event: mll > 20", "event: meff > 1200"],
    ),
    (
        "split separations of two objects",
        "The two leptons must be close, \u0394R \u2113\u2113 < 1.6, and the two leading jets must "
        "satisfy |\u0394\u03b7 12 | < 1.1.",
        ["event: dr < 1.6", "event: deta < 1.1"],
    ),
    (
        "a split MET significance",
        "Signal regions require E T miss / \u221aH T > 22 GeV^1/2.",
        ["event: met / sqrt(ht) > 22"],
    ),
    (
        "a split hadronic tau name",
        "Exactly two \u03c4 had-vis candidates with p T > 45 GeV are required.",
        ["taus: pt > 45", "event: count(taus) == 2"],
    ),
    (
        "the reference mass written first",
        "Events with |m_Z \u2212 m_ll| < 10 GeV are rejected.",
        ["event: min_of(abs(mass(sfos_pairs(leptons)) - 91.1876)) >= 10"],
    ),
    (
        "tracklets",
        "Tracklets must satisfy p T > 75 GeV and |\u03b7| < 2.1.",
        ["tracks: pt > 75", "tracks: abs(eta) < 2.1"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_split_symbol_is_read(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)


def test_a_length_in_metres_is_no_mass() -> None:
    assert prepare("within 2 m ll of") == "within 2 m ll of"  # (a number before: metres)
    assert prepare("with m ll above") == "with m_ll above"
