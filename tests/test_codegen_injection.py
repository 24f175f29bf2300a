"""Text of a selection list cannot become code in the compiled script.

Titles, descriptions, quotes, assumptions and the like reach the script only as string
literals (escaped) or as one-line comments. A list whose every text field carries a
hostile payload compiles to a module with exactly the statements of the benign list:
the same tree once string constants are blanked, no payload marker as a name or call,
and the texts back unchanged from the docstring and the literals.
"""

from __future__ import annotations

import ast
import copy
import io
import itertools
import json
import subprocess
import sys
import tokenize
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.codegen import compile_selection
from pipeline.codegen.escape import comment_text, docstring_text, py_str
from pipeline.errors import SelectionError
from pipeline.selection.store import parse_selection

ROOT = Path(__file__).resolve().parents[1]
HZZ = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"
DEMO = ROOT / "pipeline" / "demo" / "selection.reviewed.json"

# {m} becomes a marker unique to each field, PWNED_<n>
PAYLOADS = {
    "triple double quotes": '"""; {m}(); """',
    "triple single quotes": "'''; {m}(); '''",
    "double quote call": '"); {m}(); ("',
    "single quote call": "'); {m}(); ('",
    "newline": "x\n{m}()\n",
    "carriage return": "x\r{m}()\r",
    "crlf": "x\r\n{m}()\r\n",
    "line separator": "x\u2028{m}()\u2029",
    "nel": "x\x85{m}()",
    "form feed": "x\x0c\n{m}()",
    "nul": "x\x00{m}()",
    "trailing backslash": "{m} \\",
    "bad escapes": "{m} \\N{{BOGUS}} \\x \\u12 \\",
    "docstring breakout": '\\"""\n{m}()\n"""\\',
    "tab and vertical tab": "x\t\x0b{m}()",
    "lone surrogate": "x\ud800{m}()",
    "bidi override": "x\u202e{m}() \u2066#\u2069",
}

# bidirectional controls: shown raw in a comment they reorder what a reviewer sees (Trojan Source)
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# keys whose string values are words (not names or expressions), wherever they occur
TEXT_KEYS = {
    "title",
    "description",
    "quote",
    "section",
    "topic",
    "unstated",
    "choice",
    "rationale",
    "answer",
    "reason",
    "reviewer_note",
}


