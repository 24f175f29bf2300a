"""Resource limits of a sandboxed run: rlimits, a pids cgroup when one can be made, a watchdog."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pipeline.errors import SandboxError

PIDS_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout_s: float = Field(300.0, gt=0, description="wall-clock limit")
    memory_mb: int = Field(6144, gt=0, description="address-space limit (RLIMIT_AS)")
    cpu_s: int | None = Field(None, description="CPU-time limit; default: timeout + 30 s")
    file_mb: int = Field(512, gt=0, description="largest file the script may write")
    max_processes: int = Field(64, gt=0, description="processes the script may have at once")
    work_mb: int = Field(
        2048, gt=0, description="the work directory as a whole (outputs, logs, scratch)"
    )
    max_files: int = Field(20000, gt=0, description="files and folders in the work directory")
    tmp_mb: int = Field(256, gt=0, description="size of the in-memory /tmp and /dev/shm")


MIN_MEMORY_MB = 256
RLIMITS = (
    ("memory_mb", resource.RLIMIT_AS, 20, "ulimit -v"),
    ("cpu_s", resource.RLIMIT_CPU, 0, "ulimit -t"),
    ("file_mb", resource.RLIMIT_FSIZE, 20, "ulimit -f"),
)


def clamp(limits: Limits) -> tuple[Limits, list[str]]:
    """``limits`` lowered to the hard limits this process inherited (a child cannot raise them).

    An HPC login node's ``ulimit -v`` is common; setting more than it in the child would fail
    inside ``preexec_fn``. Lowered limits are said in the returned warnings; a memory limit
    below what Python with numpy needs to start is a :class:`SandboxError`.
    """
    limits = limits.model_copy(update={"cpu_s": limits.cpu_s or int(limits.timeout_s) + 30})
    changes: dict[str, int] = {}
    warnings: list[str] = []
    for name, which, shift, shell in RLIMITS:
        hard = resource.getrlimit(which)[1]
        wanted = getattr(limits, name)
        if hard != resource.RLIM_INFINITY and wanted << shift > hard:
            changes[name] = hard >> shift
            warnings.append(
                f"{name} lowered from {wanted} to {hard >> shift}: the inherited hard limit "
                f"({shell}) is lower"
            )
    limits = limits.model_copy(update=changes)
    if limits.memory_mb < MIN_MEMORY_MB:
        raise SandboxError(
            f"the inherited memory limit ({limits.memory_mb} MB, ulimit -v) is below the "
            f"{MIN_MEMORY_MB} MB the sandboxed analysis needs to start",
            kind="resources",
            hint=(
                "raise it (ulimit -v unlimited, or a larger value) in the shell that runs reproduce"
            ),
        )
    return limits, warnings


def preexec(limits: Limits, cgroup: Path | None) -> Callable[[], None]:
    """Runs in the child before exec: join the cgroup, set rlimits."""
    cpu = limits.cpu_s or int(limits.timeout_s) + 30

    def apply() -> None:
        # Python ignores SIGXFSZ; the child must too, so an over-long write is an error, not a kill
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
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
    """Kill whatever is still in the cgroup (a background child of an unisolated run), then remove
    it."""
    if path is None:
        return
    for _ in range(50):
        try:
            pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
        except OSError:
            break
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)
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
