"""``reproduce generate | execute | compare`` as real subprocesses, good and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, shared_path

PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=env,
    )


def test_generate_execute_compare(tmp_path: Path) -> None:
    data = shared_path("data", "atlas-opendata-2020", "data_D.4lep.root")
    script = tmp_path / "analysis.py"
    assert cli("generate", str(PAPER_LIST), "-o", str(script)).returncode == 0
    first = script.read_bytes()
    assert cli("generate", str(PAPER_LIST), "-o", str(script)).returncode == 0
    assert script.read_bytes() == first  # same list, same bytes
    run = cli("execute", str(script), "--data", str(data), "-o", str(tmp_path / "analysis"))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["verdict"] == "ok"
    # the reviewed list, like hzz4l_paper, removes the other quadruplet leptons from the cones
    base = cli(
        "baseline",
        "hzz4l_paper",
        "--data",
        str(data),
        "--out",
        str(tmp_path / "baseline"),
    )
    assert base.returncode == 0, base.stderr
    comp = cli(
        "compare",
        str(tmp_path / "analysis"),
        str(tmp_path / "baseline"),
        "-o",
        str(tmp_path / "c.json"),
    )
    assert comp.returncode == 0, comp.stderr
    assert json.loads(comp.stdout)["verdict"] == "identical"
    assert json.loads((tmp_path / "c.json").read_text())["first_divergence"] is None


def test_relative_paths_as_a_user_types_them(tmp_path: Path) -> None:
    """Regression: a relative --out gave the sandbox a relative work dir, which bwrap could not
    find."""
    data = shared_path("data", "atlas-opendata-2020", "data_D.4lep.root")
    assert cli("generate", str(PAPER_LIST), "-o", "analysis.py", cwd=tmp_path).returncode == 0
    run = cli("execute", "analysis.py", "--data", str(data), "-o", "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "events.csv").is_file()


def test_failing_script_leaves_earlier_outputs_untouched(tmp_path: Path) -> None:
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    out = tmp_path / "analysis"
    out.mkdir()
    (out / "result.json").write_text("{}")
    bad = tmp_path / "bad.py"
    bad.write_text("raise RuntimeError('generated code is wrong')\n")
    proc = cli("execute", str(bad), "--data", str(data), "-o", str(out))
    assert proc.returncode != 0
    assert (
        "generated code is wrong" in proc.stderr
        and "Traceback" not in proc.stderr.split("error:")[0]
    )
    assert (out / "result.json").read_text() == "{}"


def test_policy_violation_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import socket\n")
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    proc = cli("execute", str(bad), "--data", str(data), "-o", str(tmp_path / "out"))
    assert proc.returncode != 0 and "policy" in proc.stderr and "socket" in proc.stderr


def test_compare_incomplete_output_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    proc = cli("compare", str(tmp_path / "a"), str(tmp_path / "b"))
    assert proc.returncode != 0 and "result.json missing" in proc.stderr
