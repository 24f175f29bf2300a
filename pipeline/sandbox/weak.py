"""The weak fallback without bubblewrap: ``unshare`` plus a boot step that locks the process down.

``unshare`` gives new user, mount, network, PID (with its own ``/proc``), IPC and UTS
namespaces; the process is root only inside its own user namespace, so it holds no
capability over the host's namespaces (``setns`` into ``/proc/<pid>/ns/*`` fails, and the
host's processes are not visible). Before the script runs, :data:`LOCKDOWN` (our code, still
root in the new namespace) bind-mounts the work directory onto itself, remounts every other
mount read-only, then drops every capability for good (bounding set emptied, ``no_new_privs``,
securebits that keep uid 0 from regaining them at ``exec``). What it cannot do is hide the file
system: the script can still read what the user can. :data:`UNPROTECTED` says so to the user.
"""

from __future__ import annotations

import sys
from pathlib import Path

LOCKDOWN = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 8, 32, 4096, 16384
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": MS_NOATIME,
         "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME}

def fail(what):
    sys.stderr.write(f"sandbox refused to start: {what} (errno {ctypes.get_errno()})\n")
    sys.exit(97)

work = sys.argv[1]
if libc.mount(work.encode(), work.encode(), None, MS_BIND | MS_REC, None) != 0:
    fail("cannot bind the work directory")
points = []
for line in open("/proc/self/mountinfo"):
    fields = line.split()
    point = fields[4].encode().decode("unicode_escape")
    flags = sum(FLAGS.get(o, 0) for o in fields[5].split(","))
    points.append((point, flags))
for point, flags in points:
    if point == work or point.startswith(work.rstrip("/") + "/"):
        continue
    if libc.mount(None, point.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, None) != 0:
        if point == "/" or not point.startswith(("/proc", "/sys", "/dev")):
            fail(f"cannot make {point} read-only")
# securebits: uid 0 gets no capabilities at exec, and none of this can be undone
if libc.prctl(28, 0xef, 0, 0, 0) != 0:  # PR_SET_SECUREBITS: NOROOT, NO_SETUID_FIXUP, locked
    fail("cannot set securebits")
for cap in range(64):
    libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP
libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
header = (ctypes.c_uint32 * 2)(0x20080522, 0)
data = (ctypes.c_uint32 * 6)()
if libc.capset(header, data) != 0:
    fail("cannot drop capabilities")
os.execv(sys.argv[2], sys.argv[2:])
"""


def unshare_args() -> list[str]:
    return [
        "unshare",
        "--user",
        "--map-root-user",
        "--mount",
        "--propagation",
        "private",
        "--net",
        "--pid",
        "--fork",
        "--kill-child",
        "--mount-proc",
        "--ipc",
        "--uts",
    ]


def weak_command(command: list[str], *, work_dir: Path) -> list[str]:
    """``command`` run under unshare after :data:`LOCKDOWN`."""
    return [*unshare_args(), sys.executable, "-I", "-c", LOCKDOWN, str(work_dir), *command]
