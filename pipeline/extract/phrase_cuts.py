"""Put the cuts of :mod:`pipeline.extract.phrasings` into a built selection list.

A flavour-dependent Delta R statement replaces the object-level ``dr`` cut the comparison rules
read from the same sentence (only its second number, with no flavour); an m4l-dependent
threshold replaces the one-sided cut read from its sentence, and its interpolation is
recorded as an assumption, because the papers state the end points, not the curve.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.extract import patterns as P
from pipeline.extract.build import _QUAD_DERIVED
from pipeline.extract.findings import COLLECTIONS, KIND_OF
from pipeline.extract.phrasings import (
    Z_MASS,
    FlavourDeltaR,
    SlidingThreshold,
    chosen_then_cut,
    flavour_delta_r,
    sliding_threshold,
)
from pipeline.extract.reading import read
from pipeline.extract.rules import sentences
from pipeline.extract.sections import relevant_spans
from pipeline.extract.separations import Separation, separations
from pipeline.extract.text import squash
from pipeline.parse.document import Document
from pipeline.selection.models import (
    Assumption,
    Cut,
    Derived,
    PhysicsObject,
    Provenance,
    Scope,
    SelectionList,
)

SLIDING_ASSUMPTION = (
    "the text gives the threshold at two points only; it is taken as linear "
    "between them and constant beyond them"
)


def _statements(doc: Document) -> Iterator[tuple[int, str, str]]:
    """(offset, quote, prepared sentence) of the selection-relevant sentences, in reading order."""
    for start, end in relevant_spans(doc):
        for s_start, s_end in sentences(doc.text, start, end):
            raw = doc.text[s_start:s_end]
            if len(raw) <= 1500:
                yield s_start, squash(raw), read(raw).text


def apply_phrasings(sel: SelectionList, doc: Document) -> SelectionList:
    """``sel`` with the flavour-dependent Delta R cuts and the interpolated thresholds of
    ``doc``."""
    offsets: dict[str, int] = {}
    for offset, quote, prepared in _statements(doc):
        offsets.setdefault(quote, offset)
        found = flavour_delta_r(prepared, quote)
        if found is not None and not _has_expr(sel, found.expr()):
            sel = _add_flavour_dr(sel, found, offset, offsets)
        chosen = chosen_then_cut(prepared)
        if chosen is not None:
            sel = _select_before(sel, chosen, quote)
        sliding = sliding_threshold(prepared, quote)
        if sliding is not None:
            sel = _apply_sliding(sel, sliding)
        found_separations = separations(prepared)
        if found_separations:
            sel = _add_separations(sel, found_separations, quote)
    return sel


def dr_as_separations(sel: SelectionList) -> SelectionList:
    """Object ``dr`` cuts from any extractor (a cited paper's rules, a model's findings) whose quote
    is an overlap-removal or separation statement of their object, stated as ``min_delta_r``; the
    others are left for ``legal`` (the language has no ``dr`` of one object)."""
    kinds = {o.name: str(o.kind) for o in sel.objects}

    def one(cut: Cut) -> Cut:
        if cut.variable != "dr" or cut.target is None or not _quote_of(cut):
            return cut
        value = cut.value if isinstance(cut.value, (int, float)) else None
        for sep in separations(P.prepare(_quote_of(cut))):
            if COLLECTIONS.get(sep.subject) == cut.target and value == sep.value:
                other = COLLECTIONS[sep.partner]
                return cut.model_copy(
                    update={
                        "expr": f"min_delta_r({other}) {sep.op} {sep.value:g}",
                        "variable": None,
                        "op": None,
                        "value": None,
                        "unit": None,
                        "abs": False,
                    }
                )
        return cut

    data = sel.model_copy(deep=True)
    for obj in data.objects:
        if kinds.get(obj.name):
            obj.cuts = [one(c) for c in obj.cuts]
    return data


def _add_separations(sel: SelectionList, found: list[Separation], quote: str) -> SelectionList:
    """Overlap removal and separation statements as ``min_delta_r(<Y>) > v`` cuts on X's
    collection, replacing the ``dr`` cuts the comparison rules read from the same sentence (a
    variable the language does not have, sometimes on the wrong object or with the removed side)."""
    objects = [
        o.model_copy(
            update={
                "cuts": [c for c in o.cuts if not (c.variable == "dr" and _quote_of(c) == quote)]
            }
        )
        for o in sel.objects
    ]
    used = {c.id for c in sel.all_cuts()}
    for sep in found:
        name, other = COLLECTIONS[sep.subject], COLLECTIONS[sep.partner]
        expr = f"min_delta_r({other}) {sep.op} {sep.value:g}"
        obj = next((o for o in objects if o.name == name), None)
        if obj is None:
            kind = KIND_OF.get(sep.subject, sep.subject)
            obj = PhysicsObject(name=name, kind=kind)  # type: ignore[arg-type]
            objects.append(obj)
        if any(c.expr == expr for c in obj.cuts):
            continue
        cut_id = f"{name}_dr_{other}"
        cut_id = (
            next((f"{cut_id}_{n}" for n in range(2, 99) if f"{cut_id}_{n}" not in used), cut_id)
            if cut_id in used
            else cut_id
        )
        used.add(cut_id)
        obj.cuts.append(
            Cut(
                id=cut_id,
                scope=Scope.object,
                target=name,
                expr=expr,
                description=f"{name} at Delta R {sep.op} {sep.value:g} from every object of "
                f"{other} (overlap removal: the closer ones are removed)",
                provenance=Provenance(source="paper", document=sel.paper.id, quote=quote),
            )
        )
    return sel.model_copy(update={"objects": objects})


def _has_expr(sel: SelectionList, expr: str) -> bool:
    return any(c.expr == expr for c in sel.all_cuts())


def _quote_of(cut: Cut) -> str:
    return cut.provenance.quote if cut.provenance is not None else ""


def _add_flavour_dr(
    sel: SelectionList, found: FlavourDeltaR, offset: int, offsets: dict[str, int]
) -> SelectionList:
    objects = [
        o.model_copy(
            update={
                "cuts": [
                    c for c in o.cuts if not (c.variable == "dr" and _quote_of(c) == found.quote)
                ]
            }
        )
        for o in sel.objects
    ]
    used = {c.id for c in sel.all_cuts()}
    cut_id = f"{found.collection}_dr_flavour"
    cut_id = (
        next(f"{cut_id}_{n}" for n in range(2, 99) if f"{cut_id}_{n}" not in used)
        if cut_id in used
        else cut_id
    )
    cut = Cut(
        id=cut_id,
        scope=Scope.event,
        expr=found.expr(),
        description=f"Delta R > {found.same:g} for same-flavour and > {found.different:g} for "
        f"different-flavour pairs of {found.collection}",
        provenance=Provenance(source="paper", document=sel.paper.id, quote=found.quote),
    )
    # the cutflow follows the text: the cut goes before the first event cut stated after it
    later = [
        i
        for i, c in enumerate(sel.selection)
        if offsets.get(_quote_of(c), -1) > offset or _quote_of(c) not in offsets
    ]
    where = later[0] if later else len(sel.selection)
    selection = [*sel.selection[:where], cut, *sel.selection[where:]]
    return sel.model_copy(update={"objects": objects, "selection": selection})


def _select_before(sel: SelectionList, mass: str, quote: str) -> SelectionList:
    """A select-best step (the candidate whose ``mass`` is closest to the Z mass) before the
    candidate cut on ``mass`` stated in the same sentence."""
    cuts = [
        c
        for c in sel.selection
        if c.variable == mass and c.scope == Scope.candidate and _quote_of(c) == quote
    ]
    if not cuts or any(
        c.kind == "select_best" and c.target == cuts[0].target for c in sel.selection
    ):
        return sel
    cut = cuts[0]
    best = Cut(
        id=f"{cut.target}_best_{mass}",
        kind="select_best",
        scope=Scope.candidate,
        target=cut.target,
        expr=f"abs({mass} - {Z_MASS:g})",
        description=f"the candidate whose {mass} is closest to the Z mass",
        provenance=Provenance(source="paper", document=sel.paper.id, quote=quote),
    )
    where = sel.selection.index(cut)
    return sel.model_copy(
        update={"selection": [*sel.selection[:where], best, *sel.selection[where:]]}
    )


def _apply_sliding(sel: SelectionList, found: SlidingThreshold) -> SelectionList:
    targets = [
        c for c in sel.selection if c.variable == found.quantity and _quote_of(c) == found.quote
    ]
    if not targets or found.variable not in _QUAD_DERIVED or targets[0].scope != Scope.candidate:
        return sel
    old = targets[0]
    new = old.model_copy(
        update={
            "expr": found.expr(),
            "variable": None,
            "op": None,
            "value": None,
            "abs": False,
            "description": f"{found.quantity} above a threshold interpolated in "
            f"{found.variable} and below {found.high:g} GeV",
        }
    )
    derived = list(sel.derived)
    if not any(d.name == found.variable for d in derived):
        expr, what = _QUAD_DERIVED[found.variable]
        derived.append(
            Derived(
                name=found.variable,
                expr=expr,
                scope="candidate",
                target=old.target,
                unit="GeV",
                description=what,
                provenance=Provenance(source="assumption", document=sel.paper.id),
            )
        )
    assumption = Assumption(
        id=f"{old.id}_interpolation",
        topic=f"the {found.variable}-dependent lower bound of {found.quantity}",
        unstated=(
            f"the threshold between {found.variable} = {found.xs[0]:g} and {found.xs[1]:g} "
            "GeV, and beyond"
        ),
        choice=(
            f"interp({found.variable}, {list(found.xs)}, {list(found.ys)}): {SLIDING_ASSUMPTION}"
        ),
        rationale=(
            "piecewise-linear interpolation is the usual reading; the text only says how "
            "the bound moves"
        ),
        affects=[old.id],
    )
    selection = [new if c is old else c for c in sel.selection]
    assumptions = [
        *sel.assumptions,
        *([] if any(a.id == assumption.id for a in sel.assumptions) else [assumption]),
    ]
    return sel.model_copy(
        update={"selection": selection, "derived": derived, "assumptions": assumptions}
    )
