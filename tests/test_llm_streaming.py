"""Streamed model calls against the scripted server: the answer is assembled from its events, the
server's usage is counted, and a deadline mid-stream closes the connection (the server sees the
client hang up and stops generating) and ends the call with the project's error."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from pipeline.config import load_settings
from pipeline.llm import LLMDeadlineExceeded, LLMOutputError, LLMResponseTooLarge, get_backend
from tests.fakes.openai_server import FakeOpenAI, broken, flood, huge, json_answer, text, trickle

MESSAGES = [{"role": "user", "content": "Jets are required to have pT > 25 GeV."}]
SLACK = 30.0  # generous: the machine is shared; the point is "ends", not "ends fast"
MiB = 2**20


class Threshold(BaseModel):
    variable: str
    value: float


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(owned_by="llamacpp") as fake:  # probed: json_schema mode, as llama.cpp gets
        yield fake


def backend(server: FakeOpenAI, run_dir: Path, *, deadline: float = 60.0, **options: Any) -> Any:
    settings = replace(
        load_settings(),
        llm_base_url=server.base_url,
        llm_model=server.model,
        llm_timeout=5.0,
        llm_deadline=deadline,
    )
    return get_backend("openai", settings, run_dir=run_dir, backoff_base=0.01, **options)


def calls(run_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run_dir / "llm_calls.jsonl").read_text().splitlines()]


def test_streamed_text_is_assembled_and_its_usage_counted(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    script = "import awkward as ak\n\ndef select(events):\n    return events[events.n >= 4]\n"
    server.push(text(script))
    assert backend(server, tmp_path).text(MESSAGES, purpose="codegen") == script
    (request,) = server.requests
    assert request["stream"] is True and request["stream_options"] == {"include_usage": True}
    (record,) = calls(tmp_path)
    (attempt,) = record["attempts"]
    assert attempt["stream"]["complete"] and attempt["stream"]["events"] > len(script) // 4
    assert attempt["response"]["choices"][0]["message"]["content"] == script
    assert attempt["response"]["choices"][0]["finish_reason"] == "stop"
    assert (
        record["usage"] == attempt["response"]["usage"]
    )  # the server's count, from its last event
    assert record["usage"]["prompt_tokens"] > 0 and record["usage"]["completion_tokens"] > 0
    replay = get_backend("replay", load_settings(), replay=tmp_path / "llm_calls.jsonl")
    assert replay.text(MESSAGES, purpose="codegen") == script


def test_streamed_json_schema_answer_is_parsed_when_complete(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.push(json_answer({"variable": "pt", "value": 25}))
    llm = backend(server, tmp_path)
    assert llm.mode == "json_schema"
    assert llm.structured(MESSAGES, Threshold, purpose="t").value == 25.0
    assert server.requests[0]["stream"] is True and "response_format" in server.requests[0]
    (record,) = calls(tmp_path)
    assert record["requests"] == 1 and record["usage"]["total_tokens"] > 0


def test_a_deadline_mid_stream_closes_the_connection_and_ends_the_call(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    # a token every 0.05 s for ~40 min: only the deadline ends it, and only a hang-up stops it
    server.push(trickle(0.05, tokens=50_000))
    deadline = 2.0
    started = time.monotonic()
    with pytest.raises(LLMDeadlineExceeded, match="deadline of 2 s") as info:
        backend(server, tmp_path, deadline=deadline).text(MESSAGES, purpose="long")
    assert deadline - 0.1 <= time.monotonic() - started < deadline + SLACK
    assert "connection closed" in info.value.message and "stops generating" in info.value.message
    assert server.hung_up.wait(SLACK)  # the server's next write failed: it saw the client go
    assert server.sent and server.sent[0] < 50_000
    assert len(server.requests) == 1  # the deadline is final: no retry
    (record,) = calls(tmp_path)
    assert record["ok"] is False and "deadline" in record["error"]
    (attempt,) = record["attempts"]
    assert not attempt["stream"]["complete"] and attempt["stream"]["bytes"] > 0
    assert attempt["response"]["choices"][0]["message"]["content"].startswith("tok ")
    replay = get_backend("replay", load_settings(), replay=tmp_path / "llm_calls.jsonl")
    with pytest.raises(Exception, match="failed when recorded"):
        replay.text(MESSAGES, purpose="long")


def test_a_streamed_flood_is_abandoned_at_the_cap(server: FakeOpenAI, tmp_path: Path) -> None:
    size = 200 * MiB
    server.push(huge(size, sse=True))
    with pytest.raises(LLMResponseTooLarge, match="over the cap"):
        backend(server, tmp_path).text(MESSAGES, purpose="flood")
    assert server.hung_up.wait(SLACK) and server.sent[0] < size // 2
    assert len(server.requests) == 1
    assert (tmp_path / "llm_calls.jsonl").stat().st_size < MiB


def test_a_stream_that_breaks_off_is_retried(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(broken("import awk"), text("import awkward\n"))
    assert backend(server, tmp_path).text(MESSAGES, purpose="codegen") == "import awkward\n"
    (record,) = calls(tmp_path)
    first, second = record["attempts"]  # the first ended without a finish reason or [DONE]
    assert not first["stream"]["complete"]
    assert first["response"]["choices"][0]["finish_reason"] is None
    assert second["stream"]["complete"] and record["ok"]


def test_a_server_that_ignores_stream_is_read_whole(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(huge(1000))  # one JSON body, whatever the request asked
    assert backend(server, tmp_path).text(MESSAGES, purpose="plain") == flood(1000)
    (record,) = calls(tmp_path)
    assert "stream" not in record["attempts"][0] and record["usage"]["prompt_tokens"] > 0


LOOP_LINE = "from pipeline.pipeline import get_event_weight_variance_range\n"


def test_an_answer_looping_on_one_line_is_stopped_and_says_so(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    """Measured with the 1.5B model: code generation repeated one import line until max_tokens
    (4,096 tokens, 21 minutes). The stream is closed once its end is a loop; the answer comes
    back with finish_reason "repetition", logged and replayed as such."""
    server.push(trickle(0.001, tokens=5000, token=LOOP_LINE))
    answer = backend(server, tmp_path).text(MESSAGES, purpose="codegen")
    assert answer.finish_reason == "repetition" and answer.cut
    assert server.hung_up.wait(SLACK)  # the client closed the connection: the server stops
    assert len(answer) < 5000 * len(LOOP_LINE) // 4
    (record,) = calls(tmp_path)
    assert record["ok"] and record["finish_reason"] == "repetition"
    again = get_backend("replay", load_settings(), replay=tmp_path / "llm_calls.jsonl")
    replayed = again.text(MESSAGES, purpose="codegen")
    assert replayed == answer and replayed.finish_reason == "repetition"


def test_a_structured_answer_in_a_loop_is_refused_in_one_request(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.push(trickle(0.001, tokens=5000, token='{"variable": "pt", '))
    with pytest.raises(LLMOutputError, match="repetition loop"):
        backend(server, tmp_path).structured(MESSAGES, Threshold, purpose="loop")
    assert len(server.requests) == 1  # no retry: it would loop the same way
