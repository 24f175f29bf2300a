"""Any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp) via ``openai`` (+ ``instructor``).

Structured output has three modes (``pipeline.llm.modes``): ``json_schema`` (the answer's JSON
Schema as ``response_format``; the server constrains its output, one request per attempt),
``tools`` and ``json`` (instructor). The first mode is configured (``REPRO_LLM_MODE``) or probed
(a llama.cpp server gets ``json_schema`` at once); a server that rejects or ignores a mode is
switched to the next one, remembered per server. Validation errors are fed back to the model
(``max_retries``). Every request carries ``max_tokens`` (``REPRO_LLM_MAX_TOKENS``). Rate limits
(429), server errors (5xx), timeouts and dropped connections are retried with exponential
backoff through tenacity (the policy of :meth:`OpenAIBackend._with_backoff`). Every HTTP
request passes :class:`~pipeline.llm.transport.LimitedTransport`, which
enforces the per-paper call cap, the total deadline of a call (``llm_deadline``, retries
included; ``llm_timeout`` is per socket operation), the response size cap, and keeps the
raw exchange for ``llm_calls.jsonl`` (with the server's token ``usage`` summed per call).
Hitting a cap or the deadline ends the call: no retry. A repair answer that returns the
failing script byte for byte is answered once more with a prompt saying so (``echo.py``).

Text and ``json_schema`` requests are streamed (``stream=True``, with the ``usage`` asked for in
the last event): the content is assembled as it arrives and parsed when complete, and a call
that hits its deadline closes the connection, which tells the server to stop generating (a
llama.cpp server has one slot; an abandoned unstreamed request kept it busy). A server that
answers a streamed request with one JSON body is read as such. The instructor modes (``tools``,
``json``) are not streamed.
"""

from __future__ import annotations

import logging
import time
from typing import Any

try:  # openai >= 3 is built on httpx2; older releases on httpx. Use what the client speaks.
    import httpx2 as httpx
except ImportError:  # pragma: no cover - depends on the installed openai
    import httpx  # type: ignore[no-redef]

from pydantic import ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from pipeline.config import Settings
from pipeline.errors import ConfigError, ExtractionError
from pipeline.llm import echo, modes
from pipeline.llm.answers import CUT_FINISHES, Answer, degenerate
from pipeline.llm.base import CallBudget, CallLog, LLMOutputError, M, Messages, request_key
from pipeline.llm.transport import MAX_RESPONSE_BYTES, LimitedTransport

_TOOLS_UNSUPPORTED = ("tool", "function")


class _Again(Exception):
    """An attempt failed in a way the next one may not: a retryable server error (``wait``) or a
    structured-output mode the server refused or ignored (retried at once in the next mode)."""

    def __init__(self, *, wait: bool) -> None:
        super().__init__("retry")
        self.wait = wait


_SCHEMA_UNSUPPORTED = ("response_format", "json_schema", "schema")
# a structured answer that stopped early: finish reason -> (what happened, what to do)
_CUT = {
    "length": (
        "was cut at max_tokens={} before it was complete",
        "raise REPRO_LLM_MAX_TOKENS (llm.max_tokens)",
    ),
    "repetition": (
        "degenerated into a repetition loop and was stopped there",
        "a temperature above 0 (REPRO_LLM_TEMPERATURE) or a stronger model",
    ),
}


