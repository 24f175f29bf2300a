"""``reproduce audit RUN``: is the run what its manifest says, and does it come out the same again?

Three checks, in order:

1. **inputs** - every input recorded in the manifest (paper, cited papers, data, reviewed
   list and review versions, recorded model calls, hints/prompts when a model was used)
   still has its sha256; a changed required input fails the audit *before* anything is
   re-run, and is named.
2. **stored outputs** - the run directory's outputs still have the hashes of the manifest
   (an edited ``events.csv`` is named with the stage that wrote it).
3. **re-run** - the stages run again in a fresh temporary directory from the manifest's
   options: parse, extraction (model answers replayed from ``llm_calls.jsonl``, never a
   live model), code generation (replayed likewise), sandbox, baseline, compare, report;
   every output hash must match. Files listed in the manifest's ``excluded`` (timings,
   absolute paths) are not compared.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.config import Settings
from pipeline.errors import ReproError
from pipeline.io import sha256_file
from pipeline.locks import hold
from pipeline.run.manifest import PIPELINE, environment, load_manifest, outputs_and_code
from pipeline.run.manifest_models import InputFile, Manifest, OutputFile
from pipeline.run.options import RunOptions
from pipeline.run.stages import STAGES, Run, first_not_done
from pipeline.rundir import RunDir

Progress = Callable[[str], None]
Kind = Literal[
    "input_changed",
    "input_missing",
    "stored_output_changed",
    "stored_output_missing",
    "rerun_output_changed",
    "rerun_output_missing",
    "rerun_output_extra",
    "rerun_failed",
    "code_changed",
]


class Difference(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    path: str
    stage: str | None = Field(
        None, description="the stage that produces the file (None for inputs)"
    )
    role: str | None = Field(None, description="the input's role (data, paper_pdf, ...)")
    expected: str | None = None
    actual: str | None = None

    def line(self) -> str:
        where = f" (stage {self.stage})" if self.stage else f" ({self.role})" if self.role else ""
        hashes = (
            f": expected {self.expected[:12]}, got {self.actual[:12]}"
            if self.expected and self.actual
            else ""
        )
        return f"{self.kind}: {self.path}{where}{hashes}"


class AuditReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_dir: str
    passed: bool
    checked_inputs: int
    checked_outputs: int
    rerun: bool = Field(description="whether the stages were re-run (not when an input changed)")
    differences: list[Difference] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    excluded: dict[str, str] = Field(
        default_factory=dict, description="files not compared, with the reason"
    )
    rerun_dir: str | None = None
    seconds: float = 0.0


def input_path(entry: InputFile, run_dir: Path, home: Path, location: str | None = None) -> Path:
    """Where an input is now: under the audited run, the current REPRO_HOME or package, else
    where it was read."""
    roots = {"run": run_dir, "home": home, "package": PIPELINE}
    if entry.scope in roots:
        return roots[entry.scope] / entry.path
    return (
        Path(location) if location else Path(entry.path)
    )  # manifests before 2.1 recorded absolute paths


def check_inputs(
    manifest: Manifest, run_dir: Path, home: Path
) -> tuple[list[Difference], list[str]]:
    """Changed/missing required inputs as differences; optional ones (hints without a model) as
    warnings."""
    differences: list[Difference] = []
    warnings: list[str] = []
    locations = manifest.volatile.input_locations
    for index, entry in enumerate(manifest.inputs):
        path = input_path(
            entry, run_dir, home, locations[index] if index < len(locations) else None
        )
        # read now, never io.sha256_input: an audit does not trust the input hash cache
        actual = sha256_file(path) if path.is_file() else None
        if actual == entry.sha256:
            continue
        shown = entry.path if entry.scope == "run" else str(path)
        diff = Difference(
            kind="input_changed" if actual else "input_missing",
            path=shown,
            role=entry.role,
            expected=entry.sha256,
            actual=actual,
        )
        if entry.required:
            differences.append(diff)
        else:
            warnings.append(f"{diff.line()} (not used by this run)")
    return differences, warnings


def check_stored(manifest: Manifest, run_dir: Path) -> list[Difference]:
    found = []
    for rel, out in manifest.outputs.items():
        path = run_dir / rel
        actual = sha256_file(path) if path.is_file() else None
        if actual != out.sha256:
            found.append(
                Difference(
                    kind="stored_output_changed" if actual else "stored_output_missing",
                    path=rel,
                    stage=out.stage,
                    expected=out.sha256,
                    actual=actual,
                )
            )
    return found


def environment_warnings(manifest: Manifest) -> list[str]:
    now = environment().model_dump()
    then = manifest.environment.model_dump()
    return [f"environment: {k} was {then[k]!r}, now {now[k]!r}" for k in then if then[k] != now[k]]


def compare_outputs(manifest: Manifest, got: dict[str, OutputFile]) -> list[Difference]:
    found = []
    for rel, out in manifest.outputs.items():
        new = got.get(rel)
        if new is None:
            found.append(
                Difference(
                    kind="rerun_output_missing", path=rel, stage=out.stage, expected=out.sha256
                )
            )
        elif new.sha256 != out.sha256:
            found.append(
                Difference(
                    kind="rerun_output_changed",
                    path=rel,
                    stage=out.stage,
                    expected=out.sha256,
                    actual=new.sha256,
                )
            )
    found += [
        Difference(kind="rerun_output_extra", path=rel, stage=new.stage, actual=new.sha256)
        for rel, new in got.items()
        if rel not in manifest.outputs
    ]
    return found


def run_options(manifest: Manifest) -> RunOptions:
    """The options to re-run with: resolved paths (volatile; manifests before 2.1 had them in
    options)."""
    return manifest.volatile.options or manifest.options


def _prepare(manifest: Manifest, run_dir: Path, work: Path) -> Path | None:
    """Copy the human inputs into the fresh run dir; returns the recorded calls to replay."""
    work.mkdir(parents=True)
    for entry in manifest.inputs:
        if entry.scope == "run" and entry.role != "llm_calls":
            (work / entry.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(run_dir / entry.path, work / entry.path)
    recorded = RunDir(run_dir).llm_calls
    if recorded.is_file():
        copy = work.parent / "recorded_llm_calls.jsonl"
        shutil.copyfile(recorded, copy)
        return copy
    return run_options(manifest).replay


def rerun(
    manifest: Manifest, run_dir: Path, work: Path, settings: Settings, progress: Progress
) -> tuple[dict[str, OutputFile], list[Difference]]:
    """Run the stages again in ``work``; the outputs it made and a failure, if any."""
    replay = _prepare(manifest, run_dir, work)
    opts = run_options(manifest).model_copy(update={"replay": replay})
    # never a live model in an audit: a request the recording lacks must fail, not be answered anew;
    # and no download: the paper comes from the cache whose hash was just checked (a closed local
    # port)
    offline = replace(
        settings,
        llm_base_url=None,
        llm_api_key=None,
        llm_model=None,
        mirror=None,
        arxiv_api_url="http://127.0.0.1:9/api/query",
        arxiv_export_url="http://127.0.0.1:9",
    )
    run = Run(opts, offline, lambda msg: progress(f"  re-run {msg}"), run_dir=work)
    failures: list[Difference] = []
    try:
        for stage in STAGES:  # the table `reproduce` runs
            run.run(stage)
    except ReproError as err:
        failures.append(
            Difference(
                kind="rerun_failed",
                path=str(work),
                stage=first_not_done(run),
                actual=err.message.splitlines()[0][:300],
            )
        )
    outputs, _, code = outputs_and_code(work, run.state, opts)
    recorded = {c.path: c.sha256 for c in manifest.code}
    failures += [
        Difference(
            kind="code_changed",
            path=c.path,
            stage="generate",
            expected=recorded[c.path],
            actual=c.sha256,
        )
        for c in code
        if c.path in recorded and recorded[c.path] != c.sha256
    ]
    return outputs, failures


def audit_run(
    run_dir: Path,
    settings: Settings,
    progress: Progress,
    *,
    do_rerun: bool = True,
    keep: Path | None = None,
) -> AuditReport:
    """Check inputs, stored outputs, then re-run and compare (see the module docstring), holding
    the run's lock so that no run writes the directory meanwhile."""
    run_dir = run_dir.resolve()
    with hold(run_dir, what="run", wait_s=settings.lock_wait, progress=progress):
        return _audit_locked(run_dir, settings, progress, do_rerun=do_rerun, keep=keep)


