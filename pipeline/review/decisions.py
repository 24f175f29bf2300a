"""What a reviewer can decide, and how a decision changes a selection list.

A decision never mutates a list in place: it is applied to a JSON copy, and the copy must
validate as a whole :class:`SelectionList` before anything is written, so an invalid edit is
refused with the validation message and the saved list stays as it was.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.errors import SelectionError, UsageError, closest_names
from pipeline.selection.models import SelectionList, Status
from pipeline.selection.store import parse_selection
from pipeline.selection.units import canonical_unit, convert_values
from pipeline.selection.validate import errors_only, validate_selection

Action = Literal["approve", "reject", "edit", "add", "answer"]
EDITABLE = (
    "description",
    "variable",
    "op",
    "value",
    "unit",
    "expr",
    "text",
    "abs",
    "scope",
    "target",
    "kind",
    "notes",
)
STRUCTURED = ("variable", "op", "value")
STATUS_AFTER: dict[str, Status] = {
    "approve": Status.reviewed,
    "reject": Status.rejected,
    "edit": Status.edited,
    "add": Status.reviewed,
}


class Decision(BaseModel):
    """One reviewer decision, as the web page and the terminal review send it."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    cut_id: str | None = Field(
        default=None,
        description="the cut decided on (approve/reject/edit), or the new cut's id (add)",
    )
    changes: dict[str, Any] = Field(
        default_factory=dict, description="edit/add: field -> new value"
    )
    into: str = Field(
        default="selection", description="add: 'selection', 'object:<name>' or 'region:<name>'"
    )
    after: str | None = Field(
        default=None, description="add: insert after this cut id (default: at the end)"
    )
    quote: str = Field(
        default="", description="add: the sentence of the paper the new cut comes from"
    )
    page: int | None = Field(default=None, ge=1, description="add: the page of that sentence")
    assumption_id: str | None = None
    answer: str | None = None
    comment: str = ""


def _cut_lists(data: dict[str, Any]) -> list[list[dict[str, Any]]]:
    lists = [obj["cuts"] for obj in data["objects"]]
    return lists + [data["selection"]] + [region["cuts"] for region in data["regions"]]


def find_cut(data: dict[str, Any], cut_id: str) -> tuple[list[dict[str, Any]], int]:
    """The list holding cut ``cut_id`` and its index there; UsageError naming close ids
    otherwise."""
    for cuts in _cut_lists(data):
        for index, cut in enumerate(cuts):
            if cut["id"] == cut_id:
                return cuts, index
    known = [cut["id"] for cuts in _cut_lists(data) for cut in cuts]
    raise UsageError(
        f"no cut {cut_id!r} in the selection list",
        hint=f"closest ids: {closest_names(cut_id, known)}",
    )


