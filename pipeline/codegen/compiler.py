"""Selection list -> a standalone, readable Python analysis script (deterministic bytes).

The script reads the data through :func:`pipeline.data.open_dataset`, cleans the
object collections, computes derived quantities when first needed, applies the
cutflow step by step (candidate-level cuts keep candidates; the event passes while
one remains) and writes the contract outputs. Every line that implements a cut ends
with ``# cut: <id>``; the cut's description and quote are in the comment above it.
"""

from __future__ import annotations

import ast
import json
import textwrap
from collections.abc import Mapping

from pipeline.codegen.escape import comment_text, docstring_text, py_str
from pipeline.codegen.plan import (
    Plan,
    build_plan,
    derived_order,
    executable,
    fields_to_read,
    fused_leptons,
    fused_reads,
    implicit_leptons,
    used_objects,
)
from pipeline.codegen.translate import OBJECT_RELATIONS, Names, calls_in, names_in, translate
from pipeline.errors import CodegenError, SelectionError
from pipeline.io import sha256_bytes
from pipeline.selection.expr import cut_expression, parse
from pipeline.selection.fields import DERIVED_OBJECT_FIELDS, EVENT_OBJECTS
from pipeline.selection.functions import FIELD_ACCESSORS, MATH_FUNCTIONS
from pipeline.selection.models import (
    CUTFLOW_REGION,
    Cut,
    PhysicsObject,
    Region,
    SelectionList,
    Status,
)

CODEGEN_VERSION = "2"
TEXT_ONLY_REASON = "stated only in words: no machine form, and no model wrote code for it"


def selection_digest(sel: SelectionList) -> str:
    data = sel.model_dump(mode="json", exclude_none=True)
    return sha256_bytes(json.dumps(data, sort_keys=True).encode())


def _comment(cut: Cut, indent: str) -> list[str]:
    text = f"{cut.id}: {cut.description}"
    if cut.provenance and cut.provenance.quote:
        text += f' - "{" ".join(cut.provenance.quote.split())}"'
    if cut.status in (Status.unverified, Status.extracted):
        text += f" [{cut.status}]"
    wrapped = textwrap.wrap(comment_text(text), width=92 - len(indent), break_long_words=False)
    return [f"{indent}# {line}" for line in wrapped]


def _event_names(name: str) -> str:
    return f"v[{py_str(name)}]"


def _candidate_names(plan: Plan, target: str) -> Names:
    """In candidate scope the target and its candidate-scope values are read in full."""
    own = {target} | {
        d.name for d in plan.derived.values() if d.scope == "candidate" and d.target == target
    }

    def resolve(name: str) -> str:
        return f"v.cand({py_str(name)})" if name in own else f"v[{py_str(name)}]"

    return Names(resolve)


def _object_names(
    var: str, collections: set[str] | frozenset[str] = frozenset(), this: str | None = None
) -> Names:
    """Fields of the objects being cut; other collections (and met_vec) from the event state.
    ``this`` is how relations (min_delta_r(leptons)) see the objects being cut."""

    def resolve(name: str) -> str:
        if name in collections or name in EVENT_OBJECTS:
            return _event_names(name)
        if name in DERIVED_OBJECT_FIELDS:
            return f"rt.{name}({var})"
        return f"{var}[{py_str(name)}]"

    return Names(resolve, this=this or var)


def _expr(cut: Cut, names: Names) -> str | list[str]:
    try:
        return translate(cut_expression(cut), names, allow_tuple=cut.kind == "select_best")
    except SelectionError as err:
        raise CodegenError(f"cut {cut.id!r}: {err.message}", hint=err.hint) from err


