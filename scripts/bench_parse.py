#!/usr/bin/env python
"""Pages per second of the PyMuPDF backend on the shared corpus (one core, one process).

Usage: python scripts/bench_parse.py [--repeat N] [--corpus DIR] [--json]
Target: at least 20 pages/s for text PDFs. Measures the full parse_pdf (layout, scripts,
normalisation, sections, bibliography, citations), not just PyMuPDF's text extraction.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.parse.pdf_backend import parse_pdf  # noqa: E402


def bench(paths: list[Path], repeat: int) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            doc = parse_pdf(path, path.name, "-")
            best = min(best, time.perf_counter() - start)
        rows.append(
            {
                "file": str(path.relative_to(path.parents[2])),
                "pages": len(doc.pages),
                "seconds": round(best, 3),
                "pages_per_s": round(len(doc.pages) / best, 1),
                "sections": len(doc.sections),
                "references": len(doc.references),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=2, help="best of N runs per file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(
            0, {sorted(os.sched_getaffinity(0))[0]}
        )  # one core, as the target says
    paths = sorted(args.corpus.rglob("*.pdf"))
    if not paths:
        print(f"no PDFs under {args.corpus}", file=sys.stderr)
        return 1
    parse_pdf(paths[0], "warm-up", "-")  # imports and font caches are not parse time
    rows = bench(paths, args.repeat)
    pages = sum(int(r["pages"]) for r in rows)
    seconds = sum(float(r["seconds"]) for r in rows)
    total = {
        "files": len(rows),
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 1),
        "target_pages_per_s": 20,
    }
    if args.json:
        print(json.dumps({"files": rows, "total": total}, indent=2))
    else:
        for row in rows:
            print(
                f"{row['pages_per_s']:>7} p/s  {row['pages']:>3} pages  {row['seconds']:>6}s  "
                f"{row['file']}"
            )
        print(
            f"total: {total['pages']} pages in {total['seconds']} s = {total['pages_per_s']} "
            "pages/s (target >= 20)"
        )
    return 0 if total["pages_per_s"] >= 20 else 3


if __name__ == "__main__":
    sys.exit(main())
