"""Small I/O helpers: atomic writes, hashing, canonical JSON.

Everything the pipeline writes goes through here so that an interrupted run never
leaves a half-written file that looks whole, and so that the same content always
serialises to the same bytes (the audits compare hashes).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.errors import SelectionError


def sha256_file(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def sha256_input(path: str | os.PathLike[str]) -> str:
    """sha256 of a file the process only reads (data files, papers), hashed once per process
    while its size and modification time stay the same."""
    st = os.stat(path)
    return _sha256_by_stat(os.fspath(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _sha256_by_stat(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(data: Any) -> str:
    """Sorted keys, two-space indent, trailing newline: same data, same bytes."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


MAX_JSON_DEPTH = 64
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{},]', re.DOTALL)
_PATH_SHOWN = 8


def loads_bounded(text: str, *, source: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` for JSON from outside (files a user gives, request bodies).

    A document nested deeper than ``max_depth`` is refused by a flat scan before
    ``json.loads`` recurses into it (100,000 ``[`` would otherwise end in a
    RecursionError); malformed JSON and over-long integers become a
    :class:`SelectionError` naming ``source`` and, for depth, the JSON path.
    """
    _check_depth(text, source=source, max_depth=max_depth)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise SelectionError(
            f"{source} is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}",
            hint="a selection list is a JSON object; see schemas/selection.schema.json",
        ) from err
    except (ValueError, RecursionError) as err:  # integers of more than 4300 digits; a last guard
        raise SelectionError(
            f"{source} cannot be read as JSON: {err}", hint="numbers must be of ordinary size"
        ) from err


def _check_depth(text: str, *, source: str, max_depth: int) -> None:
    """Scan brackets (skipping strings) without recursion; refuse nesting beyond ``max_depth``."""
    stack: list[list[Any]] = []  # [index] for arrays, [key, expecting_key] for objects
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token in "[{":
            stack.append([0] if token == "[" else [None, True])
            if len(stack) > max_depth:
                path = _scan_path(stack[:-1])
                raise SelectionError(
                    f"{source} is nested deeper than {max_depth} levels at {path}",
                    json_path=path,
                    hint=f"no valid input nests arrays/objects more than {max_depth} deep; "
                    "remove or flatten that value",
                )
        elif token in "]}":
            if stack:
                stack.pop()
        elif top is None:
            continue
        elif token == ",":
            if len(top) == 1:
                top[0] += 1
            else:
                top[1] = True
        elif len(top) == 2 and top[1]:  # a string where an object key is expected
            top[0], top[1] = token[1:-1], False


def _scan_path(frames: list[list[Any]]) -> str:
    """``$.selection[3].value[0]...`` (the first few steps; a bomb's path is all ``[0]``)."""
    parts = [f"[{frame[0]}]" if len(frame) == 1 else f".{frame[0]}" for frame in frames]
    return "$" + "".join(parts[:_PATH_SHOWN]) + ("..." if len(parts) > _PATH_SHOWN else "")


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write to a temporary file beside ``path``, fsync, then rename over it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | os.PathLike[str], data: Any) -> Path:
    return write_text_atomic(path, canonical_json(data))


@contextlib.contextmanager
def atomic_directory(final: str | os.PathLike[str]) -> Iterator[Path]:
    """Build a directory under a temporary name; it appears at ``final`` only when complete.

    An exception inside the block removes the partial directory and leaves any
    existing ``final`` untouched.
    """
    target = Path(final)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        yield staging
        if target.exists():
            backup = target.with_name(f".{target.name}.old")
            shutil.rmtree(backup, ignore_errors=True)
            os.replace(target, backup)
            os.replace(staging, target)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