class _Writer:
    def __init__(self, sel: SelectionList, text_functions: dict[str, str]) -> None:
        self.sel = sel
        self.plan: Plan = build_plan(sel)
        self.text_functions = text_functions
        self.done: set[str] = set()
        self.done_in: dict[str, set[str]] = {}  # derived names computed once a region's cuts ran
        self.lines: list[str] = []

    def emit(self, line: str = "") -> None:
        self.lines.append(line)

    def note(self, indent: str, text: str) -> None:
        """A comment line; the text (names, descriptions) cannot leave it."""
        self.emit(f"{indent}# {comment_text(text)}")

    def derived_for(self, names: set[str]) -> None:
        for name in derived_order(self.plan, names, self.done):
            d = self.plan.derived[name]
            resolver = (
                _candidate_names(self.plan, d.target)
                if d.scope == "candidate" and d.target
                else Names(_event_names)
            )
            code = translate(d.expr, resolver)
            self.note("    ", f"{d.name}: {d.description or d.expr}")
            if d.scope == "candidate" and d.target:
                self.emit(f"    v.define_candidates({py_str(d.target)}, {py_str(d.name)}, {code})")
            else:
                self.emit(f"    {_event_names(d.name)} = {code}")
            self.done.add(name)

    def objects(self) -> None:
        self.emit("def select_objects(v: EventState, run: AnalysisRun) -> None:")
        self.emit(
            '    """Object-level cuts: each collection keeps the objects passing all its cuts."""'
        )
        used = used_objects(self.plan)
        fused = fused_leptons(self.plan)
        for obj in self.sel.objects:
            if fused and obj.name in fused[1:]:
                continue
            if fused and obj.name == fused[0]:
                self.fused_object(obj, fused[1:])
            elif obj.name in used:
                self.object(obj)
            else:
                ids = ", ".join(c.id for c in obj.cuts) or "none"
                self.note(
                    "    ",
                    f"{obj.name}: not read by any event-level step, so its cuts ({ids}) "
                    "cannot change the selection",
                )
        merged = [o.name for o in self.sel.objects if o.kind in ("electron", "muon")]
        if merged and implicit_leptons(self.plan):
            self.emit("    # leptons: the cleaned electrons and muons together, by decreasing pt")
            for kind in ("electrons", "muons"):
                if not any(self.plan.sources[m] == kind for m in merged):
                    merged.append(kind)
            self.emit(f'    v["leptons"] = rt.merge({", ".join(_event_names(m) for m in merged)})')
        self.emit("    return None")

    def object(self, obj: PhysicsObject) -> None:
        src = self.plan.sources[obj.name]
        self.note("    ", f"{obj.name}: {obj.description or obj.kind}")
        if isinstance(src, list):
            source = f"rt.merge({', '.join(_event_names(s) for s in src)})"
        else:
            source = f"v.collection({py_str(src)})"
        if not obj.cuts:
            self.emit(f"    {_event_names(obj.name)} = {source}")
            return
        flat = _elementwise(obj)
        self.emit(f"    objs = rt.flat_objects({source})" if flat else f"    objs = {source}")
        self.emit("    keep = rt.every(objs)")
        self.cuts(obj, "keep", flat=flat)
        self.emit(
            f"    {_event_names(obj.name)} = " + ("objs.select(keep)" if flat else "objs[keep]")
        )

    def cuts(self, obj: PhysicsObject, keep: str, *, flat: bool = False) -> None:
        """``keep &= cut`` for each cut; on flat columns a relation computes its values only
        for the objects still kept (``objs.only(keep)``)."""
        this = f"objs.only({keep})" if flat else None
        for cut in obj.cuts:
            self.emit("\n".join(_comment(cut, "    ")))
            if not executable(cut):
                self.note("    ", f"not executed: {self.not_executed(cut)}  # cut: {cut.id}")
                continue
            code = _expr(cut, _object_names("objs", set(self.plan.sources), this))
            self.emit(f"    if run.applicable({py_str(cut.id)}):")
            self.emit(f"        {keep} = {keep} & {code}  # cut: {comment_text(cut.id)}")

    def fused_object(self, obj: PhysicsObject, parts: tuple[str, ...]) -> None:
        """Leptons = cleaned electrons + muons, cut by flavour on the data's lepton collection."""
        self.note("    ", f"{obj.name}: {obj.description or obj.kind}")
        self.emit(
            "    # the electron and muon cuts act on the data's lepton collection by flavour "
            "(the same"
        )
        self.emit(
            "    # objects as cleaning electrons and muons apart and merging them, in one pass)"
        )
        by_name = {o.name: o for o in self.sel.objects}
        flat = all(_elementwise(by_name[n]) for n in (obj.name, *parts))
        self.emit(
            '    objs = rt.flat_objects(v.events["leptons"])'
            if flat
            else '    objs = v.events["leptons"]'
        )
        keeps = []
        for name, flavour in zip(parts, (11, 13), strict=True):
            part = by_name[name]
            keep = f"keep_{python_name(name)}"
            keeps.append(keep)
            self.note("    ", f"{name}: {part.description or part.kind}")
            self.emit(f'    {keep} = objs["flavour"] == {flavour}')
            self.cuts(part, keep, flat=flat)
        self.emit(f"    keep = {' | '.join(keeps)}")
        self.cuts(obj, "keep", flat=flat)
        self.emit(
            f"    {_event_names(obj.name)} = " + ("objs.select(keep)" if flat else "objs[keep]")
        )

    def not_executed(self, cut: Cut) -> str:
        return "rejected by the reviewer" if cut.status == Status.rejected else "text only"

    def events(self) -> None:
        self.emit("def select_events(v: EventState, run: AnalysisRun) -> None:")
        self.emit(
            '    """The cutflow, step by step; run.record counts the events left after each."""'
        )
        hist_step = self.histogram_step()
        for cut in self.sel.selection:
            if not self.counted_step(cut, f"run.record({py_str(cut.id)}, v)"):
                continue
            if cut.id == hist_step and self.sel.observable:
                self.derived_for({self.sel.observable})
                self.emit(
                    f"    run.fill_histograms(v)  # {comment_text(self.sel.observable)} before "
                    "the cuts on it alone"
                )
        self.derived_for(self.observed(CUTFLOW_REGION))
        self.done_in[CUTFLOW_REGION] = set(self.done)

    def counted_step(self, cut: Cut, record: str) -> bool:
        """A cutflow or region step with its words, then ``record`` (counting the events left);
        False for a cut the reviewer rejected (only noted)."""
        if cut.status == Status.rejected:
            self.note("    ", f"{cut.id}: rejected by the reviewer, not executed")
            return False
        self.emit("\n".join(_comment(cut, "    ")))
        self.step(cut)
        self.emit(f"    {record}")
        return True

    def observed(self, region: str) -> set[str]:
        """What the outputs read from the state of ``region`` once its cuts are applied."""
        names = {o.name for o in self.sel.observed_in(region)}
        return names | (
            {self.sel.observable} if region == CUTFLOW_REGION and self.sel.observable else set()
        )

    def region(self, region: Region) -> None:
        """A region: its cuts on a copy of the state after its base (the cutflow or a region)."""
        base = region.base or CUTFLOW_REGION
        self.done = set(self.done_in.get(base, set()))
        self.emit("")
        self.emit("")
        self.emit(f"def {region_function(region.name)}(v: EventState, run: AnalysisRun) -> None:")
        self.emit(
            f'    """Region {docstring_text(region.name)}: on top of {docstring_text(base)}; '
            'run.record_in counts each step."""'
        )
        if region.description:
            self.note("    ", region.description)
        for cut in region.cuts:
            self.counted_step(cut, f"run.record_in({py_str(region.name)}, {py_str(cut.id)}, v)")
        self.derived_for(self.observed(region.name))
        self.emit("    return None")
        self.done_in[region.name] = set(self.done)

    def histogram_step(self) -> str | None:
        """The last step before the trailing cuts on the observable alone (the signal window)."""
        obs = self.sel.observable
        cuts = [c for c in self.sel.selection if executable(c)]
        while (
            cuts
            and obs
            and names_in(cut_expression(cuts[-1]), allow_tuple=cuts[-1].kind == "select_best")
            == {obs}
        ):
            cuts.pop()
        return (
            cuts[-1].id
            if cuts and len(cuts) < len([c for c in self.sel.selection if executable(c)])
            else None
        )

    def step(self, cut: Cut) -> None:
        if cut.id in self.text_functions:
            self.emit(f"    if run.applicable({py_str(cut.id)}):")
            self.emit(
                f"        v.keep_events({function_name(cut.id)}(v.awkward()))  # cut: "
                f"{comment_text(cut.id)}"
            )
            return
        if not executable(cut):
            self.note("    ", f"not executed: text only  # cut: {cut.id}")
            return
        allow_tuple = cut.kind == "select_best"
        needed = names_in(cut_expression(cut), allow_tuple=allow_tuple) | (
            {cut.target} if cut.target else set()
        )
        self.derived_for(needed)
        code = _expr(
            cut,
            _candidate_names(self.plan, cut.target)
            if cut.scope == "candidate" and cut.target
            else Names(_event_names),
        )
        self.emit(f"    if run.applicable({py_str(cut.id)}):")
        mark = f"  # cut: {comment_text(cut.id)}"
        if cut.kind == "select_best":
            keys = code if isinstance(code, list) else [code]
            self.emit(f"        v.keep_best({py_str(cut.target or '')}, [{', '.join(keys)}]){mark}")
        elif cut.scope == "candidate":
            self.emit(f"        v.keep_candidates({py_str(cut.target or '')}, {code}){mark}")
        else:
            self.emit(f"        v.keep_events({code}){mark}")


