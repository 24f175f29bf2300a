"""What a phrase of one clause says, kept to that clause (issue 17 (b)), eighteenth session.

Each case is a finding of the review of the seventeenth session's work, reproduced before the fix:

- a count's threshold is the one of the counted objects, not a later clause's ('at least two
  electrons and the leading muon must have pT > 40 GeV'), and a threshold in TeV is one in GeV;
- 'no b-jet requirement', 'are exempt from', a b-tagging or data period named in another clause
  than the cut's do not flag it; an acceptance ('pT > 25 GeV within |eta| < 2.5') is not a
  range condition, a range the sentence splits is;
- a selection 'the same as in the other two channels' is not one channel's;
- 'They', 'Their' stand for every kind of the sentence before's subject ('Electrons and muons
  ...'); 'if present' binds to its own object only (one window for the rules and the check);
- only a pair chosen by something other than pT leaves 'the third jet' outside the ranking;
- 'a track curvature significance below 5' is not a pT; role words ('Top', 'Higgs') in any case;
- the scorer keys a conditional cut as its requirement only under the condition that the ranked
  object is there.
"""

from __future__ import annotations

import pytest

from pipeline.audit.matching import cut_key
from pipeline.selection.models import Cut
from tests.extract_cases import assert_not_verified, assert_verified

# (class, sentence, cuts that must not be verified)
WRONG = [
    (
        "a track's curvature significance read as the pT named before it",
        "Muons must have pT > 25 GeV and a track curvature significance below 5.",
        ["muons: pt < 5"],
    ),
    (
        "a role word with a capital",
        "The Top-candidate jets must have pT > 30 GeV.",
        ["jets: pt > 30"],
    ),
    (
        "a range the sentence splits",
        "Jets must satisfy pT > 20 GeV for |eta| < 2.5 and pT > 30 GeV in 2.5 < |eta| < 4.5.",
        ["jets: pt > 20", "jets: pt > 30"],
    ),
    (
        "a forward range",
        "Jets must have pT > 30 GeV for |eta| > 2.5.",
        ["jets: pt > 30"],
    ),
    (
        "a requirement waived in the same clause",
        "Electrons must have pT > 25 GeV; electrons with E_T above 500 GeV are exempt from the "
        "isolation requirement.",
        ["electrons: pt > 500"],
    ),
    (
        "the third lepton outside a Z candidate",
        "The SFOS pair with the mass closest to m_Z is the Z candidate, and the third lepton must "
        "have pT > 20 GeV.",
        ["event: nth(sort_desc(pt(leptons)), 2) > 20"],
    ),
    (
        "an if-present object after a ';'",
        "The leading jet must have pT > 100 GeV; a second jet, if any, must satisfy pT > 30 GeV.",
        ["jets: pt > 30"],
    ),
    (
        "the subject of the sentence before, not its last object",
        "Hadronically decaying taus are reconstructed from jets. Their visible pT must exceed "
        "20 GeV.",
        ["jets: pt > 20"],
    ),
]

# the second review's findings (on this session's own changes), each reproduced first
WRONG += [
    (
        "a count 'each with' its threshold, beside a higher count",
        "Events must have at least four jets, each with pT > 25 GeV, and at least two jets with "
        "pT > 60 GeV.",
        ["jets: pt > 60", "event: count(jets) >= 2"],
    ),
    (
        "one channel's value before 'in both channels'",
        "In the electron channel, E_T^miss > 30 GeV is required, and in both channels the lepton "
        "must have pT > 25 GeV.",
        ["event: met > 30"],
    ),
    (
        "an online requirement after a trigger and a ';'",
        "Candidate events are recorded with a single-electron trigger; the online electron must "
        "have E_T > 24 GeV.",
        ["electrons: pt > 24"],
    ),
    (
        "a split threshold with a bare second value",
        "Jets are required to have pT > 20 GeV for |eta| < 2.5 and 30 GeV for 2.5 < |eta| < 4.5.",
        ["jets: pt > 20"],
    ),
    (
        "its mass, of one jet",
        "The leading jet must have pT > 200 GeV, and its invariant mass must exceed 50 GeV, as "
        "discussed in Section 4.",
        ["event: mjj > 50"],
    ),
    (
        "their mass, of three leptons",
        "Three leptons are required, and their invariant mass must exceed 100 GeV.",
        ["event: mll > 100"],
    ),
    (
        "a count under a condition on H_T",
        "Events must have E_T^miss > 200 GeV, and for events with H_T > 1000 GeV, at least two "
        "b-tagged jets are required.",
        ["event: count(bjets) >= 2"],
    ),
    (
        "the third lepton outside a pair chosen by its mass",
        "Events must contain an opposite-charge electron pair with 81 < m_ee < 101 GeV, and the "
        "third lepton must have pT > 20 GeV.",
        ["event: nth(sort_desc(pt(leptons)), 2) > 20"],
    ),
    (
        "'excluded' in an earlier clause",
        "Events containing additional leptons are excluded from the analysis, and the selected "
        "photon must satisfy 1.52 < |eta| < 2.37.",
        ["photons: abs(eta) < 1.52 or abs(eta) > 2.37"],
    ),
    (
        "a pronoun after an opening phrase",
        "In events with a photon, jets must have pT > 30 GeV. They must also have |eta| < 2.5.",
        ["photons: abs(eta) < 2.5"],
    ),
    (
        "three kinds with three values",
        "The pT thresholds for electrons, muons and jets are 25, 20 and 30 GeV.",
        ["electrons: pt > 20", "muons: pt > 25", "jets: pt > 25", "jets: pt > 20"],
    ),
]

