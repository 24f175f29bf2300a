"""``reproduce run --step-map``: the map a reviewer accepted reaches the comparison of a whole
run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import shared_path


def reproduce(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_run_takes_a_step_map_and_reruns_only_the_comparison_when_it_changes(
    repro_home: Path, tmp_path: Path
) -> None:
    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    args = (str(pdf), "--data", str(data), "--baseline", "report_isa2025", "--no-review")
    first = reproduce(*args)
    assert first.returncode == 0, first.stderr
    run_dir = Path(json.loads(first.stdout)["run_dir"])
    proposed = json.loads((run_dir / "comparison.json").read_text())["proposed_step_map"]
    assert proposed, "a map is proposed from the agreeing counts"
    accepted = ",".join(f"{p['generated_id']}={p['baseline_id']}" for p in proposed)

    second = reproduce(*args, "--step-map", accepted)
    assert second.returncode == 0, second.stderr
    assert (
        Path(json.loads(second.stdout)["run_dir"]) == run_dir
    )  # the same run, its comparison redone
    assert "[7/9] baseline: reused" in second.stderr and "[8/9] compare ..." in second.stderr
    comparison = json.loads((run_dir / "comparison.json").read_text())
    assert comparison["step_map"] == {p["generated_id"]: p["baseline_id"] for p in proposed}
    rows = {s["id"]: s for s in comparison["steps"]}
    assert all(rows[p["generated_id"]]["baseline_id"] == p["baseline_id"] for p in proposed)
    assert (
        f"--step-map {accepted}" in (run_dir / "report.md").read_text()
    )  # the report says which map

    map_file = tmp_path / "map.txt"
    map_file.write_text(accepted.replace(",", "\n") + "\n")
    third = reproduce(*args, "--step-map", str(map_file))
    assert third.returncode == 0 and "[8/9] compare: reused" in third.stderr, third.stderr

    bad = reproduce(*args, "--step-map", "nope=z_candidates")
    assert bad.returncode != 0 and "the generated cutflow has no step 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr
