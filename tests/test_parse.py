"""The PyMuPDF backend on the real corpus, bad inputs, and the parse/refs CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import ParseError, UsageError
from pipeline.parse import (
    cut_sentences,
    find_sections,
    load_document,
    parse_document,
    section_text,
    write_document,
)
from pipeline.parse.document import Document
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def atlas() -> Document:
    return parse_document(shared_path("corpus", "papers", "arXiv-1312.1956.pdf"), "pymupdf")


def test_atlas_object_selection_section_and_cuts(atlas: Document) -> None:
    sections = find_sections(atlas, [r"event selection"])
    assert [s.number for s in sections] == ["IV"]
    text = section_text(atlas, sections[0])
    cuts = [c for _, c in cut_sentences(atlas, sections[0])]
    electron = next(c for c in cuts if c.startswith("Selected electrons are required"))
    assert "p_T > 25 GeV" in electron and "|η| < 2.47" in electron
    assert "1.37 < |η| < 1.52" in electron
    assert "Jets are required to have p_T > 25 GeV and |η| < 2.5." in text
    assert "E^miss_T > 30 GeV and m^W_T > 30 GeV" in text
    assert "ΔR(e, jet) < 0.2" in text
    assert "ﬁ" not in atlas.text and "\u2212" not in atlas.text  # ligatures, unicode minus
    assert "20.3 fb^-1" in atlas.text


def test_atlas_hyphenation_is_undone_but_compounds_kept(atlas: Document) -> None:
    assert "transverse momentum" in atlas.text and "mo- mentum" not in atlas.text
    assert "top-quark pair production" in atlas.text


def test_atlas_sections_tree(atlas: Document) -> None:
    numbered = [(s.number, s.level) for s in atlas.sections if s.number]
    assert numbered[:5] == [("I", 1), ("II", 1), ("III", 1), ("IV", 1), ("V", 1)]
    sub = next(s for s in atlas.sections if s.title == "Event Reconstruction")
    parent = next(s for s in atlas.sections if s.id == sub.parent)
    assert parent.number == "V" and sub.level == 2
    for section in atlas.sections:
        assert 0 <= section.start < section.end <= len(atlas.text)


def test_atlas_bibliography_and_citations(atlas: Document) -> None:
    keys = [r.key for r in atlas.references]
    assert keys[:20] == [str(i) for i in range(1, 21)]
    assert len(atlas.references) >= 75
    assert atlas.reference("1").arxiv_id == "1207.7214"  # type: ignore[union-attr]
    assert atlas.reference("7").arxiv_id == "hep-ph/9911406"  # type: ignore[union-attr]
    ranged = next(c for c in atlas.citations if c.marker.replace(" ", "") == "[28–33]")
    assert ranged.keys == ["28", "29", "30", "31", "32", "33"]
    for citation in atlas.citations:
        assert re.sub(r"\s", "", atlas.text[citation.start : citation.end]) == re.sub(
            r"\s", "", citation.marker
        )
        assert all(atlas.reference(k) is not None for k in citation.keys)
    assert atlas.block_at(atlas.citations[0].start).kind != "reference"  # type: ignore[union-attr]


def test_blocks_spans_pages_and_boxes(atlas: Document) -> None:
    assert len(atlas.pages) == 25 and atlas.title and "multi-Higgs-boson cascade" in atlas.title
    assert atlas.abstract and atlas.abstract.startswith("A search is presented")
    for block in atlas.blocks:
        assert atlas.text[block.start : block.end] == block.text
        assert 1 <= block.page <= 25 and block.bbox is not None
    offset = atlas.text.index("|η| < 2.47")
    assert atlas.page_at(offset) == 4
    assert any(b.kind == "caption" and b.text.startswith("FIG. 2") for b in atlas.blocks)


@pytest.mark.parametrize(
    ("parts", "section", "snippet"),
    [
        (("corpus", "adl", "CMS-SUS-16-043", "1706.09933.pdf"), "Object definition", "|η| < 2.4"),
        (("corpus", "adl", "CMS-SUS-16-042", "1709.09814.pdf"), "event selection", "p_T"),
        (("corpus", "papers", "report-h4l-opendata-yasodar.pdf"), "Data Processing", "GeV"),
        (("corpus", "papers", "report-h4l-opendata-isa-2025.pdf"), "ANALYSIS METHODOLOGY", "GeV"),
    ],
)
def test_other_corpus_papers(parts: tuple[str, ...], section: str, snippet: str) -> None:
    doc = parse_document(shared_path(*parts), "pymupdf")
    found = find_sections(doc, [re.escape(section)])
    assert found, [s.title for s in doc.sections]
    assert snippet in section_text(doc, found[0])


def test_cms_paper_has_no_running_head_sections_and_resolving_citations() -> None:
    doc = parse_document(
        shared_path("corpus", "adl", "CMS-SUS-16-043", "1706.09933.pdf"), "pymupdf"
    )
    titles = [s.title for s in doc.sections]
    assert titles.count("References") == 1
    assert len(doc.references) > 50 and sum(1 for r in doc.references if r.doi) > 30
    assert len(doc.citations) > 20


def test_round_trip_json(atlas: Document, tmp_path: Path) -> None:
    out = write_document(atlas, tmp_path / "document.json")
    assert load_document(out) == atlas
    assert not list(tmp_path.glob("*.part"))


def test_load_document_errors(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read"):
        load_document(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text('{"schema_version": "1.0.0"}')
    with pytest.raises(ParseError, match="not a valid document.json"):
        load_document(tmp_path / "bad.json")


def _bad_pdfs(tmp_path: Path) -> dict[str, Path]:
    import pymupdf

    files = {
        "garbage": b"%PDF-1.4\n" + bytes(range(256)) * 20,
        "zero": b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.pdf"
        paths[name].write_bytes(data)
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret paper text " * 20)
    paths["encrypted"] = tmp_path / "encrypted.pdf"
    doc.save(paths["encrypted"], encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    doc.close()
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 200), False)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)
    paths["scanned"] = tmp_path / "scanned.pdf"
    doc.save(paths["scanned"])
    doc.close()
    doc = pymupdf.open()
    doc.new_page().insert_textbox(
        pymupdf.Rect(72, 72, 540, 720),
        "Shopping list\n\nMilk, eggs, bread and some apples for the week. Also coffee and tea.",
    )
    paths["not-a-paper"] = tmp_path / "not-a-paper.pdf"
    doc.save(paths["not-a-paper"])
    doc.close()
    return paths


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("garbage", "not a readable PDF"),
        ("zero", "no pages"),
        ("encrypted", "encrypted"),
        ("scanned", "no usable text layer"),
        ("not-a-paper", "does not look like a paper"),
    ],
)
def test_bad_pdfs_raise_clear_errors(tmp_path: Path, name: str, message: str) -> None:
    path = _bad_pdfs(tmp_path)[name]
    with pytest.raises(ParseError, match=message) as info:
        parse_document(path, "pymupdf")
    assert info.value.hint and info.value.path == path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_parse_and_refs(tmp_path: Path, repro_home: Path) -> None:
    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    out = tmp_path / "document.json"
    proc = _cli("parse", str(pdf), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert load_document(out).source.backend == "pymupdf"
    assert not (repro_home / "papers").exists()  # a local file is parsed in place
    refs = _cli("refs", str(out))
    assert refs.returncode == 0, refs.stderr
    rows = json.loads(refs.stdout)
    assert any(r["arxiv_id"] == "2211.16178" for r in rows)


@pytest.mark.parametrize("name", ["garbage", "encrypted", "scanned", "not-a-paper"])
def test_cli_bad_input_exit_code_and_no_output(tmp_path: Path, name: str) -> None:
    path = _bad_pdfs(tmp_path)[name]
    out = tmp_path / "document.json"
    proc = _cli("parse", str(path), "--out", str(out))
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and "hint:" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_cli_malformed_id_and_backend() -> None:
    proc = _cli("parse", "arXiv:12345")
    assert proc.returncode == 2 and "valid forms" in proc.stderr
    bad = _cli("parse", "x.pdf", "--backend", "nope")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_latex_backend_requires_source(tmp_path: Path) -> None:
    pdf = shared_path("corpus", "papers", "report-h4l-opendata-yasodar.pdf")
    with pytest.raises(UsageError, match="no LaTeX source"):
        parse_document(pdf, "latex")


@pytest.mark.slow
def test_tables_on_request() -> None:
    pdf = shared_path("corpus", "adl", "CMS-SUS-16-043", "1706.09933.pdf")
    doc = parse_document(pdf, "pymupdf", detect_tables=True)
    selection = next(t for t in doc.tables if (t.caption or "").startswith("Table 1:"))
    assert selection.page == 9
    assert selection.rows[0] == ["Selection", "Signal regions", "CR2ℓ", "CR0b", "CRMbb"]
    assert ["Number of b tags", "=2", "=2", "=0", "=2"] in selection.rows
    assert parse_document(pdf, "pymupdf").tables == []  # off by default: it is slow


ADL_PAPERS = sorted(
    p.relative_to(p.parents[2]).as_posix()
    for p in (Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "adl").glob(
        "*/*.pdf"
    )
)


@pytest.mark.parametrize("relative", ADL_PAPERS or ["adl/missing/missing.pdf"])
def test_adl_corpus_structure(relative: str) -> None:
    doc = parse_document(shared_path("corpus", *relative.split("/")), "pymupdf")
    titles = [s.title for s in doc.sections]
    assert len(titles) == len(set(titles)), titles  # no running heads, no TOC duplicates
    assert "CMS" not in titles and "Observed" not in titles  # figure legends are not sections
    assert len(doc.references) >= 40
    assert max(len(r.text) for r in doc.references) < 1500  # the author list is not a reference
    assert len(doc.citations) >= 20


def test_reports_sections_after_table_of_contents() -> None:
    isa = parse_document(
        shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf"), "pymupdf"
    )
    assert [(s.number, s.title) for s in isa.sections][1:3] == [
        ("I", "INTRODUCTION"),
        ("A", "Higgs Boson Production Modes and the"),
    ]
    yas = parse_document(
        shared_path("corpus", "papers", "report-h4l-opendata-yasodar.pdf"), "pymupdf"
    )
    numbered = [s.number for s in yas.sections if s.number]
    assert numbered[:3] == ["1", "2", "3"] and len(numbered) == len(set(numbered))


def _page_broken_paper(path: Path, caption: str, continuation: str) -> Path:
    """Two pages: the first ends inside a sentence, the second opens with a float's caption and
    then the sentence's continuation (how a figure at the top of a page reads in the text layer)."""
    import pymupdf

    body = (
        "This paper describes a search for new physics in events with jets and missing transverse "
        "momentum recorded with the detector during the year. "
    )
    doc = pymupdf.open()
    first = doc.new_page()
    first.insert_text((72, 72), "1 Introduction", fontsize=13, fontname="hebo")
    first.insert_textbox(pymupdf.Rect(72, 85, 540, 300), body * 4, fontsize=10)
    first.insert_text((72, 320), "2 Event selection", fontsize=13, fontname="hebo")
    first.insert_textbox(
        pymupdf.Rect(72, 333, 540, 700),
        body * 3 + "Selected events must pass a single-jet trigger and must have",
        fontsize=10,
    )
    second = doc.new_page()
    second.insert_textbox(pymupdf.Rect(72, 72, 540, 140), caption, fontsize=10)
    second.insert_textbox(pymupdf.Rect(72, 160, 540, 400), continuation + " " + body, fontsize=10)
    doc.save(path)
    doc.close()
    return path


