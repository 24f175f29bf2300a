"""The command line as a user starts it: a real subprocess."""

from __future__ import annotations

import subprocess
import sys

from pipeline import __version__
from tests.conftest import load_timeout


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=load_timeout(120),
    )


def test_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert __version__ in proc.stdout


def test_help_lists_commands_and_each_has_help() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0, proc.stderr
    from pipeline.cli.main import _available

    for name in _available():
        assert name in proc.stdout
        sub = run_cli(name, "--help")
        assert sub.returncode == 0, f"{name} --help failed: {sub.stderr}"
        assert "Usage" in sub.stdout


def test_unknown_option_is_a_usage_error() -> None:
    proc = run_cli("--no-such-flag")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
