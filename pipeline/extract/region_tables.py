"""Tables of signal-region bins as regions.

CMS and ATLAS searches define their search bins in a table, one row per bin (or several bins
in a row, the cells listing one value per bin)::

    njet    nb   LT [GeV]     HT [GeV]                          Bin name
    [6, 8]  =1   [250, 450]   [500, 1000] [1000, 1500] >=1500   A01 A02 A03
            =2   ...                                            B01 ...

An empty cell repeats the one above it (a merged cell). Each bin becomes a region whose cuts
are the cells of its row, on the quantities the header names. A column whose header names no
quantity of the selection (yields, signal counts) is ignored; a plain number in a column of a
continuous quantity (a Delta phi threshold) says nothing about the direction and is left out.

The cuts point at the table's caption, and the support check leaves them unverified: it reads
sentences, not cells, so a reviewer compares each region with its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import patterns as P
from pipeline.extract.findings import CutFinding
from pipeline.parse.captions import defines_regions
from pipeline.parse.document import Document, Table

# a header naming a multiplicity: njet, N_jets, n_b, N_b-tags, N_lep, "b jets"
_COUNT_HEADER = re.compile(
    r"^\s*(?:n|N)\s*_?\s*\{?\s*(?P<obj>jets?|j|b(?:-?jets?|-?tags?)?|lep(?:tons?)?|l|"
    r"\u2113|mu|e|gamma|\u03b3|photons?)\s*\}?\s*$"
    r"|^\s*(?:number\s+of\s+)?(?P<words>jets|b[- ]?jets|b[- ]?tags|leptons|photons)\s*$",
    re.IGNORECASE,
)
_COUNT_KIND = {"j": "jet", "b": "bjet", "l": "lepton", "\u2113": "lepton", "mu": "muon"}
_COUNT_KIND |= {"e": "electron", "gamma": "photon", "\u03b3": "photon"}
# event quantities a header may name, as the prepared text writes them: the whole header (a
# header of another quantity of them - "Delta phi(j, MET)", "MET/sqrt(HT)", "mT^min" - is none)
_EVENT_HEADER = [
    ("met_significance", re.compile(r"MET\s+significance|S\s*\(\s*MET\s*\)", re.I)),
    ("mht", re.compile(r"H_?T\s*\^\s*\{?miss\}?|MHT|H\s*miss\s*T", re.I)),
    ("met", re.compile(r"MET")),
    ("ht", re.compile(r"H_?T")),
    ("lt", re.compile(r"L_?T")),
    ("st", re.compile(r"S_?T")),
    ("mt2", re.compile(r"[mM]_?T_?2")),
    ("mt", re.compile(r"[mM]_?T")),
    ("mr", re.compile(r"M_?R")),
    ("rsq", re.compile(r"R\s*\^?\s*2")),
    ("meff", re.compile(r"m_?eff", re.I)),
]
_NAME_HEADER = re.compile(r"\b(?:bin|region|SR|name|label|category)\b", re.IGNORECASE)
_UNIT = re.compile(r"[\[(]\s*(GeV|TeV|MeV)\s*[\])]", re.IGNORECASE)
_NUM = r"-?\d+(?:\.\d+)?"
# one condition in a cell: [a, b], >= a, > a, = a, < a, a-b, a
_TOKEN = re.compile(
    rf"[\[(]\s*(?P<lo>{_NUM})\s*,\s*(?P<hi>{_NUM})\s*[\])]"
    rf"|(?P<op>\u2265|>=|\u2264|<=|>|<|=)\s*(?P<v>{_NUM})"
    rf"|(?P<a>{_NUM})\s*(?:[-\u2013]|\bto\b)\s*(?P<b>{_NUM})"
    rf"|(?<![A-Za-z\d.])(?P<n>{_NUM})(?![\d.])"
)
# a header that carries its own condition: "HT < 300 GeV", "E_T^miss in [50, 200] GeV"
_HEADER_CONDITION = re.compile(
    r"^(?P<q>.+?)\s*(?P<cond>(?:\u2208|\u2265|\u2264|>=|<=|>|<)\s*[\[(]?\s*-?\d.*)$"
)
_LABEL = re.compile(r"\b(?:SR|CR|VR|R|[Bb]in)[- ]?[A-Za-z]{0,3}\d{1,3}[a-z]?\b|\b[A-Z]\d{2}\b")
_OPS = {"\u2265": ">=", ">=": ">=", "\u2264": "<=", "<=": "<=", ">": ">", "<": "<", "=": "=="}
MAX_BINS = 200  # regions from one table at most (a table of yields read as bins is no selection)


@dataclass(frozen=True)
class _Column:
    index: int
    object: str
    variable: str
    unit: str | None

    @property
    def is_count(self) -> bool:
        return self.variable == "count"


def region_findings(doc: Document) -> list[CutFinding]:
    """The regions of every region-defining table of ``doc``, as findings with a region."""
    out: list[CutFinding] = []
    for table in doc.tables:
        if table.caption and defines_regions(table.caption):
            out += table_regions(table)
    return out


def table_regions(table: Table) -> list[CutFinding]:
    if len(table.rows) < 2:
        return []
    header = table.rows[0]
    bins = _bin_columns(header)
    columns = [
        c
        for c in (_column(i, cell) for i, cell in enumerate(header) if i not in bins)
        if c is not None
    ]
    if bins:
        return _grid_regions(table, columns, bins)
    if len(columns) < 2:
        return []  # one quantity is a binning, not a set of regions
    names = [i for i, cell in enumerate(header) if _NAME_HEADER.search(cell)]
    quote = _caption_sentence(table.caption or "")
    out: list[CutFinding] = []
    above: dict[int, str] = {}
    for number, row in enumerate(table.rows[1:], 1):
        if not any(row[c.index].strip() for c in columns if c.index < len(row)):
            continue
        tokens, units = _row_cells(row, columns, above)
        width = max(len(t) for t in tokens.values())
        if width == 0 or any(len(t) not in (0, 1, width) for t in tokens.values()):
            continue  # cells that do not line up: not guessed
        labels = row[names[0]].split() if names and names[0] < len(row) else []
        for b in range(width):
            label = labels[b] if len(labels) == width else f"row{number}_bin{b + 1}"
            region = _region_name(table, label)
            for column in columns:
                cell = tokens[column.index]
                if not cell:
                    continue
                token = cell[0] if len(cell) == 1 else cell[b]
                finding = _finding(column, token, quote, region, units[column.index])
                if finding is not None:
                    out.append(finding)
        if len({f.region for f in out}) > MAX_BINS:
            return []
    return out


def _row_cells(
    row: list[str], columns: list[_Column], above: dict[int, str]
) -> tuple[dict[int, list[tuple[str, ...]]], dict[int, str | None]]:
    """The conditions and the unit written in each column's cell of ``row``; an empty cell
    repeats the one above it (a merged cell), and ``above`` is updated for the next row."""
    cells = {c.index: (row[c.index].strip() if c.index < len(row) else "") for c in columns}
    cells = {i: text or above.get(i, "") for i, text in cells.items()}
    above.update(cells)
    tokens = {i: _TOKEN.findall(_vetoed(text)) for i, text in cells.items()}
    return tokens, {i: _cell_unit(text) for i, text in cells.items()}


def _bin_columns(header: list[str]) -> dict[int, tuple[_Column, tuple[str, ...]]]:
    """Columns whose header states a condition ("HT < 300 GeV"): their cells name regions."""
    out = {}
    for index, cell in enumerate(header):
        match = _HEADER_CONDITION.match(P.prepare(cell).strip())
        if match is None:
            continue
        unit = _UNIT.search(cell) or re.search(r"\b(GeV|TeV)\b", cell)
        column = _column(index, match.group("q") + (f" [{unit.group(1)}]" if unit else ""))
        tokens = _TOKEN.findall(match.group("cond").replace("\u2208", ""))
        if column is not None and len(tokens) == 1:
            out[index] = (column, tokens[0])
    return out


def _grid_regions(
    table: Table, columns: list[_Column], bins: dict[int, tuple[_Column, tuple[str, ...]]]
) -> list[CutFinding]:
    """A two-dimensional table: the rows give some conditions, the header of each bin column
    one more, and a cell names the region(s) with both ("SR46 (++) / SR47 (--)")."""
    quote = _caption_sentence(table.caption or "")
    out: list[CutFinding] = []
    above: dict[int, str] = {}
    for row in table.rows[1:]:
        tokens, units = _row_cells(row, columns, above)
        if any(len(t) > 1 for t in tokens.values()):
            continue
        for index, (column, condition) in bins.items():
            labels = _LABEL.findall(row[index]) if index < len(row) else []
            for label in labels:
                region = _region_name(table, label)
                for c in columns:
                    if tokens[c.index]:
                        finding = _finding(c, tokens[c.index][0], quote, region, units[c.index])
                        if finding is not None:
                            out.append(finding)
                finding = _finding(column, condition, quote, region)
                if finding is not None:
                    out.append(finding)
    return out if len({f.region for f in out}) <= MAX_BINS else []


def _column(index: int, cell: str) -> _Column | None:
    text = P.prepare(cell).strip()
    unit_match = _UNIT.search(text)
    unit = unit_match.group(1) if unit_match else None
    bare = _UNIT.sub("", text).strip()
    count = _COUNT_HEADER.match(bare)
    if count:
        word = (count.group("obj") or count.group("words") or "").lower().replace("-", " ")
        kind = _COUNT_KIND.get(word) or (
            "bjet" if word.startswith("b") else "jet" if word.startswith("j") else
            "photon" if word.startswith("photon") else "lepton"
        )  # fmt: skip
        return _Column(index, kind, "count", None)
    for variable, regex in _EVENT_HEADER:
        if regex.fullmatch(bare.strip()):
            if variable not in ("met_significance", "rsq") and unit is None:
                unit = "GeV"  # an energy column without its unit written
            return _Column(index, "event", variable, unit)
    return None


def _vetoed(text: str) -> str:
    """A count cell saying "veto" or "none" is a zero count."""
    return "=0" if re.fullmatch(r"\s*(?:veto(?:ed)?|none|no)\s*", text, re.IGNORECASE) else text


def _cell_unit(text: str) -> str | None:
    """A unit written in the cell itself ("> 1.5 TeV" in a column of GeV)."""
    match = re.search(r"\b(TeV|GeV|MeV)\b", text)
    return match.group(1) if match else None


def _finding(
    column: _Column,
    token: tuple[str, ...],
    quote: str,
    region: str,
    cell_unit: str | None = None,
) -> CutFinding | None:
    lo, hi, op, v, a, b, n = token
    low, high = (lo, hi) if lo and hi else (a, b)
    if low and high and column.is_count:
        # "[6, 8]" jets, "2-4" jets: the counts 6, 7 and 8 (between is exclusive)
        first, last = int(float(low)), int(float(high))
        if first != float(low) or last != float(high) or not 0 <= first < last <= first + 20:
            return None
        op_value: tuple[str, float | list[float]] = (
            "in",
            [float(k) for k in range(first, last + 1)],
        )
    elif low and high:
        op_value = ("between", [float(low), float(high)])
    elif op:
        op_value = (_OPS[op], float(v))
    elif column.is_count:
        op_value = ("==", float(n))
    else:
        return None  # a bare number of a continuous quantity: no direction
    try:
        return CutFinding(
            object=column.object,  # type: ignore[arg-type]
            variable=column.variable,
            op=op_value[0],  # type: ignore[arg-type]
            value=op_value[1],
            unit=None if column.is_count else cell_unit or column.unit,
            quote=quote,
            region=region,
            description=f"number of {column.object}s" if column.is_count else "",
        )
    except ValueError:
        return None


def _region_name(table: Table, label: str) -> str:
    """``table4_a01`` for bin A01 of Table 4 (two tables may both name an SR1), ``table6_row1_bin2``
    for a bin without a name."""
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "bin"
    number = re.match(r"\s*Table\s+(\w+)", table.caption or "")
    prefix = f"table{number.group(1).lower()}" if number else table.id
    return f"{prefix}_{slug}"[:40]


def _caption_sentence(caption: str) -> str:
    first = re.split(r"(?<=\.)\s+(?=[A-Z])", caption.strip(), maxsplit=1)[0]
    return first if len(first) >= 8 else caption.strip()
