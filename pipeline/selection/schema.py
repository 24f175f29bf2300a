"""The JSON Schema of the selection list, generated from the pydantic models.

``schemas/selection.schema.json`` is checked in so that people and other tools can
validate a file without Python; :func:`check_schema_file` (``reproduce schema
--check`` and a test) fails when the models and the checked-in file drift apart.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.errors import SelectionError
from pipeline.io import canonical_json, write_text_atomic
from pipeline.resources import project_dir
from pipeline.selection.models import SCHEMA_VERSION, SelectionList

SCHEMA_ID = (
    f"https://reproduce-hep.invalid/schemas/selection/{SCHEMA_VERSION}/selection.schema.json"
)
# the checkout's schemas/, or the copy an installed wheel ships (pipeline/resources.py)
SCHEMA_PATH = project_dir("schemas") / "selection.schema.json"


@lru_cache(maxsize=1)
def _generated() -> str:
    schema: dict[str, Any] = SelectionList.model_json_schema(mode="validation")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }
    return canonical_json(schema)


def selection_schema() -> dict[str, Any]:
    """The schema as a dict (a fresh copy: callers may mutate it)."""
    return json.loads(_generated())  # type: ignore[no-any-return]


def write_schema_file(path: Path = SCHEMA_PATH) -> Path:
    return write_text_atomic(path, _generated())


def check_schema_file(path: Path = SCHEMA_PATH) -> None:
    """Raise :class:`SelectionError` when ``path`` differs from the schema the models generate."""
    hint = "run `reproduce schema --write` and commit schemas/selection.schema.json"
    if not path.exists():
        raise SelectionError(f"{path} does not exist", hint=hint)
    if path.read_text(encoding="utf-8") != _generated():
        raise SelectionError(f"{path} is out of date with pipeline/selection/models.py", hint=hint)