def _audit_locked(
    run_dir: Path, settings: Settings, progress: Progress, *, do_rerun: bool, keep: Path | None
) -> AuditReport:
    start = time.monotonic()
    manifest = load_manifest(run_dir)
    progress(f"audit {run_dir}: {len(manifest.inputs)} inputs, {len(manifest.outputs)} outputs")
    differences, warnings = check_inputs(manifest, run_dir, settings.home)
    warnings += environment_warnings(manifest)
    report = AuditReport(
        run_dir=str(run_dir),
        passed=False,
        checked_inputs=len(manifest.inputs),
        checked_outputs=len(manifest.outputs),
        rerun=False,
        warnings=warnings,
        excluded=manifest.excluded,
    )
    if differences:
        progress(
            f"inputs changed since the run: {', '.join(d.path for d in differences)}; "
            "not re-running"
        )
        report.differences = differences
        report.seconds = round(time.monotonic() - start, 3)
        return report
    progress("inputs: all unchanged")
    report.differences = check_stored(manifest, run_dir)
    if do_rerun:
        parent = keep or Path(tempfile.mkdtemp(prefix="reproduce-audit-"))
        try:
            got, failures = rerun(manifest, run_dir, parent / manifest.run_id, settings, progress)
            report.differences += failures + compare_outputs(manifest, got)
        finally:
            if keep is None:
                shutil.rmtree(parent, ignore_errors=True)
        report.rerun, report.rerun_dir = True, str(parent / manifest.run_id) if keep else None
    report.passed = not report.differences
    report.seconds = round(time.monotonic() - start, 3)
    return report
