"""ADL (CutLang) -> selection list, reporting what could not be represented.

Objects become :class:`PhysicsObject` with object-scope cuts, ``define`` lines event-scope
:class:`Derived` quantities, and regions either the cutflow (the one region every other
region builds on) or :class:`Region` entries with their ``base``. A statement whose
translation the validator rejects is kept as a text-only cut carrying the ADL line, and
listed in the "not represented" report with the reason. ``bin`` lines become regions on
their region, one-dimensional ``histo`` lines observables of their region (schema 1.1.0);
two-dimensional histograms and weights have no counterpart and are only listed.
"""

from __future__ import annotations

import ast
import keyword
import re

from pipeline.errors import SelectionError
from pipeline.selection.adl_text import (
    COLLECTION_FUNCTIONS,
    KNOWN_GAPS,
    Block,
    Statement,
    blocks,
    commented_info,
)
from pipeline.selection.adl_translate import translate
from pipeline.selection.expr import names_used, parse
from pipeline.selection.fields import EVENT_FIELDS, EVENT_OBJECTS
from pipeline.selection.functions import FIELD_ACCESSORS
from pipeline.selection.models import (
    CUTFLOW_REGION,
    AnalysisInfo,
    Cut,
    Derived,
    HistogramSpec,
    Observable,
    PaperRef,
    PhysicsObject,
    Provenance,
    Region,
    SelectionList,
)
from pipeline.selection.scopes import KIND_FIELDS
from pipeline.selection.units import unit_for_dimension
from pipeline.selection.validate import validate_selection

BASE_KINDS: dict[str, str] = {
    "Muon": "muon",
    "Muo": "muon",
    "muon": "muon",
    "MUO": "muon",
    "Electron": "electron",
    "Ele": "electron",
    "electron": "electron",
    "ELE": "electron",
    "Jet": "jet",
    "JET": "jet",
    "jet": "jet",
    "FatJet": "fatjet",
    "FJET": "fatjet",
    "AK8Jet": "fatjet",
    "Photon": "photon",
    "PHO": "photon",
    "photon": "photon",
    "Pho": "photon",
    "Tau": "tau",
    "TAU": "tau",
    "tau": "tau",
    "MissingET": "met",
    "MET": "met",
    "MissingEt": "met",
    "Track": "track",
    "TRK": "track",
    "Lepton": "lepton",
    "Particle": "other",
}
_LEPTONIC = {"electron", "muon", "lepton"}
# gap classes of the import report besides KNOWN_GAPS (docs: "Known gaps in ADL import")
GAP_UNREPRESENTED_BASE = "built on an unrepresented definition"
GAP_VECTOR_AS_NUMBER = "four-vector sum used as a number"
GAP_OBJECT_AS_NUMBER = "object used as a number"
GAP_NO_COLLECTION = "collection absent from the canonical event content"
GAP_FOREIGN_FIELD = "field of another kind of object"  # msoftdrop of small-R jets
GAP_UNDEFINED = "name undefined in the ADL file"
GAP_LOOP_NAMES = "pairwise condition between collections"
_ONLY_MIN_DELTA_R = (
    "an object-scope cut relates an object to another collection only through min_delta_r"
)
GAP_COLLECTION_CONDITION = "collection-building function as a condition"
GAP_NO_BRANCH = "condition without a branch"
GAP_PER_OBJECT = "per-object condition in an event cut"
GAP_REORDERED = "reordered collection"
GAP_REGION_CONDITION = "region used as a condition"
_OPS = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}


HISTO_2D = "two-dimensional histograms have no counterpart (observables are one-dimensional)"


