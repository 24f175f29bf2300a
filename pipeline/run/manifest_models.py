"""The typed contents of ``manifest.json`` (see ``manifest.py`` for how it is filled).

Everything outside ``volatile`` is a function of the run's inputs, code and environment:
two runs of the same inputs on the same machine give the same bytes there. Timestamps,
timings and notes that quote durations live in ``volatile``, which audits ignore.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.run.options import RunOptions

SCHEMA_VERSION = "2.1.0"  # 2.1: input scopes home/package, external inputs by name
InputRole = Literal[
    "paper_pdf",
    "paper_source",
    "paper_file",
    "cited_paper",
    "data",
    "selection_reviewed",
    "review_version",
    "review_log",
    "hint",
    "prompt",
    "llm_calls",
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InputFile(Model):
    """One input, by content and by a name that does not depend on where things live.

    ``path`` is relative to the root its ``scope`` names: the run directory (``run``), REPRO_HOME
    (``home``: the paper cache), the installed ``pipeline`` package (``package``: hints, prompt
    sources); for ``external`` files (data, a given reviewed list or recording) it is the file's
    name, and where it was read is in ``Volatile.input_locations``.
    """

    role: InputRole
    path: str = Field(
        description="relative to the scope's root; the file name for scope 'external'"
    )
    scope: Literal["run", "home", "package", "external"] = "external"
    sha256: str
    size: int
    required: bool = Field(
        True, description="a change fails the audit (else it is reported as a warning)"
    )


class OutputFile(Model):
    sha256: str
    size: int
    stage: str = Field(description="the stage that wrote it (from run.json)")


class CodeFile(Model):
    path: str
    sha256: str
    origin: Literal["compiled", "model", "unknown"] = "unknown"


class Environment(Model):
    reproduce: str
    python: str
    platform: str
    machine: str
    packages: dict[str, str]
    stage_two_code: str = Field(description="hash of pipeline/codegen + pipeline/runtime")


class ModelInfo(Model):
    configured_model: str | None = None
    configured_server: str | None = None
    temperature: float
    seed: int | None
    max_calls: int
    backends: list[str] = Field(
        default_factory=list, description="backends seen in llm_calls.jsonl"
    )
    models: list[str] = Field(default_factory=list)
    servers: list[str] = Field(default_factory=list)
    modes: list[str] = Field(default_factory=list)
    temperatures: list[float] = Field(default_factory=list)
    seeds: list[int] = Field(default_factory=list)
    calls_by_purpose: dict[str, int] = Field(default_factory=dict)


class Usage(Model):
    calls: int = 0
    failed_calls: int = 0
    http_requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cost_usd: float = 0.0
    prices_usd_per_1m: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="model -> (input, output) used"
    )


class SandboxInfo(Model):
    isolation: list[str] = Field(
        default_factory=list, description="isolation of each sandbox attempt"
    )
    limits: dict[str, float | int | None] = Field(default_factory=dict)
    attempts: int = 0
    verdicts: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class Volatile(Model):
    """Ignored by audits: when and how long, not what."""

    created_at: str
    timings_s: dict[str, float] = Field(default_factory=dict)
    total_s: float = 0.0
    stage_notes: dict[str, str] = Field(default_factory=dict)
    llm_latency_s: float = 0.0
    input_locations: list[str] = Field(
        default_factory=list,
        description="absolute path each of Manifest.inputs was read from, in order",
    )
    options: RunOptions | None = Field(
        None,
        description="the run's options with resolved absolute paths "
        "(what an audit re-runs); Manifest.options names files only",
    )


class Manifest(Model):
    schema_version: str = SCHEMA_VERSION
    paper: str = Field(
        description="the paper as normalised (arXiv:ID, doi:..., or a local file's name)"
    )
    slug: str
    run_id: str
    options: RunOptions = Field(
        description="the options with files named, not located (see Volatile.options)"
    )
    settings_key: dict[str, str]
    inputs: list[InputFile]
    environment: Environment
    model: ModelInfo
    usage: Usage
    sandbox: SandboxInfo
    code: list[CodeFile]
    outputs: dict[str, OutputFile] = Field(
        description="path relative to the run -> hash and producing stage"
    )
    excluded: dict[str, str] = Field(
        default_factory=dict, description="files of the run not hashed as outputs, with the reason"
    )
    volatile: Volatile

    def deterministic(self) -> dict[str, object]:
        """Everything an audit may compare (no timestamps, timings or durations)."""
        return self.model_dump(mode="json", exclude={"volatile"})
