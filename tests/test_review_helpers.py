"""A real run directory to review, built from the ATLAS paper arXiv:1312.1956 in ../shared.

The cuts quote sentences of the paper as they appear in its text layer (found with PyMuPDF);
some carry the recorded bounding boxes, some only a page, one no page at all, so the review
page has to search for the quote; one quotes with a ligature the PDF spells differently.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pymupdf
import pytest

from pipeline.io import sha256_file, write_json_atomic
from pipeline.parse.document import Document, Page, SourceInfo
from pipeline.review.sources import SourceFiles, locate_cut
from pipeline.selection.models import SelectionList
from pipeline.selection.store import parse_selection, save_selection
from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[1]
PAPER = ("corpus", "papers", "arXiv-1312.1956.pdf")
ELECTRONS = (
    "Selected electrons are required to have transverse momentum pT > 25 GeV and pseudorapidity "
    "in the range |η| < 2.47, excluding the calorimeter barrel/end-cap transition region "
    "1.37 < |η| < 1.52."
)
MUONS = "Muons are required to have transverse momentum pT > 25 GeV and |η| < 2.5."
MUON_ISO = "Muons with Iµ < 0.05 are selected."
JETS = "Jets are required to have pT > 25 GeV and |η| < 2.5."
BJETS = "A 70% tagging efficiency is achieved in identifying b-jets with pT > 20 GeV and |η| < 2.5"
EVENTS = "exactly one lepton and at least four jets"
CR3 = "at least four jets, exactly one lepton, at least two b-tagged jets, and"


def _boxes(pdf: Path, page: int, quote: str) -> list[dict[str, float]]:
    with pymupdf.open(pdf) as doc:
        return [
            dict(page=page, x0=r.x0, y0=r.y0, x1=r.x1, y1=r.y1)
            for r in doc[page - 1].search_for(quote)
        ]


def _prov(pdf: Path, quote: str, page: int | None, with_bbox: bool) -> dict[str, Any]:
    prov: dict[str, Any] = {
        "source": "paper",
        "document": "arXiv:1312.1956",
        "quote": quote,
        "page": page,
    }
    if with_bbox and page:
        prov["bbox"] = _boxes(pdf, page, quote)
    return prov


def selection_data(pdf: Path) -> dict[str, Any]:
    """The selection list an extractor would produce for the paper's object and event selection."""

    def cut(
        cid: str, desc: str, quote: str, page: int | None, bbox: bool = False, **form: Any
    ) -> dict[str, Any]:
        return {
            "id": cid,
            "description": desc,
            "provenance": _prov(pdf, quote, page, bbox),
            "status": "verified",
            "confidence": 0.9,
            "agreement": 1.0,
            **form,
        }

    obj = {"scope": "object"}
    return {
        "paper": {
            "id": "arXiv:1312.1956",
            "title": "Search for a multi-Higgs-boson cascade in W+W-bb events",
        },
        "analysis": {"experiment": "ATLAS", "sqrt_s_tev": 8.0, "luminosity_fb": 20.3},
        "objects": [
            {
                "name": "electrons",
                "kind": "electron",
                "cuts": [
                    cut(
                        "el_pt",
                        "electron transverse momentum",
                        ELECTRONS,
                        4,
                        True,
                        target="electrons",
                        variable="pt",
                        op=">",
                        value=25,
                        unit="GeV",
                        **obj,
                    ),
                    cut(
                        "el_eta",
                        "electron pseudorapidity",
                        ELECTRONS,
                        4,
                        False,
                        target="electrons",
                        variable="eta",
                        abs=True,
                        op="<",
                        value=2.47,
                        unit="none",
                        **obj,
                    ),
                    cut(
                        "el_crack",
                        "exclude the barrel/end-cap transition",
                        ELECTRONS,
                        None,
                        False,
                        target="electrons",
                        variable="eta",
                        abs=True,
                        op="outside",
                        value=[1.37, 1.52],
                        unit="none",
                        **obj,
                    ),
                ],
            },
            {
                "name": "muons",
                "kind": "muon",
                "cuts": [
                    cut(
                        "mu_pt",
                        "muon transverse momentum",
                        MUONS,
                        4,
                        True,
                        target="muons",
                        variable="pt",
                        op=">",
                        value=25,
                        unit="GeV",
                        **obj,
                    ),
                    cut(
                        "mu_eta",
                        "muon pseudorapidity",
                        MUONS,
                        4,
                        False,
                        target="muons",
                        variable="eta",
                        abs=True,
                        op="<",
                        value=2.5,
                        unit="none",
                        **obj,
                    ),
                    cut(
                        "mu_iso",
                        "muon track isolation",
                        MUON_ISO,
                        4,
                        True,
                        target="muons",
                        expr="ptcone30 / pt < 0.05",
                        unit="none",
                        **obj,
                    ),
                ],
            },
            {
                "name": "jets",
                "kind": "jet",
                "cuts": [
                    cut(
                        "jet_pt",
                        "jet transverse momentum",
                        JETS,
                        3,
                        True,
                        target="jets",
                        variable="pt",
                        op=">",
                        value=25,
                        unit="GeV",
                        **obj,
                    ),
                    cut(
                        "jet_eta",
                        "jet pseudorapidity",
                        JETS,
                        3,
                        False,
                        target="jets",
                        variable="eta",
                        abs=True,
                        op="<",
                        value=2.5,
                        unit="none",
                        **obj,
                    ),
                ],
            },
            {
                "name": "bjets",
                "kind": "bjet",
                "cuts": [
                    {
                        **cut(
                            "bjet_pt",
                            "b-jet transverse momentum",
                            BJETS,
                            4,
                            False,
                            target="bjets",
                            variable="pt",
                            op=">",
                            value=30,
                            unit="GeV",
                            **obj,
                        ),
                        "status": "unverified",
                        "agreement": 0.4,
                        "confidence": 0.5,
                        "grounding": {
                            "found": True,
                            "numbers_match": False,
                            "score": 0.8,
                            "reason": "30 not in quote",
                        },
                    },
                ],
            },
        ],
        "selection": [
            cut(
                "one_lepton",
                "exactly one lepton",
                EVENTS,
                6,
                True,
                expr="count(electrons) + count(muons) == 1",
            ),
            cut("four_jets", "at least four jets", EVENTS, 6, False, expr="count(jets) >= 4"),
        ],
        "regions": [
            {
                "name": "CR3",
                "cuts": [
                    cut(
                        "cr3_bjets",
                        "at least two b-tagged jets",
                        CR3,
                        6,
                        False,
                        expr="count(bjets) >= 2",
                    ),
                ],
            }
        ],
        "assumptions": [
            {
                "id": "btag_wp",
                "topic": "b-tagging working point",
                "unstated": "the open-data tagger is not MV1",
                "choice": "use the 77% working point flag",
                "rationale": "closest available",
            }
        ],
        "producer": "rules",
    }


