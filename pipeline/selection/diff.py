"""Semantic differences between two selection lists, cut by cut.

Cuts are matched by id, wherever they live; a cut written in structured form in one
list and as an expression in the other is unchanged when both say the same thing
(``abs(eta) < 2.47``). Numbers are compared with a tolerance, lists whose order
carries no meaning (assumptions, notes, sources, bounding boxes) ignore order, and the
order of the cutflow - which does carry meaning - is reported separately.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from deepdiff import DeepDiff
from pydantic import BaseModel, ConfigDict, Field

from pipeline.errors import SelectionError
from pipeline.selection.expr import cut_expression, normalise, parse
from pipeline.selection.models import Cut, SelectionList

_FORM_FIELDS = ("variable", "abs", "op", "value", "expr")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldChange(_Model):
    path: str
    old: Any = None
    new: Any = None


class CutChange(_Model):
    id: str
    where: str = Field(description="'electrons', 'selection', 'region:SR' ...")
    old_form: str | None = None
    new_form: str | None = None
    machine_form_changed: bool = False
    changes: list[FieldChange] = Field(default_factory=list)


class EntityChange(_Model):
    kind: str  # object, derived, region, assumption, unresolved, weight, top
    name: str
    status: str  # added, removed, changed
    changes: list[FieldChange] = Field(default_factory=list)


class SelectionDiff(_Model):
    added: list[str] = Field(default_factory=list, description="cut ids only in B")
    removed: list[str] = Field(default_factory=list, description="cut ids only in A")
    changed: list[CutChange] = Field(default_factory=list)
    cutflow_order_changed: bool = False
    cutflow_order: tuple[list[str], list[str]] | None = None
    entities: list[EntityChange] = Field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.cutflow_order_changed
            or self.entities
        )


def _where(sel: SelectionList) -> dict[str, tuple[str, Cut]]:
    located = {cut.id: (obj.name, cut) for obj in sel.objects for cut in obj.cuts}
    located |= {cut.id: ("selection", cut) for cut in sel.selection}
    located |= {
        cut.id: (f"region:{region.name}", cut) for region in sel.regions for cut in region.cuts
    }
    return located


def _path(deep_path: str) -> str:
    """``root['provenance']['quote']`` -> ``provenance.quote``."""
    text = re.sub(r"\['([^']*)'\]", r".\1", deep_path.removeprefix("root"))
    return text.lstrip(".") or "."


def _digits(tolerance: float) -> int:
    return max(1, min(15, round(-math.log10(tolerance)))) if tolerance > 0 else 15


def _rounded(data: Any, digits: int) -> Any:
    """Floats to ``digits`` significant digits (deepdiff's epsilon does not reach nested lists)."""
    if isinstance(data, float):
        return float(f"{data:.{digits}g}")
    if isinstance(data, dict):
        return {key: _rounded(value, digits) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_rounded(value, digits) for value in data]
    return data


def _field_changes(
    old: Any, new: Any, tolerance: float, exclude: tuple[str, ...] = ()
) -> list[FieldChange]:
    digits = _digits(tolerance)
    diff = DeepDiff(
        _rounded(old, digits),
        _rounded(new, digits),
        ignore_order=True,
        exclude_paths=[f"root['{name}']" for name in exclude],
        verbose_level=2,
    )
    changes: list[FieldChange] = []
    for kind, items in diff.items():
        for path, detail in dict(items).items():
            if kind in ("values_changed", "type_changes"):
                changes.append(
                    FieldChange(
                        path=_path(path), old=detail.get("old_value"), new=detail.get("new_value")
                    )
                )
            elif "added" in kind:
                changes.append(FieldChange(path=_path(path), new=detail))
            else:
                changes.append(FieldChange(path=_path(path), old=detail))
    return sorted(changes, key=lambda change: change.path)


def _form(cut: Cut) -> str | None:
    try:
        return cut_expression(cut)
    except SelectionError:
        return None


def _skeleton(tree: ast.AST) -> tuple[str, list[float]]:
    tree = normalise(tree)
    numbers: list[float] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            numbers.append(float(node.value))
            node.value = 0.0
    return ast.dump(tree, annotate_fields=False), numbers


def forms_equal(a: str | None, b: str | None, tolerance: float = 1e-9) -> bool:
    """Same expression tree, numbers equal within ``tolerance`` (absolute or relative)."""
    if a is None or b is None:
        return a == b
    try:
        (shape_a, nums_a), (shape_b, nums_b) = (
            _skeleton(parse(x, allow_tuple=True)) for x in (a, b)
        )
    except SelectionError:
        return a.strip() == b.strip()
    return shape_a == shape_b and all(
        math.isclose(x, y, rel_tol=tolerance, abs_tol=tolerance)
        for x, y in zip(nums_a, nums_b, strict=True)
    )


def _compare_cut(cut_id: str, where: str, a: Cut, b: Cut, tolerance: float) -> CutChange | None:
    old_form, new_form = _form(a), _form(b)
    form_changed = not forms_equal(old_form, new_form, tolerance)
    exclude = _FORM_FIELDS + ("id",)
    changes = _field_changes(
        a.model_dump(mode="json", exclude_none=True),
        b.model_dump(mode="json", exclude_none=True),
        tolerance,
        exclude,
    )
    if not (form_changed or changes):
        return None
    return CutChange(
        id=cut_id,
        where=where,
        old_form=old_form,
        new_form=new_form,
        machine_form_changed=form_changed,
        changes=changes,
    )


def _named(items: list[Any], key: str) -> dict[str, dict[str, Any]]:
    return {getattr(item, key): item.model_dump(mode="json", exclude_none=True) for item in items}


def _entities(
    kind: str,
    old: dict[str, Any],
    new: dict[str, Any],
    tolerance: float,
    exclude: tuple[str, ...] = (),
) -> list[EntityChange]:
    result = [
        EntityChange(kind=kind, name=name, status="removed") for name in old if name not in new
    ]
    result += [
        EntityChange(kind=kind, name=name, status="added") for name in new if name not in old
    ]
    for name in old.keys() & new.keys():
        changes = _field_changes(old[name], new[name], tolerance, exclude)
        if changes:
            result.append(EntityChange(kind=kind, name=name, status="changed", changes=changes))
    return sorted(result, key=lambda e: (e.status, e.name))


def diff_selections(
    a: SelectionList, b: SelectionList, *, tolerance: float = 1e-9
) -> SelectionDiff:
    """What changed from ``a`` to ``b``: cuts by id, the cutflow order, and named entities."""
    cuts_a, cuts_b = _where(a), _where(b)
    result = SelectionDiff(
        removed=[cid for cid in cuts_a if cid not in cuts_b],
        added=[cid for cid in cuts_b if cid not in cuts_a],
    )
    for cid in cuts_a.keys() & cuts_b.keys():
        where = (
            cuts_b[cid][0]
            if cuts_a[cid][0] == cuts_b[cid][0]
            else f"{cuts_a[cid][0]} -> {cuts_b[cid][0]}"
        )
        change = _compare_cut(cid, where, cuts_a[cid][1], cuts_b[cid][1], tolerance)
        if change is not None:
            result.changed.append(change)
    result.changed.sort(key=lambda change: change.id)
    common = set(cuts_a) & set(cuts_b)
    order_a = [c.id for c in a.selection if c.id in common]
    order_b = [c.id for c in b.selection if c.id in common]
    if order_a != order_b:
        result.cutflow_order_changed, result.cutflow_order = True, (order_a, order_b)
    result.entities = (
        _entities(
            "object", _named(a.objects, "name"), _named(b.objects, "name"), tolerance, ("cuts",)
        )
        + _entities("derived", _named(a.derived, "name"), _named(b.derived, "name"), tolerance)
        + _entities(
            "region", _named(a.regions, "name"), _named(b.regions, "name"), tolerance, ("cuts",)
        )
        + _entities("weight", _named(a.weights, "name"), _named(b.weights, "name"), tolerance)
        + _entities(
            "assumption", _named(a.assumptions, "id"), _named(b.assumptions, "id"), tolerance
        )
        + _entities("unresolved", _named(a.unresolved, "id"), _named(b.unresolved, "id"), tolerance)
        + _top_level(a, b, tolerance)
    )
    return result


def _top_level(a: SelectionList, b: SelectionList, tolerance: float) -> list[EntityChange]:
    skip = {"objects", "derived", "selection", "regions", "weights", "assumptions", "unresolved"}
    old = a.model_dump(mode="json", exclude_none=True, exclude=skip)
    new = b.model_dump(mode="json", exclude_none=True, exclude=skip)
    changes = _field_changes(old, new, tolerance)
    return (
        [EntityChange(kind="top", name="selection list", status="changed", changes=changes)]
        if changes
        else []
    )