def test_a_sentence_cut_by_a_figure_at_a_page_break_reads_whole(tmp_path: Path) -> None:
    caption = "Figure 2: The distribution of the jet multiplicity in the control sample."
    path = _page_broken_paper(
        tmp_path / "figure.pdf", caption, "at least two jets with p_T > 80 GeV."
    )
    doc = parse_document(path, "pymupdf")
    assert "must have at least two jets with p_T > 80 GeV." in doc.text, doc.text
    captions = [b for b in doc.blocks if b.kind == "caption"]
    assert [b.text for b in captions] == [caption]  # kept, after the sentence it interrupted
    assert captions[0].start > doc.text.index("at least two jets")
    for block in doc.blocks:  # every block's span still holds its text
        assert doc.text[block.start : block.end] == block.text


def test_a_table_after_an_unfinished_sentence_is_not_its_continuation(tmp_path: Path) -> None:
    path = _page_broken_paper(
        tmp_path / "table.pdf", "Table 3: The search bins.", "m_T bins 100-200 GeV and 200-300 GeV"
    )
    doc = parse_document(path, "pymupdf")
    assert "must have m_T bins" not in doc.text, doc.text


def test_a_figure_inside_a_sentence_on_a_paper() -> None:
    doc = parse_document(shared_path("corpus", "adl", "CMS-SUS-16-017", "1812.06302.pdf"))
    assert "single-photon trigger, have two jets with p_T > 80 GeV" in doc.text
