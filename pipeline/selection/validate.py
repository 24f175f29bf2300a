"""Semantic validation of a selection list: every name known, every unit sensible.

The schema and pydantic say a file is well formed; :func:`validate_selection` says it
means something: each expression parses under the whitelist, each name it uses is
visible in its scope (object fields, event fields, collections, derived quantities
defined earlier, the candidate's own quantities), targets exist, and units fit the
quantities they describe. Problems come back as :class:`Issue` records with the JSON
path of the offending field, so a reviewer (or a repair prompt) can go straight there.
"""

from __future__ import annotations

import ast
from typing import Literal

from pydantic import BaseModel, ConfigDict

from pipeline.errors import SelectionError, closest_names
from pipeline.selection.expr import cut_expression, functions_used, names_used, parse
from pipeline.selection.fields import COLLECTIONS, KIND_COLLECTION
from pipeline.selection.functions import FIELD_ACCESSORS, FUNCTIONS
from pipeline.selection.models import (
    CUTFLOW_REGION,
    Cut,
    PhysicsObject,
    Scope,
    SelectionList,
    Status,
)
from pipeline.selection.scopes import Scopes, object_fields
from pipeline.selection.shapes import PER_OBJECT, Shapes
from pipeline.selection.units import CANONICAL, UNITLESS, check_unit_fits, unit_dimension


class Issue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Literal["error", "warning"]
    path: str  # JSON path, e.g. $.selection[3].expr
    message: str
    hint: str | None = None
    cut_id: str | None = None

    def __str__(self) -> str:
        text = f"{self.level}: {self.path}: {self.message}"
        return text + (f"\n    hint: {self.hint}" if self.hint else "")


