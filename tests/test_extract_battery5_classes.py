"""Phrasing classes the fourteenth session found the rules verifying wrongly, flagging wrongly or
not reading (from the review batteries' leftovers and a fifth battery of new sentences).

Each class has sentences that gave a wrong *verified* cut (or none) before, and counterparts
that must stay as they are; a model's wrong reading of the same sentence is flagged by the
support check both extractors share.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_extract_battery_classes import _verified
from test_extract_support_classes import _checked, _extracted

from tests.conftest import shared_path

JETS = "Jets must have pT > 30 GeV. "

# (class, sentence, cuts that were verified and are wrong)
WRONG = [
    (
        "a veto of the objects beyond the leading ones",
        JETS + "Events must contain no jet with pT > 50 GeV besides the leading one.",
        ["jets: pt > 50", "event: count(jets) == 0"],
    ),
    (
        "a veto of the objects beyond the leading ones",
        JETS + "Events with any jet other than the two leading jets with pT > 50 GeV are rejected.",
        [
            "event: nth(sort_desc(pt(jets)), 0) > 50",
            "event: nth(sort_desc(pt(jets)), 1) > 50",
            "event: count(jets) == 0",
        ],
    ),
    (
        "a veto of the objects beyond the leading ones",
        JETS + "Events with a jet with pT > 50 GeV besides the leading one are vetoed.",
        ["event: count(jets) == 0"],
    ),
    (
        "a requirement of one named signal region",
        "The signal region SR-SF-0J requires exactly two leptons with pT > 25 GeV.",
        ["leptons: pt > 25", "event: count(leptons) == 2"],
    ),
    (
        "a requirement of one named signal region",
        "Signal region SRA-TT requires m_T2 > 400 GeV.",
        ["event: mt2 > 400"],
    ),
    (
        "a requirement of one named signal region",
        "The SR-high region requires E_T^miss > 300 GeV.",
        ["event: met > 300"],
    ),
    (
        "a requirement of one named signal region",
        "SR1 additionally requires H_T > 500 GeV.",
        ["event: ht > 500"],
    ),
]

# (class, sentence, cuts that must be verified)
RIGHT = [
    (
        "a veto of the objects beyond the leading ones",
        JETS + "Events must contain no jet with pT > 50 GeV besides the leading one.",
        ["event: not (nth(sort_desc(pt(jets)), 1) > 50)"],
    ),
    (
        "a veto of the objects beyond the leading ones",
        JETS + "Events with any jet other than the two leading jets with pT > 50 GeV are rejected.",
        ["event: not (nth(sort_desc(pt(jets)), 2) > 50)"],
    ),
    (
        "a veto of the objects beyond the leading ones",
        JETS + "Apart from the leading jet, no jet may have pT above 50 GeV.",
        ["event: not (nth(sort_desc(pt(jets)), 1) > 50)"],
    ),
    (
        "a veto of the objects beyond the leading ones",
        JETS + "The event must have no jets with pT > 40 GeV except for the two leading ones.",
        ["event: not (nth(sort_desc(pt(jets)), 2) > 40)"],
    ),
    (
        "a veto of the objects beyond the leading ones (unchanged: a plain veto)",
        JETS + "Events with a jet with pT > 50 GeV are vetoed.",
        ["event: count(jets) == 0"],
    ),
    (
        "a veto of the objects beyond the leading ones (unchanged: a ranked veto)",
        JETS + "Events with a second jet with pT > 50 GeV are vetoed.",
        ["event: not (nth(sort_desc(pt(jets)), 1) > 50)"],
    ),
    (
        "a requirement of one named signal region (unchanged: the signal region)",
        "The signal region requires E_T^miss > 300 GeV.",
        ["event: met > 300"],
    ),
    (
        "a requirement of one named signal region (unchanged: the signal region)",
        "In the SR, events must have H_T > 500 GeV.",
        ["event: ht > 500"],
    ),
    (
        "a ranked value in another unit than the cut's",
        "Photons must have pT > 25 GeV. The leading photon must carry a transverse energy of at "
        "least 0.2 TeV.",
        ["event: nth(sort_desc(pt(photons)), 0) >= 200"],
    ),
    (
        "a requirement said strictly ('otherwise the event is discarded')",
        JETS + "The leading jet must have pT > 250 GeV, otherwise the event is discarded.",
        ["event: nth(sort_desc(pt(jets)), 0) > 250"],
    ),
    (
        "a requirement said strictly ('otherwise the event is discarded')",
        "Electrons must have pT > 10 GeV. Muons must have pT > 10 GeV. Exactly one lepton is "
        "required; otherwise, the event is rejected.",
        ["event: count(leptons) == 1"],
    ),
]

# (class, quote, a model's wrong reading): flagged by the support check
MODEL_WRONG = [
    (
        "a requirement said strictly ('otherwise the event is discarded')",
        "The leading jet must have pT > 250 GeV, otherwise the event is discarded.",
        {"expr": "nth(sort_desc(pt(jets)), 0) <= 250", "unit": "GeV"},
        None,
    ),
    (
        "a ranked value in another unit than the cut's",
        "The leading photon must carry a transverse energy of at least 0.2 TeV.",
        {"expr": "nth(sort_desc(pt(photons)), 1) >= 200", "unit": "GeV"},
        None,
    ),
    (
        "a condition ('otherwise, ...') is still one",
        "The leading jet must have pT > 250 GeV; otherwise, the subleading jet must have pT > "
        "300 GeV.",
        {"expr": "nth(sort_desc(pt(jets)), 1) > 300", "unit": "GeV"},
        None,
    ),
    (
        "a veto of the objects beyond the leading ones",
        "Events must contain no jet with pT > 50 GeV besides the leading one.",
        {"expr": "count(jets) == 0"},
        None,
    ),
    (
        "a veto of the objects beyond the leading ones",
        "Events must contain no jet with pT > 50 GeV besides the leading one.",
        {"variable": "pt", "op": ">", "value": 50, "unit": "GeV"},
        "jets",
    ),
    (
        "a veto of the objects beyond the leading ones",
        "Events must contain no jet with pT > 50 GeV besides the leading one.",
        {"expr": "not (nth(sort_desc(pt(jets)), 0) > 50)", "unit": "GeV"},
        None,
    ),
]


@pytest.mark.parametrize(("name", "sentence", "wrong"), WRONG, ids=[w[0] for w in WRONG])
def test_no_wrong_cut_is_verified(name: str, sentence: str, wrong: list[str]) -> None:
    verified = _verified(_extracted(sentence))
    assert not verified & set(wrong), (name, sorted(verified))


@pytest.mark.parametrize(("name", "sentence", "right"), RIGHT, ids=[r[0] for r in RIGHT])
def test_the_right_cut_is_verified(name: str, sentence: str, right: list[str]) -> None:
    verified = _verified(_extracted(sentence))
    assert set(right) <= verified, (name, sorted(verified))


@pytest.mark.parametrize(
    ("name", "quote", "form", "target"), MODEL_WRONG, ids=[m[0] for m in MODEL_WRONG]
)
def test_a_models_wrong_reading_is_flagged(
    name: str,
    quote: str,
    form: dict,  # type: ignore[type-arg]
    target: str | None,
) -> None:
    cut = _checked(quote, form, target)
    assert cut.status == "unverified", (name, cut.grounding)


def test_a_veto_beyond_the_leading_jet_runs_on_real_data(tmp_path: Path) -> None:
    """'no jet with pT > 50 GeV besides the leading one' keeps the events whose second jet (of
    those above 30 GeV) is at most 50 GeV, and those with fewer than two jets (counted by hand)."""
    import awkward as ak
    import uproot

    from pipeline.codegen import compile_selection
    from pipeline.contract import read_outputs
    from pipeline.sandbox import run_script

    sel = _extracted(JETS + "Events must contain no jet with pT > 50 GeV besides the leading one.")
    (veto,) = [c for c in sel.selection if c.expr == "not (nth(sort_desc(pt(jets)), 1) > 50)"]
    data = shared_path("data", "atlas-opendata-2020", "data_B.4lep.root")
    script = tmp_path / "analysis.py"
    script.write_text(compile_selection(sel))
    result = run_script(script, data=[data], work_dir=tmp_path / "work")
    assert result.ok, result.stderr_tail
    steps = {s.id: s for s in read_outputs(tmp_path / "work" / "out")[1].steps}

    pt = uproot.open(data)["mini"].arrays(["jet_pt"]).jet_pt / 1000.0
    pt = ak.sort(pt[pt > 30.0], ascending=False)
    second = ak.fill_none(ak.pad_none(pt, 2)[:, 1], 0.0)
    expected = int(ak.sum(second <= 50.0))
    assert 0 < expected < len(pt) and int(ak.sum(ak.num(pt) < 2)) > 0
    assert steps[veto.id].raw == expected
