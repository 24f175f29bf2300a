"""What a reviewer sees of a list: one flat row per cut, and the diff extracted vs reviewed."""

from __future__ import annotations

from typing import Any

from pipeline.selection.expr import cut_expression
from pipeline.selection.models import Cut, SelectionList

COMPARED = (
    "description",
    "scope",
    "target",
    "kind",
    "variable",
    "abs",
    "op",
    "value",
    "unit",
    "expr",
    "text",
    "status",
)


def machine_form(cut: Cut) -> str:
    """The cut as one line in the expression language, prefixed by its collection: ``electrons: pt >
    25``."""
    prefix = f"{cut.target}: " if cut.target else ""
    if not cut.executable and cut.expr is None and cut.variable is None:
        return f"{prefix}(text only) {cut.text}"
    verb = "minimise " if cut.kind == "select_best" else ""
    unit = f"  [{cut.unit}]" if cut.unit and cut.unit != "none" else ""
    return f"{prefix}{verb}{cut_expression(cut)}{unit}"


def _locations(selection: SelectionList) -> dict[str, str]:
    where = {cut.id: f"object:{obj.name}" for obj in selection.objects for cut in obj.cuts}
    where |= {cut.id: "selection" for cut in selection.selection}
    where |= {
        cut.id: f"region:{region.name}" for region in selection.regions for cut in region.cuts
    }
    return where


def cut_rows(selection: SelectionList, extracted: SelectionList) -> list[dict[str, Any]]:
    """Every cut in order with what the page shows for it, and how it differs from the extracted
    one."""
    where = _locations(selection)
    changes = {item["id"]: item for item in diff_lists(extracted, selection)}
    rows = []
    for index, cut in enumerate(selection.all_cuts()):
        prov = cut.provenance
        rows.append(
            {
                "index": index,
                "id": cut.id,
                "where": where[cut.id],
                "description": cut.description,
                "machine": machine_form(cut),
                "status": cut.status,
                "confidence": cut.confidence,
                "agreement": cut.agreement,
                "quote": prov.quote if prov else "",
                "document": prov.document if prov else None,
                "source": prov.source if prov else None,
                "page": prov.page if prov else None,
                "section": prov.section if prov else None,
                "grounding": cut.grounding.model_dump(mode="json") if cut.grounding else None,
                "reviewer_note": cut.reviewer_note,
                "fields": cut.model_dump(
                    mode="json",
                    include={
                        "variable",
                        "abs",
                        "op",
                        "value",
                        "unit",
                        "expr",
                        "text",
                        "scope",
                        "target",
                    },
                ),
                "diff": changes.get(cut.id, {"state": "unchanged", "fields": {}}),
            }
        )
    return rows


def diff_lists(extracted: SelectionList, reviewed: SelectionList) -> list[dict[str, Any]]:
    """Per cut: added, removed, changed (with field -> [before, after]) or unchanged."""
    old = {cut.id: cut.model_dump(mode="json") for cut in extracted.all_cuts()}
    new = {cut.id: cut.model_dump(mode="json") for cut in reviewed.all_cuts()}
    items = []
    for cut_id in list(new) + [i for i in old if i not in new]:
        if cut_id not in old:
            items.append(
                {
                    "id": cut_id,
                    "state": "added",
                    "fields": {
                        k: [None, new[cut_id].get(k)]
                        for k in COMPARED
                        if new[cut_id].get(k) not in (None, False)
                    },
                }
            )
        elif cut_id not in new:
            items.append({"id": cut_id, "state": "removed", "fields": {}})
        else:
            fields = {
                k: [old[cut_id].get(k), new[cut_id].get(k)]
                for k in COMPARED
                if old[cut_id].get(k) != new[cut_id].get(k)
            }
            items.append(
                {"id": cut_id, "state": "changed" if fields else "unchanged", "fields": fields}
            )
    return items
