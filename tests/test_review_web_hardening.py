"""The review server against hostile or odd requests, over HTTP to a real ``reproduce serve``:
numbers JSON cannot hold, deep nesting, endless chunked bodies, a spoofed reviewer, and a
server bound to another loopback address than 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import select
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_review_helpers import build_run, serving

RUNS = ("run-odd", "run-deep", "run-big", "run-who")
DECISION = b'"action": "approve", "cut_id": "el_pt"'
MiB = 2**20


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("hardhome")
    for run_id in RUNS:
        build_run(home, run_id)
    return home


@pytest.fixture(scope="module")
def base(home: Path) -> Iterator[str]:
    with serving(home) as url:  # REPRO_REVIEWER=server-default
        yield url


def decision_url(base: str, run_id: str) -> str:
    return f"{base}/api/r/1312.1956/{run_id}/decision"


def post_raw(base: str, run_id: str, body: bytes) -> httpx.Response:
    return httpx.post(
        decision_url(base, run_id),
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )


def nothing_saved(home: Path, run_id: str) -> bool:
    run_dir = home / "outputs" / "1312.1956" / run_id
    return (
        not (run_dir / "selection.reviewed.json").exists()
        and not (run_dir / "review" / "review_log.jsonl").exists()
    )


def saved_versions(home: Path, run_id: str) -> int:
    log = home / "outputs" / "1312.1956" / run_id / "review" / "review_log.jsonl"
    return len(log.read_text().splitlines()) if log.is_file() else 0


def assert_json_4xx(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]


# --- (a) numbers and nesting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"base_version": 1e400, ' + DECISION + b"}",
        b'{"base_version": -1e400, ' + DECISION + b"}",
        b'{"base_version": Infinity, ' + DECISION + b"}",
        b'{"base_version": NaN, ' + DECISION + b"}",
        b'{"base_version": 0.5, ' + DECISION + b"}",
        b'{"base_version": true, ' + DECISION + b"}",
        b'{"base_version": -1, ' + DECISION + b"}",
        b'{"base_version": ' + b"9" * 5000 + b", " + DECISION + b"}",
        b'{"base_version": 0, "action": "edit", "cut_id": "el_pt", "changes": {"value": 1e400}}',
        b'{"base_version": 0, "action": "edit", "cut_id": "el_pt", "changes": {"value": NaN}}',
        b'{"base_version": 0, "action": "approve", "cut_id": "el_pt", "comment": 1e400}',
        b"[0, 1]",
        b'"approve"',
        b"{not json",
        b"",
    ],
    ids=[
        "1e400",
        "-1e400",
        "Infinity",
        "NaN",
        "0.5",
        "true",
        "negative",
        "5000 digits",
        "value 1e400",
        "value NaN",
        "comment 1e400",
        "list",
        "string",
        "malformed",
        "empty",
    ],
)
def test_odd_numbers_and_shapes_are_a_4xx_json_error(base: str, home: Path, body: bytes) -> None:
    before = saved_versions(home, "run-odd")
    assert_json_4xx(post_raw(base, "run-odd", body))
    assert saved_versions(home, "run-odd") == before


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"base_version": 0, '
        + DECISION
        + b', "comment": '
        + b"[" * 50_000
        + b"]" * 50_000
        + b"}",
        b'{"base_version": 0, '
        + DECISION
        + b', "changes": '
        + b'{"a": ' * 20_000
        + b"1"
        + b"}" * 20_000
        + b"}",
    ],
    ids=["top-level list", "in comment", "in changes"],
)
def test_deeply_nested_body_is_a_4xx_json_error(base: str, home: Path, body: bytes) -> None:
    before = saved_versions(home, "run-deep")
    response = post_raw(base, "run-deep", body)
    assert_json_4xx(response)
    assert "deep" in response.json()["error"] or "nest" in response.json()["error"]
    assert saved_versions(home, "run-deep") == before


# --- (b) the body limit while streaming -----------------------------------------------------------


def _open(base: str) -> socket.socket:
    url = httpx.URL(base)
    return socket.create_connection((url.host, url.port), timeout=30)


def _read_response(sock: socket.socket, seconds: float = 30.0) -> tuple[int, bytes]:
    sock.settimeout(seconds)
    data = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_endless_chunked_body_is_cut_off_at_the_limit(base: str, home: Path) -> None:
    total = 64 * MiB
    piece = b'{"comment": "' + b"x" * (64 * 1024)
    head = (
        b"POST /api/r/1312.1956/run-big/decision HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    sent = 0
    with _open(base) as sock:
        sock.sendall(head)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            while sent < total and not select.select([sock], [], [], 0)[0]:
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                sent += len(piece)
            if sent >= total:
                sock.sendall(
                    b"0\r\n\r\n"
                )  # the end of the body: a server that reads it all may answer now
        status, body = _read_response(sock)
    print(
        f"\nchunked body: the server answered after {sent / MiB:.1f} MiB of {total / MiB:.0f} MiB"
    )
    assert status == 413 and b"too large" in body
    assert sent < total // 2  # the old server read all 64 MiB before answering
    assert nothing_saved(home, "run-big")


def test_declared_oversized_body_is_refused_before_it_is_sent(base: str) -> None:
    head = (
        f"POST /api/r/1312.1956/run-big/decision HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {100 * MiB}\r\n\r\n"
    ).encode()
    with _open(base) as sock:
        sock.sendall(head + b'{"base_version": 0')
        assert select.select([sock], [], [], 20)[0], "no answer before the body"
        status, body = _read_response(sock)
    assert status == 413 and json.loads(body)["error"]


def test_body_just_under_the_limit_is_read(base: str) -> None:
    comment = "x" * (200 * 1024)
    body = json.dumps(
        {"base_version": 99, "action": "approve", "cut_id": "el_pt", "comment": comment}
    ).encode()
    chunks = (body[i : i + 4096] for i in range(0, len(body), 4096))  # a generator: sent chunked
    response = httpx.post(
        decision_url(base, "run-big"),
        content=chunks,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 409  # read whole and parsed: stale base_version, not too large


# --- (c) who is written to the review log ---------------------------------------------------------


def test_reviewer_is_the_servers_never_the_clients(base: str, home: Path) -> None:
    state = httpx.get(f"{base}/api/r/1312.1956/run-who/state", timeout=10).json()
    assert state["reviewer"] == "server-default"
    spoof = httpx.post(
        decision_url(base, "run-who"),
        timeout=30,
        json={"base_version": 0, "action": "approve", "cut_id": "el_pt", "reviewer": "mallory"},
    )
    assert spoof.status_code == 403 and "server-default" in spoof.json()["error"]
    assert nothing_saved(home, "run-who")
    plain = httpx.post(
        decision_url(base, "run-who"),
        timeout=30,
        json={"base_version": 0, "action": "approve", "cut_id": "el_pt"},
    )
    same = httpx.post(
        decision_url(base, "run-who"),
        timeout=30,
        json={
            "base_version": 1,
            "action": "approve",
            "cut_id": "mu_pt",
            "reviewer": "server-default",
        },
    )
    assert (plain.status_code, same.status_code) == (200, 200)
    log = httpx.get(f"{base}/api/r/1312.1956/run-who/log", timeout=10).json()
    assert [e["who"] for e in log] == ["server-default", "server-default"]
    assert plain.json()["entry"]["who"] == "server-default"


# --- (d) the host the server is bound to ----------------------------------------------------------


def serving_on(home: Path, host: str) -> contextlib.AbstractContextManager[str]:
    """``reproduce serve --host HOST`` as a subprocess; yields its base URL."""
    return serving(home, "--host", host, host=host)


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.2",
        pytest.param(
            "::1", marks=pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
        ),
    ],
)
def test_server_answers_on_the_address_it_is_bound_to(home: Path, host: str) -> None:
    with serving_on(home, host) as url:
        state = httpx.get(url + "/api/r/1312.1956/run-odd/state", timeout=10)
        assert state.status_code == 200, state.text
        assert state.json()["run"] == "1312.1956/run-odd"
        foreign = httpx.get(
            url + "/api/r/1312.1956/run-odd/state", headers={"Host": "evil.example"}, timeout=10
        )
        assert foreign.status_code == 400
        rebound = httpx.get(
            url + "/api/r/1312.1956/run-odd/state",
            headers={"Host": f"evil.example:{httpx.URL(url).port}"},
            timeout=10,
        )
        assert rebound.status_code == 400


@pytest.mark.parametrize(
    "header, name",
    [
        ("127.0.0.2:8765", "127.0.0.2"),
        ("[::1]:8765", "::1"),
        ("[0:0::1]", "::1"),
        ("LocalHost", "localhost"),
        ("localhost.:80", "localhost"),
        ("evil.example:x", None),
        ("::1", None),
        ("[::1", None),
        ("", None),
    ],
)
def test_host_header_parsing(header: str, name: str | None) -> None:
    from pipeline.review.web.hosts import host_name

    assert host_name(header) == name