class _Importer:
    def __init__(self, text: str, source: str | None) -> None:
        self.text = text
        self.info = commented_info(text)
        arxiv = self.info.get("arxiv")
        self.paper_id = f"arXiv:{arxiv}" if arxiv else (source or "adl")
        self.document = source or self.paper_id
        self.missing: list[str] = []
        self.objects: dict[str, PhysicsObject] = {}
        self.met_names: set[str] = {"MET", "MissingET", "MissingEt"}
        self.vectors: dict[str, list[str]] = {}  # define NAME = a[0] + b[1]: four-vector sums
        self.derived: list[Derived] = []
        self.ids: set[str] = set()
        self.origin: dict[str, Statement] = {}
        self.failed_defines: set[str] = set()
        self.reordered: dict[str, int] = {}  # collection -> line of a sort other than by pt
        self.region_lines: dict[str, int] = {}
        self.object_lines: dict[str, int] = {}
        self.bin_regions: list[tuple[Region, list[str]]] = []
        self.histos: dict[str, Observable] = {}  # histo name -> its observable
        self.histo_regions: dict[
            str, list[str]
        ] = {}  # histo name -> the regions filling it  # bin lines: regions on their region

    def note(self, where: str, line: int, what: str) -> None:
        self.missing.append(f"line {line}: {where}: {what}")

    def cut_id(self, stem: str, tag: str | None) -> str:
        base = tag or stem
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}_{n}", n + 1
        self.ids.add(candidate)
        return candidate

    def prov(self, section: str, statement: Statement) -> Provenance:
        return Provenance(
            source="adl", document=self.document, section=section, quote=statement.raw
        )

    def usable(self, block: Block) -> bool:
        """A name the selection list can hold: an identifier, not taken, not a language word."""
        name = block.name
        problem = None
        if (
            block.kind == "object"
            and self.kind_of([t.split()[0] for t in self.takes(block) if t.split()]) == "met"
        ):
            return True  # a MET object becomes the event field met, whatever it is called
        if not re.fullmatch(r"[A-Za-z_]\w*", name or ""):
            problem = "not a valid name"
        elif name in self.objects or name in {d.name for d in self.derived} or name in self.vectors:
            problem = "defined twice"
        elif (
            name in FIELD_ACCESSORS
            or name in EVENT_FIELDS
            or name in EVENT_OBJECTS
            or keyword.iskeyword(name)
            or name in ("True", "False")
        ):
            # a name and a function never meet (f(x) vs x), so ht or megajets may be both; a field
            # name (pt) may not: it would read as the object field in object scope
            problem = "clashes with a function or event field of the selection language"
        if problem:
            self.note(
                f"{block.kind} {name or '(no name)'}", block.line, f"{problem}: block skipped"
            )
            self.failed_defines.add(name)
        return problem is None

    # objects -------------------------------------------------------------------------
    def takes(self, block: Block) -> list[str]:
        union = re.match(r"^:\s*(?:Union|union|OR)\s*\((.*)\)\s*$", block.header)
        if union:
            return [part.strip() for part in union.group(1).split(",") if part.strip()]
        alias = re.match(r"^:\s*([A-Za-z_]\w*)\s*$", block.header)
        if alias:
            return [alias.group(1)]
        return [st.text for st in block.body if st.keyword == "take"]

    def kind_of(self, bases: list[str]) -> str:
        kinds = {
            self.objects[b].kind if b in self.objects else BASE_KINDS.get(b, "other") for b in bases
        }
        if len(kinds) == 1:
            return kinds.pop()
        return "lepton" if kinds <= _LEPTONIC else "other"

    def add_object(self, block: Block) -> None:
        self.object_lines[block.name] = block.line
        takes = self.takes(block)
        if len(takes) == 1 and re.fullmatch(r"\w+\s*\(.*\)", takes[0]) and not block.body[1:]:
            # objects built by a function (take fmegajets(jets)): an event-scope derived list
            statement = Statement(
                "define", takes[0], block.line, f"object {block.name} take {takes[0]}"
            )
            expr = translate(takes[0], met_names=frozenset(self.met_names))
            self.derived.append(
                Derived(
                    name=block.name,
                    description=f"ADL: {statement.raw}",
                    expr=expr,
                    provenance=self.prov(f"object {block.name}", statement),
                )
            )
            self.origin[f"define:{block.name}"] = statement
            return
        if any("(" in take for take in takes):
            self.note(
                f"object {block.name}",
                block.line,
                f"take {', '.join(takes)}: objects built by a function",
            )
            self.objects[block.name] = PhysicsObject(
                name=block.name, kind="other", description=f"ADL: take {', '.join(takes)}"
            )
            return
        bases = [take.split()[0] for take in takes] or [block.name]
        unknown = [b for b in bases if b not in self.objects and b not in BASE_KINDS]
        if unknown:
            self.note(
                f"object {block.name}",
                block.line,
                f"take {', '.join(takes)}: "
                + (
                    f"[{GAP_UNREPRESENTED_BASE}] {unknown[0]!r} could not be represented"
                    if unknown[0] in self.failed_defines
                    else f"[{GAP_UNDEFINED}] {unknown[0]!r} is neither a collection of the data "
                    "nor an object defined before"
                ),
            )
            self.failed_defines.add(block.name)
            return
        kind = self.kind_of(bases)
        if kind == "met":
            self.met_names.add(block.name)  # the event field met stands for it
            return
        sources = [b for b in bases if b in self.objects]
        obj = PhysicsObject.model_validate(
            {
                "name": block.name,
                "kind": kind,
                "sources": sources,
                "description": f"ADL: take {', '.join(takes)}",
            }
        )
        self_names = frozenset(
            set(bases)
            | {t.split()[1] for t in takes if len(t.split()) > 1}
            | {base for base, k in BASE_KINDS.items() if k == kind and base not in self.objects}
        )
        for statement in block.body:
            if statement.keyword in ("select", "reject"):
                obj.cuts.append(self.object_cut(obj, statement, self_names, len(obj.cuts) + 1))
            elif statement.keyword == "sort":
                self.sort(f"object {block.name}", statement, block.name)
            elif statement.keyword != "take":
                self.note(
                    f"object {block.name}", statement.line, f"{statement.raw!r}: no counterpart"
                )
        self.objects[block.name] = obj

    def object_cut(
        self, obj: PhysicsObject, statement: Statement, self_names: frozenset[str], n: int
    ) -> Cut:
        # MET (one object per event) is not a collection: met.phi in an object's cut is fine
        others = (frozenset(self.objects) | frozenset(BASE_KINDS)) - self.met_names - {"METLV"}
        refused = refusal(statement.text, object_scope=True, other_collections=others - self_names)
        if refused:
            return self.text_cut(
                self.cut_id(f"{obj.name}_{n}", statement.tag),
                statement,
                refused,
                scope="object",
                target=obj.name,
                section=f"object {obj.name}",
            )
        expr = translate(
            statement.text,
            self_names=self_names,
            met_names=frozenset(self.met_names),
            object_scope=True,
        )
        if statement.keyword == "reject":
            expr = f"not ({expr})"
        dims = KIND_FIELDS[obj.kind]
        cut = _make_cut(
            self.cut_id(f"{obj.name}_{n}", statement.tag),
            statement,
            expr,
            dims,
            scope="object",
            target=obj.name,
            provenance=self.prov(f"object {obj.name}", statement),
        )
        self.origin[cut.id] = statement
        return cut

    # defines and regions -------------------------------------------------------------
    def add_define(self, block: Block) -> None:
        text = " ".join([block.header.lstrip(":=").strip()] + [st.text for st in block.body])
        statement = Statement("define", text, block.line, f"define {block.name} {block.header}")
        met = "|".join(sorted(self.met_names | {"METLV"}))
        member = rf"(?:\w+\s*\[\s*\d+\s*\]|\b(?:{met})\b)"
        members = re.findall(member, text)
        if members and re.fullmatch(rf"(\s*{member}\s*\+?)+", text) and re.search(r"\[", text):
            if any(m.split("[")[0].strip() in self.met_names | {"METLV"} for m in members):
                # a sum with the missing momentum (W = lepton + MET): an object, by vector_sum
                parts = [
                    "met_vec"
                    if m.split("[")[0].strip() in self.met_names | {"METLV"}
                    else re.sub(r"(\w+)\s*\[\s*(\d+)\s*\]", r"nth(\1, \2)", m)
                    for m in members
                ]
                self.derived.append(
                    Derived(
                        name=block.name,
                        description=f"ADL: {statement.raw}",
                        expr=f"vector_sum({', '.join(parts)})",
                        provenance=self.prov(f"define {block.name}", statement),
                    )
                )
                self.origin[f"define:{block.name}"] = statement
                return
            self.vectors[block.name] = [re.sub(r"\s+", "", m) for m in members]
            return
        expr = translate(self.inline_vectors(text), met_names=frozenset(self.met_names))
        self.derived.append(
            Derived(
                name=block.name,
                description=f"ADL: {statement.raw}",
                expr=expr,
                provenance=self.prov(f"define {block.name}", statement),
            )
        )
        self.origin[f"define:{block.name}"] = statement

    def inline_vectors(self, text: str) -> str:
        for name, members in self.vectors.items():
            joined = " + ".join(members)
            text = re.sub(rf"\b[mM]\s*\(\s*{name}\s*\)", f"m({joined})", text)
            text = re.sub(
                rf"\b(?:pT|pt|Pt)\s*\(\s*{name}\s*\)|\b{name}\s*\.\s*(?:pT|pt)\b",
                "pt_of("
                + ", ".join(re.sub(r"(\w+)\[(\d+)\]", r"nth(\1, \2)", m) for m in members)
                + ")",
                text,
            )
        return text

    def region(self, block: Block, region_names: set[str]) -> tuple[Region, list[str]]:
        region = Region(name=block.name, description=f"ADL region {block.name}")
        self.region_lines[block.name] = block.line
        bases: list[str] = []
        for statement in block.body:
            words = statement.text.split()
            if len(words) == 1 and words[0] in region_names and statement.keyword in ("", "select"):
                if words[0] == block.name:
                    self.note(f"region {block.name}", statement.line, "refers to itself: ignored")
                else:
                    bases.append(words[0])
            elif statement.keyword == "reject" and len(words) == 1 and words[0] in region_names:
                self.note(
                    f"region {block.name}",
                    statement.line,
                    f"'reject {words[0]}': [{GAP_REGION_CONDITION}] the events of another region "
                    "as a veto; a region of a selection list builds on one base and cannot "
                    "exclude another's events",
                )
            elif statement.keyword in ("select", "reject"):
                if statement.text.strip() in ("ALL", "all"):
                    continue
                region.cuts.append(self.event_cut(block.name, statement, len(region.cuts) + 1))
            elif statement.keyword == "sort":
                self.sort(f"region {block.name}", statement, None)
            elif statement.keyword in ("bin", "bins"):
                self.bins(block.name, statement)
            elif statement.keyword == "histo":
                self.histo(block.name, statement)
            else:
                kind = statement.keyword or "statement"
                self.note(
                    f"region {block.name}",
                    statement.line,
                    f"{kind} {statement.text!r}: no counterpart in a selection list",
                )
        return region, bases

    def sort(self, where: str, statement: Statement, own: str | None) -> None:
        """``sort pT(X) descend`` is the order every collection already has; any other order
        makes later ``X[i]`` mean another object, so those cuts are refused (never silently
        taken as the i-th by pt)."""
        text = statement.text.strip()
        descend = not re.search(r"(?i)\bascend\b", text)
        key = re.sub(r"(?i)\b(?:ascend|descend)\b", "", text).strip()
        by_pt = re.fullmatch(r"(?:pT|pt|PT|Pt)(?:\s*\(\s*(\w+)\s*\))?", key)
        if by_pt and descend:
            return
        named = re.search(r"\(\s*(\w+)", key)
        target = own if own is not None else (named.group(1) if named else None)
        if target is not None:
            self.reordered[target] = statement.line
        self.note(
            where,
            statement.line,
            f"sort {text!r}: [{GAP_REORDERED}] collections are ordered by decreasing pt; "
            "another order has no counterpart (cuts on its i-th object are refused)",
        )

    def reorder_refusal(self, text: str, own: str | None = None) -> str | None:
        """The reason to refuse a cut naming the i-th object of a reordered collection."""
        for name, line in self.reordered.items():
            indexed = re.search(rf"\b{re.escape(name)}\s*\[", text)
            if indexed or (own == name and re.search(r"\[\s*\d", text)):
                return (
                    f"[{GAP_REORDERED}] {name!r} was sorted on line {line} by another key than "
                    "pt: its i-th object is not the i-th by pt"
                )
        return None

    def histo(self, region: str, statement: Statement) -> None:
        """``histo NAME, "title", nbins, low, high, EXPR`` -> an observable of ``region`` with that
        binning, its value a derived quantity; a 2D histogram is reported, not represented."""
        parts = [p.strip() for p in _arguments(statement.text)]
        numbers = parts[2:-1]
        if len(parts) == 10:
            self.note(f"region {region}", statement.line, f"histo {statement.text!r}: {HISTO_2D}")
            return
        try:
            bins, low, high = int(numbers[0]), float(numbers[1]), float(numbers[2])
        except (ValueError, IndexError):
            self.note(
                f"region {region}",
                statement.line,
                f"histo {statement.text!r}: not 'name, \"title\", bins, low, high, quantity'",
            )
            return
        name = re.sub(r"\W", "_", parts[0]) or "histo"
        if name not in self.histos:
            statement = Statement("define", parts[-1], statement.line, statement.raw)
            expr = translate(self.inline_vectors(parts[-1]), met_names=frozenset(self.met_names))
            defined = {d.name for d in self.derived}
            if expr in defined or expr in EVENT_FIELDS:
                value = expr  # a quantity already named (a define, MET): histogrammed as it is
            else:
                taken = defined | set(self.objects) | set(self.vectors)
                value = name if name not in taken else f"histo_{name}"
                self.derived.append(
                    Derived(
                        name=value,
                        description=f"ADL: {statement.raw}",
                        expr=expr,
                        provenance=self.prov(f"region {region}", statement),
                    )
                )
            self.origin[f"define:{value}"] = statement
            self.histos[name] = Observable(
                name=value,
                label=parts[1].strip('"') if len(parts) > 1 else "",
                histogram=HistogramSpec(bins=bins, low=low, high=high)
                if bins > 0 and high > low
                else None,
            )
        self.histo_regions.setdefault(name, []).append(region)

    def bins(self, region: str, statement: Statement) -> None:
        """``bin COND`` -> a region on top of ``region`` with that cut; ``bin x e0 e1 e2`` -> one
        region per interval e_i <= x < e_(i+1) (the last edge closes the last bin)."""
        edges = re.fullmatch(r"\s*(\S+)\s+((?:-?[\d.]+\s*){2,})", statement.text)
        if edges:
            var, numbers = edges.group(1), edges.group(2).split()
            conditions = [
                f"{var} >= {lo} and {var} < {hi}"
                for lo, hi in zip(numbers, numbers[1:], strict=False)
            ]
        else:
            conditions = [statement.text]
        for condition in conditions:
            n = len(self.bin_regions) + 1
            name = f"{region}_bin{n}"
            while name in self.region_lines:
                name += "_"
            self.region_lines[name] = statement.line
            cut_statement = Statement(
                "select", condition, statement.line, statement.raw, statement.tag, statement.unit
            )
            self.bin_regions.append(
                (
                    Region(
                        name=name,
                        description=f"ADL {statement.raw}",
                        cuts=[self.event_cut(name, cut_statement, 1)],
                    ),
                    [region],
                )
            )

    def event_cut(self, region: str, statement: Statement, n: int) -> Cut:
        refused = refusal(statement.text, object_scope=False) or self.reorder_refusal(
            statement.text
        )
        if refused:
            return self.text_cut(
                self.cut_id(f"{region}_{n}", statement.tag),
                statement,
                refused,
                scope="event",
                target=None,
                section=f"region {region}",
            )
        expr = translate(self.inline_vectors(statement.text), met_names=frozenset(self.met_names))
        if statement.keyword == "reject":
            expr = f"not ({expr})"
        cut = _make_cut(
            self.cut_id(f"{region}_{n}", statement.tag),
            statement,
            expr,
            {"met": "energy"},
            scope="event",
            target=None,
            provenance=self.prov(f"region {region}", statement),
        )
        self.origin[cut.id] = statement
        return cut

    def text_cut(
        self,
        cut_id: str,
        statement: Statement,
        reason: str,
        *,
        scope: str,
        target: str | None,
        section: str,
    ) -> Cut:
        """A cut refused before translation: kept as its ADL text, and reported with the reason."""
        self.note(cut_id, statement.line, f"{statement.raw!r}: {reason}")
        self.origin[cut_id] = statement
        return Cut.model_validate(
            {
                "id": cut_id,
                "description": f"ADL: {statement.keyword} {statement.text}".strip(),
                "scope": scope,
                "target": target,
                "provenance": self.prov(section, statement),
                "status": "reviewed",
                "kind": "require",
                "text": f"ADL: {statement.raw}",
                "notes": f"not represented: {reason}",
            }
        )

    # assembly ------------------------------------------------------------------------
    def run(self) -> tuple[SelectionList, list[str]]:
        parsed = blocks(self.text)
        region_names = {b.name for b in parsed if b.kind == "region"}
        regions: list[tuple[Region, list[str]]] = []
        for block in parsed:
            if block.kind in ("object", "define", "region") and not self.usable(block):
                continue
            if block.kind == "object":
                self.add_object(block)
            elif block.kind == "define":
                self.add_define(block)
            elif block.kind == "region":
                if block.name in {r.name for r, _ in regions}:
                    self.note(
                        f"region {block.name}",
                        block.line,
                        "defined twice: second definition skipped",
                    )
                    continue
                regions.append(self.region(block, region_names))
                regions += self.bin_regions
                self.bin_regions = []
            elif block.kind != "info":
                self.note(
                    f"{block.kind} {block.name}",
                    block.line,
                    f"'{block.kind}' blocks have no counterpart",
                )
        sel = self.assemble(regions)
        return self.settle(sel), self.missing

    def assemble(self, regions: list[tuple[Region, list[str]]]) -> SelectionList:
        selection: list[Cut] = []
        kept: list[Region] = []
        root = regions[0][0].name if regions and not regions[0][1] else None
        if (
            root
            and all(bases for _, bases in regions[1:])
            and all(self.reaches(r, root, regions) for r, _ in regions[1:])
        ):
            selection = regions[0][0].cuts
            regions = regions[1:]
        else:
            root = None
        for region, bases in regions:
            deepest = _deepest(bases, {r.name: b for r, b in regions})
            if deepest is not None:
                bases = [deepest]  # 'presel' then 'r_cut' (which builds on presel): r_cut
            if len(bases) > 1:
                self.note(
                    f"region {region.name}",
                    self.region_lines[region.name],
                    f"builds on several regions {bases}: only {bases[0]} kept as base",
                )
            base = bases[0] if bases else None
            if base is not None and self.cyclic(region.name, regions):
                self.note(
                    f"region {region.name}",
                    self.region_lines[region.name],
                    f"base chain through {base!r} loops back: base dropped",
                )
                base = None
            kept.append(region.model_copy(update={"base": None if base == root else base}))
        info = self.info
        analysis = AnalysisInfo(
            experiment=info.get("experiment"),
            description=info.get("title"),
            sqrt_s_tev=_number(info.get("sqrts")),
            luminosity_fb=_number(info.get("lumi")),
        )
        observables = [
            obs.model_copy(
                update={
                    "regions": [
                        CUTFLOW_REGION if r == root else r for r in self.histo_regions[name]
                    ]
                }
            )
            for name, obs in self.histos.items()
        ]
        return SelectionList(
            schema_version="1.1.0" if observables else "1.0.0",
            paper=PaperRef(id=self.paper_id, title=info.get("title")),
            analysis=analysis,
            objects=_dependency_order(list(self.objects.values())),
            derived=self.derived,
            selection=selection,
            regions=kept,
            observables=observables,
            producer="adl",
            notes=[f"imported from ADL ({self.document})", *self.tag_notes()],
        )

    def tag_notes(self) -> list[str]:
        """ADL's ``BTag`` is the input's tag decision. It is imported as ``btagged``, which
        each data schema derives from its tagger's score at a working point it names; the
        point is the data's, not the analysis's, so the list says which one is used."""
        lines = sorted(
            {
                st.line
                for st in self.origin.values()
                if re.search(
                    r"\bb-?tag\s*(?:\(|\.|\s*(?:==|!=|>=|<=|>|<|EQ|NE|GE|LE|GT|LT)\b)",
                    st.text,
                    re.IGNORECASE,
                )
            }
        )
        if not lines:
            return []
        return [
            f"b-tag as a decision (ADL lines {', '.join(map(str, lines))}): read as 'btagged', "
            "the tagger's score at the working point of the data (CMS NanoAOD: DeepJet medium "
            "0.3093, or DeepCSV 0.6321 / CSVv2 0.8484 when the file fills only those; ATLAS "
            "2020: MV2c10 > 0.8244 (70%); ATLAS 2025: quantile >= 4 (70%)); to use another "
            "point, replace these cuts by btag >= VALUE"
        ]

    def cyclic(self, name: str, regions: list[tuple[Region, list[str]]]) -> bool:
        bases = {r.name: b[0] for r, b in regions if b}
        seen: set[str] = set()
        while name in bases and name not in seen:
            seen.add(name)
            name = bases[name]
        return name in seen

    def reaches(self, region: Region, root: str, regions: list[tuple[Region, list[str]]]) -> bool:
        bases = {r.name: b for r, b in regions}
        seen, name = set(), region.name
        while name in bases and bases[name] and name not in seen:
            seen.add(name)
            name = bases[name][0]
        return name == root

    def settle(self, sel: SelectionList) -> SelectionList:
        """Turn every cut or define the validator rejects into text, recording why."""
        for _ in range(10):
            errors = [i for i in validate_selection(sel) if i.level == "error"]
            if not errors:
                return sel
            data = sel.model_dump()
            for issue in errors:
                self.demote(data, issue.path, issue.cut_id, issue.message)
            data["objects"] = [obj for obj in data["objects"] if obj is not None]
            data["derived"] = [d for d in data["derived"] if d is not None]
            data["observables"] = [o for o in data["observables"] if o is not None]
            sel = SelectionList.model_validate(data)
        raise SelectionError(
            "ADL import did not converge to a valid selection list",
            hint="report the ADL file; the importer should demote what it cannot express",
        )

    def demote(self, data: dict, path: str, cut_id: str | None, reason: str) -> None:  # type: ignore[type-arg]
        if path.startswith("$.objects[") and path.endswith("].kind"):
            index = int(path.split("[")[1].split("]")[0])
            if index < len(data["objects"]) and data["objects"][index] is not None:
                name = data["objects"][index]["name"]
                self.note(f"object {name}", self.object_lines.get(name, 0), self.why(reason))
                self.failed_defines.add(name)
                data["objects"][index] = None
            return
        if path.startswith("$.observables["):
            index = int(path.split("[")[1].split("]")[0])
            if index < len(data["observables"]) and data["observables"][index] is not None:
                name = data["observables"][index]["name"]
                self.note(f"histo {name}", self.origin[f"define:{name}"].line, self.why(reason))
                data["observables"][index] = None
            return
        if path.startswith("$.derived["):
            index = int(path.split("[")[1].split("]")[0])
            if index < len(data["derived"]) and data["derived"][index] is not None:
                name = data["derived"][index]["name"]
                self.note(f"define {name}", self.origin[f"define:{name}"].line, self.why(reason))
                self.failed_defines.add(name)
                data["derived"][index] = (
                    None  # removed after all issues: later paths keep their index
                )
            return
        for cut in _all_cut_dicts(data):
            if cut_id is not None and cut["id"] == cut_id and cut.get("text") is None:
                statement = self.origin[cut_id]
                self.note(cut_id, statement.line, f"{statement.raw!r}: {self.why(reason)}")
                cut.update(
                    variable=None,
                    op=None,
                    value=None,
                    abs=False,
                    expr=None,
                    unit=None,
                    kind="require",
                    text=f"ADL: {statement.raw}",
                    notes=f"not represented: {self.why(reason)}",
                )

    def why(self, reason: str) -> str:
        """The validator's reason, led by its gap class (docs: "Known gaps in ADL import"), so
        that every construct left out is a named gap, not just an error message."""
        first = reason.splitlines()[0]
        match = re.search(r"unknown (?:name|function) '(\w+)'", first)
        name = match.group(1) if match else None
        if name in self.failed_defines:
            return f"[{GAP_UNREPRESENTED_BASE}] uses {name!r}, which could not be represented"
        if name in self.vectors:
            return (
                f"[{GAP_VECTOR_AS_NUMBER}] uses the four-vector sum {name!r} as a number (ADL "
                "leaves the quantity implicit)"
            )
        if name in KNOWN_GAPS:
            gap, because = KNOWN_GAPS[name]
            return f"[{gap}] {name!r}: {because}"
        if name is not None:
            commented = re.search(
                rf"^\s*#\s*(?:define|def|object)\s+{name}\b", self.text, re.MULTILINE
            )
            if commented:
                line = self.text[: commented.start()].count("\n") + 1
                return f"[{GAP_UNDEFINED}] {name!r} is defined only in a comment (line {line})"
            return f"[{GAP_UNDEFINED}] {first}"
        if "is a collection of objects, not a number" in first:
            return f"[{GAP_OBJECT_AS_NUMBER}] {first}"
        if "has no such collection" in first:
            return f"[{GAP_NO_COLLECTION}] {first}"
        if "objects) has no field" in first:
            return f"[{GAP_FOREIGN_FIELD}] {first}"
        if "gives one value per object, not one per event" in first:
            return f"[{GAP_PER_OBJECT}] {first}"
        return first


