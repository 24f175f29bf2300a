"""``reproduce demo``: the whole pipeline offline, on a note and samples the package makes itself.

The note (``note.txt``, clearly marked as an example analysis note written for the demo)
is typeset into a PDF with PyMuPDF; synthetic 2020-schema samples are generated; the
run goes through fetch (local PDF), parse, rule-based extraction, the review gate (the
hand-written reviewed list shipped beside the note plays the reviewer's part), code
generation, the sandbox, the hzz4l_paper_noisocorr baseline (the note, like the list, applies
the stored isolation cones as they are), the comparison and the report.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

from pipeline.config import Settings
from pipeline.io import write_bytes_atomic
from pipeline.locks import hold
from pipeline.rundir import RunDir

HERE = Path(__file__).resolve().parent
NOTE_TEXT = HERE / "note.txt"
REVIEWED = RunDir(HERE).reviewed
NOTE_NAME = "reproduce-demo-note.pdf"


def make_note_pdf(out: Path) -> Path:
    """Typeset the demo note (headings bold) into a PDF; same text, same PDF content."""
    import pymupdf

    doc = pymupdf.open()
    page, y = None, 0.0
    for raw in NOTE_TEXT.read_text().splitlines():
        heading = bool(re.match(r"^(\d+ [A-Z]|Abstract$|References$)", raw))
        title = raw.startswith("Selection of H") or raw.startswith("EXAMPLE ANALYSIS NOTE")
        size = 13 if title else 11 if heading else 9
        for line in textwrap.wrap(raw, 105) or [""]:
            if page is None or y > 790:
                page, y = doc.new_page(width=595, height=842), 60.0
            y += 5 if (heading or title) else 0
            page.insert_text(
                (45, y), line, fontsize=size, fontname="hebo" if (heading or title) else "helv"
            )
            y += size + 4
    doc.set_metadata(
        {"title": "Example analysis note written for the reproduce demo", "author": "reproduce"}
    )
    # atomic: a process killed while saving must not leave a half PDF that looks like the note
    return write_bytes_atomic(out, doc.tobytes(garbage=3, deflate=True, no_new_id=True))


def run_demo(
    settings: Settings, progress: Callable[[str], None], *, events: int = 60_000, seed: int = 1
) -> Path:
    """Make the note and the samples (once), then run the pipeline; returns the run directory."""
    from pipeline.data.synthetic import generate
    from pipeline.run.options import RunOptions
    from pipeline.run.reproduce import reproduce

    base = settings.home / "demo"
    pdf = base / NOTE_NAME
    # another demo may be making the same note or samples: each is made under its lock, once
    with hold(pdf, what="demo note", wait_s=settings.lock_wait, progress=progress):
        if not pdf.is_file():
            make_note_pdf(pdf)
            progress(
                f"wrote the demo note {pdf} (an example written for the demo, not a physics result)"
            )
    data = base / f"synthetic-2020-{events}-{seed}"
    with hold(data, what="synthetic samples", wait_s=settings.lock_wait, progress=progress):
        if not data.is_dir():
            progress(f"generating {events} synthetic events (2020 schema) in {data} ...")
            tmp = data.with_name(data.name + ".part")
            shutil.rmtree(tmp, ignore_errors=True)  # left by a process that was killed
            generate(tmp, release="2020", n_events=events, seed=seed)
            tmp.rename(data)
    opts = RunOptions(
        paper=str(pdf),
        data=[data],
        baseline="hzz4l_paper_noisocorr",
        reviewed=REVIEWED,
        run_id="demo",
    )
    return reproduce(opts, settings, progress)
