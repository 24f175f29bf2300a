"""Limits of the LLM transport against real local servers: a total deadline per call (a server
that drips its answer), a response size cap (a server that streams 200 MB), a bounded call log."""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from pipeline.config import load_settings
from pipeline.errors import ConfigError
from pipeline.llm import LLMDeadlineExceeded, LLMResponseTooLarge, get_backend
from pipeline.llm.base import bounded_record
from pipeline.llm.transport import MAX_LOGGED_BODY, MAX_RESPONSE_BYTES
from tests.fakes.local_http import LocalServer, QuietHandler
from tests.fakes.openai_server import FakeOpenAI, drip, error, flood, hang, huge, tool_call

MESSAGES = [{"role": "user", "content": "Jets are required to have pT > 25 GeV."}]
DEADLINE = 3.0
SLACK = 30.0  # generous: the machine is shared; the point is "ends", not "ends fast"
MiB = 2**20


class Threshold(BaseModel):
    variable: str
    value: float


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def backend(
    base_url: str, run_dir: Path, *, deadline: float = 60.0, timeout: float = 5.0, **options: Any
) -> Any:
    settings = replace(
        load_settings(),
        llm_base_url=base_url,
        llm_model="fake-model",
        llm_timeout=timeout,
        llm_deadline=deadline,
    )
    return get_backend("openai", settings, run_dir=run_dir, backoff_base=0.01, **options)


def calls(run_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run_dir / "llm_calls.jsonl").read_text().splitlines()]


class PeakRSS:
    """The highest resident set size of this process while the block runs (sampled every 5 ms)."""

    def __init__(self) -> None:
        self.psutil = pytest.importorskip("psutil")
        self.process = self.psutil.Process()
        self.before = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.before) / MiB

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def wait_for(condition: Any, seconds: float = 20.0) -> None:
    ends = time.monotonic() + seconds
    while not condition() and time.monotonic() < ends:
        time.sleep(0.05)


# --- the total deadline ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["body", "headers"])
def test_dripping_server_is_cut_off_at_the_deadline(
    server: FakeOpenAI, tmp_path: Path, where: str
) -> None:
    # one byte every 2 s: never a read timeout (5 s), so only a total deadline can end it
    server.push(drip(2.0, where=where, give_up_after=120))
    llm = backend(server.base_url, tmp_path, deadline=DEADLINE)
    started = time.monotonic()
    with pytest.raises(LLMDeadlineExceeded, match="deadline of 3 s") as info:
        llm.text(MESSAGES, purpose="drip")
    took = time.monotonic() - started
    assert DEADLINE - 0.1 <= took < DEADLINE + SLACK
    assert info.value.deadline_s == DEADLINE and "REPRO_LLM_DEADLINE" in (info.value.hint or "")
    assert len(server.requests) == 1  # the deadline is final: no retry
    (record,) = calls(tmp_path)
    assert record["ok"] is False and "deadline" in record["error"]
    assert "Timeout" in record["attempts"][0]["error"]


def test_deadline_covers_every_retry_of_a_call(server: FakeOpenAI, tmp_path: Path) -> None:
    # each attempt alone is fine (1.5 s, then a 503 that is retried); ten of them are not
    server.push(*[hang(1.5, error(503)) for _ in range(10)])
    llm = backend(server.base_url, tmp_path, deadline=DEADLINE, backoff_retries=9)
    started = time.monotonic()
    with pytest.raises(LLMDeadlineExceeded):
        llm.structured(MESSAGES, Threshold, purpose="retries")
    assert time.monotonic() - started < DEADLINE + SLACK
    assert len(server.requests) < 10


def test_deadline_starts_afresh_for_each_call(server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(
        tool_call({"variable": "pt", "value": 25}), tool_call({"variable": "pt", "value": 26})
    )
    llm = backend(server.base_url, tmp_path, deadline=2.0)
    assert llm.structured(MESSAGES, Threshold, purpose="t").value == 25.0
    time.sleep(2.5)  # past the first call's deadline: the second call has its own
    assert llm.structured(MESSAGES, Threshold, purpose="t").value == 26.0


def test_deadline_setting_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REPRO_LLM_DEADLINE", "42.5")
    assert load_settings().llm_deadline == 42.5
    with pytest.raises(ConfigError, match="positive"):
        backend("http://127.0.0.1:9/v1", tmp_path, deadline=0)


# --- the response size cap ------------------------------------------------------------------------


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "content-length"])
def test_huge_answer_is_abandoned_at_the_cap_with_bounded_memory(
    server: FakeOpenAI, tmp_path: Path, chunked: bool
) -> None:
    size = 200 * MiB
    server.push(huge(size, chunked=chunked))
    llm = backend(server.base_url, tmp_path)
    with PeakRSS() as rss, pytest.raises(LLMResponseTooLarge, match="over the cap") as info:
        llm.text(MESSAGES, purpose="flood")
    assert info.value.limit == MAX_RESPONSE_BYTES
    framing = "chunked" if chunked else "Content-Length"
    print(f"\nhuge answer ({framing}): host RSS growth {rss.growth_mib:.1f} MiB")
    assert rss.growth_mib < 100  # the answer is 200 MiB; the old transport held it twice over
    wait_for(lambda: server.sent)
    assert server.sent and server.sent[0] < size // 2  # the client hung up long before the end
    assert len(server.requests) == 1  # no retry downloads it again
    (record,) = calls(tmp_path)
    assert record["ok"] is False and "cap" in record["error"]
    assert (tmp_path / "llm_calls.jsonl").stat().st_size < MiB


