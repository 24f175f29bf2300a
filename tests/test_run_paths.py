"""A run's outputs do not depend on how its paths were spelled or where its REPRO_HOME lives.

``--data`` given relative, absolute, or through a symlinked directory names the same files:
the outputs (``result.json``'s inputs, ``document.json``) record them by content hash and
file name, the audit's re-run (which uses resolved paths) gives the same bytes, and a second
invocation with another spelling reuses the run and says so. A finished run copied to
another REPRO_HOME audits clean there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, load_timeout, shared_path


def _reproduce(home: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPRO_LLM")}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=load_timeout(300),
        cwd=cwd,
        env={**env, "REPRO_HOME": str(home)},
    )


def _run_dir(proc: subprocess.CompletedProcess[str]) -> Path:
    assert proc.returncode == 0, proc.stderr
    return Path(json.loads(proc.stdout)["run_dir"])


def _audit_passes(home: Path, cwd: Path, run_dir: Path) -> None:
    proc = _reproduce(home, cwd, "audit", str(run_dir), "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["passed"], [d for d in report["differences"]]


def test_relative_data_path_audits_clean_and_other_spellings_reuse_the_run(
    repro_home: Path, tmp_path: Path
) -> None:
    data = shared_path("data", "atlas-opendata-2020")
    cwd = tmp_path / "work"
    cwd.mkdir()
    relative = os.path.relpath(data, cwd)
    run_dir = _run_dir(
        _reproduce(
            repro_home, cwd, "arXiv:1712.02304", "--data", relative, "--baseline", "hzz4l_paper"
        )
    )
    result = json.loads((run_dir / "baseline" / "result.json").read_text())
    assert {i["path"] for i in result["inputs"]} == {p.name for p in data.glob("*.root")}
    _audit_passes(repro_home, ROOT, run_dir)
    first = _deterministic(run_dir)

    link = tmp_path / "linked-data"
    link.symlink_to(data, target_is_directory=True)
    again = _reproduce(
        repro_home, ROOT, "arXiv:1712.02304", "--data", str(link), "--baseline", "hzz4l_paper"
    )
    assert _run_dir(again) == run_dir
    assert again.stderr.count(": reused") == 9, again.stderr
    assert "the same files" in again.stderr and relative in again.stderr, again.stderr
    # the manifest records files by name: no spelling and no location outside its volatile part
    assert _deterministic(run_dir) == first
    text = json.dumps(first)
    assert not [
        p for p in (str(data), str(link), relative, str(repro_home), str(ROOT)) if p in text
    ]


def _deterministic(run_dir: Path) -> dict:  # type: ignore[type-arg]
    from pipeline.run.manifest import load_manifest

    return load_manifest(run_dir).deterministic()


def test_symlinked_data_directory_audits_clean(repro_home: Path, tmp_path: Path) -> None:
    link = tmp_path / "linked-data"
    link.symlink_to(shared_path("data", "atlas-opendata-2020"), target_is_directory=True)
    run_dir = _run_dir(
        _reproduce(
            repro_home, ROOT, "arXiv:1712.02304", "--data", str(link), "--baseline", "hzz4l_paper"
        )
    )
    _audit_passes(repro_home, ROOT, run_dir)


def test_run_copied_to_another_home_audits_clean(repro_home: Path, tmp_path: Path) -> None:
    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    cwd = pdf.parent
    run_dir = _run_dir(
        _reproduce(repro_home, cwd, pdf.name, "--data", os.path.relpath(data, cwd), "--no-review")
    )
    document = json.loads((run_dir / "document.json").read_text())
    assert str(repro_home) not in json.dumps(document["source"])
    moved = tmp_path / "moved-home"
    shutil.copytree(repro_home, moved, symlinks=True)
    shutil.rmtree(repro_home)
    _audit_passes(moved, ROOT, moved / run_dir.relative_to(repro_home))
