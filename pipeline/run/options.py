"""What a whole run was asked to do; its hash names the run directory (same options, same run)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.io import sha256_bytes


def code_fingerprint() -> str:
    """Hash of the code generator and runtime: new code, new results (the run restarts)."""
    root = Path(__file__).resolve().parents[1]
    files = sorted([*(root / "codegen").glob("*.py"), *(root / "runtime").glob("*.py")])
    return sha256_bytes(b"".join(f.read_bytes() for f in files))[:16]


class RunOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paper: str = Field(description="arXiv id, DOI or local PDF path")
    data: list[Path] = Field(default_factory=list)
    baseline: str | None = None
    no_review: bool = False
    codegen: Literal["compile", "llm"] = "compile"
    extract_backend: Literal["rules", "llm"] = "rules"
    whole_list: bool = Field(
        False, description="the model returns the whole selection list (--extract llm)"
    )
    reviewed: Path | None = Field(
        None, description="a reviewed selection list to use instead of reviewing"
    )
    max_attempts: int = Field(3, ge=1, le=10)
    timeout_s: float = 600.0
    run_id: str | None = None
    replay: Path | None = Field(
        None, description="recorded llm_calls.jsonl to replay instead of a model"
    )
    # where the analyses run; not part of key(): every executor gives the same results
    executor: Literal["local", "dask"] = "local"
    workers: int | None = Field(None, ge=1, description="Dask workers (default: one per core)")
    # how the sandbox must isolate: not part of key() either (same code, same results)
    isolation: Literal["auto", "full", "weak"] = Field(
        "auto",
        description=(
            "auto: model-written code needs bubblewrap, compiled code runs with what there is"
        ),
    )
    # which steps the comparison aligns: not part of key() (it changes the comparison only, which
    # re-runs through Run._inputs)
    step_map: dict[str, str] = Field(
        default_factory=dict, description="generated step id -> baseline step id"
    )

    @property
    def paper_is_list(self) -> bool:
        """PAPER is a selection list (.json), not a paper: stage two only, with that list."""
        return self.paper.lower().endswith(".json") and Path(self.paper).is_file()

    def data_files(self) -> list[Path]:
        """The ROOT files the run reads (directories expanded), as absolute paths."""
        files: list[Path] = []
        for p in self.data:
            files += sorted(p.glob("*.root")) if p.is_dir() else [p]
        return [f.resolve() for f in files]

    def executor_args(self) -> list[str]:
        """Arguments for a generated script (docs/scaling.md)."""
        if self.executor == "local":
            return []
        return ["--executor", "dask", *(["--workers", str(self.workers)] if self.workers else [])]

    def paper_key(self) -> str:
        """The paper however it was spelled: ``arXiv:ID`` for every form of an id, a local file
        resolved."""
        from pipeline.errors import UsageError
        from pipeline.fetch.ids import normalize_paper_id

        try:
            return str(normalize_paper_id(self.paper))
        except UsageError:
            return self.paper

    def as_given(self) -> dict[str, str]:
        """The paper and data as typed (not part of key(): other spellings of the same files reuse
        the run)."""
        return {"paper": self.paper, "data": " ".join(str(p) for p in self.data)}

    def key(self) -> dict[str, str]:
        """The settings that decide the results (recorded in run.json; a change restarts the run).
        Paths are resolved: a relative, absolute or symlinked spelling of the same files is the
        same run."""
        return {
            "paper": self.paper_key(),
            "data": ";".join(str(p.resolve()) for p in self.data),
            "baseline": self.baseline or "",
            "no_review": str(self.no_review),
            "codegen": self.codegen,
            "extract_backend": self.extract_backend,
            # only when set: the keys (and run ids) of every other run stay as they were
            **({"whole_list": "True"} if self.whole_list else {}),
            "reviewed": str(self.reviewed.resolve()) if self.reviewed else "",
            "replay": str(self.replay.resolve()) if self.replay else "",
            "stage_two_code": code_fingerprint(),
        }

    def default_run_id(self) -> str:
        text = "\n".join(f"{k}={v}" for k, v in sorted(self.key().items()) if k != "stage_two_code")
        return "run-" + sha256_bytes(text.encode())[:10]