# regressions of this session's own rules, found on sentences of their class
WRONG += [
    (
        "a difference to the trigger threshold read as a threshold",
        "Events are recorded with single-muon triggers, and the offline muon must have a pT at "
        "least 2 GeV above the trigger threshold, i.e. pT > 26 GeV.",
        ["muons: pt >= 2", "muons: pt > 2", "leptons: pt >= 2"],
    ),
    (
        "the MET inside an apposed symbol's arguments",
        "To reject multijet events, the minimum azimuthal angle between "
        "$\\boldsymbol{p}_{\\mathrm{T}}^{\\mathrm{miss}}$ and any of the up to four leading jets, "
        "$\\Delta\\phi(\\mathrm{jet}_{1,2,3,(4)}, \\boldsymbol{p}_{\\mathrm{T}}^{\\mathrm{miss}})"
        "_{\\mathrm{min}}$, must exceed 0.3.",
        ["event: met > 0.3"],
    ),
]

# (class, sentence, cuts that must be verified)
RIGHT = [
    (
        "a count before another object's ranked threshold",
        "Events must contain at least two electrons and the leading muon must have pT > 40 GeV.",
        ["event: count(electrons) >= 2", "event: nth(sort_desc(pt(muons)), 0) > 40"],
    ),
    (
        "a count before its own ranked object's threshold",
        "Events must have at least three jets, and the third jet must have pT > 40 GeV.",
        ["event: count(jets) >= 3", "event: nth(sort_desc(pt(jets)), 2) > 40"],
    ),
    (
        "a count above a threshold in TeV, after the jets' definition",
        "Jets must have pT > 30 GeV. Events must contain at least two jets with pT above 1.2 TeV.",
        ["jets: pt > 30", "event: nth(sort_desc(pt(jets)), 1) > 1200"],
    ),
    (
        "a count above thresholds in TeV and GeV",
        "Events must have at least two jets with pT > 0.5 TeV and at least four jets with pT > "
        "40 GeV.",
        ["jets: pt > 40", "event: count(jets) >= 4", "event: nth(sort_desc(pt(jets)), 1) > 500"],
    ),
    (
        "a count above a threshold in TeV alone",
        "Events must contain at least two jets with pT above 1.2 TeV.",
        ["event: count(jets) >= 2"],
    ),
    (
        "a veto in another clause than 'no b-jet requirement'",
        "Jets must have pT > 30 GeV and no b-jet requirement is applied to the muon channel; "
        "events with b-tagged jets with pT > 20 GeV are vetoed.",
        ["jets: pt > 30", "event: not any((pt(bjets) > 20))"],
    ),
    (
        "a requirement waived in another clause",
        "Electrons must have pT > 25 GeV; electrons with E_T above 500 GeV are exempt from the "
        "isolation requirement.",
        ["electrons: pt > 25"],
    ),
    (
        "the acceptance after a threshold",
        "Jets are required to have pT > 25 GeV within |eta| < 2.5.",
        ["jets: pt > 25", "jets: abs(eta) < 2.5"],
    ),
    (
        "a data period in another clause",
        "In 2017 data, the pile-up was higher than in 2016; muons must have pT > 25 GeV.",
        ["muons: pt > 25"],
    ),
    (
        "one selection for every channel",
        "The selection of the electron channel is the same as in the other two channels, "
        "requiring pT > 25 GeV.",
        ["electrons: pt > 25"],
    ),
    (
        "a pronoun for two kinds",
        "Electrons and muons must be isolated. They are required to have pT > 20 GeV.",
        ["electrons: pt > 20", "muons: pt > 20"],
    ),
    (
        "the leading jet before another jet's if-present",
        "The leading jet must have pT > 100 GeV and the second jet, if present, pT > 50 GeV.",
        [
            "event: nth(sort_desc(pt(jets)), 0) > 100",
            "event: not (count(jets) >= 2) or (nth(sort_desc(pt(jets)), 1) > 50)",
        ],
    ),
    (
        "the third jet after a pair of jets",
        "Events must contain a pair of jets with m_jj > 500 GeV, and the third jet must have "
        "pT > 40 GeV.",
        ["event: nth(sort_desc(pt(jets)), 2) > 40"],
    ),
    (
        "a pronoun after a sentence of one kind",
        "Jets are clustered with the anti-kt algorithm. They must have pT > 30 GeV.",
        ["jets: pt > 30"],
    ),
]


