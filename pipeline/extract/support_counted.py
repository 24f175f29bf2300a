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
from pipeline.extract.support import sentence_of, unsupported
from pipeline.extract.support_claims import collection_kinds, same_value
from pipeline.parse.document import Document
from pipeline.selection.models import Cut, PhysicsObject, SelectionList, Status

_COUNT = re.compile(r"count\((?P<c>\w+)\)\s*(?P<op>>=|<=|==|>|<)\s*(?P<n>\d+(?:\.0+)?)")


def check_counted_thresholds(sel: SelectionList, doc: Document | None) -> SelectionList:
    """``sel`` with each verified count unverified when its quote counts the objects above a pT
    threshold that the counted collection's verified definition does not state."""
    kinds = collection_kinds(sel)
    lower = {obj.name: _lower_pt(obj, doc) for obj in sel.objects}
    counts = {
        cut.id: (match, sentence_of(cut, doc)[0])
        for cut in sel.all_cuts()
        if (match := _COUNT.fullmatch((cut.expr or "").strip())) is not None
    }
    qualifiers = _count_qualifiers(sel, lower, counts, kinds)

    def one(cut: Cut) -> Cut:
        if cut.id in qualifiers and cut.grounding is not None:
            return unsupported(cut, qualifiers[cut.id])
        if cut.status != Status.verified or cut.id not in counts or cut.grounding is None:
            return cut
        count, quote = counts[cut.id]
        if not quote:
            return cut
        collection = count.group("c")
        n, op = float(count.group("n")), count.group("op")
        stated = [
            c.value
            for c in counts_above(read(P.prepare(quote))).get(kinds.get(collection, ""), [])
            if c.n == n and c.op == op
        ]
        defined = [float(c.value) for c, _ in lower.get(collection, [])]  # type: ignore[arg-type]
        if not stated or any(same_value(v, have, None) for v in stated for have in defined):
            return cut
        return unsupported(
            cut,
            f"the quote counts the {collection} with pT above {stated[0]:g} GeV, but the "
            f"{collection} the cut counts have no such threshold in their definition: a count "
            "above a higher threshold is the pT of the n-th object, one above the definition's "
            "is the collection's",
        )

    return sel.with_cuts(one)


def _lower_pt(obj: PhysicsObject, doc: Document | None) -> list[tuple[Cut, str]]:
    """The verified lower pT bounds of a collection's definition, each with its sentence."""
    return [
        (c, sentence_of(c, doc)[0])
        for c in obj.cuts
        if c.status == Status.verified
        and c.variable == "pt"
        and str(c.op) in (">", ">=")
        and isinstance(c.value, (int, float))
    ]


def _count_qualifiers(
    sel: SelectionList,
    lower: dict[str, list[tuple[Cut, str]]],
    counts: dict[str, tuple[re.Match[str], str]],
    kinds: dict[str, str],
) -> dict[str, str]:
    """Cut id -> reason, for a collection's pT threshold read from a count ('Events must have at
    least two jets with pT > 30 GeV') while another sentence defines the collection with a lower
    one ('Jets must have pT > 20 GeV'): the count's qualifier, not the collection's definition (the
    two together make every jet of the analysis one above 30 GeV), and the count that needs it."""
    reasons: dict[str, str] = {}
    for obj in sel.objects:
        for cut, quote in lower[obj.name]:
            below = [
                other
                for other, said in lower[obj.name]
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
            for other_id, (match, said) in counts.items():
                if (
                    match.group("c") == obj.name
                    and said == quote
                    and any(c.n == float(match.group("n")) for c in counted)
                ):
                    reasons[other_id] = reason
    return reasons
