"""Finding a run directory from what a user (or a URL) names, without leaving the outputs tree.

A run is ``$REPRO_HOME/outputs/<paper-slug>/<run-id>/``. Users may name it by path, by
``<paper-slug>/<run-id>`` or by a bare run id; URLs name it by its two segments. Every name
coming from outside is checked against a strict pattern and the resolved path must stay
inside the outputs root, so ``../../etc`` never reaches the file system.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import UsageError, closest_names
from pipeline.rundir import RunDir

SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+\-]{0,127}$")
SELECTION_FILES = (RunDir.REVIEWED, RunDir.EXTRACTED)


def is_run_dir(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in SELECTION_FILES)


def check_segment(name: str, what: str = "run id") -> str:
    """``name`` if it is a safe single path segment, else a UsageError (no traversal, no
    slashes)."""
    if not SEGMENT.match(name) or name in {".", ".."} or ".." in name:
        raise UsageError(
            f"invalid {what} {name!r}: only letters, digits and . _ + - are allowed, "
            "no path separators",
            hint=(
                "name a run as <paper-slug>/<run-id> under $REPRO_HOME/outputs, or give its "
                "directory path"
            ),
        )
    return name


def list_runs(outputs: Path) -> list[Path]:
    """Every run directory under ``outputs`` (two levels: paper slug, run id), newest name last."""
    if not outputs.is_dir():
        return []
    runs = [run for paper in outputs.iterdir() if paper.is_dir() for run in paper.iterdir()]
    return sorted(run for run in runs if is_run_dir(run))


def run_key(run_dir: Path) -> tuple[str, str]:
    """The two URL segments naming a run: its paper slug and its run id."""
    return run_dir.parent.name, run_dir.name


def inside(root: Path, candidate: Path) -> bool:
    try:
        candidate.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def run_from_key(outputs: Path, paper: str, run: str) -> Path:
    """The run ``outputs/<paper>/<run>``, after checking both segments; UsageError if absent."""
    check_segment(paper, "paper slug")
    check_segment(run, "run id")
    path = outputs / paper / run
    if not inside(outputs, path) or not is_run_dir(path):
        raise UsageError(
            f"no run {paper}/{run} under {outputs}", hint=_runs_hint(f"{paper}/{run}", outputs)
        )
    return path


def _runs_hint(name: str, outputs: Path, shown: int = 8) -> str:
    """The runs most like ``name``, else the runs there are, else that there are none."""
    known = ["/".join(run_key(r)) for r in list_runs(outputs)]
    if not known:
        return (
            f"no runs yet under {outputs}: `reproduce PAPER --data DIR` or "
            "`reproduce extract PAPER` makes one"
        )
    ids = closest_names(name.rsplit("/", 1)[-1], [k.split("/")[1] for k in known])
    close = closest_names(name, known) or [k for k in known if k.split("/")[1] in ids][:3]
    if close:
        return f"did you mean {', '.join(close)}?"
    more = f" (and {len(known) - shown} more)" if len(known) > shown else ""
    return f"the runs are: {', '.join(known[-shown:])}{more}"


def resolve_run(name: str, outputs: Path) -> Path:
    """A run directory from a path, ``<paper-slug>/<run-id>`` or a bare run id (unique under
    outputs)."""
    as_path = Path(name).expanduser()
    if as_path.is_dir():
        if not is_run_dir(as_path):
            raise UsageError(
                f"{as_path} is not a run directory: it has neither {' nor '.join(SELECTION_FILES)}",
                hint="run `reproduce extract PAPER` to create a run, or name an existing one",
            )
        return as_path.resolve()
    parts = name.strip("/").split("/")
    if len(parts) == 2:
        return run_from_key(outputs, *parts).resolve()
    if len(parts) != 1:
        raise UsageError(f"run {name!r} is neither a directory nor <paper-slug>/<run-id>")
    check_segment(parts[0])
    matches = [r for r in list_runs(outputs) if r.name == parts[0]]
    if len(matches) == 1:
        return matches[0].resolve()
    if not matches:
        raise UsageError(f"no run {name!r} under {outputs}", hint=_runs_hint(name, outputs))
    raise UsageError(
        f"run id {name!r} exists for several papers: {['/'.join(run_key(m)) for m in matches]}",
        hint="name it as <paper-slug>/<run-id>",
    )
