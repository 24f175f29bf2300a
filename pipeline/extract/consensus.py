"""Consensus across samples: merge N extractions, score agreement, flag disagreement.

LLM runs vary even at temperature zero; the variation is information. A cut present
in every sample gets agreement 1.0. One missing from some samples, or whose value
differs between samples, is kept with its agreement (share of samples containing it)
and a note asking the reviewer to decide.
"""

from __future__ import annotations

import re

from pipeline.selection.models import Cut, PhysicsObject, SelectionList


def signature(cut: Cut) -> tuple[object, ...]:
    value = tuple(cut.value) if isinstance(cut.value, list) else cut.value
    expr = re.sub(r"\s+", "", cut.expr) if cut.expr else None
    return (cut.scope, cut.target, cut.variable, cut.abs, cut.op, value, expr, cut.kind)


def slot(cut: Cut) -> tuple[object, ...]:
    """What the cut constrains, without the number: samples agreeing here but not on the
    value disagree about the threshold."""
    lhs = re.split(r"[<>=!]|\bin\b", re.sub(r"\s+", "", cut.expr))[0] if cut.expr else None
    return (cut.scope, cut.target, cut.variable, cut.abs, lhs)


def merge_samples(runs: list[SelectionList]) -> SelectionList:
    """One list holding every distinct cut of ``runs`` with its agreement score."""
    n = len(runs)
    counts: dict[tuple[object, ...], int] = {}
    values: dict[tuple[object, ...], set[str]] = {}
    for run in runs:
        for sig in {signature(c) for c in run.all_cuts()}:
            counts[sig] = counts.get(sig, 0) + 1
        for cut in run.all_cuts():
            values.setdefault(slot(cut), set()).add(_value_text(cut))
    used: set[str] = set()
    seen: set[tuple[object, ...]] = set()
    objects: dict[str, PhysicsObject] = {}
    selection: list[Cut] = []
    for run in runs:
        for obj in run.objects:
            merged = objects.setdefault(obj.name, obj.model_copy(update={"cuts": []}))
            merged.cuts += _new_cuts(obj.cuts, counts, values, n, seen, used)
        selection += _new_cuts(run.selection, counts, values, n, seen, used)
    flagged = [c.id for o in objects.values() for c in o.cuts if (c.agreement or 0) < 1]
    flagged += [c.id for c in selection if (c.agreement or 0) < 1]
    notes = [
        f"consensus of {n} samples; {len(flagged)} cut(s) differ between samples and need review"
        + (f": {', '.join(flagged)}" if flagged else "")
    ]
    base = runs[0]
    return base.model_copy(
        update={
            "objects": list(objects.values()),
            "selection": selection,
            "notes": list(dict.fromkeys([*base.notes, *notes])),
            "complete": all(r.complete for r in runs),
            "unresolved": _union_by_id(r.unresolved for r in runs),
        }
    )


def _new_cuts(
    cuts: list[Cut],
    counts: dict[tuple[object, ...], int],
    values: dict[tuple[object, ...], set[str]],
    n: int,
    seen: set[tuple[object, ...]],
    used: set[str],
) -> list[Cut]:
    out = []
    for cut in cuts:
        sig = signature(cut)
        if sig in seen:
            continue
        seen.add(sig)
        agreement = counts[sig] / n
        update: dict[str, object] = {
            "agreement": agreement,
            "confidence": min(cut.confidence, agreement),
            "id": _unique_id(cut.id, used),
        }
        if agreement < 1:
            alternatives = sorted(values[slot(cut)] - {_value_text(cut)})
            note = f"review: found in {counts[sig]} of {n} samples"
            if alternatives:
                note += f"; other samples give {', '.join(alternatives)}"
            update["notes"] = f"{cut.notes}; {note}" if cut.notes else note
        out.append(cut.model_copy(update=update))
    return out


def _value_text(cut: Cut) -> str:
    if cut.expr:
        return cut.expr
    return f"{cut.op} {cut.value}"


def _unique_id(base: str, used: set[str]) -> str:
    name, k = base, 2
    while name in used:
        name, k = f"{base}_s{k}", k + 1
    used.add(name)
    return name


def _union_by_id(groups):  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item.id, item)
    return list(seen.values())


def cross_check(llm: SelectionList, rules: SelectionList) -> SelectionList:
    """Mark each model cut the deterministic extractor also found; list what only the rules saw.

    Nothing is added or removed: a rules-only cut is named in the notes for the reviewer,
    because the model may have had a reason to leave it out (a trigger threshold, a bin edge).
    """
    rule_sigs = {signature(c) for c in rules.all_cuts()}
    llm_sigs = {signature(c) for c in llm.all_cuts()}

    def mark(cut: Cut) -> Cut:
        if signature(cut) not in rule_sigs:
            return cut
        note = "cross-check: the rule-based extractor found the same cut"
        return cut.model_copy(update={"notes": f"{cut.notes}; {note}" if cut.notes else note})

    data = llm.model_copy(deep=True)
    for obj in data.objects:
        obj.cuts = [mark(c) for c in obj.cuts]
    data.selection = [mark(c) for c in data.selection]
    only_rules = [c for c in rules.all_cuts() if signature(c) not in llm_sigs]
    if only_rules:
        listed = "; ".join(
            f"{c.id}: {c.provenance.quote[:80] if c.provenance else c.description}"
            for c in only_rules[:12]
        )
        data.notes.append(
            f"cross-check: the rule-based extractor found {len(only_rules)} cut(s) the model did "
            f"not report, for review: {listed}"
        )
    agreed = sum(signature(c) in rule_sigs for c in llm.all_cuts())
    data.notes.append(
        f"cross-check: {agreed} of {len(llm.all_cuts())} model cut(s) also found by the rules"
    )
    return data
