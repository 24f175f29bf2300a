"""Selection list -> ADL (CutLang) text, for what ADL can express.

Objects, their cuts, event-scope definitions, the cutflow and regions are written as
ADL; candidate collections, candidate-scope cuts, ``select_best`` steps and text-only
cuts have no ADL counterpart and are written as comments so that nothing disappears
without a trace. Each cut carries ``# id=... unit=...`` so that importing the export
gives back the same ids.
"""

from __future__ import annotations

import ast
import re

from pipeline.selection.expr import cut_expression, format_number, names_used, parse
from pipeline.selection.functions import FIELD_ACCESSORS
from pipeline.selection.models import CUTFLOW_REGION, Cut, Op, PhysicsObject, SelectionList
from pipeline.selection.scopes import is_candidate_builder

BASE_NAMES = {
    "electron": "Electron",
    "muon": "Muon",
    "jet": "Jet",
    "bjet": "Jet",
    "fatjet": "FatJet",
    "photon": "Photon",
    "tau": "Tau",
    "met": "MissingET",
    "track": "Track",
    "lepton": "Lepton",
    "other": "Particle",
}
_CALLS = {
    "count": "size",
    "delta_r": "dR",
    "delta_phi": "dPhi",
    "mass": "m",
    "mt": "fMT",
    "mct": "fMCT",
    "razor_mr": "fMR",
    "razor_mtr": "fMTR",
    "megajets": "fmegajets",
    "alpha_t": "fAlphaT",
}
_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


def _atom(node: ast.AST) -> str:
    text = adl_expression(node)
    simple = isinstance(node, ast.Name | ast.Constant | ast.Call) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    )
    return text if simple else f"({text})"


def _compare(node: ast.Compare) -> str:
    parts, left = [], node.left
    for op, right in zip(node.ops, node.comparators, strict=True):
        if isinstance(op, ast.In | ast.NotIn):
            assert isinstance(right, ast.List)
            eq, join = ("==", " or ") if isinstance(op, ast.In) else ("!=", " and ")
            parts.append(
                "(" + join.join(f"{_atom(left)} {eq} {_atom(v)}" for v in right.elts) + ")"
            )
        else:
            parts.append(f"{_atom(left)} {_CMP[type(op)]} {_atom(right)}")
        left = right
    return " and ".join(parts)


def _call(node: ast.Call) -> str:
    name = node.func.id  # type: ignore[attr-defined]
    args = node.args
    if name == "nth" and len(args) == 2:
        index = adl_expression(args[1])
        inner = args[0]
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Name)
            and inner.func.id in FIELD_ACCESSORS
            and len(inner.args) == 1
            and isinstance(inner.args[0], ast.Name)
        ):
            return f"{inner.func.id}({inner.args[0].id}[{index}])"
        if isinstance(inner, ast.Name):
            return f"{inner.id}[{index}]"
    text_args = ", ".join(adl_expression(arg) for arg in args)
    return f"{_CALLS.get(name, name)}({text_args})"


def adl_expression(node: ast.AST) -> str:
    """One expression of the selection language written the CutLang way."""
    if isinstance(node, ast.Expression):
        return adl_expression(node.body)
    if isinstance(node, ast.Name):
        return {"met": "MET", "met_vec": "METLV[0]"}.get(node.id, node.id)
    if isinstance(node, ast.Constant):
        value = node.value
        return str(value) if isinstance(value, bool) else format_number(float(value))  # type: ignore[arg-type]
    if isinstance(node, ast.List):
        return "[" + ", ".join(adl_expression(e) for e in node.elts) + "]"
    if isinstance(node, ast.BoolOp):
        word = " and " if isinstance(node.op, ast.And) else " or "
        return word.join(
            f"({adl_expression(v)})" if isinstance(v, ast.BoolOp) else adl_expression(v)
            for v in node.values
        )
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return f"not ({adl_expression(node.operand)})"
        return ("-" if isinstance(node.op, ast.USub) else "") + _atom(node.operand)
    if isinstance(node, ast.BinOp):
        return f"{_atom(node.left)} {_BIN[type(node.op)]} {_atom(node.right)}"
    if isinstance(node, ast.Compare):
        return _compare(node)
    if isinstance(node, ast.Call):
        return _call(node)
    raise ValueError(
        f"no ADL form for {ast.dump(node)}"
    )  # tuples: select_best keys never come here


