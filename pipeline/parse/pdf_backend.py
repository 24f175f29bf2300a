"""The PyMuPDF backend (default): a PDF's text layer -> :class:`Document`.

Paragraphs come from :mod:`pipeline.parse.layout`; here they are classified (heading,
caption, footnote, running header, figure labels), joined into the document text with
end-of-line hyphenation undone, and handed to :mod:`pipeline.parse.structure`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.errors import ParseError
from pipeline.parse.captions import defines_regions
from pipeline.parse.document import BlockKind, Document, Page, SourceInfo, Table
from pipeline.parse.layout import Paragraph, paragraphs
from pipeline.parse.normalize import join_lines, normalize_text, vocabulary
from pipeline.parse.structure import (
    REFERENCES_TITLE,
    TextBuilder,
    build_sections,
    find_citations,
    split_bibliography,
    split_heading,
)

_CAPTION = re.compile(r"^(FIG(?:URE)?\.?|Fig\.|Figure|TABLE|Table)\s*([0-9IVX]+[a-z]?)\s*[:.]")
_TABLE_CAPTION = re.compile(r"^(TABLE|Table)\s*([0-9IVX]+)")
_SENTENCE_END = re.compile(r"[.!?:;]\)?$")
_MAX_HELD = 6  # captions and footnotes held for one interrupted sentence at most
_KNOWN_HEADING = re.compile(
    r"^(abstract|introduction|references?|bibliography|acknowledge?ments?|conclusions?|summary|"
    r"appendix.*|contents|results?|discussion|outlook|methods?)$",
    re.IGNORECASE,
)
_ABSTRACT = re.compile(r"^abstract[:.]?\s*", re.IGNORECASE)


def open_pdf(path: Path) -> Any:
    """Open with PyMuPDF; every way a file can be unusable becomes a ``ParseError``."""
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)  # we report problems ourselves, once
    try:
        doc = pymupdf.open(path)
    except (pymupdf.FileDataError, pymupdf.FileNotFoundError, RuntimeError, ValueError) as err:
        raise ParseError(
            f"{path} is not a readable PDF ({err})",
            path=path,
            hint="the file is corrupt or truncated; download it again (reproduce fetch --refresh)",
        ) from err
    if doc.needs_pass and not doc.authenticate(""):
        doc.close()
        raise ParseError(
            f"{path} is encrypted with a password",
            path=path,
            hint="decrypt it first (e.g. `qpdf --decrypt --password=... in.pdf out.pdf`)",
        )
    if doc.page_count == 0:
        doc.close()
        raise ParseError(f"{path} has no pages", path=path, hint="the file is empty or damaged")
    return doc


def _body_size(paras: list[Paragraph]) -> float:
    sizes: Counter[float] = Counter()
    for para in paras:
        sizes[para.size] += sum(len(t) for t in para.texts())
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _classify(para: Paragraph, text: str, body: float, height: float) -> BlockKind | None:
    """The block kind, or ``None`` for layout noise (page numbers, figure axis labels)."""
    x0, y0, x1, y1 = para.bbox
    if (y1 < 0.075 * height or y0 > 0.93 * height) and len(text) < 100:
        return None
    if para.size < 0.72 * body:
        return None
    if _CAPTION.match(text):
        return "caption"
    words = text.split()
    if para.size < 0.95 * body and y0 > 0.6 * height and re.match(r"^[\^*†‡§¶\d]", text):
        return "footnote"
    short = len(words) <= 14 and len(text) < 120 and text[:1].isalnum()
    if short and (para.bold or para.size > 1.15 * body) and para.size >= 0.85 * body:
        number, title = split_heading(text)
        if number is not None and len(number) == 1 and number > "H" and number not in "IVX":
            number = None  # "P. N. Lebedev Institute" is a name, not appendix P
        # unnumbered, unusual titles in large type are mostly figure legends ("CMS", "Observed")
        unusual = para.page == 1 or (
            (para.bold or para.size > 1.3 * body) and len(words) >= 2 and "(" not in text
        )
        named = (
            number is not None
            or _KNOWN_HEADING.match(title)
            or (para.size > 1.15 * body and unusual)
        )
        if named and re.search(r"[a-zA-Z]{3}", title) and not text.endswith(","):
            return "heading"
    if para.size < 0.9 * body and len(words) <= 3 and not _SENTENCE_END.search(text):
        return None  # labels inside figures
    if len(words) <= 2 and not re.search(r"[a-z]{3}", text):
        return None
    return "paragraph"


def _running_heads(paras: list[Paragraph], texts: list[str], pages: list[Page]) -> set[int]:
    """Indices of paragraphs repeated near the top or bottom of three or more pages."""
    where: dict[str, set[int]] = {}
    keys: list[str | None] = []
    for para, text in zip(paras, texts, strict=True):
        height = pages[para.page - 1].height
        if para.bbox[1] < 0.13 * height or para.bbox[3] > 0.9 * height:
            key = f"{para.size:.0f}:" + re.sub(r"\d+", "#", text.lower())[:80]
            where.setdefault(key, set()).add(para.page)
            keys.append(key)
        else:
            keys.append(None)
    repeated = {i for i, key in enumerate(keys) if key is not None and len(where[key]) >= 3}
    # a page-top line repeating text that also stands in the body (a section title) is a
    # running head, whether it comes before or after the real title
    # (set in smaller type than the title itself, unlike a title that starts a page)
    body_sizes: dict[str, float] = {}
    for para, text, band in zip(paras, texts, keys, strict=True):
        if band is None:
            body_sizes[text] = max(body_sizes.get(text, 0.0), para.size)
    echoes = {
        i
        for i, (p, t, k) in enumerate(zip(paras, texts, keys, strict=True))
        if k is not None and len(t) > 3 and p.size < body_sizes.get(t, 0.0) - 0.3
    }
    return repeated | echoes


def _title_paragraph(paras: list[Paragraph], body: float) -> Paragraph | None:
    """The largest text on page 1, if it stands out from the body text."""
    first = [p for p in paras if p.page == 1 and len(" ".join(p.texts())) > 10]
    best = max(first, key=lambda p: p.size, default=None)
    return best if best is not None and best.size >= 1.2 * body else None


def _continuation(previous: str, text: str) -> bool:
    """A paragraph cut by a column or page break: no sentence end before, lower case after."""
    return not _SENTENCE_END.search(previous) and bool(re.match(r"^[a-z_(\[,;]", text))


def _pages(doc: Any) -> tuple[list[Page], list[Paragraph], list[str]]:
    import pymupdf

    flags = pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_PRESERVE_IMAGES
    pages, paras, warnings = [], [], []
    for index, page in enumerate(doc, start=1):
        pages.append(
            Page(number=index, width=round(page.rect.width, 2), height=round(page.rect.height, 2))
        )
        # image blocks would carry the image bytes: slow, and we only need text
        page_paras = paragraphs(page.get_text("dict", flags=flags), index)
        if not page_paras and page.get_images():
            warnings.append(f"page {index} has images but no text layer (scanned?)")
        paras.extend(page_paras)
    return pages, paras, warnings


def _check_text_layer(path: Path, pages: list[Page], paras: list[Paragraph]) -> None:
    chars = sum(len(t) for p in paras for t in p.texts())
    if chars < 50 * len(pages) and chars < 400:
        raise ParseError(
            f"{path} has no usable text layer ({chars} characters on {len(pages)} pages)",
            path=path,
            hint="it is probably a scanned image; run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) "
            "or use the LaTeX source (--backend latex)",
        )


def parse_pdf(path: Path, paper_id: str, sha256: str, *, detect_tables: bool = False) -> Document:
    """Parse a PDF. ``detect_tables`` runs PyMuPDF's table finder on pages with a table
    caption; it costs about half a second per page, so it is off by default, except on the
    pages of tables defining signal regions or bins (read as regions by extraction)."""
    doc = open_pdf(path)
    try:
        pages, paras, warnings = _pages(doc)
        _check_text_layer(path, pages, paras)
        tables = _tables(doc, paras, None if detect_tables else defines_regions)
        title = (doc.metadata or {}).get("title") or None
    finally:
        doc.close()
    words = vocabulary([t for p in paras for t in p.texts()])
    texts = [join_lines(p.texts(), words) for p in paras]
    builder = _BlockWriter(pages, _body_size(paras)).write(paras, texts)
    return _assemble(
        builder,
        pages,
        tables,
        title,
        warnings,
        SourceInfo(paper_id=paper_id, path=str(path), sha256=sha256, backend="pymupdf", kind="pdf"),
    )


class _BlockWriter:
    """Classifies paragraphs in reading order; tracks the table of contents and bibliography."""

    def __init__(self, pages: list[Page], body: float) -> None:
        self.pages, self.body = pages, body
        self.builder = TextBuilder()
        self.in_refs = False
        self.toc_page: int | None = None
        self.toc: set[str] = set()
        self.seen_headings: set[str] = set()
        self.previous: tuple[str, str] | None = None
        # captions and footnotes met inside a sentence cut by a page or column break, written
        # after the paragraph's continuation (so the sentence reads whole)
        self.held: list[tuple[BlockKind, Paragraph, str]] = []

    def write(self, paras: list[Paragraph], texts: list[str]) -> TextBuilder:
        running = _running_heads(paras, texts, self.pages)
        title_para = _title_paragraph(paras, self.body)
        for index, (para, text) in enumerate(zip(paras, texts, strict=True)):
            kind = _classify(para, text, self.body, self.pages[para.page - 1].height)
            if kind is None or not text or index in running:
                continue
            kind = "title" if para is title_para else self._refine(kind, para, text)
            if kind is not None:
                self._add(kind, para, text)
        self._flush()
        return self.builder

    def _refine(self, kind: BlockKind, para: Paragraph, text: str) -> BlockKind | None:
        if self.toc_page is not None and (para.page != self.toc_page or text.lower() in self.toc):
            self.toc_page = None  # the contents end where the first listed section begins
        if self.toc_page is not None:
            self.toc.add(text.lower())
            kind = "paragraph" if kind == "heading" else kind  # a table-of-contents entry
        top = para.bbox[1] < 0.13 * self.pages[para.page - 1].height
        if top and text in self.seen_headings:
            return None  # CMS-style running head repeating a section title
        if kind == "heading" and re.match(r"^(table of )?contents$", text, re.IGNORECASE):
            self.toc_page = para.page
        if kind == "heading":
            self.seen_headings.add(text)
            self.in_refs = bool(REFERENCES_TITLE.match(split_heading(text)[1]))
        elif not self.in_refs and kind == "paragraph" and re.match(r"^\[1\]\s", text):
            self.in_refs = True  # revtex bibliographies have no heading
        if self.in_refs and kind in ("paragraph", "footnote"):
            kind = "reference"
        return kind

    def _add(self, kind: BlockKind, para: Paragraph, text: str) -> None:
        previous = self.previous
        unfinished = (
            previous is not None
            and previous[0] == "paragraph"
            and not _SENTENCE_END.search(previous[1])
        )
        floats = kind == "footnote" or (kind == "caption" and not _TABLE_CAPTION.match(text))
        if floats and unfinished and len(self.held) < _MAX_HELD:
            # "Selected events must pass a single-photon trigger, have" / Figure 2: ... /
            # "two jets with pT > 80 GeV": the figure stands inside the sentence (not a table
            # caption: the table's own text follows it, and is no continuation)
            self.held.append((kind, para, text))
            return
        joiner = "\n\n"
        if previous and previous[0] == kind == "paragraph" and _continuation(previous[1], text):
            joiner = " "  # a paragraph continued across a column or page break
        else:
            self._flush()
        self.builder.add(kind, text, para.page, para.bbox, joiner)
        self.previous = (kind, text)
        if joiner == " ":
            self._flush()

    def _flush(self) -> None:
        """Write the held captions and footnotes (after the paragraph they interrupted)."""
        held, self.held = self.held, []
        for kind, para, text in held:
            self.builder.add(kind, text, para.page, para.bbox)
            self.previous = (kind, text)


def _assemble(
    builder: TextBuilder,
    pages: list[Page],
    tables: list[Table],
    title: str | None,
    warnings: list[str],
    source: SourceInfo,
) -> Document:
    blocks = builder.blocks
    text = builder.text
    _mark_title_and_abstract(blocks, title)
    sections = build_sections(blocks, len(text))
    references = split_bibliography([b for b in blocks if b.kind == "reference"])
    if not references:
        warnings.append("no bibliography found")
    if not sections:
        warnings.append("no section headings found; is this a paper?")
    title_block = next((b for b in blocks if b.kind == "title"), None)
    abstract = next((b for b in blocks if b.kind == "abstract"), None)
    return Document(
        source=source,
        title=title or (title_block.text if title_block else None),
        abstract=_ABSTRACT.sub("", abstract.text) if abstract else None,
        pages=pages,
        text=text,
        blocks=blocks,
        sections=sections,
        references=references,
        citations=find_citations(text, blocks, references),
        tables=tables,
        warnings=warnings,
    )


def _mark_title_and_abstract(blocks: list[Any], title: str | None) -> None:
    first_page = [b for b in blocks if b.page == 1]
    for i, block in enumerate(first_page):
        if _ABSTRACT.match(block.text):
            target = (
                block
                if len(block.text) > 40
                else (first_page[i + 1] if i + 1 < len(first_page) else None)
            )
            if target is not None and target.kind in ("paragraph", "heading"):
                target.kind = "abstract"
                if block is not target:
                    block.kind = "heading"
            break


def _cell_text(words: list[Any], cell: Any) -> str:
    if not cell:
        return ""
    x0, y0, x1, y1 = cell
    inside = [w for w in words if x0 <= (w[0] + w[2]) / 2 <= x1 and y0 <= (w[1] + w[3]) / 2 <= y1]
    return normalize_text(" ".join(w[4] for w in inside))


def _tables(
    doc: Any, paras: list[Paragraph], only: Callable[[str], bool] | None = None
) -> list[Table]:
    """Tables only on pages whose text announces one (``find_tables`` is slow); with ``only``,
    only on pages of a caption it matches."""
    tables: list[Table] = []
    wanted = {
        p.page: join_lines(p.texts())
        for p in paras
        if _TABLE_CAPTION.match(join_lines(p.texts()[:1]))
        and (only is None or only(join_lines(p.texts())))
    }
    for number, caption in sorted(wanted.items()):
        try:
            found = doc[number - 1].find_tables()
        except Exception:  # table detection is best effort; the text is still there
            continue
        words = doc[number - 1].get_text("words")
        for table in found.tables:
            # words by their centre keep the spaces and decimal points Table.extract() drops
            rows = [[_cell_text(words, cell) for cell in row.cells] for row in table.rows]
            if len(rows) >= 2:
                tables.append(
                    Table(
                        id=f"t{len(tables) + 1}",
                        page=number,
                        bbox=tuple(round(v, 2) for v in table.bbox),  # type: ignore[arg-type]
                        caption=caption,
                        rows=rows,
                    )
                )
    return tables
