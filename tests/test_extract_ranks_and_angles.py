"""Ranked values, per-jet angles and 'up to' counts the twenty-first session read anew (issue 17):

- 'pT > 40 (30) GeV for the leading (subleading) candidate', '... for the leading (subleading)
  tau': the values of two ranks. Named with 'candidate', 'object' or a bare 'tau', the rank was
  not read: both values became cuts on every tau, and the support check verified them;
- 'a jet with pT > 250 GeV and |eta| < 2.0': the |eta| of the same, leading, jet (the pT was
  read as the leading jet's last session; the |eta| stayed a cut on every jet, verified);
- 'the leading muon above 30 GeV', 'the leading jet must be above 100 GeV', a ranked object
  compared with an energy, no quantity named, is its pT (it was not read at all); 'the
  mass of the leading large-R jet must be above 120 GeV' is not;
- 'C_l = |eta_l - (eta_j1 + eta_j2)/2| / |Delta eta_jj| < 0.5': the divisor of the compared formula
  is not what is compared (it gave Delta eta_jj < 0.5, verified); 'dE/dx above 2.1 MeV g-1 cm2' is
  no energy (it gave the tracks' pT > 0.0021 GeV, verified);
- 'the leading (subleading) photon must satisfy E_T/m_gammagamma > 0.35 (0.25)': the ranked
  photons' pT over the diphoton mass (H->gammagamma's standard cut was not read at all);
- 'Delta phi(j1, MET) > 0.5 and Delta phi(j_2, MET) > 0.3': two angles, the second the second
  jet's. Both cuts shared the list's one 'dphi', the leading jet's, so the 0.3 was applied to the
  leading jet, verified; 'Delta phi(j2, MET) > 0.5' alone had no definition at all;
- 'events must have up to three jets with pT > 30 GeV': a count of at most three jets ('to three
  jets with' was read as a condition, and the count was lost); 'Delta phi(jet_i, MET) > 0.4 for
  up to four jets with pT > 30 GeV' is the smallest angle of the four leading jets, and the 30 GeV
  stays the condition saying which jets.
"""

from __future__ import annotations

from pathlib import Path

import awkward as ak
import pytest
import uproot
import vector

from pipeline.selection.models import Status
from tests.conftest import shared_path
from tests.extract_cases import assert_not_verified, assert_verified
from tests.test_adl_nanoaod import NANOAOD, nanoaod_step_counts
from tests.test_extract_support_classes import _checked, _extracted, _reason