def errors_only(issues: list[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.level == "error"]


_OBJECT_RETURNS = {"objects", "pairs", "candidates"}


def _is_collection(node: ast.AST, names: dict[str, str]) -> bool:
    if isinstance(node, ast.Name):
        return names.get(node.id) in ("objects", "candidates")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "nth":
            return bool(node.args) and _is_collection(node.args[0], names)
        spec = FUNCTIONS.get(node.func.id)
        return spec is not None and spec.returns in _OBJECT_RETURNS
    return False


def _collection_as_number(tree: ast.AST, names: dict[str, str]) -> str | None:
    """The text of a collection used in arithmetic or a comparison (``jets + 1``), if any."""
    for node in ast.walk(tree):
        operands: list[ast.AST] = []
        if isinstance(node, ast.BinOp):
            operands = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
            operands = [node.operand]
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
        for operand in operands:
            if _is_collection(operand, names):
                return ast.unparse(operand)
    return None


def _names_read(sel: SelectionList) -> set[str]:
    """Every name an executable expression or an object's sources refer to."""
    texts = [d.expr for d in sel.derived] + [w.expr for w in sel.weights if w.expr]
    texts += [cut_expression(c) for c in sel.all_cuts() if c.executable]
    names = {s for obj in sel.objects for s in obj.sources}
    names |= {c.target for c in sel.all_cuts() if c.target and c.scope != Scope.object}
    for text in texts:
        try:
            names |= names_used(parse(text, allow_tuple=True))
        except SelectionError:
            continue
    return names


def _region_loops(name: str, sel: SelectionList) -> bool:
    bases = {region.name: region.base for region in sel.regions if region.base}
    seen: set[str] = set()
    while name in bases and name not in seen:
        seen.add(name)
        name = bases[name]  # type: ignore[assignment]
    return name in seen


class _Checker:
    def __init__(self, sel: SelectionList) -> None:
        self.sel = sel
        self.scopes = Scopes(sel.objects)
        self.shapes = Shapes(self.scopes.for_event())
        self.issues: list[Issue] = []

    def add(
        self,
        level: Literal["error", "warning"],
        path: str,
        message: str,
        hint: str | None = None,
        cut_id: str | None = None,
    ) -> None:
        self.issues.append(Issue(level=level, path=path, message=message, hint=hint, cut_id=cut_id))

    def expression(
        self,
        text: str,
        names: dict[str, str],
        path: str,
        *,
        allow_tuple: bool = False,
        cut_id: str | None = None,
        level: Literal["error", "warning"] = "error",
    ) -> ast.Expression | None:
        """Parse ``text`` and check its names against ``names``; the tree, or None on error."""
        try:
            tree = parse(text, allow_tuple=allow_tuple)
        except SelectionError as err:
            self.add(level, path, err.message, err.hint, cut_id)
            return None
        misuse = _collection_as_number(tree, names)
        if misuse:
            self.add(
                level,
                path,
                f"{misuse!r} is a collection of objects, not a number, in {text!r}",
                "use count(x), a field accessor such as pt(x), or mass(a, b) for four-vector sums",
                cut_id,
            )
            return None
        for field, obj in self.foreign_fields(tree):
            self.add(
                level,
                path,
                f"{obj.name!r} ({obj.kind} objects) has no field {field!r}, in {text!r}",
                f"fields of {obj.kind} objects: {', '.join(sorted(object_fields(obj)))}",
                cut_id,
            )
            return None
        unknown = sorted(names_used(tree) - set(names))
        for name in unknown:
            close = closest_names(name, list(names)) or closest_names(name, list(FUNCTIONS))
            hint = self.scopes.where_else(name) or (
                f"did you mean {', '.join(close)}?" if close else None
            )
            self.add(level, path, f"unknown name {name!r} in {text!r}", hint, cut_id)
        return None if unknown else tree

    def foreign_fields(self, tree: ast.Expression) -> list[tuple[str, PhysicsObject]]:
        """``f(X)`` (or ``f(nth(X, i))``, ``f(first_n(X, n))``) where X is an object of a kind
        that has no field ``f``: the runtime would fail on it (``msoftdrop(jets)``)."""
        kinds = {o.name: o for o in self.sel.objects}
        out = []
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in FIELD_ACCESSORS
                and len(node.args) == 1
            ):
                continue
            arg = node.args[0]
            while isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.args:
                if arg.func.id not in ("nth", "first_n"):
                    break
                arg = arg.args[0]
            obj = kinds.get(arg.id) if isinstance(arg, ast.Name) else None
            if obj is not None and node.func.id not in object_fields(obj):
                out.append((node.func.id, obj))
        return out

    def check_objects(self) -> None:
        defined: set[str] = set()
        for i, obj in enumerate(self.sel.objects):
            for source in obj.sources:
                if source not in defined:
                    close = closest_names(source, sorted(defined))
                    self.add(
                        "error",
                        f"$.objects[{i}].sources",
                        f"source {source!r} of {obj.name!r} is not an object defined before it",
                        f"did you mean {', '.join(close)}?"
                        if close
                        else "define the source collection first",
                    )
            self.check_collection(i, obj)
            defined.add(obj.name)
            fields = self.scopes.for_object(obj.name)
            for j, cut in enumerate(obj.cuts):
                path = f"$.objects[{i}].cuts[{j}]"
                if cut.scope != Scope.object or (cut.target not in (None, obj.name)):
                    self.add(
                        "error",
                        f"{path}.scope",
                        f"cut {cut.id!r} of object {obj.name!r} must have scope object and "
                        f"target {obj.name!r}",
                        cut_id=cut.id,
                    )
                self.check_cut(cut, fields, path)

    def check_collection(self, i: int, obj: PhysicsObject) -> None:
        """An object must come from a collection the canonical event content has, or from objects.

        Only an error when something reads the object (it would fail at run time); an unused
        tau or track collection of an extracted list stays a warning.
        """
        if obj.sources or obj.name in COLLECTIONS or obj.kind in KIND_COLLECTION:
            return
        have = sorted(COLLECTIONS)
        level: Literal["error", "warning"] = (
            "error" if obj.name in _names_read(self.sel) else "warning"
        )
        self.add(
            level,
            f"$.objects[{i}].kind",
            f"object {obj.name!r} of kind {obj.kind!r}: the canonical event content has no such "
            f"collection (it has {', '.join(have)})",
            "give a kind among electron, muon, lepton, jet, bjet, photon, or sources; "
            "a new collection needs a field table in pipeline/selection/fields.py and a reader",
        )

    def check_derived(self) -> None:
        for i, derived in enumerate(self.sel.derived):
            path = f"$.derived[{i}]"
            if derived.scope == "candidate":
                if derived.target not in self.scopes.candidate:
                    self.bad_target(derived.target, f"{path}.target", derived.name)
                    continue
                names = self.scopes.for_candidate(derived.target)
            else:
                names = self.scopes.for_event()
            tree = self.expression(derived.expr, names, f"{path}.expr")
            self.scopes.add_derived(derived)
            if derived.scope == "event" and tree is not None:
                self.shapes.add(derived.name, tree)

    def bad_target(
        self, target: str | None, path: str, who: str, cut_id: str | None = None
    ) -> None:
        known = sorted(self.scopes.candidate)
        close = closest_names(target or "", known)
        hint = (
            f"did you mean {', '.join(close)}?"
            if close
            else (
                f"candidate collections: {', '.join(known) or 'none defined'} (a derived "
                "quantity built with quadruplets/pairs/sfos_pairs)"
            )
        )
        self.add(
            "error", path, f"{who}: target {target!r} is not a candidate collection", hint, cut_id
        )

    def names_for(self, cut: Cut, path: str) -> dict[str, str] | None:
        if cut.scope == Scope.candidate:
            if cut.target not in self.scopes.candidate:
                self.bad_target(cut.target, f"{path}.target", f"cut {cut.id!r}", cut.id)
                return None
            return self.scopes.for_candidate(cut.target)
        if cut.scope == Scope.object:
            if cut.target not in self.scopes.objects:
                close = closest_names(cut.target or "", list(self.scopes.objects))
                self.add(
                    "error",
                    f"{path}.target",
                    f"cut {cut.id!r}: target {cut.target!r} is not an object collection",
                    f"did you mean {', '.join(close)}?" if close else None,
                    cut.id,
                )
                return None
            return self.scopes.for_object(cut.target)
        return self.scopes.for_event()

    def check_cut(self, cut: Cut, names: dict[str, str] | None, path: str) -> None:
        level: Literal["error", "warning"] = "warning" if cut.status == Status.rejected else "error"
        if names is None:
            return
        if cut.kind == "select_best" and cut.scope != Scope.candidate:
            self.add(
                level,
                f"{path}.scope",
                f"select_best cut {cut.id!r} needs scope candidate and a target",
                cut_id=cut.id,
            )
        if not cut.executable:
            if cut.status != Status.rejected:
                self.add(
                    "warning",
                    f"{path}.text",
                    f"cut {cut.id!r} has only text; stage two must ask the LLM or report it",
                    cut_id=cut.id,
                )
            return
        if cut.variable is not None and not cut.variable.isidentifier():
            self.add(
                level,
                f"{path}.variable",
                f"variable {cut.variable!r} is not a name",
                "write the formula in expr instead",
                cut.id,
            )
            return
        field = "expr" if cut.expr is not None else "variable"
        tree = self.expression(
            cut_expression(cut),
            names,
            f"{path}.{field}",
            allow_tuple=cut.kind == "select_best",
            cut_id=cut.id,
            level=level,
        )
        if tree is None:
            return
        if (
            cut.scope == Scope.event
            and cut.kind != "select_best"
            and self.shapes.of(tree) == PER_OBJECT
        ):
            self.add(
                level,
                f"{path}.{field}",
                f"event cut {cut.id!r} gives one value per object, not one per event: "
                f"{cut_expression(cut)!r}",
                "reduce it: any(...) for at least one object, all(...) for every one, "
                "count(...) for how many, nth(x, i) for the i-th",
                cut.id,
            )
            return
        self.check_units(cut, tree, names, path, level)

    def check_units(
        self,
        cut: Cut,
        tree: ast.Expression,
        names: dict[str, str],
        path: str,
        level: Literal["error", "warning"],
    ) -> None:
        if cut.variable is not None:
            dimension = names.get(cut.variable, "unknown")
            if dimension in ("unknown", "objects", "candidates"):
                return
            problem = check_unit_fits(cut.unit, dimension, f"{cut.variable!r}")
            if problem:
                self.add(
                    level,
                    f"{path}.unit",
                    problem,
                    f"use {CANONICAL[dimension]}"
                    if dimension in CANONICAL
                    else "drop the unit: the quantity is dimensionless",
                    cut.id,
                )
            elif cut.unit is None and dimension not in UNITLESS:
                self.add(
                    "warning",
                    f"{path}.unit",
                    f"cut {cut.id!r} on {cut.variable!r} has no unit; {CANONICAL.get(dimension)} "
                    "assumed",
                    cut_id=cut.id,
                )
            return
        given = unit_dimension(cut.unit)
        if given is None:
            return
        dims = {names.get(name, "unknown") for name in names_used(tree)}
        dims |= {FUNCTIONS[f].returns for f in functions_used(tree)}
        if given not in dims and "unknown" not in dims:
            self.add(
                level,
                f"{path}.unit",
                f"cut {cut.id!r} has unit {cut.unit!r} but uses no {given} quantity",
                "drop the unit, or check which quantity the numbers belong to",
                cut.id,
            )

    def check_cutflow(self) -> None:
        for i, cut in enumerate(self.sel.selection):
            self.check_cut(cut, self.names_for(cut, f"$.selection[{i}]"), f"$.selection[{i}]")
        region_names = [region.name for region in self.sel.regions]
        for i, region in enumerate(self.sel.regions):
            if region.base is not None and (
                region.base not in region_names or region.base == region.name
            ):
                self.add(
                    "error",
                    f"$.regions[{i}].base",
                    f"region {region.name!r} builds on unknown region {region.base!r}",
                    f"regions: {', '.join(region_names)}",
                )
            elif _region_loops(region.name, self.sel):
                self.add(
                    "error",
                    f"$.regions[{i}].base",
                    f"region {region.name!r}: its chain of base regions loops",
                    "a region builds on the cutflow or on a region that does not build on it",
                )
            for j, cut in enumerate(region.cuts):
                path = f"$.regions[{i}].cuts[{j}]"
                self.check_cut(cut, self.names_for(cut, path), path)
        for i, weight in enumerate(self.sel.weights):
            if weight.expr is not None:
                self.expression(weight.expr, self.scopes.for_event(), f"$.weights[{i}].expr")

    def check_references(self) -> None:
        every = set(self.scopes.event) | {
            n for names in self.scopes.candidate.values() for n in names
        }
        if self.sel.observable is not None and self.sel.observable not in every:
            close = closest_names(self.sel.observable, sorted(every))
            self.add(
                "error",
                "$.observable",
                f"observable {self.sel.observable!r} is not defined",
                f"did you mean {', '.join(close)}?" if close else "define it as a derived quantity",
            )
        self.check_observables(every)
        known = {cut.id for cut in self.sel.all_cuts()} | every | {r.name for r in self.sel.regions}
        for i, assumption in enumerate(self.sel.assumptions):
            for ref in assumption.affects:
                if ref not in known:
                    self.add(
                        "warning",
                        f"$.assumptions[{i}].affects",
                        f"assumption {assumption.id!r} affects unknown id {ref!r}",
                        f"did you mean {', '.join(closest_names(ref, sorted(known)))}?",
                    )

    def check_observables(self, every: set[str]) -> None:
        regions = [CUTFLOW_REGION, *(r.name for r in self.sel.regions)]
        for i, obs in enumerate(self.sel.observables):
            if self.scopes.event.get(obs.name) in ("objects", "candidates"):
                self.add(
                    "error",
                    f"$.observables[{i}].name",
                    f"observable {obs.name!r} is a collection of "
                    f"{self.scopes.event[obs.name]}, not a number",
                    f"declare a number of it: pt({obs.name}) for each object, count({obs.name}), "
                    f"or a derived quantity such as pt_of(best_of(...))",
                )
            elif obs.name not in every:
                close = closest_names(obs.name, sorted(every))
                self.add(
                    "error",
                    f"$.observables[{i}].name",
                    f"observable {obs.name!r} is not defined",
                    f"did you mean {', '.join(close)}?"
                    if close
                    else "define it as a derived quantity",
                )
            for j, region in enumerate(obs.regions):
                if region not in regions:
                    close = closest_names(region, regions)
                    self.add(
                        "error",
                        f"$.observables[{i}].regions[{j}]",
                        f"observable {obs.name!r} is written in unknown region {region!r}",
                        f"regions: {', '.join(close or regions)}",
                    )


def validate_selection(sel: SelectionList) -> list[Issue]:
    """Every semantic problem of ``sel`` (errors and warnings), in file order."""
    checker = _Checker(sel)
    checker.check_objects()
    checker.check_derived()
    checker.check_cutflow()
    checker.check_references()
    return checker.issues


# loading lives in pipeline.selection.store (which runs these checks): import it from there
__all__ = ["Issue", "errors_only", "validate_selection"]
