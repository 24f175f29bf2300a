"""Counts of objects above a threshold the counted collection does not have (issue 17 (b)).

"At least one jet with pT > 100 GeV is required, and no more than four jets with pT > 30 GeV"
read as ``count(jets) >= 1`` and ``count(jets) <= 4`` counts the jets of the collection's own
definition, whatever threshold that has: the counts are right only when the collection is the jets
above the threshold the sentence counts at (then "at least one jet with pT > 30 GeV" is the count
of the collection), and a count at a higher threshold is the pT of the n-th jet. This is a check
of the list as a whole (the collection's definition may stand in another sentence), the same for
the rules and for a model.
"""

from __future__ import annotations

import re

from pipeline.extract import patterns as P
from pipeline.extract.count_thresholds import counts_above
from pipeline.extract.reading import read
from pipeline.extract.support import sentence_of
from pipeline.extract.support_claims import collection_kinds, same_value
from pipeline.parse.document import Document
from pipeline.selection.models import Cut, SelectionList, Status

_COUNT = re.compile(r"count\((?P<c>\w+)\)\s*(?P<op>>=|<=|==|>|<)\s*(?P<n>\d+(?:\.0+)?)")


def check_counted_thresholds(sel: SelectionList, doc: Document | None) -> SelectionList:
    """``sel`` with each verified count unverified when its quote counts the objects above a pT
    threshold that the counted collection's verified definition does not state."""
    kinds = collection_kinds(sel)
    defined = {
        obj.name: [
            float(c.value)
            for c in obj.cuts
            if c.status == Status.verified
            and c.variable == "pt"
            and str(c.op) in (">", ">=")
            and isinstance(c.value, (int, float))
        ]
        for obj in sel.objects
    }

    qualifiers = _count_qualifiers(sel, doc, kinds)

    def one(cut: Cut) -> Cut:
        if cut.id in qualifiers and cut.grounding is not None:
            return _unverified(cut, qualifiers[cut.id])
        count = _COUNT.fullmatch((cut.expr or "").strip())
        if cut.status != Status.verified or count is None or cut.grounding is None:
            return cut
        collection = count.group("c")
        quote, _ = sentence_of(cut, doc)
        if not quote:
            return cut
        n, op = float(count.group("n")), count.group("op")
        stated = [
            c.value
            for c in counts_above(read(P.prepare(quote))).get(kinds.get(collection, ""), [])
            if c.n == n and c.op == op
        ]
        if not stated or any(
            same_value(v, have, None) for v in stated for have in defined.get(collection, [])
        ):
            return cut
        return _unverified(
            cut,
            f"the quote counts the {collection} with pT above {stated[0]:g} GeV, but the "
            f"{collection} the cut counts have no such threshold in their definition: a count "
            "above a higher threshold is the pT of the n-th object, one above the definition's "
            "is the collection's",
        )

    return sel.with_cuts(one)


def _count_qualifiers(
    sel: SelectionList, doc: Document | None, kinds: dict[str, str]
) -> dict[str, str]:
    """Cut id -> reason, for a collection's pT threshold read from a count ('Events must have at
    least two jets with pT > 30 GeV') while another sentence defines the collection with a lower
    one ('Jets must have pT > 20 GeV'): the count's qualifier, not the collection's definition (the
    two together make every jet of the analysis one above 30 GeV), and the count that needs it."""
    reasons: dict[str, str] = {}
    for obj in sel.objects:
        lower = [
            (c, sentence_of(c, doc)[0])
            for c in obj.cuts
            if c.status == Status.verified
            and c.variable == "pt"
            and str(c.op) in (">", ">=")
            and isinstance(c.value, (int, float))
        ]
        for cut, quote in lower:
            below = [
                other
                for other, said in lower
                if said != quote and float(other.value) < float(cut.value)  # type: ignore[arg-type]
            ]
            if not below or not quote:
                continue
            counted = [
                c
                for c in counts_above(read(P.prepare(quote))).get(kinds.get(obj.name, ""), [])
                if same_value(float(cut.value), c.value, None)  # type: ignore[arg-type]
            ]
            if not counted:
                continue
            reason = (
                f"the quote counts the {obj.name} with pT above {float(cut.value):g} GeV (a "  # type: ignore[arg-type]
                f"count's qualifier), while the {obj.name} are defined with pT above "
                f"{float(below[0].value):g} GeV elsewhere: as the collection's threshold it "  # type: ignore[arg-type]
                "changes every use of the collection; the count is of the n-th object's pT"
            )
            reasons[cut.id] = reason
            for other in sel.all_cuts():
                match = _COUNT.fullmatch((other.expr or "").strip())
                if (
                    match is not None
                    and match.group("c") == obj.name
                    and sentence_of(other, doc)[0] == quote
                    and any(c.n == float(match.group("n")) for c in counted)
                ):
                    reasons[other.id] = reason
    return reasons


def _unverified(cut: Cut, reason: str) -> Cut:
    grounding = cut.grounding.model_copy(  # type: ignore[union-attr]
        update={"reason": f"quote found, numbers match, but not supported: {reason}"}
    )
    return cut.model_copy(update={"status": Status.unverified, "grounding": grounding})
