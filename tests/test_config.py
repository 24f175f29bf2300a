from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import ConfigError


def test_precedence_flag_env_file_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('mirror = "/from/file"\n[llm]\nmodel = "file-model"\ntimeout = 5\n')
    s = load_settings(cfg)
    assert s.mirror == Path("/from/file") and s.llm_model == "file-model" and s.llm_timeout == 5.0
    monkeypatch.setenv("REPRO_MIRROR", "/from/env")
    assert load_settings(cfg).mirror == Path("/from/env")
    assert load_settings(cfg, mirror="/from/flag").mirror == Path("/from/flag")
    assert load_settings(cfg).arxiv_api_url.startswith("https://")  # default


def test_repro_home_relocates_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPRO_HOME", str(tmp_path))
    s = load_settings()
    assert s.papers_dir == tmp_path / "papers" and s.outputs_dir == tmp_path / "outputs"


def test_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("mirror = [unclosed\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(cfg)
    cfg.write_text("[llm]\ntimeout = 'soon'\n")
    with pytest.raises(ConfigError, match="llm_timeout"):
        load_settings(cfg)
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")


def test_default_home_is_a_per_user_data_dir_not_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REPRO_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    assert load_settings().home == tmp_path / "xdg" / "reproduce"  # platformdirs honours XDG too


def test_relative_repro_home_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPRO_HOME", "state")
    assert load_settings().home == tmp_path / "state"
