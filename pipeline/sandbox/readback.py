"""The host side reading back what a sandboxed script left: never trusting it.

The script controls every name in its work directory: it can replace a log by a link to a
host file, a FIFO that blocks the reader, a link to ``/dev/zero``, or write gigabytes. So the
host reads its captured output only through the descriptors it opened itself, bounded in
bytes; it removes every entry that is not a regular file or a directory before anything
else looks at the tree (without following links); and it reads or copies files only through
``O_NOFOLLOW | O_NONBLOCK`` descriptors checked with ``fstat`` to be regular and small enough.
All of this runs after every process of the sandbox has ended, so nothing changes underneath.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path

from pipeline.errors import SandboxError

HEAD_BYTES = 16 << 10
TAIL_BYTES = 48 << 10
LOGS = ("stdout.txt", "stderr.txt")
KEEP_AFTER_FAILURE = ("analysis.py", *LOGS, "verdict.json")
OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def bounded_log(fd: int) -> str:
    """What a captured stream said, at most head + tail bytes, the middle cut with a note."""
    size = os.fstat(fd).st_size
    if size <= HEAD_BYTES + TAIL_BYTES:
        data = os.pread(fd, size, 0)
    else:
        cut = size - HEAD_BYTES - TAIL_BYTES
        data = (
            os.pread(fd, HEAD_BYTES, 0)
            + f"\n[... {cut} bytes cut ...]\n".encode()
            + os.pread(fd, TAIL_BYTES, size - TAIL_BYTES)
        )
    return data.decode("utf-8", errors="replace")


def sanitize(root: Path) -> list[str]:
    """Remove every entry below ``root`` that is not a regular file or a directory.

    Links, FIFOs, sockets and device nodes are removed without being followed or opened;
    returns their paths relative to ``root``.
    """
    removed: list[str] = []
    todo = [root]
    while todo:
        folder = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(Path(entry.path))
                elif not entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
                    removed.append(str(Path(entry.path).relative_to(root)))
    return sorted(removed)


def tree_size(root: Path, max_entries: int) -> tuple[int, int]:
    """Bytes and entries below ``root`` (links not followed); stops counting past
    ``max_entries``."""
    total = count = 0
    todo = [root]
    while todo and count <= max_entries:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in entries:
            count += 1
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                todo.append(Path(entry.path))
            total += info.st_blocks * 512
    return total, count


def open_regular(path: Path, max_bytes: int) -> int:
    """A descriptor on ``path`` if it is a regular file (not a link) of at most ``max_bytes``."""
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as err:
        raise SandboxError(
            f"{path.name}: cannot be read back ({err.strerror})", kind="contract"
        ) from err
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
        os.close(fd)
        what = (
            "not a regular file"
            if not stat.S_ISREG(info.st_mode)
            else f"larger than {max_bytes >> 20} MB"
        )
        raise SandboxError(f"{path.name}: {what}; outputs must be regular files", kind="contract")
    return fd


def read_regular(path: Path, max_bytes: int) -> bytes:
    fd = open_regular(path, max_bytes)
    with os.fdopen(fd, "rb") as f:
        return f.read(max_bytes + 1)[:max_bytes]


def copy_regular_tree(src: Path, dst: Path, max_bytes: int) -> None:
    """Copy the regular files and folders below ``src`` to ``dst`` (which must not exist).

    Anything else raises :class:`SandboxError`, and so does more than ``max_bytes`` in all;
    a partial copy is removed.
    """
    budget = [max_bytes]

    def copy(folder: Path, target_dir: Path) -> None:
        target_dir.mkdir(parents=True)
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            target = target_dir / entry.name
            if entry.is_dir(follow_symlinks=False):
                copy(Path(entry.path), target)
                continue
            fd = open_regular(Path(entry.path), budget[0])
            with os.fdopen(fd, "rb") as f, open(target, "xb") as out:
                shutil.copyfileobj(f, out)
                budget[0] -= out.tell()

    try:
        copy(src, dst)
    except BaseException:
        shutil.rmtree(dst, ignore_errors=True)
        raise


def discard_bulk(work_dir: Path) -> None:
    """After a failed attempt keep only the script, the (bounded) logs and the verdict."""
    for entry in os.scandir(work_dir):
        if entry.name in KEEP_AFTER_FAILURE and entry.is_file(follow_symlinks=False):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
