"""Which structured-output mode a server speaks: configured, remembered, or probed once.

``tools`` (function calling, via instructor), ``json_schema`` (``response_format`` with the
answer's JSON Schema: the server constrains its output to it), ``json`` (``json_object``,
via instructor). A llama.cpp server (``owned_by: llamacpp`` in ``GET /v1/models``) gets
``json_schema`` from the first request: small models there accept ``tools`` but never
return ``tool_calls``, so a tools request is a wasted generation. Any other server starts
with ``tools`` and falls back (tools -> json_schema -> json) when it rejects or ignores a
mode; what was learnt is remembered per base URL for the rest of the process.
"""

from __future__ import annotations

import contextlib
import json
import threading

import httpx

from pipeline.errors import ConfigError

MODES = ("tools", "json_schema", "json")
FALLBACK = {"tools": "json_schema", "json_schema": "json"}
_LEARNT: dict[str, str] = {}
_LOCK = threading.Lock()
_SCHEMA_SERVERS = {"llamacpp", "vllm"}


def remember(base_url: str | None, mode: str) -> None:
    with _LOCK:
        _LEARNT[base_url or "default"] = mode


def forget_all() -> None:
    with _LOCK:
        _LEARNT.clear()


def initial_mode(configured: str, base_url: str | None, *, probe_timeout: float = 5.0) -> str:
    """The mode of the first request to ``base_url``: configured, learnt before, probed, else
    tools."""
    if configured != "auto":
        if configured not in MODES:
            raise ConfigError(
                f"unknown LLM mode {configured!r}", hint=f"REPRO_LLM_MODE is auto or one of {MODES}"
            )
        return configured
    with _LOCK:
        if (base_url or "default") in _LEARNT:
            return _LEARNT[base_url or "default"]
    mode = probe(base_url, probe_timeout) if base_url else "tools"
    remember(base_url, mode)
    return mode


def _first_bytes(reply: httpx.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of the body: a listing is small, a hostile server's need not be."""
    body = bytearray()
    for chunk in reply.iter_bytes():
        body += chunk
        if len(body) >= limit:
            break
    return bytes(body[:limit])


def probe(base_url: str, timeout: float) -> str:
    """``json_schema`` when ``GET /models`` names a server known to honour it, else ``tools``."""
    owners: set[str] = set()
    with contextlib.suppress(httpx.HTTPError, OSError, ValueError):
        url = f"{base_url.rstrip('/')}/models"
        with httpx.stream("GET", url, timeout=timeout) as reply:
            reply.raise_for_status()
            listing = json.loads(_first_bytes(reply, 1 << 20))
        owners = {
            str(m.get("owned_by", "")).lower()
            for m in listing.get("data") or []
            if isinstance(m, dict)
        }
    return "json_schema" if owners & _SCHEMA_SERVERS else "tools"