def _base(path: Path = HZZ) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _poison(data: Any, payload: str, counter: itertools.count[int]) -> Any:
    """Every text field of ``data`` replaced by ``payload`` with its own marker."""
    if isinstance(data, dict):
        return {
            k: (
                payload.format(m=f"PWNED_{next(counter)}")
                if k in TEXT_KEYS and isinstance(v, str)
                else _poison(v, payload, counter)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_poison(v, payload, counter) for v in data]
    return data


def hostile(payload: str, base: dict[str, Any] | None = None) -> dict[str, Any]:
    data = _poison(copy.deepcopy(base or _base()), payload, itertools.count())
    data["paper"]["id"] = payload.format(m="PWNED_ID")
    data["notes"] = [payload.format(m="PWNED_NOTE")]
    return data


def _blank_strings(tree: ast.AST) -> str:
    tree = copy.deepcopy(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = "S"
    return ast.dump(tree)


def _statements(tree: ast.AST) -> int:
    return sum(isinstance(node, ast.stmt) for node in ast.walk(tree))


def _assigned(tree: ast.Module, name: str) -> Any:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not assigned")


def _compiled(data: dict[str, Any]) -> tuple[str, ast.Module]:
    source = compile_selection(parse_selection(data))
    compile(source, "analysis.py", "exec")  # no NUL, no bad escape, no syntax error
    return source, ast.parse(source)


def assert_same_code(data: dict[str, Any], base: dict[str, Any]) -> tuple[str, ast.Module]:
    _, benign = _compiled(base)
    source, tree = _compiled(data)
    assert [type(n).__name__ for n in tree.body] == [type(n).__name__ for n in benign.body]
    assert _statements(tree) == _statements(benign)
    assert _blank_strings(tree) == _blank_strings(benign)
    for node in ast.walk(tree):
        name = (
            node.id
            if isinstance(node, ast.Name)
            else node.attr
            if isinstance(node, ast.Attribute)
            else ""
        )
        assert "PWNED" not in name, ast.unparse(node)
    return source, tree


@pytest.mark.parametrize("name", list(PAYLOADS))
@pytest.mark.parametrize("base_path", [HZZ, DEMO], ids=["hzz", "demo"])
def test_hostile_text_never_becomes_code(name: str, base_path: Path) -> None:
    base = _base(base_path)
    data = hostile(PAYLOADS[name], base)
    source, tree = assert_same_code(data, base)
    docstring = ast.get_docstring(tree, clean=False) or ""
    assert f"{data['paper']['id']} - {data['paper']['title']}, compiled" in docstring
    steps = _assigned(tree, "STEPS")
    for cut in data["selection"]:
        if cut["status"] != "rejected":
            assert steps[cut["id"]] == cut["description"]
    # text stays on its line (splitlines also splits at U+2028, \x85, \x0c: those are escaped too)
    for line in source.splitlines():
        assert not line.lstrip().startswith("PWNED"), repr(line)
    raw = {
        ch
        for ch in source
        if ch in BIDI or (unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t")
    }
    assert not raw, sorted(raw)


@pytest.mark.parametrize("name", ["newline", "carriage return", "line separator", "nul"])
def test_text_in_comments_stays_one_line(name: str) -> None:
    data = hostile(PAYLOADS[name])
    source, _ = _compiled(data)
    for line in source.split("\n"):
        if "PWNED" in line:
            assert "\r" not in line and "\x00" not in line, repr(line)
            assert "#" in line.split("PWNED")[0] or "'" in line or '"' in line, repr(line)


def test_hostile_assumption_and_target_of_an_event_cut() -> None:
    base = _base()
    data = hostile('"""; {m}(); """', base)
    data["assumptions"][0]["affects"] = ['"); PWNED_AFFECTS(); ("']
    assert_same_code(data, base)


@pytest.mark.parametrize("field", ["cut id", "object name", "derived name", "region name"])
@pytest.mark.parametrize("value", ['x"); PWNED(); ("', "x\nPWNED()", "x\u2028y", "x\\"])
def test_hostile_identifiers_are_refused(field: str, value: str) -> None:
    data = _base()
    if field == "cut id":
        data["selection"][0]["id"] = value
    elif field == "object name":
        data["objects"][0]["name"] = value
    elif field == "derived name":
        data["derived"][0]["name"] = value
    else:
        data["regions"] = [{"name": value, "cuts": []}]
    with pytest.raises(SelectionError):
        parse_selection(data)


def test_odd_but_legal_ids_reach_the_script_as_literals() -> None:
    base = _base()
    data = copy.deepcopy(base)
    renames = {"trigger": "trig.ger-1", "m12": "m-12.window"}
    for cut in data["selection"]:
        cut["id"] = renames.get(cut["id"], cut["id"])
    _, tree = _compiled(data)
    steps = _assigned(tree, "STEPS")
    assert "trig.ger-1" in steps and "m-12.window" in steps
    _, benign = _compiled(base)
    assert _statements(tree) == _statements(benign)


def test_object_names_with_dots_and_dashes_compile() -> None:
    # the electron cuts run on the fused lepton collection under keep_<name>: 'keep_el.ec-trons'
    # was an attribute assignment and a subtraction
    base = _base()
    data = json.loads(json.dumps(base).replace('"electrons"', '"el.ec-trons"'))
    source, tree = _compiled(data)
    assert "keep_el_ec_trons = " in source
    _, benign = _compiled(base)
    assert _statements(tree) == _statements(benign)


def test_generate_cli_with_a_hostile_title(tmp_path: Path) -> None:
    data = _base()
    data["paper"]["title"] = 'T"""\nimport os; os.system("echo PWNED")\n"""'
    src = tmp_path / "hostile.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "analysis.py"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "generate", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    tree = ast.parse(out.read_text(encoding="utf-8"))
    assert not any(
        isinstance(n, ast.Import) and any(a.name == "os" for a in n.names) for n in ast.walk(tree)
    )
    assert data["paper"]["title"] in (ast.get_docstring(tree, clean=False) or "")


# ---- the escapers alone ----------------------------------------------------------------------


@given(st.text())
def test_py_str_round_trips(text: str) -> None:
    literal = py_str(text)
    assert ast.literal_eval(literal) == text
    literal.encode("utf-8")  # no lone surrogate left raw


@given(st.text())
def test_docstring_text_round_trips(text: str) -> None:
    body = docstring_text(text)
    body.encode("utf-8")
    assert ast.literal_eval('"""' + body + '"""') == text
    assert len(body.splitlines()) <= 1


@given(st.text())
def test_comment_text_is_one_line(text: str) -> None:
    line = comment_text(text)
    line.encode("utf-8")
    assert len(line.splitlines()) <= 1 and "\x00" not in line
    tokens = list(tokenize.generate_tokens(io.StringIO(f"x = 1  # {line}\n").readline))
    assert [t.type for t in tokens if t.type not in (tokenize.NEWLINE, tokenize.ENDMARKER)] == [
        tokenize.NAME,
        tokenize.OP,
        tokenize.NUMBER,
        tokenize.COMMENT,
    ]


@pytest.mark.parametrize("text", ["trigger", "m-12.window", "quads", "it's", ""])
def test_py_str_keeps_double_quotes_for_plain_text(text: str) -> None:
    assert py_str(text) == (f'"{text}"' if "'" not in text else repr(text))
