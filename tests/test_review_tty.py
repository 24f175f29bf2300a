"""``reproduce review RUN``: the terminal review driven through its standard input, as a
subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.review import require_reviewed
from pipeline.selection.store import load_selection
from tests.test_review_helpers import build_run

ROOT = Path(__file__).resolve().parents[1]
# a traversal out of the checkout to a directory that exists, wherever the checkout is
TO_ETC = os.path.relpath("/etc", ROOT)


def review(repro_home: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPRO_HOME": str(repro_home), "REPRO_REVIEWER": "carol", "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "review", *args],
        input=script,
        text=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def statuses(run_dir: Path) -> dict[str, str]:
    return {
        c.id: c.status
        for c in load_selection(run_dir / "selection.reviewed.json", check=False).all_cuts()
    }


def log(run_dir: Path) -> list[dict]:
    return [
        json.loads(line)
        for line in (run_dir / "review" / "review_log.jsonl").read_text().splitlines()
    ]


def test_approve_edit_reject_then_quit(repro_home: Path) -> None:
    run_dir = build_run(repro_home)
    # el_pt: approve; el_eta: edit (keep description, variable, op; value 2.4; keep unit, expr);
    # el_crack: reject
    script = "a looks right\ne\n\n\n\n2.4\n\n\nr not in this paper\nq\n"
    done = review(repro_home, script, "1312.1956/run-1")
    assert done.returncode == 0, done.stderr
    assert "[1/12] el_pt: electron transverse momentum" in done.stdout
    assert "Selected electrons are required" in done.stdout
    assert (
        "3 decision(s) saved; reviewed list is version 3; 9 cut(s) still undecided" in done.stdout
    )
    got = statuses(run_dir)
    assert (got["el_pt"], got["el_eta"], got["el_crack"], got["mu_pt"]) == (
        "reviewed",
        "edited",
        "rejected",
        "verified",
    )
    edited = next(
        c
        for c in load_selection(run_dir / "selection.reviewed.json").all_cuts()
        if c.id == "el_eta"
    )
    assert edited.value == 2.4 and edited.abs and edited.op == "<"
    entries = log(run_dir)
    assert [(e["action"], e["cut"], e["who"]) for e in entries] == [
        ("approve", "el_pt", "carol"),
        ("edit", "el_eta", "carol"),
        ("reject", "el_crack", "carol"),
    ]
    assert entries[0]["comment"] == "looks right" and entries[2]["comment"] == "not in this paper"
    assert entries[1]["before"]["value"] == 2.47 and entries[1]["after"]["value"] == 2.4


def test_invalid_edit_is_refused_then_the_cut_is_asked_again(repro_home: Path) -> None:
    run_dir = build_run(repro_home)
    # op 'between' with one number is invalid: refused, the same cut is shown again, then approved
    script = "e\n\n\nbetween\n\n\n\na\nq\n"
    done = review(repro_home, script, str(run_dir))
    assert done.returncode == 0, done.stderr
    assert "refused:" in done.stdout and "needs value [low, high]" in done.stdout
    assert done.stdout.count("[1/12] el_pt") == 2
    assert statuses(run_dir)["el_pt"] == "reviewed"
    assert [e["action"] for e in log(run_dir)] == ["approve"]


def test_full_pass_answers_assumption_and_opens_the_gate(repro_home: Path) -> None:
    run_dir = build_run(repro_home)
    script = "?\n" + "a\n" * 8 + "r wrong threshold\n" + "a\n" * 3 + "use the 70% working point\n"
    done = review(repro_home, script, "run-1")
    assert done.returncode == 0, done.stderr
    assert "approve" in done.stdout and "b back" in done.stdout  # the help line
    assert "0 cut(s) still undecided" in done.stdout
    selection = load_selection(run_dir / "selection.reviewed.json")
    assert selection.assumptions[0].answer == "use the 70% working point"
    assert statuses(run_dir)["bjet_pt"] == "rejected"
    assert require_reviewed(run_dir, no_review=False) == run_dir / "selection.reviewed.json"
    assert len(log(run_dir)) == 13


def test_end_of_input_keeps_what_was_decided(repro_home: Path) -> None:
    run_dir = build_run(repro_home)
    done = review(repro_home, "a\ns\nb\n", "run-1")
    assert statuses(run_dir)["el_pt"] == "reviewed"
    assert done.returncode == 0, done.stderr
    # approve el_pt, skip el_eta, back from el_crack to el_eta, then the input ends
    assert done.stdout.count("[2/12] el_eta") == 2 and done.stdout.count("[1/12] el_pt") == 1
    assert "1 decision(s) saved" in done.stdout
    # a second session goes on from the undecided cuts only
    again = review(repro_home, "q\n", "run-1")
    assert "11 cut(s) to review" in again.stdout and "[1/11] el_eta" in again.stdout


@pytest.mark.parametrize(
    "name, words",
    [
        (TO_ETC, "not a run directory"),
        ("1312.1956/..", "invalid"),
        ("nosuchrun", "no run 'nosuchrun'"),
    ],
)
def test_bad_run_names_give_a_clear_error(repro_home: Path, name: str, words: str) -> None:
    build_run(repro_home)
    done = review(repro_home, "", name)
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr
