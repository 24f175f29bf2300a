"""The HTTP layer under the OpenAI client: call cap, total deadline, response size cap, raw log.

httpx's timeouts are per socket operation, so a server that sends one byte every few seconds
never trips them. Here every connect, read and write on the socket is given at most the time
left until the deadline of the current call (a network backend under httpcore's connection
pool), so a dripping server is cut off at the deadline whether it drips headers or body.
The body is read piece by piece and abandoned past ``max_response_bytes`` (a declared
``Content-Length`` over the cap is refused before reading). Compression is declined
(``Accept-Encoding: identity``); a server that compresses anyway is decoded with a bounded
output, so the cap holds for what is decoded. Either limit is fatal for the call: the
transport refuses every further request of it, so no retry layer can re-download the flood.

A streamed answer (``text/event-stream``: the backend asks with ``stream=True``) is handed to
the client as it arrives instead of read whole, under the same deadline and cap. When the
deadline passes mid-stream the read fails, the connection is closed (never returned to the
pool), and the server, whose next write fails, stops generating: llama.cpp has one slot, and
an abandoned request that went on generating kept the next one waiting. The call log gets the
events assembled into one completion (content, finish reason, the server's ``usage``).
"""

from __future__ import annotations

import contextlib
import json
import math
import ssl
import time
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore

try:  # the same choice as pipeline.llm.openai_backend: the httpx the openai client speaks
    import httpx2 as httpx
except ImportError:  # pragma: no cover - depends on the installed openai
    import httpx  # type: ignore[no-redef]

from pipeline.errors import ExtractionError
from pipeline.llm.base import (
    CallBudget,
    CallCapReached,
    LLMDeadlineExceeded,
    LLMResponseTooLarge,
    truncate_text,
)

MAX_RESPONSE_BYTES = 8 * 2**20
MAX_LOGGED_BODY = 256 * 2**10
_READ_SIZE = 64 * 2**10
_HOP_HEADERS = {b"content-encoding", b"content-length", b"transfer-encoding"}
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[Exception]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
)


