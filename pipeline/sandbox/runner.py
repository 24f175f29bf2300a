"""Run one script in the sandbox and say what happened.

A fresh work directory per run; the script is copied in, its outputs go to
``<work>/out``; stdout and stderr go to files there through descriptors the host keeps
(the host reads them back through those, bounded, never by name). The verdict
classifies failures for the repair loop: policy, syntax, names (undefined names, modules or
runtime functions, found before the run), import (a module that is not there: found before the run
too), runtime, memory,
timeout, resources (processes, disk), contract - and isolation, when the sandbox
itself refused to start. See docs/security.md for what each layer guarantees.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.contract import read_outputs
from pipeline.errors import DataError, SandboxError
from pipeline.io import HASH_CACHE_ENV, HASH_CACHE_OFF, hash_cache_dir, write_text_atomic
from pipeline.sandbox.isolation import (
    CAPS_EXIT,
    UNPROTECTED,
    Requirement,
    boot_command,
    choose,
    wrap,
)
from pipeline.sandbox.limits import (
    Limits,
    clamp,
    descendants,
    make_pids_cgroup,
    preexec,
    remove_cgroup,
)
from pipeline.sandbox.policy import check_policy
from pipeline.sandbox.preflight import MISSING_MODULE, check_names
from pipeline.sandbox.readback import LOGS, bounded_log, discard_bulk, sanitize, tree_size

Verdict = Literal[
    "ok",
    "policy",
    "syntax",
    "names",  # names nothing defines, found before the run (pipeline.sandbox.preflight)
    "import",
    "runtime",
    "memory",
    "timeout",
    "resources",
    "contract",
    "wrong_result",
    "isolation",
]
TAIL_LINES = 30
TAIL_LINE_CHARS = 400
WATCH_DISK_EVERY_S = 0.5
MAX_JSON_BYTES = 64 << 20


class RunResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    reason: str = ""
    returncode: int | None = None
    duration_s: float = 0.0
    isolation: str = "none"
    stdout_tail: str = ""
    stderr_tail: str = Field("", description="cleaned: work paths, addresses and timings removed")
    warnings: list[str] = Field(default_factory=list)
    out_dir: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


def clean_tail(text: str, work_dir: Path, lines: int = TAIL_LINES) -> str:
    """The last lines of an error, with run-specific noise removed so prompts are stable."""
    text = text.replace(str(work_dir), "<work>")
    text = re.sub(r"0x[0-9a-fA-F]{6,}", "0x...", text)
    text = re.sub(r"\b\d+\.\d+ ?s(ec(onds)?)?\b", "<t>s", text)
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join(
        line if len(line) <= TAIL_LINE_CHARS else line[:TAIL_LINE_CHARS] + " [...]" for line in kept
    )


def classify(stderr: str) -> Verdict:
    if re.search(r"^(SyntaxError|IndentationError|TabError)\b", stderr, re.M):
        return "syntax"
    if re.search(r"^(ModuleNotFoundError|ImportError)\b", stderr, re.M):
        return "import"
    if re.search(r"MemoryError|Unable to allocate|std::bad_alloc", stderr):
        return "memory"
    return "runtime"


def _watch(proc: subprocess.Popen[bytes], limits: Limits, work_dir: Path) -> str | None:
    """Wait for the process; kill its whole group on timeout, too many processes or a full disk."""
    start = last_disk = time.monotonic()
    while proc.poll() is None:
        now = time.monotonic()
        reason = None
        if now - start > limits.timeout_s:
            reason = f"wall-clock limit of {limits.timeout_s:g} s exceeded"
        elif descendants(proc.pid) > limits.max_processes + 4:
            reason = f"more than {limits.max_processes} processes (fork bomb?)"
        elif now - last_disk > WATCH_DISK_EVERY_S:
            last_disk = now
            size, entries = tree_size(work_dir, limits.max_files)
            if size > limits.work_mb << 20:
                reason = f"the work directory grew past {limits.work_mb} MB (disk limit)"
            elif entries > limits.max_files:
                reason = f"more than {limits.max_files} files in the work directory"
        if reason is None:
            time.sleep(0.05)
            continue
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return reason
    return None


def _open_log(path: Path) -> int:
    # the host's own descriptor: whatever the script later puts at this name, we read this inode
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)


def run_script(
    script: Path,
    *,
    data: list[Path],
    work_dir: Path,
    limits: Limits | None = None,
    isolation: str = "auto",
    requirement: Requirement = "full",
    policy: bool = True,
    extra_args: list[str] | None = None,
) -> RunResult:
    """Copy ``script`` into the fresh ``work_dir`` and run it on ``data``; outputs in
    ``work_dir/out``.

    ``requirement``: ``full`` refuses to run without bubblewrap (model-written or unknown code),
    ``weak`` accepts the unshare fallback, ``any`` (compiled code) runs with what there is.
    """
    limits, warnings = clamp(limits or Limits())
    kind = choose(isolation, requirement)
    work_dir = (
        work_dir.resolve()
    )  # the child runs in work_dir: a relative path would not find itself
    work_dir.mkdir(parents=True, exist_ok=False)
    source = script.read_text()
    warnings = ([UNPROTECTED[kind]] if kind in UNPROTECTED else []) + warnings
    base: dict[str, Any] = {
        "isolation": kind,
        "warnings": warnings,
        "out_dir": str(work_dir / "out"),
    }
    try:
        violations = check_policy(source)
    except SyntaxError as err:
        return RunResult(verdict="syntax", reason=f"line {err.lineno}: {err.msg}", **base)
    if policy and violations:
        return RunResult(verdict="policy", reason="; ".join(map(str, violations)), **base)
    undefined = check_names(source) if policy else []
    if undefined:
        missing_module = any(v.what.startswith(MISSING_MODULE) for v in undefined)
        return RunResult(
            verdict="import" if missing_module else "names",
            reason=f"{len(undefined)} name(s) that nothing defines; the script was not run",
            stderr_tail="\n".join(map(str, undefined)),
            **base,
        )
    (work_dir / "analysis.py").write_text(source)
    data = [Path(p).resolve() for p in data]
    args = ["--data", *map(str, data), "--out", str(work_dir / "out"), *(extra_args or [])]
    command = boot_command(sys.executable, work_dir / "analysis.py", args, kind=kind)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(work_dir),
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": str(work_dir / ".mpl"),
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    hashes = _hash_cache()
    env[HASH_CACHE_ENV] = str(hashes) if hashes else HASH_CACHE_OFF
    readonly = [*data, *([hashes] if hashes else [])]
    fds = [_open_log(work_dir / name) for name in LOGS]
    try:
        rc, killed, duration = _run(
            wrap(
                command, kind=kind, work_dir=work_dir, data=readonly, env=env, tmp_mb=limits.tmp_mb
            ),
            fds,
            env,
            work_dir,
            limits,
        )
        stdout, stderr = (bounded_log(fd) for fd in fds)
    finally:
        for fd in fds:
            os.close(fd)
    planted = sanitize(work_dir)
    for name, text in zip(LOGS, (stdout, stderr), strict=True):
        write_text_atomic(work_dir / name, text)
    base.update(
        duration_s=duration,
        stderr_tail=clean_tail(stderr, work_dir),
        stdout_tail=clean_tail(stdout, work_dir, 10),
    )
    result = _verdict(rc, killed, stderr, planted, work_dir, base)
    if not result.ok:
        discard_bulk(work_dir)
    return result


def _hash_cache() -> Path | None:
    """The input-hash cache the script may read (never write: it is bound read-only, and the
    weak sandbox remounts all but the work directory read-only), when it exists. Without it the
    script's cache would default to its HOME, the work directory, and land among its outputs.

    Only a directory holding nothing but cache entries (and the atomic writer's temporaries) is
    bound: REPRO_HASH_CACHE naming a broader one (``~/.cache``, ``~``, ``.``) would otherwise
    show the script everything in it; the script's cache is then off."""
    cache = hash_cache_dir()
    try:
        if not cache or not cache.is_dir():
            return None
        real = cache.resolve()
        with os.scandir(real) as found:
            only_entries = all(
                _CACHE_ENTRY.fullmatch(e.name) and e.is_file(follow_symlinks=False) for e in found
            )
    except OSError:
        return None
    return real if only_entries else None


# an entry (pipeline.io._entry_name) or write_text_atomic's temporary beside one
_CACHE_ENTRY = re.compile(r"[0-9a-f]{64}|\.[0-9a-f]{64}\.[^/]+\.part")


def _run(
    command: list[str], fds: list[int], env: dict[str, str], work_dir: Path, limits: Limits
) -> tuple[int, str | None, float]:
    """Start the wrapped command, watch it, and make sure nothing of it is left running."""
    cgroup = make_pids_cgroup(limits.max_processes)
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            command,
            stdout=fds[0],
            stderr=fds[1],
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=work_dir,
            start_new_session=True,
            preexec_fn=preexec(limits, cgroup),
        )
    except subprocess.SubprocessError as err:
        remove_cgroup(cgroup)
        raise SandboxError(
            f"the sandbox could not start: {err}",
            kind="isolation",
            hint="check the limits (ulimit -a) and that bwrap runs here",
        ) from err
    try:
        killed = _watch(proc, limits, work_dir)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        # a background child of an unisolated run may have left the process group
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        remove_cgroup(cgroup)
    return proc.returncode, killed, round(time.monotonic() - start, 3)