class OpenAIBackend:
    """The ``openai`` backend: one instance per paper (it owns the call budget's transport)."""

    name = "openai"

    def __init__(
        self,
        settings: Settings,
        *,
        log: CallLog,
        budget: CallBudget,
        max_retries: int = 2,
        backoff_retries: int = 3,
        backoff_base: float = 0.5,
        mode: str | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        if not settings.llm_model:
            raise ExtractionError(
                "no LLM model is configured",
                hint="set REPRO_LLM_MODEL and REPRO_LLM_BASE_URL (or [llm] in the config file), "
                "or use --backend rules",
            )
        if not settings.llm_deadline > 0:
            raise ConfigError(
                "the LLM deadline must be a positive number of seconds, not "
                f"{settings.llm_deadline}",
                hint="set REPRO_LLM_DEADLINE (llm.deadline), e.g. 600",
            )
        try:
            import instructor
            import openai
        except ImportError as err:  # pragma: no cover - both are core dependencies
            raise ExtractionError(
                "the openai and instructor packages are needed for --backend llm",
                hint="pip install openai instructor",
            ) from err
        self.model = settings.llm_model
        self.settings = settings
        self.log = log
        self.max_retries = max_retries
        self.backoff_retries = backoff_retries
        self.backoff_base = backoff_base
        self.mode = mode or modes.initial_mode(settings.llm_mode, settings.llm_base_url)
        self.requests = 0  # HTTP requests of the last call (for its record)
        self._transport = LimitedTransport(budget, max_response_bytes=max_response_bytes)
        self._client = openai.OpenAI(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",
            timeout=settings.llm_timeout,
            max_retries=0,
            http_client=httpx.Client(transport=self._transport, timeout=settings.llm_timeout),
        )
        self._openai = openai
        self._instructor = instructor
        # instructor logs every failed attempt at ERROR; they are all in llm_calls.jsonl already
        logging.getLogger("instructor").setLevel(logging.CRITICAL)

    def structured(
        self, messages: Messages, response_model: type[M], *, purpose: str, seed: int | None = None
    ) -> M:
        """A validated ``response_model`` instance (retries, backoff, JSON-mode fallback)."""
        started = time.monotonic()
        self._transport.begin(self.settings.llm_deadline)
        try:
            result = self._with_backoff(
                lambda: self._structured_once(messages, response_model, seed)
            )
        except ExtractionError as err:
            self._record(
                messages, response_model.__name__, purpose, seed, started, error=err.message
            )
            raise
        self._record(
            messages,
            response_model.__name__,
            purpose,
            seed,
            started,
            response=result.model_dump(mode="json"),
        )
        return result

    def text(self, messages: Messages, *, purpose: str, seed: int | None = None) -> Answer:
        """Plain content of one chat completion (for generated code and free text), with why it
        ended: an answer cut at ``max_tokens`` or stopped in a repetition loop is returned as it
        is (its ``finish_reason`` says so) for the caller to judge; code cut short fails in the
        sandbox and its repair prompt says it was cut."""
        started = time.monotonic()
        self._transport.begin(self.settings.llm_deadline)

        sent = echo.with_task(messages, purpose, self.log)

        def once(convo: Messages) -> Answer:
            return Answer(*self._complete(convo, seed))

        try:
            content = self._with_backoff(lambda: once(sent))
            again = (
                echo.resubmission_prompt(sent, content) if purpose.startswith("repair") else None
            )
            if (
                again is not None
            ):  # the failing script came back unchanged: say so, once, instead of running it
                sent = again
                content = self._with_backoff(lambda: once(sent))
                if echo.resubmission_prompt(messages, content) is not None:
                    raise echo.unchanged_error(self.model)
        except ExtractionError as err:
            self._record(messages, None, purpose, seed, started, error=err.message, sent=sent)
            raise
        self._record(
            messages,
            None,
            purpose,
            seed,
            started,
            response=str(content),
            sent=sent,
            finish_reason=content.finish_reason,
        )
        return content

    def _complete(
        self, messages: Messages, seed: int | None, **options: Any
    ) -> tuple[str, str | None]:
        """One streamed chat completion: its content and finish reason."""
        stream = self._client.chat.completions.create(  # type: ignore[call-overload]
            model=self.model,
            messages=messages,  # type: ignore[arg-type]
            temperature=self.settings.llm_temperature,
            seed=seed,
            max_tokens=self.settings.llm_max_tokens,
            stream=True,
            stream_options={"include_usage": True},
            **options,
        )
        with stream:  # closes the connection whatever happens: the server stops generating
            kind = stream.response.headers.get("content-type", "")
            if not kind.startswith("text/event-stream"):  # the server ignored stream=True
                whole = self._openai.types.chat.ChatCompletion.model_validate_json(
                    stream.response.read()
                )
                choice = whole.choices[0]
                return choice.message.content or "", choice.finish_reason
            parts: list[str] = []
            finish: str | None = None
            size = checked = 0
            for chunk in stream:
                for delta in chunk.choices:
                    parts.append(delta.delta.content or "")
                    size += len(parts[-1])
                    finish = delta.finish_reason or finish
                if finish is None and size - checked >= 500:  # a loop: stop it generating
                    checked = size
                    if degenerate("".join(parts)):
                        finish = "repetition"
                        break
        if finish is None:  # the connection ended the stream, not the server: retried
            raise httpx.RemoteProtocolError(
                f"the streamed answer ended after {len(''.join(parts))} characters without a "
                "finish_reason (the connection closed early)"
            )
        return "".join(parts), finish

    def _structured_once(self, messages: Messages, response_model: type[M], seed: int | None) -> M:
        if self.mode == "json_schema":
            return self._json_schema_once(messages, response_model, seed)
        mode = self._instructor.Mode.TOOLS if self.mode == "tools" else self._instructor.Mode.JSON
        client = self._instructor.from_openai(self._client, mode=mode)
        return client.chat.completions.create(  # type: ignore[no-any-return]
            model=self.model,
            messages=messages,  # type: ignore[arg-type]
            response_model=response_model,
            max_retries=self.max_retries,
            temperature=self.settings.llm_temperature,
            seed=seed,
            max_tokens=self.settings.llm_max_tokens,
        )

    def _json_schema_once(self, messages: Messages, response_model: type[M], seed: int | None) -> M:
        """``response_format`` json_schema: one request per attempt, validation errors fed back."""
        fmt = {
            "type": "json_schema",
            "json_schema": {
                "name": response_model.__name__,
                "schema": response_model.model_json_schema(),
            },
        }
        convo = list(messages)
        errors: list[str] = []
        for _ in range(self.max_retries + 1):
            content, finish = self._complete(convo, seed, response_format=fmt)
            if finish in CUT_FINISHES:  # a retry would be cut the same way: no wasted request
                why, hint = _CUT[finish]
                raise LLMOutputError(
                    f"model {self.model}'s answer {why.format(self.settings.llm_max_tokens)} "
                    f"({len(content)} characters)",
                    model=self.model,
                    attempts=len(errors) + 1,
                    last_error=f"finish_reason: {finish}",
                    hint=hint,
                )
            try:
                return response_model.model_validate_json(content)
            except ValidationError as err:
                errors.append(str(err))
                convo = [
                    *convo,
                    {"role": "assistant", "content": content},
                    {
                        "role": "user",
                        "content": f"That answer does not validate:\n{errors[-1]}\n"
                        "Answer again with JSON that fits the schema.",
                    },
                ]
        raise LLMOutputError(
            f"model {self.model} returned invalid output after {len(errors)} attempt(s); last "
            f"validation error: {errors[-1][:800]}",
            model=self.model,
            last_error=errors[-1],
            attempts=len(errors),
            hint="try a stronger model, or --backend rules; the partial result was saved",
        )

    def _with_backoff(self, call: Any) -> Any:
        """``call()`` under the retry policy (tenacity): a retryable server error waits
        ``backoff_base * 2**n`` (within the deadline), a mode the server refused or ignored is
        retried at once in the next mode, anything else ends the call."""
        retrying = Retrying(
            stop=stop_after_attempt(self.backoff_retries + 1),
            retry=retry_if_exception_type(_Again),
            wait=self._wait,
            reraise=True,
        )
        errors: list[str] = []
        try:
            return retrying(self._attempt, call, errors)
        except _Again as again:
            raise ExtractionError(
                f"model {self.model} at {self.settings.llm_base_url} failed "
                f"{self.backoff_retries + 1} times; last error: {errors[-1] if errors else ''}",
                hint="the server is overloaded, down or too slow (REPRO_LLM_TIMEOUT); "
                "try again later",
            ) from again.__cause__

    def _attempt(self, call: Any, errors: list[str]) -> Any:
        """One attempt; :class:`_Again` when another attempt may succeed."""
        try:
            return call()
        except Exception as err:  # sorted out below: a limit, API error, validation failure
            if self._transport.fatal is not None:  # call cap, deadline or size cap: final
                raise self._transport.fatal from err
            api = _api_error(err, self._openai)
            if api is None and isinstance(err, httpx.TransportError):  # a stream broke off
                errors.append(f"{type(err).__name__}: {err}")
                raise _Again(wait=True) from err
            if api is None:
                if isinstance(err, LLMOutputError):
                    raise
                if self.mode == "tools" and _no_tool_call(err):
                    self._fall_back()  # the server ignored the tools: ask for a JSON Schema answer
                    raise _Again(wait=False) from err
                raise self._output_error(err) from err
            if self.mode in modes.FALLBACK and _rejects_mode(api, self._openai, self.mode):
                self._fall_back()
                raise _Again(wait=False) from err
            if not _retryable(api, self._openai):
                raise ExtractionError(
                    f"model server {self.settings.llm_base_url} refused the request: {api}",
                    hint="check REPRO_LLM_MODEL, the API key and the server logs",
                ) from err
            errors.append(f"{type(api).__name__}: {api}")
            raise _Again(wait=True) from err

    def _wait(self, state: RetryCallState) -> float:
        """Seconds before the next attempt: none after a mode fallback, else exponential, and
        never past the call's deadline."""
        again = state.outcome.exception() if state.outcome is not None else None
        if not isinstance(again, _Again) or not again.wait:
            return 0.0
        left = self._transport.deadline.at - time.monotonic()
        return max(0.0, min(self.backoff_base * 2 ** (state.attempt_number - 1), left))

    def _fall_back(self) -> None:
        self.mode = modes.FALLBACK[self.mode]
        modes.remember(self.settings.llm_base_url, self.mode)

    def _output_error(self, err: Exception) -> LLMOutputError:
        failed = getattr(err, "failed_attempts", None) or []
        last_error = str(failed[-1].exception) if failed else str(err)
        attempts = getattr(err, "n_attempts", len(failed)) or len(failed)
        return LLMOutputError(
            f"model {self.model} returned invalid output after {attempts} attempt(s); last "
            f"validation error: {last_error[:800]}",
            model=self.model,
            last_error=last_error,
            attempts=attempts,
            hint="try a stronger model, or --backend rules; the partial result was saved",
        )

    def _record(
        self,
        messages: Messages,
        model_name: str | None,
        purpose: str,
        seed: int | None,
        started: float,
        *,
        response: Any = None,
        error: str | None = None,
        sent: Messages | None = None,
        finish_reason: str | None = None,
    ) -> None:
        attempts = self._transport.attempts
        usage: dict[str, int] = {}
        for entry in attempts:
            body = entry.get("response")
            counts = body.get("usage") if isinstance(body, dict) else entry.get("usage")
            for key, value in (counts or {}).items():
                if isinstance(value, int):
                    usage[key] = usage.get(key, 0) + value
        self.log.append(
            {
                "backend": self.name,
                "model": self.model,
                "base_url": self.settings.llm_base_url,
                "mode": self.mode if model_name else "text",
                "temperature": self.settings.llm_temperature,
                "seed": seed,
                "purpose": purpose,
                "response_model": model_name,
                "request_key": request_key(messages, model_name, purpose),
                "messages": messages,
                **({"sent_messages": sent} if sent is not None and sent != messages else {}),
                "max_tokens": self.settings.llm_max_tokens,
                "requests": len(attempts),
                "attempts": attempts,
                "response": response,
                **({"finish_reason": finish_reason} if finish_reason else {}),
                "usage": usage,
                "ok": error is None,
                "error": error,
                "latency_s": round(time.monotonic() - started, 3),
            }
        )


def _causes(err: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    node: BaseException | None = err
    while node is not None and node not in chain:
        chain.append(node)
        node = node.__cause__ or node.__context__
    return chain


def _api_error(err: Exception, openai: Any) -> Any:
    return next((e for e in _causes(err) if isinstance(e, openai.APIError)), None)


def _retryable(api: Any, openai: Any) -> bool:
    if isinstance(api, openai.APITimeoutError | openai.APIConnectionError | openai.RateLimitError):
        return True
    return isinstance(api, openai.APIStatusError) and api.status_code >= 500


def _rejects_mode(api: Any, openai: Any, mode: str) -> bool:
    """A 4xx/501 whose message names the feature ``mode`` relies on (tools, or response_format)."""
    if not isinstance(api, openai.APIStatusError) or api.status_code not in (400, 404, 422, 501):
        return False
    words = _TOOLS_UNSUPPORTED if mode == "tools" else _SCHEMA_UNSUPPORTED
    return any(word in str(api).lower() for word in words)


def _no_tool_call(err: Exception) -> bool:
    completion = getattr(err, "last_completion", None)
    try:
        message = completion.choices[0].message  # type: ignore[union-attr]
    except (AttributeError, IndexError):
        return False
    return not message.tool_calls and bool(message.content)
