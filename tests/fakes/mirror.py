"""An offline paper mirror entry built in a temporary directory (the fetcher's mirror layout)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from pipeline.fetch.cache import META_NAME, PDF_NAME, FileInfo, PaperMeta
from pipeline.fetch.ids import normalize_paper_id
from pipeline.io import sha256_file, write_json_atomic


def add_to_mirror(mirror: Path, paper: str, pdf: Path, title: str | None = None) -> Path:
    """Put ``pdf`` into ``mirror`` as the entry of ``paper`` (e.g. 'arXiv:1605.03171')."""
    pid = normalize_paper_id(paper)
    entry = mirror / pid.slug
    entry.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, entry / PDF_NAME)
    meta = PaperMeta(
        paper_id=str(pid),
        slug=pid.slug,
        origin="arxiv",
        title=title,
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        files={
            PDF_NAME: FileInfo(
                sha256=sha256_file(entry / PDF_NAME), size=(entry / PDF_NAME).stat().st_size
            )
        },
    )
    write_json_atomic(entry / META_NAME, meta.model_dump(mode="json"))
    return entry
