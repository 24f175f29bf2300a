"""The GROBID backend: a GROBID server turns the PDF into TEI XML; we read the TEI.

``parse_tei`` works offline on any TEI file GROBID wrote (sections from ``<div><head>``,
paragraphs, formulas, figure/table captions, tables, ``<biblStruct>`` references with
DOIs/arXiv ids, and ``<ref type="bibr">`` citations with their coordinates).
``grobid_tei`` asks a server (``REPRO_GROBID_URL``) over httpx.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pipeline.errors import ParseError
from pipeline.fetch.ids import ARXIV_IN_TEXT
from pipeline.parse.document import Citation, Document, Page, Reference, SourceInfo, Table
from pipeline.parse.normalize import normalize_text
from pipeline.parse.structure import TextBuilder, build_sections, reference_from_text

TEI = "{http://www.tei-c.org/ns/1.0}"
_NS = {"t": "http://www.tei-c.org/ns/1.0"}
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def _text(element: Any) -> str:
    return (
        normalize_text(" ".join("".join(element.itertext()).split())) if element is not None else ""
    )


def _coords(element: Any) -> tuple[int | None, tuple[float, float, float, float] | None]:
    """First box of a GROBID ``coords="page,x,y,w,h;..."`` attribute."""
    raw = element.get("coords") if element is not None else None
    if not raw:
        return None, None
    try:
        page, x, y, w, h = (float(v) for v in raw.split(";")[0].split(","))
    except ValueError:
        return None, None
    return int(page), (round(x, 2), round(y, 2), round(x + w, 2), round(y + h, 2))


def _paragraph_with_refs(element: Any) -> tuple[str, list[tuple[int, int, str, list[str]]]]:
    """Serialise a ``<p>``, remembering where each bibliographic ``<ref>`` lands."""
    parts: list[str] = [element.text or ""]
    refs: list[tuple[int, int, str, list[str]]] = []
    for child in element.iter():
        if child is element:
            continue
        if child.tag == f"{TEI}ref" and child.get("type") == "bibr":
            start = len("".join(parts))
            marker = "".join(child.itertext())
            parts.append(marker)
            targets = [t.lstrip("#") for t in (child.get("target") or "").split()]
            refs.append((start, start + len(marker), marker, targets))
        elif child.getparent() is element or child.getparent().tag != f"{TEI}ref":
            parts.append(child.text or "" if child.tag != f"{TEI}ref" else "")
        parts.append(child.tail or "")
    raw = "".join(parts)
    # whitespace collapsing shifts offsets; recompute them on the collapsed text
    text = " ".join(raw.split())
    fixed, cursor = [], 0
    for _start, _end, marker, targets in refs:
        found = text.find(marker.strip(), cursor)
        if found >= 0:
            fixed.append((found, found + len(marker.strip()), marker.strip(), targets))
            cursor = found + len(marker.strip())
    return text, fixed


def _references(root: Any) -> tuple[list[Reference], dict[str, str]]:
    refs: list[Reference] = []
    keys: dict[str, str] = {}
    for index, bibl in enumerate(
        root.iterfind(".//t:div[@type='references']//t:biblStruct", _NS), 1
    ):
        key = str(index)
        keys[bibl.get(_XML_ID) or f"b{index - 1}"] = key
        raw = bibl.find(".//t:note[@type='raw_reference']", _NS)
        text = _text(raw) if raw is not None else _text(bibl)
        base = reference_from_text(key, text)
        title = bibl.find("t:analytic/t:title", _NS)
        if title is None:
            title = bibl.find("t:monogr/t:title", _NS)
        doi = bibl.find(".//t:idno[@type='DOI']", _NS)
        arxiv = bibl.find(".//t:idno[@type='arXiv']", _NS)
        page, bbox = _coords(bibl)
        refs.append(
            base.model_copy(
                update={
                    "title": _text(title) or base.title,
                    "doi": _text(doi) or base.doi,
                    "arxiv_id": _arxiv(_text(arxiv)) or base.arxiv_id,
                    "page": page,
                    "bbox": bbox,
                }
            )
        )
    return refs, keys


def _arxiv(text: str) -> str | None:
    match = ARXIV_IN_TEXT.search(text if text.lower().startswith("arxiv") else f"arXiv:{text}")
    return (match.group("id") or match.group("old")) if match and text else None


def _table(figure: Any, index: int) -> Table:
    page, bbox = _coords(figure)
    rows = [
        [_text(cell) for cell in row.iterfind("t:cell", _NS)]
        for row in figure.iterfind(".//t:table/t:row", _NS)
    ]
    caption = " ".join(
        filter(None, (_text(figure.find("t:head", _NS)), _text(figure.find("t:figDesc", _NS))))
    )
    return Table(id=f"t{index}", page=page or 1, bbox=bbox, caption=caption or None, rows=rows)


def _pages(root: Any) -> list[Page]:
    return [
        Page(number=int(s.get("n")), width=float(s.get("lrx")), height=float(s.get("lry")))
        for s in root.iterfind(".//t:facsimile/t:surface", _NS)
    ]


def parse_tei(data: bytes, paper_id: str, path: str, sha256: str) -> Document:
    """Parse GROBID TEI; malformed XML or a non-TEI document raise ``ParseError``."""
    from lxml import etree

    try:
        root = etree.fromstring(
            data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        )
    except etree.XMLSyntaxError as err:
        raise ParseError(
            f"{path} is not valid TEI XML ({err})",
            path=Path(path),
            hint="the GROBID output is truncated; run GROBID again",
        ) from err
    if root.tag != f"{TEI}TEI":
        raise ParseError(
            f"{path} is not a TEI document (root <{etree.QName(root).localname}>)",
            path=Path(path),
            hint="pass GROBID's .tei.xml output",
        )
    references, keys = _references(root)
    builder, citations = TextBuilder(), []
    title = _text(root.find(".//t:titleStmt/t:title", _NS)) or None
    if title:
        builder.add("title", title, 1)
    abstract = _text(root.find(".//t:profileDesc/t:abstract", _NS)) or None
    if abstract:
        builder.add("abstract", abstract, 1)
    for div in root.iterfind(".//t:text/t:body/t:div", _NS):
        citations.extend(_div(div, builder, keys))
    for div in root.iterfind(".//t:text/t:back/t:div", _NS):
        if div.get("type") != "references":
            citations.extend(_div(div, builder, keys))
    if references:
        builder.add("heading", "References", references[0].page or 1)
        for ref in references:
            builder.add("reference", f"[{ref.key}] {ref.text}", ref.page or 1, ref.bbox, "\n")
    for figure in root.iterfind(".//t:figure", _NS):
        if figure.get("type") != "table":
            caption = " ".join(
                filter(
                    None, (_text(figure.find("t:head", _NS)), _text(figure.find("t:figDesc", _NS)))
                )
            )
            if caption:
                page, bbox = _coords(figure)
                builder.add("caption", caption, page or 1, bbox)
    tables = [
        _table(f, i) for i, f in enumerate(root.iterfind(".//t:figure[@type='table']", _NS), 1)
    ]
    authors = [_text(p) for p in root.iterfind(".//t:sourceDesc//t:author/t:persName", _NS)]
    return Document(
        source=SourceInfo(
            paper_id=paper_id, path=path, sha256=sha256, backend="grobid", kind="tei"
        ),
        title=title,
        authors=authors,
        abstract=abstract,
        pages=_pages(root),
        text=builder.text,
        blocks=builder.blocks,
        sections=build_sections(builder.blocks, builder.length),
        references=references,
        citations=citations,
        tables=tables,
        warnings=[] if references else ["no bibliography found"],
    )


def _div(div: Any, builder: TextBuilder, keys: dict[str, str]) -> list[Citation]:
    citations: list[Citation] = []
    head = div.find("t:head", _NS)
    if head is not None and _text(head):
        page, bbox = _coords(head)
        number = head.get("n")
        text = _text(head)
        builder.add("heading", f"{number} {text}" if number else text, page or 1, bbox)
    for child in div:
        if child.tag == f"{TEI}p":
            text, refs = _paragraph_with_refs(child)
            text = normalize_text(text)
            page, bbox = _coords(child) if child.get("coords") else _coords(child.find("t:s", _NS))
            block = builder.add("paragraph", text, page or 1, bbox)
            for start, end, marker, targets in refs:
                resolved = [keys[t] for t in targets if t in keys]
                if resolved:
                    citations.append(
                        Citation(
                            marker=marker,
                            keys=resolved,
                            start=block.start + start,
                            end=block.start + end,
                            page=block.page,
                        )
                    )
        elif child.tag == f"{TEI}formula":
            page, bbox = _coords(child)
            builder.add("equation", _text(child), page or 1, bbox)
    return citations


# what grobid-client-python sent for tei_coordinates=True: boxes for these TEI elements
_COORDINATES = (
    "title",
    "persName",
    "affiliation",
    "orgName",
    "formula",
    "figure",
    "ref",
    "biblStruct",
    "head",
    "p",
    "s",
    "note",
)
_HINT_DOWN = (
    "start GROBID (docker run -p 8070:8070 grobid/grobid) or unset "
    "REPRO_GROBID_URL to use the PyMuPDF backend"
)


def grobid_tei(pdf: Path, url: str, timeout: float) -> bytes:
    """Send ``pdf`` to the GROBID server at ``url``; returns the TEI bytes.

    Over the project's HTTP client (:mod:`pipeline.fetch.http_client`): a busy server (503)
    or a dropped connection is retried a few times, then reported, never waited on for ever.
    """
    import httpx

    from pipeline.fetch import http_client

    base = url.rstrip("/")
    try:
        alive = http_client.get(f"{base}/api/isalive", timeout=timeout)
        status: int | str = alive.status_code
    except httpx.HTTPError as err:
        alive, status = None, f"no connection: {type(err).__name__}"
    if alive is None or alive.status_code != 200:
        raise ParseError(
            f"the GROBID server at {url} is not answering (status {status})",
            path=pdf,
            hint=_HINT_DOWN,
        )
    form = {
        "generateIDs": "1",
        "includeRawCitations": "1",
        "teiCoordinates": list(_COORDINATES),
    }
    try:
        answer = http_client.request(
            "POST",
            f"{base}/api/processFulltextDocument",
            timeout=timeout,
            data=form,
            files={"input": (pdf.name, pdf.read_bytes(), "application/pdf")},
            headers={"Accept": "text/plain"},
        )
    except httpx.HTTPError as err:
        raise ParseError(
            f"GROBID failed on {pdf} ({type(err).__name__} after {http_client.ATTEMPTS} attempts)",
            path=pdf,
            hint=_HINT_DOWN,
        ) from err
    if answer.status_code != 200 or not answer.content:
        retried = answer.status_code in http_client.RETRY_STATUSES
        after = f" after {http_client.ATTEMPTS} attempts" if retried else ""
        raise ParseError(
            f"GROBID failed on {pdf} (HTTP {answer.status_code}{after}: {answer.text[:200]})",
            path=pdf,
            hint="check the GROBID server log; --backend pymupdf works without it",
        )
    return re.sub(rb"^\s+", b"", answer.content)
