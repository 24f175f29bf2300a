"""The disk cache of input hashes (pipeline.io.sha256_input): one entry per unchanged file.

Most tests set ``RACY_NS = 0`` (in this process and in the child processes) so that a file
written a moment ago may be stored; the racy guard itself is tested with its real 2 s.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import io

ROOT = Path(__file__).resolve().parents[1]
OTHER = hashlib.sha256(b"not the file").hexdigest()
CHILD = (
    "import sys; import pipeline.io as io; io.RACY_NS = int(sys.argv[2]); "
    "print(io.sha256_input(sys.argv[1]))"
)


@pytest.fixture(autouse=True)
def fresh_process_cache() -> Iterator[None]:
    clear = getattr(io, "_sha256_by_key", getattr(io, "_sha256_by_stat", None))
    assert clear is not None
    clear.cache_clear()
    yield
    clear.cache_clear()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "hashes"
    monkeypatch.setenv("REPRO_HASH_CACHE", str(where))
    return where


@pytest.fixture
def no_racy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "RACY_NS", 0, raising=False)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _in_new_process(path: Path, cache: Path, racy_ns: int = 0) -> str:
    env = {**os.environ, "REPRO_HASH_CACHE": str(cache)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(racy_ns)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


def _entries(cache: Path) -> list[Path]:
    return (
        sorted(p for p in cache.iterdir() if not p.name.startswith(".")) if cache.is_dir() else []
    )


def _rewrite_keeping_mtime(path: Path, data: bytes) -> None:
    """New content of the same size in the same inode, with the old mtime put back."""
    before = path.stat()
    assert len(data) == before.st_size
    time.sleep(0.02)  # past the file system's timestamp granularity: ctime must move
    with open(path, "r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    assert after.st_ctime_ns != before.st_ctime_ns


def test_same_digest_as_hashlib(tmp_path: Path, cache: Path, no_racy: None) -> None:
    data = os.urandom(3 * (1 << 20) + 17)  # more than one read chunk
    path = _write(tmp_path / "data.root", data)
    expected = hashlib.sha256(data).hexdigest()
    assert io.sha256_input(path) == expected == io.sha256_file(path)
    io._sha256_by_key.cache_clear()
    assert io.sha256_input(path) == expected  # now from the disk cache
    assert [p.read_text() for p in _entries(cache)] == [expected]


def test_a_new_process_reads_the_cache(tmp_path: Path, cache: Path, no_racy: None) -> None:
    path = _write(tmp_path / "data.root", b"first content")
    assert _in_new_process(path, cache) == hashlib.sha256(b"first content").hexdigest()
    (entry,) = _entries(cache)
    entry.write_text(OTHER)  # a different valid digest: returned only if the cache is read
    assert _in_new_process(path, cache) == OTHER
    # new content, same size, same inode, mtime put back: only ctime tells, and it does
    _rewrite_keeping_mtime(path, b"other content")
    assert _in_new_process(path, cache) == hashlib.sha256(b"other content").hexdigest()


def test_a_rewrite_with_the_old_mtime_is_seen_in_process(
    tmp_path: Path, cache: Path, no_racy: None
) -> None:
    path = _write(tmp_path / "data.root", b"first content")
    assert io.sha256_input(path) == hashlib.sha256(b"first content").hexdigest()
    _rewrite_keeping_mtime(path, b"other content")
    assert io.sha256_input(path) == hashlib.sha256(b"other content").hexdigest()


def test_the_key_is_the_real_path(tmp_path: Path, cache: Path, no_racy: None) -> None:
    path = _write(tmp_path / "data.root", b"content")
    link = tmp_path / "link.root"
    link.symlink_to(path)
    io.sha256_input(path)
    io._sha256_by_key.cache_clear()
    io.sha256_input(link)
    assert len(_entries(cache)) == 1


def test_a_just_written_file_is_not_stored(tmp_path: Path, cache: Path) -> None:
    """The racy guard, with its real 2 s: hashed now, stored only once 2 s old."""
    path = _write(tmp_path / "data.root", b"just written")
    expected = hashlib.sha256(b"just written").hexdigest()
    assert io.sha256_input(path) == expected
    assert _in_new_process(path, cache, racy_ns=io.RACY_NS) == expected
    assert _entries(cache) == []
    changed = max(path.stat().st_mtime_ns, path.stat().st_ctime_ns)
    time.sleep(max(0.0, (changed + io.RACY_NS - time.time_ns()) / 1e9) + 0.1)
    assert io.sha256_input(path) == expected
    assert [p.read_text() for p in _entries(cache)] == [expected]


def test_a_file_in_the_future_is_racy(tmp_path: Path, cache: Path) -> None:
    path = _write(tmp_path / "data.root", b"from a skewed clock")
    later = time.time_ns() + 3600 * 10**9
    os.utime(path, ns=(later, later))
    assert io.sha256_input(path) == hashlib.sha256(b"from a skewed clock").hexdigest()
    assert _entries(cache) == []


@pytest.mark.parametrize("content", ["not a digest", OTHER.upper(), OTHER + "0", OTHER * 2, ""])
def test_an_invalid_entry_is_ignored(
    tmp_path: Path, cache: Path, no_racy: None, content: str
) -> None:
    path = _write(tmp_path / "data.root", b"content")
    io.sha256_input(path)
    (entry,) = _entries(cache)
    entry.write_text(content)
    io._sha256_by_key.cache_clear()
    assert io.sha256_input(path) == hashlib.sha256(b"content").hexdigest()


def test_an_unwritable_cache_falls_back_to_hashing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_racy: None
) -> None:
    blocker = _write(tmp_path / "a-file", b"")
    monkeypatch.setenv("REPRO_HASH_CACHE", str(blocker / "hashes"))  # mkdir: NotADirectoryError
    path = _write(tmp_path / "data.root", b"content")
    assert io.sha256_input(path) == hashlib.sha256(b"content").hexdigest()


def test_an_unreadable_entry_falls_back_to_hashing(
    tmp_path: Path, cache: Path, no_racy: None
) -> None:
    path = _write(tmp_path / "data.root", b"content")
    io.sha256_input(path)
    (entry,) = _entries(cache)
    entry.unlink()
    entry.mkdir()  # reading it: IsADirectoryError; replacing it: an OSError too
    io._sha256_by_key.cache_clear()
    assert io.sha256_input(path) == hashlib.sha256(b"content").hexdigest()
    assert entry.is_dir()


def test_a_read_only_cache_is_read(tmp_path: Path, cache: Path, no_racy: None) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes through permissions")
    path = _write(tmp_path / "data.root", b"content")
    io.sha256_input(path)
    (entry,) = _entries(cache)
    entry.write_text(OTHER)
    cache.chmod(0o500)
    try:
        io._sha256_by_key.cache_clear()
        assert io.sha256_input(path) == OTHER
        other = _write(tmp_path / "other.root", b"other")
        assert io.sha256_input(other) == hashlib.sha256(b"other").hexdigest()
    finally:
        cache.chmod(0o700)
    assert len(_entries(cache)) == 1


@pytest.mark.parametrize("value", ["off", "OFF", " off "])
def test_off_disables_the_disk_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_racy: None, value: str
) -> None:
    monkeypatch.setenv("REPRO_HASH_CACHE", value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert io.hash_cache_dir() is None
    path = _write(tmp_path / "data.root", b"content")
    assert io.sha256_input(path) == hashlib.sha256(b"content").hexdigest()
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "user").exists()
    assert not (Path.cwd() / "off").exists()


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPRO_HASH_CACHE", str(tmp_path / "mine"))
    assert io.hash_cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("REPRO_HASH_CACHE", "")  # empty: as if unset
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert io.hash_cache_dir() == tmp_path / "xdg" / "reproduce" / "hashes"
    monkeypatch.delenv("REPRO_HASH_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert io.hash_cache_dir() == tmp_path / "user" / ".cache" / "reproduce" / "hashes"


def test_the_sandbox_gets_the_cache_read_only_or_off(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandboxed script's HOME is its work directory: without REPRO_HASH_CACHE its cache
    would be written among its outputs."""
    from pipeline.sandbox import runner

    assert runner._hash_cache() is None  # not there yet: "off"
    cache.mkdir()
    assert runner._hash_cache() == cache.resolve()
    monkeypatch.setenv("REPRO_HASH_CACHE", "off")
    assert runner._hash_cache() is None
