"""Every list stage one writes passes ``reproduce validate``.

Whatever an extractor proposes (rules or a model), a cut the selection language cannot state
in that list - an unknown variable (``dr`` of an object with no partner, ``wt``), a
collection nobody defines - leaves the cutflow for ``unresolved``, carrying its quote and the
validator's message, so a reviewer sees what was meant and why it is not a cut.
"""

from __future__ import annotations

import re

from pipeline.extract.findings import KIND_OF_COLLECTION
from pipeline.extract.named_quantities import (
    dphi_conflicts,
    unexpressible_quantities,
    with_named_quantities,
    with_own_definitions,
)
from pipeline.selection.models import (
    Cut,
    PhysicsObject,
    SelectionList,
    Unresolved,
)
from pipeline.selection.validate import errors_only, validate_selection

_MAX_ROUNDS = 20  # each round removes at least one cut; a list has far fewer broken cuts than this
_LEPTONS = re.compile(r"\bleptons\b")
_NEAR_LEPTONS = re.compile(r"\bmin_delta_r\(\s*leptons\s*\)")

NOT_EXPRESSIBLE = "not expressible in the selection language"


def unresolved_from_cut(cut: Cut, reason: str) -> Unresolved:
    """An unresolved item keeping what the extractor proposed, its quote and why it is not a cut."""
    quote = cut.provenance.quote if cut.provenance is not None and cut.provenance.quote else ""
    proposed = cut.expr or (
        f"{cut.variable} {cut.op} {cut.value}" if cut.variable else cut.text or ""
    )
    where = f" ({cut.target})" if cut.target else ""
    description = (
        f'proposed{where}: {proposed}; quote: "{quote}"'
        if quote
        else f"proposed{where}: {proposed}"
    )
    page = cut.provenance.page if cut.provenance is not None else None
    if page is not None:
        description += f" (page {page})"
    return Unresolved(id=cut.id, description=description[:2000], reason=reason)


def with_lepton_union(sel: SelectionList) -> SelectionList:
    """A list whose cuts count ``leptons`` gets the union collection leptons = electrons + muons
    ("exactly one electron or muon" is one count over both flavours)."""
    if any(o.name == "leptons" for o in sel.objects):
        return sel
    uses = any(c.expr and _LEPTONS.search(c.expr) for c in sel.all_cuts())
    if not uses:
        return sel
    sources = [o.name for o in sel.objects if o.name in ("electrons", "muons")]
    added: list[PhysicsObject] = []
    if not sources and any(c.expr and _NEAR_LEPTONS.search(c.expr) for c in sel.all_cuts()):
        # "jets within Delta R = 0.4 of a lepton are removed" in a paper stating no lepton cut:
        # the leptons are the electrons and muons of the data
        added = [
            PhysicsObject(name=n, kind=KIND_OF_COLLECTION[n], description="no object cut stated")  # type: ignore[arg-type]
            for n in ("electrons", "muons")
        ]
        sources = ["electrons", "muons"]
    union = PhysicsObject(
        name="leptons",
        kind="lepton",
        sources=sources,
        description="electrons and muons together (the paper counts them as one)",
    )
    return sel.model_copy(update={"objects": [*added, *sel.objects, union]})


def with_counted_collections(sel: SelectionList) -> SelectionList:
    """A collection a cut counts but no object defines ('at least four jets' in a paper stating no
    jet cut) is added with no cut of its own."""
    names = {o.name for o in sel.objects}
    used = {m.group(1) for c in sel.all_cuts() if c.expr for m in re.finditer(r"\b(\w+)\)", c.expr)}
    # (leptons: the union of the electrons and muons, built with them)
    missing = [n for n in KIND_OF_COLLECTION if n in used and n not in names and n != "leptons"]
    added = [
        PhysicsObject(name=n, kind=KIND_OF_COLLECTION[n], description="no object cut stated")  # type: ignore[arg-type]
        for n in missing
    ]
    return sel.model_copy(update={"objects": [*sel.objects, *added]}) if added else sel


