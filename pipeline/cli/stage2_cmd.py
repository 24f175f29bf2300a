"""``reproduce generate | execute | compare``: stage two one step at a time."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import echo_json, info


@click.command()
@click.argument("selection", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("analysis.py"),
    show_default=True,
    help="Where to write the analysis script.",
)
def generate(selection: Path, out: Path) -> None:
    """Compile a (validated) selection list into an analysis script."""
    from pipeline.run.stage2 import generate_code

    generate_code(selection, out)
    info(f"wrote {out}")


@click.command()
@click.argument("script", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--data",
    "data",
    multiple=True,
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="ROOT file or directory (repeat for more).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Output directory for the contract files.",
)
@click.option(
    "--timeout", type=float, default=300.0, show_default=True, help="Wall-clock limit in seconds."
)
@click.option("--memory-mb", type=int, default=6144, show_default=True, help="Memory limit.")
@click.option(
    "--executor",
    "executor_name",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local, or a Dask LocalCluster inside the sandbox (docs/scaling.md).",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="Dask workers (--executor dask)."
)
@click.option(
    "--isolation",
    type=click.Choice(["full", "weak"]),
    default="full",
    show_default=True,
    help="full: bubblewrap or refuse; weak: accept the unshare fallback (reads are not blocked).",
)
def execute(
    script: Path,
    data: tuple[Path, ...],
    out: Path,
    timeout: float,
    memory_mb: int,
    executor_name: str,
    workers: int | None,
    isolation: str,
) -> None:
    """Run an analysis script in the sandbox; outputs appear in OUT only when it succeeds.

    The script is treated as untrusted (it may be model-written): it runs only with full
    isolation (bubblewrap) unless --isolation weak accepts the fallback (docs/security.md).
    """
    from pipeline.errors import UsageError
    from pipeline.run.stage2 import execute_code
    from pipeline.sandbox import Limits
    from pipeline.sandbox.isolation import requirement_for

    if workers is not None and executor_name != "dask":
        raise UsageError("--workers needs --executor dask")
    from pipeline.run.preflight import check_data_path

    for (
        path
    ) in data:  # an empty or non-ROOT --data is said here, not as a traceback from the sandbox
        check_data_path(path)
    # no --scheduler here: the sandbox has no network (docs/scaling.md, sandboxing)
    extra = [] if executor_name == "local" else ["--executor", executor_name]
    extra += ["--workers", str(workers)] if workers else []
    result = execute_code(
        script,
        list(data),
        out,
        limits=Limits(timeout_s=timeout, memory_mb=memory_mb),
        extra_args=extra,
        requirement=requirement_for(isolation, model_code=True),
    )
    for warning in result.warnings:
        info(f"warning: {warning}")
    echo_json(result.model_dump(mode="json"))


@click.command()
@click.argument("generated", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("baseline", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the comparison JSON here.",
)
@click.option(
    "--step-map",
    "step_map",
    default=None,
    metavar="GEN=BASE,...|FILE",
    help="Align cutflow steps whose ids differ: generated_id=baseline_id pairs, comma-separated "
    "(or a file of them, one per line).",
)
def compare(generated: Path, baseline: Path, out: Path | None, step_map: str | None) -> None:
    """Compare two contract output directories: cutflow, events, yields, histogram, verdict."""
    from pipeline.compare import compare_outputs, parse_step_map
    from pipeline.io import write_json_atomic

    if step_map is not None and Path(step_map).is_file():
        step_map = ",".join(
            line.strip() for line in Path(step_map).read_text().splitlines() if line.strip()
        )
    comparison = compare_outputs(generated, baseline, step_map=parse_step_map(step_map))
    if out is not None:
        write_json_atomic(out, comparison.model_dump(mode="json"))
    info(f"verdict: {comparison.verdict} - {comparison.reason}")
    echo_json(comparison.model_dump(mode="json"))
