"""The checked-in JSON Schema must be exactly what the models generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from pipeline.errors import SelectionError
from pipeline.selection.schema import (
    SCHEMA_PATH,
    check_schema_file,
    selection_schema,
    write_schema_file,
)


def test_checked_in_schema_matches_models() -> None:
    check_schema_file()  # raises with the regeneration hint when models and schema drift


def test_drift_is_detected(tmp_path: Path) -> None:
    stale = tmp_path / "selection.schema.json"
    data = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    data["$defs"]["Cut"]["properties"].pop("reviewer_note")
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SelectionError, match="out of date") as info:
        check_schema_file(stale)
    assert "reproduce schema --write" in (info.value.hint or "")
    with pytest.raises(SelectionError, match="does not exist"):
        check_schema_file(tmp_path / "none.json")
    write_schema_file(stale)
    check_schema_file(stale)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = selection_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["enum"] == ["1.0.0", "1.1.0"]
    assert schema["additionalProperties"] is False
