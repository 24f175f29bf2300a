"""Run one script in the sandbox and say what happened.

A fresh work directory per run; the script is copied in, its outputs go to
``<work>/out``; stdout and stderr go to files there (bounded by the file-size
limit). The verdict classifies failures for the repair loop: policy, syntax,
import, runtime, memory, timeout, resources (processes), contract.
"""

from __future__ import annotations

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
from pipeline.errors import DataError
from pipeline.sandbox.isolation import WEAK_WARNING, available, wrap
from pipeline.sandbox.limits import Limits, descendants, make_pids_cgroup, preexec, remove_cgroup
from pipeline.sandbox.policy import check_policy

Verdict = Literal["ok", "policy", "syntax", "import", "runtime", "memory", "timeout", "resources",
                  "contract", "wrong_result"]
TAIL_LINES = 30


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
    return "\n".join(text.rstrip().splitlines()[-lines:])


def classify(stderr: str) -> Verdict:
    if re.search(r"^(SyntaxError|IndentationError|TabError)\b", stderr, re.M):
        return "syntax"
    if re.search(r"^(ModuleNotFoundError|ImportError)\b", stderr, re.M):
        return "import"
    if re.search(r"MemoryError|Unable to allocate|std::bad_alloc", stderr):
        return "memory"
    return "runtime"


def _watch(proc: subprocess.Popen[bytes], limits: Limits) -> str | None:
    """Wait for the process; kill its whole group on timeout or too many processes."""
    start = time.monotonic()
    while proc.poll() is None:
        if time.monotonic() - start > limits.timeout_s:
            reason = f"wall-clock limit of {limits.timeout_s:g} s exceeded"
        elif descendants(proc.pid) > limits.max_processes + 4:
            reason = f"more than {limits.max_processes} processes (fork bomb?)"
        else:
            time.sleep(0.05)
            continue
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return reason
    return None


def run_script(script: Path, *, data: list[Path], work_dir: Path, limits: Limits | None = None,
               isolation: str = "auto", policy: bool = True, extra_args: list[str] | None = None) -> RunResult:
    """Copy ``script`` into the fresh ``work_dir`` and run it on ``data``; outputs in ``work_dir/out``."""
    limits = limits or Limits()
    work_dir = work_dir.resolve()  # the child runs in work_dir: a relative path would not find itself
    work_dir.mkdir(parents=True, exist_ok=False)
    source = script.read_text()
    kind = available(isolation)
    warnings = [WEAK_WARNING[kind]] if kind in WEAK_WARNING else []
    base: dict[str, Any] = {"isolation": kind, "warnings": warnings, "out_dir": str(work_dir / "out")}
    try:
        violations = check_policy(source)
    except SyntaxError as err:
        return RunResult(verdict="syntax", reason=f"line {err.lineno}: {err.msg}", **base)
    if policy and violations:
        return RunResult(verdict="policy", reason="; ".join(map(str, violations)), **base)
    (work_dir / "analysis.py").write_text(source)
    data = [Path(p).resolve() for p in data]
    command = [sys.executable, "-I", str(work_dir / "analysis.py"), "--data", *map(str, data),
               "--out", str(work_dir / "out"), *(extra_args or [])]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work_dir), "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "MPLCONFIGDIR": str(work_dir / ".mpl"),
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    cgroup = make_pids_cgroup(limits.max_processes)
    start = time.monotonic()
    with (work_dir / "stdout.txt").open("wb") as out_file, (work_dir / "stderr.txt").open("wb") as err_file:
        proc = subprocess.Popen(
            wrap(command, kind=kind, work_dir=work_dir, data=data, env=env), stdout=out_file, stderr=err_file,
            stdin=subprocess.DEVNULL, env=env, cwd=work_dir, start_new_session=True,
            preexec_fn=preexec(limits, cgroup),
        )
        killed = _watch(proc, limits)
    remove_cgroup(cgroup)
    base["duration_s"] = round(time.monotonic() - start, 3)
    stderr = (work_dir / "stderr.txt").read_text(errors="replace")
    base["stderr_tail"] = clean_tail(stderr, work_dir)
    base["stdout_tail"] = clean_tail((work_dir / "stdout.txt").read_text(errors="replace"), work_dir, 10)
    return _verdict(proc.returncode, killed, stderr, work_dir, base)


def _verdict(rc: int, killed: str | None, stderr: str, work_dir: Path, base: dict[str, Any]) -> RunResult:
    if killed is not None:
        verdict: Verdict = "timeout" if "wall-clock" in killed else "resources"
        return RunResult(verdict=verdict, reason=killed, returncode=rc, **base)
    if rc != 0:
        if rc in (-signal.SIGXCPU, -signal.SIGKILL):
            return RunResult(verdict="timeout", reason=f"CPU-time limit reached (signal {-rc})", returncode=rc, **base)
        kind = classify(stderr)
        last = base["stderr_tail"].splitlines()[-1:] or [f"exit code {rc}"]
        return RunResult(verdict=kind, reason=last[0], returncode=rc, **base)
    try:
        read_outputs(work_dir / "out")
    except (DataError, ValueError) as err:
        return RunResult(verdict="contract", reason=f"outputs break the contract: {err}", returncode=rc, **base)
    return RunResult(verdict="ok", returncode=rc, **base)