# functions giving one number per object (acting on each alone, or relating it to another
# collection as min_delta_r does): such object cuts run on flat columns (rt.flat_objects)
ELEMENTWISE = frozenset(
    {"isin", "interp", *DERIVED_OBJECT_FIELDS, *MATH_FUNCTIONS, *FIELD_ACCESSORS, *OBJECT_RELATIONS}
)


def _elementwise(obj: PhysicsObject) -> bool:
    return all(_one_per_object(cut_expression(c)) for c in obj.cuts if executable(c))


def _one_per_object(expr: str) -> bool:
    """Every call gives one number per object: relations only in their one-argument form
    (``min_delta_r(leptons)``: of the object being cut)."""
    tree = parse(expr)
    relations = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id in OBJECT_RELATIONS
    ]
    return calls_in(expr) <= ELEMENTWISE and all(len(n.args) == 1 for n in relations)


def python_name(text: str) -> str:
    """``text`` as part of a Python identifier (ids may hold '.' and '-')."""
    return "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in text)


def function_name(cut_id: str) -> str:
    return "cut_" + python_name(cut_id)


_HEADER = '''#!/usr/bin/env python3
"""Event selection of {paper}{title}, compiled from its selection list.

Generated by `reproduce generate` (codegen {version}); selection list sha256 {digest}.
Do not edit by hand: change the selection list and generate again. Every line that
implements a cut ends with `# cut: <id>`; the comment above it gives the cut's words.

Run: python analysis.py --data FILE_OR_DIR [...] --out DIR [--release auto|2025|2020]
"""

from __future__ import annotations

import sys

import pipeline.runtime.lang as rt
from pipeline.runtime.analysis import AnalysisRun, main as run_analysis
from pipeline.runtime.selection import EventState
'''


