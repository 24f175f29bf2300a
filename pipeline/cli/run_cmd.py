"""``reproduce run PAPER`` (also ``reproduce PAPER``): the whole pipeline, resumable."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import (
    echo_json,
    info,
    lock_wait_options,
    repair_options,
    settings_with_wait,
)
from pipeline.rundir import RunDir


@click.command()
@click.argument("paper")
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="ROOT file or directory of one release (repeat for more).",
)
@click.option(
    "--baseline", default=None, help="Hand-written baseline to compare with (e.g. hzz4l_paper)."
)
@click.option(
    "--no-review", is_flag=True, help="Generate code from an unreviewed (extracted) list."
)
@click.option(
    "--reviewed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Use this reviewed selection list.",
)
@click.option(
    "--codegen",
    type=click.Choice(["compile", "llm"]),
    default="compile",
    show_default=True,
    help="Compile the list, or let the model write the script (needs a model).",
)
@click.option(
    "--extract",
    "extract_backend",
    type=click.Choice(["rules", "llm"]),
    default="rules",
    show_default=True,
    help="Extraction backend.",
)
@click.option(
    "--whole-list",
    is_flag=True,
    help="With --extract llm: the model returns the whole selection list (objects, derived, "
    "regions), validated and corrected in up to 2 follow-ups.",
)
@repair_options
@click.option(
    "--run-id", default=None, help="Name of the run directory (default: a hash of the options)."
)
@click.option(
    "--replay",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Replay model calls recorded in an llm_calls.jsonl instead of calling a model.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where the analyses run: chunked local loop, or a Dask LocalCluster (same results).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Dask workers (with --executor dask; default: one per core).",
)
@lock_wait_options
@click.option(
    "--isolation",
    type=click.Choice(["auto", "full", "weak"]),
    default="auto",
    show_default=True,
    help="Sandbox: auto = model-written code needs bubblewrap, compiled code runs with what there "
    "is; full = bubblewrap for everything; weak = accept the unshare fallback (docs/security.md).",
)
@click.option(
    "--step-map",
    "step_map",
    default=None,
    metavar="GEN=BASE,...|FILE",
    help="Align generated cutflow steps with the baseline's whose ids differ (pairs, or a file "
    "with one pair a line); the comparison proposes one from agreeing counts.",
)
@click.pass_context
def run(
    ctx: click.Context,
    paper: str,
    data: tuple[Path, ...],
    baseline: str | None,
    no_review: bool,
    reviewed: Path | None,
    codegen: str,
    extract_backend: str,
    whole_list: bool,
    max_attempts: int,
    timeout: float,
    run_id: str | None,
    replay: Path | None,
    executor: str,
    workers: int | None,
    isolation: str,
    wait_s: float | None,
    no_wait: bool,
    step_map: str | None,
) -> None:
    """Fetch, parse, extract, review gate, generate, execute, compare and report PAPER."""
    from pipeline.compare import read_step_map
    from pipeline.run.options import RunOptions
    from pipeline.run.reproduce import reproduce

    if reviewed is None and paper.lower().endswith(".json") and Path(paper).is_file():
        reviewed = Path(paper)  # a selection list in place of a paper: it is the reviewed list
    opts = RunOptions(
        paper=paper,
        data=list(data),
        baseline=baseline,
        no_review=no_review,
        reviewed=reviewed,
        codegen=codegen,
        extract_backend=extract_backend,
        whole_list=whole_list,
        max_attempts=max_attempts,  # type: ignore[arg-type]
        timeout_s=timeout,
        run_id=run_id,
        replay=replay,
        executor=executor,
        workers=workers,
        isolation=isolation,  # type: ignore[arg-type]
        step_map=read_step_map(step_map),
    )
    run_dir = reproduce(opts, settings_with_wait(ctx, wait_s, no_wait), info)
    info(f"report: {RunDir(run_dir).report_html}")
    echo_json({"run_dir": str(run_dir), "report": str(RunDir(run_dir).report_md)})
