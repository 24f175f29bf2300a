"""Issue #6, end-to-end test (a): a student H->4l report through extract -> compile -> sandbox ->
compare on the real 2020 open data against the hand-written baseline of that report.

First the unreviewed run, as a user types it; then a reviewer works through the extracted list
with :class:`ReviewSession` until it states what the report states (table IV order, each added
cut with its sentence of the report), the same command runs stage two on that reviewed list,
and the events must be identical to the baseline's, step by step under an explicit step map.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.review.decisions import Decision
from pipeline.review.session import ReviewSession
from tests.conftest import shared_path

# the reviewed list's cut ids -> the baseline's steps (report table IV, cuts 2-10)
STEP_MAP = {
    "leptons_count": "exactly_4_leptons",
    "eta_acceptance": "eta_acceptance",
    "leptons_pt_3": "lepton_pt",
    "leptons_dr_flavour": "delta_r",
    "tight_id": "tight_id",
    "z0": "z0",
    "muon_d0": "muon_d0",
    "isolation": "isolation",
    "event_m34": "z_candidates",
}


def _reproduce(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def _run(pdf: Path, data: Path, *extra: str) -> Path:
    proc = _reproduce(
        str(pdf), "--data", str(data), "--baseline", "report_isa2025", "--no-review", *extra
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return Path(json.loads(proc.stdout)["run_dir"])


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _quote(selection: dict[str, Any], cut_id: str) -> str:
    cuts = [c for o in selection["objects"] for c in o["cuts"]] + selection["selection"]
    return next(c["provenance"]["quote"] for c in cuts if c["id"] == cut_id)


def _review(run_dir: Path, text: str) -> None:
    """The decisions of a reviewer who reads the report: table IV applies every lepton
    requirement to the events that have exactly four leptons, in its order, and Z1 is chosen
    first ('the lepton pair ... closest to the Z boson mass must satisfy ...')."""
    session = ReviewSession(run_dir, reviewer="e2e-test")
    version, current = session.current()
    sel = current.model_dump(mode="json")
    quotes = {
        cut: _quote(sel, cut)
        for cut in ("electrons_eta", "leptons_id_tight", "leptons_z0", "muons_d0", "leptons_reliso")
    }
    why = "table IV applies it to events with exactly four leptons, as a requirement on all of them"
    decisions = [
        Decision(action="reject", cut_id=cut, comment=why)
        for cut in (
            "electrons_eta",
            "muons_eta",
            "muons_d0",
            "leptons_id_tight",
            "leptons_z0",
            "leptons_reliso",
        )
    ]
    decisions += [
        Decision(action="approve", cut_id=cut)
        for cut in (
            "leptons_count",
            "leptons_pt_0",
            "leptons_pt_1",
            "leptons_pt_2",
            "leptons_pt_3",
            "leptons_dr_flavour",
            "quads_best_m12",
            "event_m12",
            "event_m34",
        )
    ]
    added = [
        (
            "eta_acceptance",
            "leptons_count",
            "all(abs(eta(electrons)) < 2.47) and all(abs(eta(muons)) < 2.7)",
            quotes["electrons_eta"],
        ),
        ("tight_id", "leptons_dr_flavour", "all(id_tight(leptons))", quotes["leptons_id_tight"]),
        ("z0", "tight_id", "all(abs(z0(leptons)) < 10)", quotes["leptons_z0"]),
        ("muon_d0", "z0", "all(abs(d0(muons)) < 1)", quotes["muons_d0"]),
        (
            "isolation",
            "muon_d0",
            "all(ptcone30(leptons) / pt(leptons) < 0.15)",
            quotes["leptons_reliso"],
        ),
    ]
    for cut_id, after, expr, quote in added:
        assert _flat(quote) in _flat(text), f"{cut_id}: the quote is not the report's text"
        decisions.append(
            Decision(
                action="add",
                cut_id=cut_id,
                after=after,
                quote=quote,
                page=2 if cut_id == "eta_acceptance" else 3,
                changes={"scope": "event", "expr": expr, "description": f"all leptons: {expr}"},
            )
        )
    for decision in decisions:
        version = session.decide(decision, version).version
    assert (run_dir / "selection.reviewed.json").is_file()


def test_report_run_then_reviewed_run_is_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    data = shared_path("data", "atlas-opendata-2020")
    monkeypatch.setenv("REPRO_HOME", str(tmp_path / "home"))

    # the unreviewed run: cutflow table and event diff are produced
    run_dir = _run(pdf, data)
    comparison = json.loads((run_dir / "comparison.json").read_text())
    report = (run_dir / "report.md").read_text()
    assert "## Cutflow" in report and "## Event-by-event comparison" in report
    assert comparison["steps"][0]["id"] == "all" and comparison["steps"][0]["generated_raw"] == 832
    assert comparison["yields"]["baseline_raw"] == 148
    extracted = json.loads((run_dir / "selection.extracted.json").read_text())
    ids = {c["id"] for o in extracted["objects"] for c in o["cuts"]} | {
        c["id"] for c in extracted["selection"]
    }
    assert {
        "leptons_dr_flavour",
        "leptons_id_tight",
        "muons_d0",
        "quads_best_m12",
        "event_m34",
    } <= ids
    # the extracted list already selects the events the report's text describes, but its code writes
    # m4l as NaN for every one of them (once counted as equal: NaN - x > tol is False), and its
    # steps are not the baseline's: the headline says so instead of 'identical'; a map is proposed
    # from the counts
    assert comparison["verdict"] == "compatible", comparison["reason"]
    assert comparison["events"]["matched"] == 148 and not comparison["events"]["only_generated"]
    assert (
        len(comparison["events"]["nan_generated"]) == 148
        and not comparison["events"]["value_differences"]
    )
    assert "148 with m4l NaN only in the generated output" in comparison["reason"]
    assert "cutflow not comparable step by step: 1 of 10 generated steps" in comparison["reason"]
    assert [(p["generated_id"], p["baseline_id"]) for p in comparison["proposed_step_map"]] == [
        ("event_m34", "z_candidates")
    ]

    # the reviewed run: the same command, given the reviewed list (a finished run does not look
    # for a selection.reviewed.json written after it; --reviewed makes the choice explicit)
    text = json.loads((run_dir / "document.json").read_text())["text"]
    _review(run_dir, text)
    run_dir = _run(pdf, data, "--reviewed", str(run_dir / "selection.reviewed.json"))
    reviewed = json.loads((run_dir / "comparison.json").read_text())
    # same events; four baseline steps have no namesake: comparable only through a map.
    # KNOWN DEFECT (stage one, not fixed here): the extracted list, and so the reviewed one, names
    # no observable (SelectionList.observable is None), so the generated code writes m4l = NaN for
    # every event. The old assertion value_differences == [] passed only because NaN compared as
    # equal.
    assert reviewed["verdict"] == "compatible", reviewed["reason"]
    assert "cutflow not comparable step by step" in reviewed["reason"]
    assert reviewed["events"]["only_generated"] == [] and reviewed["events"]["only_baseline"] == []
    assert (
        reviewed["events"]["value_differences"] == []
        and len(reviewed["events"]["nan_generated"]) == 148
    )
    assert reviewed["events"]["matched"] == 148
    assert "NOT reviewed" not in (run_dir / "report.md").read_text()

    # cut by cut: the reviewed ids mapped to the baseline's steps, through the real CLI
    step_map = ",".join(f"{g}={b}" for g, b in STEP_MAP.items())
    proc = _reproduce(
        "compare", str(run_dir / "analysis"), str(run_dir / "baseline"), "--step-map", step_map
    )
    assert proc.returncode == 0, proc.stderr
    aligned = json.loads(proc.stdout)
    # every baseline step is now compared; only the NaN m4l of the defect above keeps it from
    # 'identical'
    assert aligned["first_divergence"] is None and aligned["verdict"] == "compatible", aligned[
        "reason"
    ]
    assert (
        "not comparable" not in aligned["reason"]
        and "148 with m4l NaN only in the generated" in aligned["reason"]
    )
    rows = {s["id"]: s for s in aligned["steps"]}
    for gen_id, base_id in STEP_MAP.items():
        row = rows[gen_id]
        assert row["same"] and row["generated_raw"] == row["baseline_raw"], row
        assert row["baseline_id"] == (None if gen_id == base_id else base_id)
    assert [rows[g]["baseline_raw"] for g in STEP_MAP] == [
        827,
        827,
        679,
        656,
        311,
        286,
        285,
        225,
        148,
    ]
    # the same map from a file, one pair per line
    map_file = tmp_path / "step_map.txt"
    map_file.write_text("\n".join(f"{g}={b}" for g, b in STEP_MAP.items()) + "\n")
    proc = _reproduce(
        "compare", str(run_dir / "analysis"), str(run_dir / "baseline"), "--step-map", str(map_file)
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["steps"] == aligned["steps"]
