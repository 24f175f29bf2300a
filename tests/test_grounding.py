"""Grounding: quotes located despite PDF text-layer noise; invented quotes and numbers caught."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.grounding import _Index, ground_selection, locate, numbers_present
from pipeline.extract.text import fold, squash
from pipeline.parse.document import Block, Document, Section, SourceInfo
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, Provenance, SelectionList
from tests.conftest import shared_path
from tests.fakes.simple_pdf import load_pdf

TEXT = (
    "3 Object selection\n\n"
    "Electrons are required to have p\nT > 7 GeV and |\u03b7| < 2.47, and their iso-\nlation "
    "ptcone30/pT must be below 0.15. The transverse impact-parameter significance |d0|/\u03c3(d0) "
    "must be less than 5 (3) for electrons (muons).\n\n"
    "Events must contain at least four leptons forming two same-\nflavour opposite-sign pairs, "
    "with 50 \u2264 m12 \u2264 106 GeV and \u22122.5 < \u03b7 < 2.5.\n"
)


def document() -> Document:
    middle = TEXT.index("Events must")
    blocks = [
        Block(
            id="b0",
            page=3,
            bbox=(50, 60, 500, 80),
            kind="heading",
            text=TEXT[:20],
            start=0,
            end=20,
            section="s3",
        ),
        Block(
            id="b1",
            page=3,
            bbox=(50, 90, 500, 200),
            text=TEXT[20:middle],
            start=20,
            end=middle,
            section="s3",
        ),
        Block(
            id="b2",
            page=4,
            bbox=(50, 60, 500, 120),
            text=TEXT[middle:],
            start=middle,
            end=len(TEXT),
            section="s3",
        ),
    ]
    sections = [
        Section(
            id="s3", number="3", title="Object selection", level=1, page=3, start=0, end=len(TEXT)
        )
    ]
    source = SourceInfo(
        paper_id="arXiv:0000.00001", path="x.pdf", sha256="0" * 64, backend="pymupdf"
    )
    return Document(source=source, text=TEXT, blocks=blocks, sections=sections)


def selection(*cuts: Cut) -> SelectionList:
    return SelectionList(
        paper=PaperRef(id="arXiv:0000.00001"),
        objects=[PhysicsObject(name="electrons", kind="electron", cuts=list(cuts))],
    )


def cut(quote: str, **form: object) -> Cut:
    fields = {"variable": "pt", "op": ">", "value": 7.0, "unit": "GeV", **form}
    return Cut(
        id="c",
        description="d",
        scope="object",
        target="electrons",
        provenance=Provenance(document="arXiv:0000.00001", quote=quote),
        **fields,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "quote",
    [
        "Electrons are required to have pT > 7 GeV and |eta| < 2.47",  # split subscript, Greek name
        "their isolation ptcone30/pT must be below 0.15",  # line-end hyphenation
        "two same-flavour opposite-sign pairs",  # hyphen at a line end inside a compound
        "with 50 <= m12 <= 106 GeV and -2.5 < eta < 2.5",  # \u2264 and the unicode minus
        "Electrons  are\trequired to have\n\np T > 7 GeV",  # whitespace of any kind
    ],
)
def test_quotes_are_found_despite_text_layer_noise(quote: str) -> None:
    hit = locate(quote, _Index(document()))
    assert hit is not None and hit[2] == 1.0


def test_verified_cut_gets_page_section_span_and_boxes() -> None:
    doc = document()
    (grounded,) = ground_selection(
        selection(cut("Electrons are required to have pT > 7 GeV")), doc
    ).all_cuts()
    assert grounded.status == "verified" and grounded.grounding.numbers_match
    prov = grounded.provenance
    assert prov.page == 3 and prov.section == "3 Object selection"
    start, end = prov.char_span
    assert squash(doc.text[start:end]).startswith("Electrons are required")
    assert prov.bbox and prov.bbox[0].page == 3


def test_invented_quote_is_kept_unverified_with_reason() -> None:
    bad = cut("Muons must have pT above 99 GeV in the forward region", value=99.0)
    (grounded,) = ground_selection(selection(bad), document()).all_cuts()
    assert grounded.status == "unverified"
    assert not grounded.grounding.found and "not found" in grounded.grounding.reason


def test_real_quote_with_wrong_number_is_unverified() -> None:
    wrong = cut("Electrons are required to have pT > 7 GeV and |eta| < 2.47", value=10.0)
    (grounded,) = ground_selection(selection(wrong), document()).all_cuts()
    assert grounded.status == "unverified" and grounded.grounding.found
    assert "10" in grounded.grounding.reason and not grounded.grounding.numbers_match


def test_cut_without_quote_is_unverified() -> None:
    (grounded,) = ground_selection(selection(cut("")), document()).all_cuts()
    assert grounded.status == "unverified" and "no quote" in grounded.grounding.reason


def test_human_decisions_are_not_overwritten() -> None:
    reviewed = cut("nothing like this is in the paper").model_copy(update={"status": "reviewed"})
    (grounded,) = ground_selection(selection(reviewed), document()).all_cuts()
    assert grounded.status == "reviewed" and grounded.grounding is None


@pytest.mark.parametrize(
    ("wanted", "text", "ok"),
    [
        ([7.0], "pT > 7 GeV", True),
        ([0.5], "|z0 sin theta| < 500 um", True),  # unit written differently
        ([4.0], "at least four leptons", True),  # number words
        ([0.0], "events with additional leptons are vetoed", True),
        ([2.5], "|eta| < \u22122.5", True),
        ([106.0], "m12 < 105 GeV", False),
    ],
)
def test_numbers_check(wanted: list[float], text: str, ok: bool) -> None:
    assert numbers_present(wanted, text)[0] is ok


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_passage_of_the_document_is_located_at_its_place(data: st.DataObject) -> None:
    doc = document()
    start = data.draw(st.integers(0, len(TEXT) - 40))
    length = data.draw(st.integers(25, min(120, len(TEXT) - start)))
    quote = TEXT[start : start + length]
    if len(fold(quote).text) < 20:
        return
    hit = locate(quote, _Index(doc))
    assert hit is not None and hit[2] == 1.0
    assert fold(TEXT[hit[0] : hit[1]]).text == fold(quote).text


def test_real_pdf_quote_grounds_to_its_page() -> None:
    doc = load_pdf(shared_path("corpus", "papers", "arXiv-1312.1956.pdf"))
    quote = "Jets are required to have pT > 25 GeV and |\u03b7| < 2.5."
    jets = Cut(
        id="j",
        description="jets",
        scope="object",
        target="jets",
        variable="pt",
        op=">",
        value=25.0,
        unit="GeV",
        provenance=Provenance(document=doc.source.paper_id, quote=quote),
    )
    sel = SelectionList(
        paper=PaperRef(id="x"), objects=[PhysicsObject(name="jets", kind="jet", cuts=[jets])]
    )
    (grounded,) = ground_selection(sel, doc).all_cuts()
    assert grounded.status == "verified"
    assert grounded.provenance.page is not None and grounded.provenance.page >= 3
