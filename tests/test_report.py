"""The report of a run on synthetic samples: sections, self-contained HTML, synthetic label."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.data.synthetic import generate
from pipeline.report import write_report
from pipeline.run.stage2 import compare_dirs, execute_code, generate_code, run_baseline_outputs
from tests.conftest import ROOT

PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"


def test_report_of_a_synthetic_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate(data, release="2020", n_events=4000, seed=3)
    run = tmp_path / "run"
    generate_code(PAPER_LIST, run / "codegen" / "analysis.py")
    execute_code(run / "codegen" / "analysis.py", [data], run / "analysis")
    run_baseline_outputs("hzz4l_paper", [data], run / "baseline")
    comparison = compare_dirs(run / "analysis", run / "baseline", run / "comparison.json")
    written = write_report(run, selection=PAPER_LIST, notes={"generate": "compiled"})

    md = (run / "report.md").read_text()
    page = (run / "report.html").read_text()
    assert {p.name for p in written} >= {"report.md", "report.html", "m4l.png", "cutflow.png"}
    for section in (
        "## Warnings",
        "## Cutflow",
        "## Event-by-event comparison",
        "## Plots",
        "## Selection list and provenance",
        "## Generated code",
    ):
        assert section in md
    assert "SYNTHETIC INPUTS" in md and "SYNTHETIC INPUTS" in page
    assert comparison.verdict in md
    assert "Not applied: vertex" in md  # steps the data cannot express are named
    assert "Trigger: single-lepton, di-lepton or tri-lepton triggers." in md  # provenance quote
    # self-contained: images inline, nothing fetched from elsewhere
    assert page.count("data:image/png;base64,") == 2
    assert not re.search(r"(src|href)=['\"]https?:", page)
    assert "# cut: mass_window" in page
