"""``reproduce fetch PAPER``: put a paper (metadata, PDF, LaTeX source) into the cache."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from pipeline.cli.common import echo_json, info, settings


@click.command()
@click.argument("paper")
@click.option("--refresh", is_flag=True, help="Download again even if the paper is cached.")
@click.option(
    "--mirror",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A directory laid out like the cache, used before the network (default: $REPRO_MIRROR).",
)
@click.pass_context
def fetch(ctx: click.Context, paper: str, refresh: bool, mirror: Path | None) -> None:
    """Fetch PAPER (arXiv:ID, ID, old-style ID, abs/pdf URL, DOI, or a local PDF path).

    Prints the cache entry as JSON; the files land in $REPRO_HOME/papers/<slug>/.
    """
    from pipeline.fetch import fetch_paper

    config = settings(ctx)
    if mirror is not None:
        config = replace(config, mirror=mirror)
    entry = fetch_paper(paper, config, refresh=refresh)
    info(
        f"{entry.paper_id}: {entry.meta.title or '(no title)'} -> {entry.dir} ({entry.meta.origin})"
    )
    echo_json(entry.model_dump(mode="json"))
