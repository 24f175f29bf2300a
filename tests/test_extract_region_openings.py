"""A sentence opening with the region, category or detector part its requirements hold in (issue 17,
nineteenth session).

- 'In the N_jet = 0 category, ...', 'In the 3l-Z-1b4j region, ...': the requirements are that
  region's (a region of the list, with the category's own multiplicity), not the whole selection's;
  before, a name with '=' or a bare 'region' after a label was no name, and the cuts were verified
  as the selection's;
- '..., and in the low-mass region m_ll < 200 GeV' (no comma) starts the next region's part;
- a region named at the end ('... meff > 1.4 TeV in SR4j.') is the requirement's region;
- channels in the plural and named together ('In the ee and mumu channels, ...') are regions,
  unless their values are given 'respectively' or as alternatives;
- 'In the barrel region, electrons must have ...', 'In the endcap, ...': the objects there, not
  every object, so the cut is not verified as every electron's.
"""

from __future__ import annotations

import pytest

from pipeline.selection.expr import cut_expression
from pipeline.selection.models import SelectionList
from tests.extract_cases import assert_not_verified, assert_verified
from tests.test_extract_battery_classes import _verified


def _verified_in_regions(sel: SelectionList) -> set[str]:
    """The verified cuts, a region's as 'region NAME: expr'."""
    return _verified(sel) | {
        f"region {region.name}: {cut_expression(c)}"
        for region in sel.regions
        for c in region.cuts
        if c.status == "verified" and c.executable
    }


WRONG = [
    (
        "a category named by a multiplicity",
        "In the $N_{\\mathrm{jet}} = 0$ category, $p_{\\mathrm{T}}^{\\ell\\ell} > 30$~GeV and "
        "$m_{\\ell\\ell} < 55$~GeV are required.",
        ["event: ptll > 30", "event: mll < 55", "event: count(jets) == 0"],
    ),
    (
        "a category named by a b-jet multiplicity, plain text",
        "In the N_b >= 2 category, ETmiss > 250 GeV and HT > 600 GeV are required.",
        ["event: met > 250", "event: ht > 600", "event: count(bjets) >= 2"],
    ),
    (
        "a labelled region with a bare 'region'",
        "In the 3ℓ-Z-1b4j region, the leading, subleading and third-leading leptons must have "
        "pT > 27, 20 and 15 GeV, respectively.",
        [
            "event: nth(sort_desc(pt(leptons)), 0) > 27",
            "event: nth(sort_desc(pt(leptons)), 1) > 20",
        ],
    ),
    (
        "the second region opened without a comma",
        "In the high-mass region, m_ll > 200 GeV is required, and in the low-mass region "
        "m_ll < 200 GeV.",
        ["region high_mass_region: mll < 200"],
    ),
    (
        "a detector part opening the sentence",
        "In the barrel region, electrons must have pT > 25 GeV.",
        ["electrons: pt > 25"],
    ),
    (
        "an endcap opening the sentence",
        "In the endcaps, photons are required to have E_T > 40 GeV.",
        ["photons: pt > 40"],
    ),
    (
        "a detector part bounded in brackets",
        "In the forward region (|eta| > 2.5), jets must have pT > 30 GeV.",
        ["jets: abs(eta) > 2.5", "jets: pt > 30"],
    ),
]

WRONG += [
    (
        "two categories named together, one value each",
        "The 2-jet and 3-jet categories require exactly two and exactly three jets, respectively.",
        ["region r_2_jet_and_3_jet_category: count(jets) == 2", "event: count(jets) == 2"],
    ),
]

RIGHT = [
    (
        "a category named by a multiplicity",
        "In the $N_{\\mathrm{jet}} = 0$ category, $p_{\\mathrm{T}}^{\\ell\\ell} > 30$~GeV and "
        "$m_{\\ell\\ell} < 55$~GeV are required.",
        [
            "region n_jet_0_category: ptll > 30",
            "region n_jet_0_category: mll < 55",
            "region n_jet_0_category: count(jets) == 0",
        ],
    ),
    (
        "a category named by a b-jet multiplicity, events as the subject",
        "Events in the N_b >= 1 category must have ETmiss > 200 GeV.",
        ["region n_b_1_category: count(bjets) >= 1", "region n_b_1_category: met > 200"],
    ),
    (
        "a labelled region with a bare 'region'",
        "In the 3ℓ-Z-1b4j region, the leading, subleading and third-leading leptons must have "
        "pT > 27, 20 and 15 GeV, respectively.",
        [
            "region r_3l_z_1b4j_region: nth(sort_desc(pt(leptons)), 0) > 27",
            "region r_3l_z_1b4j_region: nth(sort_desc(pt(leptons)), 2) > 15",
        ],
    ),
    (
        "the second region opened without a comma",
        "In the high-mass region, m_ll > 200 GeV is required, and in the low-mass region "
        "m_ll < 200 GeV.",
        ["region high_mass_region: mll > 200", "region low_mass_region: mll < 200"],
    ),
    (
        "no opening: every electron",
        "Electrons must have pT > 25 GeV in the barrel and endcap regions.",
        ["electrons: pt > 25"],
    ),
]


RIGHT += [
    (
        "channels in the plural",
        "In the same-flavour channels, MET > 40 GeV is required.",
        ["region same_flavour_channels: met > 40"],
    ),
    (
        "two channels named together",
        "Events in the ee and mumu channels must have MET > 60 GeV, whereas in the emu channel "
        "only HT > 130 GeV is required.",
        ["region ee_and_mumu_channels: met > 60", "region emu_channel: ht > 130"],
    ),
    (
        "a common requirement in words before the channel's",
        "Events with two opposite-sign leptons are selected; in the same-flavour channels, "
        "MET > 40 GeV is required.",
        ["event: any(opposite_charge(pairs(leptons)))", "region same_flavour_channels: met > 40"],
    ),
]


RIGHT += [
    (
        "a region named at the end of the requirement",
        "Events are required to have ETmiss/meff > 0.2 and meff > 1.4 TeV in SR4j.",
        ["region sr4j: meff > 1400", "region sr4j: met / meff > 0.2"],
    ),
    (
        "a region named at the end, 'applied in'",
        "A requirement of MET > 300 GeV is applied in SR-high.",
        ["region sr_high: met > 300"],
    ),
]
WRONG += [
    (
        "an object cut with a region at the end is no cut of every object",
        "Jets must have pT > 30 GeV in SR1.",
        ["jets: pt > 30"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG)
def test_wrong_reading_is_not_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong, of=_verified_in_regions)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT)
def test_right_reading_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right, of=_verified_in_regions)
