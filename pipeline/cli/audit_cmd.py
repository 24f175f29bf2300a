"""``reproduce audit RUN`` (re-run verification) and ``reproduce trials PAPER`` (N-trial
stability)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.common import (
    echo_json,
    info,
    lock_wait_options,
    repair_options,
    settings,
    settings_with_wait,
)


@click.command()
@click.argument("run")
@click.option("--json", "as_json", is_flag=True, help="Print the audit report as JSON on stdout.")
@click.option(
    "--no-rerun", is_flag=True, help="Only check inputs and stored outputs against the manifest."
)
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Re-run in this directory and keep it (default: a temporary directory, removed).",
)
@lock_wait_options
@click.pass_context
def audit(
    ctx: click.Context,
    run: str,
    as_json: bool,
    no_rerun: bool,
    keep: Path | None,
    wait_s: float | None,
    no_wait: bool,
) -> None:
    """Verify RUN (a run directory, or <paper-slug>/<run-id> under $REPRO_HOME/outputs) against its
    manifest.json and re-run its deterministic stages; exit 1 on any difference."""
    from pipeline.audit.rerun import audit_run

    run_dir = _run_dir(run, settings(ctx).outputs_dir)
    if keep is not None and keep.exists() and any(keep.iterdir()):
        from pipeline.errors import UsageError

        raise UsageError(f"--keep {keep} is not empty", hint="give a new or empty directory")
    report = audit_run(
        run_dir, settings_with_wait(ctx, wait_s, no_wait), info, do_rerun=not no_rerun, keep=keep
    )
    for warning in report.warnings:
        info(f"warning: {warning}")
    for diff in report.differences:
        info(f"DIFFERENCE {diff.line()}")
    info(
        f"audit {'PASSED' if report.passed else 'FAILED'}: {report.checked_inputs} inputs, "
        f"{report.checked_outputs} outputs{'' if report.rerun else ' (not re-run)'}, "
        f"{len(report.differences)} difference(s), {len(report.excluded)} file(s) excluded, "
        f"{report.seconds:.1f} s"
    )
    if as_json:
        echo_json(report.model_dump(mode="json"))
    sys.exit(0 if report.passed else 1)


def _run_dir(run: str, outputs: Path) -> Path:
    """A directory as given (its manifest is checked by the audit), else a run named under
    ``outputs``."""
    if Path(run).expanduser().is_dir():
        return Path(run).expanduser()
    from pipeline.review.runs import resolve_run

    return resolve_run(run, outputs)


@click.command()
@click.argument("paper")
@click.option(
    "--n",
    "n",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="Number of trials.",
)
@click.option(
    "--backend",
    type=click.Choice(["rules", "llm"]),
    default="llm",
    show_default=True,
    help="Extraction backend.",
)
@click.option(
    "--codegen", type=click.Choice(["compile", "llm"]), default="compile", show_default=True
)
@click.option(
    "--whole-list",
    is_flag=True,
    help="With --backend llm: the model returns the whole selection list (objects, derived "
    "quantities, expressions), not flat cuts.",
)
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    required=True,
    help="ROOT file or directory (repeat for more).",
)
@click.option(
    "--baseline", default=None, help="Baseline for event-level agreement (e.g. hzz4l_paper)."
)
@click.option(
    "--reference",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Reference for recall/precision: a reviewed selection list (.json) or an ADL gold (.adl).",
)
@click.option(
    "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Trials in parallel."
)
@click.option(
    "--id", "trials_id", default=None, help="Name of the study (default: a hash of the options)."
)
@repair_options
@click.pass_context
def trials(
    ctx: click.Context,
    paper: str,
    n: int,
    backend: str,
    codegen: str,
    whole_list: bool,
    data: tuple[Path, ...],
    baseline: str | None,
    reference: Path | None,
    jobs: int,
    trials_id: str | None,
    max_attempts: int,
    timeout: float,
) -> None:
    """Repeat extraction and code generation N times for PAPER and report how stable they are."""
    from pipeline.audit.trials import TrialsOptions, run_trials

    opts = TrialsOptions(
        paper=paper,
        n=n,
        backend=backend,
        codegen=codegen,
        whole_list=whole_list,
        data=list(data),  # type: ignore[arg-type]
        baseline=baseline,
        reference=reference,
        jobs=jobs,
        trials_id=trials_id,
        max_attempts=max_attempts,
        timeout_s=timeout,
    )
    summary = run_trials(opts, settings(ctx), info)
    info(f"trials report: {summary.report_md}")
    echo_json(summary.model_dump(mode="json"))
