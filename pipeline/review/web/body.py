"""Reading a decision from a request: bounded while it streams, bounded in depth, checked in shape.

The body is read from ``request.stream()`` and abandoned as soon as it passes the limit
(a declared ``Content-Length`` over it is refused before reading), so an endless chunked
body costs the server at most the limit. JSON goes through :func:`pipeline.io.loads_bounded`
(no recursion on deep nesting); numbers JSON cannot hold (``1e400``, ``NaN``, ``Infinity``)
are refused wherever they are. ``base_version`` must be a whole number >= 0.

Who decided is the server's reviewer (``reproduce serve --reviewer``, ``$REPRO_REVIEWER``,
the user name), never a name the client sends: an audit log anyone on the page can sign
with any name proves nothing. A request naming another reviewer is refused with 403 rather
than silently relabelled, so a client never believes its name was recorded when it was not.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request

from pipeline.errors import ReproError, SelectionError, UsageError
from pipeline.io import loads_bounded
from pipeline.review.decisions import Decision

MAX_BODY = 256 * 1024
MAX_VERSION = 10**9
_SHAPE_HINT = "send a JSON object {base_version, action, cut_id, changes, comment}"


class RequestRefused(ReproError):
    """A request the server will not process, with the HTTP status that says why."""

    def __init__(self, message: str, *, status: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request body, read piece by piece; 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.strip().isdigit():
        raise RequestRefused(f"invalid Content-Length {declared!r}", status=400)
    if declared is not None and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


def _too_large(limit: int) -> RequestRefused:
    return RequestRefused(
        f"request too large: a decision is at most {limit} bytes",
        status=413,
        hint="shorten the comment or the quote",
    )


def parse_decision(body: bytes, reviewer: str) -> tuple[Decision, int]:
    """The decision and the version it was based on; UsageError (400) / RequestRefused (403)."""
    try:
        data = loads_bounded(body.decode("utf-8"), source="the decision")
    except UnicodeDecodeError as err:
        raise UsageError(
            f"malformed decision: the body is not UTF-8 ({err.reason})", hint=_SHAPE_HINT
        ) from err
    except SelectionError as err:
        raise UsageError(
            f"malformed decision: {err.message}", hint=err.hint or _SHAPE_HINT
        ) from err
    if not isinstance(data, dict):
        raise UsageError(
            f"malformed decision: a JSON {type(data).__name__} instead of an object",
            hint=_SHAPE_HINT,
        )
    _refuse_non_finite(data)
    payload = dict(data)
    base_version = payload.pop("base_version", None)
    if (
        isinstance(base_version, bool)
        or not isinstance(base_version, int)
        or not 0 <= base_version <= MAX_VERSION
    ):
        raise UsageError(
            "malformed decision: base_version must be a whole number >= 0, not "
            f"{str(base_version)[:40]}",
            hint="send the version you loaded from /state",
        )
    _check_reviewer(payload.pop("reviewer", None), reviewer)
    try:
        return Decision.model_validate(payload), base_version
    except ValidationError as err:
        raise UsageError(f"malformed decision: {err}", hint=_SHAPE_HINT) from err


def _check_reviewer(claimed: Any, reviewer: str) -> None:
    if claimed in (None, "", reviewer):
        return
    if not isinstance(claimed, str):
        raise UsageError("malformed decision: reviewer must be a string", hint=_SHAPE_HINT)
    raise RequestRefused(
        f"this server records decisions as {reviewer!r}; it does not take {claimed[:80]!r} from "
        "a request",
        status=403,
        hint=(
            "to review under another name, start `reproduce serve --reviewer NAME` (or set "
            "REPRO_REVIEWER)"
        ),
    )


def _refuse_non_finite(data: Any) -> None:
    """Refuse inf and NaN anywhere in ``data`` (walked without recursion; the depth is bounded
    anyway)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            raise UsageError(
                f"malformed decision: {node} is not a number a selection list can hold",
                hint="numbers must be finite (1e400 overflows to infinity)",
            )
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
