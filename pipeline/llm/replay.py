"""Replay: answer model calls from a recorded ``llm_calls.jsonl``, without a server.

Answers are matched by request key (messages + answer type + purpose), in the order
they were recorded, so N samples of the same prompt replay as N answers. A request with no
recorded answer is an error naming the file, and saying which of three things happened:
the call was recorded but failed then (the recorded error is quoted: there is no answer
to give), it was asked more times than recorded, or it was never recorded - the prompt
changed since the recording (other hints, other passages, other code), and replaying
something else would be a lie. So is an answer the call log had to cut (over its
per-record cap): half an answer is not one.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.errors import ExtractionError
from pipeline.llm.answers import Answer
from pipeline.llm.base import CallLog, LLMOutputError, M, Messages, request_key


class ReplayBackend:
    name = "replay"

    def __init__(self, path: Path, *, log: CallLog | None = None) -> None:
        self.path = Path(path)
        self.log = log or CallLog(None)
        self._answers: dict[str, deque[dict[str, Any]]] = {}
        self._failed: dict[str, list[dict[str, Any]]] = {}
        self._used: dict[str, int] = {}
        records = self._read()
        for record in records:
            key = str(record.get("request_key", ""))
            if record.get("ok"):
                self._answers.setdefault(key, deque()).append(record)
            else:
                self._failed.setdefault(key, []).append(record)
        self.model: str = next((str(r["model"]) for r in records if r.get("model")), "unknown")

    def _read(self) -> list[dict[str, Any]]:
        if not self.path.is_file():
            raise ExtractionError(
                f"replay file {self.path} does not exist", hint="give the llm_calls.jsonl of a run"
            )
        records = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ExtractionError(
                    f"{self.path}:{number} is not a JSON line: {err.msg}",
                    hint="the file is damaged; re-run with a model",
                ) from err
        return records

    def _next(self, messages: Messages, model_name: str | None, purpose: str) -> dict[str, Any]:
        key = request_key(messages, model_name, purpose)
        queue = self._answers.get(key)
        if not queue:
            raise self._no_answer(key, purpose)
        record = queue.popleft()
        self._used[key] = self._used.get(key, 0) + 1
        cut = set(record.get("truncated") or ()) & {"response", "all"}
        if cut:
            raise ExtractionError(
                f"{self.path} holds the answer to {purpose!r} (key {key[:12]}) only in part: it "
                f"was {record.get('original_chars', '?')} characters, over the call log's cap, "
                "and was cut",
                hint="re-run with a model; an answer that large is not a normal model answer",
            )
        self.log.append({**record, "backend": self.name, "replayed_from": str(self.path)})
        return record

    def _no_answer(self, key: str, purpose: str) -> ExtractionError:
        """Why there is no answer: the recorded call failed, ran out, or was never made."""
        failed, used = self._failed.get(key), self._used.get(key, 0)
        if failed:
            error = str(failed[-1].get("error") or "no error recorded")
            return ExtractionError(
                f"{self.path} records the request {purpose!r} (key {key[:12]}), but it failed "
                f"when recorded ({len(failed)} time(s)): {error[:400]}",
                hint=(
                    "the prompt is unchanged; the recorded run had no answer to replay. Re-run "
                    "with a model"
                ),
            )
        if used:
            return ExtractionError(
                f"{self.path} holds {used} answer(s) to the request {purpose!r} (key "
                f"{key[:12]}), all used: this run asks it more often than the recorded one did",
                hint=(
                    "replay with the same --samples (and options) as the recording, or re-run "
                    "with a model"
                ),
            )
        return ExtractionError(
            f"{self.path} has no recorded answer for the request {purpose!r} (key {key[:12]})",
            hint=(
                "the prompt changed since the recording (hints, passages or code); re-run with "
                "a model"
            ),
        )

    def structured(
        self, messages: Messages, response_model: type[M], *, purpose: str, seed: int | None = None
    ) -> M:
        record = self._next(messages, response_model.__name__, purpose)
        try:
            return response_model.model_validate(record["response"])
        except ValidationError as err:
            raise LLMOutputError(
                f"recorded answer in {self.path} does not validate: {err}",
                model=self.model,
                last_error=str(err),
                attempts=1,
            ) from err

    def text(self, messages: Messages, *, purpose: str, seed: int | None = None) -> Answer:
        record = self._next(messages, None, purpose)
        return Answer(str(record["response"]), record.get("finish_reason"))
