"""``reproduce arXiv:ID``: the run directory locked, a loop over the stage table
(``stages.STAGES``), then the manifest; resumable from the last completed stage."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Settings
from pipeline.errors import ReproError
from pipeline.locks import hold
from pipeline.run.manifest import write_manifest
from pipeline.run.options import RunOptions
from pipeline.run.preflight import check_run
from pipeline.run.stages import STAGES, Progress, Run, default_run_dir

__all__ = ["default_run_dir", "reproduce", "run_all"]


def reproduce(opts: RunOptions, settings: Settings, progress: Progress) -> Path:
    """Run (or resume) the whole pipeline; returns the run directory.

    The run directory is locked for the whole run: a second process for the same run waits
    up to ``settings.lock_wait`` seconds (then resumes, reusing what the first one did) or
    raises ``InUseError``. Options and inputs are checked first (``preflight.check_run``).
    """
    check_run(opts, settings)  # before the run directory exists and before any stage
    run_dir = default_run_dir(opts, settings)
    with hold(run_dir, what="run", wait_s=settings.lock_wait, progress=progress):
        run = Run(opts, settings, progress, run_dir=run_dir)
        run_all(run)
        write_manifest(run.dir, run.state, opts, settings)
    return run_dir


def run_all(run: Run) -> None:
    """Every stage of the table, in order; a failure says where the run stopped and re-raises."""
    run.progress(f"run directory: {run.dir}")
    for stage in STAGES:
        try:
            run.run(stage)
        except ReproError:
            run.progress(
                f"stopped at stage {stage.name}; fix the problem and run the same command to resume"
            )
            raise
