"""How the sandboxed process is isolated: bubblewrap, else unshare, else nothing (warned).

bubblewrap gives a fresh mount view (system, Python and the pipeline package
read-only, the input data read-only, the work directory writable, nothing else),
no network, and its own PID namespace, so killing it ends every process inside.
Without bubblewrap, ``unshare`` still cuts the network and the PID namespace but
cannot hide the rest of the file system; without either, only rlimits and the
watchdog remain - the run says so in its warnings.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pipeline

SYSTEM_DIRS = ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc/ld.so.cache", "/etc/alternatives")
WEAK_WARNING = {
    "unshare": "weaker isolation (unshare, no bubblewrap): network and PID namespaces only; reads "
               "outside the work directory are NOT blocked (install the 'bubblewrap' package)",
    "none": "no isolation (neither bubblewrap nor unshare usable): the script runs with rlimits and a "
            "watchdog only, with network and file-system access (install the 'bubblewrap' package)",
}


def _works(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.cache
def available(prefer: str = "auto") -> str:
    """'bwrap', 'unshare' or 'none' - the strongest that works here (or ``prefer`` if it does)."""
    bwrap_ok = shutil.which("bwrap") is not None and _works(
        ["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--dev", "/dev", "true"])
    unshare_ok = shutil.which("unshare") is not None and _works(
        ["unshare", "--net", "--pid", "--fork", "true"])
    order = {"bwrap": bwrap_ok, "unshare": unshare_ok, "none": True}
    if prefer in order and order[prefer]:
        return prefer
    return next(name for name, ok in order.items() if ok)


def _ro(path: str | Path) -> list[str]:
    p = Path(path)
    if p.is_symlink() and str(p) in SYSTEM_DIRS:
        return ["--symlink", os.readlink(p), str(p)]
    return ["--ro-bind", str(p), str(p)] if p.exists() else []


def readonly_roots() -> list[Path]:
    """Python, the venv and the pipeline package: what the script needs to import."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(pipeline.__file__).resolve().parent}
    exe = Path(sys.executable)
    roots.add(exe.resolve().parent.parent)
    return sorted(roots)


def wrap(command: list[str], *, kind: str, work_dir: Path, data: list[Path], env: dict[str, str]) -> list[str]:
    """``command`` wrapped for isolation ``kind``."""
    if kind == "none":
        return command
    if kind == "unshare":
        return ["unshare", "--net", "--pid", "--fork", "--kill-child", *command]
    args = ["bwrap", "--die-with-parent", "--unshare-net", "--unshare-pid", "--unshare-ipc",
            "--unshare-uts", "--new-session", "--clearenv", "--proc", "/proc", "--dev", "/dev",
            "--tmpfs", "/tmp"]
    for d in SYSTEM_DIRS:
        args += _ro(d)
    for root in readonly_roots():
        args += ["--ro-bind", str(root), str(root)]
    for path in data:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(work_dir), str(work_dir), "--chdir", str(work_dir)]
    for key, value in sorted(env.items()):
        args += ["--setenv", key, value]
    return [*args, *command]
