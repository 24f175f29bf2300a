"""Which ``Host`` headers the review server answers (the defence against DNS rebinding).

A page on another site can make the browser send requests to a name that resolves to the
loopback address; its ``Host`` header then names that site. The server answers only the
names it was given (loopback names by default) and the address it is bound to, taken from
the connection itself (ASGI ``scope["server"]``), so ``reproduce serve --host 127.0.0.2``
or ``--host ::1`` answers its own URL. The port is not compared: a tunnel such as
``ssh -L 9000:127.0.0.1:8765`` sends ``Host: localhost:9000`` and must keep working.
Bracketed IPv6 hosts (``[::1]:8765``) are understood; ``*`` allows every host.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def host_name(header: str) -> str | None:
    """The host of a ``Host`` header without its port, normalised; ``None`` when malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        name, bracket, rest = header[1:].partition("]")
        if not bracket:
            return None
    else:
        name, colon, port = header.partition(":")
        rest = colon + port
    if rest and not (rest.startswith(":") and rest[1:].isdigit()):
        return None
    return _normal(name) if name else None


def _normal(name: str) -> str:
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name.lower().rstrip(".")


class HostCheck:
    """ASGI middleware: 400 "Invalid host header" unless the host is allowed or is the bound
    address."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str] = LOOPBACK_HOSTS) -> None:
        self.app = app
        self.any_host = "*" in allowed_hosts
        self.allowed = {_normal(host) for host in allowed_hosts if host != "*"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] in ("http", "websocket")
            and not self.any_host
            and not self._allowed(scope)
        ):
            await PlainTextResponse("Invalid host header", status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        name = host_name(Headers(scope=scope).get("host", ""))
        if name is None:
            return False
        server = scope.get("server")
        bound = _normal(str(server[0])) if server else None
        return name in self.allowed or name == bound
