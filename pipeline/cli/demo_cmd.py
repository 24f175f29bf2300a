"""``reproduce demo``: the whole pipeline offline, no model, no network (about a minute)."""

from __future__ import annotations

import click

from pipeline.cli.common import echo_json, info, lock_wait_options, settings_with_wait
from pipeline.rundir import RunDir


@click.command()
@click.option(
    "--events", type=int, default=60_000, show_default=True, help="Synthetic events to generate."
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Seed of the synthetic samples."
)
@lock_wait_options
@click.pass_context
def demo(ctx: click.Context, events: int, seed: int, wait_s: float | None, no_wait: bool) -> None:
    """Run the pipeline on an example note and synthetic samples the package makes itself."""
    from pipeline.demo import run_demo

    run_dir = run_demo(settings_with_wait(ctx, wait_s, no_wait), info, events=events, seed=seed)
    info(
        f"open {run_dir / 'report.html'} (synthetic samples: the numbers exercise "
        "the pipeline only)"
    )
    echo_json({"run_dir": str(run_dir), "report": str(RunDir(run_dir).report_html)})
