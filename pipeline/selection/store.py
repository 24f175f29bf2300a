"""Reading and writing selection-list files: schema, then models, then meaning.

Loading runs three gates in order so that each error is reported in the terms that
fit it: the JSON Schema (``$.selection[3].op: 'bigger' is not one of ...``), the
pydantic models (cross-field rules such as 'between needs [low, high]'), and the
semantic checks of :mod:`pipeline.selection.validate`. Writing is canonical JSON,
atomically, so an interrupted save never leaves half a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import ValidationError

from pipeline.errors import SelectionError
from pipeline.io import canonical_json, loads_bounded, write_text_atomic
from pipeline.selection.models import SelectionList
from pipeline.selection.schema import selection_schema
from pipeline.selection.validate import errors_only, validate_selection

_MAX_LISTED = 15


def _model_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location in the notation of jsonschema's ``json_path``.

    ``('selection', 3, 'op')`` -> ``$.selection[3].op``; the schema's own errors use
    ``error.json_path`` directly.
    """
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def schema_problems(data: Any) -> list[tuple[str, str]]:
    """``(json path, message)`` for every JSON-Schema violation of ``data``, in path order."""
    validator = Draft202012Validator(selection_schema())
    problems = []
    for error in validator.iter_errors(data):
        # anyOf failures say little; the deepest sub-error says what was wrong
        best = min(error.context, key=lambda e: -len(e.absolute_path)) if error.context else error
        message = best.message
        if (
            isinstance(best.instance, str | int | float | bool)
            and repr(best.instance) not in message
        ):
            message += f" (got {best.instance!r})"
        problems.append((best.json_path, message))
    return sorted(set(problems))


def _raise(problems: list[tuple[str, str]], source: str, stage: str) -> None:
    listed = "\n".join(f"  {path}: {message}" for path, message in problems[:_MAX_LISTED])
    more = f"\n  ... and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
    raise SelectionError(
        f"{source} is not a valid selection list ({stage}):\n{listed}{more}",
        json_path=problems[0][0],
        hint="fix the fields named above; the format is schemas/selection.schema.json",
    )


def parse_selection(data: Any, *, source: str = "<selection>", check: bool = True) -> SelectionList:
    """A :class:`SelectionList` from parsed JSON; ``check`` also runs the semantic checks."""
    problems = schema_problems(data)
    if problems:
        _raise(problems, source, "schema")
    try:
        sel = SelectionList.model_validate(data)
    except ValidationError as err:
        _raise([(_model_path(e["loc"]), e["msg"]) for e in err.errors()], source, "model")
    if check:
        errors = errors_only(validate_selection(sel))
        if errors:
            _raise(
                [(e.path, e.message + (f" ({e.hint})" if e.hint else "")) for e in errors],
                source,
                "meaning",
            )
    return sel


def read_json(path: str | os.PathLike[str]) -> Any:
    file = Path(path)
    if not file.is_file():
        raise SelectionError(f"{file} does not exist or is not a file", hint="check the path")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SelectionError(
            f"{file} is not UTF-8 text", hint="a selection list is a JSON file"
        ) from err
    return loads_bounded(text, source=str(file))


def load_selection(path: str | os.PathLike[str], *, check: bool = True) -> SelectionList:
    """Load and validate a selection-list file (schema, models, and with ``check`` meaning)."""
    return parse_selection(read_json(path), source=str(path), check=check)


def selection_json(sel: SelectionList) -> dict[str, Any]:
    """The canonical JSON form (``None`` fields omitted)."""
    return sel.model_dump(mode="json", exclude_none=True)


def dumps_selection(sel: SelectionList) -> str:
    return canonical_json(selection_json(sel))


def save_selection(sel: SelectionList, path: str | os.PathLike[str]) -> Path:
    """Write ``sel`` as canonical JSON, atomically."""
    return write_text_atomic(path, dumps_selection(sel))
