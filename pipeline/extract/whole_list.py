"""Whole-list extraction: the model writes the selection list itself, the validator checks it.

The flat path (:mod:`llm_extract`) asks the model for :class:`CutFinding` rows and builds the
list in code. Here the model is asked, in one request, for the whole list - objects with their
cuts, derived quantities with expressions, the cutflow, regions, observables - in
:class:`WholeListAnswer`, a small model of the :class:`SelectionList` with the same nesting and
field names (so the validator's JSON paths point into the model's own answer). The answer goes
through the structured-output machinery of the backend (``json_schema`` where the server
supports it), then through the same gates as a hand-written list (:func:`list_problems`: a few
checks of names defined twice, the JSON Schema, the pydantic models, ``validate_selection``).
Its errors, with their JSON paths and hints, are fed back in at most ``rounds`` follow-up
requests (each a call of its own in ``llm_calls.jsonl``, so replay answers it). What still fails
then is demoted (:func:`demote`): a cut keeps its words as a text-only cut (the reason in its
notes), or, when its object or region is gone, becomes an ``unresolved`` item; a derived
quantity, object or region the validator refuses goes to ``unresolved`` with the reason. The
list returned always validates; grounding and the support check run on it as on any list
(:func:`pipeline.extract.api.extract_selection`).

The mode is chosen per call (``whole_list=True``) or for a block of code with
:func:`whole_list_mode` (what ``reproduce extract --whole-list`` does).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.config import Settings
from pipeline.errors import ExtractionError
from pipeline.extract.prompt import build_whole_list_prompt
from pipeline.extract.sections import estimate_tokens
from pipeline.llm import LLMBackend
from pipeline.parse.document import Document
from pipeline.selection.models import (
    CUTFLOW_REGION,
    PaperRef,
    PhysicsObject,
    SelectionList,
    Unresolved,
)
from pipeline.selection.store import schema_problems
from pipeline.selection.validate import errors_only, validate_selection

FIX_ROUNDS = 2  # follow-up requests carrying the validator's messages
MAX_LISTED = 15  # problems named in one follow-up (the first ones; the rest are counted)
_MAX_DEMOTE_ROUNDS = 50

WHOLE_LIST: ContextVar[bool] = ContextVar("whole_list", default=False)

ObjectKind = PhysicsObject.model_fields["kind"].annotation


@contextmanager
def whole_list_mode(enabled: bool = True) -> Iterator[None]:
    """Within the block, the LLM extractor asks for the whole list (``--whole-list``)."""
    token = WHOLE_LIST.set(enabled)
    try:
        yield
    finally:
        WHOLE_LIST.reset(token)


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnswerCut(_Answer):
    id: str = Field("", description="short name: letters, digits, _ (e.g. mu_pt)")
    expr: str | None = Field(None, description="the cut in the expression language")
    unit: str | None = Field(None, description="unit of the numbers: GeV, mm, rad or null")
    target: str | None = Field(
        None, description="in selection/regions: the candidate collection the cut applies to"
    )
    kind: Literal["require", "select_best"] = "require"
    text: str | None = Field(None, description="only words, when no expression can state it")
    quote: str = Field("", description="the sentence stating it, verbatim")


class AnswerObject(_Answer):
    name: str
    kind: ObjectKind  # type: ignore[valid-type]
    sources: list[str] = Field(default_factory=list)
    cuts: list[AnswerCut] = Field(default_factory=list)


class AnswerDerived(_Answer):
    name: str
    expr: str
    target: str | None = Field(None, description="the candidate collection, for per-candidate")
    unit: str | None = None
    quote: str = ""


class AnswerRegion(_Answer):
    name: str
    base: str | None = None
    cuts: list[AnswerCut] = Field(default_factory=list)


class WholeListAnswer(_Answer):
    """What the model returns: the selection list without provenance, status or bookkeeping."""

    objects: list[AnswerObject] = Field(default_factory=list)
    derived: list[AnswerDerived] = Field(default_factory=list)
    selection: list[AnswerCut] = Field(default_factory=list)
    regions: list[AnswerRegion] = Field(default_factory=list)
    observables: list[str] = Field(default_factory=list)
    notes: str = ""


@dataclass(frozen=True)
class Problem:
    path: str  # JSON path in the selection list, the same in the model's answer
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


# --- the answer as a selection list -----------------------------------------------------------


def _ident(text: str, fallback: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip()).strip("_")[:80]
    if not name or not re.match(r"[A-Za-z_]", name):
        name = f"{fallback}_{name}".strip("_")[:80] if name else fallback
    return name


def _provenance(quote: str, document: str) -> dict[str, Any]:
    return {"source": "paper", "document": document, "quote": quote}


def _cut(
    cut: AnswerCut, where: str, used: set[str], document: str, *, target: str | None
) -> dict[str, Any]:
    base = _ident(cut.id, where)
    cut_id, k = base, 2
    while cut_id in used:  # ids are ours to give: unique, whatever the model wrote
        cut_id, k = f"{base}_{k}", k + 1
    used.add(cut_id)
    out: dict[str, Any] = {
        "id": cut_id,
        "description": (cut.quote or cut.expr or cut.text or cut_id)[:300],
        "scope": "object" if where.startswith("object") else ("candidate" if target else "event"),
        "kind": cut.kind,
        "provenance": _provenance(cut.quote, document),
    }
    if target:
        out["target"] = target
    if cut.expr is not None and cut.expr.strip():
        out["expr"] = cut.expr
        if cut.unit:
            out["unit"] = cut.unit
    else:
        out["text"] = cut.text or cut.quote or cut_id
        out["kind"] = "require"
    return out


def to_selection_data(answer: WholeListAnswer, document: str) -> dict[str, Any]:
    """The answer in the JSON shape of a :class:`SelectionList`, item for item in its order."""
    used: set[str] = set()
    objects = [
        {
            "name": obj.name,
            "kind": obj.kind,
            "sources": list(obj.sources),
            "cuts": [
                _cut(c, f"object_{obj.name}", used, document, target=obj.name) for c in obj.cuts
            ],
        }
        for obj in answer.objects
    ]
    derived = []
    for d in answer.derived:
        item: dict[str, Any] = {
            "name": d.name,
            "expr": d.expr,
            "scope": "candidate" if d.target else "event",
            "description": d.quote[:300],
            "provenance": _provenance(d.quote, document),
        }
        if d.target:
            item["target"] = d.target
        if d.unit:
            item["unit"] = d.unit
        derived.append(item)
    regions = [
        {
            "name": r.name,
            **({"base": r.base} if r.base else {}),
            "cuts": [_cut(c, f"region_{r.name}", used, document, target=c.target) for c in r.cuts],
        }
        for r in answer.regions
    ]
    return {
        "paper": {"id": document},
        "objects": objects,
        "derived": derived,
        "selection": [_cut(c, "event", used, document, target=c.target) for c in answer.selection],
        "regions": regions,
        "observables": [{"name": n} for n in answer.observables],
    }


# --- the gates --------------------------------------------------------------------------------


def _repeats(names: Iterable[str], seen: set[str]) -> list[int]:
    """Indexes of the names already in ``seen`` (which collects every name it is shown)."""
    out = []
    for index, name in enumerate(names):
        if name in seen:
            out.append(index)
        seen.add(name)
    return out


def _twice(data: dict[str, Any]) -> list[Problem]:
    """Names defined twice and the reserved region name, at the path of the offending item (the
    models would name only the list as a whole)."""
    problems = []
    defined: set[str] = set()  # objects and derived quantities share one namespace
    for key in ("objects", "derived"):
        problems += [
            Problem(
                f"$.{key}[{index}].name",
                f"the name {data[key][index]['name']!r} is defined twice; give it another name",
            )
            for index in _repeats((item["name"] for item in data[key]), defined)
        ]
    regions = data["regions"]
    problems += [
        Problem(
            f"$.regions[{index}].name",
            f"the region name {regions[index]['name']!r} is reserved or used twice",
        )
        for index in _repeats((region["name"] for region in regions), {CUTFLOW_REGION})
    ]
    observables = (obs["name"] for obs in data["observables"])
    problems += [
        Problem(f"$.observables[{index}]", "observable declared twice")
        for index in _repeats(observables, set())
    ]
    return problems


def _model_path(loc: tuple[int | str, ...]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def list_problems(data: dict[str, Any]) -> tuple[SelectionList | None, list[Problem]]:
    """The list ``data`` states (None when it does not parse) and its errors: the checks of a
    hand-written list (JSON Schema, models, meaning, as ``store.parse_selection``) with names
    defined twice reported where they are."""
    problems = _twice(data)
    if problems:
        return None, problems
    found = schema_problems(data)
    if found:
        return None, [Problem(path, message) for path, message in found]
    try:
        sel = SelectionList.model_validate(data)
    except ValidationError as err:
        return None, [Problem(_model_path(e["loc"]), e["msg"]) for e in err.errors()]
    issues = errors_only(validate_selection(sel))
    return sel, [
        Problem(i.path, i.message + (f" (hint: {i.hint})" if i.hint else "")) for i in issues
    ]


def feedback(problems: list[Problem]) -> str:
    """The follow-up request: every error with its JSON path and hint."""
    listed = "\n".join(f"- {p}" for p in problems[:MAX_LISTED])
    more = f"\n- ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    return (
        "Your list does not validate. Each line names a JSON path in your answer and the error "
        f"there:\n{listed}{more}\n"
        "Return the whole list again with these fixed. Keep every quote verbatim. A cut the "
        'language cannot state: set "expr" to null and put its words in "text".'
    )


# --- demotion ---------------------------------------------------------------------------------

_PATHS = [
    ("cut", re.compile(r"^\$\.objects\[(\d+)\]\.cuts\[(\d+)\]")),
    ("object", re.compile(r"^\$\.objects\[(\d+)\]")),
    ("derived", re.compile(r"^\$\.derived\[(\d+)\]")),
    ("cut", re.compile(r"^\$\.(selection)\[(\d+)\]")),
    ("cut", re.compile(r"^\$\.regions\[(\d+)\]\.cuts\[(\d+)\]")),
    ("region", re.compile(r"^\$\.regions\[(\d+)\]")),
    ("observable", re.compile(r"^\$\.observables\[(\d+)\]")),
]


def _item_of(path: str) -> tuple[str, tuple[Any, ...]] | None:
    for kind, pattern in _PATHS:
        match = pattern.match(path)
        if match is None:
            continue
        if kind != "cut":
            return kind, (int(match.group(1)),)
        if match.group(1) == "selection":
            return kind, ("selection", int(match.group(2)))
        container = "objects" if path.startswith("$.objects") else "regions"
        return kind, (container, int(match.group(1)), int(match.group(2)))
    return None


def _unresolved_cut(cut: dict[str, Any], reason: str) -> Unresolved:
    quote = cut.get("provenance", {}).get("quote", "")
    proposed = cut.get("expr") or cut.get("text") or ""
    where = f" ({cut['target']})" if cut.get("target") else ""
    description = f"proposed{where}: {proposed}" + (f'; quote: "{quote}"' if quote else "")
    return Unresolved(id=_ident(cut["id"], "cut"), description=description[:2000], reason=reason)


def _unresolved_named(item: dict[str, Any], what: str, reason: str) -> Unresolved:
    quote = item.get("provenance", {}).get("quote", "")
    proposed = f"{what} {item['name']}" + (f" = {item['expr']}" if item.get("expr") else "")
    description = proposed + (f'; quote: "{quote}"' if quote else "")
    return Unresolved(
        id=_ident(str(item["name"]), what), description=description[:2000], reason=reason
    )


def _text_only(cut: dict[str, Any], reason: str) -> dict[str, Any]:
    proposed = cut.get("expr")
    quote = cut.get("provenance", {}).get("quote", "")
    out = {k: v for k, v in cut.items() if k not in ("expr", "unit", "kind")}
    out["text"] = quote or cut.get("text") or proposed or cut["id"]
    note = (f"the model proposed {proposed!r}; " if proposed else "") + reason
    out["notes"] = note[:2000]
    return out


def demote(
    data: dict[str, Any], problems: list[Problem], why: str
) -> tuple[SelectionList, list[Unresolved], list[str]]:
    """A valid list from ``data``: every item an error names is demoted, until none is left.

    A cut with a machine form becomes text-only (its words; the proposal and the reason in its
    notes); a text-only cut still refused, and every cut of a refused object or region, goes to
    ``unresolved``; so do refused derived quantities, objects and regions; a refused observable is
    dropped (named in the notes). An error no item can be found for empties the list (nothing
    lost: every cut goes to ``unresolved``).
    """
    data = copy.deepcopy(data)
    unresolved: list[Unresolved] = []
    notes: list[str] = []
    sel: SelectionList | None = None
    for _ in range(_MAX_DEMOTE_ROUNDS):
        if not problems:
            break
        first: dict[tuple[str, tuple[Any, ...]], str] = {}
        for problem in problems:
            item = _item_of(problem.path)
            key = item if item is not None else ("all", ())
            first.setdefault(key, f"{why}: {problem}")
        if ("all", ()) in first:
            reason = first[("all", ())]
            for obj in data["objects"]:
                unresolved += [_unresolved_cut(c, reason) for c in obj["cuts"]]
            unresolved += [_unresolved_cut(c, reason) for c in data["selection"]]
            for region in data["regions"]:
                unresolved += [_unresolved_cut(c, reason) for c in region["cuts"]]
            unresolved += [_unresolved_named(d, "derived", reason) for d in data["derived"]]
            for name in ("objects", "derived", "selection", "regions", "observables"):
                data[name] = []
            notes.append(f"whole-list answer set aside: {reason}")
        else:
            _apply(data, first, unresolved, notes)
        sel, problems = list_problems(data)
    if sel is None or problems:  # pragma: no cover - each round removes or rewrites an item
        raise ExtractionError("the whole-list answer could not be made valid")
    return sel, unresolved, notes


def _apply(
    data: dict[str, Any],
    bad: dict[tuple[str, tuple[Any, ...]], str],
    unresolved: list[Unresolved],
    notes: list[str],
) -> None:
    """Demote the items of ``bad`` (kind, index path) -> reason, highest indices first."""
    gone_objects = {i[0]: r for (k, i), r in bad.items() if k == "object"}
    gone_regions = {i[0]: r for (k, i), r in bad.items() if k == "region"}
    cuts_bad = sorted(((i, r) for (k, i), r in bad.items() if k == "cut"), reverse=True)
    for index, reason in cuts_bad:
        if index[0] == "selection":
            cuts = data["selection"]
        elif index[0] == "objects":
            if index[1] in gone_objects:
                continue
            cuts = data["objects"][index[1]]["cuts"]
        else:
            if index[1] in gone_regions:
                continue
            cuts = data["regions"][index[1]]["cuts"]
        position = index[-1]
        if position >= len(cuts):
            continue
        cut = cuts[position]
        if "text" in cut and "expr" not in cut:
            unresolved.append(_unresolved_cut(cut, reason))
            del cuts[position]
        else:
            cuts[position] = _text_only(cut, reason)
    for index in sorted(gone_objects, reverse=True):
        obj = data["objects"][index]
        reason = gone_objects[index]
        unresolved.append(_unresolved_named(obj, "object", reason))
        unresolved += [_unresolved_cut(c, reason) for c in obj["cuts"]]
        del data["objects"][index]
    for index in sorted(gone_regions, reverse=True):
        region = data["regions"][index]
        reason = gone_regions[index]
        unresolved.append(_unresolved_named(region, "region", reason))
        unresolved += [_unresolved_cut(c, reason) for c in region["cuts"]]
        del data["regions"][index]
    for kind, key in (("derived", "derived"), ("observable", "observables")):
        for (position,), reason in sorted(
            ((i, r) for (k, i), r in bad.items() if k == kind), reverse=True
        ):
            item = data[key][position]
            if kind == "derived":
                unresolved.append(_unresolved_named(item, "derived", reason))
            else:
                notes.append(f"observable {item['name']!r} dropped: {reason}")
            del data[key][position]


# --- the extraction ---------------------------------------------------------------------------


def _assistant(answer: WholeListAnswer) -> dict[str, str]:
    return {"role": "assistant", "content": answer.model_dump_json(exclude_defaults=True)}


def extract_whole_list(
    doc: Document,
    *,
    settings: Settings,
    backend: LLMBackend,
    sample: int = 0,
    paper_ref: PaperRef,
    rounds: int = FIX_ROUNDS,
) -> SelectionList:
    """One sample of the whole-list extraction (ungrounded; the caller grounds and checks it).

    The first request failing raises its :class:`ExtractionError`; a failing follow-up ends the
    follow-ups and the last answer is demoted as far as needed.
    """
    prompt = build_whole_list_prompt(doc)
    producer = f"llm:{backend.model}"
    seed = None if settings.llm_seed is None else settings.llm_seed + sample
    if prompt is None:
        return SelectionList(
            paper=paper_ref,
            producer=producer,
            notes=["no selection-relevant passages were found, so no model call was made"],
        )
    purpose = f"extract:whole:sample{sample}"
    answer = backend.structured(prompt.messages, WholeListAnswer, purpose=purpose, seed=seed)
    document = doc.source.paper_id
    data = to_selection_data(answer, document)
    sel, problems = list_problems(data)
    notes: list[str] = []
    tokens = prompt.tokens
    requests = 1
    for round_ in range(1, rounds + 1):
        if not problems:
            break
        notes.append(
            f"whole list, answer {round_}: {len(problems)} validation error(s) fed back: "
            + "; ".join(str(p) for p in problems[:3])[:600]
        )
        followup = [*prompt.messages, _assistant(answer), {"role": "user", "content": ""}]
        followup[-1]["content"] = feedback(problems)
        tokens += sum(estimate_tokens(m["content"]) for m in followup)
        requests += 1
        try:
            answer = backend.structured(
                followup, WholeListAnswer, purpose=f"{purpose}:fix{round_}", seed=seed
            )
        except ExtractionError as err:
            notes.append(f"whole list: follow-up {round_} failed ({err.message[:300]})")
            break
        data = to_selection_data(answer, document)
        sel, problems = list_problems(data)
    unresolved: list[Unresolved] = []
    if problems:
        why = f"still invalid after {requests - 1} follow-up(s)"
        sel, unresolved, demoted = demote(data, problems, why)
        notes.append(
            f"whole list: {len(problems)} error(s) left after {requests - 1} follow-up(s); "
            f"demoted: {len(unresolved)} item(s) to unresolved, "
            f"{sum(1 for c in sel.all_cuts() if c.notes and why in c.notes)} cut(s) to text only"
        )
        notes += demoted
    assert sel is not None
    if answer.notes:
        notes.append(f"model note: {answer.notes}")
    notes.append(
        f"llm whole list: model {backend.model}, temperature {settings.llm_temperature}, seed "
        f"{seed}, {requests} request(s) ({requests - 1} follow-up(s)), {tokens} tokens sent"
    )
    return sel.model_copy(
        update={
            "paper": paper_ref,
            "producer": producer,
            "unresolved": [*sel.unresolved, *unresolved],
            "notes": notes,
        }
    )
