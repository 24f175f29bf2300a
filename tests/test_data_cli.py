"""``reproduce data list|fetch|generate|inspect`` as real subprocesses (HTTP on 127.0.0.1)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from pipeline.io import sha256_file
from tests.conftest import shared_path
from tests.fakes.local_http import LocalServer


def _run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "data", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "portal"
    root.mkdir()
    with LocalServer(partial(_Quiet, directory=str(root))) as server:
        yield server.url, root


def test_list_both_releases() -> None:
    done = _run("list")
    assert done.returncode == 0, done.stderr
    rows = {r["key"]: r for r in json.loads(done.stdout)}
    assert rows["2020:ggH125_ZZ4lep"]["url"].endswith(
        "/2020/4lep/MC/mc_345060.ggH125_ZZ4lep.4lep.root"
    )
    assert rows["2020:ggH125_ZZ4lep"]["xsec_pb"] == 0.0060239
    assert rows["2025:data15_periodD"]["url"].endswith(
        "exactly4lep_data15_periodD.exactly4lep.root"
    )
    assert {"2025:345060", "2025:700600", "2020:data_D"} <= set(rows)
    only = json.loads(_run("list", "--release", "2020").stdout)
    assert {r["release"] for r in only} == {"2020"}


def test_generate_then_inspect(tmp_path: Path) -> None:
    done = _run(
        "generate",
        "--release",
        "2020",
        "--events",
        "400",
        "--out",
        str(tmp_path / "s"),
        "--process",
        "ZZ",
        "--process",
        "ttbar",
    )
    assert done.returncode == 0, done.stderr
    paths = json.loads(done.stdout)
    assert len(paths) == 2 and all(Path(p).name.startswith("synthetic_") for p in paths)
    info = json.loads(_run("inspect", *paths).stdout)
    assert info["release"] == "2020" and info["synthetic"] and info["n_events"] == 400
    assert "leptons.d0sig" in info["provides"]


def test_inspect_real_and_bad_files(tmp_path: Path) -> None:
    real = shared_path("data", "atlas-opendata-2025")
    info = json.loads(_run("inspect", str(real)).stdout)
    assert info["release"] == "2025" and info["n_events"] == 3424 and not info["synthetic"]
    empty = tmp_path / "empty.root"
    empty.write_bytes(b"")
    done = _run("inspect", str(empty))
    assert done.returncode == 1 and "empty" in done.stderr and "Traceback" not in done.stderr


def test_fetch_over_http_and_from_a_mirror_directory(
    tmp_path: Path, server: tuple[str, Path]
) -> None:
    base, root = server
    source = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    (root / "Data").mkdir()
    (root / "Data" / "data_A.4lep.root").write_bytes(source.read_bytes())
    done = _run("fetch", "2020:data_A", "--out", str(tmp_path / "dl"), "--mirror", base)
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)[0]
    assert row["sha256"] == sha256_file(source) and Path(row["path"]).is_file()
    offline = _run("fetch", "2020:data_A", "--out", str(tmp_path / "dl2"), "--mirror", str(root))
    assert offline.returncode == 0 and json.loads(offline.stdout)[0]["sha256"] == row["sha256"]


def test_fetch_errors_are_clear(tmp_path: Path, server: tuple[str, Path]) -> None:
    base, _ = server
    done = _run("fetch", "2020:data_Z", "--out", str(tmp_path))
    assert done.returncode == 1 and "unknown sample" in done.stderr and "2020:data_D" in done.stderr
    done = _run("fetch", "2020:data_B", "--out", str(tmp_path / "x"), "--mirror", base)
    assert done.returncode == 1 and "HTTP 404" in done.stderr and "Traceback" not in done.stderr
    assert not list((tmp_path / "x").iterdir())  # no partial download left behind
    done = _run(
        "fetch", "2020:data_B", "--out", str(tmp_path / "y"), "--mirror", "http://127.0.0.1:9"
    )
    assert done.returncode == 1 and "failed" in done.stderr and not list((tmp_path / "y").iterdir())
