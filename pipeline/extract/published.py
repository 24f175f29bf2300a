"""The numbers a paper publishes: its cutflow and yield tables, with page and table number.

A table is found by its caption ("TABLE IV.", "Table 2:"); its rows are the lines next to the
caption (below it, else above it) that end in numbers: ``Cut 4: Lepton pT thresholds 263.73 679``
is the label "Cut 4: Lepton pT thresholds" and the cells 263.73 and 679. Uncertainties
("12.1 ± 0.3", "+1.2 -0.5") and parenthesised efficiencies ("827 (99%)") belong to the cell
before them. Column names come from the header lines, each word given to the value column
nearest to it. The same reader takes PDF pages (words with their x positions, only the column
of the caption) and plain text (character offsets as positions).

A table is a **cutflow** when its caption or labels speak of cuts or selection steps and a column
never grows from row to row; a **yield** table when its caption speaks of yields or observed /
expected events; anything else (systematics, region definitions) is skipped and said so.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.parse.normalize import normalize_text
from pipeline.rundir import RunDir

PUBLISHED_SCHEMA_VERSION: Final = "1.0.0"
PUBLISHED_FILE = "published.json"
CAPTION = re.compile(r"^\s*(?:TABLE|Table|Tab\.)\s*([0-9]+|[IVXL]+)\s*[.:]")
_NUMBER = re.compile(r"^[(]?[-−]?\d[\d,]*(?:\.\d+)?(?:[+±]\d[\d.]*)?[)]?%?$")  # '36.0+3.7' too
_EXPONENT = re.compile(
    r"[·×x]\s?10\^?([-−]?\d+)$"
)  # '·104' is ·10^4 with the superscript flattened
_UNCERTAINTY = re.compile(r"^(?:±|\+/?-|[+−-]\d|±\d|[(]\d.*[)]%?$|\d[\d.]*%$|[(][±+−-]?\d.*)")
_DASH = {"—", "–", "-", "−", "n/a"}
_CUT_WORDS = re.compile(
    r"cut[- ]?flow|(?:after|passing) (?:each|every|successive|the)|selection (?:step|stage)|"
    r"each (?:cut|step|selection)|event selection|successive|sequential|cumulative",
    re.IGNORECASE,
)
_CUT_LABEL = re.compile(r"\bcut\b|selection|veto|trigger|require|preselect", re.IGNORECASE)
_YIELD_WORDS = re.compile(r"yield|observed|expected|number of events|events", re.IGNORECASE)
_HEADER_LINES = 5
# "Summary of the systematic uncertainties in the event yields": a table of uncertainties, not of
# yields
_UNCERTAINTY_TABLE = re.compile(r"^(?:\S+\s+){0,8}?\S*(?:systematic|uncertaint)", re.IGNORECASE)
_PROSE = 9  # a line of this many words without numbers is running text: the table has ended

Word = tuple[str, float, float]  # text, x0, x1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PublishedRow(_Model):
    label: str
    cells: list[str] = Field(description="each value column's text as printed, '' when empty")
    values: list[float | None] = Field(description="the central value of each cell")


class PublishedTable(_Model):
    number: str = Field(description="as printed: 'IV', '2'")
    page: int = Field(ge=1)
    caption: str
    kind: Literal["cutflow", "yields"]
    columns: list[str] = Field(
        description="names of the value columns, '' where the header gave none"
    )
    rows: list[PublishedRow]

    @property
    def name(self) -> str:
        return f"Table {self.number}"


class PublishedTables(_Model):
    schema_version: Literal["1.0.0"] = PUBLISHED_SCHEMA_VERSION
    document: str = Field(description="the paper the tables were read from")
    sha256: str = ""
    pages_searched: int = Field(ge=0)
    tables: list[PublishedTable] = Field(default_factory=list)
    skipped: list[str] = Field(
        default_factory=list, description="tables seen but not read, and why"
    )
    error: str | None = None  # why the paper could not be read at all

    def cutflows(self) -> list[PublishedTable]:
        return [t for t in self.tables if t.kind == "cutflow"]


# one line of a table ------------------------------------------------------------------
def _is_cell_token(text: str) -> bool:
    return bool(_NUMBER.match(text) or _UNCERTAINTY.match(text) or text in _DASH)


def _value(text: str) -> float | None:
    match = re.match(r"[(]?([-−]?\d[\d,]*(?:\.\d+)?)", text)
    return float(match.group(1).replace(",", "").replace("−", "-")) if match else None


def _cell_value(cell: str) -> float | None:
    """The central value of a printed cell, times the power of ten printed after its uncertainty."""
    if not cell or cell in _DASH:
        return None
    value = _value(cell)
    power = _EXPONENT.search(cell)
    if value is None or power is None:
        return value
    return float(f"{value}e{power.group(1).replace('−', '-')}")


def split_row(words: list[Word]) -> tuple[list[Word], list[list[Word]]]:
    """(label words, cells): a cell is a number or a dash and the uncertainties after it."""
    start = len(words)
    while start > 0 and _is_cell_token(words[start - 1][0]):
        start -= 1
    cells: list[list[Word]] = []
    for word in words[start:]:
        opens = (_NUMBER.match(word[0]) and not word[0].startswith("(")) or word[0] in _DASH
        after_pm = bool(cells) and cells[-1][-1][0] in ("±", "+/-")
        if opens and not after_pm and not (cells and _attaches(word[0], cells[-1])):
            cells.append([word])
        elif cells:
            cells[-1].append(word)
        else:
            start += 1  # an uncertainty with no value before it belongs to the label
    return words[:start], cells


def _attaches(text: str, cell: list[Word]) -> bool:
    """'-0.5' after '+1.2' is the lower half of an asymmetric uncertainty, not a new cell."""
    return text[0] in "-−" and cell[-1][0].startswith("+") and len(cell) > 1


# a table from its lines ---------------------------------------------------------------
def parse_lines(
    number: str, page: int, caption: str, lines: list[list[Word]]
) -> PublishedTable | str:
    """The table of ``lines`` (those after its caption), or why there is none."""
    header: list[list[Word]] = []
    rows: list[tuple[list[Word], list[list[Word]]]] = []
    quiet = 0
    for line in filter(None, lines):
        label, cells = split_row(line)
        if cells and label:
            rows.append((label, cells))
            quiet = 0
        elif not rows:
            header.append(line)
            if len(header) > _HEADER_LINES:
                return "no rows of numbers under the caption"
        else:
            quiet += 1
            if len(line) >= _PROSE or quiet > 1:
                break
    if len(rows) < 2:
        return "fewer than two rows of a label and numbers"
    width = _width(header, rows)
    table_rows = [_fit(label, cells, width) for label, cells in rows]
    kind = _kind(caption, table_rows)
    if kind is None:
        return "not a cutflow or yield table"
    return PublishedTable(
        number=number,
        page=page,
        caption=caption,
        kind=kind,
        columns=_column_names(header, rows, width),
        rows=table_rows,
    )


def _width(header: list[list[Word]], rows: list[tuple[list[Word], list[list[Word]]]]) -> int:
    """The number of value columns: what most rows have, unless a one-line header names fewer
    columns right of the labels (then the rows' extra leading numbers belong to their labels)."""
    width = Counter(len(c) for _, c in rows).most_common(1)[0][0]
    if len(header) != 1:
        return width
    named = sum(phrase[0][1] > _label_end(rows) for phrase in _phrases(header[0]))
    return named if 1 <= named < width else width


def _label_end(rows: list[tuple[list[Word], list[list[Word]]]]) -> float:
    """Where the labels typically end: a heading starting before it heads the label column."""
    ends = sorted(label[-1][2] for label, _ in rows)
    return ends[len(ends) // 2]


def _fit(label: list[Word], cells: list[list[Word]], width: int) -> PublishedRow:
    """Extra leading cells go back to the label ('N > 4 832'); missing ones are empty on the
    left."""
    extra = max(0, len(cells) - width)
    words = label + [w for cell in cells[:extra] for w in cell]
    kept = [" ".join(w[0] for w in cell) for cell in cells[extra:]]
    kept = [""] * (width - len(kept)) + kept
    label_text = re.sub(r"([(\[])\s+|\s+([)\]])", r"\1\2", " ".join(w[0] for w in words))
    return PublishedRow(label=label_text, cells=kept, values=[_cell_value(c) for c in kept])


def _kind(caption: str, rows: list[PublishedRow]) -> Literal["cutflow", "yields"] | None:
    columns = [
        [v for r in rows if (v := r.values[i]) is not None] for i in range(len(rows[0].values))
    ]
    falling = any(
        len(c) >= 3 and all(a >= b for a, b in zip(c, c[1:], strict=False)) and c[0] > c[-1]
        for c in columns
    )
    cut_labels = sum(bool(_CUT_LABEL.search(r.label)) for r in rows) > len(rows) / 2
    if falling and (_CUT_WORDS.search(caption) or cut_labels):
        return "cutflow"
    if _YIELD_WORDS.search(caption) and not _UNCERTAINTY_TABLE.search(caption):
        return "yields"
    return None


def _column_names(
    header: list[list[Word]], rows: list[tuple[list[Word], list[list[Word]]]], width: int
) -> list[str]:
    """Each header phrase goes to the value column whose cells are nearest to it (by x)."""
    spans: list[list[float]] = [[] for _ in range(width)]
    for _, cells in rows:
        for i, cell in enumerate(cells[-width:]):
            spans[width - len(cells[-width:]) + i].append((cell[0][1] + cell[-1][2]) / 2)
    centres = {i: sorted(s)[len(s) // 2] for i, s in enumerate(spans) if s}
    label_end = _label_end(rows)
    names: list[list[str]] = [[] for _ in range(width)]
    for line in header:
        for phrase in _phrases(line):
            middle = (phrase[0][1] + phrase[-1][2]) / 2
            if phrase[0][1] <= label_end or not centres:
                continue  # the label column's heading
            nearest = min(centres, key=lambda i: abs(centres[i] - middle))
            names[nearest].append(" ".join(w[0] for w in phrase))
    return [" ".join(n) for n in names]


def _phrases(line: list[Word]) -> list[list[Word]]:
    """Words of a header line grouped into column headings: a gap wider than usual starts a new
    one."""
    gaps = [b[1] - a[2] for a, b in zip(line, line[1:], strict=False)]
    usual = min(gaps, default=0.0)  # the space between two words of one heading
    chars = sorted((w[2] - w[1]) / max(len(w[0]), 1) for w in line)
    char = chars[len(chars) // 2] if chars else 0.0
    out: list[list[Word]] = [line[:1]] if line else []
    for word, gap in zip(line[1:], gaps, strict=True):
        if gap > 1.8 * usual or gap >= 2 * char:
            out.append([word])
        else:
            out[-1].append(word)
    return out


# plain text -----------------------------------------------------------------------------
def text_lines(text: str) -> list[list[Word]]:
    """Lines of words with their character offsets as x positions."""
    return [
        [(m.group(), float(m.start()), float(m.end())) for m in re.finditer(r"\S+", line)]
        for line in text.splitlines()
    ]


def read_text_tables(text: str, page: int = 1) -> tuple[list[PublishedTable], list[str]]:
    """Tables in plain ``text`` (one row a line, captions above tables): (tables, skipped)."""
    lines = text.splitlines()
    heads = [i for i, line in enumerate(lines) if CAPTION.match(line)]
    tables, skipped = [], []
    for k, i in enumerate(heads):
        stop = heads[k + 1] if k + 1 < len(heads) else len(lines)
        number = CAPTION.match(lines[i]).group(1)  # type: ignore[union-attr]
        # a caption runs to the first blank line when one comes soon, else it is one line
        blank = next((j for j in range(i + 1, min(stop, i + 4)) if not lines[j].strip()), i + 1)
        caption = normalize_text(" ".join(line.strip() for line in lines[i:blank]))
        found = parse_lines(number, page, caption, text_lines("\n".join(lines[blank:stop])))
        if isinstance(found, str):
            skipped.append(f"Table {number} (page {page}): {found}")
        else:
            tables.append(found)
    return tables, skipped


# PDF pages -----------------------------------------------------------------------------
def read_pdf_tables(pdf: Path, document: str | None = None) -> PublishedTables:
    """Every cutflow and yield table of ``pdf``, each with its page, number and caption."""
    from pipeline.io import sha256_file
    from pipeline.parse.pdf_backend import open_pdf

    doc = open_pdf(pdf)
    tables: list[PublishedTable] = []
    skipped: list[str] = []
    try:
        for index, page in enumerate(doc):
            for found in _page_tables(page, index + 1):
                seen = {t.number for t in tables}
                if isinstance(found, PublishedTable) and found.number not in seen:
                    tables.append(found)
                elif isinstance(found, str):
                    skipped.append(found)
        pages = len(doc)
    finally:
        doc.close()
    read = {t.number for t in tables}
    skipped = [
        s for s in dict.fromkeys(skipped) if s.split(" (")[0].removeprefix("Table ") not in read
    ]
    return PublishedTables(
        document=document or pdf.name,
        sha256=sha256_file(pdf),
        pages_searched=pages,
        tables=tables,
        skipped=skipped,
    )


def save_run_tables(run_dir: Path) -> list[Path]:
    """Write ``published.json`` into a run directory, read from the PDF its ``document.json`` was
    parsed from; nothing when the run has no document. An unreadable PDF is recorded, not raised:
    the report says so and goes on."""
    from pipeline.errors import ParseError
    from pipeline.io import write_json_atomic
    from pipeline.parse.document import Document

    doc_path = RunDir(run_dir).document
    if not doc_path.is_file():
        return []
    source = Document.model_validate_json(doc_path.read_text()).source
    parsed = Path(source.path)
    parsed = (
        parsed if parsed.is_absolute() else run_dir / parsed
    )  # runs keep the paper beside document.json
    pdf = parsed if source.kind == "pdf" else parsed.with_name("paper.pdf")
    try:
        tables = read_pdf_tables(pdf, document=source.paper_id)
    except (ParseError, OSError) as err:
        message = err.message if isinstance(err, ParseError) else str(err)
        tables = PublishedTables(
            document=source.paper_id, pages_searched=0, error=f"{pdf.name}: {message}"
        )
    return [write_json_atomic(run_dir / PUBLISHED_FILE, tables.model_dump(mode="json"))]


def _page_tables(page: Any, number: int) -> list[PublishedTable | str]:
    blocks = [b for b in page.get_text("blocks") if b[6] == 0 and CAPTION.match(b[4])]
    words = page.get_text("words")
    width, height = page.rect.width, page.rect.height
    out: list[PublishedTable | str] = []
    for k, block in enumerate(blocks):
        label = CAPTION.match(block[4]).group(1)  # type: ignore[union-attr]
        caption = normalize_text(" ".join(block[4].split()))
        x0, x1 = _column(block, width)
        below_end = next((b[1] for b in blocks[k + 1 :] if b[1] > block[3]), height)
        found = parse_lines(label, number, caption, _lines(words, x0, x1, block[3], below_end))
        if isinstance(found, str):  # some journals put the caption under the table
            above_start = max((b[3] for b in blocks[:k] if b[3] < block[1]), default=0.0)
            above = _table_tail(_lines(words, x0, x1, above_start, block[1]))
            found = parse_lines(label, number, caption, above) if above else found
        out.append(
            found
            if isinstance(found, PublishedTable)
            else f"Table {label} (page {number}): {found}"
        )
    return out


def _column(block: Any, width: float) -> tuple[float, float]:
    """The x range of a caption's table: the whole page for a wide caption, else its half."""
    if block[2] - block[0] > 0.55 * width:
        return 0.0, width
    middle = (block[0] + block[2]) / 2
    return (0.0, width / 2) if middle < width / 2 else (width / 2, width)


def _lines(words: list[Any], x0: float, x1: float, top: float, bottom: float) -> list[list[Word]]:
    """Words inside the box grouped into lines; a sub- or superscript joins the line it sits in."""
    inside = sorted(
        (w for w in words if x0 <= (w[0] + w[2]) / 2 <= x1 and top <= (w[1] + w[3]) / 2 <= bottom),
        key=lambda w: (w[1], w[0]),
    )
    lines: list[tuple[float, float, list[Any]]] = []
    for w in inside:
        centre = (w[1] + w[3]) / 2
        home = next((line for line in reversed(lines[-3:]) if line[0] <= centre <= line[1]), None)
        if home is None:
            lines.append((w[1], w[3], [w]))
        else:
            home[2].append(w)
    return [
        [(normalize_text(w[4]), w[0], w[2]) for w in sorted(line[2], key=lambda w: w[0])]
        for line in lines
    ]


def _table_tail(lines: list[list[Word]]) -> list[list[Word]]:
    """The lines at the end of ``lines`` that can be a table: up to the last line of running
    text."""
    start = len(lines)
    while start > 0 and not (
        len(lines[start - 1]) >= _PROSE and not split_row(lines[start - 1])[1]
    ):
        start -= 1
    return lines[start:]


__all__ = [
    "CAPTION",
    "PUBLISHED_FILE",
    "PublishedRow",
    "PublishedTable",
    "PublishedTables",
    "parse_lines",
    "read_pdf_tables",
    "read_text_tables",
    "save_run_tables",
    "split_row",
    "text_lines",
]
