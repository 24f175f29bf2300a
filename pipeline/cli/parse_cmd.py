"""``reproduce parse PAPER`` and ``reproduce refs PAPER``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pipeline.cli.common import echo_json, info, settings

_BACKEND = click.option(
    "--backend",
    type=click.Choice(["auto", "pymupdf", "latex", "grobid"]),
    default="auto",
    show_default=True,
    help="auto: GROBID if REPRO_GROBID_URL is set, else the LaTeX source if any, else PyMuPDF.",
)


def _document(ctx: click.Context, paper: str, backend: str, tables: bool = False) -> Any:
    from pipeline.parse import load_document, parse_document

    if paper.lower().endswith(".json") and Path(paper).is_file():
        return load_document(paper)
    return parse_document(paper, backend, settings(ctx), detect_tables=tables)


@click.command()
@click.argument("paper")
@_BACKEND
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write document.json here (atomically) instead of printing it.",
)
@click.option(
    "--tables", is_flag=True, help="Also detect tables in the PDF (slow: ~0.5 s per table page)."
)
@click.pass_context
def parse(ctx: click.Context, paper: str, backend: str, out: Path | None, tables: bool) -> None:
    """Parse PAPER (arXiv id, cached paper, local PDF, TEI or LaTeX source) into a Document.

    The paper is fetched first if needed (same cache as `reproduce fetch`).
    """
    from pipeline.parse import write_document

    doc = _document(ctx, paper, backend, tables)
    info(
        f"{doc.source.paper_id}: {len(doc.pages)} pages, {len(doc.sections)} sections, "
        f"{len(doc.references)} references, {len(doc.citations)} citations ({doc.source.backend})"
    )
    for warning in doc.warnings:
        info(f"warning: {warning}")
    if out is None:
        echo_json(doc.model_dump(mode="json"))
    else:
        write_document(doc, out)
        info(f"wrote {out}")


@click.command()
@click.argument("paper")
@_BACKEND
@click.option(
    "--fetch",
    "fetch_cited",
    is_flag=True,
    help="Fetch every cited paper that has an arXiv id into the cache.",
)
@click.pass_context
def refs(ctx: click.Context, paper: str, backend: str, fetch_cited: bool) -> None:
    """List the references of PAPER with their arXiv ids and DOIs (JSON on stdout)."""
    from pipeline.errors import FetchError, ReproError
    from pipeline.fetch import fetch_paper

    doc = _document(ctx, paper, backend)
    cited = {key for c in doc.citations for key in c.keys}
    rows = [
        {
            "key": r.key,
            "arxiv_id": r.arxiv_id,
            "doi": r.doi,
            "title": r.title,
            "text": r.text,
            "cited": r.key in cited,
        }
        for r in doc.references
    ]
    failures = 0
    if fetch_cited:
        for row in rows:
            if not row["arxiv_id"]:
                continue
            try:
                entry = fetch_paper(f"arXiv:{row['arxiv_id']}", settings(ctx))
                row["cache"] = str(entry.dir)
            except ReproError as err:
                failures += 1
                row["fetch_error"] = err.message
                info(f"[{row['key']}] arXiv:{row['arxiv_id']}: {err.message}")
    info(
        f"{len(rows)} references, {sum(1 for r in rows if r['arxiv_id'])} with arXiv ids, "
        f"{sum(1 for r in rows if r['doi'])} with DOIs"
    )
    echo_json(rows)
    if failures:
        raise FetchError(
            f"{failures} cited paper(s) could not be fetched",
            hint="see fetch_error in the output; retry later or use --mirror",
        )
