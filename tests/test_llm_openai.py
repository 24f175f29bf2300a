"""The real openai + instructor client against a real local OpenAI-compatible server."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from pipeline.config import load_settings
from pipeline.errors import ExtractionError
from pipeline.llm import CallCapReached, LLMOutputError, get_backend
from tests.fakes.openai_server import FakeOpenAI, error, hang, json_answer, text, tool_call


class Threshold(BaseModel):
    variable: str = Field(pattern=r"^[a-z]+$")
    value: float = Field(gt=0)


GOOD = {"variable": "pt", "value": 25.0}
MESSAGES = [{"role": "user", "content": "Jets are required to have pT > 25 GeV."}]


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def backend(server: FakeOpenAI, run_dir: Path, **settings_kw):
    settings = replace(
        load_settings(),
        llm_base_url=server.base_url,
        llm_model=server.model,
        llm_timeout=settings_kw.pop("timeout", 5.0),
        **settings_kw,
    )
    return get_backend("openai", settings, run_dir=run_dir, backoff_base=0.01)


def calls(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "llm_calls.jsonl").read_text().splitlines()]


def test_valid_tool_call_is_parsed_and_logged(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(tool_call(GOOD))
    result = backend(server, tmp_path).structured(MESSAGES, Threshold, purpose="t", seed=7)
    assert result.model_dump() == GOOD
    assert server.requests[0]["tools"][0]["function"]["name"]  # tool calling was used
    (record,) = calls(tmp_path)
    assert record["ok"] and record["model"] == "fake-model" and record["seed"] == 7
    assert record["temperature"] == 0.0 and record["mode"] == "tools"
    assert record["usage"]["prompt_tokens"] > 0 and record["latency_s"] >= 0
    assert record["attempts"][0]["request"]["messages"][0]["content"] == MESSAGES[0]["content"]
    assert record["response"] == GOOD


def test_server_without_tools_falls_back_to_json_schema_mode(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.push(error(400, "this server does not support tools"), json_answer(GOOD))
    llm = backend(server, tmp_path)
    assert llm.structured(MESSAGES, Threshold, purpose="t").model_dump() == GOOD
    assert "tools" not in server.requests[1]
    assert server.requests[1]["response_format"]["type"] == "json_schema"
    assert (
        server.requests[1]["response_format"]["json_schema"]["schema"]
        == Threshold.model_json_schema()
    )
    assert calls(tmp_path)[0]["mode"] == "json_schema"


def test_server_ignoring_tools_falls_back_to_json_schema_mode(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    # a server that ignores "tools" answers in plain text every time (3 = 1 + max_retries)
    server.push(*[text("Sure! The cut is pT > 25 GeV.") for _ in range(3)], json_answer(GOOD))
    llm = backend(server, tmp_path)
    assert llm.structured(MESSAGES, Threshold, purpose="t").model_dump() == GOOD
    assert llm.mode == "json_schema"


def test_malformed_json_is_retried(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(tool_call('{"variable": "pt", "value": '), tool_call(GOOD))
    assert backend(server, tmp_path).structured(MESSAGES, Threshold, purpose="t").value == 25.0
    assert len(calls(tmp_path)[0]["attempts"]) == 2


def test_schema_violation_is_fed_back_then_valid(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(tool_call({"variable": "pt", "value": -3}), tool_call(GOOD))
    assert backend(server, tmp_path).structured(MESSAGES, Threshold, purpose="t").value == 25.0
    retry_prompt = json.dumps(server.requests[1]["messages"])
    assert "greater than 0" in retry_prompt  # the validation error went back to the model


def test_garbage_after_all_retries_names_model_and_error(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.push(*[tool_call({"variable": "PT!", "value": 1}) for _ in range(3)])
    with pytest.raises(LLMOutputError) as info:
        backend(server, tmp_path).structured(MESSAGES, Threshold, purpose="t")
    assert "fake-model" in info.value.message and "pattern" in info.value.last_error
    assert info.value.attempts == 3
    assert calls(tmp_path)[0]["ok"] is False


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_rate_limit_and_server_errors_back_off_then_succeed(
    server: FakeOpenAI, tmp_path: Path, status: int
) -> None:
    server.push(error(status), tool_call(GOOD))
    assert backend(server, tmp_path).structured(MESSAGES, Threshold, purpose="t").value == 25.0
    assert [a["status"] for a in calls(tmp_path)[0]["attempts"]] == [status, 200]


def test_persistent_5xx_gives_up_with_clear_error(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(*[error(503) for _ in range(4)])
    with pytest.raises(ExtractionError, match="failed 4 times; last error: InternalServerError"):
        backend(server, tmp_path).structured(MESSAGES, Threshold, purpose="t")


def test_client_error_is_not_retried(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(error(401, "invalid api key"))
    with pytest.raises(ExtractionError, match="refused"):
        backend(server, tmp_path).structured(MESSAGES, Threshold, purpose="t")
    assert len(server.requests) == 1


def test_hung_response_hits_timeout_then_retry_succeeds(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(hang(10), tool_call(GOOD))
    assert (
        backend(server, tmp_path, timeout=0.5).structured(MESSAGES, Threshold, purpose="t").value
        == 25.0
    )
    first = calls(tmp_path)[0]["attempts"][0]
    assert "Timeout" in first["error"] and first["latency_s"] >= 0.4


def test_call_cap_per_paper(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(*[error(500) for _ in range(5)])
    with pytest.raises(CallCapReached, match="cap of 2"):
        backend(server, tmp_path, llm_max_calls=2).structured(MESSAGES, Threshold, purpose="t")
    assert len(server.requests) == 2


def test_text_answers_for_scripted_code(server: FakeOpenAI, tmp_path: Path) -> None:
    code = "def select(events):\n    return events\n"
    server.push(text(code))
    assert backend(server, tmp_path).text(MESSAGES, purpose="codegen") == code
    assert calls(tmp_path)[0]["response"] == code


def test_replay_answers_without_a_server(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(tool_call(GOOD), text("print(1)"))
    llm = backend(server, tmp_path)
    llm.structured(MESSAGES, Threshold, purpose="t")
    llm.text(MESSAGES, purpose="code")
    server.stop()
    replay = get_backend("replay", load_settings(), replay=tmp_path / "llm_calls.jsonl")
    assert replay.structured(MESSAGES, Threshold, purpose="t").model_dump() == GOOD
    assert replay.text(MESSAGES, purpose="code") == "print(1)"
    with pytest.raises(ExtractionError, match="no recorded answer"):
        replay.structured([{"role": "user", "content": "something else"}], Threshold, purpose="t")


def test_unknown_backend_suggests_a_name() -> None:
    with pytest.raises(Exception, match="did you mean 'openai'"):
        get_backend("opena", load_settings())
