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
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from pipeline.errors import SelectionError


def sha256_file(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    """sha256 of the file's bytes, read now (no cache; see :func:`sha256_input` for one)."""
    with open(path, "rb") as handle:
        return _sha256_handle(handle, chunk)


def _sha256_handle(handle: BinaryIO, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    while block := handle.read(chunk):
        digest.update(block)
    return digest.hexdigest()


HASH_CACHE_ENV = "REPRO_HASH_CACHE"
HASH_CACHE_OFF = "off"
RACY_NS = 2_000_000_000  # a file changed this recently is hashed but its digest not stored
_HEX64 = re.compile(r"[0-9a-f]{64}")


def sha256_input(path: str | os.PathLike[str]) -> str:
    """sha256 of a file the process only reads (data files, papers), hashed once while unchanged.

    Two caches, both keyed by the file's real path, device, inode, size, mtime and ctime (ctime
    changes on every write and cannot be set back from user space): one per process, and one
    on disk shared by every run (:func:`hash_cache_dir`). A file changed less than 2 s ago is
    hashed every time and never stored (git's "racy" guard: a second write within the same
    clock tick would leave the key unchanged). Any OSError of the disk cache falls back to
    hashing. Verifying inputs (``reproduce audit``) uses :func:`sha256_file`, never this.
    """
    st = os.stat(path)
    if _racy(st):
        return sha256_file(path)
    return _sha256_by_key(_stat_key(os.path.realpath(path), st))


def hash_cache_dir() -> Path | None:
    """The disk cache of input hashes: ``$REPRO_HASH_CACHE``, else
    ``$XDG_CACHE_HOME/reproduce/hashes`` (``~/.cache/reproduce/hashes``); None (no disk cache)
    when ``REPRO_HASH_CACHE=off``. An empty value counts as unset."""
    value = os.environ.get(HASH_CACHE_ENV, "").strip()
    if value.lower() == HASH_CACHE_OFF:
        return None
    if value:
        return Path(value).expanduser().absolute()
    try:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:  # no HOME and no passwd entry
        return None
    return Path(cache).expanduser() / "reproduce" / "hashes"


_StatKey = tuple[str, int, int, int, int, int]


def _stat_key(real: str, st: os.stat_result) -> _StatKey:
    return (real, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _racy(st: os.stat_result) -> bool:
    """Changed within the last 2 s (or in the future: a skewed clock)."""
    return max(st.st_mtime_ns, st.st_ctime_ns) >= time.time_ns() - RACY_NS


@functools.lru_cache(maxsize=4096)
def _sha256_by_key(key: _StatKey) -> str:
    cache = hash_cache_dir()
    entry = cache / _entry_name(key) if cache else None
    if entry is not None and (cached := _read_entry(entry)):
        return cached
    with open(key[0], "rb") as handle:
        digest = _sha256_handle(handle)
        after = os.fstat(handle.fileno())
    # stored only when the file did not change while it was read and is not racy now
    if entry is not None and _stat_key(key[0], after) == key and not _racy(after):
        with contextlib.suppress(OSError):
            write_text_atomic(entry, digest)
    return digest


def _entry_name(key: _StatKey) -> str:
    real, *numbers = key
    text = b"\0".join([b"v1", os.fsencode(real), *(str(n).encode() for n in numbers)])
    return hashlib.sha256(text).hexdigest()


def _read_entry(entry: Path) -> str | None:
    """The stored digest, or None when absent, unreadable or not 64 lower-case hex digits."""
    try:
        with open(entry, "rb") as handle:
            raw = handle.read(66)  # the digest, perhaps with a newline; more is not an entry
    except OSError:
        return None
    text = raw.strip().decode("latin-1")
    return text if len(raw) <= 65 and _HEX64.fullmatch(text) else None


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