def refusal(
    text: str, *, object_scope: bool, other_collections: frozenset[str] = frozenset()
) -> str | None:
    """ADL forms that a text rewrite would turn into something with another meaning (or a
    misleading error): refused up front with their gap class."""
    if re.search(r"\?\s*(?::|$)", text):
        return f"[{GAP_NO_BRANCH}] 'c ?' without the condition to require when c holds"
    if not object_scope:
        return None
    if other_collections:
        # 'dR(j, photons) < 0.4 and photons.pt / j.pt [] 0.5 2.0': both conditions hold for the
        # same photon; min_delta_r and a separate photons.pt would pull them apart
        names = "|".join(re.escape(n) for n in sorted(other_collections, key=len, reverse=True))
        attribute = re.search(rf"\b({names})\s*\.\s*(?!size\b)(\w+)", text)
        if attribute:
            return (
                f"[{GAP_LOOP_NAMES}] {attribute.group(0)!r} is a property of each object of "
                f"another collection inside an object's condition; {_ONLY_MIN_DELTA_R}"
            )
    loop = re.search(r"\b([A-Za-z]\w*_)(?!\w)", text)
    if loop:
        return (
            f"[{GAP_LOOP_NAMES}] CutLang loop name {loop.group(1)!r} pairs each object with each "
            f"object of another collection; {_ONLY_MIN_DELTA_R}"
        )
    function = re.search(rf"\b({'|'.join(sorted(COLLECTION_FUNCTIONS))})\s*\(", text)
    if function:
        return (
            f"[{GAP_COLLECTION_CONDITION}] {function.group(1)!r} builds a collection; as a "
            "condition on each object ADL gives it no meaning (an object built by it is written "
            f"'take {function.group(1)}(...)')"
        )
    return None


