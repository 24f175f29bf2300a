"""A Document from a real PDF for the extraction tests.

Uses the project's parser (``pipeline.parse.parse_document``) when it is available and
falls back to a minimal PyMuPDF text pass (blocks, pages, spans; no sections) so the
extraction tests do not depend on the parser's progress.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.io import sha256_file
from pipeline.parse.document import Block, Document, Page, SourceInfo


@lru_cache(maxsize=32)
def load_pdf(path: Path) -> Document:
    try:
        from pipeline.parse import parse_document  # type: ignore[attr-defined]
    except ImportError:
        return simple_document(path)
    return parse_document(path)  # type: ignore[no-any-return]


def simple_document(path: Path) -> Document:
    import pymupdf

    text_parts: list[str] = []
    blocks: list[Block] = []
    pages: list[Page] = []
    offset = 0
    with pymupdf.open(path) as pdf:
        for number, page in enumerate(pdf, start=1):
            pages.append(Page(number=number, width=page.rect.width, height=page.rect.height))
            for x0, y0, x1, y1, text, _no, kind in page.get_text("blocks"):
                if kind != 0 or not text.strip():
                    continue
                text = text.strip() + "\n\n"
                blocks.append(
                    Block(
                        id=f"p{number}b{len(blocks)}",
                        page=number,
                        bbox=(x0, y0, x1, y1),
                        text=text,
                        start=offset,
                        end=offset + len(text),
                    )
                )
                text_parts.append(text)
                offset += len(text)
    source = SourceInfo(
        paper_id=path.name, path=str(path), sha256=sha256_file(path), backend="pymupdf"
    )
    return Document(source=source, pages=pages, text="".join(text_parts), blocks=blocks)