WRONG = [
    (
        "a photon ratio given as a fraction (guard)",
        "The leading and subleading photons are required to have p_T/m_gammagamma > 1/3 and 1/4, "
        "respectively.",
        [
            "event: nth(sort_desc(pt(photons)), 0) / mgammagamma > 1",
            "event: nth(sort_desc(pt(photons)), 1) / mgammagamma > 1",
        ],
    ),
    (
        "the diphoton pT is no photon's (guard)",
        "The leading (subleading) photon must satisfy E_T/m_gammagamma > 0.35 (0.25), and the "
        "diphoton p_T must exceed 100 GeV.",
        ["photons: pt > 100", "event: nth(sort_desc(pt(photons)), 0) > 100"],
    ),
    (
        "the divisor of a formula compared",
        "Both leptons must satisfy C_l = |eta_l - (eta_j1 + eta_j2)/2| / |\u0394\u03b7_jj| < 0.5.",
        ["event: deta < 0.5"],
    ),
    (
        "an energy loss per mass column read as an energy",
        "Candidate tracks must have pT > 100 GeV and a pixel dE/dx above 2.1 MeV "
        "g\u207b\u00b9 cm\u00b2.",
        ["tracks: pt > 0.0021"],
    ),
    (
        "the |eta| of one jet above a value on every jet",
        "At least one jet with pT > 100 GeV and |eta| < 2.4 is required.",
        ["jets: abs(eta) < 2.4"],
    ),
    (
        "a quantity of an object above an energy is no pT",
        "The mass of the leading re-clustered large-R jet must be above 120 GeV.",
        ["fatjets: pt > 120", "event: nth(sort_desc(pt(fatjets)), 0) > 120"],
    ),
    (
        "a ranked object above an energy is not every object",
        "Events must contain exactly two muons, with the leading muon above 30 GeV.",
        ["muons: pt > 30"],
    ),
    (
        "ranked values named as the candidates",
        "Events must contain exactly two tau candidates with opposite charge and pT > 40 (30) GeV "
        "for the leading (subleading) candidate and exactly two b-tagged jets.",
        ["taus: pt > 40", "taus: pt > 30"],
    ),
    (
        "ranked values of a bare tau",
        "Events must contain two hadronic tau candidates with pT > 95 (60) GeV for the leading "
        "(subleading) tau.",
        ["taus: pt > 95", "taus: pt > 60"],
    ),
    (
        "ranked values named as the objects",
        "Events must contain exactly two muons with pT > 40 (30) GeV for the leading (subleading) "
        "object.",
        ["muons: pt > 40", "muons: pt > 30"],
    ),
    (
        "a second jet's angle read as the leading jet's",
        "Events must satisfy Delta phi(j1, MET) > 0.5 and Delta phi(j_2, E_T^miss) > 0.3.",
        ["event: dphi > 0.3"],
    ),
    (
        "the jets an angle is of, up to four (guard)",
        "Events must have MET > 250 GeV and Delta phi(jet_i, MET) > 0.4 for up to four jets with "
        "pT > 30 GeV.",
        ["jets: pt > 30"],
    ),
]