def build_run(home: Path, run_id: str = "run-1") -> Path:
    """``home/outputs/1312.1956/<run_id>/`` with document.json and selection.extracted.json."""
    pdf = shared_path(*PAPER)
    run_dir = home / "outputs" / "1312.1956" / run_id
    with pymupdf.open(pdf) as doc:
        pages = [
            Page(number=i + 1, width=p.rect.width, height=p.rect.height) for i, p in enumerate(doc)
        ]
    document = Document(
        source=SourceInfo(
            paper_id="arXiv:1312.1956", path=str(pdf), sha256=sha256_file(pdf), backend="pymupdf"
        ),
        title="Search for a multi-Higgs-boson cascade",
        pages=pages,
    )
    write_json_atomic(run_dir / "document.json", document.model_dump(mode="json"))
    save_selection(parse_selection(selection_data(pdf)), run_dir / "selection.extracted.json")
    return run_dir


@pytest.mark.parametrize(
    "cut_id, method",
    [
        ("el_pt", "bbox"),
        ("el_eta", "search"),
        ("el_crack", "search"),
        ("jet_eta", "search"),
        ("bjet_pt", "search"),
        ("cr3_bjets", "search"),
    ],
)
def test_every_quote_is_placed_on_its_page(repro_home: Path, cut_id: str, method: str) -> None:
    run_dir = build_run(repro_home)
    selection = SelectionList.model_validate_json(
        (run_dir / "selection.extracted.json").read_text()
    )
    sources = SourceFiles(run_dir, repro_home / "papers", selection)
    cut = next(c for c in selection.all_cuts() if c.id == cut_id)
    spot = locate_cut(sources, cut)
    assert spot.method == method
    assert spot.page == {"cr3_bjets": 6, "jet_eta": 3}.get(cut_id, 4)
    assert spot.boxes, f"quote of {cut_id} not found on page {spot.page}"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(home: Path, *args: str, host: str = "127.0.0.1") -> Iterator[str]:
    """``reproduce serve ARGS`` as a real subprocess on a free port; yields its base URL on
    ``host``."""
    port = free_port()
    env = {**os.environ, "REPRO_HOME": str(home), "REPRO_REVIEWER": "server-default"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.main", "serve", *args, "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"server exited: {proc.communicate()[1]}")
            try:
                httpx.get(base + "/static/review.css", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize("quote", [BJETS, BJETS.replace("efficiency", "eﬃciency")])
def test_ligatures_either_way_highlight_the_whole_sentence(quote: str) -> None:
    from pipeline.review.sources import locate

    pdf = shared_path(*PAPER)
    spot = locate(pdf, quote, 4)
    with pymupdf.open(pdf) as doc:
        inside = " ".join(doc[3].get_textbox(pymupdf.Rect(*box)) for box in spot.boxes)
    assert "70%" in inside and "identifying" in inside and "20 GeV" in inside
