"""``--codegen llm``: the model writes the script, the sandbox repairs it, and --replay redoes it
offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipeline.codegen import compile_selection
from pipeline.run.stage2 import load_valid_selection
from tests.conftest import ROOT, load_timeout, shared_path
from tests.fakes.openai_server import FakeOpenAI, text

PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"


def _reproduce(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, REPRO_HOME=str(home), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=load_timeout(300),
        env=full,
    )


def test_model_code_is_repaired_then_replayed(tmp_path: Path) -> None:
    data = shared_path("data", "atlas-opendata-2020", "data_C.4lep.root")
    good = compile_selection(load_valid_selection(PAPER_LIST))
    broken = good.replace("v.keep_events((rt.count(", "v.keep_events((rt.cuont(", 1)
    assert broken != good
    args = (
        "arXiv:1712.02304",
        "--data",
        str(data),
        "--baseline",
        "hzz4l_paper",
        "--codegen",
        "llm",
    )
    with FakeOpenAI() as server:
        server.push(text(f"```python\n{broken}```"), text(f"Fixed:\n```python\n{good}```"))
        env = {"REPRO_LLM_BASE_URL": server.base_url, "REPRO_LLM_MODEL": server.model}
        proc = _reproduce(tmp_path / "live", *args, env=env)
        assert proc.returncode == 0, proc.stderr
        assert server.remaining == 0
        repair_prompt = server.requests[1]["messages"][-1][
            "content"
        ]  # after the codegen conversation
        # found before the run (sandbox/preflight.py): the prompt names the missing function
        assert "rt.cuont: pipeline.runtime.lang has no 'cuont'" in repair_prompt
    run_dir = Path(json.loads(proc.stdout)["run_dir"])
    assert "passed on attempt 2" in proc.stderr
    verdicts = [
        json.loads((d / "verdict.json").read_text())["verdict"]
        for d in sorted((run_dir / "codegen" / "attempts").iterdir())
    ]
    assert verdicts == ["names", "ok"]
    assert json.loads((run_dir / "comparison.json").read_text())["verdict"] == "identical"

    replay = _reproduce(tmp_path / "offline", *args, "--replay", str(run_dir / "llm_calls.jsonl"))
    assert replay.returncode == 0, replay.stderr
    again = Path(json.loads(replay.stdout)["run_dir"])
    assert (again / "codegen" / "analysis.py").read_text() == (
        run_dir / "codegen" / "analysis.py"
    ).read_text()
    assert json.loads((again / "comparison.json").read_text())["verdict"] == "identical"
