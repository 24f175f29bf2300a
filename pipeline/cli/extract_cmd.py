"""``reproduce extract PAPER``: a paper (PDF, document.json or paper id) -> selection.json."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from pipeline.cli.common import echo_json, info, settings
from pipeline.config import Settings
from pipeline.errors import ExtractionError, UsageError
from pipeline.parse.document import Document


def load_paper(paper: str, config: Settings) -> Document:
    """A Document from a document.json, a PDF, or a paper id (fetched and parsed)."""
    path = Path(paper)
    if path.suffix.lower() in (".json", ".pdf") and not path.is_file():
        raise UsageError(
            f"{path} does not exist", hint="give an existing PDF, a document.json, or a paper id"
        )
    if path.suffix == ".json":
        try:
            return Document.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError as err:
            raise UsageError(
                f"{path} is not a parsed document (document.json): {str(err)[:300]}",
                hint="give a PDF, a paper id, or the document.json written by 'reproduce parse'",
            ) from err
    try:
        from pipeline.parse import parse_document  # type: ignore[attr-defined]
    except ImportError as err:
        raise UsageError(
            "the PDF parser is not available in this installation",
            hint="pass a document.json written by 'reproduce parse'",
        ) from err
    if path.suffix.lower() == ".pdf":
        return parse_document(path)  # type: ignore[no-any-return]
    from pipeline.fetch import fetch_paper

    return parse_document(fetch_paper(paper, config).pdf_path)  # type: ignore[no-any-return]


@click.command()
@click.argument("paper")
@click.option(
    "--backend",
    type=click.Choice(["rules", "llm"]),
    default=None,
    help="Extractor. Default: llm when a model is configured (or --replay is given), else rules.",
)
@click.option(
    "--samples",
    type=click.IntRange(1, 20),
    default=1,
    show_default=True,
    help="Independent extractions to merge; each cut gets an agreement score.",
)
@click.option(
    "--replay",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Answer model calls from a recorded llm_calls.jsonl instead of a server.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the selection list (JSON).",
)
@click.option(
    "--run-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where llm_calls.jsonl and partial results go. Default: the directory of --out.",
)
@click.option(
    "--cited-depth",
    type=click.IntRange(0, 3),
    default=1,
    show_default=True,
    help="How many levels of cited papers to follow for deferred definitions (0: none).",
)
@click.option(
    "--whole-list",
    is_flag=True,
    default=False,
    help="LLM only: ask the model for the whole selection list (objects, derived quantities, "
    "cutflow, regions), validated like a hand-written list; errors are fed back (2 follow-ups), "
    "what still fails becomes text-only or unresolved. Replay needs the same flag.",
)
@click.pass_context
def extract(
    ctx: click.Context,
    paper: str,
    backend: Literal["rules", "llm"] | None,
    samples: int,
    replay: Path | None,
    out: Path,
    run_dir: Path | None,
    cited_depth: int,
    whole_list: bool,
) -> None:
    """Extract the selection list of PAPER, every cut grounded in the text.

    \b
    reproduce extract paper.pdf --out selection.json                 # rule-based, offline
    reproduce extract arXiv:1712.02304 --backend llm --samples 3 --out sel.json
    reproduce extract document.json --replay run/llm_calls.jsonl --out sel.json
    reproduce extract paper.pdf --backend llm --whole-list --out sel.json
    """
    from pipeline.extract import ExtractionIncomplete, extract_selection, grounding_summary
    from pipeline.extract.whole_list import whole_list_mode
    from pipeline.selection.store import save_selection

    config = settings(ctx)
    chosen = backend or ("llm" if (replay is not None or config.llm_configured) else "rules")
    if replay is not None and chosen != "llm":
        raise UsageError("--replay replays model calls, so it needs --backend llm")
    if whole_list and chosen != "llm":
        raise UsageError(
            "--whole-list asks a model for the whole list, so it needs --backend llm",
            hint="configure a model (REPRO_LLM_BASE_URL, REPRO_LLM_MODEL) or pass --replay FILE",
        )
    doc = load_paper(paper, config)
    run_dir = run_dir or out.resolve().parent
    mode = " (whole list)" if whole_list else ""
    info(f"extracting {doc.source.paper_id} with the {chosen} extractor{mode} ...")
    try:
        with whole_list_mode(whole_list):
            sel = extract_selection(
                doc,
                backend=chosen,
                settings=config,
                samples=samples,  # type: ignore[arg-type]
                run_dir=run_dir if chosen == "llm" else None,
                replay=replay,
                cited_depth=cited_depth,
            )
    except ExtractionIncomplete as err:
        raise ExtractionError(err.message, hint=err.hint) from err
    save_selection(sel, out)
    summary = grounding_summary(sel)
    for note in sel.notes:
        info(f"note: {note}")
    echo_json(
        {
            "out": str(out),
            "paper": sel.paper.id,
            "producer": sel.producer,
            "complete": sel.complete,
            "objects": [o.name for o in sel.objects],
            **summary,
            "unresolved": [u.reference or u.id for u in sel.unresolved],
        }
    )
