"""The expression language of selection lists: a whitelisted subset of Python syntax.

:func:`parse` returns a plain :class:`ast.Expression` (so the compiler can walk it with
the standard library) after checking every node against the whitelist of
``docs/selection-language.md``: numbers, names, the listed operators and calls of the
functions in :data:`pipeline.selection.functions.FUNCTIONS`. Anything else - attribute
access, subscripts, strings, lambdas, comprehensions, keywords, dunder names - is a
:class:`SelectionError` pointing at the offending column.
"""

from __future__ import annotations

import ast
import copy
import math
from collections.abc import Callable

from pipeline.errors import SelectionError, closest_names
from pipeline.selection.functions import FUNCTIONS, NOT_IMPLEMENTED
from pipeline.selection.models import Cut, Op

# bounds that keep parsing, checking and running an expression cheap (the longest expression of
# the reviewed lists has 303 characters, 97 nodes, 10 levels)
MAX_EXPR_CHARS = 2000
MAX_EXPR_NODES = 1000
MAX_EXPR_DEPTH = 50
MAX_EXPONENT = 64  # |b| of a constant exponent in a ** b
_MAX_CONSTANT = 1e300  # constant arithmetic beyond this is a bomb, not physics

_SPLIT_HINT = "split it: define parts as derived quantities ($.derived) or write several cuts"

_BOOL_OPS = (ast.And, ast.Or)
_UNARY_OPS = (ast.Not, ast.USub, ast.UAdd)
_BIN_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_CMP_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq, ast.In, ast.NotIn)

# what each forbidden construct is called in an error message
_HINTS: dict[type, str] = {
    ast.Subscript: "use nth(x, i) for the i-th element",
    ast.IfExp: "use where(cond, a, b)",
    ast.Attribute: "use accessor functions, e.g. pt(jets) instead of jets.pt",
}

_FORBIDDEN: dict[type, str] = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "subscripts (a[0])",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
    ast.IfExp: "conditional expressions (a if c else b)",
    ast.NamedExpr: "assignment expressions (:=)",
    ast.JoinedStr: "strings",
    ast.Starred: "star arguments",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.Slice: "slices",
}


def _fail(text: str, col: int, message: str, hint: str | None = None) -> SelectionError:
    caret = f"\n    {text}\n    {' ' * col}^"
    return SelectionError(f"column {col + 1}: {message}{caret}", position=col, hint=hint)


def parse(text: str, *, allow_tuple: bool = False) -> ast.Expression:
    """Parse ``text`` into a checked :class:`ast.Expression`.

    ``allow_tuple`` admits a top-level tuple (the lexicographic key of a ``select_best`` cut).
    """
    if not isinstance(text, str) or not text.strip():
        raise SelectionError("empty expression", hint="write a boolean expression such as 'pt > 7'")
    if "\n" in text.strip():
        raise SelectionError("an expression must be on one line", hint="join the lines with spaces")
    source = text.strip()
    if len(source) > MAX_EXPR_CHARS:
        raise SelectionError(
            f"expression longer than {MAX_EXPR_CHARS} characters ({len(source)})", hint=_SPLIT_HINT
        )
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        col = max((err.offset or 1) - 1, 0)
        raise _fail(source, col, f"syntax error: {err.msg}") from err
    except (RecursionError, MemoryError) as err:  # CPython's parser on thousands of '-' or 'not'
        raise SelectionError(
            f"expression nested more than {MAX_EXPR_DEPTH} levels", hint=_SPLIT_HINT
        ) from err
    _check_size(tree)
    _Checker(source, allow_tuple).check(tree.body, context="top")
    return tree