def test_answer_under_a_small_cap_passes_and_over_it_fails(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.push(huge(32 * 1024), huge(100 * 1024))
    llm = backend(server.base_url, tmp_path, max_response_bytes=64 * 1024)
    assert llm.text(MESSAGES, purpose="small") == flood(32 * 1024)
    with pytest.raises(LLMResponseTooLarge) as info:
        llm.text(MESSAGES, purpose="big")
    assert info.value.received > 64 * 1024


def gzipped_completion(content_bytes: int) -> bytes:
    """A gzipped completion whose content is ``content_bytes`` zeros, compressed piece by piece
    (the server shares this process: it must not hold the plain text either)."""
    head, tail = json.dumps(
        {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": "fake-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "@"},
                    "finish_reason": "stop",
                }
            ],
        }
    ).split("@")
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [packer.compress(head.encode())]
    piece = b"0" * MiB
    for start in range(0, content_bytes, MiB):
        out.append(packer.compress(piece[: min(MiB, content_bytes - start)]))
    out += [packer.compress(tail.encode()), packer.flush()]
    return b"".join(out)


class GzipHandler(QuietHandler):
    """Ignores ``Accept-Encoding: identity`` and gzips its answer: ``content_bytes`` of zeros."""

    content_bytes = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = gzipped_completion(self.content_bytes)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize("content_bytes, fits", [(1000, True), (64 * MiB, False)])
def test_compressed_answer_is_capped_on_what_it_decodes_to(
    tmp_path: Path, content_bytes: int, fits: bool
) -> None:
    handler = type("Handler", (GzipHandler,), {"content_bytes": content_bytes})
    with LocalServer(handler) as gz, PeakRSS() as rss:
        llm = backend(f"{gz.url}/v1", tmp_path)
        if fits:
            assert llm.text(MESSAGES, purpose="gz") == "0" * content_bytes
        else:
            with pytest.raises(LLMResponseTooLarge):
                llm.text(MESSAGES, purpose="gz")
    assert rss.growth_mib < 100


# --- the call log ---------------------------------------------------------------------------------


def test_large_answer_is_logged_in_part_and_replay_refuses_it(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    size = 6 * MiB  # under the response cap, over what one log record keeps
    server.push(huge(size))
    assert len(backend(server.base_url, tmp_path).text(MESSAGES, purpose="big")) == size
    line = (tmp_path / "llm_calls.jsonl").read_text()
    assert len(line) < 5 * MiB
    (record,) = calls(tmp_path)
    assert record["ok"] and "response" in record["truncated"]
    assert (
        record["response"].endswith("chars in all]")
        and "truncated by reproduce" in record["response"]
    )
    assert record["usage"]["prompt_tokens"] > 0  # counted before the body was cut for the log
    replay = get_backend("replay", load_settings(), replay=tmp_path / "llm_calls.jsonl")
    with pytest.raises(Exception, match="only in part"):
        replay.text(MESSAGES, purpose="big")


def test_raw_exchange_over_the_body_limit_is_cut_with_a_marker(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.push(huge(2 * MAX_LOGGED_BODY))
    content = backend(server.base_url, tmp_path).text(MESSAGES, purpose="medium")
    (record,) = calls(tmp_path)
    assert record["response"] == content and "truncated" not in record  # the answer itself is whole
    raw = record["attempts"][0]["response"]
    assert (
        isinstance(raw, str)
        and len(raw) < MAX_LOGGED_BODY + 100
        and "truncated by reproduce" in raw
    )
    replay = get_backend("replay", load_settings(), replay=tmp_path / "llm_calls.jsonl")
    assert replay.text(MESSAGES, purpose="medium") == content


def test_record_is_bounded_even_when_the_prompt_is_huge() -> None:
    record = {
        "purpose": "p",
        "request_key": "k",
        "ok": True,
        "response": "short",
        "messages": [{"role": "user", "content": "x" * 100_000} for _ in range(50)],
        "attempts": [{"request": {"messages": "y" * 100_000}, "response": "z" * 100_000}],
    }
    slim, line = bounded_record(record, 64 * 1024)
    assert len(line) <= 64 * 1024 + 4096 and json.loads(line) == slim
    assert slim["response"] == "short" and "response" not in slim["truncated"]
    small = {"purpose": "p", "response": "ok"}
    assert bounded_record(small, 1024)[0] is small
