"""Paper identifiers: everything a user may type for a paper, reduced to one ``PaperId``.

Accepted: ``arXiv:1712.02304``, ``1712.02304``, ``1712.02304v2``, old-style
``hep-ex/0612017``, abs/pdf URLs, the arXiv DOI ``10.48550/arXiv.1712.02304``, other
DOIs when a cached or mirrored paper records them, and a path to a local PDF.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from pipeline.errors import UsageError

VALID_FORMS = (
    "arXiv:1712.02304, 1712.02304v2, hep-ex/0612017, https://arxiv.org/abs/1712.02304, "
    "10.48550/arXiv.1712.02304, or a path to a local .pdf file"
)

MAX_ID_CHARS = (
    1024  # a path, URL or DOI longer than this is a mistake (and too long for a file name)
)
MAX_DOI_CHARS = 200
_NEW = r"(?P<new>\d{4}\.\d{4,5})"
_OLD = r"(?P<old>[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})"
_VERSION = r"(?:v(?P<version>\d+))?"
_ID_RE = re.compile(rf"^(?:{_NEW}|{_OLD}){_VERSION}$")
_URL_RE = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|src|e-print)/(?P<rest>.+?)(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_DOI_RE = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/\S+)$", re.I)
_ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\.(?P<rest>.+)$", re.IGNORECASE)


class PaperId(BaseModel):
    """A normalised paper reference; ``slug`` names its cache directory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["arxiv", "local", "doi"]
    arxiv_id: str | None = None
    version: int | None = None
    path: Path | None = None
    doi: str | None = None

    @property
    def slug(self) -> str:
        if self.kind == "arxiv" and self.arxiv_id:
            base = self.arxiv_id.replace("/", "_")
            return f"{base}v{self.version}" if self.version else base
        if self.kind == "local" and self.path is not None:
            return re.sub(r"[^A-Za-z0-9._+-]+", "_", self.path.stem)
        return re.sub(r"[^A-Za-z0-9._+-]+", "_", self.doi or "unknown")

    @property
    def versioned_id(self) -> str | None:
        """The id as the arXiv API wants it (``1712.02304v2`` or ``1712.02304``)."""
        if self.arxiv_id is None:
            return None
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id

    def __str__(self) -> str:
        if self.kind == "arxiv":
            return f"arXiv:{self.versioned_id}"
        if self.kind == "local":
            return str(self.path)
        return f"doi:{self.doi}"


def _parse_arxiv(text: str) -> PaperId | None:
    match = _ID_RE.match(text)
    if match is None:
        return None
    new = match.group("new")
    if new is not None and not 1 <= int(new[2:4]) <= 12:
        return None  # YYMM with an impossible month is a typo, not an id
    version = match.group("version")
    return PaperId(
        kind="arxiv",
        arxiv_id=new or match.group("old"),
        version=int(version) if version else None,
    )


def _malformed(text: str, why: str) -> UsageError:
    return UsageError(
        f"{text!r} is not a paper identifier ({why})",
        hint=f"valid forms: {VALID_FORMS}",
    )


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name the OS refuses (too long, a NUL) is not one."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def normalize_paper_id(text: str) -> PaperId:
    """Parse any accepted form into a :class:`PaperId`; raise ``UsageError`` otherwise."""
    raw = str(text).strip()
    if not raw:
        raise _malformed(raw, "empty")
    if len(raw) > MAX_ID_CHARS:
        raise UsageError(
            f"{raw[:40]!r}... is not a paper identifier (too long: {len(raw)} characters, "
            f"at most {MAX_ID_CHARS})",
            hint=f"valid forms: {VALID_FORMS}",
        )
    if any(ord(c) < 32 for c in raw):
        raise _malformed(raw, "it contains control characters")
    candidate = Path(raw).expanduser()
    if raw.lower().endswith(".pdf") and not raw.lower().startswith(("http://", "https://")):
        if not _is_file(candidate):
            raise UsageError(
                f"local PDF {candidate} does not exist",
                hint="check the path, or give an arXiv id instead",
            )
        return PaperId(kind="local", path=candidate.resolve())
    if _is_file(candidate):
        return PaperId(kind="local", path=candidate.resolve())
    stripped = re.sub(r"^arxiv:\s*", "", raw, flags=re.IGNORECASE)
    if (parsed := _parse_arxiv(stripped)) is not None:
        return parsed
    if (url := _URL_RE.match(raw)) is not None:
        if (parsed := _parse_arxiv(url.group("rest"))) is not None:
            return parsed
        raise _malformed(raw, "the URL does not end in an arXiv id")
    if (doi := _DOI_RE.match(raw)) is not None:
        value = doi.group("doi").rstrip(".,;")
        arx = _ARXIV_DOI_RE.match(value)
        if arx is not None and (parsed := _parse_arxiv(arx.group("rest"))) is not None:
            return parsed
        if len(value) > MAX_DOI_CHARS:  # the DOI names a cache directory
            raise _malformed(raw, f"a DOI of {len(value)} characters; at most {MAX_DOI_CHARS}")
        return PaperId(kind="doi", doi=value.lower())
    raise _malformed(raw, "not an arXiv id, arXiv URL, DOI or existing file")


ARXIV_IN_TEXT = re.compile(
    r"(?:arXiv:\s*|arxiv\.org/abs/)"
    r"(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)"
    r"|\b(?P<old>(?:hep-(?:ex|ph|th|lat)|astro-ph|nucl-(?:ex|th)|physics|gr-qc|quant-ph"
    r"|cond-mat)/\d{7})",
    re.IGNORECASE,
)
DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>,;]+[^\s\"<>,;.)\]])")
