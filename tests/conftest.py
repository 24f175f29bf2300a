"""Shared fixtures: the ../shared material, a private REPRO_HOME per test."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

# (the class suites' shared checks: their asserts report like a test's own)
pytest.register_assert_rewrite("tests.extract_cases")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path in ../shared; the test is skipped (with the reason) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available (../shared is expected beside the checkout)")
    return path


def load_timeout(seconds: float) -> float:
    """A subprocess timeout that holds on a loaded machine: ``seconds`` (what an idle machine
    needs, with room) times the load per core when above 1, times ``$REPRO_TEST_TIMEOUT_FACTOR``."""
    try:
        load = os.getloadavg()[0] / (os.cpu_count() or 1)
    except OSError:
        load = 1.0
    return seconds * max(1.0, load) * float(os.environ.get("REPRO_TEST_TIMEOUT_FACTOR") or 1)


def import_script(path: Path, name: str) -> ModuleType:
    """Import a generated analysis script as a module (to call its functions in-process)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def shared() -> Path:
    return shared_path()


@pytest.fixture(autouse=True)
def repro_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own REPRO_HOME so nothing touches the checkout or the user's cache."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("REPRO_HOME", str(home))
    for var in (
        "REPRO_MIRROR",
        "REPRO_LLM_BASE_URL",
        "REPRO_LLM_MODEL",
        "OPENAI_API_KEY",
        "REPRO_GROBID_URL",
        "REPRO_CONFIG",
    ):
        monkeypatch.delenv(var, raising=False)
    # no test finds the embedded model by accident (it would start a 1.1 GB server for --backend
    # llm); the tests of the real model (marker "model") look it up where it really is
    monkeypatch.setenv("REPRO_MODELS", str(tmp_path / "no-embedded-model"))
    # input hashes are cached per test, never in the user's ~/.cache/reproduce/hashes
    monkeypatch.setenv("REPRO_HASH_CACHE", str(tmp_path / "hash-cache"))
    return home
