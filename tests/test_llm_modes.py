"""Structured-output modes per server, max_tokens on every request, usage from the server."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import BaseModel

from pipeline.config import load_settings
from pipeline.llm import get_backend, modes
from tests.fakes.openai_server import FakeOpenAI, error, json_answer, text


class Threshold(BaseModel):
    variable: str
    value: float


GOOD = {"variable": "pt", "value": 25.0}
MESSAGES = [{"role": "user", "content": "Jets are required to have pT > 25 GeV."}]


def _backend(server: FakeOpenAI, run_dir: Path, **kw):
    settings = replace(
        load_settings(), llm_base_url=server.base_url, llm_model=server.model, llm_timeout=5.0, **kw
    )
    return get_backend("openai", settings, run_dir=run_dir, backoff_base=0.01)


def _calls(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "llm_calls.jsonl").read_text().splitlines()]


def test_llama_cpp_server_gets_json_schema_from_the_first_request(tmp_path: Path) -> None:
    with FakeOpenAI(owned_by="llamacpp") as server:
        server.push(json_answer(GOOD), json_answer(GOOD))
        llm = _backend(server, tmp_path, llm_max_tokens=321)
        assert llm.mode == "json_schema"
        for _ in range(2):
            assert llm.structured(MESSAGES, Threshold, purpose="t").model_dump() == GOOD
        assert len(server.requests) == 2  # one request per call: no tools request wasted
        for body in server.requests:
            assert "tools" not in body and body["max_tokens"] == 321
            assert body["response_format"]["json_schema"]["schema"] == Threshold.model_json_schema()
    records = _calls(tmp_path)
    assert [r["requests"] for r in records] == [1, 1] and records[0]["mode"] == "json_schema"
    assert records[0]["usage"]["completion_tokens"] > 0 and records[0]["max_tokens"] == 321


def test_invalid_json_schema_answer_is_fed_back_in_the_same_call(tmp_path: Path) -> None:
    with FakeOpenAI(owned_by="llamacpp") as server:
        server.push(text('{"variable": "pt"}'), json_answer(GOOD))
        llm = _backend(server, tmp_path)
        assert llm.structured(MESSAGES, Threshold, purpose="t").model_dump() == GOOD
        retry = server.requests[1]["messages"]
        assert (
            retry[-2]["content"] == '{"variable": "pt"}'
            and "does not validate" in retry[-1]["content"]
        )
    assert _calls(tmp_path)[0]["requests"] == 2


def test_text_requests_carry_max_tokens(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.push(text("print(1)"))
        _backend(server, tmp_path, llm_max_tokens=77).text(MESSAGES, purpose="codegen")
        assert server.requests[0]["max_tokens"] == 77


def test_server_rejecting_json_schema_falls_back_to_json_object_and_remembers(
    tmp_path: Path,
) -> None:
    with FakeOpenAI() as server:
        server.push(
            error(400, "response_format json_schema is not supported"),
            json_answer(GOOD),
            json_answer(GOOD),
        )
        llm = _backend(server, tmp_path, llm_mode="json_schema")
        assert llm.structured(MESSAGES, Threshold, purpose="t").model_dump() == GOOD
        assert llm.mode == "json"
        assert server.requests[1]["response_format"]["type"] == "json_object"
        again = _backend(
            server, tmp_path
        )  # auto: the next backend for this server starts where it ended
        assert again.mode == "json"
        again.structured(MESSAGES, Threshold, purpose="t")
        assert len(server.requests) == 3


def test_other_servers_start_with_tools(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        assert _backend(server, tmp_path).mode == "tools"


def test_unknown_mode_is_a_config_error(tmp_path: Path) -> None:
    from pipeline.errors import ConfigError

    with FakeOpenAI() as server, pytest.raises(ConfigError, match="unknown LLM mode"):
        _backend(server, tmp_path, llm_mode="grammar")


@pytest.fixture(autouse=True)
def _fresh_modes():
    modes.forget_all()
    yield
    modes.forget_all()


def test_an_answer_cut_at_max_tokens_is_not_retried(tmp_path: Path) -> None:
    from pipeline.llm import LLMOutputError
    from tests.fakes.openai_server import cut

    with FakeOpenAI(owned_by="llamacpp") as server:
        server.push(cut('{"variable": "p'), json_answer(GOOD))
        with pytest.raises(LLMOutputError, match="max_tokens=50") as info:
            _backend(server, tmp_path, llm_max_tokens=50).structured(
                MESSAGES, Threshold, purpose="t"
            )
        assert len(server.requests) == 1 and "REPRO_LLM_MAX_TOKENS" in (info.value.hint or "")
