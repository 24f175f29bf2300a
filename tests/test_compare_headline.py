"""The headline says what the cutflow table shows: events identical is not 'cutflow identical' when
the steps cannot be compared one by one; a step map is proposed from agreeing counts, with the
evidence."""

from __future__ import annotations

from pathlib import Path

from pipeline.compare import compare_outputs
from pipeline.compare.outputs import propose_step_map
from pipeline.contract import AnalysisResult, Cutflow, CutflowStep, SelectedEvent, write_outputs

EVENTS = [(n, 120.0 + n) for n in range(5)]


def _write(out: Path, steps: list[tuple[str, int]], producer: str) -> Path:
    sel = [SelectedEvent(run=1, event=n, channel="4mu", m4l=m, weight=1.0) for n, m in EVENTS]
    flow = Cutflow(
        producer=producer, steps=[CutflowStep(id=i, raw=r, weighted=r * 0.5) for i, r in steps]
    )
    result = AnalysisResult(
        producer=producer,
        inputs=[],
        n_input=steps[0][1],
        n_selected=len(sel),
        weighted_selected=float(len(sel)),
        channels={"4mu": len(sel)},
    )
    return write_outputs(out, events=sel, cutflow=flow, histograms=[], result=result)


GEN = [
    ("all", 100),
    ("leptons_count", 80),
    ("leptons_pt_0", 70),
    ("leptons_pt_1", 60),
    ("event_m12", 5),
]
BASE = [("all", 100), ("exactly_4_leptons", 80), ("lepton_pt", 60), ("z_window", 5)]


def test_identical_events_with_unaligned_steps_is_not_called_identical(tmp_path: Path) -> None:
    c = compare_outputs(
        _write(tmp_path / "g", GEN, "generated:x"), _write(tmp_path / "b", BASE, "baseline:y")
    )
    same = [s for s in c.steps if s.same]
    assert len(same) == 1  # the table: 'same: yes' on 'all' only
    assert c.verdict != "identical"
    assert "cutflow identical" not in c.reason
    assert c.reason.startswith("5 events identical")
    assert "cutflow not comparable step by step" in c.reason
    assert "1 of 5 generated steps and 1 of 4 baseline steps aligned" in c.reason


def test_a_map_is_proposed_from_agreeing_counts_with_the_evidence(tmp_path: Path) -> None:
    c = compare_outputs(
        _write(tmp_path / "g", GEN, "generated:x"), _write(tmp_path / "b", BASE, "baseline:y")
    )
    proposed = {p.generated_id: p for p in c.proposed_step_map}
    assert {g: p.baseline_id for g, p in proposed.items()} == {
        "leptons_count": "exactly_4_leptons",
        "leptons_pt_1": "lepton_pt",
        "event_m12": "z_window",
    }
    p = proposed["leptons_pt_1"]
    assert (
        p.generated_raw == p.baseline_raw == 60
        and p.generated_weighted == p.baseline_weighted == 30.0
    )
    assert "60 events" in p.evidence and "step 4 of 5" in p.evidence and "step 3 of 4" in p.evidence
    assert (
        "--step-map leptons_count=exactly_4_leptons,leptons_pt_1=lepton_pt,event_m12=z_window"
        in c.reason
    )


def test_the_accepted_proposal_makes_the_cutflow_comparable(tmp_path: Path) -> None:
    gen, base = (
        _write(tmp_path / "g", GEN, "generated:x"),
        _write(tmp_path / "b", BASE, "baseline:y"),
    )
    first = compare_outputs(gen, base)
    accepted = {p.generated_id: p.baseline_id for p in first.proposed_step_map}
    c = compare_outputs(gen, base, step_map=accepted)
    assert c.verdict == "identical" and not c.proposed_step_map
    assert "cutflow identical at all 4 aligned steps" in c.reason
    assert "1 generated step without a baseline counterpart: leptons_pt_0" in c.reason


def test_proposals_keep_the_order_of_both_cutflows_and_name_ties() -> None:
    gen = Cutflow(
        producer="g",
        steps=[
            CutflowStep(id=i, raw=r, weighted=float(r))
            for i, r in [("all", 10), ("a", 8), ("b", 8), ("c", 3)]
        ],
    )
    base = Cutflow(
        producer="b",
        steps=[
            CutflowStep(id=i, raw=r, weighted=float(r))
            for i, r in [("all", 10), ("x", 3), ("y", 8), ("z", 8)]
        ],
    )
    proposals = propose_step_map(gen, base, {"all": "all"})
    assert [(p.generated_id, p.baseline_id) for p in proposals] == [("a", "y"), ("b", "z")]
    assert proposals[0].alternatives == ["z"]  # equal counts: the reviewer chooses
    assert (
        "the same counts also at baseline step(s) z; and at generated step(s) b"
        in proposals[0].evidence
    )
    # 'c' (3 events) would have to come after 'z': out of order, not proposed


def test_weighted_counts_must_agree_too() -> None:
    gen = Cutflow(
        producer="g",
        steps=[
            CutflowStep(id="all", raw=10, weighted=10.0),
            CutflowStep(id="a", raw=8, weighted=8.0),
        ],
    )
    base = Cutflow(
        producer="b",
        steps=[
            CutflowStep(id="all", raw=10, weighted=10.0),
            CutflowStep(id="x", raw=8, weighted=7.5),
        ],
    )
    assert propose_step_map(gen, base, {"all": "all"}) == []
