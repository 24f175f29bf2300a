"""Resource limits of a sandboxed run: rlimits, a pids cgroup when one can be made, a watchdog."""

from __future__ import annotations

import contextlib
import os
import resource
import uuid
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

PIDS_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout_s: float = Field(300.0, gt=0, description="wall-clock limit")
    memory_mb: int = Field(6144, gt=0, description="address-space limit (RLIMIT_AS)")
    cpu_s: int | None = Field(None, description="CPU-time limit; default: timeout + 30 s")
    file_mb: int = Field(512, gt=0, description="largest file the script may write")
    max_processes: int = Field(64, gt=0, description="processes the script may have at once")


def preexec(limits: Limits, cgroup: Path | None) -> Callable[[], None]:
    """Runs in the child before exec: join the cgroup, set rlimits."""
    cpu = limits.cpu_s or int(limits.timeout_s) + 30

    def apply() -> None:
        if cgroup is not None:
            with contextlib.suppress(OSError):
                (cgroup / "cgroup.procs").write_text(str(os.getpid()))
        mem = limits.memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        size = limits.file_mb << 20
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))

    return apply


def make_pids_cgroup(limit: int) -> Path | None:
    """A pids cgroup capped at ``limit`` (kernel-enforced fork limit), or None when not allowed."""
    for root in PIDS_ROOTS:
        if not (root / "cgroup.procs").exists():
            continue
        path = root / f"repro-sandbox-{uuid.uuid4().hex[:12]}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(limit + 8))
            return path
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
    return None


def remove_cgroup(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            path.rmdir()


def descendants(pid: int) -> int:
    """Number of live descendants of ``pid`` (the watchdog's fork-bomb check)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    count, todo = 0, [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        count += len(kids)
        todo.extend(kids)
    return count
