"""Recall and precision of an extracted selection list against a reference list.

The reference is a reviewed selection list (``.json``) or an ADL gold file (``.adl``,
read with :func:`pipeline.selection.adl.from_adl`). Cuts are compared on
(object kind, quantity, operator direction, values), the rules of
``scripts/eval_extraction.py``: ``>``/``>=`` are one lower bound, ``<``/``<=`` one upper
bound, values equal within 0.1 %, an extracted ``lepton`` cut matches an electron or
muon cut, a leading-object cut is ``pt#0``, counts are ``count``. A cut these rules
cannot read is compared by its normalised expression text.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from pipeline.errors import UsageError
from pipeline.selection.models import Cut, SelectionList

Key = tuple[str, str, str, tuple[float, ...]]
DIRECTION = {">": "lower", ">=": "lower", "<": "upper", "<=": "upper", "==": "eq", "!=": "ne", "between": "range",
             "outside": "outside"}
COLLECTIONS = {"electrons": "electron", "muons": "muon", "leptons": "lepton", "jets": "jet", "bjets": "bjet",
               "photons": "photon", "taus": "tau", "tracks": "track"}
_COUNT = re.compile(r"count\((?:sfos_pairs\()?(\w+)\)?\)\s*(>=|<=|==|>|<)\s*(-?[\d.]+)")
_RANKED = re.compile(r"nth\(sort_desc\((\w+)\((\w+)\)\),\s*(\d)\)\)?\s*(>=|<=|>|<)\s*(-?[\d.]+)")
_MASS = re.compile(r"^m(\d\d|ll|l+|bb|jj|4l|z\d?|gammagamma|eff|ass)$")
# an expression that is one structured cut written out: 'lo < x < hi', 'abs(x) < v', 'x >= v'
_WINDOW = re.compile(r"^(-?[\d.]+)\s*<=?\s*(\w+)\s*<=?\s*(-?[\d.]+)$")
_SIMPLE = re.compile(r"^(?:abs\()?(\w+)\)?\s*(>=|<=|==|>|<)\s*(-?[\d.]+)$")


class Score(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: int
    extracted: int
    matched_reference: int
    matched_extracted: int
    recall: float
    precision: float
    missed: list[str]
    unmatched: list[str]


def _expr_key(cut: Cut, kind: str) -> Key | None:
    from pipeline.selection.expr import cut_expression

    try:
        text = cut_expression(cut)
    except Exception:  # noqa: BLE001 - a text-only cut has no machine form to compare
        return None
    return (kind, "expr:" + re.sub(r"\s+", "", text), "", ())


def cut_key(cut: Cut, collections: dict[str, str]) -> Key | None:
    """The comparison key of a cut (None for a cut stated only in words)."""
    kind = collections.get(cut.target or "", "event")
    if cut.expr:
        count = _COUNT.search(cut.expr)
        if count:
            quantity = "sfos" if "sfos_pairs" in cut.expr else "count"
            return (collections.get(count.group(1), "other"), quantity, DIRECTION[count.group(2)],
                    (float(count.group(3)),))
        ranked = _RANKED.search(cut.expr)
        if ranked:
            return (collections.get(ranked.group(2), "other"), f"{ranked.group(1)}#{ranked.group(3)}",
                    DIRECTION[ranked.group(4)], (float(ranked.group(5)),))
        return _simple_key(cut.expr.strip(), kind) or _expr_key(cut, kind)
    if cut.variable is None or cut.op is None or cut.value is None:
        return None
    values = tuple(cut.value) if isinstance(cut.value, list) else (cut.value,)
    return (kind, _quantity(cut.variable, kind), DIRECTION.get(cut.op, cut.op),
            tuple(float(v) for v in values))  # type: ignore[arg-type]


def _quantity(name: str, kind: str) -> str:
    return "mass" if (_MASS.match(name) and kind == "event") or name == "m" else name


def _simple_key(expr: str, kind: str) -> Key | None:
    window = _WINDOW.match(expr)
    if window:
        return (kind, _quantity(window.group(2), kind), "range", (float(window.group(1)), float(window.group(3))))
    simple = _SIMPLE.match(expr)
    if simple:
        return (kind, _quantity(simple.group(1), kind), DIRECTION[simple.group(2)], (float(simple.group(3)),))
    return None


def selection_keys(sel: SelectionList) -> list[tuple[Key, Cut]]:
    collections: dict[str, str] = {o.name: str(o.kind) for o in sel.objects}
    collections.update(COLLECTIONS)
    out = []
    for cut in sel.all_cuts():
        if cut.status == "rejected":
            continue
        key = cut_key(cut, collections)
        if key is not None:
            out.append((key, cut))
    return out


def matches(extracted: Key, reference: Key) -> bool:
    e_kind, e_q, e_dir, e_vals = extracted
    r_kind, r_q, r_dir, r_vals = reference
    kind_ok = e_kind == r_kind or (e_kind == "lepton" and r_kind in ("electron", "muon"))
    quantity_ok = e_q == r_q or (r_q == "mass" and e_q.startswith("m") and not e_q.startswith("expr:"))
    if not (kind_ok and quantity_ok and e_dir == r_dir and len(e_vals) == len(r_vals)):
        return False
    return all(abs(a - b) <= 1e-3 * max(1.0, abs(b)) for a, b in zip(e_vals, r_vals, strict=True))


def score(extracted: SelectionList, reference: SelectionList) -> Score:
    got = selection_keys(extracted)
    ref = selection_keys(reference)
    found = [(k, c) for k, c in ref if any(matches(e, k) for e, _ in got)]
    correct = [(k, c) for k, c in got if any(matches(k, r) for r, _ in ref)]
    return Score(reference=len(ref), extracted=len(got), matched_reference=len(found),
                 matched_extracted=len(correct), recall=_ratio(len(found), len(ref)),
                 precision=_ratio(len(correct), len(got)),
                 missed=sorted(c.id for k, c in ref if (k, c) not in found),
                 unmatched=sorted(c.id for k, c in got if (k, c) not in correct))


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 0.0


def load_reference(path: Path) -> SelectionList:
    """A reviewed list (JSON) or an ADL gold file (``.adl``)."""
    from pipeline.selection.store import load_selection

    if path.suffix.lower() == ".adl":
        from pipeline.selection.adl import from_adl

        sel, _skipped = from_adl(path.read_text(encoding="utf-8"), source=path.name)
        return sel
    if path.suffix.lower() != ".json":
        raise UsageError(f"--reference {path}: not a selection list (.json) or an ADL file (.adl)",
                         hint="give a reviewed selection.reviewed.json or an ADL gold file")
    return load_selection(path, check=False)
