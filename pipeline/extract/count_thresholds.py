"""Counts of one collection above different thresholds (issue 17 (a)).

"at least two jets with pT > 50 GeV and at least four jets with pT > 25 GeV": four jets above
25 GeV, two of them above 50 GeV. Read flat, the sentence gives two cuts on every jet (pT > 50
and pT > 25 GeV) and counts that then need four jets above 50 GeV. The lowest threshold is the
collection's (its count stays a count); each higher one is the pT of the n-th jet. Read once here
for the rules and the support check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import patterns as P
from pipeline.extract import ranks
from pipeline.extract.comparisons import Comparison
from pipeline.extract.findings import canonical
from pipeline.extract.reading import Reading

_WITHIN = 40  # characters between the counted objects and their threshold ("jets with pT >")


@dataclass(frozen=True)
class CountedAbove:
    """'at least two jets with pT > 50 GeV': two jets (op, n) above 50 GeV (value)."""

    kind: str
    op: str
    n: int
    value: float


def counted_above(r: Reading) -> dict[str, list[CountedAbove]]:
    """Per kind, the counts of it above a pT threshold, for the kinds the sentence counts above
    two or more different thresholds (none for any other sentence)."""
    if _SEVERAL_GROUPS.search(r.text):
        return {}  # (the counts of two categories or regions: "..., while events in the ...")
    return {
        kind: counted
        for kind, counted in counts_above(r).items()
        if len({c.value for c in counted}) > 1 and all(c.op == ">=" for c in counted)
    }


def counts_above(r: Reading) -> dict[str, list[CountedAbove]]:
    """Per kind, every count of it above a pT threshold the sentence states ('at least two jets
    with pT > 50 GeV')."""
    text = r.text
    counts = list(P.COUNT_RE.finditer(text))
    found: dict[str, list[CountedAbove]] = {}
    for index, count in enumerate(counts):
        end = counts[index + 1].start() if index + 1 < len(counts) else len(text)
        comp = next(
            (
                c
                for c in r.comparisons
                if c.quantity == "pt"
                and c.rank is None
                and c.op in (">", ">=")
                and not isinstance(c.value, list)
                # (not "pT > 40 (30) GeV for the leading (subleading) one": values per rank)
                and not (c.alt is not None and _ranked_after(c))
                and count.end() <= c.position < min(end, count.end() + _WITHIN)
                # (not "at least four jets, two of which must have pT > 60 GeV": some of them;
                # not "at least two electrons and the leading muon must have pT > 40 GeV")
                and not _SOME_OF_THEM.search(text, count.end(), c.position)
                and not _OTHER_SUBJECT.search(text, count.end(), c.position)
                # (not "two same-charge leptons, two jets with pT above 45 GeV": the jets')
                and not P.OBJECT_RE.search(text, count.end(), c.position)
            ),
            None,
        )
        if comp is None:
            continue
        kind = P.object_of(count)
        found.setdefault(kind, []).append(
            CountedAbove(
                kind,
                P.COUNT_OPS[count.group("q").lower()],
                P.count_value(count.group("n").lower()),
                float(canonical(comp.value, comp.unit)[0]),  # type: ignore[arg-type]
            )
        )
    return found


def _ranked_after(comp: Comparison) -> bool:
    """Whether a ranked phrase after the comparison's values binds them ("... for the leading
    (subleading) candidate")."""
    after = ranks.AFTER.match(comp.after)
    return after is not None and ranks.PHRASE.match(comp.after, after.end()) is not None


_SOME_OF_THEM = re.compile(r"\b(?:of\s+(?:which|them|these|those)|among\s+them)\b", re.I)
# a new subject between the counted objects and the threshold: another clause ("..., and the
# third jet must have"), a ranked object ("and the leading muon") or another collection
_OTHER_SUBJECT = re.compile(
    # (not "at least four jets, each with pT > 25 GeV": the counted jets themselves)
    rf"[;,]\s*(?:and|while|whereas|with)?\s*(?:the|its|their)\b|\b(?:{P.RANK_WORDS})\b"
    r"|\b(?:and|while|whereas)\s+(?:the|an?|one|two)\s+\w+\s+(?:must|is|are|has|have|should)\b",
    re.IGNORECASE,
)
_SEVERAL_GROUPS = re.compile(
    r"\b(?:while|whereas|respectively|categor(?:y|ies)|regions?|channels?|selections)\b",
    re.IGNORECASE,
)


def the_collections(counted: list[CountedAbove]) -> CountedAbove:
    """The count whose threshold is the collection's: the lowest."""
    return min(counted, key=lambda c: c.value)
