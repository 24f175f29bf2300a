"""``reproduce show FILE``: a selection list as a cutflow table, or a parsed paper."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import click


def _is_selection(path: Path) -> bool:
    """A JSON object that looks like a selection list (a paper and a cutflow or objects)."""
    from pipeline.errors import SelectionError
    from pipeline.io import loads_bounded

    if path.suffix.lower() != ".json":
        return False
    try:
        data = loads_bounded(path.read_text(encoding="utf-8"), source=str(path))
    except UnicodeDecodeError:
        return False
    except SelectionError as err:
        if err.json_path is not None:  # nested too deep: neither a selection list nor a document
            raise
        return False
    return isinstance(data, dict) and "paper" in data and ("selection" in data or "objects" in data)


def _console(width: int | None) -> Any:
    from rich.console import Console

    if width is None and not sys.stdout.isatty():
        width = max(shutil.get_terminal_size((160, 40)).columns, 160)
    return Console(width=width, soft_wrap=False)


def _show_document(path: Path, console: Any) -> None:
    from pipeline.errors import UsageError

    try:
        from pipeline import parse
        from pipeline.parse.show import render_document
    except ImportError as err:
        raise UsageError(
            f"{path} is not a selection list, and showing documents needs pipeline.parse.show "
            f"({err})",
            hint="give a selection-list JSON file, or install the parse stage",
        ) from err
    loader_name = "load_document" if path.suffix.lower() == ".json" else "parse_document"
    loader = getattr(parse, loader_name, None)
    if loader is None:
        raise UsageError(
            f"pipeline.parse has no {loader_name}(); cannot show {path}",
            hint="give a selection-list JSON file",
        )
    rendered = render_document(loader(path))
    if rendered is not None:
        console.print(rendered)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--width",
    type=int,
    default=None,
    help="Table width in characters (default: the terminal, 160 when piped).",
)
def show(file: str, width: int | None) -> None:
    """Show FILE readably: a selection list as its cutflow with provenance, or a paper/document."""
    from pipeline.errors import UsageError

    path = Path(file)
    if not path.is_file():
        raise UsageError(
            f"{file} does not exist or is not a file",
            hint="give a selection-list JSON, a document JSON or a PDF",
        )
    console = _console(width)
    if _is_selection(path):
        from pipeline.selection.render import render_selection
        from pipeline.selection.store import load_selection

        render_selection(load_selection(path, check=False), console)
    else:
        _show_document(path, console)
