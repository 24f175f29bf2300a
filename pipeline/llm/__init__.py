"""LLM backends behind one small protocol and a registry keyed by name.

Public API::

    get_backend(name, settings, *, run_dir=None, replay=None, budget=None) -> LLMBackend
    backend.structured(messages, ResponseModel, *, purpose, seed=None) -> ResponseModel
    backend.text(messages, *, purpose, seed=None) -> str
    BACKENDS  # name -> factory; "openai" (any OpenAI-compatible server), "replay"

Errors: ExtractionError (server refused / gave up), LLMOutputError (invalid output after
all retries: .model, .last_error), CallCapReached (per-paper cap, REPRO_LLM_MAX_CALLS),
LLMDeadlineExceeded (one call, retries included, over REPRO_LLM_DEADLINE: .deadline_s),
LLMResponseTooLarge (an answer over the size cap, 8 MiB by default: .limit, .received).
Each call is appended to ``<run_dir>/llm_calls.jsonl`` (with its HTTP request count and the
server's token usage). Structured-output mode per server: ``modes.py``; repair requests (the
run's task carried along, an unchanged script re-asked once): ``echo.py``. The embedded local
model that serves when nothing else is configured lives in :mod:`pipeline.model`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.errors import UsageError, closest_names
from pipeline.llm.base import (
    CallBudget,
    CallCapReached,
    CallLog,
    LLMBackend,
    LLMDeadlineExceeded,
    LLMOutputError,
    LLMResponseTooLarge,
    request_key,
)
from pipeline.rundir import RunDir

CALLS_FILE = RunDir.LLM_CALLS


def _openai(
    settings: Settings, log: CallLog, budget: CallBudget, replay: Path | None, **kw: Any
) -> LLMBackend:
    from pipeline.llm.openai_backend import OpenAIBackend

    return OpenAIBackend(settings, log=log, budget=budget, **kw)


def _replay(
    settings: Settings, log: CallLog, budget: CallBudget, replay: Path | None, **kw: Any
) -> LLMBackend:
    from pipeline.llm.replay import ReplayBackend

    if replay is None:
        raise UsageError(
            "the replay backend needs a recorded llm_calls.jsonl", hint="pass --replay FILE"
        )
    return ReplayBackend(replay, log=log)


BACKENDS: dict[str, Callable[..., LLMBackend]] = {"openai": _openai, "replay": _replay}


def get_backend(
    name: str,
    settings: Settings,
    *,
    run_dir: Path | None = None,
    replay: Path | None = None,
    budget: CallBudget | None = None,
    **options: Any,
) -> LLMBackend:
    """The backend ``name``; its calls are logged to ``run_dir/llm_calls.jsonl`` when given."""
    if name not in BACKENDS:
        near = closest_names(name, list(BACKENDS))
        raise UsageError(
            f"unknown LLM backend {name!r}",
            hint=f"did you mean {near[0]!r}?" if near else f"choose one of {sorted(BACKENDS)}",
        )
    log = CallLog(Path(run_dir) / CALLS_FILE if run_dir is not None else None)
    return BACKENDS[name](
        settings, log, budget or CallBudget(settings.llm_max_calls), replay, **options
    )


__all__ = [
    "BACKENDS",
    "CALLS_FILE",
    "CallBudget",
    "CallCapReached",
    "CallLog",
    "LLMBackend",
    "LLMDeadlineExceeded",
    "LLMOutputError",
    "LLMResponseTooLarge",
    "get_backend",
    "request_key",
]