def _dependency_order(objects: list[PhysicsObject]) -> list[PhysicsObject]:
    """File order, except that an object comes after the collections its cuts name (ADL blocks may
    refer to a collection defined further down: 'reject dR(j, photons) < 0.4' before 'object
    photons')."""
    names = {obj.name for obj in objects}
    needs: dict[str, set[str]] = {}
    for obj in objects:
        used: set[str] = set(obj.sources)
        for cut in obj.cuts:
            if cut.expr is not None:
                try:
                    used |= names_used(parse(cut.expr))
                except SelectionError:
                    continue
        needs[obj.name] = (used & names) - {obj.name}
    ordered: list[PhysicsObject] = []
    pending = list(objects)
    while pending:
        ready = next(
            (o for o in pending if needs[o.name] <= {p.name for p in ordered}), pending[0]
        )  # a cycle: file order
        ordered.append(ready)
        pending.remove(ready)
    return ordered


def _all_cut_dicts(data: dict) -> list[dict]:  # type: ignore[type-arg]
    cuts = [cut for obj in data["objects"] if obj is not None for cut in obj["cuts"]] + data[
        "selection"
    ]
    return cuts + [cut for region in data["regions"] for cut in region["cuts"]]


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _make_cut(
    cut_id: str,
    statement: Statement,
    expr: str,
    dims: dict[str, str],
    *,
    scope: str,
    target: str | None,
    provenance: Provenance,
) -> Cut:
    form = structured_form(expr, dims)
    fields: dict[str, object] = form if form is not None else {"expr": expr}
    if statement.unit:
        fields["unit"] = statement.unit
    return Cut.model_validate(
        {
            "id": cut_id,
            "description": f"ADL: {statement.keyword} {statement.text}".strip(),
            "scope": scope,
            "target": target,
            "provenance": provenance,
            "status": "reviewed",
            **fields,
        }
    )