def _verdict(
    rc: int,
    killed: str | None,
    stderr: str,
    planted: list[str],
    work_dir: Path,
    base: dict[str, Any],
) -> RunResult:
    if killed is not None:
        verdict: Verdict = "timeout" if "wall-clock" in killed else "resources"
        return RunResult(verdict=verdict, reason=killed, returncode=rc, **base)
    if rc == CAPS_EXIT and "sandbox refused to start" in stderr:
        return RunResult(
            verdict="isolation", reason=base["stderr_tail"].splitlines()[-1], returncode=rc, **base
        )
    if rc != 0:
        if rc in (-signal.SIGXCPU, -signal.SIGKILL):
            return RunResult(
                verdict="timeout",
                reason=f"CPU-time limit reached (signal {-rc})",
                returncode=rc,
                **base,
            )
        kind = classify(stderr)
        last = base["stderr_tail"].splitlines()[-1:] or [f"exit code {rc}"]
        return RunResult(verdict=kind, reason=last[0], returncode=rc, **base)
    in_out = [p for p in planted if p.startswith("out/")]
    if in_out:
        return RunResult(
            verdict="contract",
            returncode=rc,
            **base,
            reason=f"outputs must be regular files; removed {', '.join(in_out[:5])}",
        )
    too_big = [
        p.name for p in (work_dir / "out").glob("*.json") if p.stat().st_size > MAX_JSON_BYTES
    ]
    if too_big:
        return RunResult(
            verdict="contract",
            returncode=rc,
            **base,
            reason=f"{', '.join(too_big)} larger than {MAX_JSON_BYTES >> 20} MB",
        )
    try:
        read_outputs(work_dir / "out")
    except (DataError, ValueError, OSError) as err:
        return RunResult(
            verdict="contract",
            reason=f"outputs break the contract: {str(err)[:500]}",
            returncode=rc,
            **base,
        )
    return RunResult(verdict="ok", returncode=rc, **base)
