"""``reproduce demo``: offline, no model, on the shipped example note and generated samples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pymupdf

from pipeline.demo import make_note_pdf
from tests.conftest import load_timeout


def test_demo_note_is_marked_as_an_example(tmp_path: Path) -> None:
    pdf = make_note_pdf(tmp_path / "note.pdf")
    text = "".join(page.get_text() for page in pymupdf.open(pdf))
    assert "EXAMPLE ANALYSIS NOTE WRITTEN FOR THE REPRODUCE DEMO" in text
    assert "not a physics result" in text
    assert make_note_pdf(tmp_path / "again.pdf").read_bytes() == pdf.read_bytes()


def test_demo_runs_the_whole_pipeline_offline(repro_home: Path) -> None:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "demo", "--events", "20000"],
        capture_output=True,
        text=True,
        timeout=load_timeout(300),
    )
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - start < load_timeout(120)
    run_dir = Path(json.loads(proc.stdout)["run_dir"])
    for stage in (
        "fetch",
        "parse",
        "extract",
        "review",
        "generate",
        "execute",
        "baseline",
        "compare",
        "report",
    ):
        assert f"{stage}: done" in proc.stderr, stage
    comparison = json.loads((run_dir / "comparison.json").read_text())
    # the demo compares with hzz4l_paper, which removes the other quadruplet leptons from the
    # isolation cones; the reviewed list cannot, so on these samples one event differs at
    # track_isolation and none among the selected ones (with hzz4l_paper_noisocorr: identical)
    assert comparison["verdict"] in ("identical", "compatible"), comparison["reason"]
    assert comparison["first_divergence"] in (None, "track_isolation")
    assert not comparison["events"]["only_generated"] and not comparison["events"]["only_baseline"]
    assert (run_dir / "selection.extracted.json").is_file()
    report = (run_dir / "report.md").read_text()
    assert (
        "SYNTHETIC INPUTS" in report
        and "example analysis note written for the reproduce demo" in report
    )
    assert (run_dir / "plots" / "m4l.png").stat().st_size > 1000


def test_demo_writes_nothing_into_the_current_directory(tmp_path: Path) -> None:
    """Without REPRO_HOME everything goes to the per-user data dir, not the checkout it runs
    from."""
    cwd, xdg = tmp_path / "checkout", tmp_path / "xdg"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "REPRO_HOME"} | {"XDG_DATA_HOME": str(xdg)}
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "demo", "--events", "3000"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=load_timeout(300),
    )
    assert proc.returncode == 0, proc.stderr
    assert list(cwd.iterdir()) == []
    assert Path(json.loads(proc.stdout)["run_dir"]).is_relative_to(xdg / "reproduce" / "outputs")
    assert (xdg / "reproduce" / "demo").is_dir()
