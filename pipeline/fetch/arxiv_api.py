"""The network side of fetching: arXiv metadata through the ``arxiv`` package, files over HTTP.

The base URLs come from the settings so that tests (and institutional proxies) can
point the real client at another server speaking the arXiv protocol.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import httpx
import requests

from pipeline.config import Settings
from pipeline.errors import FetchError
from pipeline.fetch.ids import PaperId

_HINT_NETWORK = (
    "check the network (or REPRO_ARXIV_API_URL); on a machine without network, run "
    "`reproduce fetch` where there is one and point --mirror/REPRO_MIRROR at that cache"
)


@dataclass(frozen=True)
class ArxivRecord:
    """What the arXiv API says about one paper (plain data, no client objects)."""

    arxiv_id: str
    version: int
    title: str
    authors: list[str]
    abstract: str
    categories: list[str]
    primary_category: str
    doi: str | None
    comment: str | None
    journal_ref: str | None
    published: str
    updated: str


class _TimeoutSession(requests.Session):
    """The ``arxiv`` client passes no timeout; a hung server must not hang us."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self._timeout)
        return super().request(method, url, *args, **kwargs)


def _client(settings: Settings) -> Any:
    import arxiv

    host = urlparse(settings.arxiv_api_url).hostname or ""
    # arXiv asks for 3 s between API calls; a local server (tests, proxies) does not.
    delay = 0.0 if host in {"127.0.0.1", "localhost", "::1"} else 3.0
    client = arxiv.Client(page_size=10, delay_seconds=delay, num_retries=1)
    client.query_url_format = settings.arxiv_api_url.rstrip("?") + "?{}"
    client._session = _TimeoutSession(settings.network_timeout)
    return client


def _split_version(short_id: str) -> tuple[str, int]:
    base, sep, version = short_id.rpartition("v")
    if sep and version.isdigit() and base:
        return base, int(version)
    return short_id, 1


def query_metadata(paper: PaperId, settings: Settings) -> ArxivRecord:
    """Ask the arXiv API about ``paper``; unknown, withdrawn, or unreachable -> ``FetchError``."""
    import arxiv

    search = arxiv.Search(id_list=[paper.versioned_id or ""], max_results=1)
    try:
        results = list(_client(settings).results(search))
    except arxiv.HTTPError as err:
        raise FetchError(
            f"the arXiv API answered HTTP {err.status} for {paper}", hint=_HINT_NETWORK
        ) from err
    except (requests.RequestException, arxiv.ArxivError) as err:
        raise FetchError(
            f"cannot reach the arXiv API at {settings.arxiv_api_url} for {paper}: "
            f"{type(err).__name__}",
            hint=_HINT_NETWORK,
        ) from err
    found = [r for r in results if "/api/errors" not in r.entry_id]
    if not found:
        raise FetchError(
            f"arXiv has no paper {paper}",
            hint="check the id on https://arxiv.org (typo? wrong version?)",
        )
    result = found[0]
    arxiv_id, version = _split_version(result.entry_id.split("/abs/")[-1])
    comment = result.comment or ""
    if "withdrawn" in comment.lower():
        earlier = f"arXiv:{arxiv_id}v{version - 1}" if version > 1 else "none exists"
        raise FetchError(
            f"{paper} has been withdrawn by its authors ({comment.strip()})",
            hint=f"an earlier version may still be available: {earlier}",
        )
    return ArxivRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=result.title.strip(),
        authors=[a.name for a in result.authors],
        abstract=" ".join(result.summary.split()),
        categories=list(result.categories),
        primary_category=result.primary_category,
        doi=result.doi or None,
        comment=result.comment or None,
        journal_ref=result.journal_ref or None,
        published=result.published.isoformat(),
        updated=result.updated.isoformat(),
    )


def _get(url: str, settings: Settings) -> httpx.Response:
    try:
        return httpx.get(url, timeout=settings.network_timeout, follow_redirects=True)
    except httpx.HTTPError as err:
        raise FetchError(
            f"download of {url} failed: {type(err).__name__}", hint=_HINT_NETWORK
        ) from err


def download_pdf(record: ArxivRecord, settings: Settings) -> bytes:
    url = f"{settings.arxiv_export_url.rstrip('/')}/pdf/{record.arxiv_id}v{record.version}"
    response = _get(url, settings)
    if response.status_code != 200:
        raise FetchError(
            f"arXiv answered HTTP {response.status_code} for the PDF of "
            f"arXiv:{record.arxiv_id}v{record.version} ({url})",
            hint="retry later; if it persists, fetch the PDF by hand and pass its path",
        )
    if not response.content.startswith(b"%PDF"):
        raise FetchError(
            f"{url} did not return a PDF (got {response.headers.get('content-type', '?')})",
            hint="arXiv may still be generating the PDF; retry in a few minutes",
        )
    return response.content


def download_source(record: ArxivRecord, settings: Settings) -> tuple[str, bytes] | None:
    """The LaTeX source as (file name, bytes), or ``None`` when arXiv has none (PDF-only)."""
    url = f"{settings.arxiv_export_url.rstrip('/')}/e-print/{record.arxiv_id}v{record.version}"
    response = _get(url, settings)
    if response.status_code in (403, 404):
        return None
    if response.status_code != 200:
        raise FetchError(
            f"arXiv answered HTTP {response.status_code} for the source of "
            f"arXiv:{record.arxiv_id} ({url})",
            hint="retry later, or use --backend pymupdf which needs only the PDF",
        )
    return source_name(response.content)


def source_name(data: bytes) -> tuple[str, bytes] | None:
    """Name the e-print payload by what it is: a tarball, a gzipped single file, or nothing."""
    if data.startswith(b"%PDF") or not data:
        return None  # PDF-only submissions: the e-print endpoint serves the PDF itself
    if data[:2] == b"\x1f\x8b":
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz"):
                return "source.tar.gz", data
        except tarfile.TarError:
            try:
                gzip.decompress(data)
            except (OSError, EOFError) as err:
                raise FetchError("the source archive from arXiv is corrupt") from err
            return "source.tex.gz", data
    return "source.tex", data
