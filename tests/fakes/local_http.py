"""The scaffolding every fake server of the tests shares: a quiet handler, a loopback server.

Fakes define only what their protocol answers; starting, addressing and stopping the
server is here, so each fake is its protocol and nothing else.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    """No access log on stderr (keeps test output readable); ``_send`` writes a whole response."""

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LocalServer:
    """``handler`` served on 127.0.0.1 at an ephemeral port from a daemon thread.

    ``with LocalServer(handler) as server:`` starts it; ``server.url`` is its base URL.
    """

    def __init__(self, handler: type[BaseHTTPRequestHandler] | object) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)  # type: ignore[arg-type]
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
