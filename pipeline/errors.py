"""The one error hierarchy of the pipeline.

Every error a user can cause or meet derives from :class:`ReproError`. Subclasses
carry the data a person (or a repair prompt) needs; the CLI alone turns them into a
message and an exit code. Library code always raises ``... from err``.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from pathlib import Path


class ReproError(Exception):
    """Base class. ``hint`` says what to do about it; ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UsageError(ReproError):
    """The user asked for something malformed (an ID, an option value, a file of the wrong kind)."""

    exit_code = 2


class ConfigError(ReproError):
    """A configuration file or variable is invalid."""

    exit_code = 2


class FetchError(ReproError):
    """A paper could not be fetched (unknown ID, withdrawn, network failure, mirror miss)."""


class ParseError(ReproError):
    """A document could not be parsed (corrupt, encrypted, no text layer, not a paper)."""

    def __init__(self, message: str, *, path: Path | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = path


class SelectionError(ReproError):
    """A selection list is invalid: schema violation, unknown name, unsafe expression."""

    def __init__(
        self,
        message: str,
        *,
        json_path: str | None = None,
        position: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.json_path = json_path
        self.position = position


class ExtractionError(ReproError):
    """Extraction failed (model unreachable, garbage after all retries, call cap reached)."""


class DataError(ReproError):
    """An input data file is missing, corrupt, of the wrong schema, or lacks a branch."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        closest: Sequence[str] = (),
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.closest = list(closest)


class CodegenError(ReproError):
    """Code could not be generated from a selection list."""


class SandboxError(ReproError):
    """Generated code failed in the sandbox, or violated its policy."""

    def __init__(
        self,
        message: str,
        *,
        kind: str = "runtime",
        returncode: int | None = None,
        stderr_tail: str = "",
        attempts: int = 0,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.kind = kind
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        self.attempts = attempts


def closest_names(name: str, candidates: Sequence[str], n: int = 3) -> list[str]:
    """The names in ``candidates`` that look most like ``name`` (for 'did you mean' hints)."""
    return get_close_matches(name, list(candidates), n=n, cutoff=0.5)
