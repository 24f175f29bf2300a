"""``reproduce audit RUN`` on a real offline run (the demo): pass, tampered outputs, changed
inputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.io import sha256_file
from pipeline.run.manifest import load_manifest
from tests.conftest import load_timeout


def _reproduce(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPRO_LLM")}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=load_timeout(300),
        env={**env, "REPRO_HOME": str(home)},
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    home = tmp_path_factory.mktemp("audit-home")
    proc = _reproduce(home, "demo", "--events", "4000")
    assert proc.returncode == 0, proc.stderr
    return home, Path(json.loads(proc.stdout)["run_dir"])


@pytest.fixture
def restore(demo: tuple[Path, Path]) -> Iterator[list[Path]]:
    """Files a test tampers with are put back afterwards (the run is shared by the module)."""
    touched: list[Path] = []
    yield touched
    for path in touched:
        backup = path.with_name(path.name + ".orig")
        shutil.move(backup, path)


def _tamper(path: Path, touched: list[Path], new: bytes) -> None:
    shutil.copyfile(path, path.with_name(path.name + ".orig"))
    touched.append(path)
    path.write_bytes(new)


def _audit(home: Path, run_dir: Path, *extra: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    proc = _reproduce(home, "audit", str(run_dir), "--json", *extra)
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def test_manifest_of_the_demo_run(demo: tuple[Path, Path]) -> None:
    home, run_dir = demo
    manifest = load_manifest(run_dir)
    roles = {i.role for i in manifest.inputs}
    assert {"paper_pdf", "paper_file", "data", "selection_reviewed", "hint", "prompt"} <= roles
    data = [i for i in manifest.inputs if i.role == "data"]
    where = dict(
        zip([id(i) for i in manifest.inputs], manifest.volatile.input_locations, strict=True)
    )
    assert len(data) == 4 and all(sha256_file(where[id(i)]) == i.sha256 for i in data)
    assert all(
        i.scope == "home" and i.path.startswith("demo/") for i in data
    )  # relative to REPRO_HOME
    assert not any(
        i.required for i in manifest.inputs if i.role in ("hint", "prompt")
    )  # no model was used
    assert manifest.outputs["analysis/events.csv"].stage == "execute"
    assert manifest.outputs["baseline/events.csv"].stage == "baseline"
    assert manifest.outputs["comparison.json"].stage == "compare"
    assert manifest.outputs["selection.extracted.json"].stage == "extract"
    assert {"run.json", "report.md", "report.html", "manifest.json"} <= set(manifest.excluded)
    assert [c.path for c in manifest.code] == [
        "codegen/analysis.py",
        "codegen/attempts/01/analysis.py",
    ]
    assert manifest.sandbox.attempts == 1 and manifest.sandbox.verdicts == ["ok"]
    assert manifest.sandbox.limits["timeout_s"] == 600.0
    assert manifest.usage.calls == 0 and manifest.usage.cost_usd == 0.0
    assert set(manifest.volatile.timings_s) >= {"parse", "execute", "manifest"}
    assert "volatile" not in manifest.deterministic()


@pytest.mark.slow
def test_audit_of_a_complete_run_passes(demo: tuple[Path, Path]) -> None:
    home, run_dir = demo
    code, report, stderr = _audit(home, run_dir)
    assert code == 0, stderr
    assert report["passed"] and report["rerun"] and report["differences"] == []
    assert report["checked_outputs"] >= 12
    assert "re-run [6/9] execute" in stderr and "audit PASSED" in stderr


@pytest.mark.slow
def test_tampered_output_is_named_with_its_stage(
    demo: tuple[Path, Path], restore: list[Path]
) -> None:
    home, run_dir = demo
    events = run_dir / "analysis" / "events.csv"
    _tamper(events, restore, events.read_bytes() + b"999,999,4e,125.0,1.0\n")
    code, report, stderr = _audit(home, run_dir)
    assert code == 1
    # the re-run reproduces the manifest; only the stored file differs
    assert [(d["kind"], d["path"], d["stage"]) for d in report["differences"]] == [
        ("stored_output_changed", "analysis/events.csv", "execute")
    ]
    assert "DIFFERENCE stored_output_changed: analysis/events.csv (stage execute)" in stderr


def test_replaced_data_file_is_named_before_any_rerun(
    demo: tuple[Path, Path], restore: list[Path]
) -> None:
    home, run_dir = demo
    files = sorted((home / "demo").glob("*/*.root"))
    _tamper(files[0], restore, files[1].read_bytes())
    code, report, stderr = _audit(home, run_dir)
    assert code == 1 and report["rerun"] is False
    assert [(d["kind"], d["path"], d["role"]) for d in report["differences"]] == [
        ("input_changed", str(files[0].resolve()), "data")
    ]
    assert "not re-running" in stderr and files[0].name in stderr


def test_altered_selection_list_and_pdf_are_named(
    demo: tuple[Path, Path], restore: list[Path]
) -> None:
    home, run_dir = demo
    reviewed = run_dir / "selection.reviewed.json"
    _tamper(reviewed, restore, reviewed.read_bytes().replace(b"118", b"117", 1))
    pdf = home / "papers" / "reproduce-demo-note" / "paper.pdf"
    _tamper(pdf, restore, pdf.read_bytes() + b"\n%tampered\n")
    code, report, _ = _audit(home, run_dir, "--no-rerun")
    assert code == 1
    assert sorted((d["path"], d["role"]) for d in report["differences"]) == [
        (str(pdf.resolve()), "paper_pdf"),
        ("selection.reviewed.json", "selection_reviewed"),
    ]


def test_missing_manifest_is_a_clear_error(tmp_path: Path) -> None:
    proc = _reproduce(tmp_path, "audit", str(tmp_path))
    assert (
        proc.returncode != 0
        and "has no manifest.json" in proc.stderr
        and "Traceback" not in proc.stderr
    )
