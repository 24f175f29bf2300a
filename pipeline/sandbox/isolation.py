"""How the sandboxed process is isolated: bubblewrap (full), else unshare (weak), else nothing.

Full isolation (bubblewrap) runs the script as ``nobody`` in a user namespace with every
capability dropped, a fresh mount view (system, Python and the pipeline package read-only,
the input data read-only, the work directory writable, nothing else), size-capped in-memory
``/tmp`` and ``/dev/shm``, a read-only minimal ``/dev``, no network, and its own PID, IPC and
UTS namespaces; killing it ends every process inside. The boot code (:data:`BOOT`) refuses to
start the script if any capability is still effective inside.

The weak fallback (``unshare``, see :mod:`pipeline.sandbox.weak`) drops capabilities the same
way and remounts the whole file system read-only except the work directory, but cannot hide
the file system from reads. Which code may run under which level is decided by the caller
(:func:`choose`): model-written code needs full isolation unless the user says otherwise.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Literal

import pipeline
from pipeline.errors import SandboxError
from pipeline.sandbox.weak import unshare_args, weak_command

Kind = Literal["bwrap", "unshare", "none"]
Requirement = Literal["full", "weak", "any"]
Choice = Literal["auto", "full", "weak"]
NOBODY = 65534
CAPS_EXIT = 97  # the boot code's exit status when a capability is still effective inside
SYSTEM_DIRS = ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc/ld.so.cache", "/etc/alternatives")
UNPROTECTED = {
    "unshare": "weak isolation (unshare, no bubblewrap): network, processes and writes outside the "
    "work directory are blocked and capabilities dropped, but the script can READ any "
    "file the user can (install the 'bubblewrap' package for full isolation)",
    "none": "NO isolation (neither bubblewrap nor unshare usable): only rlimits and a watchdog; "
    "the script can read and write what the user can and use the network (install the "
    "'bubblewrap' package)",
}

# Runs first inside the sandbox: no capability may be left, then the script runs as __main__.
BOOT = (
    "import sys\n"
    "if sys.argv[1] == 'require-no-caps':\n"
    "    for line in open('/proc/self/status'):\n"
    "        key, _, value = line.partition(':')\n"
    "        if key in ('CapEff', 'CapPrm', 'CapAmb', 'CapBnd') and int(value, 16):\n"
    "            sys.stderr.write(f'sandbox refused to start: {key} {value.strip()} is not "
    "empty\\n')\n"
    f"            sys.exit({CAPS_EXIT})\n"
    "del sys.argv[:2]\n"
    "import runpy\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def _works(cmd: list[str]) -> tuple[bool, str]:
    # generous: a probe that times out on a loaded machine must not silently weaken isolation
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as err:
        return False, str(err)
    return proc.returncode == 0, proc.stderr.decode(errors="replace").strip()[-500:]


@functools.cache
def probe() -> dict[Kind, tuple[bool, str]]:
    """Which isolation works on this machine, probed once per process with the real flags."""
    found: dict[Kind, tuple[bool, str]] = {"none": (True, "")}
    nothing = [sys.executable, "-I", "-c", ""]
    if shutil.which("bwrap"):
        found["bwrap"] = _works(
            [
                "bwrap",
                *_bwrap_namespace_args(),
                "--ro-bind",
                "/",
                "/",
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                *nothing,
            ]
        )
    else:
        found["bwrap"] = (False, "bwrap is not installed")
    if shutil.which("unshare"):
        found["unshare"] = _works([*unshare_args(), *nothing])
    else:
        found["unshare"] = (False, "unshare is not installed")
    return found


def available(prefer: str = "auto") -> Kind:
    """'bwrap', 'unshare' or 'none': ``prefer`` if it works here, else the strongest that does."""
    found = probe()
    if prefer in found and found[prefer][0]:  # type: ignore[index]
        return prefer  # type: ignore[return-value]
    return next(kind for kind in ("bwrap", "unshare", "none") if found[kind][0])  # type: ignore[index]


def choose(prefer: str, requirement: Requirement) -> Kind:
    """The isolation to use, or a :class:`SandboxError` when the requirement cannot be met.

    ``full``: bubblewrap or nothing (model-written or unknown code). ``weak``: the user accepted
    weaker isolation. ``any``: code from the deterministic compiler, run with what there is.
    """
    kind = available(prefer)
    if requirement == "weak" and kind == "none":
        raise SandboxError(
            "refusing to run model-written or unknown code with no isolation at all (neither "
            f"bubblewrap nor unshare works here: {probe()['unshare'][1] or 'unshare failed'})",
            kind="isolation",
            hint="install bubblewrap (apt-get install bubblewrap)",
        )
    if requirement == "full" and kind != "bwrap":
        why = probe()["bwrap"][1]
        raise SandboxError(
            "refusing to run model-written or unknown code without full isolation "
            f"({why or 'bwrap failed'})",
            kind="isolation",
            hint="install bubblewrap (apt-get install bubblewrap) and make sure user namespaces "
            "are allowed; or accept weaker isolation explicitly with --isolation weak",
        )
    return kind


def requirement_for(choice: str, *, model_code: bool) -> Requirement:
    """What the user's ``--isolation`` choice means for code of this origin.

    ``auto``: model-written or unknown code needs full isolation, compiled code runs with what
    there is. ``full``: everything needs bubblewrap. ``weak``: model code may use the fallback.
    """
    if choice == "full":
        return "full"
    if not model_code:
        return "any"
    return "weak" if choice == "weak" else "full"


def _ro(path: str | Path) -> list[str]:
    p = Path(path)
    if p.is_symlink() and str(p) in SYSTEM_DIRS:
        return ["--symlink", os.readlink(p), str(p)]
    return ["--ro-bind", str(p), str(p)] if p.exists() else []


def readonly_roots() -> list[Path]:
    """Python, the venv and the pipeline package: what the script needs to import."""
    roots = {
        Path(sys.base_prefix).resolve(),
        Path(sys.prefix).resolve(),
        Path(pipeline.__file__).resolve().parent,
    }
    exe = Path(sys.executable)
    roots.add(exe.resolve().parent.parent)
    return sorted(roots)


def _bwrap_namespace_args() -> list[str]:
    return [
        "--unshare-all",
        "--unshare-user",
        "--uid",
        str(NOBODY),
        "--gid",
        str(NOBODY),
        "--cap-drop",
        "ALL",
        "--die-with-parent",
        "--new-session",
    ]


def boot_command(python: str, script: Path, args: list[str], *, kind: Kind) -> list[str]:
    """The interpreter, the boot code and the script; the capability check unless ``none``."""
    check = "allow-caps" if kind == "none" else "require-no-caps"
    return [python, "-I", "-c", BOOT, check, str(script), *args]


def wrap(
    command: list[str],
    *,
    kind: Kind,
    work_dir: Path,
    data: list[Path],
    env: dict[str, str],
    tmp_mb: int = 256,
) -> list[str]:
    """``command`` wrapped for isolation ``kind``."""
    if kind == "none":
        return command
    if kind == "unshare":
        return weak_command(command, work_dir=work_dir)
    size = str(tmp_mb << 20)
    args = [
        "bwrap",
        *_bwrap_namespace_args(),
        "--clearenv",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        size,
        "--tmpfs",
        "/dev/shm",
        "--size",
        size,
        "--tmpfs",
        "/tmp",
    ]
    for d in SYSTEM_DIRS:
        args += _ro(d)
    for root in readonly_roots():
        args += ["--ro-bind", str(root), str(root)]
    for path in data:
        args += ["--ro-bind", str(path), str(path)]
    args += [
        "--bind",
        str(work_dir),
        str(work_dir),
        "--remount-ro",
        "/dev",
        "--chdir",
        str(work_dir),
    ]
    for key, value in sorted(env.items()):
        args += ["--setenv", key, value]
    return [*args, *command]
