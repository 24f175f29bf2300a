"""Stage two as library calls: generate, execute, run a baseline, compare (used by run and CLI)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.codegen import compile_selection
from pipeline.compare import Comparison, compare_outputs
from pipeline.errors import SandboxError, SelectionError
from pipeline.io import write_json_atomic, write_text_atomic
from pipeline.rundir import RunDir
from pipeline.sandbox import Limits, RunResult, run_script
from pipeline.sandbox.isolation import Requirement
from pipeline.sandbox.readback import copy_regular_tree
from pipeline.selection.models import SelectionList


def load_valid_selection(path: Path) -> SelectionList:
    """Load and validate; a list with validation errors never reaches code generation."""
    from pipeline.selection.store import load_selection
    from pipeline.selection.validate import errors_only, validate_selection

    sel = load_selection(path)
    errors = errors_only(validate_selection(sel))
    if errors:
        lines = "; ".join(str(e) for e in errors[:5])
        raise SelectionError(
            f"{path}: the selection list fails validation: {lines}",
            hint=f"fix it (reproduce validate {path}) and generate again",
        )
    return sel


def generate_code(selection: Path, out: Path) -> Path:
    sel = load_valid_selection(selection)
    write_text_atomic(out, compile_selection(sel))
    return out


def execute_code(
    script: Path,
    data: list[Path],
    out_dir: Path,
    *,
    limits: Limits | None = None,
    extra_args: list[str] | None = None,
    requirement: Requirement = "full",
) -> RunResult:
    """Run in a fresh sandbox work dir beside ``out_dir``; the outputs replace ``out_dir`` only on
    success. ``extra_args`` go to the script (e.g. ``--executor dask --workers 2``,
    docs/scaling.md); ``requirement`` is the isolation the code's origin needs
    (:func:`requirement_for`)."""
    attempts = RunDir(out_dir.parent).attempts
    attempts.mkdir(parents=True, exist_ok=True)
    work = attempts / f"{len(list(attempts.iterdir())) + 1:02d}"
    result = run_script(
        script,
        data=data,
        work_dir=work,
        limits=limits,
        extra_args=extra_args,
        requirement=requirement,
    )
    write_json_atomic(work / "verdict.json", result.model_dump(mode="json"))
    if not result.ok:
        ran = result.returncode is not None or result.verdict in ("timeout", "resources")
        # refused before it ran (policy, syntax, names): what to fix is the list, not a log
        found = "" if ran or not result.stderr_tail else ":\n  " + _first_lines(result.stderr_tail)
        raise SandboxError(
            f"the analysis failed in the sandbox ({result.verdict}): {result.reason}{found}",
            kind=result.verdict,
            returncode=result.returncode,
            stderr_tail=result.stderr_tail,
            attempts=1,
            hint=f"see {work}/stderr.txt"
            if ran
            else f"fix {script} where named ({work}/verdict.json)",
        )
    replace_outputs(work / "out", out_dir, limits or Limits())
    return result


def _first_lines(text: str, n: int = 12) -> str:
    lines = text.splitlines()
    more = f"\n  ... and {len(lines) - n} more" if len(lines) > n else ""
    return "\n  ".join(lines[:n]) + more


def replace_outputs(done: Path, out_dir: Path, limits: Limits) -> None:
    """Copy a passing attempt's outputs (regular files only, bounded) into ``out_dir``,
    atomically."""
    tmp = out_dir.with_name(out_dir.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        copy_regular_tree(done, tmp, limits.work_mb << 20)
    except SandboxError as err:
        raise SandboxError(
            f"the analysis outputs cannot be taken over: {err.message}",
            kind="contract",
            hint=f"see {done}",
        ) from err
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)


def run_baseline_outputs(
    name: str,
    data: list[Path],
    out_dir: Path,
    *,
    executor: str = "local",
    workers: int | None = None,
) -> Path:
    from baselines import run_baseline
    from pipeline.data import open_dataset
    from pipeline.executor import get_executor

    with get_executor(executor, workers=workers) as ex:
        run_baseline(name, open_dataset(data), out_dir, executor=ex)
    return out_dir


def compare_dirs(
    generated: Path, baseline: Path, out: Path, *, step_map: dict[str, str] | None = None
) -> Comparison:
    comparison = compare_outputs(generated, baseline, step_map=step_map)
    write_json_atomic(out, comparison.model_dump(mode="json"))
    return comparison


def quarantine_invalid(sel: SelectionList) -> tuple[SelectionList, list[str]]:
    """An unreviewed list with invalid cuts: those cuts keep only words and are not executed.

    Only for ``--no-review`` runs on an extracted list: each cut that fails validation
    becomes text-only (its machine form and the error kept in ``text``), so stage two
    runs the rest and the report lists what was left out. Errors not tied to one cut
    still stop the run.
    """
    from pipeline.selection.expr import cut_expression
    from pipeline.selection.validate import errors_only, validate_selection

    errors = errors_only(validate_selection(sel))
    bad = {e.cut_id: e.message for e in errors if e.cut_id}
    data = sel.model_dump(mode="json")
    cuts = [c for o in data["objects"] for c in o["cuts"]] + data["selection"]
    cuts += [c for region in data["regions"] for c in region["cuts"]]
    for cut in cuts:
        if cut["id"] in bad:
            form = cut_expression(sel_cut(sel, cut["id"]))
            cut.update(
                expr=None,
                variable=None,
                op=None,
                value=None,
                abs=False,
                text=f"{form} (not executed: {bad[cut['id']]})",
            )
    pruned = SelectionList.model_validate(data)
    left = errors_only(validate_selection(pruned))
    if left:
        raise SelectionError(
            f"the selection list fails validation: {'; '.join(map(str, left[:5]))}",
            hint="review and fix it (reproduce review RUN_DIR)",
        )
    return pruned, [f"{k}: {v}" for k, v in sorted(bad.items())]


def sel_cut(sel: SelectionList, cut_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in sel.all_cuts() if c.id == cut_id)
