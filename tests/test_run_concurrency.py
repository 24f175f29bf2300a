"""Two runs into one REPRO_HOME at once: the second waits for the first (or, with --no-wait, says
the run is in use and exits 75), never a traceback, and the run directory they share is whole
afterwards.

The deterministic tests hold a lock from the test process (``pipeline.locks.hold``) and start the
real command against it; one test starts two real demos at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.demo import make_note_pdf
from pipeline.locks import InUseError, hold, lock_file
from pipeline.run.options import RunOptions
from pipeline.run.reproduce import default_run_dir
from tests.conftest import load_timeout

IN_USE = 75


def _start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _reproduce(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = _start(*args, env=env)
    out, err = proc.communicate(timeout=load_timeout(300))
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _assert_in_use(proc: subprocess.CompletedProcess[str], what: str) -> None:
    assert proc.returncode == IN_USE, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{what} " in proc.stderr and f"is in use by pid {os.getpid()}" in proc.stderr, (
        proc.stderr
    )
    assert "hint:" in proc.stderr


def test_two_demos_at_once_both_finish_and_the_run_is_whole(repro_home: Path) -> None:
    """Before the locks: FileNotFoundError renaming the synthetic samples' part files (both demos
    staged into one .part directory), or a sandbox failure when one run cleared the other's
    outputs."""
    procs = [_start("demo", "--events", "20000") for _ in range(2)]
    results = [p.communicate(timeout=load_timeout(600)) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert "Traceback" not in err, err
        assert proc.returncode == 0, err
    run_dirs = {json.loads(out)["run_dir"] for out, _ in results}
    assert len(run_dirs) == 1
    run_dir = Path(run_dirs.pop())
    assert (run_dir / "manifest.json").is_file()
    comparison = json.loads((run_dir / "comparison.json").read_text())
    # hzz4l_paper corrects the isolation cones, the reviewed list cannot (see test_demo)
    assert comparison["verdict"] in ("identical", "compatible"), comparison["reason"]
    assert not comparison["events"]["only_generated"] and not comparison["events"]["only_baseline"]
    # the second demo either waited for the first and reused its stages, or came first
    assert sum(err.count(": reused") == 9 for _, err in results) >= 1 or any(
        "waiting up to" in err for _, err in results
    )
    audit = _reproduce("audit", str(run_dir), "--no-rerun", "--no-wait")
    assert audit.returncode == 0, audit.stderr
    assert not list(repro_home.rglob("*.lock")) and not list(repro_home.rglob("*.part"))


def test_run_in_use_fails_at_once_with_no_wait(repro_home: Path, tmp_path: Path) -> None:
    pdf = make_note_pdf(tmp_path / "note.pdf")
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.root").write_bytes(b"root" + bytes(60))  # passes the preflight checks; never read
    run_dir = default_run_dir(RunOptions(paper=str(pdf), data=[data]), load_settings())
    with hold(run_dir, what="run", wait_s=0):
        proc = _reproduce(str(pdf), "--data", str(data), "--no-wait")
    _assert_in_use(proc, "run")
    assert not run_dir.exists()


def test_demo_in_use_fails_at_once_with_no_wait(repro_home: Path) -> None:
    run_dir = repro_home / "outputs" / "reproduce-demo-note" / "demo"
    with hold(run_dir, what="run", wait_s=0):
        proc = _reproduce("demo", "--events", "400", "--no-wait")
    _assert_in_use(proc, "run")
    assert not run_dir.exists()


def test_audit_waits_for_the_run_then_goes_on(repro_home: Path) -> None:
    run_dir = repro_home / "outputs" / "paper" / "run-1"
    run_dir.mkdir(parents=True)
    with hold(run_dir, what="run", wait_s=0):
        proc = _start("audit", str(run_dir), "--wait", "120")
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert f"run {run_dir} is in use by pid {os.getpid()}; waiting up to 120 s" in first
        assert proc.poll() is None
    with proc:
        rest = proc.stderr.read()
        proc.wait(timeout=60)
    assert "is free after" in rest
    assert (
        "has no manifest.json" in rest and proc.returncode == 2
    )  # it went on once the lock was free
    assert "Traceback" not in rest


def test_audit_gives_up_after_the_wait(repro_home: Path) -> None:
    run_dir = repro_home / "outputs" / "paper" / "run-1"
    run_dir.mkdir(parents=True)
    with hold(run_dir, what="run", wait_s=0):
        proc = _reproduce("audit", str(run_dir), "--wait", "0.5")
    assert (
        proc.returncode == IN_USE
        and "still in use by pid" in proc.stderr
        and "after waiting 0.5 s" in proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_paper_cache_entry_in_use(repro_home: Path, tmp_path: Path) -> None:
    pdf = make_note_pdf(tmp_path / "my-note.pdf")
    with hold(repro_home / "papers" / "my-note", what="paper cache entry", wait_s=0):
        proc = _reproduce("fetch", str(pdf), env={"REPRO_LOCK_WAIT": "0"})
    _assert_in_use(proc, "paper cache entry")
    fetched = _reproduce("fetch", str(pdf))
    assert fetched.returncode == 0, fetched.stderr
    assert (repro_home / "papers" / "my-note" / "meta.json").is_file()


def test_lock_of_a_killed_process_is_free(tmp_path: Path) -> None:
    target = tmp_path / "run"
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from pipeline.locks import hold
        with hold(Path({str(target)!r}), what="run", wait_s=0):
            print("held", flush=True)
            time.sleep(600)
        """)
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "held\n"
            with pytest.raises(InUseError) as info, hold(target, what="run", wait_s=0):
                pass
            assert info.value.pid == holder.pid and info.value.exit_code == IN_USE
        finally:
            holder.kill()  # SIGKILL: the holder cannot clean up; the kernel drops its flock
    # the second hold is re-entrant (same thread)
    with hold(target, what="run", wait_s=5), hold(target, what="run", wait_s=0):
        assert lock_file(target).is_file()
    assert not lock_file(target).exists()
