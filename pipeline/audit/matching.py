"""The one scorer of extracted cuts: recall and precision against a reference.

A reference is a reviewed selection list (``.json``), an ADL gold file (``.adl``: its
``select`` lines, :func:`parse_adl`) or a hand-written gold list (``tests/gold/*.json``:
quote, page, object, variable, op, value; :func:`load_gold`). Cuts are compared on
(object kind, quantity, operator direction, values):

* object kind: electron, muon, lepton, jet, bjet, photon, tau, track, or event; an extracted
  ``lepton`` cut matches an electron or muon cut (the paper states it for both flavours);
* quantity: pt, eta, d0, z0, reliso, btag, count, sfos, met, ht, mt, masses ...; a leading-object
  cut is ``pt#0``; an expression none of this reads is keyed by its numbers (``expr``);
* direction: ``>``/``>=`` one lower bound, ``<``/``<=`` one upper bound (papers and ADL differ
  on the boundary of continuous quantities), ``==``, ``!=``, ranges, outside; values within 0.1 %.

Equivalences (each is physically the same cut): gold ``mass`` = any extracted event ``m*``; gold
``msoftdrop`` = the jet ``m``; gold ``dphi<pair>`` = extracted ``dphi``; gold ``LepT`` = ``lt``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from pipeline.errors import UsageError
from pipeline.extract import conditionals, vetoes
from pipeline.extract.support_claims import DIRECTION, MIN_DELTA_R, collection_kinds
from pipeline.selection.models import Cut, SelectionList, Status

Key = tuple[str, str, str, tuple[float, ...]]
# ADL function names -> quantity
QUANTITY = {
    "pt": "pt",
    "eta": "eta",
    "d0": "d0",
    "dxy": "d0",
    "dz": "z0",
    "z0": "z0",
    "btag": "btag",
    "btagged": "btag",  # the tag decision at a working point: the quantity is the b-tag
    "btagdeepb": "btag",
    "minipfreliso": "reliso",
    "minipfrelisoall": "reliso",
    "reliso": "reliso",
    "dr": "dr",
    "met": "met",
    "ht": "ht",
    "size": "count",
    "m": "mass",
    "msoftdrop": "mass",
}
SAME_QUANTITY = {"lept": "lt"}  # ADL LepT = pT(leptons[0]) + MET, the paper's L_T = pT^l + pTmiss
_COUNT = re.compile(r"count\((?:sfos_pairs\()?(\w+)\)?\)\s*(>=|<=|==|!=|>|<)\s*(-?[\d.]+)")
_COUNT_WINDOW = re.compile(r"^(-?[\d.]+)\s*<=\s*count\((\w+)\)\s*<=\s*(-?[\d.]+)$")
_RANKED = re.compile(r"nth\(sort_desc\((\w+)\((\w+)\)\),\s*(\d)\)\)?\s*(>=|<=|>|<)\s*(-?[\d.]+)")
_MASS = re.compile(r"^m(\d\d|ll|l+|bb|jj|4l|z\d?|gammagamma|eff|ass)$")
_WINDOW = re.compile(r"^(-?[\d.]+)\s*<=?\s*(\w+)\s*<=?\s*(-?[\d.]+)$")
_SIMPLE = re.compile(r"^(?:abs\()?(\w+)\)?\s*(>=|<=|==|!=|>|<)\s*(-?[\d.]+)$")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")
_CONVENTIONS = (0.0, 91.1876)  # the Z mass and 0 are the language's, not the paper's


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


def object_kind(name: str) -> str:
    low = name.lower()
    for needle, kind in (
        ("bjet", "bjet"),
        ("btag", "bjet"),
        ("tau", "tau"),
        ("pho", "photon"),
        ("ele", "electron"),
        ("mu", "muon"),
        ("lep", "lepton"),
        ("track", "track"),
        ("jet", "jet"),
    ):
        if needle in low:
            return kind
    return "other"


# canonical names the gold states as another quantity: the tag decision at a working point is
# the b-tag (ADL's BTag == 1); m_T^W is the transverse mass of the W candidate
_RENAMED = {"btagged": "btag", "wt": "mt"}


def _quantity(name: str, kind: str) -> str:
    if name in _RENAMED:
        return _RENAMED[name]
    return "mass" if (_MASS.match(name) and kind == "event") or name == "m" else name


def _numbers_key(expr: str, kind: str) -> Key:
    numbers = sorted(
        float(n)
        for n in _NUMBER.findall(re.sub(r"nth\(([^()]*(?:\([^()]*\))*[^()]*),\s*\d\)", r"\1", expr))
    )
    return (kind, "expr", "expr", tuple(n for n in numbers if n not in _CONVENTIONS))


def _present(condition: str, requirement: str) -> bool:
    """Whether ``condition`` is that the object ``requirement`` ranks is there: count(jets) >= 3
    (or > 2) for the third jet."""
    ranked = _RANKED.search(requirement)
    count = _COUNT.fullmatch(condition.strip())
    if ranked is None or count is None or count.group(1) != ranked.group(2):
        return False
    needed = int(ranked.group(3)) + 1
    return (count.group(2), float(count.group(3))) in ((">=", needed), (">", needed - 1))


def _expr_key(expr: str, kind: str, collections: dict[str, str]) -> Key:
    parts = conditionals.parts_of(expr)
    if parts is not None and _present(*parts):
        # "not (count(jets) >= 3) or (nth(...(jets)), 2) > 30)": the n-th jet's cut where there is
        # one, ADL's "Size(jets) > 2 ? pT(jets[2]) > 30 : ALL", keyed as the requirement (not
        # under any other condition: "not (met > 200) or (...)" is a cut of some events)
        return _expr_key(parts[1], kind, collections)
    if parts is not None:  # ("if N_jet >= 3 then Delta phi(j3, MHT) > 0.3": its numbers)
        return _numbers_key(expr, kind)
    counted = _COUNT_WINDOW.match(expr.strip())
    if counted:  # 2 <= count(jets) <= 4: ADL's Size(jets) [] 2 4
        return (
            collections.get(counted.group(2), "other"),
            "count",
            "range",
            (float(counted.group(1)), float(counted.group(3))),
        )
    count = _COUNT.search(expr)
    if count:
        quantity = "sfos" if "sfos_pairs" in expr else "count"
        return (
            collections.get(count.group(1), "other"),
            quantity,
            DIRECTION[count.group(2)],
            (float(count.group(3)),),
        )
    ranked = _RANKED.search(expr)
    if ranked:
        return (
            collections.get(ranked.group(2), "other"),
            f"{ranked.group(1)}#{ranked.group(3)}",
            DIRECTION[ranked.group(4)],
            (float(ranked.group(5)),),
        )
    near = MIN_DELTA_R.fullmatch(expr.strip())
    if near:  # overlap removal: the key ADL's `select dR(X, Y) > v` in object X gives
        return (kind, "dr", DIRECTION[near.group(2)], (float(near.group(3)),))
    if "ptcone30 / pt" in expr:
        numbers = _NUMBER.findall(expr.split("ptcone30 / pt")[-1])
        if numbers:
            return (kind, "reliso", "upper", (float(numbers[0]),))
    text = expr.strip()
    window = _WINDOW.match(text)
    if window:
        return (
            kind,
            _quantity(window.group(2), kind),
            "range",
            (float(window.group(1)), float(window.group(3))),
        )
    simple = _SIMPLE.match(text)
    if simple:
        return (
            kind,
            _quantity(simple.group(1), kind),
            DIRECTION[simple.group(2)],
            (float(simple.group(3)),),
        )
    return _numbers_key(text, kind)


def cut_key(cut: Cut, collections: dict[str, str]) -> Key | None:
    """The comparison key of a cut (None for a cut stated only in words)."""
    kind = collections.get(cut.target or "", "event")
    if cut.expr:
        if cut.kind == "select_best":
            return None  # chooses a candidate, cuts nothing
        return _expr_key(cut.expr, kind, collections)
    if cut.variable is None or cut.op is None or cut.value is None:
        return None
    values = tuple(cut.value) if isinstance(cut.value, list) else (cut.value,)
    return (
        kind,
        _quantity(cut.variable, kind),
        DIRECTION.get(str(cut.op), str(cut.op)),
        tuple(float(v) for v in values),
    )  # type: ignore[arg-type]


def cut_keys(cut: Cut, collections: dict[str, str]) -> list[Key]:
    """The keys of a cut: one, or for a counted veto (``not any((pt(taus) > 20))``) the count
    and each condition of the counted objects, as ADL writes such a veto (an object with pT > 20
    and a zero count of it)."""
    counted = vetoes.parse(cut.expr) if cut.expr else None
    if counted is None:
        key = cut_key(cut, collections)
        return [] if key is None else [key]
    kind = collections.get(counted.collection, "other")
    keys: list[Key] = [(kind, "count", DIRECTION[counted.op], (counted.n,))]
    for c in counted.conditions:
        keys.append((kind, _quantity(c.field, kind), DIRECTION[c.op], c.values))
    return keys


def selection_keys(sel: SelectionList) -> list[tuple[Key, Cut]]:
    """(key, cut) for every readable cut that a reviewer has not rejected."""
    collections = collection_kinds(sel)
    out = []
    for cut in sel.all_cuts():
        if cut.status == "rejected":
            continue
        out += [(key, cut) for key in cut_keys(cut, collections)]
    return out


def keys_of(sel: SelectionList) -> list[tuple[Key, Cut]]:
    """One (key, cut) per distinct key: a cut stated for the signal selection and again for a
    control region is one claim. The cut kept is a verified one when there is one."""
    out: dict[Key, Cut] = {}
    for key, cut in selection_keys(sel):
        if key not in out or (out[key].status != Status.verified and cut.status == Status.verified):
            out[key] = cut
    return list(out.items())


_PROPOSED = re.compile(r"^proposed(?: \((?P<target>\w+)\))?: (?P<form>.+?)(?:; quote: |$)")
_STRUCTURED = re.compile(
    r"^(?P<var>\w+) (?P<op>between|outside|in|>=|<=|==|!=|>|<) (?P<value>\[[^\]]*\]|-?[\d.]+)$"
)


def proposal_keys(sel: SelectionList) -> list[tuple[Key, Cut]]:
    """Keys of the cuts an extractor proposed that the language could not state (moved to
    ``unresolved`` by ``pipeline.extract.legal`` with reason 'not expressible ...'), to measure
    reading apart from the language's reach. Readings the support check judged not to be cuts are
    not counted."""
    collections = collection_kinds(sel)
    out = []
    for item in sel.unresolved:
        found = _PROPOSED.match(item.description)
        if found is None or not item.reason.startswith("not expressible"):
            continue
        target, form = found.group("target"), found.group("form")
        structured = _STRUCTURED.match(form)
        fields: dict[str, object] = {
            "id": item.id,
            "description": item.id,
            "target": target,
            "scope": "object" if target else "event",
        }
        if structured:
            value = json.loads(structured.group("value"))
            fields.update(variable=structured.group("var"), op=structured.group("op"), value=value)
        else:
            fields.update(expr=form)
        try:
            cut = Cut.model_validate(fields)
        except ValueError:
            continue
        key = cut_key(cut, collections)
        if key is not None:
            out.append((key, cut))
    return out


def matches(extracted: Key, reference: Key) -> bool:
    e_kind, e_q, e_dir, e_vals = extracted
    r_kind, r_q, r_dir, r_vals = reference
    kind_ok = e_kind == r_kind or (e_kind == "lepton" and r_kind in ("electron", "muon"))
    quantity_ok = e_q == r_q or (r_q == "mass" and e_q.startswith("m") and e_q != "expr")
    quantity_ok = (
        quantity_ok or (e_q == "dphi" and r_q.startswith("dphi")) or SAME_QUANTITY.get(r_q) == e_q
    )
    if not (kind_ok and quantity_ok and e_dir == r_dir and len(e_vals) == len(r_vals)):
        return False
    return all(abs(a - b) <= 1e-3 * max(1.0, abs(b)) for a, b in zip(e_vals, r_vals, strict=True))


def score(extracted: SelectionList, reference: SelectionList) -> Score:
    got = selection_keys(extracted)
    ref = selection_keys(reference)
    found = [(k, c) for k, c in ref if any(matches(e, k) for e, _ in got)]
    correct = [(k, c) for k, c in got if any(matches(k, r) for r, _ in ref)]
    return Score(
        reference=len(ref),
        extracted=len(got),
        matched_reference=len(found),
        matched_extracted=len(correct),
        recall=ratio(len(found), len(ref)),
        precision=ratio(len(correct), len(got)),
        missed=sorted(c.id for k, c in ref if (k, c) not in found),
        unmatched=sorted(c.id for k, c in got if (k, c) not in correct),
    )


def score_keys(extracted: list[tuple[Key, Cut]], gold: set[Key]) -> dict[str, float | int]:
    """Recall, precision, object-level recall and the precision of the cuts marked verified."""
    found = [g for g in gold if any(matches(e, g) for e, _ in extracted)]
    correct = [e for e, _ in extracted if any(matches(e, g) for g in gold)]
    verified = [e for e, c in extracted if c.status == Status.verified]
    verified_correct = [e for e in verified if e in correct]
    object_gold = [
        g for g in gold if g[0] != "event" and g[1] not in ("count", "sfos") and "#" not in g[1]
    ]
    object_found = [g for g in object_gold if g in found]
    event_gold = [g for g in gold if g not in object_gold]
    event_found = [g for g in event_gold if g in found]
    return {
        "gold": len(gold),
        "extracted": len(extracted),
        "recall": ratio(len(found), len(gold)),
        "precision": ratio(len(correct), len(extracted)),
        "matched_gold": len(found),
        "matched_extracted": len(correct),
        "object_gold": len(object_gold),
        "object_found": len(object_found),
        "object_recall": ratio(len(object_found), len(object_gold)),
        "event_gold": len(event_gold),
        "event_found": len(event_found),
        "event_recall": ratio(len(event_found), len(event_gold)),
        "verified": len(verified),
        "verified_correct": len(verified_correct),
        "verified_precision": ratio(len(verified_correct), len(verified)),
    }


def ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 0.0


_SELECT = re.compile(
    r"^(?P<abs>abs\()?\s*(?:(?P<fn>\w+)\((?P<arg>[^()\[\]]*?)(?:\[(?P<rank>\d)\])?\)|\{(?P<arg2>\w+)\[(?P<rank2>\d)\]\s*\}(?P<fn2>\w+)|(?P<var>\w+))"
    r"\s*\)?\s*(?P<op>>=|<=|==|!=|>|<|\[\]|\]\[)\s*(?P<v1>-?[\d.]+)(?:\s+(?P<v2>-?[\d.]+))?\s*(?:#.*)?$",
    re.IGNORECASE,
)


def parse_adl(text: str) -> set[Key]:
    """The gold cuts of an ADL file: the ``select`` lines of its objects and regions, and the
    cuts of its regions' ``bin`` lines (search bins; see :func:`_bin_keys`).

    A sum of sizes (``Size(electrons) + Size(muons) == 1``) is one count over the collections
    (``lepton`` when they are electrons and muons). A ternary ``cond ? x : ALL`` is the cut ``x``
    applied where ``cond`` holds; ``cond ? x : y`` is read when both branches are the same cut
    (``Size(muons) == 1 ? MTm < 100 : MTe < 100``), else skipped. Trivial ``Size(x) >= 0`` lines,
    and/or combinations and functions of functions are skipped."""
    gold: set[Key] = set()
    current_object: str | None = None
    for raw in text.splitlines():
        line = raw.split("#")[0].strip()
        head = line.split()
        if not head:
            continue
        if head[0] in ("object", "region", "define"):
            current_object = (
                head[1] if head[0] == "object" else None if head[0] == "region" else current_object
            )
            continue
        if head[0] == "bin" and current_object is None:
            gold |= _bin_keys(line[len("bin") :].strip())
            continue
        if head[0] != "select" or " and " in line.lower() or " or " in line.lower():
            continue
        key = _select_key(line[len("select") :].strip(), current_object)
        if key is not None:
            gold.add(key)
    return gold


_EDGES = re.compile(r"^(\w+)((?:\s+-?[\d.]+){2,})$")


def _bin_keys(expr: str) -> set[Key]:
    """The cuts of a region's ``bin`` line: ``bin MET [] 200 350 and Size(bjets) == 1`` is
    the two cuts of that bin; ``bin MCT 150 250 350`` is one range per pair of edges."""
    if " or " in expr.lower():
        return set()
    edges = _EDGES.match(expr)
    if edges:
        values = [float(v) for v in edges.group(2).split()]
        return {
            key
            for low, high in zip(values, values[1:], strict=False)
            if (key := _adl_key(f"{edges.group(1)} [] {low} {high}", None)) is not None
        }
    parts = re.split(r"\s+and\s+", expr, flags=re.IGNORECASE)
    return {key for part in parts if (key := _select_key(part.strip(), None)) is not None}


_SIZE_SUM = re.compile(
    r"^size\((\w+)\)(?:\s*\+\s*size\((\w+)\))+\s*(>=|<=|==|!=|>|<)\s*(\d+)$", re.IGNORECASE
)
_TERNARY = re.compile(r"^(?P<cond>[^?]+)\?(?P<then>[^:]+):(?P<else>.+)$")


def _select_key(expr: str, obj: str | None) -> Key | None:
    ternary = _TERNARY.match(expr)
    if ternary:
        then = _select_key(ternary.group("then").strip(), obj)
        other = ternary.group("else").strip()
        if other.upper() == "ALL":
            return then
        return then if then is not None and then == _select_key(other, obj) else None
    summed = _SIZE_SUM.match(expr)
    if summed:
        names = re.findall(r"size\((\w+)\)", expr, re.IGNORECASE)
        kinds = {object_kind(n) for n in names}
        kind = kinds.pop() if len(kinds) == 1 else "lepton" if kinds == {"electron", "muon"} else ""
        direction, value = DIRECTION[summed.group(3)], float(summed.group(4))
        if not kind or (direction == "lower" and value == 0.0 and summed.group(3) == ">="):
            return None
        return (kind, "count", direction, (value,))
    return _adl_key(expr, obj)


def _adl_key(expr: str, obj: str | None) -> Key | None:
    match = _SELECT.match(expr)
    if match is None:
        return None
    fn = (match.group("fn") or match.group("fn2") or match.group("var") or "").lower()
    arg = match.group("arg") or match.group("arg2") or ""
    rank = match.group("rank") or match.group("rank2")
    values = tuple(float(v) for v in (match.group("v1"), match.group("v2")) if v is not None)
    direction = DIRECTION[match.group("op")]
    quantity = QUANTITY.get(fn, fn)
    if re.fullmatch(r"mt[a-z]*", quantity) and quantity != "mt2":
        quantity = "mt"  # ADL names the transverse mass per object: MTl, MTpho, MTe
    if quantity == "count":
        if values == (0.0,) and direction == "lower":
            return None  # Size(x) >= 0 only declares the collection
        return (object_kind(arg), "count", direction, values)
    if obj is not None:
        return (object_kind(obj), quantity, direction, values)
    if rank is not None:
        return (object_kind(arg), f"{quantity}#{rank}", direction, values)
    if arg and quantity in ("pt", "eta"):
        return (object_kind(arg), quantity, direction, values)
    return ("event", quantity, direction, values)


class GoldCut(BaseModel):
    """One cut of a hand-written gold list, as the paper states it."""

    model_config = ConfigDict(extra="forbid")

    quote: str
    page: int | None = None
    object: str
    variable: str
    op: str
    value: float | list[float]
    rank: int | None = None
    region: str | None = None
    note: str = ""

    def key(self) -> Key:
        values = tuple(
            float(v) for v in (self.value if isinstance(self.value, list) else [self.value])
        )
        if self.variable == "expr":
            return (self.object, "expr", "expr", tuple(sorted(values)))
        quantity = (
            f"{self.variable}#{self.rank}"
            if self.rank is not None
            else _quantity(self.variable, self.object)
        )
        return (self.object, quantity, DIRECTION[self.op], values)


class GoldList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paper: str
    written_by: str = ""
    notes: list[str] = []
    cuts: list[GoldCut]


def load_gold(path: Path) -> GoldList:
    """A hand-written gold list (JSON)."""
    return GoldList.model_validate(json.loads(path.read_text(encoding="utf-8")))


def load_reference(path: Path) -> SelectionList:
    """A reviewed list (JSON) or an ADL gold file (``.adl``)."""
    from pipeline.selection.store import load_selection

    if path.suffix.lower() == ".adl":
        from pipeline.selection.adl import from_adl

        sel, _skipped = from_adl(path.read_text(encoding="utf-8"), source=path.name)
        return sel
    if path.suffix.lower() != ".json":
        raise UsageError(
            f"--reference {path}: not a selection list (.json) or an ADL file (.adl)",
            hint="give a reviewed selection.reviewed.json or an ADL gold file",
        )
    return load_selection(path, check=False)
