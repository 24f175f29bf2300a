"""The paper's files inside a run directory, so that ``document.json`` names them relatively.

A parsed document records the file it was read from. Written as an absolute path into the
paper cache, ``document.json`` would change whenever ``REPRO_HOME`` moves or an audit
re-runs elsewhere. So the run keeps its own link (or copy) of the files parse read - the
PDF, and the LaTeX source or TEI when one was used - and the document names them relative
to the run directory (``paper.pdf``). The run then also carries the exact paper it was
made from: the review page and the report find it even when the cache is cleared.

``paper_slug`` names a paper's folder (in the cache and under ``outputs/``); it lives here,
below both the stages and the manifest, so that neither imports the other for it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from pipeline.fetch.ids import normalize_paper_id
from pipeline.io import sha256_file
from pipeline.parse.document import Document
from pipeline.rundir import RunDir

PAPER_PDF = RunDir.PAPER_PDF


def paper_slug(paper: str) -> str:
    """The folder name of ``paper`` (an arXiv id in any spelling, a DOI, a file)."""
    return normalize_paper_id(paper).slug


def keep_paper_files(doc: Document, pdf: Path | None, run_dir: Path) -> list[Path]:
    """Link ``pdf`` and the file ``doc`` was parsed from into ``run_dir``; ``doc.source.path``
    becomes that file's name there. Returns the files kept (outputs of the parse stage)."""
    parsed = Path(doc.source.path)
    pdf = pdf if pdf is not None and pdf.is_file() else None
    kept = [_link(pdf, run_dir / PAPER_PDF)] if pdf is not None else []
    if pdf is not None and parsed.is_file() and parsed.resolve() == pdf.resolve():
        doc.source.path = PAPER_PDF
        return kept
    if parsed.is_file():
        kept.append(_link(parsed, run_dir / parsed.name))
    doc.source.path = parsed.name
    return kept


def _link(source: Path, target: Path) -> Path:
    """A hard link when the file system allows, else a copy; replaced atomically, kept if equal."""
    if target.is_file() and sha256_file(target) == sha256_file(source):
        return target
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        os.link(source, tmp)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return target
