"""Search bins listed in a sentence, as regions.

Papers without a table of bins list them in the text, after the quantity and a word for bins::

    three MET bins: 200 < MET <= 350 GeV, 350 < MET <= 500 GeV, MET > 500 GeV
    Three high-MET ranges (350-450, 450-600, and >= 600 GeV) ...
    The four S_T regions 600-800, 800-1000, 1000-1300, and > 1300 GeV define exclusive bins

Each listed range becomes a region (``bins_met_2``) with one cut on that quantity. A list is
read only when it has at least two items and its edges rise from one item to the next (a list
of thresholds of different things is not a binning); the unit written after the list applies to
every item. The quantity must be an event quantity the rules know (MET, H_T, m_T, M_CT, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.extract import patterns as P
from pipeline.extract.findings import CutFinding
from pipeline.extract.rules import sentences
from pipeline.extract.sections import relevant_spans
from pipeline.parse.document import Document

# event quantities a list of bins may be of (patterns.QUANTITIES names)
_BINNED = ("met", "mht", "ht", "mt2", "mct", "mt", "st", "lt", "mr", "rsq", "mass")
_NUM = r"\d+(?:\.\d+)?"
_BIN_WORD = re.compile(
    r"\b(?:bins?|ranges?|regions?|intervals?|selections?)\b(?P<of>\s+(?:of|in)\b)?"
    r"(?:\s+(?:are|is)\b)?\s*[:(]?\s*",
    re.IGNORECASE,
)
_SCALE = {"GeV": 1.0, "TeV": 1000.0}
_WORD_OPS = {"above": ">", "over": ">", "greater than": ">", "more than": ">"}
_WORD_OPS |= {"below": "<", "under": "<", "less than": "<"}
_WORDS = "|".join(_WORD_OPS)
REGION_PREFIX = "bins_"  # the support check leaves these regions' cuts to the reviewer


def text_bin_findings(doc: Document) -> list[CutFinding]:
    """The bins every sentence of ``doc`` lists, one region per bin."""
    out: list[CutFinding] = []
    seen: set[tuple[str, tuple[tuple[str, float | tuple[float, float]], ...]]] = set()
    for start, end in relevant_spans(doc):
        for s_start, s_end in sentences(doc.text, start, end):
            raw = doc.text[s_start:s_end]
            if len(raw) > 1500 or not _BIN_WORD.search(raw):
                continue
            quote = P.squash(raw)
            for quantity, items in sentence_bins(P.prepare(raw)):
                key = (quantity, tuple(items))
                if key in seen:
                    continue
                seen.add(key)
                out += _findings(quantity, items, quote)
    return out


Item = tuple[str, "float | tuple[float, float]"]


def sentence_bins(text: str) -> Iterator[tuple[str, list[Item]]]:
    """(quantity, items) of each list of bins in a prepared sentence; an item is
    ``("between", (a, b))`` or ``(op, value)``, in GeV."""
    for word in _BIN_WORD.finditer(text):
        quantity, name = _quantity_before(text[: word.start()])
        start = word.end()
        if quantity is None and word.group("of"):  # "intervals of M_CT: 150-250, ..."
            quantity, name, start = _quantity_after(text, word.end())
        if quantity is None:
            continue
        listed = _items(text, start, name)
        last = listed[-1][1] or "GeV" if listed else "GeV"  # the unit after the list
        items = [_scaled(i, _SCALE[unit or last]) for i, unit in listed]
        if len(items) >= 2 and _exclusive(items):
            yield quantity, items


def _quantity_before(before: str) -> tuple[str | None, str]:
    """The quantity named just before the bin word ("three MET bins", "high-MET ranges",
    "bins of MET" is read from after), with the text that names it in the list's items."""
    tail = before[-40:]
    tail = re.sub(r"^.*?(?=\S+\s*$)", "", tail) if tail.strip() else tail
    tail = re.sub(r"^(?:high|low|intermediate)-", "", tail.strip(), flags=re.IGNORECASE)
    for name, regex in P.QUANTITY_RES:
        if name not in _BINNED:
            continue
        found = regex.search(tail)
        if found and found.start() == 0:
            return name, found.group(0)
    return None, ""


def _quantity_after(text: str, start: int) -> tuple[str | None, str, int]:
    """The quantity named at ``start`` and followed by a colon or parenthesis ("bins of
    M_CT: ..."), with its text and where the list begins."""
    for name, regex in P.QUANTITY_ANY:
        if name not in _BINNED:
            continue
        found = regex.match(text, start)
        if found:
            opens = re.match(r"\s*[:(]\s*", text[found.end() :])
            if opens:
                return name, found.group(0), found.end() + opens.end()
    return None, "", start


def _items(text: str, start: int, name: str) -> list[tuple[Item, str | None]]:
    """The items of the list at ``start``, each with the unit written after it."""
    q = re.escape(name)
    item = re.compile(
        rf"\s*(?:(?P<lo>{_NUM})\s*(?:<|<=)\s*{q}\s*(?:<|<=)\s*(?P<hi>{_NUM})"
        rf"|{q}\s*(?P<qop>>=|>|<=|<)\s*(?P<qv>{_NUM})"
        rf"|(?P<a>{_NUM})\s*-\s*(?P<b>{_NUM})"
        rf"|(?P<op>>=|>|<=|<|{_WORDS})\s*"
        rf"(?P<v>{_NUM}))(?:\s*(?P<unit>GeV|TeV)\b)?"
    )
    separator = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)")
    items: list[tuple[Item, str | None]] = []
    at = start
    while (found := item.match(text, at)) is not None:
        g = found.groupdict()
        one: Item
        if g["lo"] is not None:
            one = ("between", (float(g["lo"]), float(g["hi"])))
        elif g["qop"] is not None:
            one = (g["qop"], float(g["qv"]))
        elif g["a"] is not None:
            one = ("between", (float(g["a"]), float(g["b"])))
        else:
            one = (_WORD_OPS.get(g["op"], g["op"]), float(g["v"]))
        items.append((one, g["unit"]))
        sep = separator.match(text, found.end())
        if sep is None:
            break
        at = sep.end()
    return items


def _edges(item: Item) -> tuple[float, float]:
    op, value = item
    if isinstance(value, tuple):
        return value
    return (value, float("inf")) if op in (">", ">=") else (float("-inf"), value)


def _exclusive(items: list[Item]) -> bool:
    """Bins follow each other without overlapping: each starts at or above the end of the one
    before, and a range ``a-b`` has a < b. A list of thresholds of different things is no
    binning."""
    bounds = [_edges(i) for i in items]
    return all(lo < hi for lo, hi in bounds) and all(
        b[0] >= a[1] for a, b in zip(bounds, bounds[1:], strict=False)
    )


def _scaled(item: Item, scale: float) -> Item:
    op, value = item
    if isinstance(value, tuple):
        return op, (value[0] * scale, value[1] * scale)
    return op, value * scale


def _findings(quantity: str, items: list[Item], quote: str) -> list[CutFinding]:
    out = []
    for number, (op, value) in enumerate(items, 1):
        try:
            out.append(
                CutFinding(
                    object="event",
                    variable=quantity,
                    op=op,  # type: ignore[arg-type]
                    value=list(value) if isinstance(value, tuple) else value,
                    unit=None if quantity == "rsq" else "GeV",
                    quote=quote,  # type: ignore[arg-type]
                    region=f"{REGION_PREFIX}{quantity}_{number}",
                    description=f"search bin {number} of {len(items)} in {quantity}",
                )
            )
        except ValueError:
            return []
    return out
