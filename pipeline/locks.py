"""Advisory locks on run directories and on the shared cache entries runs build (paper cache
entries, the demo's note and synthetic samples), so that two processes never write one directory.

A lock is ``fcntl.flock`` on a file ``.<name>.lock`` beside the directory (or file) it protects;
the holder writes its pid into it. The kernel drops a flock when its process ends, however it
ends, so a lock is never stale. The holder removes the file before it lets go, and a process
that locked a file no longer at that path retries with the current one, so two processes never
each hold "the" lock and no lock files pile up.

A process that finds the lock taken waits for it (polling, with a message naming the holder's
pid) up to ``wait_s`` seconds, then raises :class:`InUseError`; ``wait_s=0`` fails at once.
Holding the same lock again in the same thread is allowed (re-entrant).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.errors import ReproError

POLL_S = 0.2
_held = threading.local()


class InUseError(ReproError):
    """Another process holds the lock of a run directory or cache entry."""

    exit_code = 75  # EX_TEMPFAIL: try again later

    def __init__(self, what: str, target: Path, *, pid: int | None, waited_s: float) -> None:
        holder = f"pid {pid}" if pid else "another process"
        if waited_s > 0:
            message = f"{what} {target} is still in use by {holder} after waiting {waited_s:g} s"
            hint = (
                "let the other process finish, or wait longer with --wait SECONDS (or "
                "REPRO_LOCK_WAIT)"
            )
        else:
            message = f"{what} {target} is in use by {holder}"
            hint = (
                "run the command again when the other one has finished, or let it wait "
                "(--wait SECONDS)"
            )
        super().__init__(message, hint=hint)
        self.what, self.target, self.pid, self.waited_s = what, target, pid, waited_s


def lock_file(target: Path) -> Path:
    """The lock file of ``target``: beside it, so a run directory holds no file of its own for
    it."""
    return target.parent / f".{target.name}.lock"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def hold(
    target: Path, *, what: str, wait_s: float, progress: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock of ``target`` for the block (``what`` names it in messages: "run", ...)."""
    target = Path(os.path.abspath(target))
    held: set[Path] = _held.__dict__.setdefault("paths", set())
    if target in held:
        yield
        return
    path = lock_file(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(path, target, what, wait_s, progress or _stderr)
    held.add(target)
    try:
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        held.discard(target)
        # removed while still held; a waiter that opened this file sees it is gone and retries
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)  # releases the flock


def holder_pid(path: Path) -> int | None:
    """The pid written in a lock file (None when not written yet or not readable)."""
    try:
        return int(path.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def _acquire(
    path: Path, target: Path, what: str, wait_s: float, progress: Callable[[str], None]
) -> int:
    start, pid, announced = time.monotonic(), None, False
    while (fd := _lock_now(path)) is None:
        pid = holder_pid(path) or pid
        if time.monotonic() - start >= wait_s:
            raise InUseError(what, target, pid=pid, waited_s=max(wait_s, 0))
        if not announced:
            holder = f"pid {pid}" if pid else "another process"
            progress(
                f"{what} {target} is in use by {holder}; waiting up to {wait_s:g} s "
                "(--no-wait to fail instead) ..."
            )
            announced = True
        time.sleep(POLL_S)
    if announced:
        progress(f"{what} {target} is free after {time.monotonic() - start:.1f} s")
    return fd


def _lock_now(path: Path) -> int | None:
    """An fd holding the lock of ``path``, or None when another process holds it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        if _is_current(fd, path):
            return fd
        os.close(fd)  # its holder removed this file on release: lock the file now at ``path``


def _is_current(fd: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False
