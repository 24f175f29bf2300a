"""Findings -> selection list: collections, canonical units, expressions, ids, provenance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.extract import alternatives, charges, conditionals, vetoes
from pipeline.extract.findings import COLLECTIONS, KIND_OF, CutFinding, canonical
from pipeline.extract.ratios import RATIO_EXPRESSIONS
from pipeline.extract.windows import WINDOW_EXPRESSIONS
from pipeline.selection.expr import cut_expression
from pipeline.selection.models import (
    Assumption,
    Cut,
    Derived,
    PaperRef,
    PhysicsObject,
    Provenance,
    Region,
    Scope,
    SelectionList,
)

_OPS_TEXT = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "==": "==", "!=": "!="}
_EXPR_VARIABLES = {
    "z0sintheta": "abs(z0 * sin(theta))",
    "reliso": "ptcone30 / pt",
    # the distance of the SFOS lepton pair mass closest to the Z mass ('within 15 GeV of the Z
    # mass')
    "zwindow": "min_of(abs(mass(sfos_pairs(leptons)) - 91.1876))",
    # the smallest SFOS lepton pair mass ('m_ll > 12 GeV for all SFOS pairs'; no pair: +inf)
    "sfosmass": "min_of(mass(sfos_pairs(leptons)))",
    "mtmet": "mt + met",
    **RATIO_EXPRESSIONS,  # 'E_T^miss / sqrt(H_T) > 5 GeV^1/2': met / sqrt(ht)
    **WINDOW_EXPRESSIONS,  # '|m_jj - m_W| < 20 GeV': abs(mjj - 80.4)
}  # 'm_T^W + E_T^miss > 60 GeV' (mt is defined by pipeline.extract.legal)


@dataclass(frozen=True)
class Source:
    """Where findings came from: the paper itself or a cited paper."""

    document: str
    kind: str = "paper"  # or "cited"
    reference: str | None = None


Statement = tuple[CutFinding, Source]  # a finding and where it was read


def dedupe(findings: Iterable[Statement]) -> list[tuple[Statement, list[Statement]]]:
    """Each cut once, with its repeated statements (abstract, body and summary say it thrice).

    Statements are the same cut when they have the same key and region (a cut of a control region
    is not the signal selection's cut). Returns, in order of first statement, the first statement
    of each cut with the later ones, in the order given; the later ones are kept so that the
    support check can quote one of them when the first does not support the cut.
    """
    groups: dict[tuple[object, ...], tuple[Statement, list[Statement]]] = {}
    for finding, source in findings:
        key = (finding.key(), finding.region)
        if key in groups:
            groups[key][1].append((finding, source))
        else:
            groups[key] = ((finding, source), [])
    return list(groups.values())


def _provenance(finding: CutFinding, source: Source) -> Provenance:
    return Provenance(
        source=source.kind,
        document=source.document,  # type: ignore[arg-type]
        reference=source.reference,
        quote=finding.quote,
    )


def _description(finding: CutFinding) -> str:
    return finding.description or finding.quote[:160]


def _comparison(lhs: str, finding: CutFinding, value: float | list[float]) -> str:
    if finding.op == "between":
        low, high = value  # type: ignore[misc]
        if finding.variable == "count":  # "two, three, or four jets": both ends allowed
            return f"{low:g} <= {lhs} <= {high:g}"
        return f"{low:g} < {lhs} < {high:g}"
    if finding.op == "outside":
        low, high = value  # type: ignore[misc]
        return f"({lhs} < {low:g}) or ({lhs} > {high:g})"
    if finding.op == "in":
        return f"{lhs} in [{', '.join(f'{v:g}' for v in value)}]"  # type: ignore[union-attr]
    return f"{lhs} {_OPS_TEXT[finding.op]} {value:g}"


def _condition(finding: CutFinding) -> vetoes.Condition:
    value, _ = canonical(finding.value, finding.unit)
    values = tuple(value) if isinstance(value, list) else (value,)
    return vetoes.Condition(finding.variable, finding.abs, str(finding.op), values)


def _as_event_expression(cut: Cut, expr: str, description: str) -> Cut:
    """``cut`` restated as the event-level expression ``expr`` (a conditional or alternative cut
    built from its parts)."""
    return cut.model_copy(
        update={
            "expr": expr,
            "variable": None,
            "op": None,
            "value": None,
            "abs": False,
            "scope": Scope.event,
            "target": None,
            "description": description,
        }
    )


def _conjunct(finding: CutFinding, cut_id: str, source: Source) -> str:
    """One requirement of an alternative, as an expression that can stand beside others."""
    expr = cut_expression(to_cut(finding, cut_id, source)[1])
    return f"({expr})" if " or " in expr else expr


def to_cut(finding: CutFinding, cut_id: str, source: Source) -> tuple[str | None, Cut]:
    """The cut and the collection it belongs to (None = the event-level cutflow)."""
    if finding._where:
        # "events containing a photon with E_T > 15 GeV are discarded": no photon above 15 GeV
        plain = finding.model_copy()
        plain._where = None
        _, cut = to_cut(plain, cut_id, source)
        veto = vetoes.CountedVeto(
            COLLECTIONS[finding.object],
            tuple(_condition(f) for f in finding._where),
            str(finding.op),
            float(finding.value),  # type: ignore[arg-type]
        )
        return None, cut.model_copy(
            update={
                "expr": vetoes.expression(veto),
                "description": f"{cut.description} (counting the {COLLECTIONS[finding.object]} "
                "the quote's thresholds name)",
            }
        )
    if finding._alternatives:
        # "at least eight jets with pT > 50 GeV or at least seven jets with pT > 80 GeV"
        first = finding.model_copy()
        first._alternatives = None
        _, cut = to_cut(first, cut_id, source)
        parts = [[_conjunct(f, cut_id, source) for f in part] for part in finding._alternatives]
        return None, _as_event_expression(
            cut,
            alternatives.expression(parts),
            "either " + " or ".join(" and ".join(part) for part in parts),
        )
    if finding._condition is not None:
        # "for events with exactly two jets, the subleading jet must have pT > 60 GeV"
        unconditional = finding.model_copy()
        unconditional._condition = None
        _, required = to_cut(unconditional, cut_id, source)
        _, condition = to_cut(finding._condition, cut_id, source)
        return None, _as_event_expression(
            required,
            conditionals.expression(cut_expression(condition), cut_expression(required)),
            f"{required.description}, for events with {condition.description}",
        )
    value, unit = canonical(finding.value, finding.unit)
    base: dict[str, Any] = {
        "id": cut_id,
        "description": _description(finding),
        "provenance": _provenance(finding, source),
        "unit": unit,
    }
    collection = COLLECTIONS.get(finding.object)
    var = finding.variable
    if var in ("ospair", "sspair"):  # "two opposite-sign leptons": a pair of such charges
        expr = charges.expression(collection or "leptons", var == "ospair")
        return None, Cut(scope=Scope.event, expr=expr, **base)
    if var in ("count", "sfos"):
        arg = f"sfos_pairs({collection or 'leptons'})" if var == "sfos" else collection
        return None, Cut(
            scope=Scope.event, expr=_comparison(f"count({arg})", finding, value), **base
        )
    if collection is not None and finding.rank is not None:
        field = _EXPR_VARIABLES.get(var, var)
        lhs = (  # the n-th by pT: |eta| of the leading photon, not the n-th largest eta
            f"nth(sort_desc(pt({collection})), {finding.rank})"
            if var == "pt"
            else f"nth(sort_desc(pt({collection})), {finding.rank}) / mgammagamma"
            if var == "ptovermgg"
            else f"nth({field}(sorted_by_pt({collection})), {finding.rank})"
        )
        if finding.abs:
            lhs = f"abs({lhs})"
        expr = _comparison(lhs, finding, value)
        if finding._vetoed:  # the kept side of a veto: true where there is no n-th object
            expr = f"not ({expr})"
        return None, Cut(scope=Scope.event, expr=expr, **base)
    if var in _EXPR_VARIABLES:
        expr = _comparison(_EXPR_VARIABLES[var], finding, value)
        scope = Scope.object if collection else Scope.event
        return collection, Cut(scope=scope, target=collection, expr=expr, **base)
    if collection is not None:
        return collection, Cut(
            scope=Scope.object,
            target=collection,
            variable=var,
            abs=finding.abs,
            op=finding.op,
            value=value,
            **base,
        )
    return None, Cut(
        scope=Scope.event, variable=var, abs=finding.abs, op=finding.op, value=value, **base
    )


def _unique(base: str, used: set[str]) -> str:
    name, n = base, 2
    while name in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name


def _restatements(first: CutFinding, later: list[Statement]) -> tuple[tuple[Provenance, str], ...]:
    """The later statements' provenance and description, each quote once (not the first's)."""
    quotes = {first.quote}
    kept = []
    for finding, source in later:
        if finding.quote not in quotes:
            quotes.add(finding.quote)
            kept.append((_provenance(finding, source), _description(finding)))
    return tuple(kept)


def build_selection(
    findings: Iterable[tuple[CutFinding, Source]],
    *,
    paper: PaperRef,
    producer: str,
) -> SelectionList:
    """A selection list holding every finding once, objects in order of first mention."""
    objects: dict[str, PhysicsObject] = {}
    selection: list[Cut] = []
    used: set[str] = set()
    regions: dict[str, Region] = {}
    for (finding, source), later in dedupe(findings):
        stem = COLLECTIONS.get(finding.object, "event")
        rank = f"_{finding.rank}" if finding.rank is not None else ""
        cut_id = _unique(f"{stem}_{finding.variable}{rank}", used)
        collection, cut = to_cut(finding, cut_id, source)
        cut._restatements = _restatements(finding, later)
        if finding.region is not None:
            if (
                collection is None
            ):  # object variants of a control region are not the analysis objects
                region = regions.setdefault(
                    finding.region, Region(name=finding.region, description=finding.quote)
                )
                region.cuts.append(cut)
            continue
        if collection is None:
            selection.append(cut)
            continue
        if collection not in objects:
            kind = KIND_OF.get(finding.object, finding.object)
            objects[collection] = PhysicsObject(name=collection, kind=kind)  # type: ignore[arg-type]
        objects[collection].cuts.append(cut)
    if "leptons" in objects:
        objects["leptons"].sources = [n for n in ("electrons", "muons") if n in objects]
    return complete_derived(
        SelectionList(
            paper=paper,
            objects=list(objects.values()),
            selection=selection,
            regions=list(regions.values()),
            producer=producer,
        )
    )


# H->ZZ*->4l conventions: a cut on m12/m34/m4l only makes sense on quadruplet candidates
_QUAD_DERIVED = {
    "m12": ("mass(z1(quads))", "mass of the SFOS pair closest to the Z mass"),
    "m34": ("mass(z2(quads))", "mass of the other SFOS pair"),
    "m4l": ("mass(quads)", "four-lepton invariant mass"),
}


def complete_derived(sel: SelectionList) -> SelectionList:
    """Define the quadruplet quantities the cuts use (m12, m34, m4l), marked as an assumption.

    Papers name m12 and m34 without defining them in a formula; the convention (z1 = the
    SFOS pair closest to the Z mass) is recorded in the assumption ledger for review.
    """
    used = [c for c in sel.selection if c.variable in _QUAD_DERIVED and c.scope == Scope.event]
    if not used:
        return sel
    names = {c.variable for c in used if c.variable}
    why = Provenance(source="assumption", document=sel.paper.id)
    derived = [
        Derived(
            name="quads",
            expr="quadruplets(leptons, 91.1876)",
            provenance=why,
            description="quadruplet candidates: two SFOS lepton pairs sharing no lepton",
        )
    ]
    derived += [
        Derived(
            name=n,
            expr=_QUAD_DERIVED[n][0],
            scope="candidate",
            target="quads",
            unit="GeV",
            description=_QUAD_DERIVED[n][1],
            provenance=why,
        )
        for n in sorted(names)
    ]
    selection = [
        c.model_copy(update={"scope": Scope.candidate, "target": "quads"}) if c in used else c
        for c in sel.selection
    ]
    objects = list(sel.objects)
    if not any(o.name == "leptons" for o in objects):
        objects.append(
            PhysicsObject(
                name="leptons",
                kind="lepton",
                sources=[o.name for o in objects if o.name in ("electrons", "muons")],
            )
        )
    assumption = Assumption(
        id="quadruplet_convention",
        topic="definition of m12, m34, m4l",
        unstated="the paper names the pair masses without a formula",
        choice="quads = quadruplets(leptons, 91.1876); m12 = mass(z1(quads)) (pair closest to "
        "the Z mass), m34 = mass(z2(quads)), m4l = mass(quads)",
        rationale="the ATLAS/CMS H->ZZ*->4l convention",
        affects=[c.id for c in used],
    )
    existing = {d.name for d in sel.derived}
    return sel.model_copy(
        update={
            "derived": [*sel.derived, *(d for d in derived if d.name not in existing)],
            "selection": selection,
            "objects": objects,
            "assumptions": [*sel.assumptions, assumption],
        }
    )
