"""Hostile scripts against the input hash cache the sandbox reads (pipeline.io.sha256_input).

The runner binds the cache into the sandbox read-only (``REPRO_HASH_CACHE``) so the script's
reader need not hash the data again. A script that could write, replace, create or remove an
entry there would make a later trusted run record a wrong sha256 for an input: each attack
below tries, and the cache must be exactly as it was, under every isolation model code can get
(bubblewrap; the unshare fallback a user may accept with ``--isolation weak``).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from pipeline import io
from pipeline.sandbox.isolation import probe
from pipeline.sandbox.runner import run_script

OTHER = hashlib.sha256(b"not the data").hexdigest()

PRELUDE = (
    "import sys\n"
    "load = getattr(sys.modules['buil' + 'tins'], '__imp' + 'ort__')\n"
    "os = load('o' + 's')\n"
    "ct = load('ct' + 'ypes')\n"
    "libc = ct.CDLL(None, use_errno=True)\n"
)

# every way a script could change the cache; what succeeded is printed as DONE
ATTACK = PRELUDE + (
    "cache = os.environ.get('REPRO_HASH_CACHE', '')\n"
    "entry = os.path.join(cache, '@ENTRY@')\n"
    "print('SEEN', cache == '@CACHE@', open(entry).read().strip() == '@DIGEST@')\n"
    "done = []\n"
    "def attempt(name, op):\n"
    "    try:\n"
    "        op(); done.append(name)\n"
    "    except OSError:\n"
    "        pass\n"
    "new = os.path.join(cache, '0' * 64)\n"
    "work = os.getcwd()\n"
    "attempt('overwrite', lambda: open(entry, 'w').write('@OTHER@'))\n"
    "attempt('append', lambda: open(entry, 'ab').write(b'x'))\n"
    "attempt('create', lambda: open(new, 'x').write('@OTHER@'))\n"
    "attempt('fd-reopen', lambda: open('/proc/self/fd/%d' % os.open(entry, os.O_RDONLY), 'w'))\n"
    "attempt('rename', lambda: getattr(os, 're' + 'place')(entry, entry + '.x'))\n"
    "attempt('unlink', lambda: getattr(os, 'un' + 'link')(entry))\n"
    "attempt('symlink', lambda: getattr(os, 'sym' + 'link')('/tmp/x', new))\n"
    "attempt('chmod', lambda: getattr(os, 'ch' + 'mod')(cache, 0o777))\n"
    "attempt('utime', lambda: getattr(os, 'ut' + 'ime')(entry, (0, 0)))\n"
    "def through_hardlink():\n"
    "    getattr(os, 'li' + 'nk')(entry, os.path.join(work, 'hl'))\n"
    "    open(os.path.join(work, 'hl'), 'w').write('@OTHER@')\n"
    "attempt('hardlink', through_hardlink)\n"
    "def remount():\n"
    "    MS_REMOUNT, MS_BIND = 32, 4096\n"
    "    if libc.mount(None, cache.encode(), None, MS_REMOUNT | MS_BIND, None) != 0:\n"
    "        raise OSError(ct.get_errno(), 'mount')\n"
    "    open(entry, 'w').write('@OTHER@')\n"
    "attempt('remount', remount)\n"
    "def unmount():\n"
    "    if libc.umount2(cache.encode(), 2) != 0:\n"
    "        raise OSError(ct.get_errno(), 'umount')\n"
    "    open(entry, 'w').write('@OTHER@')\n"
    "attempt('umount', unmount)\n"
    "io = load('pipeline.io', fromlist=['x'])\n"
    "attempt('write_text_atomic', lambda: io.write_text_atomic(new, '@OTHER@'))\n"
    "print('DONE', done)\n"
    "sys.exit(9)\n"
)


def _snapshot(cache: Path) -> dict[str, tuple[bytes, int, int, int]]:
    return {
        p.name: (p.read_bytes(), p.stat().st_ino, p.stat().st_mode, p.stat().st_mtime_ns)
        for p in sorted(cache.iterdir())
    }


@pytest.mark.parametrize(
    ("kind", "requirement"),
    [("bwrap", "full"), ("unshare", "weak")],
)
def test_the_sandbox_cannot_change_the_hash_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, requirement: str
) -> None:
    works, why = probe()[kind]  # type: ignore[index]
    if not works:
        pytest.skip(f"{kind} does not work here: {why}")
    data = tmp_path / "data" / "input.root"
    data.parent.mkdir()
    data.write_bytes(b"root" + os.urandom(4092))
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    cache = tmp_path / "hashes"
    cache.mkdir()
    monkeypatch.setenv("REPRO_HASH_CACHE", str(cache))
    name = io._entry_name(io._stat_key(os.path.realpath(data), data.stat()))
    (cache / name).write_text(digest)
    before = _snapshot(cache)
    mode = cache.stat().st_mode
    script = tmp_path / "attack.py"
    values = {"ENTRY": name, "CACHE": str(cache.resolve()), "DIGEST": digest, "OTHER": OTHER}
    source = ATTACK
    for key, value in values.items():
        source = source.replace(f"@{key}@", value)
    script.write_text(source)

    result = run_script(
        script,
        data=[data],
        work_dir=tmp_path / "work",
        isolation=kind,
        requirement=requirement,  # type: ignore[arg-type]
        policy=False,  # the isolation is under test, not the static policy
    )

    assert result.isolation == kind
    assert result.returncode == 9, (result.verdict, result.reason, result.stderr_tail)
    # the attack saw the cache (so its failures are the isolation's doing, not a missing path)
    assert "SEEN True True" in result.stdout_tail, result.stdout_tail
    done = re.search(r"DONE (\[.*\])", result.stdout_tail)
    assert done is not None, result.stdout_tail
    assert done.group(1) == "[]", f"the sandbox changed the hash cache: {done.group(1)}"
    assert _snapshot(cache) == before
    assert cache.stat().st_mode == mode
    io._sha256_by_key.cache_clear()
    assert io.sha256_input(data) == digest


READ_SECRET = PRELUDE + (
    "cache = os.environ.get('REPRO_HASH_CACHE', '')\n"
    "for path in ['@SECRET@', os.path.join(cache, 'huggingface', 'token')]:\n"
    "    try:\n"
    "        print('READ', open(path).read())\n"
    "    except OSError as err:\n"
    "        print('no', type(err).__name__)\n"
    "sys.exit(9)\n"
)


def test_a_cache_setting_that_names_a_broad_directory_exposes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REPRO_HASH_CACHE set to a directory that holds more than the cache (``~/.cache``, ``~``,
    ``.``): binding it would show the script whatever else lies there (``~/.cache`` holds
    e.g. ``huggingface/token``). Only a directory of cache entries is bound."""
    works, why = probe()["bwrap"]
    if not works:
        pytest.skip(f"bwrap does not work here: {why}")
    token = "CANARY-" + os.urandom(8).hex()
    broad = tmp_path / "dot-cache"
    (broad / "huggingface").mkdir(parents=True)
    secret = broad / "huggingface" / "token"
    secret.write_text(token)
    data = tmp_path / "data" / "input.root"
    data.parent.mkdir()
    data.write_bytes(b"root" + os.urandom(4092))
    name = io._entry_name(io._stat_key(os.path.realpath(data), data.stat()))
    (broad / name).write_text(hashlib.sha256(data.read_bytes()).hexdigest())
    monkeypatch.setenv("REPRO_HASH_CACHE", str(broad))
    script = tmp_path / "attack.py"
    script.write_text(READ_SECRET.replace("@SECRET@", str(secret)))

    result = run_script(
        script, data=[data], work_dir=tmp_path / "work", isolation="bwrap", policy=False
    )

    assert result.returncode == 9, (result.verdict, result.reason, result.stderr_tail)
    assert "no " in result.stdout_tail, result.stdout_tail
    assert token not in result.stdout_tail, "the sandbox read a file beside the hash cache"
    assert token not in result.stderr_tail
