"""Configuration: CLI flag > ``REPRO_*`` environment variable > config file > default.

One variable, ``REPRO_HOME``, relocates all state: the paper cache (``papers/``), the run
outputs (``outputs/``) and the demo's note and samples (``demo/``). Its default is a per-user
data directory (:func:`default_home`), never the current directory, so that running from a
source checkout leaves nothing in it. The config file is TOML, found at ``--config``,
``$REPRO_CONFIG``, ``$REPRO_HOME/reproduce.toml`` or ``~/.config/reproduce/config.toml``
(the first that exists), with the same keys as the settings below::

    mirror = "/scratch/papers-mirror"
    [llm]
    base_url = "http://localhost:8000/v1"
    model = "qwen2.5-14b-instruct"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

# setting name -> (environment variable, dotted key in the config file)
_SOURCES: dict[str, tuple[str, str]] = {
    "home": ("REPRO_HOME", "home"),
    "mirror": ("REPRO_MIRROR", "mirror"),
    "arxiv_api_url": ("REPRO_ARXIV_API_URL", "arxiv.api_url"),
    "arxiv_export_url": ("REPRO_ARXIV_EXPORT_URL", "arxiv.export_url"),
    "grobid_url": ("REPRO_GROBID_URL", "grobid.url"),
    "llm_base_url": ("REPRO_LLM_BASE_URL", "llm.base_url"),
    "llm_model": ("REPRO_LLM_MODEL", "llm.model"),
    "llm_api_key": ("OPENAI_API_KEY", "llm.api_key"),
    "llm_timeout": ("REPRO_LLM_TIMEOUT", "llm.timeout"),
    "llm_deadline": ("REPRO_LLM_DEADLINE", "llm.deadline"),
    "llm_max_calls": ("REPRO_LLM_MAX_CALLS", "llm.max_calls"),
    "llm_temperature": ("REPRO_LLM_TEMPERATURE", "llm.temperature"),
    "llm_seed": ("REPRO_LLM_SEED", "llm.seed"),
    "llm_max_tokens": ("REPRO_LLM_MAX_TOKENS", "llm.max_tokens"),
    "llm_mode": ("REPRO_LLM_MODE", "llm.mode"),
    "network_timeout": ("REPRO_NETWORK_TIMEOUT", "network.timeout"),
    "lock_wait": ("REPRO_LOCK_WAIT", "lock.wait"),
}


def default_home() -> Path:
    """Where state lives without ``REPRO_HOME``: the platform's per-user data directory
    (platformdirs when installed), else ``$XDG_DATA_HOME/reproduce`` or
    ``~/.local/share/reproduce``."""
    try:
        import platformdirs
    except ImportError:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base).expanduser() / "reproduce"
    return Path(platformdirs.user_data_dir("reproduce", appauthor=False))


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=default_home)
    mirror: Path | None = None
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_export_url: str = "https://arxiv.org"
    grobid_url: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    # sized for a small local model on 2 CPU threads (pipeline/llm/openai_backend.py): 6-18 tokens/s
    # out and 20-70 in; a server answering without streaming is silent until done, so a socket
    # read may wait as long as one whole answer (a code generation took 671 s)
    llm_timeout: float = 1200.0  # seconds per socket read/write/connect
    llm_deadline: float = 1800.0  # seconds in all for one model call, its retries included
    llm_max_tokens: int = 4096  # the answer cap sent with every request
    llm_mode: str = (
        "auto"  # structured output: auto (probe the server) | tools | json_schema | json
    )
    llm_max_calls: int = 20
    llm_temperature: float = 0.0
    llm_seed: int | None = 1234
    network_timeout: float = 30.0
    # seconds to wait for a run directory or cache entry another process holds (pipeline/locks.py)
    lock_wait: float = 600.0
    config_file: Path | None = None

    @property
    def papers_dir(self) -> Path:
        return self.home / "papers"

    @property
    def outputs_dir(self) -> Path:
        return self.home / "outputs"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key) and bool(self.llm_model)


def _coerce(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if name == "home":  # absolute: run outputs record paths relative to it
            return Path(str(raw)).expanduser().absolute()
        if name == "mirror":
            return Path(str(raw)).expanduser()
        if "float" in str(kind):
            return float(raw)
        if "int" in str(kind):
            return int(raw)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"setting {name!r} has an invalid value {raw!r}") from err
    return str(raw)


def _config_file(explicit: Path | None) -> Path | None:
    candidates = [
        explicit,
        Path(os.environ["REPRO_CONFIG"]) if os.environ.get("REPRO_CONFIG") else None,
        Path(os.environ["REPRO_HOME"]) / "reproduce.toml" if os.environ.get("REPRO_HOME") else None,
        Path.home() / ".config" / "reproduce" / "config.toml",
    ]
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"config file {explicit} does not exist", hint="check the --config path")
    return next((c for c in candidates if c is not None and c.is_file()), None)


def _lookup(table: dict[str, Any], dotted: str) -> Any:
    node: Any = table
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Resolve every setting by precedence. ``overrides`` are CLI flags (``None`` = not given)."""
    path = _config_file(config)
    table: dict[str, Any] = {}
    if path is not None:
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError) as err:
            raise ConfigError(f"cannot read config file {path}: {err}") from err
    values: dict[str, Any] = {"config_file": path}
    for name, (env, key) in _SOURCES.items():
        for raw in (overrides.get(name), os.environ.get(env) or None, _lookup(table, key)):
            if raw is not None:
                values[name] = _coerce(name, raw)
                break
    unknown = set(overrides) - set(_SOURCES)
    if unknown:
        raise ConfigError(f"unknown settings {sorted(unknown)}")
    return replace(Settings(), **values)