def parse_value(raw: Any) -> float | list[float] | None:
    """A cut value from a form: '25', '105, 160', 25, [105, 160] or '' (none)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise UsageError(f"value {raw!r} is not a number")
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, list):
        return [float(parse_value(item)) for item in raw]  # type: ignore[arg-type]
    parts = [p for p in str(raw).replace("[", " ").replace("]", " ").replace(",", " ").split() if p]
    try:
        numbers = [float(p) for p in parts]
    except ValueError as err:
        raise UsageError(
            f"value {raw!r} is not a number or a list of numbers", hint="write e.g. 25 or 105, 160"
        ) from err
    return numbers[0] if len(numbers) == 1 else numbers


def _clean_changes(
    changes: dict[str, Any], current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Form values -> cut fields: '' clears, values parse, a non-canonical unit converts the
    value."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise UsageError(f"cannot edit {unknown}", hint=f"editable fields: {', '.join(EDITABLE)}")
    clean = {key: (None if value == "" else value) for key, value in changes.items()}
    if "value" in clean:
        clean["value"] = parse_value(clean["value"])
    if clean.get("unit") is not None:
        unit = str(clean["unit"])
        canonical = canonical_unit(
            unit
        )  # SelectionError naming close spellings for an unknown unit
        value = clean["value"] if "value" in clean else (current or {}).get("value")
        if canonical is not None and canonical != unit and value is not None:
            clean["value"] = convert_values(value, unit)
        clean["unit"] = canonical or "none"
    return clean


def _merge_form(cut: dict[str, Any], clean: dict[str, Any]) -> dict[str, Any]:
    """Apply edits; switching between the structured form and an expression clears the other."""
    merged = {**cut, **clean}
    if clean.get("expr") and not any(clean.get(key) is not None for key in STRUCTURED):
        merged.update(variable=None, op=None, value=None, abs=False)
    elif any(clean.get(key) is not None for key in STRUCTURED) and "expr" not in clean:
        merged["expr"] = None
    return merged


def validated(
    data: dict[str, Any], what: str, before: SelectionList | None = None
) -> SelectionList:
    """The list ``data`` describes, or a SelectionError saying why ``what`` was refused.

    Schema and model rules must hold; the semantic checks (names, units) refuse only problems
    the decision introduces, so a flaw already in the extracted list does not block the review.
    """
    try:
        new = parse_selection(data, source=what, check=False)
    except SelectionError as err:
        raise SelectionError(
            f"{err.message}\nnothing was saved", json_path=err.json_path, hint=err.hint
        ) from err
    old = (
        {(i.path, i.message) for i in errors_only(validate_selection(before))}
        if before is not None
        else set()
    )
    fresh = [i for i in errors_only(validate_selection(new)) if (i.path, i.message) not in old]
    if fresh:
        listed = "\n".join(
            f"  {i.path}: {i.message}" + (f" ({i.hint})" if i.hint else "") for i in fresh
        )
        raise SelectionError(
            f"{what} refused, nothing was saved:\n{listed}",
            json_path=fresh[0].path,
            hint="fix the fields named and save again",
        )
    return new


def apply_decision(
    selection: SelectionList, decision: Decision, document: str
) -> tuple[SelectionList, Any, Any]:
    """The new list, and the item before and after (for the review log). ``document``: the paper
    id."""
    data = selection.model_dump(mode="json")
    if decision.action == "answer":
        return _answer(data, decision, selection)
    if decision.action == "add":
        return _add(data, decision, document, selection)
    if not decision.cut_id:
        raise UsageError(f"{decision.action} needs a cut id")
    cuts, index = find_cut(data, decision.cut_id)
    before = copy.deepcopy(cuts[index])
    after = (
        _merge_form(before, _clean_changes(decision.changes, before))
        if decision.action == "edit"
        else dict(before)
    )
    if decision.action != "edit" and decision.changes:
        raise UsageError(f"{decision.action} takes no changes; use edit to change a cut")
    # approving an edited cut keeps 'edited': the record must still say a human changed it
    keep = decision.action == "approve" and before.get("status") == Status.edited.value
    after["status"] = before["status"] if keep else STATUS_AFTER[decision.action].value
    if decision.comment:
        after["reviewer_note"] = decision.comment
    cuts[index] = after
    new = validated(data, f"{decision.action} of cut {decision.cut_id!r}", selection)
    return new, before, after


def _insert_into(data: dict[str, Any], decision: Decision) -> list[dict[str, Any]]:
    kind, _, name = decision.into.partition(":")
    if kind == "selection" and not name:
        return data["selection"]  # type: ignore[no-any-return]
    pool = {"object": data["objects"], "region": data["regions"]}.get(kind)
    if pool is None:
        raise UsageError(
            f"cannot add a cut into {decision.into!r}",
            hint="use 'selection', 'object:<name>' or 'region:<name>'",
        )
    for item in pool:
        if item["name"] == name:
            return item["cuts"]  # type: ignore[no-any-return]
    raise UsageError(
        f"no {kind} {name!r}", hint=f"closest: {closest_names(name, [i['name'] for i in pool])}"
    )


def _add(
    data: dict[str, Any], decision: Decision, document: str, before: SelectionList
) -> tuple[SelectionList, Any, Any]:
    if not decision.cut_id:
        raise UsageError("a new cut needs an id", hint="e.g. lep_pt_min")
    if not decision.quote.strip():
        raise UsageError(
            "a new cut needs the quote it comes from",
            hint="paste the sentence of the paper that states it",
        )
    target = _insert_into(data, decision)
    clean = _clean_changes(decision.changes)
    cut = {key: value for key, value in clean.items() if value is not None}
    kind, _, name = decision.into.partition(":")
    if kind == "object":  # a cut of a collection applies to each of its objects
        cut.setdefault("scope", "object")
        cut.setdefault("target", name)
    cut.update(
        id=decision.cut_id,
        status=STATUS_AFTER["add"].value,
        confidence=1.0,
        provenance={
            "source": "hand",
            "document": document,
            "page": decision.page,
            "quote": decision.quote.strip(),
        },
    )
    if decision.comment:
        cut["reviewer_note"] = decision.comment
    position = len(target)
    if decision.after:
        ids = [c["id"] for c in target]
        if decision.after not in ids:
            raise UsageError(
                f"no cut {decision.after!r} in {decision.into}", hint=f"cuts there: {ids}"
            )
        position = ids.index(decision.after) + 1
    target.insert(position, cut)
    new = validated(data, f"new cut {decision.cut_id!r}", before)
    return new, None, cut


def _answer(
    data: dict[str, Any], decision: Decision, before_list: SelectionList
) -> tuple[SelectionList, Any, Any]:
    ids = [a["id"] for a in data["assumptions"]]
    if decision.assumption_id not in ids:
        raise UsageError(f"no assumption {decision.assumption_id!r}", hint=f"assumptions: {ids}")
    if not (decision.answer or "").strip():
        raise UsageError("an answer cannot be empty")
    index = ids.index(decision.assumption_id)
    before = copy.deepcopy(data["assumptions"][index])
    after = {**before, "status": "answered", "answer": decision.answer.strip()}  # type: ignore[union-attr]
    data["assumptions"][index] = after
    new = validated(data, f"answer to assumption {decision.assumption_id!r}", before_list)
    return new, before, after
