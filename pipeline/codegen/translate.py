"""Expression trees of the selection language -> Python source over awkward arrays.

Python's ``and``/``or``/``not`` become ``&``/``|``/``~`` (they act per element),
comparison chains are split into conjunctions, ``x in [..]`` becomes ``rt.isin``.
Names are resolved by the caller's :class:`Names`: a field of the object being cut,
or a value of the event state ``v``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.errors import CodegenError
from pipeline.selection.expr import format_number, parse

# functions whose one-argument form in an object-scope cut relates the object being cut to
# another collection: min_delta_r(leptons) is min_delta_r(<this object>, leptons)
OBJECT_RELATIONS = frozenset({"min_delta_r"})

_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


@dataclass
class Names:
    """How a bare name becomes code: ``resolve(name) -> source``; ``this`` is the code of the
    objects an object-scope cut acts on (``min_delta_r(leptons)`` -> ``rt.min_delta_r(objs,
    ...)``)."""

    resolve: Callable[[str], str]
    this: str | None = None


def translate(text: str, names: Names, *, allow_tuple: bool = False) -> str | list[str]:
    """Source code of ``text``; a tuple (a select_best key) gives one source per element."""
    tree = parse(text, allow_tuple=allow_tuple)
    body = tree.body
    if isinstance(body, ast.Tuple):
        return [_Emitter(names).emit(elt) for elt in body.elts]
    return _Emitter(names).emit(body)


class _Emitter:
    def __init__(self, names: Names) -> None:
        self.names = names

    def emit(self, node: ast.AST) -> str:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise CodegenError(f"the compiler cannot translate {type(node).__name__} nodes")
        return method(node)  # type: ignore[no-any-return]

    def _Constant(self, node: ast.Constant) -> str:
        if isinstance(node.value, bool):
            return repr(node.value)
        return format_number(node.value)  # type: ignore[arg-type]  # the parser admits numbers only

    def _Name(self, node: ast.Name) -> str:
        return self.names.resolve(node.id)

    def _List(self, node: ast.List) -> str:
        return "[" + ", ".join(self.emit(e) for e in node.elts) + "]"

    def _BoolOp(self, node: ast.BoolOp) -> str:
        op = " & " if isinstance(node.op, ast.And) else " | "
        return "(" + op.join(self.emit(v) for v in node.values) + ")"

    def _UnaryOp(self, node: ast.UnaryOp) -> str:
        inner = self.emit(node.operand)
        if isinstance(node.op, ast.Not):
            return f"~({inner})"
        return f"({'-' if isinstance(node.op, ast.USub) else '+'}{inner})"

    def _BinOp(self, node: ast.BinOp) -> str:
        return f"({self.emit(node.left)} {_BIN[type(node.op)]} {self.emit(node.right)})"

    def _Compare(self, node: ast.Compare) -> str:
        parts, left = [], self.emit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.emit(comparator)
            if isinstance(op, ast.In | ast.NotIn):
                test = f"rt.isin({left}, {right})"
                parts.append(f"~{test}" if isinstance(op, ast.NotIn) else test)
            else:
                parts.append(f"({left} {_CMP[type(op)]} {right})")
            left = right
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def _Call(self, node: ast.Call) -> str:
        assert isinstance(node.func, ast.Name)
        args = ", ".join(self.emit(a) for a in node.args)
        if node.func.id in OBJECT_RELATIONS and len(node.args) == 1:
            if self.names.this is None:
                raise CodegenError(
                    f"{node.func.id}(x) with one argument is for object-scope cuts; "
                    f"write {node.func.id}(a, b) elsewhere"
                )
            args = f"{self.names.this}, {args}"
        return f"rt.{node.func.id}({args})"


def names_in(text: str, *, allow_tuple: bool = False) -> set[str]:
    """Bare names (not function names) an expression refers to."""
    tree = parse(text, allow_tuple=allow_tuple)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called}


def calls_in(text: str, *, allow_tuple: bool = False) -> set[str]:
    tree = parse(text, allow_tuple=allow_tuple)
    return {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
