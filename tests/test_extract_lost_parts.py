"""A cut read from part of a sentence whose other part changes it (issue 17 (b)).

Two classes, each tested on synthetic sentences (with counterparts that stay verified), on a
model's reading and on real papers of ../shared:

- a threshold of the sentence that no cut of the list reads, in a sentence whose parts are tied to
  one another ("raised to 40 GeV for jets with |eta| > 2.5", "except in the dimuon channel where
  pT > 20 GeV", "(25 GeV in the 2017 data)"): the condition, channel or alternative of the cut
  that was read may be lost, so its cuts stay unverified with the threshold named
  (``support.check_thresholds_read``, a check of the whole list, the same for any extractor);
- requirements on different quantities joined by "or" ("H_T > 800 GeV or E_T^miss > 250 GeV",
  "either m_eff > 1200 GeV or at least one large-R jet"): alternatives, one cut ``(A) or (B)``;
  read flat they are flagged (``alternatives._or_comparisons``);
- counts of one collection above different thresholds ("at least two jets with pT > 50 GeV and
  at least four jets with pT > 25 GeV"): the lowest threshold is the collection's, a higher one
  the pT of the n-th object; a cut on every object at a higher one is flagged
  (``count_thresholds``);
- vetoes of two objects joined by "or" ("Events containing an electron with pT > 10 GeV or a
  muon with pT > 5 GeV are rejected"): two vetoes (the kept events have neither), not one veto
  and a cut on every muon (``rules._vetoes_joined_by_or``);
- large-R jets ("large-R jets", "large-radius jets", "AK8 jets", "fat jets") are the collection
  ``fatjets`` of the language, their soft-drop mass its ``msoftdrop``, not jets;
- the samples of a background method or of a classifier's training ("seed events with H_T >
  300 GeV", "trained on events with ...") are no signal selection (``reading``'s control kind);
- found by a development battery (120 sentences written and judged by a helper): a window after
  a named mass ("an invariant mass 81 < m_ll < 101 GeV", "within 4.9 < m < 5.9 GeV", the PDF's
  single angle quotes for < and >) is a window, not its upper edge; alternatives of two ranked
  objects ("The leading lepton must have pT > 25 GeV or the subleading lepton ..."); a region
  named after its kind ("and the signal region SR-3b requires"); an isolation in another cone
  than the data's ptcone30 ("I_rel < 0.15 within a cone of Delta R = 0.4") is flagged; values
  of several channels ("pT > 30 (25) GeV in the l tau_h (tau_h tau_h) channel", "m_ee > 225 GeV
  ..., while dimuon events need m_mumu > 250 GeV") are no cuts of every event.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from pipeline.extract import extract_selection
from pipeline.extract.grounding import ground_selection
from pipeline.extract.support import check_support, check_thresholds_read
from pipeline.parse import parse_document
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, Provenance, SelectionList
from tests.conftest import shared_path
from tests.extract_cases import assert_not_verified, assert_verified
from tests.test_extract_battery3_classes import run_on
from tests.test_extract_support_classes import _document, _extracted

LOST = "which no cut reads"


def _verified(sel: SelectionList) -> set[str]:
    out = set()
    for obj in sel.objects:
        out |= {f"{obj.name}: {_form(c)}" for c in obj.cuts if c.status == "verified"}
    out |= {f"event: {_form(c)}" for c in sel.selection if c.status == "verified"}
    return out


def _form(cut: Cut) -> str:
    if cut.expr:
        return cut.expr
    value = cut.value if isinstance(cut.value, list) else f"{cut.value:g}"
    return f"{cut.variable} {cut.op} {value}"


# (class, sentence, cuts that must not be verified)
WRONG = [
    (
        "a raised threshold for a subset",
        "Jets must have pT > 30 GeV, raised to 40 GeV for jets with |eta| > 2.5.",
        ["jets: pt > 30"],
    ),
    (
        "a channel with its own threshold",
        "Muons are required to have pT > 10 GeV, except in the dimuon channel where pT > 20 GeV "
        "is required for both.",
        ["muons: pt > 10"],
    ),
    (
        "a data period's value in brackets",
        "Electrons must satisfy pT > 20 GeV (25 GeV in the 2017 data).",
        ["electrons: pt > 20"],
    ),
    (
        "a threshold without the condition after it",
        "Jets are required to have pT > 25 GeV, or pT > 30 GeV if 2.4 < |eta| < 4.5.",
        ["jets: pt > 25"],
    ),
    (
        "two event quantities joined by 'or'",
        "Events must have H_T > 800 GeV or E_T^miss > 250 GeV.",
        ["event: ht > 800", "event: met > 250"],
    ),
    (
        "a ranked object or an event quantity, in words",
        "Events are selected if the leading jet has pT > 250 GeV or the missing transverse "
        "momentum exceeds 300 GeV.",
        ["event: nth(sort_desc(pt(jets)), 0) > 250", "event: met > 300"],
    ),
    (
        "alternatives with a requirement common to both after them",
        "The event must satisfy MET > 200 GeV or HT > 1000 GeV, and at least two jets with pT > "
        "50 GeV.",
        ["event: met > 200", "event: ht > 1000"],
    ),
    (
        "'either' after a requirement of every event",
        "Selected events have MET > 200 GeV and either HT > 1000 GeV or at least six jets.",
        ["event: ht > 1000", "event: count(jets) >= 6"],
    ),
    (
        "'either' with an alternative the patterns cannot count",
        "We require either m_eff > 1200 GeV or at least one large-R jet.",
        ["event: meff > 1200"],
    ),
    (
        "alternatives of a quantity the language cannot state",
        "We select events with m_T > 100 GeV or m_T2 > 90 GeV.",
        ["event: mt2 > 90"],
    ),
]

# found by a review of the session's diff (a helper, read-only)
WRONG += [
    (
        "object definitions in a sentence with alternatives: the event cuts still alternatives",
        "Photons with E_T > 75 GeV and |η| < 2.37 are selected, and events must have H_T > 800 GeV "
        "or E_T^miss > 250 GeV.",
        ["event: ht > 800", "event: met > 250"],
    ),
    (
        "a quantity the reader does not know is not the pT named before it",
        "Jets must have pT > 200 GeV and a mass above 50 GeV.",
        ["jets: pt > 50"],
    ),
    (
        "a classifier's output is no event quantity the reader knows",
        "Events must have E_T^miss > 200 GeV and a DNN output above 0.9.",
        ["event: met > 0.9"],
    ),
    (
        "a negated requirement is no alternatives of it",
        "Events are not selected if H_T < 300 GeV or E_T^miss < 50 GeV.",
        ["event: (ht < 300) or (met < 50)", "event: ht < 300", "event: met < 50"],
    ),
    (
        "a requirement before the alternatives is every alternative's",
        "Events must have m_jj > 500 GeV, and H_T > 300 GeV or E_T^miss > 50 GeV.",
        ["event: (mjj > 500 and ht > 300) or (met > 50)", "event: ht > 300", "event: met > 50"],
    ),
    (
        "a common requirement after the alternatives, 'as well as'",
        "Events must have H_T > 800 GeV or E_T^miss > 250 GeV, as well as at least two jets with "
        "pT > 30 GeV.",
        ["event: (ht > 800) or (nth(sort_desc(pt(jets)), 1) > 30 and met > 250)"],
    ),
    (
        "alternatives after a unit per c^2",
        "Events must have m_jj > 1000 GeV/c^2 or H_T > 500 GeV.",
        ["event: mjj > 1000", "event: ht > 500"],
    ),
    (
        "counts of two categories are no two thresholds of one selection",
        "Events in the low-mass category must have at least two jets with pT > 50 GeV, while "
        "events in the high-mass category need at least four jets with pT > 25 GeV.",
        ["event: nth(sort_desc(pt(jets)), 3) > 25", "event: nth(sort_desc(pt(jets)), 1) > 50"],
    ),
    (
        "another collection's definition does not read a threshold",
        "Electrons must have pT > 25 GeV and |eta| < 2.47. Muons must satisfy pT > 20 GeV (25 GeV "
        "in the 2017 data).",
        ["muons: pt > 20"],
    ),
    (
        "a bracketed second value without a unit",
        "Jets must have pT > 20 GeV (25 in the 2017 data).",
        ["jets: pt > 20"],
    ),
    (
        "a raised threshold for a data period",
        "E_T^miss > 200 GeV, raised to 250 GeV for 2018 data, is required.",
        ["event: met > 200"],
    ),
    (
        "a second value for a subset, no condition word",
        "Jets must have pT > 30 GeV, and 40 GeV for forward jets.",
        ["jets: pt > 30"],
    ),
    (
        "an isolation cone written as Delta R < 0.4",
        "Muons are required to have I_rel < 0.15 within a cone of ΔR < 0.4.",
        ["muons: ptcone30 / pt < 0.15"],
    ),
    (
        "values of two channels in brackets",
        "Tau candidates are required to have p_T > 30 (25) GeV in the l tau_had (tau_had tau_had) "
        "channel.",
        ["taus: pt > 30"],
    ),
    (
        "a pair mass of each flavour channel",
        "The dielectron invariant mass is required to exceed 225 GeV for the Z' search, while "
        "dimuon events need m_mumu > 250 GeV.",
        ["event: mee > 225", "event: mmumu > 250"],
    ),
    (
        "a window after a named mass",
        "Events are required to contain exactly two opposite-sign leptons with an invariant mass "
        "81 < m_ll < 101 GeV.",
        ["event: mll < 101"],
    ),
    (
        "a window written out after 'within', with the PDF's angle quotes",
        "The dimuon invariant mass must be within 4.9 \u2039 m_\u03bc\u03bc < 5.9 GeV.",
        ["event: mmumu < 4.9"],
    ),
    (
        "alternatives of two ranked objects",
        "The leading lepton must have p_T > 25 GeV or the subleading lepton must have p_T > 20 "
        "GeV.",
        [
            "event: nth(sort_desc(pt(leptons)), 0) > 25",
            "event: nth(sort_desc(pt(leptons)), 1) > 20",
        ],
    ),
    (
        "an isolation cone other than the data's",
        "Muons are required to have a relative isolation I_rel < 0.15 within a cone of ΔR = 0.4.",
        ["muons: ptcone30 / pt < 0.15"],
    ),
    (
        "the seed events of a background method",
        "The QCD multijet background is estimated with the rebalance-and-smear method, using seed "
        "events with H_T > 300 GeV.",
        ["event: ht > 300"],
    ),
    (
        "the sample a classifier is trained on",
        "A neural network is trained on events with at least two jets with pT > 30 GeV.",
        ["jets: pt > 30", "event: count(jets) >= 2"],
    ),
    (
        "the track jets inside a large-R jet",
        "Large-R jets are built from anti-kt R=1.0 with trimming, and the leading large-R jet must "
        "have pT > 450 GeV and contain two track jets with pT > 10 GeV.",
        ["event: nth(sort_desc(pt(fatjets)), 0) > 10", "fatjets: pt > 10"],
    ),
    (
        "large-R and small-R jets in one sentence",
        "Large-R jets with pT > 200 GeV and small-R jets with pT > 25 GeV are used.",
        ["jets: pt > 200"],
    ),
    (
        "vetoes of two objects joined by 'or', one of them additional",
        "Events with an additional lepton with pT > 10 GeV or a tau with pT > 20 GeV are "
        "discarded.",
        ["event: not any((pt(leptons) > 10))", "leptons: pt > 10"],
    ),
    (
        "two counts of one collection above different thresholds",
        "We require at least two jets with pT > 50 GeV and at least four jets with pT > 25 GeV.",
        ["jets: pt > 50"],
    ),
    (
        "a higher threshold for fewer objects, in the other order",
        "Events must have at least three jets with pT > 30 GeV and at least one jet with pT > 100 "
        "GeV, and E_T^miss > 200 GeV.",
        ["jets: pt > 100"],
    ),
]

# (class, sentence, cuts that stay verified)
RIGHT = [
    (
        "two counts of one collection above different thresholds",
        "We require at least two jets with pT > 50 GeV and at least four jets with pT > 25 GeV.",
        ["jets: pt > 25", "event: count(jets) >= 4", "event: nth(sort_desc(pt(jets)), 1) > 50"],
    ),
    (
        "a higher threshold for fewer objects, in the other order",
        "Events must have at least three jets with pT > 30 GeV and at least one jet with pT > 100 "
        "GeV, and E_T^miss > 200 GeV.",
        [
            "jets: pt > 30",
            "event: count(jets) >= 3",
            "event: nth(sort_desc(pt(jets)), 0) > 100",
            "event: met > 200",
        ],
    ),
    (
        "vetoes of two objects joined by 'or'",
        "Events containing an electron with pT > 10 GeV or a muon with pT > 5 GeV are rejected.",
        ["event: not any((pt(electrons) > 10))", "event: not any((pt(muons) > 5))"],
    ),
    (
        "vetoes of two objects joined by 'or', the rejection first",
        "Events are vetoed if they contain a photon with E_T > 20 GeV or a b-tagged jet with pT > "
        "30 GeV.",
        ["event: not any((pt(photons) > 20))", "event: not any((pt(bjets) > 30))"],
    ),
    (
        "one veto of objects of either flavour",
        "Events with an electron or muon with pT > 10 GeV are rejected.",
        ["event: not any((pt(leptons) > 10))"],
    ),
    (
        "large-R jets defined",
        "Large-R jets are required to have pT > 250 GeV and |eta| < 2.0.",
        ["fatjets: pt > 250", "fatjets: eta < 2"],
    ),
    (
        "large-R and small-R jets in one sentence",
        "Jets are reconstructed with the anti-kt algorithm with R = 0.4 and must have pT > 20 GeV; "
        "large-R jets (R = 1.0) must have pT > 200 GeV and |eta| < 2.0.",
        ["jets: pt > 20", "fatjets: pt > 200", "fatjets: eta < 2"],
    ),
    (
        "a count of large-radius jets",
        "Events must contain at least one large-radius jet with pT > 300 GeV.",
        ["event: nth(sort_desc(pt(fatjets)), 0) > 300"],  # (the leading one: some is above)
    ),
    (
        "the soft-drop mass of AK8 jets",
        "AK8 jets must satisfy pT > 200 GeV and |η| < 2.4, and a soft-drop mass above 50 GeV.",
        ["fatjets: pt > 200", "fatjets: msoftdrop > 50"],
    ),
    (
        "a window after a named mass",
        "Events are required to contain exactly two opposite-sign leptons with an invariant mass "
        "81 < m_ll < 101 GeV.",
        ["event: mll between [81.0, 101.0]"],
    ),
    (
        "a window written out after 'within', with the PDF's angle quotes",
        "The dimuon invariant mass must be within 4.9 \u2039 m_\u03bc\u03bc < 5.9 GeV.",
        ["event: mmumu between [4.9, 5.9]"],
    ),
    (
        "alternatives of two ranked objects",
        "The leading lepton must have p_T > 25 GeV or the subleading lepton must have p_T > 20 "
        "GeV.",
        ["event: (nth(sort_desc(pt(leptons)), 0) > 25) or (nth(sort_desc(pt(leptons)), 1) > 20)"],
    ),
    (
        "an isolation without a cone size",
        "Muons must be isolated, with I_rel < 0.15.",
        ["muons: ptcone30 / pt < 0.15"],
    ),
    (
        "values of two flavours in brackets, no channel",
        "Electrons (muons) must have pT > 30 (25) GeV.",
        ["electrons: pt > 30", "muons: pt > 25"],
    ),
    (
        "a pair mass of one flavour",
        "The dielectron mass must exceed 120 GeV.",
        ["event: mee > 120"],
    ),
    (
        "alternatives after the last opening words",
        "Events with a photon are selected if E_T^miss > 250 GeV or H_T > 800 GeV.",
        ["event: (met > 250) or (ht > 800)"],
    ),
    (
        "a requirement before the alternatives is every alternative's",
        "Events must have m_jj > 500 GeV, and H_T > 300 GeV or E_T^miss > 50 GeV.",
        ["event: (mjj > 500 and ht > 300) or (mjj > 500 and met > 50)"],
    ),
    (
        "the mass of a particle is no threshold",
        "Electrons or muons with pT > 25 GeV are selected to reconstruct the 125 GeV Higgs boson.",
        ["electrons: pt > 25", "muons: pt > 25"],
    ),
    (
        "a jet radius and a separation are no isolation cone",
        "Muons must have I_rel < 0.15 and be separated by ΔR > 0.4 from anti-kt R = 0.4 jets.",
        ["muons: ptcone30 / pt < 0.15"],
    ),
    (
        "a data period without a second value",
        "Jets are required to have pT > 25 GeV and |eta| < 2.5 for the 2016 data.",
        ["jets: pt > 25", "jets: eta < 2.5"],
    ),
    (
        "a quantity named in words before a word comparison",
        "Jets must have pT > 200 GeV and a transverse momentum above 30 GeV when forward.",
        ["jets: pt > 200"],
    ),
    (
        "object definitions in a sentence with alternatives are the objects'",
        "Photons with E_T > 75 GeV and |η| < 2.37 are selected, and events must have H_T > 800 GeV "
        "or E_T^miss > 250 GeV.",
        ["photons: pt > 75", "photons: eta < 2.37", "event: (ht > 800) or (met > 250)"],
    ),
    (
        "a collection's threshold before count alternatives",
        "Jets with pT > 30 GeV are used, and events need at least two jets with pT > 40 GeV or one "
        "jet with pT > 100 GeV.",
        [
            "jets: pt > 30",
            "event: (nth(sort_desc(pt(jets)), 1) > 40) or (nth(sort_desc(pt(jets)), 0) > 100)",
        ],
    ),
    (
        "counts of two collections, each with its threshold",
        "At least four jets with pT > 30 GeV and at least one b-tagged jet with pT > 50 GeV are "
        "required.",
        ["jets: pt > 30", "event: count(jets) >= 4"],
    ),
    (
        "two event quantities joined by 'or'",
        "Events must have H_T > 800 GeV or E_T^miss > 250 GeV.",
        ["event: (ht > 800) or (met > 250)"],
    ),
    (
        "a ranked object or an event quantity, in words",
        "Events are selected if the leading jet has pT > 250 GeV or the missing transverse "
        "momentum exceeds 300 GeV.",
        ["event: (nth(sort_desc(pt(jets)), 0) > 250) or (met > 300)"],
    ),
    (
        "alternatives with a requirement common to both after them",
        "The event must satisfy MET > 200 GeV or HT > 1000 GeV, and at least two jets with pT > "
        "50 GeV.",
        [
            "event: (nth(sort_desc(pt(jets)), 1) > 50 and met > 200) or "
            "(nth(sort_desc(pt(jets)), 1) > 50 and ht > 1000)"
        ],
    ),
    (
        "'either' after a requirement of every event",
        "Selected events have MET > 200 GeV and either HT > 1000 GeV or at least six jets.",
        ["event: (met > 200 and ht > 1000) or (met > 200 and count(jets) >= 6)"],
    ),
    (
        "'or' in a rejection is 'and' of what is kept",
        "Events with MET < 50 GeV or m_ll < 12 GeV are rejected.",
        ["event: met >= 50"],
    ),
    (
        "'or' joining two bounds of one quantity is a window",
        "Electrons must have |eta| < 1.37 or 1.52 < |eta| < 2.47.",
        ["electrons: eta < 2.47", "electrons: eta outside [1.37, 1.52]"],
    ),
    (
        "'or' joining objects, every threshold read",
        "Jets are required to have pT > 25 GeV and |eta| < 2.5, and electrons or muons with pT > "
        "20 GeV are selected.",
        ["jets: pt > 25", "jets: eta < 2.5"],
    ),
    (
        "a channel raising the leading object's threshold only",
        "Leptons must have pT > 15 GeV; for the leading lepton in the trilepton channel, pT > 25 "
        "GeV is required.",
        ["leptons: pt > 15"],
    ),
    (
        "a threshold of the collection's definition restated",
        "Jets are required to have pT > 30 GeV and |eta| < 2.4. Events are vetoed if any jet with "
        "pT > 30 GeV has Delta phi(jet, E_T^miss) < 0.4.",
        ["event: dphi >= 0.4"],
    ),
    (
        "an angle in degrees",
        "Jets must have pT > 30 GeV. The leading jet and the missing momentum must be "
        "back-to-back, with Δφ > 150°, or the event must have H_T > 500 GeV.",
        ["jets: pt > 30"],
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_no_wrong_cut_is_verified(name: str, sentence: str, wrong: list[str]) -> None:
    assert_not_verified(name, sentence, wrong, of=_verified)


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_cut_is_verified(name: str, sentence: str, right: list[str]) -> None:
    assert_verified(name, sentence, right, of=_verified)


def _model_list(quote: str, cuts: list[tuple[str | None, dict]]) -> SelectionList:  # type: ignore[type-arg]
    """A model's list quoting ``quote``: (target collection or None, cut form), after grounding,
    the support check and the check of the thresholds read - the path every extractor's list
    takes."""
    objects: dict[str, list[Cut]] = {}
    selection: list[Cut] = []
    for index, (target, form) in enumerate(cuts):
        cut = Cut.model_validate(
            {
                "id": f"c{index}",
                "description": "c",
                **({"scope": "object", "target": target} if target else {}),
                **form,
                "provenance": Provenance(source="paper", document="test", quote=quote),
            }
        )
        (objects.setdefault(target, []) if target else selection).append(cut)
    sel = SelectionList(
        paper=PaperRef(id="test"),
        objects=[PhysicsObject(name=t, kind=t.rstrip("s"), cuts=c) for t, c in objects.items()],  # type: ignore[arg-type]
        selection=selection,
    )
    doc = _document("Introduction.\n\nSome text. " + quote + " More text.")
    return check_thresholds_read(check_support(ground_selection(sel, doc), doc), doc)


def test_a_models_cut_that_drops_a_condition_is_flagged() -> None:
    sel = _model_list(
        "Jets must have pT > 30 GeV, raised to 40 GeV for jets with |eta| > 2.5.",
        [("jets", {"variable": "pt", "op": ">", "value": 30, "unit": "GeV"})],
    )
    (cut,) = sel.all_cuts()
    assert cut.status == "unverified" and LOST in cut.grounding.reason  # type: ignore[union-attr]
    assert "'40 GeV'" in cut.grounding.reason  # type: ignore[union-attr]


def test_a_models_cut_missing_a_plain_conjunct_stays_verified() -> None:
    """'pT > 25 GeV and |eta| < 2.5' read as the pT cut alone: the eta cut is missed (recall),
    the pT cut is still right."""
    sel = _model_list(
        "Jets are required to have p_T > 25 GeV and |eta| < 2.5.",
        [("jets", {"variable": "pt", "op": ">", "value": 25, "unit": "GeV"})],
    )
    (cut,) = sel.all_cuts()
    assert cut.status == "verified", cut.grounding


def test_a_models_condition_read_as_a_conditional_cut_stays_verified() -> None:
    sel = _model_list(
        "The leading jet must have pT > 100 GeV in events with exactly one jet.",
        [(None, {"expr": "(count(jets) != 1) or (nth(sort_desc(pt(jets)), 0) > 100)"})],
    )
    assert sel.all_cuts()[0].grounding is not None
    assert LOST not in (sel.all_cuts()[0].grounding.reason or "")  # type: ignore[union-attr]


def test_a_models_cut_on_every_object_at_the_higher_threshold_is_flagged() -> None:
    quote = "We require at least two jets with pT > 50 GeV and at least four jets with pT > 25 GeV."
    sel = _model_list(
        quote,
        [
            ("jets", {"variable": "pt", "op": ">", "value": 50, "unit": "GeV"}),
            ("jets", {"variable": "pt", "op": ">", "value": 25, "unit": "GeV"}),
        ],
    )
    high, low = sel.all_cuts()
    assert high.status == "unverified" and "different thresholds" in high.grounding.reason  # type: ignore[union-attr]
    assert low.status == "verified", low.grounding


def test_counts_above_two_thresholds_run_on_real_data(tmp_path: Path) -> None:
    """On the CMS NanoAOD ttbar file: events with four jets above 25 GeV, the second of them above
    50 GeV (counted by hand), fewer than with four jets above 25 GeV alone and more than with
    four above 50 GeV (the flat reading)."""
    import awkward as ak
    import uproot

    sel = _extracted(
        "We require at least two jets with pT > 50 GeV and at least four jets with pT > 25 GeV."
    )
    data = shared_path("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")
    steps = run_on(sel, data, tmp_path)
    (ranked,) = [c for c in sel.selection if c.expr and c.expr.startswith("nth(")]

    pt = uproot.open(data)["Events"].arrays(["Jet_pt"]).Jet_pt
    pt = ak.sort(pt[pt > 25.0], ascending=False)
    four = ak.num(pt) >= 4
    second = ak.fill_none(ak.pad_none(pt, 2)[:, 1], 0.0)
    expected = int(ak.sum(four & (second > 50.0)))
    flat = int(ak.sum(ak.sum(pt > 50.0, axis=1) >= 4))
    assert flat < expected < int(ak.sum(four))
    assert steps[ranked.id].raw == expected


def test_large_r_jets_run_on_real_data(tmp_path: Path) -> None:
    """On the CMS NanoAOD ttbar file: events with an AK8 jet above 200 GeV within |eta| < 2.4
    (FatJet_*, counted by hand)."""
    import awkward as ak
    import uproot

    sel = _extracted(
        "AK8 jets must satisfy pT > 200 GeV and |eta| < 2.4. Events must contain at least one AK8 "
        "jet."
    )
    (count,) = [c for c in sel.selection if c.expr == "count(fatjets) >= 1"]
    data = shared_path("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")
    steps = run_on(sel, data, tmp_path)

    fat = uproot.open(data)["Events"].arrays(["FatJet_pt", "FatJet_eta"])
    kept = (fat.FatJet_pt > 200.0) & (abs(fat.FatJet_eta) < 2.4)
    expected = int(ak.sum(ak.any(kept, axis=1)))
    assert 0 < expected < len(fat)
    assert steps[count.id].raw == expected


def test_a_region_named_after_its_kind_gets_its_own_cut() -> None:
    """'..., and the signal region SR-3b requires at least three b-jets' is SR-3b's, not the cut of
    the region named before it (which requires exactly two)."""
    sel = _extracted(
        "In the SR-2b region, exactly two b-jets are required and E_T^miss must exceed 300 GeV, "
        "and the signal region SR-3b requires at least three b-jets."
    )
    regions = {r.name: {_form(c) for c in r.cuts} for r in sel.regions}
    assert regions.get("sr_3b") == {"count(bjets) >= 3"}, regions
    assert "count(bjets) >= 3" not in regions.get("sr_2b", set()), regions


def test_counts_of_two_categories_are_each_categorys() -> None:
    sel = _extracted(
        "Events in the low-mass category must have at least two jets with pT > 50 GeV, while "
        "events in the high-mass category need at least four jets with pT > 25 GeV."
    )
    regions = {r.name: {_form(c) for c in r.cuts} for r in sel.regions}
    assert regions == {
        "low_mass_category": {"nth(sort_desc(pt(jets)), 1) > 50"},
        "high_mass_category": {"nth(sort_desc(pt(jets)), 3) > 25"},
    }, regions


@cache
def _paper(*parts: str) -> tuple[SelectionList, str]:
    doc = parse_document(shared_path(*parts))
    return extract_selection(doc, backend="rules", cited_depth=0), doc.text


PAPERS = [
    ("corpus", "adl", "CMS-SUS-16-046", "1711.08008.pdf"),
    ("corpus", "adl", "CMS-SUS-16-042", "1709.09814.pdf"),
    ("corpus", "adl", "CMS-SUS-16-017", "1812.06302.pdf"),
    ("corpus", "papers", "arXiv-1312.1956.pdf"),
]


@pytest.mark.parametrize("parts", PAPERS, ids=[p[-1] for p in PAPERS])
def test_on_real_papers_every_threshold_named_is_in_the_cuts_quote(parts: tuple[str, ...]) -> None:
    """Each threshold a flagged cut names is written in its quote (the check names what it saw,
    not a number from elsewhere), and no cut of a sentence stating nothing more is flagged."""
    sel, _ = _paper(*parts)
    for cut in sel.all_cuts():
        reason = cut.grounding.reason if cut.grounding else ""
        if not reason or LOST not in reason:
            continue
        named = re.findall(r"'([^']+)'", reason.split("also states", 1)[1].split(LOST)[0])
        quote = cut.provenance.quote if cut.provenance else ""
        for number in named:
            assert number.split()[0] in quote, (cut.id, number, quote)


def test_a_table_of_regions_with_unread_thresholds_is_not_verified_on_a_paper() -> None:
    """CMS-SUS-16-046: the flattened table 'Preselection At least one photon with p_T > 180 GeV
    ΔR(γ, jet) > 0.5 ... Control ...' states thresholds the rules read as no cut (0.5, 600 GeV):
    the cuts read from it are left to the reviewer."""
    sel, _ = _paper(*PAPERS[0])
    quoted = [
        c
        for c in sel.all_cuts()
        if c.provenance and "Region Selection" in c.provenance.quote and "180" in c.provenance.quote
    ]
    assert quoted
    assert all(c.status == "unverified" for c in quoted), [(c.id, c.status) for c in quoted]