def region_function(name: str) -> str:
    return "region_" + python_name(name)


def _regions(sel: SelectionList) -> dict[str, tuple[str | None, dict[str, str]]]:
    """Region -> (base, its steps: the events entering, then each cut), bases first."""
    out: dict[str, tuple[str | None, dict[str, str]]] = {}
    for region in sel.region_order():
        base = region.base or CUTFLOW_REGION
        entry = {base: "after the cutflow" if region.base is None else f"after region {base}"}
        steps = entry | {c.id: c.description for c in region.cuts if c.status != Status.rejected}
        out[region.name] = (region.base, steps)
    return out


def _histograms(sel: SelectionList) -> dict[str, tuple[str, list[float] | None]]:
    """Observable -> (axis label, bin edges or None for 50 bins over the values' range)."""
    out: dict[str, tuple[str, list[float] | None]] = {}
    for obs in sel.observables:
        label = obs.label or (f"{obs.name} [{obs.unit}]" if obs.unit else obs.name)
        out[obs.name] = (label, obs.histogram.bin_edges() if obs.histogram else None)
    return out


def _constants(w: _Writer, digest: str) -> list[str]:
    steps = {"all": "all events"} | {
        c.id: c.description for c in w.sel.selection if c.status != Status.rejected
    }
    text_only = {
        c.id: TEXT_ONLY_REASON
        for c in w.sel.all_cuts()
        if c.status != Status.rejected and not executable(c) and c.id not in w.text_functions
    }
    return [
        f'PRODUCER = "generated:{digest[:12]}"',
        f"OBSERVABLE = {w.sel.observable!r}",
        f"CANDIDATES = {w.plan.main_candidates!r}",
        "# canonical fields read from the data (those the dataset provides)",
        f"READS = {_reads(w.plan, every_field=bool(w.text_functions))!r}",
        "# cutflow steps in order: id -> description",
        f"STEPS = {_pretty(steps)}",
        "# canonical fields each cut reads; a cut whose fields the dataset lacks is not applicable",
        f"REQUIRES = {_pretty(w.plan.requires)}",
        "# cuts stated only in words, and why they are not executed",
        f"TEXT_ONLY = {_pretty(text_only)}",
    ] + _region_constants(w.sel)


