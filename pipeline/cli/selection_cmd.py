"""``reproduce validate | diff | adl | schema``: tools on selection-list files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.common import echo_json, info


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(files: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Check selection-list FILES: schema, models, and meaning (names, scopes, units).

    Exit status 0 when every file is valid, 1 otherwise; the problems are listed.
    """
    from pipeline.errors import SelectionError
    from pipeline.selection.store import load_selection
    from pipeline.selection.validate import validate_selection

    report: dict[str, list[dict[str, object]]] = {}
    failed = False
    for name in files:
        try:
            issues = validate_selection(load_selection(name, check=False))
        except SelectionError as err:
            failed = True
            report[name] = [
                {
                    "level": "error",
                    "path": err.json_path or "$",
                    "message": err.message,
                    "hint": err.hint,
                }
            ]
            continue
        report[name] = [issue.model_dump(exclude_none=True) for issue in issues]
        failed |= any(i.level == "error" or strict for i in issues)
    if as_json:
        echo_json({"valid": not failed, "files": report})
    else:
        for name, problems in report.items():
            errors = sum(1 for p in problems if p["level"] == "error")
            verdict = "invalid" if errors or (strict and problems) else "valid"
            click.echo(f"{name}: {verdict} ({errors} errors, {len(problems) - errors} warnings)")
            for problem in problems:
                click.echo(f"  {problem['level']}: {problem['path']}: {problem['message']}")
                if problem.get("hint"):
                    click.echo(f"      hint: {problem['hint']}")
    sys.exit(1 if failed else 0)


@click.command()
@click.argument("a", type=click.Path(dir_okay=False))
@click.argument("b", type=click.Path(dir_okay=False))
@click.option(
    "--tolerance",
    default=1e-9,
    show_default=True,
    type=float,
    help="Numbers closer than this are equal.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
def diff(a: str, b: str, tolerance: float, as_json: bool) -> None:
    """Semantic diff of two selection lists: cuts added, removed and changed (by id).

    Exit status 0 when they say the same thing, 1 when they differ.
    """
    from pipeline.selection.diff import diff_selections
    from pipeline.selection.store import load_selection

    result = diff_selections(
        load_selection(a, check=False), load_selection(b, check=False), tolerance=tolerance
    )
    if as_json:
        echo_json({"identical": result.identical, **result.model_dump(mode="json")})
    else:
        _print_diff(result)
    sys.exit(0 if result.identical else 1)


def _print_diff(result: object) -> None:
    from pipeline.selection.diff import SelectionDiff

    assert isinstance(result, SelectionDiff)
    if result.identical:
        click.echo("no semantic differences")
        return
    for cid in result.removed:
        click.echo(f"- removed cut {cid}")
    for cid in result.added:
        click.echo(f"+ added cut {cid}")
    for change in result.changed:
        click.echo(f"~ changed cut {change.id} ({change.where})")
        if change.machine_form_changed:
            click.echo(f"    machine form: {change.old_form}  ->  {change.new_form}")
        for field in change.changes:
            click.echo(f"    {field.path}: {field.old!r} -> {field.new!r}")
    if result.cutflow_order_changed and result.cutflow_order:
        click.echo(
            "~ cutflow order: "
            + " ".join(result.cutflow_order[0])
            + "  ->  "
            + " ".join(result.cutflow_order[1])
        )
    for entity in result.entities:
        mark = {"added": "+", "removed": "-"}.get(entity.status, "~")
        click.echo(f"{mark} {entity.status} {entity.kind} {entity.name}")
        for field in entity.changes:
            click.echo(f"    {field.path}: {field.old!r} -> {field.new!r}")


@click.group()
def adl() -> None:
    """Import ADL (CutLang) files as selection lists, or export a selection list to ADL."""


@adl.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the selection list here (default: stdout).",
)
@click.option(
    "--source",
    default=None,
    help="Document id for the provenance (default: the arXiv id in the file).",
)
def adl_import(file: str, out: str | None, source: str | None) -> None:
    """Translate an ADL FILE; what it cannot represent is listed on stderr."""
    from pipeline.errors import SelectionError
    from pipeline.selection.adl import from_adl
    from pipeline.selection.store import dumps_selection, save_selection

    path = Path(file)
    if not path.is_file():
        raise SelectionError(
            f"{file} does not exist or is not a file", hint="give the path of an .adl file"
        )
    sel, missing = from_adl(
        path.read_text(encoding="utf-8", errors="replace"), source=source or path.name
    )
    for item in missing:
        info(f"not represented: {item}")
    for note in sel.notes[1:]:
        info(f"note: {note}")
    cuts = sel.all_cuts()
    represented = sum(cut.executable for cut in cuts)
    share = f"{100 * represented / len(cuts):.0f}%" if cuts else "-"
    info(
        f"{file}: {len(cuts)} cuts ({represented} represented, {share}), {len(missing)} "
        "constructs not represented"
    )
    if out:
        save_selection(sel, out)
        info(f"wrote {out}")
    else:
        click.echo(dumps_selection(sel), nl=False)


@adl.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the ADL here (default: stdout).",
)
def adl_export(file: str, out: str | None) -> None:
    """Write selection-list FILE as ADL (CutLang) text."""
    from pipeline.io import write_text_atomic
    from pipeline.selection.adl import to_adl
    from pipeline.selection.store import load_selection

    text = to_adl(load_selection(file))
    if out:
        write_text_atomic(out, text)
        info(f"wrote {out}")
    else:
        click.echo(text, nl=False)


@click.command()
@click.option(
    "--check", is_flag=True, help="Fail when schemas/selection.schema.json is out of date."
)
@click.option(
    "--write", "write_file", is_flag=True, help="Regenerate schemas/selection.schema.json."
)
def schema(check: bool, write_file: bool) -> None:
    """Print the JSON Schema of selection lists (generated from the models)."""
    from pipeline.selection.schema import (
        SCHEMA_PATH,
        check_schema_file,
        selection_schema,
        write_schema_file,
    )

    if check:
        check_schema_file()
        info(f"{SCHEMA_PATH} is up to date")
    elif write_file:
        info(f"wrote {write_schema_file()}")
    else:
        echo_json(selection_schema())
