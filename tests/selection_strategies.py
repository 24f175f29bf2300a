"""Hypothesis strategies for selection lists (shared by the selection and ADL tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from pipeline.selection.models import Cut, Derived, PaperRef, PhysicsObject, Region, SelectionList
from pipeline.selection.scopes import KIND_FIELDS
from pipeline.selection.units import unit_for_dimension

# kinds with a data collection (a tau or track object that something reads is refused: no such
# collection)
KINDS = ["electron", "muon", "jet", "photon"]
NAMES = ["electrons", "muons", "goodjets", "photons", "taus", "tracks", "softmuons", "fwdjets"]
NUMERIC = ("energy", "length", "angle", "none")

numbers = st.integers(min_value=-5000, max_value=50000).map(lambda n: n / 10)
positive = st.integers(min_value=1, max_value=50000).map(lambda n: n / 10)


@st.composite
def structured_cut(draw: st.DrawFn, cid: str, obj: str, kind: str, ops: tuple[str, ...]) -> Cut:
    fields = {name: dim for name, dim in KIND_FIELDS[kind].items() if dim in NUMERIC}
    var = draw(st.sampled_from(sorted(fields)))
    op = draw(st.sampled_from(ops))
    if op in ("between", "outside"):
        lo = draw(numbers)
        value: float | list[float] = [lo, lo + draw(positive)]
    elif op == "in":
        value = draw(st.lists(numbers, min_size=1, max_size=4))
    else:
        value = draw(numbers)
    return Cut(
        id=cid,
        description=f"{var} {op}",
        scope="object",
        target=obj,
        variable=var,
        abs=draw(st.booleans()),
        op=op,
        value=value,
        unit=unit_for_dimension(fields[var]),
    )


@st.composite
def expression_cut(draw: st.DrawFn, cid: str, obj: str, kind: str) -> Cut:
    lengths = [f for f, d in KIND_FIELDS[kind].items() if d == "length"]
    templates = [
        ("pt / e < {v}", None),
        ("abs(eta) < {v} or pt > {w}", "GeV"),
        ("not (pt < {v})", "GeV"),
    ]
    if lengths:
        templates.append((f"abs({lengths[0]} * sin(theta)) < {{v}}", "mm"))
    text, unit = draw(st.sampled_from(templates))
    expr = text.format(v=draw(positive), w=draw(positive))
    return Cut(id=cid, description="expression", scope="object", target=obj, expr=expr, unit=unit)


@st.composite
def selection_lists(
    draw: st.DrawFn,
    ops: tuple[str, ...] = (">", ">=", "<", "<=", "==", "!=", "between", "outside", "in"),
    adl_safe: bool = False,
) -> SelectionList:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    objects, counter = [], 0
    for name in names:
        kind = draw(st.sampled_from(KINDS))
        cuts = []
        for _ in range(draw(st.integers(0, 3))):
            counter += 1
            strategy = structured_cut(f"c{counter}", name, kind, ops)
            if draw(st.booleans()):
                strategy = expression_cut(f"c{counter}", name, kind)
            cuts.append(draw(strategy))
        objects.append(PhysicsObject(name=name, kind=kind, cuts=cuts))
    first = names[0]
    derived = [
        Derived(name="ht", expr=f"sum(pt({first}))", unit="GeV"),
        Derived(name="lead_pt", expr=f"nth(pt({first}), 0)", unit="GeV"),
    ]
    event_templates = [
        f"count({first}) >= {{n}}",
        "met > {v}",
        "ht > {v} and lead_pt > {w}",
        "not (met < {v})",
        f"mass(nth({first}, 0), nth({first}, 1)) > {{v}}",
        "trig_e or trig_m",
    ]
    # a plain cut on met reads back as a structured cut, which carries its unit
    units = {"met > {v}": "GeV"}
    selection = []
    for _ in range(draw(st.integers(0, 4))):
        counter += 1
        template = draw(st.sampled_from(event_templates))
        expr = template.format(n=draw(st.integers(0, 6)), v=draw(positive), w=draw(positive))
        selection.append(
            Cut(id=f"c{counter}", description="event cut", expr=expr, unit=units.get(template))
        )
    regions = []
    for index in range(draw(st.integers(0, 2))):
        counter += 1
        base = regions[-1].name if regions and draw(st.booleans()) else None
        cut = Cut(
            id=f"c{counter}", description="region cut", expr=f"met > {draw(positive)}", unit="GeV"
        )
        regions.append(Region(name=f"sr{index}", base=base, cuts=[cut]))
    return SelectionList(
        paper=PaperRef(id="arXiv:2101.00001"),
        objects=objects,
        derived=derived,
        selection=selection,
        regions=regions,
    )
