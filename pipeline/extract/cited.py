"""Definitions deferred to cited papers ("as described in Ref. [45]").

The reference is resolved through the Document's reference list, the cited paper is
fetched through the fetcher (mirror first, so this works offline when the mirror has
it), parsed, and the rule-based extractor takes from it the definitions the citing
paper lacks. Those cuts carry provenance ``source="cited"`` with the marker. A
reference that cannot be read becomes an :class:`Unresolved` item naming it; nothing
is invented in its place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.config import Settings
from pipeline.errors import ReproError
from pipeline.extract.build import Source, build_selection
from pipeline.extract.grounding import ground_selection
from pipeline.extract.rules import sentences
from pipeline.extract.sections import relevant_spans
from pipeline.extract.support import check_support
from pipeline.extract.tables import rule_findings
from pipeline.extract.text import squash
from pipeline.fetch import fetch_paper
from pipeline.parse import parse_document
from pipeline.parse.document import Document
from pipeline.selection.models import Cut, PhysicsObject, SelectionList, Unresolved

MAX_REFERENCES = 4  # a paper deferring to more than this is not worth N fetches per run
_MARKER = r"(\[\s*\d+(?:\s*[,\u2013\u2212-]\s*\d+)*\s*\])"
DEFER_RE = re.compile(
    rf"(?:described|defined|detailed|given|specified|documented|presented|found|established|summarized)\s+in\s+"
    rf"(?:Refs?\.?\s*)?{_MARKER}"
    rf"|following\s+(?:the\s+)?[\w\s-]{{0,60}}?\b(?:of|in)\s+Refs?\.?\s*{_MARKER}"
    rf"|(?:same|identical|similar)\s+(?:as|to)\s+(?:that|those)?\s*(?:used\s+)?(?:in|of)\s+Refs?\.?\s*{_MARKER}",
    re.IGNORECASE,
)
_TOPIC = re.compile(
    r"selection|definition|object|identification|isolation|criteria|strategy|working point",
    re.IGNORECASE,
)


_NOT_SELECTION = re.compile(
    r"detector|coordinate system|luminosity|simulat|uncertaint|resolution", re.IGNORECASE
)


@dataclass(frozen=True)
class Deferral:
    marker: str
    keys: list[str]
    quote: str


def marker_keys(marker: str) -> list[str]:
    """'[12]' -> ['12'], '[3, 7]' -> ['3', '7'], '[12-14]' -> ['12', '13', '14']."""
    keys: list[str] = []
    for part in re.split(r"\s*,\s*", marker.strip("[] ")):
        bounds = re.split(r"\s*[\u2013\u2212-]\s*", part)
        if (
            len(bounds) == 2
            and bounds[0].isdigit()
            and bounds[1].isdigit()
            and int(bounds[1]) - int(bounds[0]) < 10
        ):
            keys += [str(k) for k in range(int(bounds[0]), int(bounds[1]) + 1)]
        elif part.isdigit():
            keys.append(part)
    return keys


def find_deferrals(doc: Document) -> list[Deferral]:
    """Sentences of the selection passages that defer a definition to a cited paper."""
    out: list[Deferral] = []
    for start, end in relevant_spans(doc):
        for s_start, s_end in sentences(doc.text, start, end):
            raw = squash(doc.text[s_start:s_end])
            if not _TOPIC.search(raw) or _NOT_SELECTION.search(raw):
                continue
            for match in DEFER_RE.finditer(raw):
                marker = next(g for g in match.groups() if g)
                out.append(Deferral(marker=marker, keys=marker_keys(marker), quote=raw))
    return out


def resolve_cited(
    sel: SelectionList, doc: Document, *, settings: Settings, depth: int = 1
) -> SelectionList:
    """``sel`` completed with definitions from the papers ``doc`` defers to (``depth`` levels)."""
    if depth <= 0:
        return sel
    result = sel
    done: set[str] = set()
    for deferral in find_deferrals(doc):
        for key in deferral.keys:
            if key in done or len(done) >= MAX_REFERENCES:
                continue
            done.add(key)
            result = _resolve_one(result, doc, key, deferral, settings, depth)
    return result


def _resolve_one(
    sel: SelectionList, doc: Document, key: str, deferral: Deferral, settings: Settings, depth: int
) -> SelectionList:
    ref = doc.reference(key)
    marker = f"[{key}]"
    if ref is None:
        return _unresolved(
            sel, marker, deferral, "the reference is not in the document's reference list"
        )
    ident = f"arXiv:{ref.arxiv_id}" if ref.arxiv_id else ref.doi
    if not ident:
        return _unresolved(
            sel, marker, deferral, f"reference {marker} has no arXiv id or DOI: {ref.text[:120]}"
        )
    try:
        cited_doc = _load_cited(ident, settings)
    except ReproError as err:
        reason = f"could not fetch or parse {ident}: {err.message}"
        return _unresolved(
            sel, marker, deferral, reason + " (offline: put the paper in the mirror)"
        )
    source = Source(document=cited_doc.source.paper_id, kind="cited", reference=marker)
    cited_sel = build_selection(
        [(f, source) for f in rule_findings(cited_doc)], paper=sel.paper, producer="rules"
    )
    cited_sel = ground_selection(cited_sel, doc, cited={cited_doc.source.paper_id: cited_doc})
    cited_sel = check_support(cited_sel, cited_doc)
    cited_sel = resolve_cited(cited_sel, cited_doc, settings=settings, depth=depth - 1)
    return add_missing(sel, cited_sel, marker)


def _load_cited(ident: str, settings: Settings) -> Document:
    return parse_document(fetch_paper(ident, settings))


def _unresolved(sel: SelectionList, marker: str, deferral: Deferral, reason: str) -> SelectionList:
    item = Unresolved(
        id=f"ref_{marker.strip('[]')}",
        reference=f"Ref. {marker}",
        reason=reason,
        description=f'definitions deferred to Ref. {marker}: "{deferral.quote[:200]}"',
    )
    if any(u.id == item.id for u in sel.unresolved):
        return sel
    return sel.model_copy(update={"unresolved": [*sel.unresolved, item]})


def add_missing(sel: SelectionList, cited: SelectionList, marker: str) -> SelectionList:
    """Cuts of ``cited`` on (collection, quantity) slots that ``sel`` does not define."""
    have = {(c.target, c.variable or c.expr) for c in sel.all_cuts()}
    used = {c.id for c in sel.all_cuts()}
    objects = {o.name: o.model_copy(deep=True) for o in sel.objects}
    added = 0
    for obj in cited.objects:
        for cut in obj.cuts:
            if (cut.target, cut.variable or cut.expr) in have:
                continue
            new_id = _fresh(f"cited{marker.strip('[]')}_{cut.id}", used)
            target = objects.setdefault(obj.name, PhysicsObject(name=obj.name, kind=obj.kind))
            target.cuts.append(Cut.model_validate({**cut.model_dump(), "id": new_id}))
            added += 1
    notes = (
        [*sel.notes, f"{added} object cut(s) taken from cited paper {marker}"]
        if added
        else sel.notes
    )
    return sel.model_copy(
        update={
            "objects": list(objects.values()),
            "notes": notes,
            "unresolved": [*sel.unresolved, *cited.unresolved],
        }
    )


def _fresh(base: str, used: set[str]) -> str:
    name, k = base[:80], 2
    while name in used:
        name, k = f"{base[:76]}_{k}", k + 1
    used.add(name)
    return name
