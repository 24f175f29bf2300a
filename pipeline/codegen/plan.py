"""What the compiler needs to know about a selection list before writing code.

Collections and where they come from, which derived names are candidate collections,
what each cut and derived quantity reads (to judge applicability at run time), and
in which order derived quantities must be computed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from pipeline.codegen.translate import calls_in, names_in
from pipeline.selection.expr import cut_expression, parse
from pipeline.selection.fields import (
    COLLECTIONS,
    DERIVED_FROM,
    EVENT_FIELDS,
    EVENT_OBJECTS,
    KIND_COLLECTION,
)
from pipeline.selection.functions import FIELD_ACCESSORS, MATH_FUNCTIONS
from pipeline.selection.models import Cut, Derived, PhysicsObject, SelectionList, Status
from pipeline.selection.scopes import is_candidate_builder


@dataclass
class Plan:
    sel: SelectionList
    sources: dict[str, str | list[str]] = field(
        default_factory=dict
    )  # object -> data collection or merged objects
    derived: dict[str, Derived] = field(default_factory=dict)
    candidate_sets: set[str] = field(default_factory=set)
    requires: dict[str, list[str]] = field(default_factory=dict)

    @property
    def main_candidates(self) -> str | None:
        """The candidate collection whose best candidate gives channel and observable."""
        quads = [
            d.name
            for d in self.sel.derived
            if d.name in self.candidate_sets and "quadruplets" in d.expr
        ]
        return (
            quads[0] if quads else (sorted(self.candidate_sets)[0] if self.candidate_sets else None)
        )


def event_cuts(sel: SelectionList) -> list[Cut]:
    """The event-level cuts: the cutflow's, then every region's."""
    return [*sel.selection, *(c for region in sel.regions for c in region.cuts)]


def observed(sel: SelectionList) -> set[str]:
    """Every name written out: the main observable and the declared observables."""
    return ({sel.observable} if sel.observable else set()) | {o.name for o in sel.observables}


def object_source(obj: PhysicsObject, earlier: list[PhysicsObject]) -> str | list[str]:
    """Data collection an object is read from, or the earlier objects it merges."""
    if obj.sources:
        return list(obj.sources)
    if obj.kind == "lepton":
        merged = [o.name for o in earlier if o.kind in ("electron", "muon")]
        if len(merged) >= 2:
            return merged
    if obj.name in COLLECTIONS:
        return obj.name
    return KIND_COLLECTION.get(obj.kind, obj.name)


def _flag_alternatives(expr: str, allow_tuple: bool) -> list[set[str]]:
    """Groups of boolean event flags joined by ``or`` (trig_e or trig_m): any one present will
    do."""
    groups = []
    for node in ast.walk(parse(expr, allow_tuple=allow_tuple)):
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            names = {v.id for v in node.values if isinstance(v, ast.Name)}
            if len(names) == len(node.values) and all(
                EVENT_FIELDS.get(n, ("",))[0] == "bool" for n in names
            ):
                groups.append(names)
    return groups


def _field_reads(expr: str, collection: str | None, allow_tuple: bool = False) -> set[str]:
    """Canonical fields an expression reads: event fields, ``coll.field`` and accessor fields.

    An ``or`` of boolean flags reads "a|b|c": the cut applies when any of them exists,
    and a flag the dataset does not record counts as not fired.
    """
    names = names_in(expr, allow_tuple=allow_tuple)
    groups = _flag_alternatives(expr, allow_tuple)
    grouped = set().union(*groups) if groups else set()
    reads = {n for n in names if n in EVENT_FIELDS and n not in grouped}
    reads |= {f for n in names if n in EVENT_OBJECTS for f in EVENT_OBJECTS[n][0]}
    reads |= {"|".join(sorted(g)) for g in groups}
    if collection is not None:
        known = COLLECTIONS.get(collection, {})
        reads |= {f"{collection}.{n}" for n in names if n in known}
    reads |= {
        c
        for c in calls_in(expr, allow_tuple=allow_tuple)
        if c in FIELD_ACCESSORS and c not in DERIVED_FROM
    }
    return reads


def executable(cut: Cut) -> bool:
    return cut.status != Status.rejected and (cut.expr is not None or cut.variable is not None)


def build_plan(sel: SelectionList) -> Plan:
    plan = Plan(sel=sel)
    objs: list[PhysicsObject] = []
    for obj in sel.objects:
        plan.sources[obj.name] = object_source(obj, objs)
        objs.append(obj)
    for d in sel.derived:
        plan.derived[d.name] = d
        if d.scope == "candidate" and d.target:
            plan.candidate_sets.add(d.target)
        elif is_candidate_builder(d):
            plan.candidate_sets.add(d.name)
    for cut in event_cuts(sel):
        if cut.scope == "candidate" and cut.target:
            plan.candidate_sets.add(cut.target)
    for obj in sel.objects:
        coll = data_collection(plan, obj.name)
        for cut in obj.cuts:
            if executable(cut):
                plan.requires[cut.id] = sorted(_field_reads(cut_expression(cut), coll))
    for cut in event_cuts(sel):
        if executable(cut):
            plan.requires[cut.id] = sorted(_cut_reads(plan, cut))
    return plan


def data_collection(plan: Plan, name: str) -> str:
    """The data collection an object's fields come from, through subsets (bjets of jets) and
    merges (a merge of several collections reads the leptons' fields)."""
    seen: set[str] = set()
    todo, roots = [name], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        src = plan.sources.get(current, current)
        if isinstance(src, str):
            roots.add(src)
        else:
            todo += src
    return roots.pop() if len(roots) == 1 else "leptons"


def derived_order(plan: Plan, names: set[str], done: set[str]) -> list[str]:
    """Derived quantities to compute (dependencies first) so that ``names`` are available."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in done or name in order or name not in plan.derived:
            return
        d = plan.derived[name]
        for dep in sorted(names_in(d.expr)) + ([d.target] if d.target else []):
            visit(dep)
        order.append(name)

    for name in [d.name for d in plan.sel.derived if d.name in names]:
        visit(name)
    return order


def _cut_reads(plan: Plan, cut: Cut) -> set[str]:
    expr = cut_expression(cut)
    allow_tuple = cut.kind == "select_best"
    reads = _field_reads(expr, None, allow_tuple)
    deps = names_in(expr, allow_tuple=allow_tuple) | ({cut.target} if cut.target else set())
    for name in derived_order(plan, deps, set()):
        reads |= _field_reads(plan.derived[name].expr, None)
        deps |= names_in(plan.derived[name].expr)
    # the collections it counts or combines: a dataset without one cannot apply the cut
    # (count(fatjets) reads no field, yet means nothing where there are no large-R jets)
    for name in deps & set(plan.sources):
        collection = data_collection(plan, name)
        if collection in COLLECTIONS:
            reads.add(f"{collection}.pt")
    return reads


BASE_FIELDS = ("pt", "eta", "phi", "e", "charge", "flavour")

# Object fields a function of the language reads without the list naming them. A function not
# listed here is taken to read all of BASE_FIELDS: four-vector arithmetic (mass, pt_of,
# vector_sum, mht, razor), the builders of pairs, combinations and quadruplets (whose members
# are summed, paired by flavour and charge) and any function added later, until it is listed.
IMPLICIT_FIELDS: dict[str, tuple[str, ...]] = {
    **{name: () for name in MATH_FUNCTIONS},
    **{
        name: ()
        for name in ("count", "sum", "any", "all", "min_of", "max_of", "nth", "sort_desc")
        + ("interp", "first_n", "best_of", "first", "second", "z1", "z2")
    },
    "ht": ("pt",),
    "sorted_by_pt": ("pt",),
    "mt": ("pt", "phi"),
    "mct": ("pt", "phi"),
    "delta_phi": ("phi",),
    "min_delta_phi": ("phi",),
    "delta_r": ("eta", "phi"),
    "min_delta_r": ("eta", "phi"),
    "others": ("pt", "eta", "phi"),  # objects are matched on (pt, eta, phi)
    "others_in_cone": ("pt", "eta", "phi"),
    "same_flavour": ("flavour",),
    "opposite_charge": ("charge",),
    "channel": ("flavour",),
    **DERIVED_FROM,
}


def implicit_leptons(plan: Plan) -> bool:
    """True when the selection reads ``leptons`` without defining it: the script merges the
    electron and muon objects then."""
    return "leptons" not in plan.sources and "leptons" in _referenced_names(plan)


def used_objects(plan: Plan) -> set[str]:
    """Objects the event selection reads (directly, through derived names, or merged into one)."""
    names = _referenced_names(plan)
    if "leptons" in names and "leptons" not in plan.sources:
        names |= {o.name for o in plan.sel.objects if o.kind in ("electron", "muon")}
    todo = [n for n in names if n in plan.sources]
    while todo:
        name = todo.pop()
        src = plan.sources[name]
        needs = set(src) if isinstance(src, list) else set()
        needs |= _object_cut_names(plan, name) & set(plan.sources)  # jets cleaned against leptons
        todo += [s for s in needs if s not in names]
        names |= needs
    return {o.name for o in plan.sel.objects if o.name in names}


def _object_cut_names(plan: Plan, name: str) -> set[str]:
    obj = next((o for o in plan.sel.objects if o.name == name), None)
    if obj is None:
        return set()
    return {n for cut in obj.cuts if executable(cut) for n in names_in(cut_expression(cut))}


def _referenced_names(plan: Plan) -> set[str]:
    """Names the cutflow, the regions and the observables read, with those of the derived
    quantities they use."""
    names: set[str] = set()
    for cut in event_cuts(plan.sel):
        if executable(cut):
            names |= names_in(cut_expression(cut), allow_tuple=cut.kind == "select_best")
            names |= {cut.target} if cut.target else set()
    names |= observed(plan.sel)
    for name in derived_order(plan, set(names), set()):
        names |= names_in(plan.derived[name].expr)
    return names


def implicit_fields(plan: Plan) -> set[str]:
    """Object fields the list's functions read without naming them (``delta_r``: eta and phi;
    ``mass`` or ``pairs``: the four-vector, charge and flavour); pt always, since every
    collection is ordered by it."""
    exprs = [(cut_expression(c), False) for o in plan.sel.objects for c in o.cuts if executable(c)]
    exprs += [
        (cut_expression(c), c.kind == "select_best") for c in event_cuts(plan.sel) if executable(c)
    ]
    exprs += [(d.expr, False) for d in plan.sel.derived]
    out = {"pt"}
    for expr, allow_tuple in exprs:
        for call in calls_in(expr, allow_tuple=allow_tuple):
            if call in FIELD_ACCESSORS and call not in DERIVED_FROM:
                continue  # the field itself is read (plan.requires, observable_reads)
            out |= set(IMPLICIT_FIELDS.get(call, BASE_FIELDS))
    return out


def fields_to_read(plan: Plan, objects: set[str], *, every_field: bool = False) -> list[str]:
    """Canonical fields the script asks the data layer for (filtered by what it provides at run
    time): those the list names and those its functions read (:func:`implicit_fields`);
    ``every_field`` adds BASE_FIELDS to each collection (model-written code may read any)."""
    collections = {src for name in objects if isinstance(src := plan.sources[name], str)}
    reqs = {r for rs in plan.requires.values() for r in rs} | observable_reads(plan)
    bare = {r for r in reqs if "." not in r and "|" not in r and r not in EVENT_FIELDS}
    bare |= set(BASE_FIELDS) if every_field else implicit_fields(plan)
    # cuts on a merged lepton collection read the field from every collection merged into it
    bare |= {
        r.split(".", 1)[1]
        for r in reqs
        if r.startswith("leptons.") and "leptons" not in collections
    }
    events = {"run", "event", "channel_number", "weight"} | {
        a for r in reqs for a in r.split("|") if a in EVENT_FIELDS
    }
    fields = set(events)
    for coll in collections:
        subs = bare | {r.split(".", 1)[1] for r in reqs if r.startswith(coll + ".")}
        fields |= {f"{coll}.{f}" for f in subs if f in COLLECTIONS.get(coll, {})}
    return sorted(fields)


def observable_reads(plan: Plan) -> set[str]:
    """What the observable's derived quantities read (met for an observable ``met``, btag for
    ``max_of(btag(top))``): no cut requires them, but the script computes them."""
    reads = {n for n in observed(plan.sel) if n in EVENT_FIELDS}
    for name in derived_order(plan, observed(plan.sel), set()):
        reads |= _field_reads(plan.derived[name].expr, None)
    return reads


def _direct_names(plan: Plan) -> set[str]:
    """Names the cuts, derived quantities and observable refer to by name (not through a merge)."""
    names: set[str] = observed(plan.sel)
    for cut in event_cuts(plan.sel):
        if executable(cut):
            names |= names_in(cut_expression(cut), allow_tuple=cut.kind == "select_best")
            names |= {cut.target} if cut.target else set()
    for d in plan.sel.derived:
        names |= names_in(d.expr) | ({d.target} if d.target else set())
    # another collection an object cut relates its objects to (jets apart from electrons)
    for obj in plan.sel.objects:
        for cut in obj.cuts:
            if executable(cut):
                names |= names_in(cut_expression(cut)) & set(plan.sources)
    return names


def fused_leptons(plan: Plan) -> tuple[str, str, str] | None:
    """(leptons, electrons, muons) object names when the leptons merge the cleaned electrons and
    muons of the data and nothing else reads those two: then the script cuts the data's lepton
    collection by flavour in one pass (no separate collections, no merge - the same objects,
    in the data's pt order)."""
    used = used_objects(plan)
    direct = _direct_names(plan)
    for name, src in plan.sources.items():
        if not isinstance(src, list) or len(src) != 2 or name not in used:
            continue
        by_source = {plan.sources.get(s): s for s in src}
        ele, mu = by_source.get("electrons"), by_source.get("muons")
        others = [s for n, s in plan.sources.items() if n not in (name, ele, mu)]
        shared = any(o in (ele, mu) or (isinstance(o, list) and {ele, mu} & set(o)) for o in others)
        # fused reads turn electron and muon fields into lepton fields: nothing else may need
        # the data's electron or muon collections themselves
        shared = shared or any(
            plan.sources[n] in ("electrons", "muons")
            for n in used
            if n not in (name, ele, mu) and isinstance(plan.sources[n], str)
        )
        if ele and mu and not ({ele, mu} & direct) and not shared:
            kinds = {o.name: o.kind for o in plan.sel.objects}
            if kinds.get(ele) == "electron" and kinds.get(mu) == "muon":
                return name, ele, mu
    return None


def fused_reads(reads: list[str]) -> list[str]:
    """The fields of the fused lepton collection: electron and muon fields read as lepton fields."""
    out = {
        f"leptons.{r.split('.', 1)[1]}" if r.startswith(("electrons.", "muons.")) else r
        for r in reads
    }
    return sorted(out | {"leptons.flavour"})
