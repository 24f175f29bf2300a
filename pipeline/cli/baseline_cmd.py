"""``reproduce baseline NAME --data FILES --out DIR``: run a hand-written baseline."""

from __future__ import annotations

import click

from pipeline.cli.common import echo_json, info
from pipeline.errors import UsageError


@click.command("baseline")
@click.argument("name", required=False)
@click.argument("files", nargs=-1)
@click.option("--data", "data", multiple=True, help="Input ROOT file or directory (repeatable).")
@click.option("--out", default=None, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--release", default="auto", show_default=True, help="auto, 2025, 2020, nanoaod, ...")
@click.option("--tree", default=None, help="Tree name, when not the release's default.")
@click.option("--list", "list_only", is_flag=True, help="List the baselines and exit.")
@click.option(
    "--executor",
    "executor_name",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where chunks run: this process, or a Dask cluster.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Dask LocalCluster workers (--executor dask; default: CPUs, at most 4).",
)
@click.option(
    "--scheduler", default=None, help="Address of a running Dask scheduler (tcp://HOST:PORT)."
)
def baseline(
    name: str | None,
    files: tuple[str, ...],
    data: tuple[str, ...],
    out: str | None,
    release: str,
    tree: str | None,
    list_only: bool,
    executor_name: str,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Run the hand-written baseline NAME on the input files; prints result.json."""
    from baselines import DESCRIPTIONS, check_name, run_baseline

    if list_only or name is None:
        echo_json(DESCRIPTIONS)
        return
    check_name(name)
    inputs = [*data, *files]
    if not inputs:
        raise UsageError("no input data", hint="pass --data FILE (or a directory), repeatable")
    if out is None:
        raise UsageError("no output directory", hint="pass --out DIR")
    from pipeline.data import open_dataset

    dataset = open_dataset(inputs, release=release, tree=tree)
    info(
        f"{name}: {dataset.n_events} events, release {dataset.release}"
        + (" (SYNTHETIC)" if dataset.synthetic else "")
    )
    from pipeline.executor import get_executor

    with get_executor(executor_name, workers=workers, scheduler=scheduler) as executor:
        result = run_baseline(name, dataset, out, executor=executor)
    echo_json(result.model_dump(mode="json"))
