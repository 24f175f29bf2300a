"""Replay: answer model calls from a recorded ``llm_calls.jsonl``, without a server.

Answers are matched by request key (messages + answer type + purpose), in the order
they were recorded, so N samples of the same prompt replay as N answers. A request that
was never recorded is an error naming the file: the prompt changed since the recording
(other hints, other passages, other code), and replaying something else would be a lie.
So is an answer the call log had to cut (over its per-record cap): half an answer is not one.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.errors import ExtractionError
from pipeline.llm.base import CallLog, LLMOutputError, M, Messages, request_key


class ReplayBackend:
    name = "replay"

    def __init__(self, path: Path, *, log: CallLog | None = None) -> None:
        self.path = Path(path)
        self.log = log or CallLog(None)
        self._answers: dict[str, deque[dict[str, Any]]] = {}
        records = self._read()
        for record in records:
            if record.get("ok"):
                self._answers.setdefault(record["request_key"], deque()).append(record)
        self.model: str = next((str(r["model"]) for r in records if r.get("model")), "unknown")

    def _read(self) -> list[dict[str, Any]]:
        if not self.path.is_file():
            raise ExtractionError(f"replay file {self.path} does not exist", hint="give the llm_calls.jsonl of a run")
        records = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ExtractionError(f"{self.path}:{number} is not a JSON line: {err.msg}",
                                      hint="the file is damaged; re-run with a model") from err
        return records

    def _next(self, messages: Messages, model_name: str | None, purpose: str) -> dict[str, Any]:
        key = request_key(messages, model_name, purpose)
        queue = self._answers.get(key)
        if not queue:
            raise ExtractionError(
                f"{self.path} has no recorded answer for the request {purpose!r} (key {key[:12]})",
                hint="the prompt changed since the recording (hints, passages or code); re-run with a model")
        record = queue.popleft()
        cut = set(record.get("truncated") or ()) & {"response", "all"}
        if cut:
            raise ExtractionError(
                f"{self.path} holds the answer to {purpose!r} (key {key[:12]}) only in part: it was "
                f"{record.get('original_chars', '?')} characters, over the call log's cap, and was cut",
                hint="re-run with a model; an answer that large is not a normal model answer")
        self.log.append({**record, "backend": self.name, "replayed_from": str(self.path)})
        return record

    def structured(self, messages: Messages, response_model: type[M], *, purpose: str, seed: int | None = None) -> M:
        record = self._next(messages, response_model.__name__, purpose)
        try:
            return response_model.model_validate(record["response"])
        except ValidationError as err:
            raise LLMOutputError(f"recorded answer in {self.path} does not validate: {err}", model=self.model,
                                 last_error=str(err), attempts=1) from err

    def text(self, messages: Messages, *, purpose: str, seed: int | None = None) -> str:
        return str(self._next(messages, None, purpose)["response"])
