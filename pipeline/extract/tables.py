"""Object-requirement tables as the text layer flattens them.

CMS papers often give object definitions as a small table::

    Object    pT (GeV)   |eta|
    Electrons >15        < 2.5
    Muons     >10        < 2.4

which the text layer turns into "Object p_T ( GeV) |η| Electrons >15 < 2.5 Muons >10 < 2.4".
The header names the columns (quantities, in order); each row is an object name followed
by one comparison per column. Rows whose number of comparisons differs from the number
of columns are skipped rather than guessed.
"""

from __future__ import annotations

import re

from pipeline.extract import patterns as P
from pipeline.extract.comparisons import Comparison as _Comparison
from pipeline.extract.findings import CutFinding
from pipeline.extract.region_tables import region_findings
from pipeline.extract.rules import _make, extract_findings
from pipeline.extract.sections import relevant_spans
from pipeline.extract.text_bins import text_bin_findings
from pipeline.parse.document import Document

_HEADER = re.compile(r"\b(?:Objects?|Physics objects?|Candidates?)\b", re.IGNORECASE)
_CELL = re.compile(rf"(?P<op>{P.SYMBOL_OP})\s*(?P<num>{P.NUM})")
_WINDOW = 700


def _columns(header: str) -> list[tuple[str, str | None]]:
    """Quantities named in ``header``, left to right, with the unit in parentheses after them."""
    found: list[tuple[int, int, str]] = []
    for name, regex in P.QUANTITY_ANY:
        if name in ("symbol", "ip"):
            continue
        for match in regex.finditer(header):
            if not any(
                s <= match.start() < e or match.start() <= s < match.end() for s, e, _ in found
            ):
                found.append((match.start(), match.end(), name))
    columns = []
    for _start, end, name in sorted(found):
        unit = re.match(rf"\s*\(\s*(?P<u>{P.UNIT})\s*\)", header[end:])
        columns.append((name, unit.group("u") if unit else None))
    return columns


def table_rows(text: str) -> list[CutFinding]:
    """Findings of every object table in a prepared ``text``."""
    out: list[CutFinding] = []
    for head in _HEADER.finditer(text):
        window = text[head.end() : head.end() + _WINDOW]
        mentions = list(P.OBJECT_RE.finditer(window))
        if not mentions:
            continue
        columns = _columns(window[: mentions[0].start()])
        if len(columns) < 1 or mentions[0].start() > 80:
            continue
        out += _rows(window, mentions, columns)
    return out


def _rows(
    window: str, mentions: list[re.Match[str]], columns: list[tuple[str, str | None]]
) -> list[CutFinding]:
    out: list[CutFinding] = []
    for index, mention in enumerate(mentions):
        stop = mentions[index + 1].start() if index + 1 < len(mentions) else len(window)
        cells = list(_CELL.finditer(window, mention.end(), stop))
        if not cells:
            break  # the table ended
        if len(cells) != len(columns) or cells[0].start() - mention.end() > 12:
            continue
        quote = window[mention.start() : cells[-1].end()]
        for (quantity, unit), cell in zip(columns, cells, strict=True):
            comp = _Comparison(quantity, None, cell.group("op"), float(cell.group("num")), unit, 0)
            finding = _make(comp, P.object_of(mention), comp.value, quote)
            if finding is not None:
                out.append(finding)
    return out


def extract_table_findings(doc: Document) -> list[CutFinding]:
    """Object-table findings of the selection-relevant spans of ``doc``."""
    found: list[CutFinding] = []
    for start, end in relevant_spans(doc):
        text = P.prepare(doc.text[start:end])
        found += table_rows(text)
    return found


def rule_findings(doc: Document) -> list[CutFinding]:
    """Everything the rule-based extractor finds in ``doc``: sentences, object tables, then the
    regions of tables of signal-region bins and of bins listed in a sentence."""
    return (
        extract_findings(doc)
        + extract_table_findings(doc)
        + region_findings(doc)
        + text_bin_findings(doc)
    )
