"""A local HTTP server that answers like arXiv: the Atom query API, /pdf/ and /e-print/.

Threaded ``http.server`` on 127.0.0.1 with an ephemeral port. Papers are registered
with their files; switches make it misbehave the ways arXiv does (HTTP errors, hangs, dropped
connections).
Every request path is recorded so tests can assert what was (not) downloaded.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

from tests.fakes.local_http import LocalServer, QuietHandler


@dataclass
class FakePaper:
    arxiv_id: str
    pdf: bytes
    source: bytes | None = None
    version: int = 1
    title: str = "A search for something in pp collisions at 13 TeV"
    authors: list[str] = field(default_factory=lambda: ["The ATLAS Collaboration"])
    categories: list[str] = field(default_factory=lambda: ["hep-ex"])
    comment: str | None = "25 pages, 6 figures"
    doi: str | None = None


_FEED_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/fake</id>
  <title>arXiv Query: id_list={ids}</title>
  <updated>2024-01-01T00:00:00Z</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>{total}</opensearch:itemsPerPage>
"""

_ERROR_ENTRY = """  <entry>
    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{ident}</id>
    <title>Error</title>
    <summary>incorrect id format for {ident}</summary>
    <updated>2024-01-01T00:00:00Z</updated>
    <published>2024-01-01T00:00:00Z</published>
    <author><name>arXiv api core</name></author>
  </entry>
"""


def _entry(paper: FakePaper, base: str) -> str:
    vid = f"{paper.arxiv_id}v{paper.version}"
    authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in paper.authors)
    cats = "".join(
        f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in paper.categories
    )
    comment = f"<arxiv:comment>{escape(paper.comment)}</arxiv:comment>" if paper.comment else ""
    doi = f"<arxiv:doi>{escape(paper.doi)}</arxiv:doi>" if paper.doi else ""
    return f"""  <entry>
    <id>http://arxiv.org/abs/{vid}</id>
    <updated>2024-02-01T12:00:00Z</updated>
    <published>2024-01-15T12:00:00Z</published>
    <title>{escape(paper.title)}</title>
    <summary>  We search for something.
  Nothing is found.</summary>
    {authors}{comment}{doi}
    <link href="{base}/abs/{vid}" rel="alternate" type="text/html"/>
    <link title="pdf" href="{base}/pdf/{vid}" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="{paper.categories[0]}" scheme="http://arxiv.org/schemas/atom"/>
    {cats}
  </entry>
"""


class FakeArxiv:
    """Start with ``with FakeArxiv() as server:``; ``server.url`` is the base URL."""

    def __init__(self) -> None:
        self.papers: dict[str, FakePaper] = {}
        self.requests: list[str] = []
        self.fail_status: int | None = None  # every request answers this status
        self.hang_seconds: float = 0.0  # every request sleeps this long first
        # path prefix -> how its next requests misbehave: a status each, or None (dropped)
        self.flaky: dict[str, list[int | None]] = {}
        self._flaky_lock = threading.Lock()
        self._server = LocalServer(self._handler())

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/query"

    def add(self, paper: FakePaper) -> FakePaper:
        self.papers[paper.arxiv_id] = paper
        return paper

    def __enter__(self) -> FakeArxiv:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def _next_flaky(self, path: str) -> tuple[bool, int | None]:
        """Whether a request for ``path`` misbehaves, and how (a status, or None: dropped)."""
        with self._flaky_lock:
            for prefix, plan in self.flaky.items():
                if path.startswith(prefix) and plan:
                    return True, plan.pop(0)
        return False, None

    def count(self, prefix: str) -> int:
        """How many requests asked for a path starting with ``prefix``."""
        return sum(1 for path in self.requests if path.startswith(prefix))

    def _lookup(self, ident: str) -> FakePaper | None:
        match = re.match(r"^(.*?)(?:v(\d+))?$", ident)
        base, version = (match.group(1), match.group(2)) if match else (ident, None)
        paper = self.papers.get(base)
        if paper is None or (version and int(version) != paper.version):
            return None
        return paper

    def feed(self, ids: list[str]) -> str:
        entries = []
        for ident in ids:
            if not re.match(r"^(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})(v\d+)?$", ident):
                entries.append(_ERROR_ENTRY.format(ident=escape(ident)))
            elif (paper := self._lookup(ident)) is not None:
                entries.append(_entry(paper, self.url))
        head = _FEED_HEAD.format(ids=escape(",".join(ids)), total=len(entries))
        return head + "".join(entries) + "</feed>\n"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                fake.requests.append(self.path)
                if fake.hang_seconds:
                    time.sleep(fake.hang_seconds)
                flaky, status = fake._next_flaky(self.path)
                if flaky and status is None:  # closed without a byte of answer
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if flaky and status is not None:
                    self._send(status, b"Service Unavailable", "text/plain")
                    return
                if fake.fail_status:
                    self._send(fake.fail_status, b"Service Unavailable", "text/plain")
                    return
                url = urlparse(self.path)
                if url.path == "/api/query":
                    ids = [i for i in parse_qs(url.query).get("id_list", [""])[0].split(",") if i]
                    self._send(200, fake.feed(ids).encode(), "application/atom+xml; charset=utf-8")
                elif url.path.startswith("/pdf/"):
                    paper = fake._lookup(url.path[len("/pdf/") :])
                    if paper is None:
                        self._send(404, b"not found", "text/plain")
                    else:
                        self._send(200, paper.pdf, "application/pdf")
                elif url.path.startswith("/e-print/"):
                    paper = fake._lookup(url.path[len("/e-print/") :])
                    if paper is None:
                        self._send(404, b"not found", "text/plain")
                    elif paper.source is None:  # PDF-only submission: arXiv serves the PDF
                        self._send(200, paper.pdf, "application/pdf")
                    else:
                        self._send(200, paper.source, "application/x-eprint-tar")
                else:
                    self._send(404, b"not found", "text/plain")

        return Handler


def make_paper_pdf(pages: list[str] | None = None) -> bytes:
    """A small real PDF with a text layer, made with PyMuPDF.

    One string per page; paragraphs are separated by blank lines, and a paragraph
    starting with ``# `` is set as a bold heading (as a paper's section titles are).
    """
    import pymupdf

    pages = pages or [
        "# 1 Introduction\n\nWe search for new physics [1].\n\n"
        "# 2 Event selection\n\nElectrons are required to have pT > 25 GeV and |eta| < 2.47.",
        "# References\n\n[1] ATLAS Collaboration, JINST 3 (2008) S08003, arXiv:0901.0512.",
    ]
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        y = 72.0
        for para in text.split("\n\n"):
            heading = para.startswith("# ")
            size, font = (13, "hebo") if heading else (11, "helv")
            rect = pymupdf.Rect(72, y, 540, 760)
            spare = page.insert_textbox(
                rect, para[2:] if heading else para, fontsize=size, fontname=font
            )
            y = 760 - spare + 10 if spare >= 0 else 760
    data: bytes = doc.tobytes()
    doc.close()
    return data


def make_source_tarball(files: dict[str, str]) -> bytes:
    """A gzipped tarball like arXiv's e-print download."""
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
