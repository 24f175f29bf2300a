"""Replay says why it has no answer: the recorded call failed, ran out, or the prompt changed."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import ExtractionError
from pipeline.llm import get_backend
from tests.fakes.openai_server import FakeOpenAI, error, text

MESSAGES = [{"role": "user", "content": "write the script"}]


def _record(tmp_path: Path, *answers) -> Path:
    with FakeOpenAI() as server:
        server.push(*answers)
        settings = replace(
            load_settings(), llm_base_url=server.base_url, llm_model=server.model, llm_timeout=5.0
        )
        llm = get_backend("openai", settings, run_dir=tmp_path, backoff_base=0.01)
        with contextlib.suppress(ExtractionError):
            llm.text(MESSAGES, purpose="codegen")
    return tmp_path / "llm_calls.jsonl"


def _replay(path: Path):
    return get_backend("replay", load_settings(), replay=path)


def test_replaying_a_call_that_failed_when_recorded_says_so(tmp_path: Path) -> None:
    calls = _record(tmp_path, error(400, "the prompt is too long for this model"))
    with pytest.raises(ExtractionError) as info:
        _replay(calls).text(MESSAGES, purpose="codegen")
    assert "failed when recorded" in info.value.message and "too long" in info.value.message
    assert "prompt changed" not in info.value.message + (info.value.hint or "")
    assert "unchanged" in (info.value.hint or "")


def test_replaying_a_changed_prompt_says_the_prompt_changed(tmp_path: Path) -> None:
    calls = _record(tmp_path, text("print(1)"))
    with pytest.raises(ExtractionError) as info:
        _replay(calls).text([{"role": "user", "content": "something else"}], purpose="codegen")
    assert "prompt changed" in (info.value.hint or "")


def test_asking_more_often_than_recorded_says_so(tmp_path: Path) -> None:
    calls = _record(tmp_path, text("print(1)"))
    replay = _replay(calls)
    assert replay.text(MESSAGES, purpose="codegen") == "print(1)"
    with pytest.raises(ExtractionError, match="all used"):
        replay.text(MESSAGES, purpose="codegen")