class Deadline:
    """The monotonic time by which the current call must be done (``inf``: none set)."""

    def __init__(self) -> None:
        self.seconds = math.inf
        self.at = math.inf

    def start(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def limit(self, timeout: float | None, error: type[Exception]) -> float | None:
        """``timeout`` shortened to the time left; ``error`` when none is left."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise error(f"the call's deadline of {self.seconds:g} s passed")
        if math.isinf(left):
            return timeout
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.limit(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.limit(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, self._deadline.limit(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync sockets, each operation bounded by the time left until the deadline."""

    def __init__(self, deadline: Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self._deadline.limit(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        timeout = self._deadline.limit(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.connect_unix_socket(path, timeout, socket_options), self._deadline
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class LimitedTransport(httpx.BaseTransport):
    """Counts every request against the budget, holds the call's deadline and the body cap,
    and keeps each request/response (bounded to ``MAX_LOGGED_BODY``) for the call log.

    ``begin(seconds)`` starts one logical call; ``fatal`` is the limit that ended it, if any.
    """

    def __init__(self, budget: CallBudget, *, max_response_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self.budget = budget
        self.max_response_bytes = max_response_bytes
        self.deadline = Deadline()
        self.attempts: list[dict[str, Any]] = []
        self.fatal: ExtractionError | None = None
        # httpx's TLS context (certifi, SSL_CERT_FILE), as the stock httpx transport had
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=_DeadlineBackend(self.deadline),
        )

    def begin(self, seconds: float) -> None:
        self.attempts = []
        self.fatal = None
        self.deadline.start(seconds)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.fatal is not None:
            raise self.fatal  # the call is over: no retry layer gets another try
        try:
            self.budget.take()
        except CallCapReached as err:
            self.fatal = err
            raise
        started = time.monotonic()
        entry: dict[str, Any] = {"request": loggable_body(request.read())}
        self.attempts.append(entry)
        try:
            response = self._open(request)
            if response.status == 200 and _is_event_stream(response.headers):
                return self._streamed(response, request, entry, started)
            status, headers, body, extensions = self._read_whole(response, request)
        except Exception as err:
            entry.update(
                error=f"{type(err).__name__}: {err}", latency_s=round(time.monotonic() - started, 3)
            )
            raise self._classify(err, request) from err
        entry.update(
            status=status,
            response=loggable_body(body),
            latency_s=round(time.monotonic() - started, 3),
        )
        if isinstance(entry["response"], str) and len(body) > MAX_LOGGED_BODY:
            entry["usage"] = _usage(body)
        return httpx.Response(
            status_code=status,
            headers=headers,
            content=body,
            request=request,
            extensions=extensions,
        )

    def _streamed(
        self,
        response: httpcore.Response,
        request: httpx.Request,
        entry: dict[str, Any],
        started: float,
    ) -> httpx.Response:
        entry["status"] = response.status
        return httpx.Response(
            status_code=response.status,
            headers=[(k, v) for k, v in response.headers if k.lower() not in _HOP_HEADERS],
            stream=_EventStream(self, response, request, entry, started),
            request=request,
            extensions={k: v for k, v in response.extensions.items() if k != "network_stream"},
        )

    def close(self) -> None:
        self._pool.close()

    def _classify(
        self, err: Exception, request: httpx.Request, *, streamed: int | None = None
    ) -> Exception:
        """The limit that ended the call (remembered as fatal), else the httpx error the client
        expects. ``streamed``: the bytes of a streamed answer received before ``err``."""
        if isinstance(err, LLMResponseTooLarge):
            self.fatal = err
        elif self.deadline.passed():
            closed = (
                ""
                if streamed is None
                else f"; the streamed answer was cut after {streamed} bytes and the connection "
                "closed, so the server stops generating it"
            )
            self.fatal = LLMDeadlineExceeded(
                f"no complete answer from {request.url.host} within the deadline of "
                f"{self.deadline.seconds:g} s{closed}",
                deadline_s=self.deadline.seconds,
                hint="the server is too slow or sends its answer at a trickle; raise "
                "REPRO_LLM_DEADLINE (llm.deadline) if the model is just slow",
            )
        if self.fatal is not None:
            return self.fatal
        mapped = next(
            (httpx_error for core, httpx_error in _HTTPX_ERRORS if isinstance(err, core)), None
        )
        return mapped(str(err), request=request) if mapped is not None else err  # type: ignore[call-arg]

    def _open(self, request: httpx.Request) -> httpcore.Response:
        """The server's response with its headers read and its body not yet."""
        headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"accept-encoding"]
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=[*headers, (b"Accept-Encoding", b"identity")],
            content=request.content,
            extensions=request.extensions,
        )
        response = self._pool.handle_request(core_request)
        try:
            self._check_declared_size(response.headers, request)
        except Exception:
            response.close()
            raise
        return response

    def _pieces(self, response: httpcore.Response) -> Iterator[bytes]:
        """The body as it arrives, decoded (bounded per piece)."""
        encoding = next(
            (
                v.decode("latin-1").strip().lower()
                for k, v in response.headers
                if k.lower() == b"content-encoding"
            ),
            "identity",
        )
        stream = response.stream  # a sync transport's stream is an Iterable[bytes]
        return _decoded(stream, encoding, self.max_response_bytes + 1)  # type: ignore[arg-type]

    def _read_whole(
        self, response: httpcore.Response, request: httpx.Request
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes, dict[str, Any]]:
        try:
            body = self._read_capped(self._pieces(response), request)
        finally:
            # an unfinished body closes the connection instead of returning it to the pool
            response.close()
        kept = [(k, v) for k, v in response.headers if k.lower() not in _HOP_HEADERS]
        return (
            response.status,
            kept,
            body,
            {k: v for k, v in response.extensions.items() if k != "network_stream"},
        )

    def _check_declared_size(
        self, headers: list[tuple[bytes, bytes]], request: httpx.Request
    ) -> None:
        declared = next((v for k, v in headers if k.lower() == b"content-length"), b"")
        if declared.strip().isdigit() and int(declared) > self.max_response_bytes:
            raise self._too_large(request, int(declared), declared=True)

    def _read_capped(self, pieces: Iterator[bytes], request: httpx.Request) -> bytes:
        body = bytearray()
        for piece in pieces:
            body += piece
            if len(body) > self.max_response_bytes:
                raise self._too_large(request, len(body), declared=False)
        return bytes(body)

    def _too_large(
        self, request: httpx.Request, size: int, *, declared: bool
    ) -> LLMResponseTooLarge:
        what = f"declares {size} bytes" if declared else f"was abandoned after {size} bytes"
        return LLMResponseTooLarge(
            f"the answer from {request.url.host} is over the cap of {self.max_response_bytes} "
            f"bytes: it {what}",
            limit=self.max_response_bytes,
            received=size,
            hint="a chat answer is a few kB: check REPRO_LLM_BASE_URL points at the model server",
        )


class _EventStream(httpx.SyncByteStream):
    """A streamed answer passed on as it arrives, under the call's deadline and size cap; the
    connection is closed when the reader stops (at the end, on an error, or by closing it), and
    the events are assembled into the call log's entry."""

    def __init__(
        self,
        transport: LimitedTransport,
        response: httpcore.Response,
        request: httpx.Request,
        entry: dict[str, Any],
        started: float,
    ) -> None:
        self._transport, self._response, self._request = transport, response, request
        self._entry, self._started = entry, started
        self._body = bytearray()
        self._first: float | None = None  # seconds to the first piece of the body
        self._done = False

    def __iter__(self) -> Iterator[bytes]:
        cap = self._transport.max_response_bytes
        try:
            for piece in self._transport._pieces(self._response):
                if self._first is None:
                    self._first = round(time.monotonic() - self._started, 3)
                self._body += piece
                if len(self._body) > cap:
                    raise self._transport._too_large(self._request, len(self._body), declared=False)
                yield piece
        except Exception as err:
            self._entry["error"] = f"{type(err).__name__}: {err}"
            self.close()
            raise self._transport._classify(err, self._request, streamed=len(self._body)) from err
        self.close()

    def close(self) -> None:
        """Close the connection (an unfinished body is never returned to the pool) and log what
        came, once."""
        self._response.close()
        if self._done:
            return
        self._done = True
        completion, events, complete = assemble_events(bytes(self._body))
        self._entry.update(
            response=completion,
            usage=completion.get("usage") or {},
            stream={
                "events": events,
                "bytes": len(self._body),
                "complete": complete,
                "first_piece_s": self._first,
            },
            latency_s=round(time.monotonic() - self._started, 3),
        )


def _is_event_stream(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(
        k.lower() == b"content-type" and v.lower().startswith(b"text/event-stream")
        for k, v in headers
    )


def assemble_events(body: bytes) -> tuple[dict[str, Any], int, bool]:
    """Server-sent ``chat.completion.chunk`` events as one completion (content cut to
    ``MAX_LOGGED_BODY`` for the log; ``usage`` and llama.cpp's ``timings`` from the last event
    that has them), how many events there were, and whether ``[DONE]`` came."""
    content: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    completion: dict[str, Any] = {"object": "chat.completion"}
    finish: str | None = None
    events, complete = 0, False
    for line in body.decode("utf-8", "replace").splitlines():
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            complete = True
            continue
        try:
            chunk = json.loads(data)
        except ValueError:
            continue
        if not isinstance(chunk, dict):
            continue
        events += 1
        for key in ("id", "model", "created", "usage", "timings", "error"):
            if chunk.get(key) is not None:
                completion[key] = chunk[key]
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            content.append(delta.get("content") or "")
            for call in delta.get("tool_calls") or []:
                into = calls.setdefault(call.get("index", 0), {"function": {"arguments": ""}})
                into.update({k: v for k, v in call.items() if k not in ("index", "function")})
                function = call.get("function") or {}
                into["function"]["name"] = function.get("name") or into["function"].get("name")
                into["function"]["arguments"] += function.get("arguments") or ""
            finish = choice.get("finish_reason") or finish
    text = "".join(content)
    message: dict[str, Any] = {
        "role": "assistant",
        "content": truncate_text(text, MAX_LOGGED_BODY),
    }
    if calls:
        message["tool_calls"] = [calls[i] for i in sorted(calls)]
    completion["choices"] = [{"index": 0, "message": message, "finish_reason": finish}]
    return completion, events, complete


def _decoded(stream: Iterable[bytes], encoding: str, max_out: int) -> Iterator[bytes]:
    """The body decoded piece by piece, never more than ``max_out`` bytes out of one piece (zip
    bombs)."""
    if encoding in ("identity", ""):
        yield from stream
        return
    wbits = {
        "gzip": 16 + zlib.MAX_WBITS,
        "x-gzip": 16 + zlib.MAX_WBITS,
        "deflate": zlib.MAX_WBITS,
    }.get(encoding)
    if wbits is None:
        raise httpcore.RemoteProtocolError(
            f"unsupported Content-Encoding {encoding!r} (identity was asked for)"
        )
    decoder = zlib.decompressobj(wbits)
    try:
        for piece in stream:
            data = decoder.decompress(piece, max_out)
            while data:
                yield data
                data = (
                    decoder.decompress(decoder.unconsumed_tail, max_out)
                    if decoder.unconsumed_tail
                    else b""
                )
    except zlib.error as err:
        raise httpcore.RemoteProtocolError(f"corrupt {encoding} body: {err}") from err


def loggable_body(data: bytes) -> Any:
    """A body for the call log: parsed JSON, else text; past ``MAX_LOGGED_BODY`` its head with a
    marker."""
    if len(data) > MAX_LOGGED_BODY:
        return truncate_text(
            data[:MAX_LOGGED_BODY].decode("utf-8", "replace"), MAX_LOGGED_BODY, total=len(data)
        )
    with contextlib.suppress(ValueError, UnicodeDecodeError):
        return json.loads(data)
    return data.decode("utf-8", "replace")


def _usage(body: bytes) -> dict[str, Any]:
    with contextlib.suppress(ValueError, UnicodeDecodeError, AttributeError):
        usage = json.loads(body).get("usage")
        return usage if isinstance(usage, dict) else {}
    return {}