def structured_form(expr: str, dims: dict[str, str]) -> dict[str, object] | None:
    """``pt > 25`` / ``abs(eta) < 2.4`` / ``x > a and x < b`` as variable/op/value, else None."""
    try:
        body = parse(expr).body
    except SelectionError:
        return None
    if isinstance(body, ast.BoolOp) and len(body.values) == 2:
        left, right = (_simple(v) for v in body.values)
        if left and right and left[:2] == right[:2]:
            var, absolute = left[:2]
            ops = (left[2], right[2])
            lo, hi = left[3], right[3]
            if isinstance(body.op, ast.And) and ops == (">", "<") and lo < hi:
                return _structured(var, absolute, "between", [lo, hi], dims)
            if isinstance(body.op, ast.Or) and ops == ("<", ">") and lo < hi:
                return _structured(var, absolute, "outside", [lo, hi], dims)
        return None
    simple = _simple(body)
    return _structured(*simple, dims) if simple else None


def _simple(node: ast.AST) -> tuple[str, bool, str, float] | None:
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _OPS):
        return None
    op, left, right = _OPS[type(node.ops[0])], node.left, node.comparators[0]
    if _number_of(left) is not None and _number_of(right) is None:
        left, right, op = right, left, _FLIP[op]
    value = _number_of(right)
    if value is None:
        return None
    if isinstance(left, ast.Name):
        return left.id, False, op, value
    if (
        isinstance(left, ast.Call)
        and isinstance(left.func, ast.Name)
        and left.func.id == "abs"
        and len(left.args) == 1
        and isinstance(left.args[0], ast.Name)
    ):
        return left.args[0].id, True, op, value
    return None


