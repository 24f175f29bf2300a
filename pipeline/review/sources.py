"""The PDFs a run's cuts were quoted from, and their pages rendered with the quote highlighted.

The paper itself is the PDF recorded in the run's ``document.json``; a cut quoted from a cited
paper names that paper in ``provenance.document`` and is looked up in the paper cache
(``$REPRO_HOME/papers/<slug>/``) or the run's ``cited/`` folder. Only these files are ever
opened: nothing in a request names a path.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ParseError, ReproError
from pipeline.rundir import RunDir
from pipeline.selection.models import Cut, SelectionList

ZOOM = 1.6
HIGHLIGHT = (1.0, 0.85, 0.0)
WINDOW_WORDS = (10, 6)


def paper_slugs(document: str) -> list[str]:
    """Cache folder names a paper may have (``papers/<slug>/``), the fetch stage's own first."""
    name = document.strip()
    if name.lower().endswith(".pdf"):
        return [re.sub(r"[^A-Za-z0-9._+\-]+", "_", Path(name).stem)]
    slugs = []
    try:
        from pipeline.fetch.ids import normalize_paper_id

        paper = normalize_paper_id(name)
        if paper.kind != "local":
            slugs.append(paper.slug)
            if paper.arxiv_id:
                slugs.append(paper.arxiv_id.replace("/", "_"))
    except ReproError:
        pass  # not an id the fetch stage knows: fall back to the plain spelling below
    slugs.append(
        re.sub(r"[^A-Za-z0-9._+\-]+", "_", re.sub(r"^(arxiv:|doi:)", "", name, flags=re.IGNORECASE))
    )
    return list(dict.fromkeys(s for s in slugs if s and s not in {".", ".."}))


@dataclass
class Highlight:
    """Where a quote is: the PDF, the page, and boxes in PDF points (x0, y0, x1, y1)."""

    pdf: Path | None
    page: int | None
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    method: str = "none"  # bbox (from provenance), search (quote found on the page), none

    def as_json(self, width: float | None = None, height: float | None = None) -> dict[str, object]:
        return {
            "document": self.pdf.name if self.pdf else None,
            "page": self.page,
            "found": bool(self.boxes),
            "method": self.method,
            "boxes": [list(b) for b in self.boxes],
            "page_size": [width, height] if width else None,
        }


class SourceFiles:
    """Maps a cut's ``provenance.document`` to a PDF file of this run (or the paper cache)."""

    def __init__(self, run_dir: Path, papers_dir: Path, selection: SelectionList) -> None:
        self.run_dir = run_dir
        self.papers_dir = papers_dir
        self.paper_id = selection.paper.id
        self.main = self._main_pdf()

    def _main_pdf(self) -> Path | None:
        doc_json = RunDir(self.run_dir).document
        if doc_json.is_file():
            source = json.loads(doc_json.read_text(encoding="utf-8")).get("source", {})
            path = Path(source.get("path", ""))
            if not path.is_absolute():
                path = (
                    (self.run_dir / path)
                    if (self.run_dir / path).is_file()
                    else self.papers_dir.parent / path
                )
            if path.suffix.lower() == ".pdf" and path.is_file():
                return path
        return self._cached(self.paper_id)

    def _cached(self, document: str) -> Path | None:
        """``papers/<slug>/paper.pdf`` (the fetch cache) or ``<run>/cited/<slug>.pdf``."""
        for slug in paper_slugs(document):
            for pdf in (
                self.papers_dir / slug / "paper.pdf",
                self.run_dir / "cited" / f"{slug}.pdf",
            ):
                if pdf.is_file():
                    return pdf
            pdfs = (
                sorted((self.papers_dir / slug).glob("*.pdf"))
                if (self.papers_dir / slug).is_dir()
                else []
            )
            if pdfs:
                return pdfs[0]
        return None

    def is_main(self, document: str) -> bool:
        names = set(paper_slugs(self.paper_id))
        if self.main is not None:
            names |= {self.main.stem, *paper_slugs(self.main.name)}
        return bool(names & set(paper_slugs(document)))

    def pdf_for(self, document: str | None) -> Path | None:
        if not document or self.is_main(document):
            return self.main
        return self._cached(document)


def _open(pdf: Path):  # type: ignore[no-untyped-def]
    import pymupdf

    try:
        return pymupdf.open(pdf, filetype="pdf")
    except Exception as err:  # pymupdf raises its own FileDataError/RuntimeError kinds
        raise ParseError(f"cannot open {pdf} as a PDF: {err}", path=pdf) from err