def _cut_line(cut: Cut, this: str | None = None) -> str:
    tag = f"  # id={cut.id}" + (f" unit={cut.unit}" if cut.unit else "")
    if (
        cut.op in (Op.between, Op.outside)
        and cut.variable is not None
        and isinstance(cut.value, list)
    ):
        var = f"abs({cut.variable})" if cut.abs else cut.variable
        lo, hi = (format_number(v) for v in cut.value)
        body = (
            f"{var} > {lo} and {var} < {hi}"
            if cut.op == Op.between
            else f"{var} < {lo} or {var} > {hi}"
        )
        return f"  select {body}{tag}"
    expr = cut_expression(cut)
    if this is not None:  # min_delta_r(leptons) of the object being cut: dR(Jet, leptons)
        expr = re.sub(r"\bmin_delta_r\(\s*(\w+)\s*\)", rf"delta_r({this}, \1)", expr)
    return f"  select {adl_expression(parse(expr))}{tag}"


def _expressible(cut: Cut, hidden: set[str]) -> str | None:
    """Why ``cut`` cannot be written as ADL, or None when it can."""
    if cut.status == "rejected":
        return "rejected cut"
    if not cut.executable:
        return "text-only cut"
    if cut.kind == "select_best":
        return "select_best (choose one candidate)"
    if cut.scope == "candidate":
        return f"candidate-scope cut on {cut.target}"
    uses = sorted(names_used(parse(cut_expression(cut))) & hidden)
    return f"uses {', '.join(uses)}, which ADL cannot express" if uses else None


def _cuts(cuts: list[Cut], hidden: set[str] = set(), this: str | None = None) -> list[str]:  # noqa: B006 - never mutated
    lines = []
    for cut in cuts:
        why = _expressible(cut, hidden)
        if why is None:
            lines.append(_cut_line(cut, this))
        else:
            form = cut.text if not cut.executable else cut_expression(cut)
            lines.append(f"  # not expressible in ADL ({why}): {cut.id}: {form}")
    return lines


def _object(obj: PhysicsObject) -> list[str]:
    lines = [f"object {obj.name}"]
    takes = obj.sources or [BASE_NAMES[obj.kind]]
    lines += [f"  take {source}" for source in takes]
    return lines + _cuts(obj.cuts, this=takes[0]) + [""]


def _info(sel: SelectionList) -> list[str]:
    info = sel.analysis
    lines = ["info analysis"]
    if sel.paper.title:
        lines.append(f'  title "{sel.paper.title}"')
    if info.experiment:
        lines.append(f"  experiment {info.experiment}")
    if info.sqrt_s_tev:
        lines.append(f"  sqrtS {format_number(info.sqrt_s_tev)}")
    if info.luminosity_fb:
        lines.append(f"  lumi {format_number(info.luminosity_fb)}")
    if sel.paper.id.startswith("arXiv:"):
        lines.append(f"  arXiv {sel.paper.id.removeprefix('arXiv:')}")
    return lines + [""]


def to_adl(sel: SelectionList) -> str:
    """ADL text for ``sel``; what ADL cannot express is kept as comments."""
    lines = [
        f"# ADL (CutLang) export of the selection list for {sel.paper.id}, written by reproduce",
        "# constructs ADL cannot express are kept as comments",
        "",
    ]
    lines += _info(sel)
    for obj in sel.objects:
        lines += _object(obj)
    hidden: set[str] = set()
    for derived in sel.derived:
        if (
            derived.scope == "event"
            and not is_candidate_builder(derived)
            and not names_used(parse(derived.expr)) & hidden
        ):
            lines.append(f"define {derived.name} = {adl_expression(parse(derived.expr))}")
        else:
            hidden.add(derived.name)
            built = (
                "candidates" if derived.scope == "event" else "quantity of " + str(derived.target)
            )
            lines.append(
                f"# not expressible in ADL ({derived.scope} {built}): "
                f"{derived.name} = {derived.expr}"
            )
    cutflow = "cutflow"
    while cutflow in {r.name for r in sel.regions}:
        cutflow += "_"
    if sel.selection or sel.regions or sel.observables:
        lines += ["", f"region {cutflow}", *_cuts(sel.selection, hidden)]
        lines += _histos(sel, CUTFLOW_REGION, hidden)
    for region in sel.regions:
        lines += [
            "",
            f"region {region.name}",
            f"  {region.base or cutflow}",
            *_cuts(region.cuts, hidden),
            *_histos(sel, region.name, hidden),
        ]
    return "\n".join(lines).rstrip() + "\n"


def _histos(sel: SelectionList, region: str, hidden: set[str]) -> list[str]:
    """``histo`` lines for the observables of ``region`` (ADL histograms: bins, low, high)."""
    out = []
    for obs in sel.observed_in(region):
        spec = obs.histogram
        if obs.name in hidden or spec is None or spec.edges is not None:
            why = "hidden quantity" if obs.name in hidden else "no regular binning"
            out.append(f"  # observable {obs.name}: not written as an ADL histo ({why})")
            continue
        label = obs.label.replace('"', "'")
        out.append(
            f'  histo {obs.name}, "{label}", {spec.bins}, {spec.low:g}, {spec.high:g}, {obs.name}'
        )
    return out
