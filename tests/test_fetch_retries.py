"""One HTTP stack, one retry policy: transient failures are retried, then a clear error.

Real components against real local servers (``tests/fakes``): the arXiv fake answers 503 or
drops the connection for the first requests of a path; a GROBID fake is busy (503) for a
while or for ever. Nothing here replaces httpx.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import Settings, load_settings
from pipeline.errors import FetchError, ParseError
from pipeline.fetch import fetch_paper
from tests.fakes.arxiv_server import FakeArxiv, FakePaper, make_paper_pdf, make_source_tarball
from tests.fakes.local_http import LocalServer, QuietHandler

PDF = make_paper_pdf()
TARBALL = make_source_tarball({"main.tex": "\\section{Event selection}\n"})
ROOT = Path(__file__).resolve().parents[1]
ATTEMPTS = 3  # the retry policy's attempts per request (pipeline/fetch/http_client.py)


@pytest.fixture
def server() -> Iterator[FakeArxiv]:
    with FakeArxiv() as fake:
        fake.add(FakePaper("1312.1956", PDF, TARBALL, title="A cascade"))
        yield fake


@pytest.fixture
def settings(server: FakeArxiv, repro_home: Path) -> Settings:
    return replace(
        load_settings(),
        arxiv_api_url=server.api_url,
        arxiv_export_url=server.url,
        network_timeout=2.0,
    )


@pytest.mark.parametrize("failure", [503, 502, 429, None], ids=str)
def test_api_query_survives_transient_failures(
    settings: Settings, server: FakeArxiv, failure: int | None
) -> None:
    server.flaky["/api/query"] = [failure] * (ATTEMPTS - 1)
    entry = fetch_paper("1312.1956", settings)
    assert entry.meta.title == "A cascade"
    assert server.count("/api/query") == ATTEMPTS


@pytest.mark.parametrize("prefix", ["/pdf/", "/e-print/"])
def test_downloads_survive_transient_failures(
    settings: Settings, server: FakeArxiv, prefix: str
) -> None:
    server.flaky[prefix] = [503, None]
    entry = fetch_paper("1312.1956", settings)
    assert entry.pdf_path.read_bytes() == PDF
    assert entry.source_path is not None and entry.source_path.read_bytes() == TARBALL
    assert server.count(prefix) == ATTEMPTS


def test_api_gives_up_after_the_limit(settings: Settings, server: FakeArxiv) -> None:
    server.fail_status = 503
    with pytest.raises(FetchError, match=f"HTTP 503 .*after {ATTEMPTS} attempts") as info:
        fetch_paper("1312.1956", settings)
    assert "--mirror" in (info.value.hint or "")
    assert server.count("/api/query") == ATTEMPTS
    assert not (settings.papers_dir / "1312.1956").exists()


def test_dropped_connections_give_up_with_a_clear_error(
    settings: Settings, server: FakeArxiv
) -> None:
    server.flaky["/pdf/"] = [None] * (ATTEMPTS + 2)
    with pytest.raises(FetchError, match=f"download of .*/pdf/.* failed after {ATTEMPTS}"):
        fetch_paper("1312.1956", settings)
    assert server.count("/pdf/") == ATTEMPTS


def test_missing_source_is_not_retried(settings: Settings, server: FakeArxiv) -> None:
    server.flaky["/e-print/"] = [404]
    entry = fetch_paper("1312.1956", settings)
    assert entry.source_path is None
    assert server.count("/e-print/") == 1


def test_network_timeout_from_settings_is_honoured(settings: Settings, server: FakeArxiv) -> None:
    server.hang_seconds = 0.8
    assert fetch_paper("1312.1956", replace(settings, network_timeout=3.0)).pdf_path.is_file()
    started = time.monotonic()
    with pytest.raises(FetchError, match=f"cannot reach .*ReadTimeout.*{ATTEMPTS} attempts"):
        fetch_paper("1312.1956", replace(settings, network_timeout=0.2), refresh=True)
    assert time.monotonic() - started < ATTEMPTS * 0.8  # each attempt ended at 0.2 s


class _BusyGrobid:
    """A GROBID that answers 503 (busy) to its first ``busy`` uploads, then a TEI document."""

    def __init__(self, busy: int) -> None:
        self.busy = busy
        self.uploads = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._send(200 if self.path == "/api/isalive" else 404, b"true", "text/plain")

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with fake._lock:
                    fake.uploads += 1
                    busy = fake.uploads <= fake.busy
                if busy:
                    self._send(503, b"busy", "text/plain")
                elif b"%PDF" in body and b'name="teiCoordinates"' in body:
                    self._send(200, b"<TEI/>", "application/xml")
                else:
                    self._send(400, b"no PDF", "text/plain")

        self.server: LocalServer = LocalServer(Handler)


@pytest.mark.timeout(30)
def test_busy_grobid_is_retried_then_given_up(tmp_path: Path) -> None:
    from pipeline.parse.grobid_backend import grobid_tei

    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(PDF)
    fake = _BusyGrobid(busy=ATTEMPTS - 1)
    with fake.server:
        assert grobid_tei(pdf, fake.server.url, 5.0) == b"<TEI/>"
        assert fake.uploads == ATTEMPTS
    forever = _BusyGrobid(busy=10**6)  # before: grobid-client retried a 503 without end
    with forever.server, pytest.raises(ParseError, match=f"HTTP 503.*{ATTEMPTS} attempts"):
        grobid_tei(pdf, forever.server.url, 5.0)
    assert forever.uploads == ATTEMPTS


def _imported_modules(path: Path) -> set[str]:
    """Dotted names of every module ``path`` imports (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _importers(forbidden: Callable[[str], bool]) -> dict[str, list[str]]:
    """Modules of pipeline/ importing a forbidden module, with what they import."""
    found = {}
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        bad = sorted(name for name in _imported_modules(path) if forbidden(name))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_the_project_speaks_http_through_httpx_only() -> None:
    others = {"requests", "urllib3", "arxiv", "grobid_client", "aiohttp"}
    assert _importers(lambda name: name.split(".")[0] in others) == {}


def test_no_standard_library_http_client_either() -> None:
    """The model server's health probe and the mode probe spoke urllib.request."""
    stdlib = {"urllib.request", "http.client"}
    assert _importers(lambda name: name in stdlib) == {}


def test_fetching_and_grobid_load_no_other_http_stack() -> None:
    code = (
        "import sys, pipeline.fetch, pipeline.fetch.arxiv_api, pipeline.parse.grobid_backend\n"
        "assert not {'requests', 'arxiv', 'grobid_client'} & set(sys.modules), sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