def _check_size(tree: ast.AST) -> None:
    """Count nodes and levels without recursion, before anything walks the tree recursively."""
    nodes, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_EXPR_NODES:
            raise SelectionError(
                f"expression has more than {MAX_EXPR_NODES} parts", hint=_SPLIT_HINT
            )
        if depth > MAX_EXPR_DEPTH:
            raise SelectionError(
                f"expression nested more than {MAX_EXPR_DEPTH} levels", hint=_SPLIT_HINT
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class _Checker:
    """Walks the tree once; ``context`` says where a list or tuple literal would be legal."""

    def __init__(self, text: str, allow_tuple: bool) -> None:
        self.text = text
        self.allow_tuple = allow_tuple
        self.constants: dict[int, float | None] = {}  # id(node) -> value of a constant subtree

    def error(self, node: ast.AST, message: str, hint: str | None = None) -> SelectionError:
        return _fail(self.text, getattr(node, "col_offset", 0), message, hint)

    def check(self, node: ast.AST, context: str = "value") -> None:
        method = getattr(self, f"_check_{type(node).__name__}", None)
        if method is None:
            what = _FORBIDDEN.get(type(node), f"'{type(node).__name__}' expressions")
            hint = _HINTS.get(type(node), "see docs/selection-language.md for what is allowed")
            raise self.error(node, f"{what} not allowed in the selection language", hint=hint)
        method(node, context)

    def _check_Constant(self, node: ast.Constant, context: str) -> None:
        value = node.value
        if isinstance(value, str):
            raise self.error(
                node,
                "strings not allowed in the selection language",
                hint="refer to quantities by name, e.g. pt, not 'pt'",
            )
        if isinstance(value, bool):
            return
        if isinstance(value, int | float):
            if self.constant(node) == math.inf:  # 1e400, or a 400-digit integer
                raise self.error(
                    node,
                    f"number too large (beyond {_MAX_CONSTANT:g})",
                    hint="write the number in canonical units (GeV, mm, rad, fb-1)",
                )
            return
        raise self.error(node, f"constant {value!r} not allowed (only finite numbers, True, False)")

    def _check_Name(self, node: ast.Name, context: str) -> None:
        if node.id.startswith("__") or node.id.endswith("__"):
            raise self.error(node, f"name {node.id!r} not allowed (dunder names are reserved)")

    def _check_BoolOp(self, node: ast.BoolOp, context: str) -> None:
        for value in node.values:
            self.check(value)

    def _check_UnaryOp(self, node: ast.UnaryOp, context: str) -> None:
        if not isinstance(node.op, _UNARY_OPS):
            raise self.error(node, f"operator {type(node.op).__name__} not allowed")
        self.check(node.operand)

    def _check_BinOp(self, node: ast.BinOp, context: str) -> None:
        if not isinstance(node.op, _BIN_OPS):
            raise self.error(
                node, f"operator {type(node.op).__name__} not allowed", hint="allowed: + - * / **"
            )
        self.check(node.left)
        self.check(node.right)
        self.check_constant_arithmetic(node)

    def check_constant_arithmetic(self, node: ast.BinOp) -> None:
        """Refuse what would take the run's time or memory: ``x ** 1000``, ``10 ** 10 ** 10``."""
        if isinstance(node.op, ast.Pow):
            exponent = self.constant(node.right)
            if exponent is not None and abs(exponent) > MAX_EXPONENT:
                raise self.error(
                    node.right,
                    f"exponent {ast.unparse(node.right)} is larger than "
                    f"{MAX_EXPONENT} in absolute value",
                    hint="write a large constant as a number (1e30), not as a power",
                )
        if self.constant(node) == math.inf:
            raise self.error(
                node,
                f"constant {ast.unparse(node)} is too large (beyond {_MAX_CONSTANT:g})",
                hint="write the number itself, in canonical units",
            )

    def constant(self, node: ast.AST) -> float | None:
        """The value of a subtree of numbers and + - * / **, as a float (inf: too large); else
        None."""
        key = id(node)
        if key not in self.constants:
            self.constants[key] = _fold(node, self.constant)
        return self.constants[key]

    def _check_Compare(self, node: ast.Compare, context: str) -> None:
        self.check(node.left)
        for op, right in zip(node.ops, node.comparators, strict=True):
            if not isinstance(op, _CMP_OPS):
                raise self.error(node, f"comparison {type(op).__name__} not allowed")
            if isinstance(op, ast.In | ast.NotIn):
                if not isinstance(right, ast.List):
                    raise self.error(
                        right, "'in' needs a list literal on its right, e.g. x in [1, 2]"
                    )
                self.check(right, context="list")
            else:
                self.check(right)

    def _check_List(self, node: ast.List, context: str) -> None:
        if context != "list":
            raise self.error(
                node, "a list literal is allowed only as a function argument or after 'in'"
            )
        for element in node.elts:
            number = (
                element.operand
                if isinstance(element, ast.UnaryOp) and isinstance(element.op, ast.USub)
                else element
            )
            if not (
                isinstance(number, ast.Constant)
                and isinstance(number.value, int | float)
                and not isinstance(number.value, bool)
            ):
                raise self.error(element, "list literals may contain only numbers")

    def _check_Tuple(self, node: ast.Tuple, context: str) -> None:
        if not (self.allow_tuple and context == "top"):
            raise self.error(node, "a tuple is allowed only as the whole key of a select_best cut")
        for element in node.elts:
            self.check(element)

    def _check_Call(self, node: ast.Call, context: str) -> None:
        if not isinstance(node.func, ast.Name):
            raise self.error(node, "only named functions may be called (no a.b(), no f()())")
        name = node.func.id
        self._check_Name(node.func, context)
        if node.keywords:
            raise self.error(
                node.keywords[0].value, f"keyword arguments not allowed in call to {name}()"
            )
        spec = FUNCTIONS.get(name)
        if spec is None and name in NOT_IMPLEMENTED:
            raise self.error(
                node,
                f"function {name!r} is not implemented: {NOT_IMPLEMENTED[name]}",
                hint="compute it outside the selection list, or leave the cut to the LLM stage",
            )
        if spec is None:
            close = closest_names(name, list(FUNCTIONS))
            raise self.error(
                node,
                f"unknown function {name!r}",
                hint=f"did you mean {', '.join(close)}?"
                if close
                else "see docs/selection-language.md",
            )
        count = len(node.args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            raise self.error(node, f"{name}() takes {spec.arity_text()} arguments, got {count}")
        for index, arg in enumerate(node.args):
            kind = spec.args[min(index, len(spec.args) - 1)] if spec.args else "any"
            self.check(arg, context="list" if kind == "list" else "value")


_ARITHMETIC = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def _fold(node: ast.AST, value_of: Callable[[ast.AST], float | None]) -> float | None:
    """One folding step in float arithmetic (operands through ``value_of``, memoised by the caller).

    Overflow gives inf; division by zero or a complex power gives None (not a constant bomb:
    the run reports it).
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        try:
            return _bounded(float(node.value))
        except OverflowError:
            return math.inf
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = value_of(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if not (isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC):
        return None
    left, right = value_of(node.left), value_of(node.right)
    if left is None or right is None:
        return None
    if math.inf in (abs(left), abs(right)):
        return math.inf
    try:
        result = _ARITHMETIC[type(node.op)](left, right)
    except OverflowError:
        return math.inf
    except ZeroDivisionError:
        return None
    return _bounded(result) if isinstance(result, float | int) else None


def _bounded(value: float) -> float:
    return math.inf if not math.isfinite(value) or abs(value) > _MAX_CONSTANT else value


def names_used(tree: ast.AST) -> set[str]:
    """Every name the expression reads (function names excluded)."""
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called
    }


def functions_used(tree: ast.AST) -> set[str]:
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def format_number(value: float) -> str:
    """7.0 -> '7', 2.47 -> '2.47', -0.5 -> '-0.5' (the shortest text that reads back equal)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def cut_expression(cut: Cut) -> str:
    """The expression form of ``cut``: its ``expr``, or its structured form written out.

    ``variable=eta abs=True op=< value=2.47`` -> ``abs(eta) < 2.47``; ``between`` ->
    ``lo < x < hi``; ``outside`` -> ``x < lo or x > hi``; ``in`` -> ``x in [a, b]``.
    A text-only cut has none: :class:`SelectionError` (check ``cut.executable`` first).
    """
    if cut.expr is not None:
        return cut.expr
    if cut.variable is None or cut.op is None or cut.value is None:
        raise SelectionError(
            f"cut {cut.id!r} has no machine form, only text",
            hint="give it variable/op/value or expr, or leave it to the LLM stage",
        )
    var = f"abs({cut.variable})" if cut.abs else cut.variable
    op, value = Op(cut.op), cut.value
    if op in (Op.between, Op.outside):
        assert isinstance(value, list)
        lo, hi = (format_number(v) for v in value)
        return f"{lo} < {var} < {hi}" if op == Op.between else f"{var} < {lo} or {var} > {hi}"
    if op == Op.in_:
        assert isinstance(value, list)
        return f"{var} in [{', '.join(format_number(v) for v in value)}]"
    assert not isinstance(value, list)
    return f"{var} {op.value} {format_number(value)}"


_FLIPPED = {
    ast.Lt: ast.Gt,
    ast.Gt: ast.Lt,
    ast.LtE: ast.GtE,
    ast.GtE: ast.LtE,
    ast.Eq: ast.Eq,
    ast.NotEq: ast.NotEq,
}


class _Normaliser(ast.NodeTransformer):
    """``50 < m < 106`` and ``m > 50 and m < 106`` become the same tree: chains split, numbers
    right."""

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        parts: list[ast.expr] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            if (
                isinstance(left, ast.Constant)
                and not isinstance(right, ast.Constant)
                and type(op) in _FLIPPED
            ):
                parts.append(
                    ast.Compare(left=right, ops=[_FLIPPED[type(op)]()], comparators=[left])
                )
            else:
                parts.append(ast.Compare(left=left, ops=[op], comparators=[right]))
            left = right
        return parts[0] if len(parts) == 1 else ast.BoolOp(op=ast.And(), values=parts)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        values: list[ast.expr] = []
        for value in node.values:
            same = isinstance(value, ast.BoolOp) and type(value.op) is type(node.op)
            values.extend(value.values if same else [value])  # type: ignore[attr-defined]
        return ast.BoolOp(op=node.op, values=values)


def normalise(tree: ast.AST) -> ast.AST:
    """A copy of ``tree`` in a canonical shape (for comparing meanings, never for running)."""
    return _Normaliser().visit(copy.deepcopy(tree))


def same_meaning(a: str, b: str) -> bool:
    """True when two expressions parse to the same tree (spacing, parentheses, 7 vs 7.0 ignored)."""
    try:
        left, right = parse(a, allow_tuple=True), parse(b, allow_tuple=True)
    except SelectionError:
        return a.strip() == b.strip()
    return _normal(left) == _normal(right)


def _normal(tree: ast.AST) -> str:
    tree = normalise(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            node.value = float(node.value)
    return ast.dump(tree, annotate_fields=False)
