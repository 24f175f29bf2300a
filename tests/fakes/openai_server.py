"""A real local HTTP server speaking the OpenAI chat-completions protocol, with scripted answers.

The real ``openai`` client (and ``instructor`` on top of it) talks to it over TCP on
127.0.0.1, so every byte of the client code runs. Answers are served from a FIFO queue;
each request to ``POST /v1/chat/completions`` takes the next one. ``GET /v1/models``
lists the model. An empty queue answers 500 "no scripted answer left" (so a test that
makes more calls than it scripted fails loudly).

Usage::

    from tests.fakes.openai_server import FakeOpenAI, tool_call, json_answer, text, error, hang

    with FakeOpenAI() as server:               # starts on a free port, stops on exit
        server.push(tool_call({"cuts": []}))   # a valid tool call (name taken from the request)
        server.push(json_answer({"cuts": []})) # JSON mode: the object as message content
        server.push(text("def f(): ..."))      # plain content, e.g. scripted generated CODE
        server.push(text("{not json"))         # malformed JSON is just text
        server.push(cut('{"cuts": [{"id'))      # an answer cut at max_tokens
                                                # (finish_reason "length")
        server.push(error(429), error(503))    # HTTP errors with an OpenAI-style error body
        server.push(hang(5))                   # sleep 5 s before answering (client timeouts)
        server.push(drip(2.0))                 # a valid answer, one byte every 2 s
                                               # (total deadlines)
        server.push(huge(200 * 2**20))         # a 200 MB answer, generated while it is sent
                                               # (size caps)
        server.push(trickle(0.05, tokens=5000)) # streamed, one token every 0.05 s (deadlines
                                               # mid-stream; server.hung_up is set when the
                                               # client closes the connection)
        settings = replace(settings, llm_base_url=server.base_url, llm_model=server.model)
        ...
        server.requests                        # the JSON bodies received, in order
        server.remaining                       # answers not consumed

A request with ``"stream": true`` gets its content or tool answer as server-sent events, as
the OpenAI API and llama.cpp send them: ``chat.completion.chunk`` deltas of a few characters,
the last with ``finish_reason``, then (``stream_options.include_usage``) a chunk with no choices
and the ``usage``, then ``data: [DONE]``. Errors stay JSON; ``drip`` and ``huge`` answers stay one
JSON body (a server that ignores ``stream``) unless ``huge(..., sse=True)``. ``trickle`` streams
``tokens`` chunks one per ``interval`` seconds and stops when the client hangs up:
``server.hung_up`` (an Event) is set then, and ``server.sent`` gets the number of chunks sent.

``FakeOpenAI(owned_by="llamacpp")`` lists its model as a llama.cpp server does (mode probes).
``tool_call(args)`` answers with ``tool_calls`` (``args`` a dict, or a raw string for
malformed arguments). ``error(400, "tools are not supported")`` imitates a server without
tool calling. Every answer reports ``usage`` (prompt tokens ~ request bytes / 4).

``drip(interval, where="body"|"headers", give_up_after=60)`` sends a whole raw HTTP response
one byte per ``interval`` seconds (from the status line, or after complete headers), and the
rest at once after ``give_up_after`` s, so even a client without a deadline ends eventually.
``huge(size, chunked=True)`` answers a completion whose content is ``size`` bytes of "a",
written in 1 MiB pieces from one buffer (the server's memory stays flat), with chunked
transfer encoding or a ``Content-Length``; ``server.sent`` lists the body bytes each huge or
dripping answer got out before the client hung up.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.local_http import LocalServer


@dataclass
class Answer:
    kind: str  # tool | content | error | hang | drip | huge
    payload: Any = None
    status: int = 200
    delay: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def tool_call(arguments: dict[str, Any] | str, name: str | None = None) -> Answer:
    return Answer("tool", arguments, extra={"name": name})


def json_answer(obj: Any) -> Answer:
    return Answer("content", json.dumps(obj))


def text(content: str) -> Answer:
    return Answer("content", content)


def cut(content: str) -> Answer:
    """Content cut at ``max_tokens`` (``finish_reason: length``)."""
    return Answer("content", content, extra={"finish": "length"})


def broken(content: str) -> Answer:
    """Streamed (when asked), but the connection closes before the finish reason and
    ``[DONE]``."""
    return Answer("content", content, extra={"broken": True})


def error(status: int, message: str | None = None) -> Answer:
    return Answer("error", message or f"scripted error {status}", status=status)


def hang(seconds: float, then: Answer | None = None) -> Answer:
    """Sleep ``seconds`` before answering ``then`` (default: an empty content answer)."""
    return Answer("hang", then or text(""), delay=seconds)


def drip(
    interval: float, *, where: str = "body", give_up_after: float = 60.0, then: Answer | None = None
) -> Answer:
    """``then`` (default: a short content answer) as raw HTTP, one byte every ``interval`` s."""
    return Answer(
        "drip",
        then or text("dripped"),
        delay=interval,
        extra={"where": where, "give_up_after": give_up_after},
    )


def huge(size: int, *, chunked: bool = True, sse: bool = False) -> Answer:
    """A completion with ``size`` bytes of content, streamed (1 MiB writes of one shared buffer);
    ``sse``: as server-sent events (1 MiB of content per event) when the request streams."""
    return Answer("huge", size, extra={"chunked": chunked, "sse": sse})


def trickle(interval: float, *, tokens: int = 5000, token: str = "tok ") -> Answer:
    """A streamed answer of ``tokens`` chunks (``token`` each), one every ``interval`` s."""
    return Answer("trickle", token, delay=interval, extra={"tokens": tokens})


# 1 MiB of text that does not compress (a flood of one repeated byte would be stopped by the
# client's repetition guard before any size cap is reached)
_PIECE = bytes(random.Random(0).choices(b"abcdefghijklmnopqrstuvwxyz ", k=1 << 20))


def flood(size: int) -> str:
    """The content of ``huge(size)`` (up to 1 MiB)."""
    return _PIECE[:size].decode("ascii")


class FakeOpenAI:
    def __init__(self, model: str = "fake-model", owned_by: str | None = None) -> None:
        self.model = model
        self.owned_by = (
            owned_by  # what GET /v1/models says serves the model ("llamacpp": a llama.cpp server)
        )
        self.queue: deque[Answer] = deque()
        self.requests: list[dict[str, Any]] = []
        self.sent: list[int] = []
        self.hung_up = threading.Event()  # a client closed a streamed answer before its end
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._server = LocalServer(self._handler())

    @property
    def base_url(self) -> str:
        return f"{self._server.url}/v1"

    @property
    def remaining(self) -> int:
        return len(self.queue)

    def push(self, *answers: Answer) -> FakeOpenAI:
        self.queue.extend(answers)
        return self

    def start(self) -> FakeOpenAI:
        self._server.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.stop()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next(self, body: dict[str, Any]) -> Answer | None:
        with self._lock:
            self.requests.append(body)
            return self.queue.popleft() if self.queue else None

    def _completion(self, answer: Answer, body: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": None}
        finish = "stop"
        if answer.kind == "tool":
            tools = body.get("tools") or [{"function": {"name": "answer"}}]
            name = answer.extra.get("name") or tools[0]["function"]["name"]
            args = answer.payload if isinstance(answer.payload, str) else json.dumps(answer.payload)
            message["tool_calls"] = [
                {
                    "id": f"call_{len(self.requests)}",
                    "type": "function",
                    "function": {"name": name, "arguments": args},
                }
            ]
            finish = "tool_calls"
        else:
            message["content"] = answer.payload
            finish = answer.extra.get("finish") or finish  # e.g. "length": cut at max_tokens
        prompt_tokens = len(json.dumps(body)) // 4
        completion_tokens = len(json.dumps(message)) // 4
        return {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "choices": [
                {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def _chunks(self, answer: Answer, body: dict[str, Any], size: int = 4) -> list[dict[str, Any]]:
        """``answer`` as the ``chat.completion.chunk`` objects a streaming server sends: content in
        pieces of ``size`` characters, a tool call in one delta, then the finish reason and (when
        asked for) the usage."""
        whole = self._completion(answer, body)
        message, finish = whole["choices"][0]["message"], whole["choices"][0]["finish_reason"]
        base = {k: whole[k] for k in ("id", "created", "model")}

        def chunk(delta: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
            return {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": reason}],
            }

        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        content = message.get("content") or ""
        deltas += [{"content": content[i : i + size]} for i in range(0, len(content), size)]
        for index, call in enumerate(message.get("tool_calls") or []):
            deltas.append({"tool_calls": [{"index": index, **call}]})
        chunks = [chunk(d) for d in deltas] + [chunk({}, finish)]
        if (body.get("stream_options") or {}).get("include_usage"):
            chunks.append(
                {**base, "object": "chat.completion.chunk", "choices": [], "usage": whole["usage"]}
            )
        return chunks

    def _raw_response(self, answer: Answer, body: dict[str, Any]) -> tuple[bytes, bytes]:
        """Status line + headers, and body, of a 200 answer carrying ``answer``."""
        data = json.dumps(self._completion(answer, body)).encode("utf-8")
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode("ascii")
        return head, data

    def _huge_parts(self, size: int, body: dict[str, Any]) -> tuple[bytes, bytes]:
        """The JSON of a completion around ``size`` bytes of content, split where the content
        goes."""
        marker = "\u0000HUGE\u0000"
        text_ = json.dumps(self._completion(text(marker), body))
        before, after = text_.split(json.dumps(marker)[1:-1])
        return before.encode("utf-8"), after.encode("utf-8")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    listed = {"id": fake.model, "object": "model"}
                    self._send(
                        200,
                        {
                            "object": "list",
                            "data": [
                                {**listed, "owned_by": fake.owned_by} if fake.owned_by else listed
                            ],
                        },
                    )
                else:
                    self._send(
                        404, {"error": {"message": f"no route {self.path}", "type": "not_found"}}
                    )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    self._send(
                        400,
                        {
                            "error": {
                                "message": "request body is not JSON",
                                "type": "invalid_request",
                            }
                        },
                    )
                    return
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(
                        404, {"error": {"message": f"no route {self.path}", "type": "not_found"}}
                    )
                    return
                answer = fake._next(body)
                while answer is not None and answer.kind == "hang":
                    if fake._stop.wait(answer.delay):
                        return
                    answer = answer.payload
                if answer is not None and answer.kind == "drip":
                    self._drip(answer, body)
                    return
                if answer is not None and answer.kind == "huge":
                    if answer.extra["sse"] and body.get("stream"):
                        self._huge_events(answer, body)
                    else:
                        self._huge(answer, body)
                    return
                if answer is not None and answer.kind == "trickle":
                    self._trickle(answer, body)
                    return
                if answer is not None and answer.kind in ("content", "tool") and body.get("stream"):
                    chunks = fake._chunks(answer, body)
                    if answer.extra.get("broken"):  # no finish reason, no usage, no [DONE]
                        chunks = [
                            c
                            for c in chunks
                            if c["choices"] and not c["choices"][0]["finish_reason"]
                        ]
                    self._events(chunks, done=not answer.extra.get("broken"))
                    return
                if answer is None:
                    self._send(
                        500,
                        {
                            "error": {
                                "message": "fake server: no scripted answer left",
                                "type": "server_error",
                            }
                        },
                    )
                elif answer.kind == "error":
                    self._send(
                        answer.status,
                        {
                            "error": {
                                "message": answer.payload,
                                "type": "scripted",
                                "code": answer.status,
                            }
                        },
                    )
                else:
                    self._send(200, fake._completion(answer, body))

            def _event_head(self) -> None:
                self.wfile.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                    b"Cache-Control: no-cache\r\nConnection: close\r\n\r\n"
                )

            def _event(self, payload: Any) -> None:
                data = payload if isinstance(payload, str) else json.dumps(payload)
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()

            def _events(self, chunks: list[dict[str, Any]], *, done: bool = True) -> None:
                """Server-sent events, ended by ``[DONE]`` and the connection's close."""
                try:
                    self._event_head()
                    for chunk in chunks:
                        self._event(chunk)
                    if done:
                        self._event("[DONE]")
                except (BrokenPipeError, ConnectionResetError):
                    fake.hung_up.set()
                finally:
                    self.close_connection = True

            def _trickle(self, answer: Answer, body: dict[str, Any]) -> None:
                """One content chunk every ``delay`` s until ``tokens`` are sent or the client
                hangs up (then ``hung_up`` is set: what a deadline mid-stream should cause)."""
                # [role, the whole content in one piece, finish, (usage)]
                whole = fake._chunks(text(answer.payload * answer.extra["tokens"]), body, 1 << 30)
                head, tail = whole[0], whole[2:]
                delta = {"index": 0, "delta": {"content": answer.payload}, "finish_reason": None}
                piece = {**head, "choices": [delta]}
                sent = 0
                try:
                    self._event_head()
                    self._event(head)
                    for _ in range(answer.extra["tokens"]):
                        if fake._stop.wait(answer.delay):
                            return
                        self._event(piece)
                        sent += 1
                    for chunk in tail:
                        self._event(chunk)
                    self._event("[DONE]")
                except (BrokenPipeError, ConnectionResetError):
                    fake.hung_up.set()
                finally:
                    fake.sent.append(sent)
                    self.close_connection = True

            def _huge_events(self, answer: Answer, body: dict[str, Any]) -> None:
                """``huge`` as server-sent events of 1 MiB of content each."""
                head = fake._chunks(text(""), body)[0]
                sent = 0
                try:
                    self._event_head()
                    self._event(head)
                    left = answer.payload
                    while left > 0 and not fake._stop.is_set():
                        size = min(left, len(_PIECE))
                        content = _PIECE[:size].decode("ascii")
                        delta = {"index": 0, "delta": {"content": content}}
                        self._event({**head, "choices": [delta]})
                        sent += size
                        left -= size
                    self._event("[DONE]")
                except (BrokenPipeError, ConnectionResetError):
                    fake.hung_up.set()
                finally:
                    fake.sent.append(sent)
                    self.close_connection = True

            def _drip(self, answer: Answer, body: dict[str, Any]) -> None:
                head, data = fake._raw_response(answer.payload, body)
                raw = head + data
                start = 0 if answer.extra["where"] == "headers" else len(head)
                ends = time.monotonic() + answer.extra["give_up_after"]
                sent = 0
                try:
                    self.wfile.write(raw[:start])
                    for index in range(start, len(raw)):
                        if time.monotonic() > ends:
                            self.wfile.write(raw[index:])
                            break
                        self.wfile.write(raw[index : index + 1])
                        self.wfile.flush()
                        sent += 1
                        if fake._stop.wait(answer.delay):
                            return
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up: what the deadline test wants
                finally:
                    fake.sent.append(sent)
                    self.close_connection = True

            def _huge(self, answer: Answer, body: dict[str, Any]) -> None:
                before, after = fake._huge_parts(answer.payload, body)
                total = len(before) + answer.payload + len(after)
                framing = (
                    "Transfer-Encoding: chunked"
                    if answer.extra["chunked"]
                    else f"Content-Length: {total}"
                )
                head = (
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    f"{framing}\r\nConnection: close\r\n\r\n"
                )
                sent = 0

                def write(piece: bytes | memoryview) -> None:
                    nonlocal sent
                    if answer.extra["chunked"]:
                        self.wfile.write(
                            f"{len(piece):x}\r\n".encode("ascii") + bytes(piece) + b"\r\n"
                        )
                    else:
                        self.wfile.write(piece)
                    sent += len(piece)

                try:
                    self.wfile.write(head.encode("ascii"))
                    write(before)
                    left = answer.payload
                    while left > 0 and not fake._stop.is_set():
                        piece = memoryview(_PIECE)[: min(left, len(_PIECE))]
                        write(piece)
                        left -= len(piece)
                    write(after)
                    if answer.extra["chunked"]:
                        self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what the size-cap test wants
                finally:
                    fake.sent.append(sent)
                    self.close_connection = True

        return Handler