def _remove(sel: SelectionList, ids: dict[str, str]) -> SelectionList:
    data = sel.model_copy(deep=True)
    moved: list[Unresolved] = []
    for obj in data.objects:
        moved += [unresolved_from_cut(c, ids[c.id]) for c in obj.cuts if c.id in ids]
        obj.cuts = [c for c in obj.cuts if c.id not in ids]
    moved += [unresolved_from_cut(c, ids[c.id]) for c in data.selection if c.id in ids]
    data.selection = [c for c in data.selection if c.id not in ids]
    for region in data.regions:
        moved += [unresolved_from_cut(c, ids[c.id]) for c in region.cuts if c.id in ids]
        region.cuts = [c for c in region.cuts if c.id not in ids]
    taken = {u.id for u in data.unresolved}
    data.unresolved += [u.model_copy(update={"id": _free(u.id, taken)}) for u in moved]
    return data


def _free(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _drop_empty(sel: SelectionList) -> SelectionList:
    """Objects left with no cut and no role (nothing counts them, nothing merges them) and empty
    regions."""
    texts = (
        " ".join(c.expr or "" for c in sel.all_cuts())
        + " "
        + " ".join(d.expr or "" for d in sel.derived)
    )
    sources = {s for o in sel.objects for s in o.sources}
    objects = [
        o
        for o in sel.objects
        if o.cuts or o.sources or o.name in sources or re.search(rf"\b{o.name}\b", texts)
    ]
    regions = [r for r in sel.regions if r.cuts]
    return sel.model_copy(update={"objects": objects, "regions": regions})


def _needs(obj: PhysicsObject, names: set[str]) -> list[str]:
    """The collections ``obj`` must come after: those it merges and those its cuts name
    (``min_delta_r(leptons) > 0.4`` in the cuts of jets)."""
    named = [
        m.group(1)
        for c in obj.cuts
        if c.expr
        for m in re.finditer(r"\b(\w+)\b", c.expr)
        if m.group(1) in names and m.group(1) != obj.name
    ]
    return list(dict.fromkeys([*obj.sources, *named]))


def _ordered(sel: SelectionList) -> tuple[list[PhysicsObject], list[list[str]]]:
    """The objects with each after the collections it needs (stable: otherwise in list order),
    and the cycles left (collections needing each other)."""
    names = {o.name for o in sel.objects}
    needs = {o.name: [n for n in _needs(o, names) if n in names] for o in sel.objects}
    placed: list[PhysicsObject] = []
    done: set[str] = set()
    pending = list(sel.objects)
    while pending:
        ready = next((o for o in pending if all(n in done for n in needs[o.name])), None)
        if ready is None:
            return placed + pending, _cycles(pending, needs)
        placed.append(ready)
        done.add(ready.name)
        pending.remove(ready)
    return placed, []


def _cycles(pending: list[PhysicsObject], needs: dict[str, list[str]]) -> list[list[str]]:
    """One cycle of collections needing each other, from the first of ``pending``."""
    left = {o.name for o in pending}
    path = [pending[0].name]
    while True:
        nxt = next(n for n in needs[path[-1]] if n in left)
        if nxt in path:
            return [path[path.index(nxt) :]]
        path.append(nxt)


def _stated_at(cut: Cut, order: int) -> tuple[int, int]:
    span = cut.provenance.char_span if cut.provenance is not None else None
    return (span[0] if span else 10**9, order)


MUTUAL = (
    "not expressible in the selection language: mutual overlap removal - {a} removed near {b} "
    "and {b} removed near {a} (sequential removal, each step using the objects the previous step "
    "kept) - cannot be stated, because an object cut may name only collections defined before "
    "its object; the removal stated first is kept, this one is left out"
)


def _dependencies_first(sel: SelectionList) -> SelectionList:
    """Each collection after the collections it merges or its cuts name; sources nobody defines
    dropped. In a cycle (jets removed near electrons, electrons removed near the remaining jets),
    the cut closing it that the paper states last goes to ``unresolved``."""
    names = {o.name for o in sel.objects}
    sel = sel.model_copy(
        update={
            "objects": [
                o.model_copy(update={"sources": [s for s in o.sources if s in names]})
                if o.sources
                else o
                for o in sel.objects
            ]
        }
    )
    for _ in range(_MAX_ROUNDS):
        objects, cycles = _ordered(sel)
        if not cycles:
            return sel.model_copy(update={"objects": objects})
        ring = cycles[0]
        edges = [
            (_stated_at(c, i), c.id, obj.name, nxt)
            for obj in sel.objects
            if obj.name in ring
            for nxt in [ring[(ring.index(obj.name) + 1) % len(ring)]]
            for i, c in enumerate(obj.cuts)
            if c.expr and re.search(rf"\b{nxt}\b", c.expr)
        ]
        if not edges:  # a cycle of sources alone: the validator says what is wrong
            return sel.model_copy(update={"objects": objects})
        _, cut_id, a, b = max(edges)
        sel = _remove(sel, {cut_id: MUTUAL.format(a=a, b=b)})
    return sel


_OBJECT_PATH = re.compile(r"^\$\.objects\[(\d+)\]\.(?!cuts)")


def _broken_objects(sel: SelectionList, errors: list) -> dict[str, str]:  # type: ignore[type-arg]
    """Cut ids of objects the language cannot hold (a kind without canonical event content), with
    why."""
    out: dict[str, str] = {}
    for error in errors:
        match = _OBJECT_PATH.match(error.path)
        if error.cut_id is None and match is not None and int(match.group(1)) < len(sel.objects):
            obj = sel.objects[int(match.group(1))]
            out.update({c.id: f"{NOT_EXPRESSIBLE}: {error.message}" for c in obj.cuts})
    return out


# support-check findings that say the statement is no cut at all (a condition qualifying another
# requirement, the size of an isolation cone, an overlap-removal distance): such a reading leaves
# the cutflow for unresolved (a min_delta_r cut is one only when its quote is overlap removal)
_NOT_A_CUT = (
    "is a condition",
    "appears only in a condition",
    "isolation cone",
    "overlap removal",
    "jet clustering algorithm",
)


def set_aside_non_cuts(sel: SelectionList) -> SelectionList:
    """Cuts the support check found to be conditions, cone sizes or overlap removal, moved to
    ``unresolved``."""
    bad = {}
    for cut in sel.all_cuts():
        reason = (
            cut.grounding.reason if cut.grounding is not None and cut.status == "unverified" else ""
        )
        if "not supported:" in reason and any(marker in reason for marker in _NOT_A_CUT):
            bad[cut.id] = "not a cut: " + reason.split("not supported:", 1)[1].strip()
    return _remove(sel, bad) if bad else sel


def set_aside(sel: SelectionList, reasons: dict[str, str]) -> SelectionList:
    """``sel`` with the cuts named in ``reasons`` (id -> why) moved to ``unresolved``."""
    return _remove(sel, reasons) if reasons else sel


def legalize(sel: SelectionList) -> SelectionList:
    """``sel`` with every cut the validator refuses moved to ``unresolved`` (quote + reason)."""
    sel = with_own_definitions(set_aside_non_cuts(sel))
    sel = set_aside(sel, unexpressible_quantities(sel) | dphi_conflicts(sel))
    sel = with_named_quantities(with_lepton_union(with_counted_collections(sel)))
    sel = _dependencies_first(sel)
    for _ in range(_MAX_ROUNDS):
        errors = errors_only(validate_selection(sel))
        if not errors:
            return _drop_empty(sel)
        ids = {cut.id for cut in sel.all_cuts()}
        bad = {
            e.cut_id: f"{NOT_EXPRESSIBLE}: {e.message}" + (f" ({e.hint})" if e.hint else "")
            for e in errors
            if e.cut_id in ids
        }
        bad.update(_broken_objects(sel, errors))
        if not bad:
            broken = {
                sel.objects[int(m.group(1))].name
                for e in errors
                if (m := _OBJECT_PATH.match(e.path))
            }
            if not broken:
                break
            sel = sel.model_copy(
                update={"objects": [o for o in sel.objects if o.name not in broken]}
            )
            continue
        sel = _remove(sel, bad)  # type: ignore[arg-type]
    return sel
