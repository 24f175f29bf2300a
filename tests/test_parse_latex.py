"""The LaTeX backend: exact math from the source, numbered sections and references, page mapping."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import Settings, load_settings
from pipeline.errors import ParseError
from pipeline.fetch import fetch_paper
from pipeline.parse import cut_sentences, find_sections, parse_document, section_text
from tests.fakes.arxiv_server import FakeArxiv, FakePaper, make_paper_pdf, make_source_tarball

MAIN = r"""\documentclass{revtex4}
\newcommand{\pt}{\ensuremath{p_{\mathrm{T}}}}
\newcommand{\GeV}{\ensuremath{\text{Ge\kern -0.1em V}}}
\def\met{E_{\mathrm{T}}^{\mathrm{miss}}}
\title{Search for a multi-Higgs-boson cascade}
\begin{document}
\maketitle
\begin{abstract}
A search is presented. % not printed
\end{abstract}
\section{Introduction}
A Higgs boson has been discovered by ATLAS~\cite{atlas} and CMS~\cite{cms,atlas}.
\input{selection}
\appendix
\section{Extra}
More.
\bibliography{refs}
\end{document}
"""
SELECTION = r"""\section{Event selection}
\label{sec:sel}
Electrons are required to have $\pt > 25$~\GeV\ and $|\eta| < 2.47$, excluding the
transition region $1.37 < |\eta| < 1.52$.\footnote{The barrel/end-cap crack.}
Events with $\met > 30$~\GeV\ and 20.3~fb$^{-1}$ of data are kept.
\subsection{Jets}
Jets with $\pt > 25$~\GeV\ are selected~\cite{cms}.
\begin{table}\caption{Event yields.}
\begin{tabular}{l|cc}\hline
Process & $ee$ & $\mu\mu$ \\ \hline
$t\bar{t}$ & 12.5 & 14.1 \\
\multicolumn{1}{l}{Total} & 20 & 22 \\ \hline
\end{tabular}\end{table}
"""
BBL = r"""\begin{thebibliography}{2}
\bibitem{atlas} ATLAS Collaboration, ``Observation of a new particle'', Phys. Lett. B 716 (2012) 1,
arXiv:1207.7214.
\bibitem{cms} CMS Collaboration, doi:10.1016/j.physletb.2012.08.021.
\end{thebibliography}
"""
PDF_PAGES = [
    "Search for a multi-Higgs-boson cascade\n\nA search is presented.\n\n# 1 Introduction\n\n"
    "A Higgs boson has been discovered by ATLAS [1] and CMS [2, 1].",
    "# 2 Event selection\n\nElectrons are required to have pT > 25 GeV and |η| < 2.47, excluding "
    "the transition region.\n\nEvents with missing energy are kept.\n\n# 2.1 Jets\n\n"
    "Jets with pT are selected [2].\n\n# References\n\n[1] ATLAS Collaboration, arXiv:1207.7214."
    "\n\n[2] CMS Collaboration, doi:10.1016/j.physletb.2012.08.021.",
]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "source.tar.gz"
    path.write_bytes(
        make_source_tarball({"main.tex": MAIN, "selection.tex": SELECTION, "main.bbl": BBL})
    )
    return path


def test_exact_math_sections_and_references(source: Path) -> None:
    doc = parse_document(source, "latex")
    assert doc.source.backend == "latex" and doc.title == "Search for a multi-Higgs-boson cascade"
    assert [(s.number, s.title) for s in doc.sections][:3] == [
        ("1", "Introduction"),
        ("2", "Event selection"),
        ("2.1", "Jets"),
    ]
    assert any(s.number == "A" and s.title == "Extra" for s in doc.sections)
    selection = find_sections(doc, ["event selection"])[0]
    text = section_text(doc, selection)
    assert "p_T > 25 GeV and |\\eta| < 2.47" in text
    assert "1.37 < |\\eta| < 1.52" in text and "E_T^miss > 30 GeV" in text
    assert "20.3 fb^-1" in text and "not printed" not in doc.text
    assert any(b.kind == "footnote" and "crack" in b.text for b in doc.blocks)
    assert any(b.kind == "caption" and b.text == "Event yields." for b in doc.blocks)
    assert doc.abstract == "A search is presented."
    assert [(r.key, r.arxiv_id, r.doi) for r in doc.references] == [
        ("1", "1207.7214", None),
        ("2", None, "10.1016/j.physletb.2012.08.021"),
    ]
    assert doc.references[0].title == "Observation of a new particle"
    markers = [(c.marker, c.keys) for c in doc.citations]
    assert markers == [("[1]", ["1"]), ("[2, 1]", ["2", "1"]), ("[2]", ["2"])]
    assert any("p_T > 25 GeV" in c for _, c in cut_sentences(doc, selection))
    assert [t.rows for t in doc.tables] == [
        [["Process", "ee", "\\mu\\mu"], ["t\\bar{t}", "12.5", "14.1"], ["Total", "20", "22"]]
    ]
    assert doc.tables[0].caption == "Event yields."


def test_single_gzipped_tex_file(tmp_path: Path) -> None:
    path = tmp_path / "source.tex.gz"
    path.write_bytes(
        gzip.compress(
            (
                MAIN.replace("\\input{selection}", SELECTION).replace("\\bibliography{refs}", BBL)
            ).encode()
        )
    )
    doc = parse_document(path, "latex")
    assert len(doc.references) == 2 and "|\\eta| < 2.47" in doc.text


def test_source_without_main_file(tmp_path: Path) -> None:
    path = tmp_path / "source.tar.gz"
    path.write_bytes(make_source_tarball({"figure.tex": "\\begin{tikzpicture}\\end{tikzpicture}"}))
    with pytest.raises(ParseError, match="no main .tex"):
        parse_document(path, "latex")


@pytest.fixture
def server(source: Path) -> Iterator[FakeArxiv]:
    with FakeArxiv() as fake:
        fake.add(FakePaper("1312.1956", make_paper_pdf(PDF_PAGES), source.read_bytes()))
        fake.add(FakePaper("1207.7214", make_paper_pdf(), None))
        yield fake


@pytest.fixture
def settings(server: FakeArxiv) -> Settings:
    return replace(load_settings(), arxiv_api_url=server.api_url, arxiv_export_url=server.url)


def test_auto_uses_source_and_maps_pages(settings: Settings) -> None:
    entry = fetch_paper("arXiv:1312.1956", settings)
    doc = parse_document(entry, "auto", settings)
    assert doc.source.backend == "latex" and len(doc.pages) == 2
    assert doc.authors == ["The ATLAS Collaboration"]  # from the arXiv metadata
    assert doc.pages[0].width == 595.0  # A4, as PyMuPDF made it
    electrons = next(b for b in doc.blocks if b.text.startswith("Electrons are required"))
    assert electrons.page == 2
    intro = next(b for b in doc.blocks if b.text.startswith("A Higgs boson"))
    assert intro.page == 1


def test_broken_source_falls_back_to_pdf(settings: Settings) -> None:
    entry = fetch_paper("arXiv:1312.1956", settings)
    assert entry.source_path is not None
    entry.source_path.write_bytes(gzip.compress(b"\\relax no document here"))
    doc = parse_document(entry, "auto", settings)
    assert doc.source.backend == "pymupdf"
    assert any("LaTeX source not usable" in w for w in doc.warnings)


def test_cli_refs_fetch_goes_through_the_cache(server: FakeArxiv, repro_home: Path) -> None:
    env = dict(os.environ, REPRO_ARXIV_API_URL=server.api_url, REPRO_ARXIV_EXPORT_URL=server.url)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "refs", "arXiv:1312.1956", "--fetch"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows[0]["arxiv_id"] == "1207.7214" and rows[0]["cited"]
    assert (repro_home / "papers" / "1207.7214" / "meta.json").is_file()
    assert (repro_home / "papers" / "1312.1956" / "source.tar.gz").is_file()
