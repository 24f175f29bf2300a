"""``reproduce PAPER``: the whole run as a real subprocess; resumable, idempotent, gated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipeline.io import sha256_file
from tests.conftest import load_timeout, shared_path


def reproduce(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=load_timeout(300),
    )


def _run_dir(proc: subprocess.CompletedProcess[str]) -> Path:
    assert proc.returncode == 0, proc.stderr
    return Path(json.loads(proc.stdout)["run_dir"])


def test_paper_run_is_identical_resumable_and_idempotent(repro_home: Path) -> None:
    data = shared_path("data", "atlas-opendata-2020")
    # the README's line: the reviewed list and hzz4l_paper both remove the other quadruplet leptons
    # from the stored isolation cones, so they agree event for event
    args = ("arXiv:1712.02304", "--data", str(data), "--baseline", "hzz4l_paper")
    first = reproduce(*args)
    run_dir = _run_dir(first)
    assert run_dir.is_relative_to(repro_home / "outputs" / "1712.02304")
    comparison = json.loads((run_dir / "comparison.json").read_text())
    assert comparison["verdict"] == "identical"
    manifest = json.loads((run_dir / "manifest.json").read_text())
    for rel, entry in manifest["outputs"].items():
        assert sha256_file(run_dir / rel) == entry["sha256"], rel
    located = zip(manifest["inputs"], manifest["volatile"]["input_locations"], strict=True)
    assert {(i["path"], where) for i, where in located if i["role"] == "data"} == {
        (p.name, str(p.resolve())) for p in data.glob("*.root")
    }  # by name; where they were read is volatile
    report = (run_dir / "report.md").read_bytes()

    second = reproduce(*args)
    assert second.stderr.count(": reused") == 9, second.stderr
    assert (run_dir / "report.md").read_bytes() == report

    (run_dir / "comparison.json").unlink()
    third = reproduce(*args)
    assert "[7/9] baseline: reused" in third.stderr and "[8/9] compare ..." in third.stderr
    assert json.loads((run_dir / "comparison.json").read_text())["verdict"] == "identical"


def test_unreviewed_list_is_refused_at_the_gate(repro_home: Path) -> None:
    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    proc = reproduce(str(pdf), "--data", str(data))
    assert proc.returncode == 2
    assert "has not been reviewed" in proc.stderr and "--no-review" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(repro_home.glob("outputs/*/*/codegen/analysis.py"))


def test_student_report_extracted_compiled_and_compared(repro_home: Path) -> None:
    """(a): a student report through rules extraction, compile, sandbox and comparison."""
    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    data = shared_path("data", "atlas-opendata-2020")
    proc = reproduce(str(pdf), "--data", str(data), "--baseline", "report_isa2025", "--no-review")
    run_dir = _run_dir(proc)
    assert (run_dir / "selection.extracted.json").is_file()
    comparison = json.loads((run_dir / "comparison.json").read_text())
    steps = {s["id"]: s for s in comparison["steps"]}
    assert steps["all"]["generated_raw"] == steps["all"]["baseline_raw"] == 832
    assert comparison["events"]["matched"] > 0
    report = (run_dir / "report.md").read_text()
    assert "## Cutflow" in report and "## Event-by-event comparison" in report
    assert "NOT reviewed" in report
    code = (run_dir / "codegen" / "analysis.py").read_text()
    assert "# cut: leptons_count" in code


def test_missing_data_is_a_clear_error(repro_home: Path) -> None:
    proc = reproduce("arXiv:1712.02304")
    assert (
        proc.returncode != 0
        and "no input data given" in proc.stderr
        and "Traceback" not in proc.stderr
    )


def test_dask_executor_gives_the_same_run(repro_home: Path) -> None:
    """--executor does not change results, so it does not change the run either."""
    import pytest

    pytest.importorskip("distributed")
    data = shared_path("data", "atlas-opendata-2020")
    args = ("arXiv:1712.02304", "--data", str(data), "--baseline", "hzz4l_paper")
    local = _run_dir(reproduce(*args, "--run-id", "local"))
    dask = _run_dir(reproduce(*args, "--run-id", "dask", "--executor", "dask", "--workers", "2"))
    for rel in (
        "analysis/events.csv",
        "analysis/cutflow.json",
        "baseline/events.csv",
        "baseline/cutflow.json",
    ):
        assert (local / rel).read_bytes() == (dask / rel).read_bytes(), rel
    assert json.loads((dask / "comparison.json").read_text())["verdict"] == "identical"


def test_a_list_reviewed_after_a_no_review_run_is_used_by_the_same_command(
    repro_home: Path,
) -> None:
    """Run unreviewed, review in the run directory, run the same command again: the review
    counts."""
    from pipeline.review import ReviewSession
    from pipeline.review.decisions import Decision

    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    data = shared_path("data", "atlas-opendata-2020")
    args = (str(pdf), "--data", str(data), "--no-review")
    run_dir = _run_dir(reproduce(*args))
    assert not (run_dir / "selection.reviewed.json").exists()

    session = ReviewSession(run_dir, reviewer="test")
    version, sel = session.current()
    first, *rest = [c.id for c in sel.selection]
    version = session.decide(
        Decision(action="reject", cut_id=first, comment="test"), version
    ).version
    for cut_id in [c.id for c in sel.all_cuts() if c.id != first]:
        version = session.decide(Decision(action="approve", cut_id=cut_id), version).version

    again = reproduce(*args)
    assert _run_dir(again) == run_dir
    assert "review: reused" not in again.stderr and "using selection.reviewed.json" in again.stderr
    assert "generate: reused" not in again.stderr
    code = (run_dir / "codegen" / "analysis.py").read_text()
    assert f"# cut: {first}" not in code  # the rejected cut is not executed any more


def test_a_data_file_replaced_in_place_reruns_the_analyses(
    repro_home: Path, tmp_path: Path
) -> None:
    """The run key holds data paths; their contents are stage inputs, so a new file is re-read."""
    import shutil

    src = shared_path("data", "atlas-opendata-2020")
    data = tmp_path / "data"
    data.mkdir()
    for name in ("data_A.4lep.root", "data_B.4lep.root"):
        shutil.copy(src / name, data / name)
    args = ("arXiv:1712.02304", "--data", str(data), "--baseline", "hzz4l_paper")
    run_dir = _run_dir(reproduce(*args))
    before = json.loads((run_dir / "analysis" / "result.json").read_text())["n_input"]

    shutil.copy(src / "data_C.4lep.root", data / "data_A.4lep.root")
    again = reproduce(*args)
    assert _run_dir(again) == run_dir
    assert "review: reused" in again.stderr and "generate: reused" in again.stderr
    assert "execute: reused" not in again.stderr and "baseline: reused" not in again.stderr
    after = json.loads((run_dir / "analysis" / "result.json").read_text())["n_input"]
    assert (before, after) == (39 + 156, 237 + 156)
    assert json.loads((run_dir / "comparison.json").read_text())["verdict"] == "identical"
