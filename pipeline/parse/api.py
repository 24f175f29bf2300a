"""The parse stage's entry points: choose a backend, check the result, read/write JSON."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from pipeline.config import Settings, load_settings
from pipeline.errors import ParseError, UsageError
from pipeline.fetch import PaperEntry, fetch_paper, load_entry
from pipeline.io import sha256_file, write_json_atomic
from pipeline.parse.document import Document, Section

Backend = Literal["auto", "pymupdf", "latex", "grobid"]
BACKENDS: tuple[str, ...] = ("auto", "pymupdf", "latex", "grobid")


def _entry_for(
    path_or_entry: PaperEntry | Path | str, settings: Settings | None
) -> PaperEntry | Path:
    """A cache entry, or a plain file (PDF, TEI, LaTeX source) to parse directly."""
    if isinstance(path_or_entry, PaperEntry):
        return path_or_entry
    path = Path(path_or_entry).expanduser()
    if path.is_dir() and (path / "meta.json").is_file():
        return load_entry(path)
    if path.is_file():
        return path  # a local file is parsed in place, not copied into the cache
    return fetch_paper(str(path_or_entry), settings or load_settings())


def _choose(backend: str, entry: PaperEntry | Path, settings: Settings | None) -> str:
    if backend not in BACKENDS:
        raise UsageError(
            f"unknown parse backend {backend!r}", hint=f"choose one of {', '.join(BACKENDS)}"
        )
    if backend != "auto":
        return backend
    grobid = settings is not None and bool(settings.grobid_url)
    if isinstance(entry, Path):
        name = entry.name.lower()
        if name.endswith(".xml"):
            return "grobid"
        if re.search(r"\.(tex|gz|tgz)$", name):
            return "latex"
        return "grobid" if grobid else "pymupdf"
    if grobid:
        return "grobid"
    return "latex" if entry.source_path is not None else "pymupdf"


def parse_document(
    path_or_entry: PaperEntry | Path | str,
    backend: Backend | str = "auto",
    settings: Settings | None = None,
    *,
    detect_tables: bool = False,
) -> Document:
    """Parse a paper (cache entry, paper id, PDF, TEI file or LaTeX source) into a Document.

    ``auto``: GROBID when ``settings.grobid_url`` is set, else the LaTeX source when the
    paper has one (falling back to PyMuPDF if the source cannot be used), else PyMuPDF.
    """
    entry = _entry_for(path_or_entry, settings)
    doc = _parse(entry, _choose(backend, entry, settings), backend, settings, detect_tables)
    if isinstance(entry, PaperEntry):  # arXiv's metadata beats what layout analysis guesses
        meta = entry.meta
        doc.title = meta.title or doc.title
        doc.authors = meta.authors or doc.authors
        doc.abstract = doc.abstract or meta.abstract
    return doc


def _parse(
    entry: PaperEntry | Path,
    chosen: str,
    backend: str,
    settings: Settings | None,
    detect_tables: bool,
) -> Document:
    if isinstance(entry, Path):
        with entry.open("rb") as handle:
            is_pdf = entry.suffix.lower() == ".pdf" or handle.read(5).startswith(b"%PDF")
        paper_id, pdf, source = entry.name, (entry if is_pdf else None), (None if is_pdf else entry)
    else:
        paper_id, pdf, source = entry.paper_id, entry.pdf_path, entry.source_path
    if chosen == "pymupdf":
        if pdf is None:
            raise UsageError(f"{source} is not a PDF", hint="--backend pymupdf needs a PDF")
        return check_document(_pymupdf(pdf, paper_id, detect_tables))
    if chosen == "latex":
        return _latex(source, pdf, paper_id, backend, detect_tables)
    target = pdf if pdf is not None else source
    assert target is not None
    return check_document(_grobid(target, paper_id, settings))


def _pymupdf(pdf: Path, paper_id: str, detect_tables: bool) -> Document:
    from pipeline.parse.pdf_backend import parse_pdf

    return parse_pdf(pdf, paper_id, sha256_file(pdf), detect_tables=detect_tables)


def _latex(
    source: Path | None, pdf: Path | None, paper_id: str, requested: str, detect_tables: bool
) -> Document:
    from pipeline.parse.latex_backend import parse_latex

    if source is None or source.suffix.lower() == ".pdf":
        if requested == "latex":
            raise UsageError(f"{paper_id} has no LaTeX source", hint="use --backend pymupdf")
        assert pdf is not None
        return check_document(_pymupdf(pdf, paper_id, detect_tables))
    try:
        return check_document(parse_latex(source, paper_id, sha256_file(source), pdf))
    except ParseError as err:
        if requested == "latex" or pdf is None:
            raise
        doc = check_document(_pymupdf(pdf, paper_id, detect_tables))
        doc.warnings.append(f"LaTeX source not usable ({err.message}); parsed the PDF instead")
        return doc


def _grobid(path: Path, paper_id: str, settings: Settings | None) -> Document:
    from pipeline.parse.grobid_backend import grobid_tei, parse_tei

    if path.name.lower().endswith(".xml"):
        return parse_tei(path.read_bytes(), paper_id, str(path), sha256_file(path))
    if settings is None or not settings.grobid_url:
        raise UsageError(
            "the GROBID backend needs a server URL",
            hint="set REPRO_GROBID_URL (e.g. http://localhost:8070) or [grobid] url",
        )
    tei = grobid_tei(path, settings.grobid_url, settings.network_timeout)
    return parse_tei(tei, paper_id, str(path), sha256_file(path))


def check_document(doc: Document) -> Document:
    """Refuse documents that are clearly not papers (no headings, no references, little text)."""
    if not doc.sections and not doc.references and len(doc.text.split()) < 1500:
        raise ParseError(
            f"{doc.source.path} does not look like a paper: no section headings, no bibliography, "
            f"{len(doc.text.split())} words",
            path=Path(doc.source.path),
            hint="check that this is the right file; papers have sections and references",
        )
    return doc


def write_document(doc: Document, path: str | Path) -> Path:
    """Write ``document.json`` atomically (a crash never leaves half a file)."""
    return write_json_atomic(path, doc.model_dump(mode="json"))


def load_document(path: str | Path) -> Document:
    target = Path(path)
    try:
        return Document.model_validate_json(target.read_text(encoding="utf-8"))
    except OSError as err:
        raise ParseError(
            f"cannot read {target}: {err.strerror}",
            path=target,
            hint="run `reproduce parse PAPER --out document.json` first",
        ) from err
    except ValidationError as err:
        raise ParseError(
            f"{target} is not a valid document.json ({err.error_count()} errors)",
            path=target,
            hint="re-create it with `reproduce parse`",
        ) from err


OBJECT_SECTION_PATTERNS = (
    r"object",
    r"reconstruction",
    r"identification",
    r"definition",
    r"selection",
    r"event",
    r"candidate",
    r"analysis strategy",
    r"search strategy",
    r"methodology",
    r"trigger",
    r"signal region",
    r"categor",
)


def find_sections(
    doc: Document, patterns: tuple[str, ...] | list[str] = OBJECT_SECTION_PATTERNS
) -> list[Section]:
    """Sections whose title matches any of ``patterns`` (regex, case-insensitive), in order.

    The default patterns find object-definition and event-selection sections.
    """
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    return [s for s in doc.sections if any(c.search(s.title) for c in compiled)]


def section_text(doc: Document, section: Section) -> str:
    """The text of a section (with its subsections), heading included."""
    return doc.text[section.start : section.end]


_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z(•])|\n+")


def cut_sentences(doc: Document, section: Section | None = None) -> list[tuple[int, str]]:
    """Sentences that state a numeric requirement (``p_T > 25 GeV``, ``|η| < 2.47``, ``≥ 4 jets``),
    with their offsets in ``doc.text``."""
    start = section.start if section else 0
    text = doc.text[start : section.end] if section else doc.text
    out: list[tuple[int, str]] = []
    position = 0
    for piece in _SENTENCE.split(text):
        offset = text.find(piece, position)
        position = offset + len(piece)
        if re.search(r"[<>≤≥]\s*-?\d|\d\s*[<>≤≥]|at least \w+|exactly \w+", piece):
            out.append((start + offset, piece.strip()))
    return out
