"""The options and the result of a trials study (``reproduce trials``), apart from the study.

Why a module of their own: the study (``trials.py``) writes its summary with
``trials_report.py``, and the report reads these models; with the models in ``trials.py``
the two modules imported each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.audit.matching import Score
from pipeline.io import sha256_bytes

FailureKind = Literal[
    "schema",
    "ungrounded",
    "model_error",
    "deadline",  # a model call did not finish within its total deadline
    "unchanged",  # a repair returned the failing script unchanged, also after being told so
    "syntax",
    "names",  # undefined names, modules or runtime functions, found before the run
    "runtime",
    "timeout",
    "policy",
    "import",
    "memory",
    "resources",
    "contract",
    "wrong_result",
    "other",
]
SANDBOX_KINDS = {
    "syntax",
    "names",
    "runtime",
    "timeout",
    "policy",
    "import",
    "memory",
    "resources",
    "contract",
    "wrong_result",
}


class TrialsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paper: str
    n: int = Field(10, ge=1)
    backend: Literal["rules", "llm"] = "llm"
    codegen: Literal["compile", "llm"] = "compile"
    whole_list: bool = False  # the model returns the whole selection list (backend llm)
    data: list[Path]
    baseline: str | None = None
    reference: Path | None = None
    jobs: int = Field(1, ge=1)
    trials_id: str | None = None
    max_attempts: int = Field(3, ge=1, le=10)
    timeout_s: float = 600.0

    def study_id(self) -> str:
        if self.trials_id:
            return self.trials_id
        text = "\n".join(
            [
                self.paper,
                self.backend
                + (" whole-list" if self.whole_list else ""),  # ids of old studies kept
                self.codegen,
                self.baseline or "",
                *sorted(str(p.resolve()) for p in self.data),
            ]
        )
        return sha256_bytes(text.encode())[:8]


class TrialResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int
    completed: bool = Field(
        description="extraction, code generation and the sandbox run all succeeded"
    )
    failed_stage: str | None = None
    error: str = ""
    failures: list[FailureKind] = Field(
        default_factory=list, description="every kind seen, repaired ones too"
    )
    cuts: int = 0
    ungrounded: list[str] = Field(default_factory=list)
    cut_values: dict[str, str] = Field(default_factory=dict, description="cut id -> its expression")
    score: Score | None = None
    attempts: int = 0
    verdicts: list[str] = Field(default_factory=list)
    comparison: str | None = None
    identical_events: bool = False
    first_divergence: str | None = None
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    wall_s: float = 0.0