def search_quote(page, quote: str) -> list[tuple[float, float, float, float]]:  # type: ignore[no-untyped-def]
    """Boxes of ``quote`` on ``page``: the whole sentence, else its word windows (line-break
    tolerant).

    PDFs spell 'efficiency' with a ligature glyph; the quote may or may not. So the quote is tried
    as given, then with ligatures expanded (NFKC) and the parser's sub/superscript marks dropped,
    against the page's text with ligatures expanded.
    """
    import pymupdf

    text = " ".join(quote.split())
    if not text:
        return []
    expanded = (
        pymupdf.TEXT_DEHYPHENATE | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    )
    plain = unicodedata.normalize("NFKC", text)
    # the parser writes sub/superscripts as p_T, E^miss_T; the PDF's text layer has pT or Emiss T
    variants = list(
        dict.fromkeys(
            [plain, re.sub(r"[_^{}]", "", plain), " ".join(re.sub(r"[_^{}]", " ", plain).split())]
        )
    )
    hits = page.search_for(text)
    for variant in variants:
        hits = hits or page.search_for(variant, flags=expanded)
    for size in WINDOW_WORDS:
        for variant in variants:
            words = variant.split()
            if hits or len(words) <= size:
                continue
            for start in range(0, len(words) - size + 1, max(1, size // 2)):
                hits += page.search_for(" ".join(words[start : start + size]), flags=expanded)
    return merge_lines([(r.x0, r.y0, r.x1, r.y1) for r in hits])


def merge_lines(
    boxes: list[tuple[float, float, float, float]],
) -> list[tuple[float, float, float, float]]:
    """One box per text line: glyph-sized hits (math, ligatures) would otherwise clutter the page.

    Hits whose vertical centres fall within half a line of each other form a line; the line spans
    their union horizontally and their median top/bottom vertically, so one tall glyph (|eta|)
    does not stretch it over the next line.
    """
    lines: list[list[tuple[float, float, float, float]]] = []
    for box in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        centre, height = (box[1] + box[3]) / 2, box[3] - box[1]
        if lines:
            last = lines[-1]
            last_centre = sorted((b[1] + b[3]) / 2 for b in last)[len(last) // 2]
            if abs(centre - last_centre) < 0.5 * min(height, *(b[3] - b[1] for b in last)):
                last.append(box)
                continue
        lines.append([box])
    merged = []
    for line in lines:
        tops, bottoms = sorted(b[1] for b in line), sorted(b[3] for b in line)
        # separate columns of a two-column page stay separate boxes
        for group in _columns(sorted(line)):
            merged.append(
                (
                    round(min(b[0] for b in group), 1),
                    round(tops[len(tops) // 2], 1),
                    round(max(b[2] for b in group), 1),
                    round(bottoms[len(bottoms) // 2], 1),
                )
            )
    return merged


def _columns(
    line: list[tuple[float, float, float, float]], gap: float = 12.0
) -> list[list[tuple[float, float, float, float]]]:
    groups = [[line[0]]]
    for box in line[1:]:
        if box[0] - max(b[2] for b in groups[-1]) > gap:
            groups.append([box])
        else:
            groups[-1].append(box)
    return groups


def locate(
    pdf: Path | None,
    quote: str,
    page: int | None,
    bbox: list[tuple[float, float, float, float]] | None = None,
) -> Highlight:
    """Where to highlight: the recorded boxes, else the quote searched on its page (or every page).

    Cached per (file, modification time, quote, page, boxes): paging back and forth through
    thirty cuts must not search the PDF again each time.
    """
    if pdf is None:
        return Highlight(None, page)
    spot = _locate_cached(
        str(pdf), pdf.stat().st_mtime, quote, page, tuple(tuple(b) for b in bbox or ())
    )
    return Highlight(pdf, spot.page, list(spot.boxes), spot.method)


@lru_cache(maxsize=512)
def _locate_cached(
    pdf: str,
    mtime: float,
    quote: str,
    page: int | None,
    bbox: tuple[tuple[float, float, float, float], ...],
) -> Highlight:
    with _open(Path(pdf)) as doc:
        if bbox and page and 1 <= page <= doc.page_count:
            return Highlight(Path(pdf), page, _refine(doc[page - 1], quote, list(bbox)), "bbox")
        pages = [page] if page and 1 <= page <= doc.page_count else range(1, doc.page_count + 1)
        for number in pages:
            boxes = search_quote(doc[number - 1], quote)
            if boxes:
                return Highlight(Path(pdf), number, boxes, "search")
    return Highlight(Path(pdf), page if page else None)


def _refine(
    page, quote: str, bbox: list[tuple[float, float, float, float]]
) -> list[tuple[float, float, float, float]]:  # type: ignore[no-untyped-def]
    """The quote's own lines inside a recorded box (parsers record whole paragraphs), else the
    box."""
    import pymupdf

    areas = [pymupdf.Rect(*box) + (-2, -2, 2, 2) for box in bbox]
    hits = [
        b
        for b in search_quote(page, quote)
        if any(area.intersects(pymupdf.Rect(*b)) for area in areas)
    ]
    return hits or merge_lines(list(bbox))


def locate_cut(sources: SourceFiles, cut: Cut) -> Highlight:
    prov = cut.provenance
    if prov is None:
        return Highlight(sources.main, None)
    pdf = sources.pdf_for(prov.document)
    boxes = [
        (b.x0, b.y0, b.x1, b.y1) for b in prov.bbox if prov.page is None or b.page == prov.page
    ]
    page = prov.page or (prov.bbox[0].page if prov.bbox else None)
    return locate(pdf, prov.quote, page, boxes)


@lru_cache(maxsize=64)
def _page_size(pdf: str, mtime: float, page: int) -> tuple[float, float]:
    with _open(Path(pdf)) as doc:
        rect = doc[page - 1].rect
        return rect.width, rect.height


def page_size(pdf: Path, page: int) -> tuple[float, float]:
    return _page_size(str(pdf), pdf.stat().st_mtime, page)


def render_page(highlight: Highlight, zoom: float = ZOOM) -> bytes:
    """PNG of the highlighted page, the quote's boxes painted translucent yellow with an outline."""
    import pymupdf

    if highlight.pdf is None or highlight.page is None:
        raise ParseError(
            "no page to render: the cut has no source page", hint="the quote could not be placed"
        )
    with _open(highlight.pdf) as doc:
        if not 1 <= highlight.page <= doc.page_count:
            raise ParseError(
                f"page {highlight.page} is not in {highlight.pdf.name} ({doc.page_count} pages)"
            )
        page = doc[highlight.page - 1]
        for box in highlight.boxes:
            rect = pymupdf.Rect(*box) + (-1.5, -1.5, 1.5, 1.5)
            page.draw_rect(
                rect, color=(0.9, 0.45, 0.0), fill=HIGHLIGHT, fill_opacity=0.35, width=0.8
            )
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")  # type: ignore[no-any-return]
