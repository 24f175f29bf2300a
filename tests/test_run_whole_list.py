"""``reproduce run --extract llm --whole-list``: the run's extract stage asks the model for the
whole selection list (before, only ``reproduce extract`` could), and the option is part of the
run's key; without ``--extract llm`` it is refused before any stage runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import load_timeout, shared_path
from tests.fakes.openai_server import FakeOpenAI, json_answer
from tests.test_extract_whole_list import GOOD

ISA = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
DATA = shared_path("data", "atlas-opendata-2020", "data_C.4lep.root")


def _reproduce(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=load_timeout(600),
        env=dict(os.environ, REPRO_HOME=str(home), **(env or {})),
    )


def test_run_extracts_the_whole_list_from_the_model(tmp_path: Path) -> None:
    args = ("run", str(ISA), "--data", str(DATA), "--extract", "llm", "--whole-list", "--no-review")
    with FakeOpenAI(model="qwen-fake", owned_by="llamacpp") as server:  # json_schema mode
        server.push(json_answer(GOOD))
        env = {"REPRO_LLM_BASE_URL": server.base_url, "REPRO_LLM_MODEL": server.model}
        proc = _reproduce(tmp_path / "home", *args, env=env)
        asked = [r for r in server.requests if "response_format" in r]
    assert proc.returncode == 0, proc.stderr[-3000:]
    run_dir = Path(json.loads(proc.stdout[proc.stdout.index("{") :])["run_dir"])
    extracted = json.loads((run_dir / "selection.extracted.json").read_text())
    assert [o["name"] for o in extracted["objects"]] == [o["name"] for o in GOOD["objects"]]
    assert any(
        "objects" in json.dumps(r["response_format"]) for r in asked
    )  # the whole-list schema
    assert json.loads((run_dir / "run.json").read_text())["settings"]["whole_list"] == "True"


def test_whole_list_without_the_model_backend_is_refused_up_front(tmp_path: Path) -> None:
    proc = _reproduce(tmp_path / "home", "run", str(ISA), "--data", str(DATA), "--whole-list")
    assert proc.returncode != 0 and "needs --extract llm" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "home" / "outputs").exists()
