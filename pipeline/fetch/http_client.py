"""The project's one way to speak HTTP (arXiv, GROBID): httpx, retried by one tenacity policy.

A request that fails for a reason that may pass (the connection dropped or timed out, the
server said 429 or 5xx "try again") is sent again, at most :data:`ATTEMPTS` times in all,
waiting longer each time and at least what ``Retry-After`` asks. A definite answer (200, 404,
400, ...) is returned at once. Callers turn what is left after the last attempt into their
own errors (``FetchError``, ``ParseError``), naming the number of attempts.

The timeout is the caller's (``settings.network_timeout``): httpx applies it to each connect,
read and write, so a server that stops answering fails the attempt instead of hanging it.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlparse

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
)

ATTEMPTS = 3
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# arXiv asks for 3 s between API calls; a server on this machine (tests, a proxy) does not
FIRST_WAIT_S = 3.0
MAX_WAIT_S = 60.0
USER_AGENT = "reproduce-hep (paper-to-code reproduction pipeline; python-httpx)"


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (no rate limit to respect, no wait to retry)."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _retry_after(response: httpx.Response) -> float:
    """Seconds the server asked us to wait (``Retry-After: <seconds>``), else 0."""
    try:
        return max(0.0, float(response.headers.get("retry-after", "0")))
    except ValueError:
        return 0.0  # an HTTP date: rare, and the exponential wait is a fine substitute


def _waiter(first_wait_s: float) -> Any:
    def wait(state: RetryCallState) -> float:
        """``first_wait_s`` doubled per attempt, raised to ``Retry-After``, capped."""
        seconds = first_wait_s * 2 ** (state.attempt_number - 1)
        outcome = state.outcome
        if outcome is not None and not outcome.failed and first_wait_s > 0:
            seconds = max(seconds, _retry_after(outcome.result()))
        return min(seconds, MAX_WAIT_S)

    return wait


def _last_outcome(state: RetryCallState) -> httpx.Response:
    """After the last attempt: its response (a retryable status) or its exception, raised."""
    assert state.outcome is not None
    response: httpx.Response = state.outcome.result()
    return response


def request(
    method: str,
    url: str,
    *,
    timeout: float,
    attempts: int = ATTEMPTS,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request with the retry policy; the last response, or the last transport error.

    ``kwargs`` go to :meth:`httpx.Client.request` (``params``, ``data``, ``files``,
    ``headers``); a ``files`` value must be bytes, so that every attempt sends it whole.
    Raises :class:`httpx.TransportError` (timeouts, refused or dropped connections) when
    every attempt failed so; a retryable status after the last attempt is returned as is.
    """
    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=_waiter(0.0 if is_loopback(url) else FIRST_WAIT_S),
        retry=(
            retry_if_exception_type(httpx.TransportError)
            | retry_if_result(lambda r: r.status_code in RETRY_STATUSES)
        ),
        retry_error_callback=_last_outcome,
    )
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
        response: httpx.Response = retrying(client.request, method, url, **kwargs)
    return response


def get(url: str, *, timeout: float, **kwargs: Any) -> httpx.Response:
    """``GET`` with the retry policy (see :func:`request`)."""
    return request("GET", url, timeout=timeout, **kwargs)
