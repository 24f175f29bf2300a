"""The LLM backend protocol, the call log and the per-paper call cap.

A backend answers two kinds of request: ``structured`` (a pydantic model, validated,
with retries that feed the validation error back) and ``text`` (plain content, e.g.
generated code). Every logical call is appended to ``llm_calls.jsonl`` with the
request, every HTTP attempt, the response, usage and latency, and the model,
temperature and seed, so that a run can be audited and replayed without a server.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from pipeline.errors import ExtractionError

M = TypeVar("M", bound=BaseModel)
Messages = list[dict[str, str]]


class CallCapReached(ExtractionError):
    """The hard cap on model calls for one paper was reached."""


class LLMOutputError(ExtractionError):
    """The model kept returning output that does not validate, after all retries."""

    def __init__(self, message: str, *, model: str, last_error: str, attempts: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.model = model
        self.last_error = last_error
        self.attempts = attempts


@runtime_checkable
class LLMBackend(Protocol):
    name: str
    model: str

    def structured(self, messages: Messages, response_model: type[M], *, purpose: str,
                   seed: int | None = None) -> M: ...

    def text(self, messages: Messages, *, purpose: str, seed: int | None = None) -> str: ...


class CallBudget:
    """A hard cap on HTTP requests to the model for one paper (retries included)."""

    def __init__(self, max_calls: int) -> None:
        self.max_calls = max_calls
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> None:
        with self._lock:
            if self.used >= self.max_calls:
                raise CallCapReached(
                    f"the cap of {self.max_calls} model calls for this paper was reached",
                    hint="raise REPRO_LLM_MAX_CALLS (llm.max_calls) or use fewer --samples",
                )
            self.used += 1


class CallLog:
    """Append-only JSON-lines log of model calls (``None`` path: keep in memory only)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.records: list[dict[str, Any]] = []

    def append(self, record: dict[str, Any]) -> None:
        record = {"ts": round(time.time(), 3), **record}
        self.records.append(record)
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str) + "\n"
        # one write of a whole line in append mode: concurrent writers never interleave lines
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def request_key(messages: Messages, response_model: str | None, purpose: str) -> str:
    """What identifies a request for replay: the messages, the answer type and the purpose."""
    blob = json.dumps({"messages": messages, "model": response_model, "purpose": purpose}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
