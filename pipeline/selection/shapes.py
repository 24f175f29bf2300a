"""How many values an event-scope expression gives per event: one, or one per object.

An event cut must give one boolean per event. ``pt(jets) > 50`` gives one per jet. The runtime
cannot keep events by a list of jets and fails deep inside awkward. The validator refuses such a
cut up front and says how to reduce it (any, all, count, nth).

The inference is deliberately partial. A function whose shape it does not know makes the result
unknown, and unknown is never an error.
"""

from __future__ import annotations

import ast

from pipeline.selection.functions import FIELD_ACCESSORS, MATH_FUNCTIONS

PER_EVENT, PER_OBJECT = 0, 1

# reduce the innermost list: one level less
_REDUCING = frozenset({"count", "sum", "any", "all", "min_of", "max_of", "mean", "nth"})
# one value (or one object) per event whatever their arguments
_ONE_PER_EVENT = frozenset(
    {"best_of", "min_delta_phi", "ht", "mht", "vector_sum", "alpha_t", "razor_mr"}
    | {"razor_mtr", "razor_r2", "mt2", "channel"}
)
# lists per event
_LISTS = frozenset(
    {"pairs", "sfos_pairs", "combinations", "quadruplets", "first_n", "sorted_by_pt"}
    | {"others", "sort_desc", "constituents", "megajets"}
)
# elementwise on their arguments: as many values as the widest argument
_ELEMENTWISE = (
    frozenset({"where", "interp", "delta_r", "delta_phi", "delta_eta", "mt", "mct"})
    | MATH_FUNCTIONS
    | frozenset(FIELD_ACCESSORS)
)


class Shapes:
    """Shapes of event-scope names: ``names`` as the validator's scopes give them
    (``objects``/``candidates`` are lists), event-scope derived quantities added in order."""

    def __init__(self, names: dict[str, str]) -> None:
        self.known: dict[str, int | None] = {
            name: PER_OBJECT if kind in ("objects", "candidates") else PER_EVENT
            for name, kind in names.items()
        }
        self.known["met_vec"] = PER_EVENT  # one object per event

    def add(self, name: str, tree: ast.AST) -> None:
        self.known[name] = self.of(tree)

    def of(self, node: ast.AST) -> int | None:
        """PER_EVENT, PER_OBJECT, or None when not known."""
        if isinstance(node, ast.Expression):
            return self.of(node.body)
        if isinstance(node, ast.Constant):
            return PER_EVENT
        if isinstance(node, ast.Name):
            return self.known.get(node.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node.func.id, node.args)
        if isinstance(node, ast.BoolOp):
            return _widest([self.of(v) for v in node.values])
        if isinstance(node, ast.BinOp):
            return _widest([self.of(node.left), self.of(node.right)])
        if isinstance(node, ast.UnaryOp):
            return self.of(node.operand)
        if isinstance(node, ast.Compare):
            return _widest([self.of(node.left), *(self.of(c) for c in node.comparators)])
        return None

    def _call(self, name: str, args: list[ast.expr]) -> int | None:
        shapes = [self.of(a) for a in args]
        if name in _REDUCING:
            first = shapes[0] if shapes else None
            return None if first is None else max(first - 1, PER_EVENT)
        if name in _ONE_PER_EVENT:
            return PER_EVENT
        if name in _LISTS:
            return PER_OBJECT
        if name == "min_delta_r":
            return shapes[0] if len(shapes) == 2 else None
        if name in _ELEMENTWISE:
            return _widest(shapes)
        return None  # mass, pt_of of a list, ... : not judged


def _widest(shapes: list[int | None]) -> int | None:
    known = [s for s in shapes if s is not None]
    if len(known) < len(shapes):
        return PER_OBJECT if PER_OBJECT in known else None
    return max(known, default=PER_EVENT)
