"""run.json: which stages of a run are done, with their outputs' hashes and timings.

A stage counts as done only when every output it recorded still exists with the
same sha256 and what it read from outside the run (its ``inputs`` fingerprint: the
data files, a reviewed list saved since) is unchanged; a later stage is redone
whenever an earlier one is.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pipeline.io import sha256_file, write_json_atomic
from pipeline.rundir import RunDir


class StageRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outputs: dict[str, str] = Field(
        default_factory=dict, description="path relative to the run -> sha256"
    )
    inputs: dict[str, str] = Field(
        default_factory=dict, description="what the stage read from outside the run -> sha256"
    )
    seconds: float = 0.0
    note: str = ""


class RunState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paper: str
    settings: dict[str, str] = Field(default_factory=dict)
    given: dict[str, str] = Field(
        default_factory=dict, description="paper and data as last typed (not compared)"
    )
    stages: dict[str, StageRecord] = Field(default_factory=dict)

    @classmethod
    def load(cls, run_dir: Path, paper: str, settings: dict[str, str]) -> RunState:
        path = RunDir(run_dir).state
        if path.is_file():
            state = cls.model_validate_json(path.read_text())
            if state.settings == settings:
                return state
        return cls(paper=paper, settings=settings)

    def save(self, run_dir: Path) -> None:
        write_json_atomic(RunDir(run_dir).state, self.model_dump(mode="json"))

    def valid(self, run_dir: Path, stage: str, inputs: dict[str, str] | None = None) -> bool:
        rec = self.stages.get(stage)
        if rec is None or rec.inputs != (inputs or {}):
            return False
        return all(
            (run_dir / p).is_file() and sha256_file(run_dir / p) == h
            for p, h in rec.outputs.items()
        )


def run_stage(
    state: RunState,
    run_dir: Path,
    stage: str,
    work: Callable[[], list[Path] | tuple[list[Path], str]],
    progress: Callable[[str], None],
    inputs: dict[str, str] | None = None,
    *,
    order: Sequence[str],
) -> bool:
    """Run ``stage`` unless done with the same ``inputs`` (and every stage before it was reused);
    True when it ran. ``order`` is the stage table's names (pipeline/run/stages.py): running a
    stage drops the records of the stages from it on."""
    index = list(order).index(stage)
    # running a stage drops every later record, so a valid record means earlier outputs are
    # unchanged
    if state.valid(run_dir, stage, inputs):
        progress(f"[{index + 1}/{len(order)}] {stage}: reused")
        return False
    progress(f"[{index + 1}/{len(order)}] {stage} ...")
    for later in order[index:]:
        state.stages.pop(later, None)
    start = time.monotonic()
    out = work()
    paths, note = out if isinstance(out, tuple) else (out, "")
    state.stages[stage] = StageRecord(
        inputs=inputs or {},
        outputs={str(p.relative_to(run_dir)): sha256_file(p) for p in paths if p.is_file()},
        seconds=round(time.monotonic() - start, 3),
        note=note,
    )
    state.save(run_dir)
    progress(
        f"[{index + 1}/{len(order)}] {stage}: done in {state.stages[stage].seconds:.1f} s"
        f"{' - ' + note if note else ''}"
    )
    return True
