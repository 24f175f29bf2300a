"""Without bubblewrap: model-written code is refused unless the user accepts the weak fallback,
the fallback itself blocks writes, the network and the host's namespaces, and limits inherited
from the shell are respected with a clear message."""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline.errors import SandboxError
from pipeline.sandbox import Limits, run_script
from pipeline.sandbox import isolation as iso
from pipeline.sandbox.limits import clamp
from tests.conftest import ROOT, shared_path

needs_unshare = pytest.mark.skipif(
    iso.available("unshare") != "unshare", reason="unshare is not usable here"
)


def _no_bwrap_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH has unshare but no bwrap: a machine without bubblewrap."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("unshare",):
        found = subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip()
        if found:
            (bin_dir / tool).symlink_to(found)
    return {**os.environ, "PATH": str(bin_dir)}


def _reproduce(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def compiled(tmp_path: Path) -> Path:
    from pipeline.run.stage2 import generate_code

    return generate_code(
        ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json", tmp_path / "a.py"
    )


def test_unknown_code_is_refused_without_bubblewrap(tmp_path: Path, compiled: Path) -> None:
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    env = _no_bwrap_path(tmp_path)
    proc = _reproduce(
        "execute", str(compiled), "--data", str(data), "-o", "out", env=env, cwd=tmp_path
    )
    assert proc.returncode != 0
    assert "refusing to run" in proc.stderr and "--isolation weak" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


@needs_unshare
def test_weak_isolation_when_asked_for_says_what_is_not_protected(
    tmp_path: Path, compiled: Path
) -> None:
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    env = _no_bwrap_path(tmp_path)
    proc = _reproduce(
        "execute",
        str(compiled),
        "--data",
        str(data),
        "-o",
        "out",
        "--isolation",
        "weak",
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "warning: weak isolation" in proc.stderr and "READ" in proc.stderr
    assert (tmp_path / "out" / "result.json").is_file()


def test_choose_never_weakens_silently(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        iso,
        "probe",
        lambda: {"bwrap": (False, "probe timed out"), "unshare": (True, ""), "none": (True, "")},
    )
    with pytest.raises(SandboxError, match="probe timed out"):
        iso.choose("auto", "full")
    assert iso.choose("auto", "weak") == "unshare"
    assert iso.choose("auto", "any") == "unshare"
    monkeypatch.setattr(
        iso, "probe", lambda: {"bwrap": (False, "x"), "unshare": (False, "y"), "none": (True, "")}
    )
    with pytest.raises(SandboxError):
        iso.choose("auto", "weak")
    assert iso.choose("auto", "any") == "none"


def test_requirement_follows_the_origin_of_the_code() -> None:
    assert iso.requirement_for("auto", model_code=True) == "full"
    assert iso.requirement_for("auto", model_code=False) == "any"
    assert iso.requirement_for("weak", model_code=True) == "weak"
    assert iso.requirement_for("full", model_code=False) == "full"


def test_the_probe_is_made_once_and_agrees_with_itself() -> None:
    assert iso.available() == iso.available("auto") == iso.available("bogus")


HOSTILE_WEAK = """
import sys
load = getattr(sys.modules['buil' + 'tins'], '__imp' + 'ort__')
os = load('os')
ct = load('ctypes')
libc = ct.CDLL(None, use_errno=True)
done = []
for path in [{marker!r}, {pkg!r} + '/weak_marker.py']:
    try:
        open(path, 'w').write('x'); done.append(path)
    except OSError:
        pass
for op in (lambda: open({data!r}, 'r+b').write(b'tampered'),
           lambda: getattr(os, 're' + 'name')({data!r}, {data!r} + '.moved'),
           lambda: getattr(os, 'un' + 'link')({data!r})):
    try:
        op(); done.append('data')
    except OSError:
        pass
for pid in ['1', {hostpid!r}]:
    try:
        fd = os.open(f'/proc/{{pid}}/ns/net', os.O_RDONLY)
    except OSError:
        continue
    if libc.setns(fd, 0) == 0:
        done.append('setns ' + pid)
if libc.mount(b'none', b'/mnt', b'tmpfs', 0, None) == 0:
    done.append('mount')
status = open('/proc/self/status').read()
caps = ('CapEff', 'CapPrm', 'CapBnd')
if any(int(l.split()[1], 16) for l in status.splitlines() if l.startswith(caps)):
    done.append('caps')
try:
    os.kill({hostpid}, 0); done.append('host process visible')
except OSError:
    pass
print('ESCAPED' if done else 'held', done)
sys.exit(1 if done else 0)
"""


@needs_unshare
def test_the_weak_fallback_blocks_writes_namespaces_and_capabilities(tmp_path: Path) -> None:
    data = tmp_path / "input.root"
    data.write_bytes(os.urandom(1024))
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    marker = tmp_path / "marker"
    pkg = str(Path(pipeline.__file__).resolve().parent)
    script = tmp_path / "hostile.py"
    script.write_text(
        HOSTILE_WEAK.format(marker=str(marker), pkg=pkg, data=str(data), hostpid=str(os.getpid()))
    )
    result = run_script(
        script,
        data=[data],
        work_dir=tmp_path / "w",
        isolation="unshare",
        requirement="weak",
        limits=Limits(timeout_s=60),
        policy=False,
    )
    assert result.isolation == "unshare"
    assert "ESCAPED" not in result.stdout_tail, result.stdout_tail
    assert "held" in result.stdout_tail, result.stderr_tail
    assert not marker.exists() and not Path(pkg, "weak_marker.py").exists()
    assert hashlib.sha256(data.read_bytes()).hexdigest() == digest


def test_limits_are_clamped_to_inherited_hard_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    real = resource.getrlimit

    def fake(which: int) -> tuple[int, int]:
        if which == resource.RLIMIT_AS:
            return (4_000_000 * 1024, 4_000_000 * 1024)
        return real(which)

    monkeypatch.setattr(resource, "getrlimit", fake)
    limits, warnings = clamp(Limits(memory_mb=6144))
    assert limits.memory_mb == 3906
    assert warnings and "ulimit -v" in warnings[0]
    monkeypatch.setattr(
        resource,
        "getrlimit",
        lambda which: (100 << 20, 100 << 20) if which == resource.RLIMIT_AS else real(which),
    )
    with pytest.raises(SandboxError, match="ulimit -v"):
        clamp(Limits())


def test_an_inherited_ulimit_v_runs_with_a_warning_not_a_traceback(
    tmp_path: Path, compiled: Path
) -> None:
    if iso.available() != "bwrap":
        pytest.skip("needs bubblewrap")
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    command = (
        f"ulimit -v 4000000; exec {sys.executable} -m pipeline.cli.main execute {compiled} "
        f"--data {data} -o out"
    )
    proc = subprocess.run(
        ["bash", "-c", command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in proc.stderr and "preexec_fn" not in proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert "memory_mb lowered from 6144 to 3906" in proc.stderr


@needs_unshare
def test_the_demo_runs_without_bubblewrap_and_says_what_is_not_protected(tmp_path: Path) -> None:
    env = {**_no_bwrap_path(tmp_path), "REPRO_HOME": str(tmp_path / "home")}
    proc = _reproduce("demo", env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "warning: sandbox: weak isolation" in proc.stderr
    reports = list((tmp_path / "home").rglob("report.md"))
    assert reports and "Sandbox: weak isolation" in reports[0].read_text()
