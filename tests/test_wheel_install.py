"""The package works installed from its wheel, not only from a checkout (issue 15).

Why: ``schemas/`` and ``papers/`` live at the repository's top level, and code that looks for
them next to the package finds them from a checkout (the editable install) but not from a plain
``pip install .``. This builds the wheel as ``pip install .`` does (isolated build, the declared
build requirements), installs it into a fresh virtualenv that cannot see the checkout, and runs
the demo and the commands that read the shipped files there, from a directory outside the
checkout.

The new virtualenv gets the development venv's dependencies as hard links (no network, no
copies): a ``.pth`` pointing at the development site-packages would be simpler, but the
sandbox mounts only the interpreter's own prefix, so the analyses could not import them. The
editable install's finder and metadata are left out, so ``pipeline`` can only come from the
wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import load_timeout

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

# what a build must not read from the checkout: state, caches and earlier builds (a stale
# build/lib would put deleted modules into the wheel)
NOT_SOURCES = (".git", ".venv", "build", "dist", "outputs", "*.egg-info", "__pycache__", ".*cache")
# in the development site-packages: the editable install of this project (its finder would
# import the checkout) and its metadata
EDITABLE = ("__editable__*", "reproduce_hep-*", "pipeline", "baselines")


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[str, str]:
    """stdout and stderr of ``cmd``, which must succeed."""
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=load_timeout(timeout)
    )
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout, proc.stderr


def _link(src: str, dst: str) -> None:
    """Hard link (same file system: instant, no space); a copy across file systems."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with the wheel built from this checkout installed, and nothing else of it."""
    tmp = tmp_path_factory.mktemp("wheel")
    src, dist, env_dir = tmp / "src", tmp / "dist", tmp / "venv"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "-q", "--no-deps", "-w", str(dist), str(src)], tmp, env, 300)
    (wheel,) = dist.glob("reproduce_hep-*.whl")

    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], tmp, env, 60)
    site = _site_packages(env_dir / "bin" / "python")
    shutil.rmtree(site)
    dev_site = sysconfig.get_path("purelib")
    shutil.copytree(
        dev_site,
        site,
        symlinks=True,
        copy_function=_link,
        ignore=lambda d, names: (
            shutil.ignore_patterns(*EDITABLE)(d, names) if Path(d) == Path(dev_site) else set()
        ),
    )
    python = str(env_dir / "bin" / "python")
    _run([*pip, "--python", python, "install", "-q", "--no-deps", str(wheel)], tmp, env, 120)
    return env_dir


def _env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_pipeline_comes_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    """Nothing of the checkout leaks in: every module comes from the installed wheel."""
    code = "import pipeline, baselines; print(pipeline.__file__); print(baselines.__file__)"
    out, _ = _run([str(venv / "bin" / "python"), "-c", code], tmp_path, _env(venv), 60)
    site = _site_packages(venv / "bin" / "python")
    assert [Path(p).parent.parent for p in out.split()] == [site, site]
    # the wheel holds every module of the checkout (the packages are discovered, not listed)
    modules = {p.relative_to(ROOT) for p in (ROOT / "pipeline").rglob("*.py")}
    assert modules <= {p.relative_to(site) for p in (site / "pipeline").rglob("*.py")}


def test_shipped_files_are_found(venv: Path, tmp_path: Path) -> None:
    """The schema file and the hand-reviewed lists are read from the installed package."""
    env = _env(venv)
    out = "".join(_run(["reproduce", "schema", "--check"], tmp_path, env, 60))
    assert str(venv) in out and "up to date" in out
    code = (
        "import json; from pipeline.resources import baselines_readme, project_dir; "
        "print(json.dumps([str(project_dir('papers')), str(baselines_readme())]))"
    )
    out, _ = _run([str(venv / "bin" / "python"), "-c", code], tmp_path, env, 60)
    papers, readme = json.loads(out)
    assert Path(papers).is_relative_to(venv) and Path(readme).is_relative_to(venv)
    assert Path(readme).is_file()
    lists = [Path(papers) / "arXiv-1712.02304" / "selection.reviewed.json"]
    lists += sorted((Path(papers) / "adl-benchmarks").glob("benchmark-*.json"))
    assert len(lists) == 9
    _run(["reproduce", "validate", *map(str, lists)], tmp_path, env, 120)


def test_demo_runs_from_the_wheel(venv: Path, tmp_path: Path, repro_home: Path) -> None:
    """``reproduce demo`` from a directory outside the checkout: report written, list valid."""
    env = _env(venv)
    out, log = _run(["reproduce", "demo"], tmp_path, env, 600)
    run_dir = Path(json.loads(out[out.index("{") :])["run_dir"])
    assert run_dir.is_relative_to(repro_home) and (run_dir / "report.html").is_file()
    assert f"from {_site_packages(venv / 'bin' / 'python')}" in out + log  # the shipped list
    # the list the run used passes the schema of the installed package
    _run(["reproduce", "validate", str(run_dir / "selection.reviewed.json")], tmp_path, env, 120)
