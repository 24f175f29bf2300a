"""Hostile scripts, run through ``reproduce execute`` as a user runs it: the host stays untouched.

Each attack is a script a model could write. It passes the static policy where it can
(imports through ``builtins``, names built from pieces), so what is tested is the
isolation, the limits and the host-side read-back, not the policy. After every attack:

* the canary's contents appear in no output (console, JSON, files under the run),
* no marker was written outside the work directory, the input data are unchanged,
* no process of the attack is left, and the host process stayed small and finished.

CI runs as root with bubblewrap installed: exactly the case in which these once failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import pipeline
from pipeline.sandbox.isolation import available

pytestmark = pytest.mark.skipif(
    available() != "bwrap", reason="full isolation needs bubblewrap (apt-get install bubblewrap)"
)

# the CLI in a real subprocess, reporting its own peak RSS (the host side's cost) at exit. VmHWM,
# not ru_maxrss: the latter keeps the high-water mark of the forking pytest process across exec
WRAPPER = (
    "import atexit, sys\n"
    "def peak():\n"
    "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
    "    sys.stderr.write(f'\\nHOST_PEAK_RSS_KB={hwm}\\n')\n"
    "atexit.register(peak)\n"
    "from pipeline.cli.main import main\n"
    "sys.argv[0] = 'reproduce'\n"
    "main()\n"
)
HOST_RSS_LIMIT_KB = 700 * 1024
# what each attack may spend at most, on top of the sandbox's own wall-clock limit (a loaded
# machine)
SLACK_S = 120

# the static policy refuses `import builtins` and `__builtins__`; the modules table still has it
PRELUDE = (
    "import sys\n"
    "load = getattr(sys.modules['buil' + 'tins'], '__imp' + 'ort__')\n"
    "os = load('o' + 's')\n"
)
CTYPES = "ct = load('ct' + 'ypes')\nlibc = ct.CDLL(None, use_errno=True)\n"


@dataclass
class Host:
    root: Path
    secret: Path
    token: str
    data: Path
    data_sha: str
    marker: Path
    listener: socket.socket
    received: list[bytes]

    def format(self, source: str) -> str:
        values = {
            "SECRET": str(self.secret),
            "MARKER": str(self.marker),
            "DATA": str(self.data),
            "PORT": str(self.listener.getsockname()[1]),
            "HOSTPID": str(os.getpid()),
            "PKG": str(Path(pipeline.__file__).resolve().parent),
        }
        for key, value in values.items():
            source = source.replace(f"@{key}@", value)
        return source


@dataclass
class Outcome:
    rc: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_kb: int

    verdicts: list[dict[str, object]]

    @property
    def verdict(self) -> object:
        return self.verdicts[-1].get("verdict") if self.verdicts else None


@pytest.fixture
def host(tmp_path: Path) -> Host:
    token = "CANARY-" + secrets.token_hex(12)
    root = tmp_path / f"host-{secrets.token_hex(4)}"
    (root / "secret").mkdir(parents=True)
    secret = root / "secret" / "secret.txt"
    secret.write_text(token + "\n")
    data = root / "data" / "input.root"
    data.parent.mkdir()
    data.write_bytes(b"root" + os.urandom(4092))  # passes the ROOT magic check before the sandbox
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    received: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                received.append(conn.recv(100) or b"<connected>")

    threading.Thread(target=serve, daemon=True).start()
    yield Host(
        root,
        secret,
        token,
        data,
        hashlib.sha256(data.read_bytes()).hexdigest(),
        root / "marker",
        listener,
        received,
    )
    listener.close()


def attack(
    host: Host,
    source: str,
    *,
    timeout: float = 30,
    memory_mb: int = 2048,
    args: tuple[str, ...] = (),
) -> Outcome:
    script = host.root / "attack.py"
    script.write_text(host.format(source))
    cwd = host.root / "cwd"
    cwd.mkdir(exist_ok=True)
    env = {**os.environ, "REPRO_HOME": str(host.root / "home")}
    command = [
        sys.executable,
        "-c",
        WRAPPER,
        "execute",
        str(script),
        "--data",
        str(host.data),
        "-o",
        "out",
        "--timeout",
        str(timeout),
        "--memory-mb",
        str(memory_mb),
        *args,
    ]
    start = time.monotonic()
    proc = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout + SLACK_S + 60,
        stdin=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - start
    rss = [line for line in proc.stderr.splitlines() if line.startswith("HOST_PEAK_RSS_KB=")]
    verdicts = [
        json.loads(p.read_text())
        for p in sorted(cwd.glob("codegen/attempts/*/verdict.json"))
        if not p.is_symlink()
    ]
    outcome = Outcome(
        proc.returncode,
        proc.stdout,
        proc.stderr,
        seconds,
        int(rss[-1].split("=")[1]) if rss else -1,
        verdicts,
    )
    _record(outcome)
    _assert_host_untouched(host, outcome, timeout)
    assert outcome.verdicts, f"the attack never reached the sandbox: {outcome.stderr[-500:]}"
    return outcome


def _record(outcome: Outcome) -> None:
    """With HOSTILE_REPORT=FILE, one JSON line per attack: what it cost the host
    (docs/security.md)."""
    report = os.environ.get("HOSTILE_REPORT")
    if report:
        line = {
            "test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0],
            "rc": outcome.rc,
            "verdict": outcome.verdict,
            "seconds": round(outcome.seconds, 2),
            "host_peak_rss_mb": round(outcome.peak_rss_kb / 1024, 1),
            "error": next(
                (ln for ln in outcome.stderr.splitlines() if ln.startswith("error:")), ""
            )[:200],
        }
        with open(report, "a") as f:
            f.write(json.dumps(line) + "\n")


def _files(root: Path) -> list[Path]:
    found = []
    for dirpath, _dirs, filenames in os.walk(root):
        found += [Path(dirpath, f) for f in filenames]
    return found


def _assert_host_untouched(host: Host, outcome: Outcome, timeout: float) -> None:
    assert "Traceback" not in outcome.stderr, outcome.stderr[-3000:]
    assert host.token not in outcome.stdout and host.token not in outcome.stderr
    for path in _files(host.root):
        if path == host.secret or path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as f:
            assert host.token.encode() not in f.read(64 << 20), f"canary leaked into {path}"
    assert not host.marker.exists(), "a marker was written outside the work directory"
    assert not list(Path(pipeline.__file__).resolve().parent.glob("*marker*"))
    assert host.data.is_file()
    assert hashlib.sha256(host.data.read_bytes()).hexdigest() == host.data_sha, "input data changed"
    assert host.received == [], f"the sandbox reached the host network: {host.received}"
    assert host.secret.read_text() == host.token + "\n"
    assert 0 < outcome.peak_rss_kb < HOST_RSS_LIMIT_KB, f"host peak RSS {outcome.peak_rss_kb} kB"
    assert outcome.seconds < timeout + SLACK_S
    _assert_no_process_left(host)


def _assert_no_process_left(host: Host) -> None:
    needle = str(host.root).encode()
    deadline = time.monotonic() + 10
    while True:
        left = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                try:
                    cmdline = Path(entry.path, "cmdline").read_bytes()
                except OSError:
                    continue
                if needle in cmdline:
                    left.append((entry.name, cmdline[:200]))
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not left, f"processes left behind: {left}"


def refused(outcome: Outcome) -> None:
    """The attack ran and failed: a clean error, non-zero exit."""
    assert outcome.rc != 0, outcome.stdout[-2000:]
    assert "error:" in outcome.stderr


# --- isolation: the kernel refuses -------------------------------------------------------------


def test_capabilities_are_all_dropped_inside(host: Host) -> None:
    src = PRELUDE + (
        "status = open('/proc/self/status').read()\n"
        "caps = [l for l in status.splitlines() if l.startswith('Cap')]\n"
        "eff = int([l for l in caps if l.startswith('CapEff')][0].split()[1], 16)\n"
        "bnd = int([l for l in caps if l.startswith('CapBnd')][0].split()[1], 16)\n"
        "uid = os.getuid()\n"
        "sys.exit(0 if eff or bnd else 3 if uid == 0 else 4)\n"
    )
    outcome = attack(host, src)
    refused(outcome)
    assert outcome.verdicts[-1]["returncode"] == 4


def test_mknod_and_mount_through_ctypes_fail(host: Host) -> None:
    src = (
        PRELUDE
        + CTYPES
        + (
            "st = os.stat('@DATA@')\n"
            "major, minor = os.major(st.st_dev), os.minor(st.st_dev)\n"
            "ok = []\n"
            "if libc.mount(b'none', b'/tmp', b'tmpfs', 0, None) == 0: ok.append('mount')\n"
            "try:\n"
            "    getattr(os, 'mk' + 'nod')('disk', 0o60600, os.makedev(major, minor)); "
            "ok.append('mknod')\n"
            "except OSError: pass\n"
            "if libc.umount2(b'/proc', 2) == 0: ok.append('umount')\n"
            "print('ESCAPED' if ok else 'held', ok)\n"
            "sys.exit(5 if not ok else 0)\n"
        )
    )
    outcome = attack(host, src)
    assert "ESCAPED" not in outcome.stdout + outcome.stderr
    refused(outcome)


def test_setns_into_the_host_network_fails(host: Host) -> None:
    src = (
        PRELUDE
        + CTYPES
        + (
            "joined = []\n"
            "for pid in ['1', '@HOSTPID@', 'self']:\n"
            "    try:\n"
            "        fd = os.open(f'/proc/{pid}/ns/net', os.O_RDONLY)\n"
            "    except OSError:\n"
            "        continue\n"
            "    if libc.setns(fd, 0x40000000) == 0: joined.append(pid)\n"
            "sock = load('soc' + 'ket')\n"
            "s = sock.create_connection(('127.0.0.1', @PORT@), timeout=3)\n"
            "s.sendall(b'ESCAPED')\n"
        )
    )
    refused(attack(host, src))


def test_no_network_at_all(host: Host) -> None:
    src = PRELUDE + (
        "sock = load('soc' + 'ket')\n"
        "s = sock.create_connection(('127.0.0.1', @PORT@), timeout=3)\n"
        "s.sendall(b'ESCAPED')\n"
    )
    refused(attack(host, src))


def test_ptrace_of_host_processes_fails(host: Host) -> None:
    src = (
        PRELUDE
        + CTYPES
        + (
            "hits = []\n"
            "if libc.ptrace(16, @HOSTPID@, None, None) == 0: hits.append('attached')\n"
            "if os.path.exists('/proc/@HOSTPID@/ns'): hits.append('visible')\n"
            "try:\n"
            "    getattr(os, 'ki' + 'll')(@HOSTPID@, 0); hits.append('visible')\n"
            "except OSError: pass\n"
            "print(hits)\n"
            "sys.exit(6)\n"
        )
    )
    outcome = attack(host, src)
    refused(outcome)
    assert "visible" not in outcome.stdout + outcome.stderr


def test_host_secrets_cannot_be_read(host: Host) -> None:
    src = PRELUDE + (
        "for path in ['@SECRET@', '/proc/1/root@SECRET@', '/etc/shadow', '/root/.bash_history']:\n"
        "    try:\n"
        "        print(open(path).read())\n"
        "    except OSError as err:\n"
        "        print('no', type(err).__name__)\n"
        "sys.exit(7)\n"
    )
    refused(attack(host, src))


def test_writes_outside_and_input_tampering_fail(host: Host) -> None:
    src = PRELUDE + (
        "done = []\n"
        "data = '@DATA@'\n"
        "for path in ['@MARKER@', '@PKG@/marker.py', '/tmp/../@MARKER@']:\n"
        "    try:\n"
        "        open(path, 'w').write('x'); done.append(path)\n"
        "    except OSError: pass\n"
        "for op in (lambda: open(data, 'r+b').write(b'tampered'),\n"
        "           lambda: getattr(os, 're' + 'name')(data, data + '.moved'),\n"
        "           lambda: getattr(os, 'un' + 'link')(data)):\n"
        "    try:\n"
        "        op(); done.append('data')\n"
        "    except OSError: pass\n"
        "sys.exit(8)\n"
    )
    refused(attack(host, src))


# --- limits ------------------------------------------------------------------------------------


def test_fork_bomb_is_stopped(host: Host) -> None:
    src = PRELUDE + (
        "while True:\n"
        "    try:\n"
        "        getattr(os, 'fo' + 'rk')()\n"
        "    except OSError:\n"
        "        pass\n"
    )
    outcome = attack(host, src, timeout=20)
    refused(outcome)
    assert outcome.verdict in ("resources", "timeout")


def test_a_50_gb_allocation_is_refused(host: Host) -> None:
    outcome = attack(host, "x = bytearray(50 * 2**30)\n", memory_mb=1024)
    refused(outcome)
    assert "memory" in outcome.stderr


def test_an_endless_loop_times_out(host: Host) -> None:
    outcome = attack(host, "while True:\n    pass\n", timeout=3)
    refused(outcome)
    assert "wall-clock" in outcome.stderr


def test_a_background_child_does_not_survive(host: Host) -> None:
    src = PRELUDE + (
        "fork = getattr(os, 'fo' + 'rk')\n"
        "if fork() == 0:\n"
        "    os.setsid()\n"
        "    if fork() == 0:\n"
        "        import time\n"
        "        while True:\n"
        "            open('alive', 'a').write('x'); time.sleep(0.1)\n"
        "    os._exit(0)\n"
        "sys.exit(9)\n"
    )
    refused(attack(host, src))


def test_disk_fill_in_the_work_dir_is_stopped_and_cleaned(host: Host) -> None:
    src = PRELUDE + (
        "os.makedirs('out', exist_ok=True)\n"
        "block = b'x' * (1 << 20)\n"
        "for n in range(8):\n"
        "    with open(f'out/fill{n}', 'wb') as f:\n"
        "        for _ in range(400): f.write(block)\n"
        "print('ESCAPED wrote 3.2 GB')\n"
    )
    outcome = attack(host, src, timeout=120)
    refused(outcome)
    assert "ESCAPED" not in outcome.stdout + outcome.stderr
    left = sum(p.stat().st_size for p in _files(host.root / "cwd"))
    assert left < 64 << 20, f"a failed attempt keeps {left >> 20} MB"


@pytest.mark.parametrize("where", ["/tmp", "/dev/shm", "/dev"])
def test_in_memory_file_systems_are_bounded(host: Host, where: str) -> None:
    src = PRELUDE + (
        "block = b'x' * (1 << 20)\n"
        "written = 0\n"
        f"target = '{where}' + '/fill'\n"
        "try:\n"
        "    with open(target, 'wb') as f:\n"
        "        for _ in range(2048): f.write(block); written += 1\n"
        "except OSError as err:\n"
        "    print('stopped after', written, 'MB:', err)\n"
        "    sys.exit(10)\n"
        "print('ESCAPED wrote', written, 'MB')\n"
    )
    outcome = attack(host, src, timeout=60)
    refused(outcome)
    assert "ESCAPED" not in outcome.stdout + outcome.stderr


# --- the host side reading back what the sandbox leaves ----------------------------------------


def test_stderr_replaced_by_a_link_to_a_host_file(host: Host) -> None:
    src = PRELUDE + (
        "os.remove('stderr.txt')\n"
        "getattr(os, 'sym' + 'link')('@SECRET@', 'stderr.txt')\n"
        "os.remove('stdout.txt')\n"
        "getattr(os, 'sym' + 'link')('@SECRET@', 'stdout.txt')\n"
        "sys.exit(11)\n"
    )
    refused(attack(host, src))


def test_links_in_the_outputs_are_not_followed_or_copied(host: Host) -> None:
    src = PRELUDE + (
        "out = sys.argv[sys.argv.index('--out') + 1]\n"
        "os.makedirs(out, exist_ok=True)\n"
        "link = getattr(os, 'sym' + 'link')\n"
        "for name in ['events.csv', 'cutflow.json', 'result.json', 'histograms.json']:\n"
        "    link('@SECRET@', f'{out}/{name}')\n"
        "link('/', f'{out}/root')\n"
    )
    outcome = attack(host, src)
    refused(outcome)
    assert not (host.root / "cwd" / "out").exists()


@pytest.mark.parametrize(
    "target", ["stderr.txt", "stdout.txt", "out/events.csv", "out/result.json"]
)
def test_fifos_and_devices_planted_for_the_host_do_not_hang_it(host: Host, target: str) -> None:
    src = PRELUDE + (
        "os.makedirs('out', exist_ok=True)\n"
        f"target = '{target}'\n"
        "if os.path.exists(target): os.remove(target)\n"
        "getattr(os, 'mk' + 'fifo')(target)\n"
        "if target.startswith('out/'):\n"
        "    getattr(os, 'sym' + 'link')('/dev/zero', 'out/zero')\n"
        "    for name in ['events.csv', 'cutflow.json', 'result.json', 'histograms.json']:\n"
        "        if not os.path.exists('out/' + name): open('out/' + name, 'w').write('{}')\n"
        "sys.exit(0 if target.startswith('out/') else 12)\n"
    )
    refused(attack(host, src))


def test_gigabytes_of_output_cost_the_host_little(host: Host) -> None:
    src = PRELUDE + (
        "chunk = 'x' * (1 << 20)\n"
        "for _ in range(1024): sys.stdout.write(chunk)\n"
        "for n in range(3_000_000): print(n, file=sys.stderr)\n"
        "sys.exit(13)\n"
    )
    outcome = attack(host, src, timeout=120)
    refused(outcome)
    assert len(outcome.stdout) + len(outcome.stderr) < 256 << 10
    verdicts = list((host.root / "cwd").rglob("verdict.json"))
    assert verdicts and all(v.stat().st_size < 256 << 10 for v in verdicts)