RIGHT += [
    (
        "the third jet 'if present' at the clause's end",
        "The third jet must satisfy pT > 40 GeV and |eta| < 2.5, if present.",
        [
            "event: not (count(jets) >= 3) or (nth(sort_desc(pt(jets)), 2) > 40)",
            "event: not (count(jets) >= 3) or (abs(nth(eta(sorted_by_pt(jets)), 2)) < 2.5)",
        ],
    ),
    (
        "a lepton count with flavours as alternatives",
        "Events must contain exactly two opposite-charge leptons, either two electrons or two "
        "muons, with pT > 25 GeV.",
        ["event: count(leptons) == 2"],
    ),
    (
        "a veto beside 'no b-tagging requirement'",
        "Events with any jet with pT > 30 GeV and |eta| < 2.5 are vetoed; no b-tagging "
        "requirement is applied.",
        ["event: not any((pt(jets) > 30) and (abs(eta(jets)) < 2.5))"],
    ),
    (
        "the signal regions after 'and'",
        "Events with a b-tagged jet are rejected, and the signal regions require m_T2 > 90 GeV.",
        ["event: mt2 > 90"],
    ),
    (
        "the regions of the analysis's multiplicity",
        "The two-lepton signal regions require E_T^miss > 110 GeV.",
        ["event: met > 110"],
    ),
    (
        "an apposed symbol with arguments",
        "To reject multijet events, the minimum azimuthal angle between "
        "$\\boldsymbol{p}_{\\mathrm{T}}^{\\mathrm{miss}}$ and any of the up to four leading jets, "
        "$\\Delta\\phi(\\mathrm{jet}_{1,2,3,(4)}, \\boldsymbol{p}_{\\mathrm{T}}^{\\mathrm{miss}})"
        "_{\\mathrm{min}}$, must exceed 0.3.",
        ["event: dphi > 0.3"],
    ),
    (
        "the search regions, every one",
        "The search regions require E_T^miss > 250 GeV.",
        ["event: met > 250"],
    ),
    (
        "three kinds with three values",
        "The pT thresholds for electrons, muons and jets are 25, 20 and 30 GeV.",
        ["electrons: pt > 25", "muons: pt > 20", "jets: pt > 30"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_no_wrong_cut_is_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_cut_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right)


@pytest.mark.parametrize(
    ("expr", "key"),
    [
        ("not (count(jets) >= 3) or (nth(sort_desc(pt(jets)), 2) > 30)", ("jet", "pt#2")),
        ("not (count(jets) > 2) or (nth(sort_desc(pt(jets)), 2) > 30)", ("jet", "pt#2")),
        # under another condition the cut is of some events: not the third jet's of every one
        ("not (met > 200) or (nth(sort_desc(pt(jets)), 2) > 30)", ("event", "expr")),
        ("not (count(jets) >= 2) or (nth(sort_desc(pt(jets)), 2) > 30)", ("event", "expr")),
    ],
)
def test_a_conditional_is_keyed_as_its_requirement_only_where_the_object_is_there(
    expr: str, key: tuple[str, str]
) -> None:
    got = cut_key(Cut(id="c", description="c", expr=expr), {"jets": "jet"})
    assert got is not None and got[:2] == key
