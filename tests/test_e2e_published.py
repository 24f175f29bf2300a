"""End to end: a run's report sets the paper's own numbers beside baseline and generated.

The Isa report on the real 2020 open data: its table IV (page 5) says 166 at the last step where
the baseline and the generated analysis both give 148, and baselines/README.md says why. The demo
note publishes no table, and its report says so.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipeline.extract.published import PublishedTables
from tests.conftest import shared_path


def _reproduce(*args: str) -> Path:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return Path(json.loads(proc.stdout)["run_dir"])


def test_isa_report_run_shows_table_iv_beside_baseline_and_generated() -> None:
    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    data = shared_path("data", "atlas-opendata-2020")
    run_dir = _reproduce(
        str(pdf), "--data", str(data), "--baseline", "report_isa2025", "--no-review"
    )

    published = PublishedTables.model_validate_json((run_dir / "published.json").read_text())
    (table,) = published.cutflows()
    assert (table.name, table.page, published.pages_searched) == ("Table IV", 5, 5)
    report = (run_dir / "report.md").read_text()
    section = report.split("## Against the paper's published numbers", 1)[1].split("\n## ", 1)[0]
    assert (
        'Table IV, page 5 of report-h4l-opendata-isa-2025.pdf: "TABLE IV. Number of events passing'
        in section
    )
    assert "column 'Data': every input file is collision data" in section
    assert (
        "| Cut 10: Z candidate selection | 166 | 148 (z_candidates) | 148 (event_m34) | 0.892 | "
        "generated and baseline agree, -10.8% from the paper"
    ) in section
    assert (
        "| Cut 1: All events (preselection) | 832 | 832 (all) | 832 (all) | 1.000 | as published |"
        in section
    )
    assert "baselines/README.md, `report_isa2025`:" in section and "166 at the last step" in section
    html = (run_dir / "report.html").read_text()
    assert "Against the paper&#x27;s published numbers" in html and "<td>166</td>" in html
    # the report stage's new output is recorded (resume, manifest)
    run = json.loads((run_dir / "run.json").read_text())
    assert "published.json" in json.dumps(run["stages"]["report"])
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert "published.json" in json.dumps(manifest["outputs"])


def test_demo_note_publishes_no_cutflow_and_the_report_says_so() -> None:
    run_dir = _reproduce("demo", "--events", "3000")
    report = (run_dir / "report.md").read_text()
    pages = PublishedTables.model_validate_json(
        (run_dir / "published.json").read_text()
    ).pages_searched
    assert f"The paper publishes no cutflow table (searched {pages} pages)." in report