def _region_constants(sel: SelectionList) -> list[str]:
    """REGIONS, OBSERVED and HISTOGRAMS, for lists that have regions or declare observables
    (other scripts are unchanged, byte for byte)."""
    if not sel.regions and not sel.observables:
        return []
    regions = [CUTFLOW_REGION, *(r.name for r in sel.region_order())]
    observed = {r: [o.name for o in sel.observed_in(r)] for r in regions}
    return [
        "# regions, bases first: name -> (base or None for the cutflow, steps: id -> description)",
        f"REGIONS = {_pretty(_regions(sel))}",
        "# observables written per region (the cutflow is 'selection')",
        f"OBSERVED = {_pretty({k: v for k, v in observed.items() if v})}",
        "# observable -> (axis label, bin edges or None for 50 bins over the range)",
        f"HISTOGRAMS = {_pretty(_histograms(sel))}",
    ]


def _reads(plan: Plan, *, every_field: bool) -> list[str]:
    """The fields to read; model-written cut functions may read any field of a collection."""
    reads = fields_to_read(plan, used_objects(plan), every_field=every_field)
    return fused_reads(reads) if fused_leptons(plan) else reads


def _pretty(data: Mapping[str, object]) -> str:
    if not data:
        return "{}"
    body = "".join(f"    {k!r}: {v!r},\n" for k, v in data.items())
    return "{\n" + body + "}"


_MAIN = """


def main(argv: list[str] | None = None) -> int:
    return run_analysis(
        argv, objects=select_objects, events=select_events, producer=PRODUCER, steps=STEPS,
        requires=REQUIRES, text_only=TEXT_ONLY, observable=OBSERVABLE, candidates=CANDIDATES,
        reads=READS,
    )


if __name__ == "__main__":
    sys.exit(main())
"""


_MAIN_REGIONS = """


def main(argv: list[str] | None = None) -> int:
    return run_analysis(
        argv, objects=select_objects, events=select_events, regions=REGION_SELECTORS,
        producer=PRODUCER, steps=STEPS, requires=REQUIRES, text_only=TEXT_ONLY,
        observable=OBSERVABLE, candidates=CANDIDATES, reads=READS, region_steps=REGIONS,
        observed=OBSERVED, histogram_specs=HISTOGRAMS,
    )


if __name__ == "__main__":
    sys.exit(main())
"""


def compile_selection(sel: SelectionList, text_functions: dict[str, str] | None = None) -> str:
    """The analysis script for ``sel``; ``text_functions`` maps text-only cut ids to model-written
    code."""
    text_functions = dict(sorted((text_functions or {}).items()))
    w = _Writer(sel, text_functions)
    digest = selection_digest(sel)
    title = f" - {sel.paper.title}" if sel.paper.title else ""
    out = [
        _HEADER.format(
            paper=docstring_text(sel.paper.id),
            title=docstring_text(title),
            version=CODEGEN_VERSION,
            digest=digest,
        )
    ]
    out += _constants(w, digest)
    for cut_id, source in text_functions.items():
        out += [
            "",
            "",
            f"# {comment_text(cut_id)}: written by a model from the cut's words; review it",
            source.strip(),
        ]
    w.objects()
    out += ["", ""] + w.lines
    w.lines = []
    w.events()
    out += ["", ""] + w.lines + ["    return None"]
    if not sel.regions and not sel.observables:
        return "\n".join(out) + _MAIN
    w.lines = []
    for region in sel.region_order():
        w.region(region)
    selectors = ", ".join(f"{r.name!r}: {region_function(r.name)}" for r in sel.region_order())
    out += w.lines + ["", "", f"REGION_SELECTORS = {{{selectors}}}"]
    return "\n".join(out) + _MAIN_REGIONS
