"""Audit of a run whose extraction and code were written by a model: re-run offline from
llm_calls.jsonl."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.codegen import compile_selection
from pipeline.data.synthetic import generate
from pipeline.demo import REVIEWED, make_note_pdf
from pipeline.run.manifest import load_manifest
from pipeline.run.stage2 import load_valid_selection
from tests.conftest import load_timeout
from tests.fakes.openai_server import FakeOpenAI, text, tool_call
from tests.test_trials import ETA, M12


def _reproduce(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("REPRO_LLM")}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=load_timeout(300),
        env={**base, "REPRO_HOME": str(home), **(env or {})},
    )


@pytest.mark.slow
def test_model_run_is_audited_from_its_recorded_calls(tmp_path: Path) -> None:
    pdf = make_note_pdf(tmp_path / "note.pdf")
    generate(tmp_path / "data", release="2020", n_events=1000, seed=6)
    good = compile_selection(load_valid_selection(REVIEWED))
    broken = good.replace("v.keep_events((rt.count(", "v.keep_events((rt.cuont(", 1)
    home = tmp_path / "home"
    args = (
        str(pdf),
        "--data",
        str(tmp_path / "data"),
        "--baseline",
        "hzz4l_paper",
        "--extract",
        "llm",
        "--codegen",
        "llm",
        "--no-review",
    )
    with FakeOpenAI() as server:
        server.push(
            tool_call({"cuts": [ETA, M12]}),
            text(f"```python\n{broken}```"),
            text(f"```python\n{good}```"),
        )
        env = {
            "REPRO_LLM_BASE_URL": server.base_url,
            "REPRO_LLM_MODEL": server.model,
            "REPRO_LLM_PRICES": json.dumps({server.model: [1.0, 2.0]}),
        }
        proc = _reproduce(home, *args, env=env)
        assert proc.returncode == 0, proc.stderr
        assert server.remaining == 0
    run_dir = Path(json.loads(proc.stdout)["run_dir"])
    manifest = load_manifest(run_dir)
    assert manifest.model.models == ["fake-model"] and manifest.model.seeds == [1234]
    assert manifest.usage.calls == 3 and manifest.usage.prompt_tokens > 0
    assert manifest.usage.cost_usd == pytest.approx(
        (manifest.usage.prompt_tokens + 2 * manifest.usage.completion_tokens) / 1e6, abs=1e-6
    )
    assert manifest.sandbox.verdicts == ["names", "ok"]
    assert {c.origin for c in manifest.code} == {"model"} and len(manifest.code) == 3
    assert {i.role for i in manifest.inputs if i.required} >= {
        "llm_calls",
        "hint",
        "prompt",
        "data",
    }

    # no server now: the audit replays the recorded answers (and would fail on a new request)
    audit = _reproduce(home, "audit", str(run_dir), "--json")
    assert audit.returncode == 0, audit.stderr
    assert json.loads(audit.stdout)["differences"] == []

    calls = run_dir / "llm_calls.jsonl"
    calls.write_text(calls.read_text().replace("cuont", "count", 1))
    tampered = _reproduce(home, "audit", str(run_dir), "--json")
    assert tampered.returncode == 1
    assert [
        (d["kind"], d["path"], d["role"]) for d in json.loads(tampered.stdout)["differences"]
    ] == [("input_changed", "llm_calls.jsonl", "llm_calls")]
