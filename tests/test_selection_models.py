"""Selection-list models: JSON round trips, and malformed files rejected with their JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from selection_strategies import selection_lists

from pipeline.errors import SelectionError
from pipeline.selection.models import SelectionList
from pipeline.selection.store import (
    dumps_selection,
    load_selection,
    parse_selection,
    save_selection,
)
from pipeline.selection.validate import validate_selection


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(selection_lists())
def test_model_json_model_round_trip(sel: SelectionList) -> None:
    text = dumps_selection(sel)
    again = parse_selection(json.loads(text))
    assert again == sel
    assert dumps_selection(again) == text  # canonical: same content, same bytes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(selection_lists())
def test_generated_lists_are_semantically_valid(sel: SelectionList) -> None:
    assert [i for i in validate_selection(sel) if i.level == "error"] == []


def _minimal(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "paper": {"id": "arXiv:1712.02304"},
        "selection": [{"id": "n4", "description": "four leptons", "expr": "count(leptons) >= 4"}],
        "objects": [{"name": "leptons", "kind": "lepton"}],
    }
    data.update(extra)
    return data


def test_save_and_load(tmp_path: Path) -> None:
    sel = parse_selection(_minimal())
    path = save_selection(sel, tmp_path / "sub" / "sel.json")
    assert load_selection(path) == sel
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (
            lambda d: d["selection"][0].update(op="bigger", variable="pt", value=1, expr=None),
            "$.selection[0].op",
            "is not one of",
        ),
        (
            lambda d: d["selection"][0].update(confidence="high"),
            "$.selection[0].confidence",
            "not of type 'number'",
        ),
        (
            lambda d: d["selection"][0].update(colour="red"),
            "$.selection[0]",
            "Additional properties",
        ),
        (lambda d: d.update(schema_version="2.0.0"), "$.schema_version", "2.0.0"),
        (lambda d: d["paper"].pop("id"), "$.paper", "'id' is a required property"),
        (lambda d: d["objects"][0].update(kind="gluon"), "$.objects[0].kind", "is not one of"),
        (lambda d: d["selection"][0].update(id="has space"), "$.selection[0].id", "does not match"),
    ],
)
def test_schema_errors_name_the_json_path(mutate, path: str, message: str) -> None:  # type: ignore[no-untyped-def]
    data = _minimal()
    mutate(data)
    with pytest.raises(SelectionError, match="schema") as info:
        parse_selection(data)
    assert path in info.value.message and message in info.value.message
    assert info.value.json_path == path


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (
            {"id": "a", "description": "", "variable": "pt", "op": ">", "expr": "pt > 1"},
            "either variable/op/value or expr",
        ),
        (
            {"id": "a", "description": "", "variable": "m", "op": "between", "value": [5, 1]},
            "low < high",
        ),
        (
            {"id": "a", "description": "", "variable": "m", "op": ">", "value": [5, 1]},
            "single number",
        ),
        ({"id": "a", "description": ""}, "needs a machine form"),
        (
            {"id": "a", "description": "", "kind": "select_best", "text": "best"},
            "select_best needs expr",
        ),
        (
            {"id": "a", "description": "", "variable": "pt", "op": ">", "value": 1, "unit": "MeVV"},
            "unknown unit",
        ),
    ],
)
def test_model_rules_are_reported_with_path(cut: dict[str, object], message: str) -> None:
    with pytest.raises(SelectionError, match="model") as info:
        parse_selection(_minimal(selection=[cut]))
    assert message in info.value.message
    assert info.value.json_path == "$.selection[0]"


def test_duplicate_ids_rejected() -> None:
    cut = {"id": "a", "description": "", "expr": "count(leptons) >= 1"}
    with pytest.raises(SelectionError, match="used twice"):
        parse_selection(_minimal(selection=[cut, cut]))


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(SelectionError, match="does not exist"):
        load_selection(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"paper": ', encoding="utf-8")
    with pytest.raises(SelectionError, match="not valid JSON: .* line 1"):
        load_selection(bad)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SelectionError, match="UTF-8"):
        load_selection(binary)
