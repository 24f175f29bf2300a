"""Object counts, one phrasing class at a time, on synthetic sentences (the whole stage one) and on
real papers of ../shared:

* a veto after a fronted purpose clause ("To reduce ..., events with one or more veto leptons are
  rejected") is a zero count, said once;
* a veto or "no X" naming both flavours ("isolated muons (electrons)", "no electrons or muons") is
  one zero count of leptons;
* "at least one SS lepton pair" is two leptons or more, not one; "rejected if an additional
  lepton ..." is no zero count of leptons;
* multiplicities naming bins, categories or a control sample ("N_b = 1, N_b = 2, N_b >= 3, giving
  18 bins", "subcategories with zero, one, and two or more b-tagged jets", "the N_jets = 5 control
  sample") and correction-factor statements are not requirements.
"""

from __future__ import annotations

import pytest

from tests.test_extract_phrasing_classes import P032, P1605, P1704, P1709, P1812, _all, _extract
from tests.test_extract_phrasing_classes import _paper as _paper_uncached

_CACHE: dict[str, object] = {}


def _paper(path: str):  # type: ignore[no-untyped-def]
    if path not in _CACHE:
        _CACHE[path] = _paper_uncached(path)
    return _CACHE[path]


P037 = "adl/CMS-SUS-16-037/1705.04673.pdf"

SYNTHETIC = [
    (
        "fronted purpose, veto",
        "To reduce the contribution from processes with more leptons, events with one or more "
        "veto leptons are rejected.",
        {(None, "count(leptons) == 0")},
        {(None, "count(leptons) < 1")},
    ),
    (
        "fronted purpose, veto",
        "In order to suppress top quark events, events containing a b-tagged jet are vetoed.",
        {(None, "count(bjets) == 0")},
        set(),
    ),
    (
        "both flavours",
        "To reduce the W background, we reject events containing isolated muons (electrons) with "
        "pT > 10 GeV.",
        {(None, "not any((pt(leptons) > 10))")},  # (the counted leptons: battery6 classes)
        {(None, "count(muons) == 0")},
    ),
    (
        "both flavours",
        "Events are required to have at least two jets with pT > 30 GeV and no electrons or muons.",
        {(None, "count(leptons) == 0"), (None, "count(jets) >= 2")},
        {(None, "count(electrons) == 0")},
    ),
    (
        "additional",
        "To reduce the Z background, events are rejected if an additional loose lepton forms a "
        "pair with one of the selected leptons, with a mass less than 12 GeV.",
        set(),
        {(None, "count(leptons) == 0")},
    ),
    (
        "additional",
        "We veto events with any isolated track with pT > 10 GeV.",
        set(),
        set(),
    ),
    (
        "pairs",
        "Events are required to contain at least one same-sign lepton pair and MET > 50 GeV.",
        {(None, "count(leptons) >= 2")},
        {(None, "count(leptons) >= 1")},
    ),
    (
        "bins",
        "The search regions use N_b = 1, N_b = 2, N_b >= 3, giving a total of 18 bins each.",
        set(),
        {(None, "count(bjets) == 1"), (None, "count(bjets) == 2"), (None, "count(bjets) >= 3")},
    ),
    (
        "bins",
        "The category is divided into subcategories with zero, one, and two or more b-tagged jets.",
        set(),
        {(None, "count(bjets) >= 2")},
    ),
    (
        "bins",
        "The search bins are required to have N_jets >= 4.",
        {(None, "count(jets) >= 4")},
        set(),
    ),
    (
        "control sample",
        "Using the regions in the N_jets = 5 control sample, the ratios are measured in data.",
        set(),
        {(None, "count(jets) == 5")},
    ),
    (
        "corrections",
        "Correction factors are obtained for events with two or three jets and seven or more jets.",
        set(),
        {(None, "count(jets) >= 7")},
    ),
]


@pytest.mark.parametrize(("name", "text", "present", "absent"), SYNTHETIC)
def test_count_class_on_synthetic_sentences(
    name: str,
    text: str,
    present: set,  # type: ignore[type-arg]
    absent: set,  # type: ignore[type-arg]
) -> None:
    cuts = _all(_extract(text))
    assert present <= cuts, (name, sorted(map(str, cuts)))
    assert not absent & cuts, (name, sorted(map(str, cuts)))


PAPERS = [
    ("fronted purpose, veto", P1709, {(None, "count(leptons) == 0")}, set()),
    ("fronted purpose, veto", P032, {(None, "count(leptons) == 0")}, {(None, "count(muons) == 0")}),
    ("both flavours", P1812, {(None, "count(leptons) == 0")}, {(None, "count(electrons) == 0")}),
    (
        "bins",
        P037,
        set(),
        {(None, "count(bjets) == 1"), (None, "count(bjets) == 2"), (None, "count(jets) == 5")},
    ),
    ("bins", P1812, set(), {(None, "count(bjets) >= 3"), (None, "count(jets) >= 7")}),
]


@pytest.mark.parametrize(("name", "paper", "present", "absent"), PAPERS)
def test_count_class_on_a_paper(
    name: str,
    paper: str,
    present: set,  # type: ignore[type-arg]
    absent: set,  # type: ignore[type-arg]
) -> None:
    cuts = _all(_paper(paper))  # type: ignore[arg-type]
    assert present <= cuts, (name, sorted(map(str, cuts)))
    assert not absent & cuts, (name, sorted(map(str, cuts)))


@pytest.mark.parametrize("paper", [P1704, P1605])
def test_a_lepton_pair_is_two_leptons_on_papers(paper: str) -> None:
    """'at least one SS lepton pair with an invariant mass above 8 GeV' (1704.07323, 1605.03171)."""
    counts = {
        c.expr
        for c in _paper(paper).all_cuts()  # type: ignore[attr-defined]
        if c.expr
        and c.expr.startswith("count(leptons)")
        and "lepton pair" in (c.provenance.quote if c.provenance else "")
    }
    assert counts == {"count(leptons) >= 2"}


@pytest.mark.parametrize(
    ("paper", "words"),
    [(P1704, "additional loose lepton"), (P1605, "additional lepton in the event")],
)
def test_an_additional_object_is_no_zero_count_on_a_paper(paper: str, words: str) -> None:
    """'events are rejected if an additional loose lepton forms an opposite-sign same-flavor pair
    ...' (1704.07323; 1605.03171 says it of 'the SS pair') vetoes a third lepton, not every
    lepton."""
    quoted = {
        c.expr
        for c in _paper(paper).all_cuts()  # type: ignore[attr-defined]
        if c.expr and words in (c.provenance.quote if c.provenance else "")
    }
    assert quoted and "count(leptons) == 0" not in quoted
