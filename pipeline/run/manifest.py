"""manifest.json: sha256 of every input and output of a run, versions, settings, timings."""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from pathlib import Path

from pipeline import __version__
from pipeline.io import sha256_file, write_json_atomic
from pipeline.run.options import RunOptions
from pipeline.run.state import RunState

PACKAGES = ("awkward", "uproot", "vector", "numpy", "hist", "matplotlib", "mplhep", "pymupdf", "pydantic")


def _inputs(opts: RunOptions) -> dict[str, str]:
    files: list[Path] = []
    for p in opts.data:
        files += sorted(p.glob("*.root")) if p.is_dir() else [p]
    return {str(f.resolve()): sha256_file(f) for f in files}


def write_manifest(run_dir: Path, state: RunState, opts: RunOptions) -> Path:
    outputs = {str(p.relative_to(run_dir)): sha256_file(p) for p in sorted(run_dir.rglob("*"))
               if p.is_file() and p.name != "manifest.json" and "attempts" not in p.parts}
    versions = {"reproduce": __version__, "python": sys.version.split()[0], "platform": platform.platform()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    data = {
        "schema_version": "1.0.0", "paper": opts.paper, "settings": opts.key(),
        "inputs": _inputs(opts), "outputs": outputs, "versions": versions,
        "timings_s": {name: rec.seconds for name, rec in state.stages.items()},
        "stage_notes": {name: rec.note for name, rec in state.stages.items()},
    }
    return write_json_atomic(run_dir / "manifest.json", data)
