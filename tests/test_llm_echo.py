"""Repair requests: the run's task carried along, a byte-identical resubmission met with a new
prompt."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from pipeline.config import load_settings
from pipeline.llm import get_backend
from pipeline.sandbox.repair import REPAIR_SYSTEM, repair_prompt
from pipeline.sandbox.runner import RunResult
from tests.fakes.openai_server import FakeOpenAI, text

FAILING = "import nope_xyz\nprint('analysis')\n"
FIXED = "print('analysis')\n"
TASK = (
    'Selection list:\n```json\n{"cuts": []}\n```\n\n'
    "Fields this dataset provides: lep_pt\n\nWrite the script."
)
FAILED = RunResult(
    verdict="import", reason="a module is missing", stderr_tail="ModuleNotFoundError: nope_xyz"
)


def _backend(server: FakeOpenAI, run_dir: Path):
    settings = replace(
        load_settings(), llm_base_url=server.base_url, llm_model=server.model, llm_timeout=5.0
    )
    return get_backend("openai", settings, run_dir=run_dir, backoff_base=0.01)


def _calls(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "llm_calls.jsonl").read_text().splitlines()]


def test_identical_resubmission_is_answered_with_a_different_prompt(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.push(text(f"Here:\n```python\n{FAILING}```"), text(f"```python\n{FIXED}```"))
        answer = _backend(server, tmp_path).text(
            repair_prompt(FAILING, FAILED), purpose="repair attempt 1"
        )
        assert FIXED in answer and server.remaining == 0
        second = server.requests[1]["messages"]
        assert second[:-2] == server.requests[0]["messages"]
        assert "byte for byte" in second[-1]["content"] and FAILING in second[-2]["content"]
    record = _calls(tmp_path)[0]
    assert record["requests"] == 2 and record["response"] == f"```python\n{FIXED}```"


def test_a_changed_script_is_not_asked_again(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.push(text(f"```python\n{FIXED}```"))
        _backend(server, tmp_path).text(repair_prompt(FAILING, FAILED), purpose="repair attempt 1")
        assert len(server.requests) == 1


def test_repair_request_continues_the_codegen_conversation_of_the_run(tmp_path: Path) -> None:
    codegen = [
        {"role": "system", "content": "You write scripts."},
        {"role": "user", "content": TASK},
    ]
    with FakeOpenAI() as server:
        server.push(text(f"```python\n{FAILING}```"), text(f"```python\n{FIXED}```"))
        _backend(server, tmp_path).text(codegen, purpose="codegen")
        fresh = _backend(server, tmp_path)  # another stage: a new backend, the same call log
        fresh.text(repair_prompt(FAILING, FAILED), purpose="repair attempt 1")
        sent = server.requests[1]["messages"]
        assert (
            sent[:2] == codegen
        )  # the same prefix: a llama.cpp server answers it from its prompt cache
        assert sent[2] == {"role": "assistant", "content": f"```python\n{FAILING}```"}
        assert (
            sent[3]["content"].startswith(REPAIR_SYSTEM)
            and "ModuleNotFoundError" in sent[3]["content"]
        )
    record = _calls(tmp_path)[1]
    assert record["messages"] == repair_prompt(
        FAILING, FAILED
    )  # the key stays the caller's messages
    assert record["sent_messages"] == sent


def test_repair_prompt_names_the_contract_and_carries_a_given_task() -> None:
    messages = repair_prompt(FAILING, FAILED, task=TASK)
    assert (
        messages[0]["content"] == REPAIR_SYSTEM
        and "never return the script unchanged" in REPAIR_SYSTEM
    )
    user = messages[1]["content"]
    assert "events.csv" in user and "write_outputs" in user and "cutflow.json" in user
    assert user.index("Selection list:") < user.index("nope_xyz")
    assert "Selection list:" not in repair_prompt(FAILING, FAILED)[1]["content"]


def test_replay_of_a_resubmission_gives_the_final_answer_offline(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.push(text(f"```python\n{FAILING}```"), text(f"```python\n{FIXED}```"))
        live = _backend(server, tmp_path).text(
            repair_prompt(FAILING, FAILED), purpose="repair attempt 1"
        )
    replay = get_backend("replay", load_settings(), replay=tmp_path / "llm_calls.jsonl")
    assert replay.text(repair_prompt(FAILING, FAILED), purpose="repair attempt 1") == live


def test_the_same_script_twice_ends_the_call_instead_of_running_it_again(tmp_path: Path) -> None:
    import pytest

    from pipeline.llm import LLMOutputError

    with FakeOpenAI() as server:
        server.push(text(f"```python\n{FAILING}```"), text(f"Sure:\n```python\n{FAILING}```"))
        with pytest.raises(LLMOutputError, match="unchanged, also after being told so") as info:
            _backend(server, tmp_path).text(
                repair_prompt(FAILING, FAILED), purpose="repair attempt 1"
            )
        assert len(server.requests) == 2 and info.value.attempts == 2
    record = _calls(tmp_path)[0]
    assert not record["ok"] and record["requests"] == 2 and "unchanged" in record["error"]
