"""The embedded model server: llama.cpp (``xllamacpp``) in a child process on 127.0.0.1.

xllamacpp's server runs until its process ends and has no stop call, so it gets a process of
its own (``python -m pipeline.model.server``): the parent can end it cleanly with SIGTERM,
a crash of the native code cannot take the pipeline down, and OpenMP's spin-waiting is off
(``OMP_WAIT_POLICY=PASSIVE`` in the child's environment, read when the library loads): on a
shared machine a spinning generator falls to ~0.6 tokens/s. The parent picks a free port,
waits for ``GET /v1/models`` to answer, and the child's log goes to a file named in errors.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

from pipeline.errors import ReproError
from pipeline.model import MODEL_ALIAS

DEFAULT_THREADS = 2
DEFAULT_CTX = 16384
START_TIMEOUT_S = 240.0


class ModelServerError(ReproError):
    """The embedded model server did not start (or died); ``log`` holds its output."""

    def __init__(self, message: str, *, log: Path | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.log = log


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(base_url: str, timeout: float = 2.0) -> bool:
    """``GET /v1/models`` answers 200 (the model is loaded)."""
    try:
        return httpx.get(f"{base_url}/models", timeout=timeout).status_code == 200
    except (httpx.HTTPError, OSError, ValueError):
        return False


class LocalModelServer:
    """A child process serving ``model_path`` on 127.0.0.1; a context manager (start/stop)."""

    def __init__(
        self,
        model_path: Path,
        *,
        port: int | None = None,
        threads: int = DEFAULT_THREADS,
        n_ctx: int = DEFAULT_CTX,
        slots: int = 1,
        alias: str = MODEL_ALIAS,
        log: Path | None = None,
    ) -> None:
        self.model_path = Path(model_path)
        self.port = port or free_port()
        self.threads, self.n_ctx, self.slots, self.alias = threads, n_ctx, slots, alias
        self.log = (
            log or Path(tempfile.gettempdir()) / f"reproduce-model-{os.getpid()}-{self.port}.log"
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": str(self.threads)}
        command = [
            sys.executable,
            "-m",
            "pipeline.model.server",
            "--model",
            str(self.model_path),
            "--port",
            str(self.port),
            "--threads",
            str(self.threads),
            "--ctx",
            str(self.n_ctx),
            "--slots",
            str(self.slots),
            "--alias",
            self.alias,
            "--parent",
            str(os.getpid()),
        ]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                start_new_session=True,
            )  # Ctrl-C reaches the parent, which stops it
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ModelServerError(
                    f"the model server exited with code {self.process.returncode} while starting",
                    log=self.log,
                    hint=f"see its log: {self.log}",
                )
            if healthy(self.base_url):
                return self.base_url
            time.sleep(0.5)
        self.stop()
        raise ModelServerError(
            f"the model server did not answer GET /v1/models within {timeout:g} s",
            log=self.log,
            hint=f"the machine may be overloaded; see {self.log}",
        )

    def stop(self, grace: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> LocalModelServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _serve_forever(args: argparse.Namespace) -> None:
    """The child: load the model, serve, and exit at once on SIGTERM/SIGINT (no stop call
    exists)."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    # each slot is one request at a time with its own prompt cache and ``ctx`` tokens; slots
    # decode in one batch, which on a memory-bound CPU costs less than running them in turn
    params.n_ctx = args.ctx * args.slots
    params.n_parallel = args.slots
    params.model_alias = {args.alias}
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    server = xllamacpp.Server(params)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: os._exit(0))
    with contextlib.suppress(KeyboardInterrupt):
        # a parent killed with SIGKILL cannot stop us: never outlive it (the model holds GBs)
        while server is not None and (args.parent is None or os.getppid() == args.parent):
            time.sleep(1.0)
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.model.server")
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--ctx", type=int, default=DEFAULT_CTX, help="context tokens per slot")
    parser.add_argument("--slots", type=int, default=1, help="requests served at once")
    parser.add_argument("--alias", default=MODEL_ALIAS)
    parser.add_argument("--parent", type=int, default=None, help="exit when this process is gone")
    _serve_forever(parser.parse_args(argv))


if __name__ == "__main__":
    main()