RIGHT = [
    (
        "a photon ratio and the diphoton mass window, m_yy",
        "The leading (subleading) photon must satisfy p_T^gamma/m_yy > 0.35 (0.25), and m_yy must "
        "lie within 105-160 GeV.",
        [
            "event: nth(sort_desc(pt(photons)), 0) / mgammagamma > 0.35",
            "event: 105 < mgammagamma < 160",
        ],
    ),
    (
        "a ratio to the square root of a sum (guard)",
        "Events must have E_T^miss / sqrt(H_T) > 10 GeV^1/2 and E_T^miss/m_eff > 0.2.",
        ["event: met / sqrt(ht) > 10", "event: met / meff > 0.2"],
    ),
    (
        "a momentum in GeV/c (guard)",
        "Muons must have pT > 20 GeV/c and |eta| < 2.1.",
        ["muons: pt > 20", "muons: abs(eta) < 2.1"],
    ),
    (
        "a jet above a value, with its |eta|",
        "Events are required to contain a jet with pT > 250 GeV and |eta| < 2.0.",
        [
            "event: nth(sort_desc(pt(jets)), 0) > 250",
            "event: abs(nth(eta(sorted_by_pt(jets)), 0)) < 2",
        ],
    ),
    (
        "at least two jets with their |eta| (guard: the collection's)",
        "Events must contain at least two jets with pT > 30 GeV and |eta| < 2.4.",
        ["jets: pt > 30", "jets: abs(eta) < 2.4", "event: count(jets) >= 2"],
    ),
    (
        "every jet's |eta| in a clause of its own (guard)",
        "Events must have at least one jet with pT > 100 GeV, and all jets must have |eta| < 2.4.",
        ["jets: abs(eta) < 2.4", "event: nth(sort_desc(pt(jets)), 0) > 100"],
    ),
    (
        "a ranked object above an energy, no quantity named",
        "Events must contain exactly two muons, with the leading muon above 30 GeV.",
        ["event: nth(sort_desc(pt(muons)), 0) > 30", "event: count(muons) == 2"],
    ),
    (
        "a ranked object required to be above an energy",
        "The leading jet must be above 100 GeV and the event must have MET > 200 GeV.",
        ["event: nth(sort_desc(pt(jets)), 0) > 100", "event: met > 200"],
    ),
    (
        "ranked values named as the candidates",
        "Events must contain exactly two tau candidates with opposite charge and pT > 40 (30) GeV "
        "for the leading (subleading) candidate and exactly two b-tagged jets.",
        [
            "event: nth(sort_desc(pt(taus)), 0) > 40",
            "event: nth(sort_desc(pt(taus)), 1) > 30",
            "event: count(taus) == 2",
            "event: count(bjets) == 2",
        ],
    ),
    (
        "ranked values of a bare tau",
        "Events must contain two hadronic tau candidates with pT > 95 (60) GeV for the leading "
        "(subleading) tau.",
        ["event: nth(sort_desc(pt(taus)), 0) > 95", "event: nth(sort_desc(pt(taus)), 1) > 60"],
    ),
    (
        "the leading tau (guard)",
        "The leading tau must have pT > 50 GeV.",
        ["event: nth(sort_desc(pt(taus)), 0) > 50"],
    ),
    (
        "a second jet's angle, with the leading jet's",
        "Events must satisfy Delta phi(j1, MET) > 0.5 and Delta phi(j_2, E_T^miss) > 0.3.",
        ["event: dphi > 0.5", "event: nth(delta_phi(sorted_by_pt(jets), met_vec), 1) > 0.3"],
    ),
    (
        "the fourth jet's angle after the three leading jets'",
        "The minimum azimuthal angle between the three leading jets and MET must exceed 0.4, and "
        "Delta phi(j_4, MET) > 0.2 is required.",
        ["event: dphi > 0.4", "event: nth(delta_phi(sorted_by_pt(jets), met_vec), 3) > 0.2"],
    ),
    (
        "up to three jets",
        "Events must have up to three jets with pT > 30 GeV.",
        ["jets: pt > 30", "event: count(jets) <= 3"],
    ),
    (
        "events with up to two b-jets",
        "Events having up to two b-tagged jets are accepted.",
        ["event: count(bjets) <= 2"],
    ),
    (
        "a selection that allows up to four jets",
        "The monojet selection allows up to four jets with pT > 30 GeV.",
        ["jets: pt > 30", "event: count(jets) <= 4"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_the_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)


@pytest.mark.parametrize(
    ("quote", "target", "value"),
    [
        (
            "Events must contain exactly two tau candidates with opposite charge and pT > 40 (30) "
            "GeV for the leading (subleading) candidate.",
            "taus",
            40,
        ),
        (
            "Events must contain two hadronic tau candidates with pT > 95 (60) GeV for the leading "
            "(subleading) tau.",
            "taus",
            95,
        ),
        (
            "Events must contain exactly two muons, with the leading muon above 30 GeV.",
            "muons",
            30,
        ),
    ],
)
def test_a_model_cut_on_every_object_of_ranked_values_is_not_supported(
    quote: str, target: str, value: float
) -> None:
    cut = _checked(quote, {"variable": "pt", "op": ">", "value": value}, target)
    assert cut.status == Status.unverified
    assert "ranks the objects" in _reason(cut)


def test_one_angle_of_a_ranked_jet_is_defined() -> None:
    sel = _extracted("Events must satisfy Delta phi(j2, MET) > 0.5.")
    (derived,) = [d for d in sel.derived if d.name == "dphi"]
    assert derived.expr == "nth(delta_phi(sorted_by_pt(jets), met_vec), 1)"
    assert not sel.unresolved


def test_an_angle_for_up_to_four_jets_is_the_four_leading_ones() -> None:
    sel = _extracted(
        "Events must have MET > 250 GeV and Delta phi(jet_i, MET) > 0.4 for up to four jets with "
        "pT > 30 GeV."
    )
    (derived,) = [d for d in sel.derived if d.name == "dphi"]
    assert derived.expr == "min_of(delta_phi(first_n(sorted_by_pt(jets), 4), met_vec))"
    assert any(
        c.variable == "dphi" and c.value == 0.4 and c.status == Status.verified
        for c in sel.all_cuts()
    )


def test_the_second_jets_angle_runs_on_real_data(tmp_path: Path) -> None:
    """The two angles compile and run on the shared NanoAOD file; each step equals the same angle
    computed here with vector: the leading jet's, then the second jet's (a cut on a second jet
    fails where there is none)."""
    sel = _extracted(
        "Events must have at least two jets with p_T > 30 GeV, Delta phi(j1, MET) > 0.5 and "
        "Delta phi(j_2, MET) > 0.3."
    )
    steps = nanoaod_step_counts(sel, tmp_path / "out")
    raw = uproot.open(shared_path(*NANOAOD))["Events"].arrays(
        ["Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass", "MET_pt", "MET_phi"]
    )
    jets = vector.zip(
        {"pt": raw.Jet_pt, "eta": raw.Jet_eta, "phi": raw.Jet_phi, "mass": raw.Jet_mass}
    )
    jets = jets[jets.pt > 30]
    jets = jets[ak.argsort(jets.pt, axis=1, ascending=False)]
    two = ak.pad_none(jets, 2)
    met = vector.zip({"rho": raw.MET_pt, "phi": raw.MET_phi})
    enough = ak.num(jets) >= 2
    # (the smallest angle of no jet at all is no failure: the leading jet's cut keeps those events)
    first = ak.fill_none(abs(two[:, 0].deltaphi(met)) > 0.5, True)
    second = ak.fill_none(abs(two[:, 1].deltaphi(met)) > 0.3, False)
    assert steps["event_dphi"] == int(ak.sum(first)) > 0
    assert steps["event_dphi_2"] == int(ak.sum(first & second)) > 0
    assert steps["event_dphi_2"] < steps["event_dphi"]
    assert steps["jets_count"] == int(ak.sum(first & second & enough))


PHOTONS = (
    "Events must contain two photons with E_T > 10 GeV, and the leading (subleading) photon must "
    "in addition satisfy E_T/m_\u03b3\u03b3 > 0.35 (0.25)."
)


def test_photon_pt_over_the_diphoton_mass_is_ranked() -> None:
    """'the leading (subleading) photon must satisfy E_T/m_gammagamma > 0.35 (0.25)': the two
    ranked photons' pT over the diphoton mass (it was not read at all)."""
    assert_verified(
        "ranked E_T/m_gammagamma",
        PHOTONS,
        [
            "event: nth(sort_desc(pt(photons)), 0) / mgammagamma > 0.35",
            "event: nth(sort_desc(pt(photons)), 1) / mgammagamma > 0.25",
            "photons: pt > 10",
        ],
    )


def test_photon_pt_over_the_diphoton_mass_runs_on_real_data(tmp_path: Path) -> None:
    """The ratios compile and run on the shared NanoAOD file; each step equals the ratio computed
    here with vector."""
    steps = nanoaod_step_counts(_extracted(PHOTONS), tmp_path / "out")
    raw = uproot.open(shared_path(*NANOAOD))["Events"].arrays(
        ["Photon_pt", "Photon_eta", "Photon_phi", "Photon_mass"]
    )
    photons = vector.zip(
        {"pt": raw.Photon_pt, "eta": raw.Photon_eta, "phi": raw.Photon_phi, "mass": raw.Photon_mass}
    )
    photons = photons[photons.pt > 10]
    photons = photons[ak.argsort(photons.pt, axis=1, ascending=False)]
    two = ak.pad_none(photons, 2)
    mass = (two[:, 0] + two[:, 1]).mass
    first = ak.fill_none(two[:, 0].pt / mass > 0.35, False)
    second = ak.fill_none(two[:, 1].pt / mass > 0.25, False)
    assert steps["photons_ptovermgg_0"] == int(ak.sum(first)) > 0
    assert steps["photons_ptovermgg_1"] == int(ak.sum(first & second)) > 0
