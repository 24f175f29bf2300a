"""Parser and expression bombs: deep JSON, huge expressions, towers of powers.

Each is refused with a message naming the JSON path, never a traceback, and fast. The CLI
tests run ``reproduce`` as a subprocess, as a user does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import SelectionError
from pipeline.io import loads_bounded
from pipeline.selection.expr import (
    MAX_EXPONENT,
    MAX_EXPR_CHARS,
    MAX_EXPR_DEPTH,
    MAX_EXPR_NODES,
    parse,
)
from pipeline.selection.store import parse_selection
from pipeline.selection.validate import validate_selection

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "pipeline" / "demo" / "selection.reviewed.json"
WINDOW = 14  # index of the mass-window cut ('118 < m4l < 129') in the demo cutflow


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def demo_with(expr: str) -> dict[str, Any]:
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    assert data["selection"][WINDOW]["expr"] == "118 < m4l < 129"
    data["selection"][WINDOW]["expr"] = expr
    return data


def _refused(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    shown = result.stdout + result.stderr
    for needle in needles:
        assert needle in shown, shown[-2000:]


NESTED = {
    "arrays": "[" * 100_000 + "]" * 100_000,
    "objects": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "unclosed": "[" * 100_000,
    "inside a list": '{"paper": {"id": "x"}, "selection": [{"id": "a", "value": '
    + "[" * 5000
    + "]" * 5000
    + "}]}",
}

EXPRESSIONS = {
    "20,000 terms": " + ".join(["m4l"] * 20_000) + " > 1",
    "tower of powers": "m4l < 10**10**10",
    "huge exponent": "m4l ** 1000 > 1",
    "20,000 signs": "-" * 20_000 + "m4l > 1",
    "folded overflow": "m4l < ((((10**64)**64)**64)**64)**64",
}


@pytest.mark.parametrize("command", ["validate", "generate", "show", "diff"])
@pytest.mark.parametrize("name", list(NESTED))
def test_cli_refuses_deeply_nested_json(tmp_path: Path, command: str, name: str) -> None:
    path = tmp_path / "nested.json"
    path.write_text(NESTED[name], encoding="utf-8")
    args = {
        "validate": [str(path)],
        "generate": [str(path), "-o", str(tmp_path / "a.py")],
        "show": [str(path)],
        "diff": [str(path), str(DEMO)],
    }[command]
    result = run(command, *args, cwd=tmp_path)
    _refused(result, "nested deeper than 64 levels at $")
    assert not (tmp_path / "a.py").exists()


def test_nested_path_names_the_field() -> None:
    with pytest.raises(SelectionError) as info:
        loads_bounded(NESTED["inside a list"], source="list.json")
    assert info.value.json_path is not None and info.value.json_path.startswith(
        "$.selection[0].value[0]"
    )
    assert "list.json" in info.value.message


@pytest.mark.parametrize("name", list(EXPRESSIONS))
def test_validate_refuses_expression_bombs(tmp_path: Path, name: str) -> None:
    path = tmp_path / "bomb.json"
    path.write_text(json.dumps(demo_with(EXPRESSIONS[name])), encoding="utf-8")
    start = time.monotonic()
    result = run("validate", str(path), cwd=tmp_path)
    _refused(result, f"$.selection[{WINDOW}].expr")
    assert time.monotonic() - start < 30
    generated = run("generate", str(path), "-o", str(tmp_path / "a.py"), cwd=tmp_path)
    _refused(generated, f"$.selection[{WINDOW}].expr")
    assert not (tmp_path / "a.py").exists()


# ---- the limits, one by one ------------------------------------------------------------------


def test_loads_bounded_depth_limit() -> None:
    assert loads_bounded("[" * 64 + "]" * 64, source="x") is not None
    with pytest.raises(SelectionError, match="nested deeper than 64"):
        loads_bounded("[" * 65 + "]" * 65, source="x")
    with pytest.raises(SelectionError, match="nested deeper than 3"):
        loads_bounded('{"a": {"b": [[1]]}}', source="x", max_depth=3)


@pytest.mark.parametrize(
    "text", ['"' + "[" * 200 + '"', '["\\"[[[[[[[[", "]]]]"]', '{"[[[[": "{{{{{{"}']
)
def test_brackets_inside_strings_do_not_count(text: str) -> None:
    assert loads_bounded(text, source="x", max_depth=2) == json.loads(text)


@pytest.mark.parametrize("text", ["{", "[1,]", "1" * 5000, '{"a": 1} x'])
def test_loads_bounded_malformed_is_a_selection_error(text: str) -> None:
    with pytest.raises(SelectionError, match="JSON"):
        loads_bounded(text, source="x")


def test_expression_character_limit() -> None:
    parse("m4l >" + " " * (MAX_EXPR_CHARS - 6) + "1")
    with pytest.raises(SelectionError, match=f"longer than {MAX_EXPR_CHARS} characters"):
        parse("m4l >" + " " * (MAX_EXPR_CHARS - 5) + "1")


def test_expression_node_limit() -> None:
    # x < x < x ...: three nodes per two characters, one level deep
    parse("x" + "<x" * 200)
    chain = "x" + "<x" * (MAX_EXPR_NODES // 2)
    assert len(chain) <= MAX_EXPR_CHARS
    with pytest.raises(SelectionError, match=f"more than {MAX_EXPR_NODES} parts"):
        parse(chain)


def test_expression_depth_limit() -> None:
    ok = "x" + " + x" * (MAX_EXPR_DEPTH - 4) + " > 1"
    parse(ok)
    with pytest.raises(SelectionError, match=f"nested more than {MAX_EXPR_DEPTH} levels"):
        parse("x" + " + x" * MAX_EXPR_DEPTH + " > 1")
    with pytest.raises(SelectionError, match="nested"):
        parse("-" * 1500 + "x > 1")


@pytest.mark.parametrize(
    "text",
    [
        "x ** 64 > 1",
        "x ** -64 > 1",
        "x ** (2 * 32) > 1",
        "2 ** 10 ** 1 < x",
        "x ** 0.5 < 1",
        "x ** y > 1",
        "10 ** 64 > x",
        "1e300 > x",
    ],
)
def test_exponents_within_bounds(text: str) -> None:
    parse(text)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("x ** 65 > 1", "exponent"),
        ("x ** -65 > 1", "exponent"),
        ("x ** (8 * 9) > 1", "exponent"),
        ("x < 10 ** 10 ** 10", "exponent"),
        ("10 ** 300 > x", "exponent"),
        ("x < (10 ** 64) ** 64", "too large"),
        ("x < 1e300 * 1e300", "too large"),
        ("x < 9" + "9" * 400 + " ** 2", "too large"),
    ],
)
def test_constant_bombs_refused(text: str, match: str) -> None:
    assert MAX_EXPONENT == 64
    with pytest.raises(SelectionError, match=match):
        parse(text)


def test_validate_names_the_path_of_a_bomb() -> None:
    sel = parse_selection(demo_with("m4l < 10**10**10"), check=False)
    issues = validate_selection(sel)
    assert [(i.level, i.path) for i in issues] == [("error", f"$.selection[{WINDOW}].expr")]
    assert "exponent" in issues[0].message and issues[0].hint