def _number_of(node: ast.AST) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number_of(node.operand)
        return None if inner is None else -inner
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return float(node.value)
    return None


def _structured(
    var: str, absolute: bool, op: str, value: float | list[float], dims: dict[str, str]
) -> dict[str, object]:
    return {
        "variable": var,
        "abs": absolute,
        "op": op,
        "value": value,
        "unit": unit_for_dimension(dims.get(var, "none")),
    }


def from_adl(text: str, source: str | None = None) -> tuple[SelectionList, list[str]]:
    """Import ADL text: the selection list and the constructs it could not represent."""
    return _Importer(text, source).run()


def _arguments(text: str) -> list[str]:
    """``text`` split at the commas outside quotes and brackets (a histogram's expression may
    hold commas of its own: ``dR(jets[0], jets[1])``)."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "([{":
            depth += 1
        elif not quoted and char in ")]}":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _deepest(bases: list[str], parents: dict[str, list[str]]) -> str | None:
    """Of several base regions, the one building on all the others (its chain passes through
    them), or None when they are not one chain."""
    for candidate in bases:
        chain, name = set(), candidate
        while parents.get(name) and name not in chain:
            chain.add(name)
            name = parents[name][0]
        chain.add(name)
        if all(b in chain for b in bases):
            return candidate
    return None
