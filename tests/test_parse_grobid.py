"""GROBID: the TEI reader on real GROBID output, the client against a local GROBID-like server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import Settings, load_settings
from pipeline.errors import ParseError, UsageError
from pipeline.parse import parse_document
from pipeline.parse.grobid_backend import parse_tei
from tests.conftest import shared_path
from tests.fakes.local_http import LocalServer, QuietHandler


class FakeGrobid:
    """``/api/isalive`` and ``/api/processFulltextDocument`` as GROBID answers them."""

    def __init__(self, tei: bytes) -> None:
        self.tei = tei
        self.status = 200
        self.uploads: list[bytes] = []
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/api/isalive":
                    self._send(200, b"true", "text/plain")
                else:
                    self._send(404, b"", "text/plain")

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.uploads.append(body)
                if self.path != "/api/processFulltextDocument" or b"%PDF" not in body:
                    self._send(400, b"no PDF in the request", "text/plain")
                elif fake.status != 200:
                    self._send(fake.status, b"[NO_BLOCKS] PDF has no text", "text/plain")
                else:
                    self._send(200, fake.tei, "application/xml")

        self.server = LocalServer(Handler)

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
def grobid() -> Iterator[FakeGrobid]:
    fake = FakeGrobid(shared_path("corpus", "grobid", "0046d83a.tei.xml").read_bytes())
    with fake.server:
        yield fake


@pytest.fixture
def settings(grobid: FakeGrobid) -> Settings:
    return replace(load_settings(), grobid_url=grobid.url, network_timeout=5.0)


@pytest.mark.parametrize("name", ["0046d83a", "0f318087"])
def test_real_tei_files(name: str) -> None:
    path = shared_path("corpus", "grobid", f"{name}.tei.xml")
    doc = parse_tei(path.read_bytes(), name, str(path), "0")
    assert doc.title and doc.sections and len(doc.references) > 20
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
    for citation in doc.citations:
        assert doc.text[citation.start : citation.end] == citation.marker
        assert all(doc.reference(k) is not None for k in citation.keys)
    assert sum(1 for r in doc.references if r.doi) > 10


def test_tei_details() -> None:
    path = shared_path("corpus", "grobid", "0046d83a.tei.xml")
    doc = parse_tei(path.read_bytes(), "x", str(path), "0")
    assert doc.title.startswith("Multi-contact functional electrical stimulation")  # type: ignore[union-attr]
    assert "Cristiano De Marchis" in doc.authors[0] or "De Marchis" in doc.authors[0]
    assert [s.title for s in doc.sections][:3] == ["Background", "Methods", "Participants"]
    assert len(doc.pages) == 9
    first = doc.reference("1")
    assert first is not None and first.doi == "10.1186/2040-7378-6-9" and first.page == 8
    assert doc.citations[0].marker == "[1]" and doc.citations[0].page == 1


def test_malformed_tei(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="not valid TEI"):
        parse_tei(b"<TEI><unclosed>", "x", "bad.tei.xml", "0")
    with pytest.raises(ParseError, match="not a TEI document"):
        parse_tei(b"<html/>", "x", "page.xml", "0")


def test_client_against_local_server(grobid: FakeGrobid, settings: Settings) -> None:
    pdf = shared_path("corpus", "grobid", "0046d83a.pdf")
    doc = parse_document(pdf, "auto", settings)
    assert doc.source.backend == "grobid" and doc.source.path == str(pdf)
    assert len(doc.references) > 20
    assert grobid.uploads and pdf.read_bytes()[:100] in grobid.uploads[0]


def test_server_error_is_a_parse_error(grobid: FakeGrobid, settings: Settings) -> None:
    grobid.status = 500
    with pytest.raises(ParseError, match="GROBID failed") as info:
        parse_document(shared_path("corpus", "grobid", "0046d83a.pdf"), "grobid", settings)
    assert "pymupdf" in (info.value.hint or "")


def test_server_down(settings: Settings) -> None:
    down = replace(settings, grobid_url="http://127.0.0.1:9")
    with pytest.raises(ParseError, match="not answering"):
        parse_document(shared_path("corpus", "grobid", "0046d83a.pdf"), "grobid", down)


def test_grobid_without_url() -> None:
    with pytest.raises(UsageError, match="REPRO_GROBID_URL"):
        parse_document(shared_path("corpus", "grobid", "0046d83a.pdf"), "grobid", load_settings())
