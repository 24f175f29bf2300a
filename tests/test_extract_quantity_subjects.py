"""The quantity a comparison binds to when the subject is not a quantity the reader knows, and the
physics macros of the collaborations' LaTeX classes (issue 17, nineteenth session).

- 'The ratio of the lepton pT to MET must lie between 0.4 and 1.5': the ratio's parts are not the
  quantity compared (it was read as a MET window, verified); a ratio of named event quantities
  ('the ratio of the MET to H_T') is still read, by ratios.py;
- 'The quantity m_T^{b,min}, the transverse mass computed from MET and ..., must exceed 200 GeV':
  an unknown symbol before an apposition is the subject, not the apposition's MET; a known one
  ('The variable m_T2, the stransverse mass ..., must exceed 100 GeV') is read, where the
  apposition's 'mass' used to hide it;
- 'the scalar pT sum of tracks within Delta R < 0.3 is less than 10% of the muon pT': the cone's
  size is no cut on the tracks' pT or eta;
- CMS's cms-tdr.cls and ATLAS's atlasphysics.sty macros a paper uses without defining them
  ('\\pt > 53\\GeV', '\\abs{\\eta}', '\\ptmiss', '\\HT', '\\PQb', '\\met', '\\pT') read as the
  plain words.
"""

from __future__ import annotations

import pytest

from tests.extract_cases import assert_not_verified, assert_verified

WRONG = [
    (
        "a ratio's denominator",
        "The ratio of the lepton $p_{\\mathrm{T}}$ to $p_{\\mathrm{T}}^{\\mathrm{miss}}$ must lie "
        "between 0.4 and 1.5.",
        ["event: 0.4 < met < 1.5", "event: met > 0.4"],
    ),
    (
        "a ratio's denominator, plain text",
        "The ratio of the leading jet pT to HT must be below 0.5.",
        ["event: ht < 0.5"],
    ),
    (
        "a fraction's part",
        "The fraction of the photon energy deposited in the hadronic calorimeter relative to its "
        "E_T must be smaller than 0.05.",
        ["photons: pt < 0.05"],
    ),
    (
        "an unknown symbol before an apposition",
        "The quantity $m_{\\mathrm{T}}^{b,\\mathrm{min}}$, the transverse mass computed from "
        "$\\boldsymbol{p}_{\\mathrm{T}}^{\\mathrm{miss}}$ and the $b$-tagged jet closest in "
        "$\\phi$ to it, must exceed 200~GeV.",
        ["event: met > 200"],
    ),
    (
        "an isolation cone inside a sum",
        "Muon candidates must be isolated such that the scalar pT sum of tracks within "
        "Delta R < 0.3 is less than 10% of the muon pT.",
        ["tracks: pt < 0.3", "tracks: abs(eta) < 0.3", "tracks: abs(eta) < 10", "muons: pt < 10"],
    ),
    (
        "an isolation cone inside a sum, CMS macros",
        "Muons must be isolated such that the scalar \\pt sum of tracks within "
        "$\\Delta R < 0.3$ is less than 10\\% of the muon \\pt.",
        ["tracks: pt < 0.3", "tracks: abs(eta) < 0.3", "tracks: abs(eta) < 10"],
    ),
]

RIGHT = [
    (
        "a ratio of named event quantities",
        "The ratio of the missing transverse momentum to H_T must exceed 0.3.",
        ["event: met / ht > 0.3"],
    ),
    (
        "a fraction of the events is no ratio subject",
        "A large fraction of QCD multijet events are rejected by the requirement that the "
        "azimuthal angle Δφ_R between the axes of the two razor megajets is less than 2.8.",
        ["event: dphi < 2.8"],
    ),
    (
        "a known symbol before an apposition naming a mass",
        "The variable m_T2, the stransverse mass built from the two leptons and MET, must "
        "exceed 100 GeV.",
        ["event: mt2 > 100"],
    ),
    (
        "an apposition after a known symbol",
        "S_T, the scalar sum of the pT of the leptons, jets and MET, must be greater than 1 TeV.",
        ["event: st > 1000"],
    ),
    (
        "CMS macros: object cuts",
        "Muon candidates must have \\pt > 53\\GeV and $\\abs{\\eta} < 2.4$.",
        ["muons: pt > 53", "muons: abs(eta) < 2.4"],
    ),
    (
        "CMS macros: event quantities",
        "Events must have \\ptmiss > 250\\GeV and \\HT > 300\\GeV.",
        ["event: met > 250", "event: ht > 300"],
    ),
    (
        "CMS macros: TeV",
        "The \\MET must exceed 1.2\\TeV.",
        ["event: met > 1200"],
    ),
    (
        "CMS length macros: the value in mm",
        "Electrons must have \\pt > 10\\GeV, $\\abs{\\eta} < 2.5$, $\\abs{d_{xy}} < 0.05\\cm$ and "
        "$\\abs{d_{z}} < 0.1\\cm$.",
        ["electrons: abs(d0) < 0.5", "electrons: abs(z0) < 1", "electrons: pt > 10"],
    ),
    (
        "a threshold in cm after a bracketed alternative is read (the check converts it too)",
        "Electrons must have $\\pt > 10\\GeV$ and must satisfy $\\abs{d_{xy}} < 0.05$ "
        "(0.10)\\cm in the barrel (endcap).",
        ["electrons: pt > 10"],
    ),
    (
        "ATLAS macros",
        "Events with $\\met > 200$~\\GeV and at least two jets with $\\pT > 30\\GeV$ are selected.",
        ["event: met > 200", "event: count(jets) >= 2", "jets: pt > 30"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG)
def test_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT)
def test_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)
