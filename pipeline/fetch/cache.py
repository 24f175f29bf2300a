"""The paper cache: ``papers/<slug>/`` with ``meta.json``, ``paper.pdf`` and the source.

An entry is built in a staging directory and renamed into place only when complete
(:func:`pipeline.io.atomic_directory`), so an interrupted fetch leaves nothing behind.
Lookup order: cache, then the mirror (``--mirror``/``REPRO_MIRROR``), then the network.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.config import Settings
from pipeline.errors import FetchError, UsageError
from pipeline.fetch import arxiv_api
from pipeline.fetch.ids import PaperId, normalize_paper_id
from pipeline.io import atomic_directory, sha256_file, write_bytes_atomic, write_json_atomic
from pipeline.locks import hold

META_NAME = "meta.json"
PDF_NAME = "paper.pdf"
SOURCE_NAMES = ("source.tar.gz", "source.tex.gz", "source.tex")


class FileInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sha256: str
    size: int


class PaperMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paper_id: str = Field(description="arXiv:ID (unversioned) or the local file name")
    slug: str
    origin: Literal["arxiv", "mirror", "local"]
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    version: int | None = None
    categories: list[str] = Field(default_factory=list)
    primary_category: str | None = None
    abstract: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    published: str | None = None
    updated: str | None = None
    files: dict[str, FileInfo] = Field(default_factory=dict)
    fetched_at: str
    source_url: str | None = None


class PaperEntry(BaseModel):
    """A complete cache entry; the paths are absolute."""

    model_config = ConfigDict(extra="forbid")

    dir: Path
    paper_id: str
    slug: str
    meta: PaperMeta
    pdf_path: Path
    source_path: Path | None = None


def load_entry(directory: Path) -> PaperEntry:
    """Read a cache (or mirror) entry; a missing or damaged one raises ``FetchError``."""
    meta_path = directory / META_NAME
    try:
        meta = PaperMeta.model_validate_json(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as err:
        raise FetchError(
            f"cache entry {directory} is damaged ({type(err).__name__})",
            hint="run the fetch again with --refresh",
        ) from err
    missing = [name for name in meta.files if not (directory / name).is_file()]
    if missing or PDF_NAME not in meta.files:
        raise FetchError(
            f"cache entry {directory} lacks {missing or [PDF_NAME]}",
            hint="run the fetch again with --refresh",
        )
    source = next((directory / n for n in SOURCE_NAMES if n in meta.files), None)
    return PaperEntry(
        dir=directory.resolve(),
        paper_id=meta.paper_id,
        slug=meta.slug,
        meta=meta,
        pdf_path=(directory / PDF_NAME).resolve(),
        source_path=source.resolve() if source else None,
    )


def _file_infos(directory: Path) -> dict[str, FileInfo]:
    return {
        p.name: FileInfo(sha256=sha256_file(p), size=p.stat().st_size)
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name != META_NAME
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _from_mirror(source: Path, target: Path) -> PaperEntry:
    mirrored = load_entry(source)
    for name, info in mirrored.meta.files.items():
        if sha256_file(source / name) != info.sha256:
            raise FetchError(
                f"mirror file {source / name} does not match its recorded sha256",
                hint="re-create the mirror entry with `reproduce fetch --refresh` "
                "on a networked machine",
            )
    with atomic_directory(target) as staging:
        for name in mirrored.meta.files:
            shutil.copyfile(source / name, staging / name)
        meta = mirrored.meta.model_copy(update={"origin": "mirror", "fetched_at": _now()})
        write_json_atomic(staging / META_NAME, meta.model_dump(mode="json"))
    return load_entry(target)


def _from_network(paper: PaperId, target: Path, settings: Settings) -> PaperEntry:
    record = arxiv_api.query_metadata(paper, settings)
    pdf = arxiv_api.download_pdf(record, settings)
    source = arxiv_api.download_source(record, settings)
    with atomic_directory(target) as staging:
        write_bytes_atomic(staging / PDF_NAME, pdf)
        if source is not None:
            write_bytes_atomic(staging / source[0], source[1])
        meta = PaperMeta(
            paper_id=f"arXiv:{record.arxiv_id}",
            slug=paper.slug,
            origin="arxiv",
            title=record.title,
            authors=record.authors,
            version=record.version,
            categories=record.categories,
            primary_category=record.primary_category,
            abstract=record.abstract,
            doi=record.doi,
            journal_ref=record.journal_ref,
            comment=record.comment,
            published=record.published,
            updated=record.updated,
            files=_file_infos(staging),
            fetched_at=_now(),
            source_url=(
                f"{settings.arxiv_export_url.rstrip('/')}/abs/{record.arxiv_id}v{record.version}"
            ),
        )
        write_json_atomic(staging / META_NAME, meta.model_dump(mode="json"))
    return load_entry(target)


def _from_local(paper: PaperId, target: Path) -> PaperEntry:
    assert paper.path is not None
    title = _pdf_title(paper.path)
    with atomic_directory(target) as staging:
        shutil.copyfile(paper.path, staging / PDF_NAME)
        meta = PaperMeta(
            paper_id=paper.path.name,
            slug=paper.slug,
            origin="local",
            title=title,
            files=_file_infos(staging),
            fetched_at=_now(),
            source_url=paper.path.as_uri(),
        )
        write_json_atomic(staging / META_NAME, meta.model_dump(mode="json"))
    return load_entry(target)


def _pdf_title(path: Path) -> str | None:
    with path.open("rb") as handle:
        if not handle.read(5).startswith(b"%PDF"):
            raise UsageError(
                f"{path} is not a PDF file (it does not start with %PDF)",
                hint="pass a PDF, or an arXiv id",
            )
    try:
        import pymupdf

        with pymupdf.open(path) as doc:
            return (doc.metadata or {}).get("title") or None
    except Exception:  # a damaged PDF is reported by the parser, with details
        return None


def _resolve_doi(paper: PaperId, settings: Settings) -> PaperId:
    """A non-arXiv DOI resolves only through an entry (cache or mirror) that records it."""
    roots = [settings.papers_dir] + ([settings.mirror] if settings.mirror else [])
    for root in roots:
        for meta_path in sorted(root.glob(f"*/{META_NAME}")) if root.is_dir() else []:
            try:
                meta = PaperMeta.model_validate_json(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValidationError):
                continue
            if meta.doi and meta.doi.lower() == (paper.doi or "").lower():
                return normalize_paper_id(meta.paper_id)
    raise FetchError(
        f"cannot resolve DOI {paper.doi} to an arXiv paper",
        hint="DOIs resolve offline only when a cached or mirrored paper records them; "
        "pass the arXiv id (arXiv:YYMM.NNNNN) or a local PDF path instead",
    )


def fetch_paper(paper: str, settings: Settings, *, refresh: bool = False) -> PaperEntry:
    """Return the cache entry for ``paper``, fetching it (mirror first, then arXiv) if needed."""
    pid = normalize_paper_id(paper)
    if pid.kind == "doi":
        pid = _resolve_doi(pid, settings)
    target = settings.papers_dir / pid.slug
    # runs of one paper share its entry: one process builds it, the others wait and read it
    with hold(target, what="paper cache entry", wait_s=settings.lock_wait):
        return _cached_or_fetched(pid, target, settings, refresh=refresh)


def _cached_or_fetched(
    pid: PaperId, target: Path, settings: Settings, *, refresh: bool
) -> PaperEntry:
    if (target / META_NAME).is_file() and not refresh:
        try:
            return load_entry(target)
        except FetchError:
            pass  # a damaged entry is simply fetched again
    if pid.kind == "local":
        return _from_local(pid, target)
    mirrored = settings.mirror / pid.slug if settings.mirror else None
    if mirrored is not None and (mirrored / META_NAME).is_file():
        return _from_mirror(mirrored, target)
    try:
        return _from_network(pid, target, settings)
    except FetchError as err:
        if settings.mirror is not None:
            err.message += f" (and the mirror {settings.mirror} has no entry {pid.slug}/)"
        raise
