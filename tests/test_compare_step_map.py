"""Cut-by-cut comparison of cutflows whose step ids differ, through an explicit step map only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.compare.outputs import compare_steps, parse_step_map
from pipeline.contract import Cutflow, CutflowStep
from pipeline.errors import UsageError


def flow(producer: str, *steps: tuple[str, int]) -> Cutflow:
    return Cutflow(
        producer=producer, steps=[CutflowStep(id=i, raw=n, weighted=float(n)) for i, n in steps]
    )


GEN = flow(
    "generated:x",
    ("all", 100),
    ("leptons_count", 80),
    ("leptons_pt_0", 70),
    ("leptons_pt_1", 60),
    ("z0", 50),
)
BASE = flow("baseline:y", ("all", 100), ("exactly_4_leptons", 80), ("lepton_pt", 60), ("z0", 50))


def test_without_a_map_only_equal_ids_align() -> None:
    rows, first = compare_steps(GEN, BASE)
    aligned = [r.id for r in rows if r.generated_raw is not None and r.baseline_raw is not None]
    assert aligned == ["all", "z0"] and first is None
    assert {r.id for r in rows if r.generated_raw is None} == {"exactly_4_leptons", "lepton_pt"}


def test_the_map_aligns_named_steps_and_finds_the_first_divergence() -> None:
    step_map = {"leptons_count": "exactly_4_leptons", "leptons_pt_1": "lepton_pt"}
    rows, first = compare_steps(GEN, BASE, step_map)
    by_id = {r.id: r for r in rows}
    assert first is None
    assert by_id["leptons_pt_1"].baseline_id == "lepton_pt" and by_id["leptons_pt_1"].same
    assert by_id["leptons_pt_0"].baseline_raw is None  # unmapped: compared with nothing
    assert by_id["all"].baseline_id is None  # aligned by its own id
    assert len(rows) == len(GEN.steps)  # every baseline step was aligned once
    # mapping the wrong generated step shows where the cutflows part
    rows, first = compare_steps(
        GEN, BASE, {"leptons_count": "exactly_4_leptons", "leptons_pt_0": "lepton_pt"}
    )
    assert first == "leptons_pt_0"


def test_a_map_can_move_an_id_aligned_step() -> None:
    """A baseline step that is a mapping target is no longer aligned with its namesake."""
    gen = flow("generated:x", ("all", 10), ("z0", 9), ("z0_all", 8))
    base = flow("baseline:y", ("all", 10), ("z0", 8))
    rows, first = compare_steps(gen, base, {"z0_all": "z0"})
    by_id = {r.id: r for r in rows}
    assert by_id["z0"].baseline_raw is None and by_id["z0_all"].same and first is None


@pytest.mark.parametrize(
    ("step_map", "message"),
    [
        ({"nope": "lepton_pt"}, "the generated cutflow has no step 'nope'"),
        ({"leptons_pt_1": "leptonpt"}, "the baseline cutflow has no step 'leptonpt'"),
        (
            {"leptons_pt_0": "lepton_pt", "leptons_pt_1": "lepton_pt"},
            "mapped from more than one generated step",
        ),
    ],
)
def test_bad_maps_are_refused(step_map: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message) as err:
        compare_steps(GEN, BASE, step_map)
    assert err.value.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a=b", {"a": "b"}),
        (" a = b , c=d ", {"a": "b", "c": "d"}),
        ("", {}),
        (None, {}),
    ],
)
def test_parse_step_map(text: str | None, expected: dict[str, str]) -> None:
    assert parse_step_map(text) == expected


@pytest.mark.parametrize("text", ["a", "a=", "=b", "a=b,,c=d"])
def test_parse_step_map_refuses_malformed_items(text: str) -> None:
    with pytest.raises(UsageError, match="is not GENERATED_ID=BASELINE_ID"):
        parse_step_map(text)


def test_cli_malformed_step_map_is_a_clear_error(tmp_path: Path) -> None:
    gen, base = tmp_path / "gen", tmp_path / "base"
    gen.mkdir()
    base.mkdir()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli.main",
            "compare",
            str(gen),
            str(base),
            "--step-map",
            "leptons_count",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "is not GENERATED_ID=BASELINE_ID" in proc.stderr and "Traceback" not in proc.stderr
