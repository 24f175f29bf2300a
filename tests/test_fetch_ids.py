"""Paper identifiers: every accepted spelling, and clear errors for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import UsageError
from pipeline.fetch import normalize_paper_id


@pytest.mark.parametrize(
    ("text", "slug", "version"),
    [
        ("arXiv:1712.02304", "1712.02304", None),
        ("ARXIV: 1712.02304", "1712.02304", None),
        ("1712.02304", "1712.02304", None),
        ("1712.02304v2", "1712.02304v2", 2),
        ("2101.12345", "2101.12345", None),
        ("hep-ex/0612017", "hep-ex_0612017", None),
        ("hep-ex/0612017v1", "hep-ex_0612017v1", 1),
        ("math.GT/0309136", "math.GT_0309136", None),
        ("https://arxiv.org/abs/1712.02304", "1712.02304", None),
        ("http://export.arxiv.org/abs/hep-ex/0612017v2", "hep-ex_0612017v2", 2),
        ("https://arxiv.org/pdf/1712.02304v3.pdf", "1712.02304v3", 3),
        ("https://arxiv.org/pdf/1712.02304v3", "1712.02304v3", 3),
        ("10.48550/arXiv.1712.02304", "1712.02304", None),
        ("https://doi.org/10.48550/arXiv.1712.02304", "1712.02304", None),
    ],
)
def test_accepted_forms(text: str, slug: str, version: int | None) -> None:
    paper = normalize_paper_id(text)
    assert paper.kind == "arxiv" and paper.slug == slug and paper.version == version


def test_other_doi_and_local_pdf(tmp_path: Path) -> None:
    doi = normalize_paper_id("doi:10.1103/PhysRevD.97.052010")
    assert doi.kind == "doi" and doi.doi == "10.1103/physrevd.97.052010"
    pdf = tmp_path / "My Paper (draft).pdf"
    pdf.write_bytes(b"%PDF-1.4")
    local = normalize_paper_id(str(pdf))
    assert local.kind == "local" and local.slug == "My_Paper_draft_"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "foo",
        "12.345",
        "1713.02304",
        "arXiv:17120.2304",
        "https://arxiv.org/abs/nope",
        "hep-ex/061201",
        "missing-file.pdf",
        "1" * 5000,
        "a" * 300 + ".pdf",
        "x/" * 600,
        "10.1000/" + "y" * 300,
        "1712.02304\x00",
        "bad\nid",
    ],
)
def test_malformed_ids(text: str) -> None:
    with pytest.raises(UsageError) as info:
        normalize_paper_id(text)
    assert info.value.hint and info.value.exit_code == 2


@given(st.integers(7, 29), st.integers(1, 12), st.integers(1, 99999), st.integers(0, 9))
def test_new_style_round_trip(year: int, month: int, number: int, version: int) -> None:
    ident = f"{year:02d}{month:02d}.{number:05d}" + (f"v{version}" if version else "")
    paper = normalize_paper_id(f"arXiv:{ident}")
    assert str(paper) == f"arXiv:{ident}"
    assert normalize_paper_id(str(paper)) == paper
