"""The network side of fetching: arXiv's Atom query API and its files, over httpx.

The base URLs come from the settings so that tests (and institutional proxies) can
point the real client at another server speaking the arXiv protocol. Every request goes
through :mod:`pipeline.fetch.http_client` (one HTTP stack, one retry policy); the Atom
answer is read with the standard library (the few fields the cache records).
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from pipeline.config import Settings
from pipeline.errors import FetchError
from pipeline.fetch import http_client
from pipeline.fetch.ids import PaperId

_HINT_NETWORK = (
    "check the network (or REPRO_ARXIV_API_URL); on a machine without network, run "
    "`reproduce fetch` where there is one and point --mirror/REPRO_MIRROR at that cache"
)
_NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


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


def _split_version(short_id: str) -> tuple[str, int]:
    base, sep, version = short_id.rpartition("v")
    if sep and version.isdigit() and base:
        return base, int(version)
    return short_id, 1


def _attempts(response: httpx.Response) -> str:
    """' after N attempts' when the status was retried to the limit, else nothing."""
    retried = response.status_code in http_client.RETRY_STATUSES
    return f" after {http_client.ATTEMPTS} attempts" if retried else ""


def _ask_api(paper: PaperId, settings: Settings) -> bytes:
    """The Atom feed the API answers for ``paper``; HTTP errors and no answer -> FetchError."""
    url = settings.arxiv_api_url.rstrip("?")
    params = {"id_list": paper.versioned_id or "", "max_results": "1"}
    try:
        response = http_client.get(url, params=params, timeout=settings.network_timeout)
    except httpx.HTTPError as err:
        raise FetchError(
            f"cannot reach the arXiv API at {settings.arxiv_api_url} for {paper}: "
            f"{type(err).__name__} after {http_client.ATTEMPTS} attempts",
            hint=_HINT_NETWORK,
        ) from err
    if response.status_code != 200:
        raise FetchError(
            f"the arXiv API answered HTTP {response.status_code} for {paper}" + _attempts(response),
            hint=_HINT_NETWORK,
        )
    return response.content


def _text(entry: ET.Element, path: str) -> str | None:
    found = entry.find(path, _NS)
    return found.text if found is not None and found.text is not None else None


def _timestamp(entry: ET.Element, path: str) -> str:
    """An Atom RFC 3339 time as ISO 8601 in UTC (``2024-01-15T12:00:00+00:00``)."""
    raw = (_text(entry, path) or "").strip().replace("Z", "+00:00")
    try:
        stamp = datetime.fromisoformat(raw)
    except ValueError as err:
        raise FetchError(f"the arXiv API sent an unreadable time {raw!r}") from err
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _entries(feed: bytes, paper: PaperId) -> list[ET.Element]:
    """The feed's paper entries (arXiv reports a bad id as an entry under /api/errors)."""
    try:
        root = ET.fromstring(feed)
    except ET.ParseError as err:
        raise FetchError(
            f"the arXiv API answered something that is not an Atom feed for {paper}",
            hint=_HINT_NETWORK,
        ) from err
    return [
        entry
        for entry in root.iterfind("atom:entry", _NS)
        if (ident := _text(entry, "atom:id")) and "/api/errors" not in ident
    ]


def query_metadata(paper: PaperId, settings: Settings) -> ArxivRecord:
    """Ask the arXiv API about ``paper``; unknown, withdrawn, or unreachable -> ``FetchError``."""
    found = _entries(_ask_api(paper, settings), paper)
    if not found:
        raise FetchError(
            f"arXiv has no paper {paper}",
            hint="check the id on https://arxiv.org (typo? wrong version?)",
        )
    entry = found[0]
    arxiv_id, version = _split_version((_text(entry, "atom:id") or "").split("/abs/")[-1])
    comment = _text(entry, "arxiv:comment") or ""
    if "withdrawn" in comment.lower():
        earlier = f"arXiv:{arxiv_id}v{version - 1}" if version > 1 else "none exists"
        raise FetchError(
            f"{paper} has been withdrawn by its authors ({comment.strip()})",
            hint=f"an earlier version may still be available: {earlier}",
        )
    primary = entry.find("arxiv:primary_category", _NS)
    return ArxivRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=re.sub(r"\s+", " ", _text(entry, "atom:title") or "").strip(),
        authors=[_text(author, "atom:name") or "" for author in entry.iterfind("atom:author", _NS)],
        abstract=" ".join((_text(entry, "atom:summary") or "").split()),
        categories=[
            term
            for cat in entry.iterfind("atom:category", _NS)
            if (term := cat.get("term")) is not None
        ],
        primary_category=(primary.get("term") if primary is not None else None) or "",
        doi=_text(entry, "arxiv:doi") or None,
        comment=comment or None,
        journal_ref=_text(entry, "arxiv:journal_ref") or None,
        published=_timestamp(entry, "atom:published"),
        updated=_timestamp(entry, "atom:updated"),
    )


def _get(url: str, settings: Settings) -> httpx.Response:
    try:
        return http_client.get(url, timeout=settings.network_timeout)
    except httpx.HTTPError as err:
        raise FetchError(
            f"download of {url} failed after {http_client.ATTEMPTS} attempts: {type(err).__name__}",
            hint=_HINT_NETWORK,
        ) from err


def download_pdf(record: ArxivRecord, settings: Settings) -> bytes:
    url = f"{settings.arxiv_export_url.rstrip('/')}/pdf/{record.arxiv_id}v{record.version}"
    response = _get(url, settings)
    if response.status_code != 200:
        raise FetchError(
            f"arXiv answered HTTP {response.status_code} for the PDF of "
            f"arXiv:{record.arxiv_id}v{record.version} ({url}){_attempts(response)}",
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
            f"arXiv:{record.arxiv_id} ({url}){_attempts(response)}",
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
