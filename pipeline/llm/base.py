"""The LLM backend protocol, the call log and the per-paper call cap.

A backend answers two kinds of request: ``structured`` (a pydantic model, validated,
with retries that feed the validation error back) and ``text`` (plain content, e.g.
generated code). Every logical call is appended to ``llm_calls.jsonl`` with the
request, every HTTP attempt, the response, usage and latency, and the model,
temperature and seed, so that a run can be audited and replayed without a server.
A record is bounded (``MAX_RECORD_CHARS``): past it the raw exchange, then the answer
and prompt, then everything but the call's identity are cut to their heads with a marker,
and the record names what was cut in ``truncated`` (replay refuses a cut answer).
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


class LLMDeadlineExceeded(ExtractionError):
    """One call (all its requests and retries) did not finish within its total deadline."""

    def __init__(self, message: str, *, deadline_s: float, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.deadline_s = deadline_s


class LLMResponseTooLarge(ExtractionError):
    """The server's answer passed the response size cap; it was abandoned while streaming."""

    def __init__(self, message: str, *, limit: int, received: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.limit = limit
        self.received = received


class LLMOutputError(ExtractionError):
    """The model kept returning output that does not validate, after all retries."""

    def __init__(
        self, message: str, *, model: str, last_error: str, attempts: int, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.model = model
        self.last_error = last_error
        self.attempts = attempts


@runtime_checkable
class LLMBackend(Protocol):
    name: str
    model: str

    def structured(
        self, messages: Messages, response_model: type[M], *, purpose: str, seed: int | None = None
    ) -> M: ...

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


MAX_RECORD_CHARS = 4 * 2**20
_IDENTITY = (
    "ts",
    "backend",
    "model",
    "base_url",
    "mode",
    "temperature",
    "seed",
    "purpose",
    "response_model",
    "request_key",
    "ok",
    "error",
    "usage",
    "latency_s",
    "replayed_from",
)


class CallLog:
    """Append-only JSON-lines log of model calls (``None`` path: keep in memory only)."""

    def __init__(self, path: Path | None, *, max_record_chars: int = MAX_RECORD_CHARS) -> None:
        self.path = path
        self.max_record_chars = max_record_chars
        self.records: list[dict[str, Any]] = []

    def append(self, record: dict[str, Any]) -> None:
        record, line = bounded_record(
            {"ts": round(time.time(), 3), **record}, self.max_record_chars
        )
        self.records.append(record)
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line += "\n"
        # one write of a whole line in append mode: concurrent writers never interleave lines
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def request_key(messages: Messages, response_model: str | None, purpose: str) -> str:
    """What identifies a request for replay: the messages, the answer type and the purpose."""
    blob = json.dumps(
        {"messages": messages, "model": response_model, "purpose": purpose}, sort_keys=True
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def truncate_text(text: str, limit: int, *, total: int | None = None) -> str:
    """``text`` cut to ``limit`` characters with a marker saying how long the whole was."""
    total = len(text) if total is None else total
    if total <= limit and len(text) <= limit:
        return text
    return f"{text[:limit]}...[truncated by reproduce: {total} chars in all]"


def _head(value: Any, limit: int) -> Any:
    text = value if isinstance(value, str) else _dumps(value)
    return value if len(text) <= limit else truncate_text(text, limit)


def _dumps(record: Any) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)


def bounded_record(record: dict[str, Any], limit: int) -> tuple[dict[str, Any], str]:
    """``record`` and its JSON line, at most about ``limit`` characters (see the module doc)."""
    line = _dumps(record)
    if len(line) <= limit:
        return record, line
    original = len(line)
    attempts = record.get("attempts") or []
    share = max(256, limit // (4 * max(1, 2 * len(attempts))))
    slim = {
        **record,
        "truncated": ["attempts"],
        "original_chars": original,
        "attempts": [
            {
                k: _head(v, share) if k in ("request", "response", "error") else v
                for k, v in a.items()
            }
            for a in attempts
            if isinstance(a, dict)
        ],
    }
    line = _dumps(slim)
    if len(line) <= limit:
        return slim, line
    messages = record.get("messages") or []
    share = max(256, limit // (4 * max(1, len(messages))))
    if "messages" in record:
        slim["messages"] = [
            {k: _head(v, share) for k, v in m.items()} if isinstance(m, dict) else _head(m, share)
            for m in messages
        ]
    if "response" in record:
        slim["response"] = _head(record["response"], limit // 4)
    slim["truncated"] = ["attempts"] + [
        k for k in ("messages", "response") if k in record and slim[k] != record[k]
    ]
    line = _dumps(slim)
    if len(line) <= limit:
        return slim, line
    identity = {k: _head(record[k], 1024) for k in _IDENTITY if k in record}
    slim = {**identity, "truncated": ["all"], "original_chars": original}
    return slim, _dumps(slim)
