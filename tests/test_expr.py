"""The expression language: whitelist, positions, names, and the expression form of cuts."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import SelectionError
from pipeline.selection.expr import (
    cut_expression,
    format_number,
    functions_used,
    names_used,
    parse,
    same_meaning,
)
from pipeline.selection.functions import FIELD_ACCESSORS, FUNCTIONS, describe
from pipeline.selection.models import Cut

VALID = [
    "pt > 7",
    "abs(eta) < 2.47",
    "abs(z0 * sin(theta)) < 0.5",
    "ptcone30 / pt < 0.15",
    "trig_e or trig_m",
    "count(leptons) >= 4",
    "quadruplets(leptons, 91.1876)",
    "50 < m12 < 106",
    "m34 > interp(m4l, [140, 190], [12, 50])",
    "all(mass(sfos_pairs(constituents(quads))) > 5)",
    "all(delta_r(pairs(q)) > where(same_flavour(pairs(q)), 0.1, 0.2))",
    "nth(pt(constituents(quads)), 0) > 20",
    "flavour_sum in [44, 48, 52]",
    "not (x < -1.5) and y ** 2 != 3",
    "x not in [1, 2]",
]


@pytest.mark.parametrize("text", VALID)
def test_documented_examples_parse(text: str) -> None:
    tree = parse(text)
    assert isinstance(tree, ast.Expression)


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("__import__('os')", "dunder", 1),
        ("x.y", "attribute access", 1),
        ("lambda: 1", "lambda", 1),
        ("[i for i in x]", "comprehensions", 1),
        ("a[0]", "subscripts", 1),
        ('"s"', "strings", 1),
        ("pt > 'seven'", "strings", 6),
        ("count(x, key=1)", "keyword arguments", 14),
        ("open(1)", "unknown function 'open'", 1),
        ("pt > 1 if a else 2", "conditional", 1),
        ("f(1)(2)", "only named functions", 1),
        ("x @ y", "MatMult", 1),
        ("x | y", "BitOr", 1),
        ("(a, b)", "tuple", 1),
        ("[1, 2]", "list literal", 1),
        ("x in y", "list literal on its right", 6),
        ("x in [a]", "only numbers", 7),
        ("min(a)", "takes 2 or more arguments", 1),
        ("pt >", "syntax error", None),
        ("", "empty", None),
        ("pt > 1\nor x", "one line", None),
        ("{1: 2}", "dictionaries", 1),
        ("(y := 2)", "assignment", 2),
    ],
)
def test_unsafe_or_invalid_expressions_are_rejected(
    text: str, message: str, column: int | None
) -> None:
    with pytest.raises(SelectionError, match=message) as info:
        parse(text)
    if column is not None:
        assert info.value.position == column - 1
        assert f"column {column}:" in info.value.message
        assert "^" in info.value.message  # the caret line points at it


def test_unknown_function_suggests_the_closest() -> None:
    with pytest.raises(SelectionError) as info:
        parse("delta_rr(a, b) > 0.4")
    assert "delta_r" in (info.value.hint or "")


def test_tuple_allowed_only_as_select_best_key() -> None:
    key = "(abs(m12 - 91.1876), abs(m34 - 91.1876))"
    assert isinstance(parse(key, allow_tuple=True).body, ast.Tuple)
    with pytest.raises(SelectionError):
        parse(f"abs(({key}))", allow_tuple=True)


def test_names_and_functions_used() -> None:
    tree = parse("all(pt(quad_leptons) > where(flavour(quad_leptons) == 13, m12, 5)) and met > 1")
    assert names_used(tree) == {"quad_leptons", "m12", "met"}
    assert functions_used(tree) == {"all", "pt", "where", "flavour"}


def test_registry_has_field_accessors_and_meanings() -> None:
    for name in ("pt", "eta", "d0sig", "ptcone30", "id_loose", "theta", "btag"):
        assert name in FIELD_ACCESSORS and name in FUNCTIONS
    assert all(spec.meaning for spec in FUNCTIONS.values())
    assert "invariant mass" in describe("mass")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"variable": "eta", "abs": True, "op": "<", "value": 2.47}, "abs(eta) < 2.47"),
        ({"variable": "pt", "op": ">", "value": 7.0}, "pt > 7"),
        ({"variable": "m12", "op": "between", "value": [50, 106]}, "50 < m12 < 106"),
        (
            {"variable": "eta", "abs": True, "op": "outside", "value": [1.37, 1.52]},
            "abs(eta) < 1.37 or abs(eta) > 1.52",
        ),
        ({"variable": "n", "op": "in", "value": [44, 48]}, "n in [44, 48]"),
        ({"expr": "count(leptons) >= 4"}, "count(leptons) >= 4"),
    ],
)
def test_cut_expression(fields: dict[str, object], expected: str) -> None:
    cut = Cut(id="c", description="", **fields)  # type: ignore[arg-type]
    assert cut_expression(cut) == expected
    parse(expected)


def test_text_only_cut_has_no_expression() -> None:
    with pytest.raises(SelectionError, match="only text"):
        cut_expression(Cut(id="c", description="", text="events with good vertices"))


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_format_number_reads_back_equal(value: float) -> None:
    assert float(format_number(value)) == value


@given(
    var=st.sampled_from(["pt", "eta", "m12", "met"]),
    absolute=st.booleans(),
    op=st.sampled_from([">", ">=", "<", "<=", "==", "!=", "between", "outside", "in"]),
    numbers=st.lists(
        st.integers(-10000, 10000).map(lambda n: n / 8), min_size=2, max_size=3, unique=True
    ),
)
def test_structured_and_expression_forms_agree(
    var: str, absolute: bool, op: str, numbers: list[float]
) -> None:
    numbers = sorted(numbers)
    value = numbers[:2] if op in ("between", "outside") else numbers if op == "in" else numbers[0]
    structured = Cut(id="c", description="", variable=var, abs=absolute, op=op, value=value)
    text = cut_expression(structured)
    parse(text)
    assert same_meaning(text, cut_expression(Cut(id="d", description="", expr=text)))
    assert names_used(parse(text)) == {var}


@given(st.text(alphabet=list("abpt_()[]., +-*/<>=!0123456789'\"λ\n:;@|&^~%#{}"), max_size=40))
def test_parse_fails_only_with_selection_error(text: str) -> None:
    try:
        tree = parse(text)
    except SelectionError as err:
        assert err.message  # never a bare exception or a traceback for the user
    else:
        assert isinstance(tree, ast.Expression)
        parse(ast.unparse(tree), allow_tuple=True)  # what was accepted stays acceptable
