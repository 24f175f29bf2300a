"""Checks of a whole run's options and inputs, made before its first stage and before its
run directory exists.

A misspelt baseline, an empty data directory or a paper that is not a PDF must not cost
a user the minutes of fetch, extraction, code generation and the sandbox before being
refused (nor leave a run directory behind). These checks are cheap: names, existence,
the magic bytes of files; what needs the files read (schemas, branches) stays with the
data layer inside the stages.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from pipeline.config import Settings
from pipeline.errors import DataError, UsageError
from pipeline.run.options import RunOptions

ROOT_MAGIC = b"root"
PDF_MAGIC = b"%PDF"


def check_run(opts: RunOptions, settings: Settings) -> None:
    """Raise the error a stage would raise later, now: paper, data, baseline, model options."""
    check_paper(opts.paper)
    if not opts.data:
        raise UsageError(
            "no input data given", hint="pass --data FILE_OR_DIR (ROOT files of one release)"
        )
    for path in opts.data:
        check_data_path(path)
    if opts.baseline is not None:
        check_baseline(opts.baseline)
    for flag, given in (("--reviewed", opts.reviewed), ("--replay", opts.replay)):
        if given is not None and not given.is_file():
            raise UsageError(f"{flag} {given}: no such file", hint=f"check the {flag} path")
    if opts.reviewed is not None:
        from pipeline.run.stage2 import load_valid_selection

        load_valid_selection(
            opts.reviewed
        )  # the review stage would refuse it after fetch/parse/extract
    if opts.whole_list and opts.extract_backend != "llm":
        raise UsageError(
            "--whole-list asks a model for the whole list: it needs --extract llm",
            hint="add --extract llm, or drop --whole-list",
        )
    check_model_options(opts, settings)
    check_executor(opts)
    check_isolation(opts)


def check_paper(paper: str) -> None:
    """A malformed id is a UsageError; a local file must be a PDF."""
    from pipeline.fetch.ids import normalize_paper_id

    pid = normalize_paper_id(paper)
    if pid.kind != "local" or pid.path is None or pid.path.suffix.lower() == ".json":
        return  # a selection list in place of the paper is checked as the reviewed list
    with pid.path.open("rb") as handle:
        if not handle.read(len(PDF_MAGIC)) == PDF_MAGIC:
            raise UsageError(
                f"{paper} is not a PDF file (it does not start with %PDF)",
                hint="pass the paper's PDF, or its arXiv id",
            )


def check_data_path(path: Path) -> None:
    """A file must be a non-empty ROOT file; a directory must hold ``*.root`` files."""
    if path.is_dir():
        if not any(path.iterdir()):
            raise DataError(
                f"--data {path} is empty",
                path=str(path),
                hint="pass the directory holding the ROOT files (reproduce data fetch KEY --out "
                "DIR downloads open data)",
            )
        files = sorted(path.glob("*.root"))
        if not files:
            found = sorted(p.name for p in path.iterdir())[:5]
            raise DataError(
                f"--data {path} holds no .root files (it holds {', '.join(found)}, ...)",
                path=str(path),
                hint="pass a directory of ROOT ntuples, or the .root files themselves",
            )
        for file in files:
            check_root_file(file)
        return
    if not path.exists():
        raise DataError(
            f"--data {path}: no such file or directory", path=str(path), hint="check the path"
        )
    check_root_file(path)


def check_root_file(path: Path) -> None:
    if path.stat().st_size == 0:
        raise DataError(
            f"{path} is empty (0 bytes)",
            path=str(path),
            hint="the download or copy failed; fetch the file again",
        )
    with path.open("rb") as handle:
        if handle.read(len(ROOT_MAGIC)) != ROOT_MAGIC:
            raise DataError(
                f"{path} is not a ROOT file (no 'root' magic bytes)",
                path=str(path),
                hint="pass ROOT ntuples (.root)",
            )


def check_baseline(name: str) -> None:
    """The baselines' own check (one message wherever a baseline is named)."""
    from baselines import check_name

    check_name(name)


def check_model_options(opts: RunOptions, settings: Settings) -> None:
    """Options that need a model fail now when there is neither a model nor a recording to
    replay."""
    if opts.replay is not None or settings.llm_configured:
        return
    hint = (
        "set REPRO_LLM_BASE_URL and REPRO_LLM_MODEL (and OPENAI_API_KEY if needed), or pass "
        "--replay FILE"
    )
    if opts.codegen == "llm":
        raise UsageError(
            "--codegen llm needs a model, and none is configured",
            hint=hint + ", or --codegen compile",
        )
    if opts.extract_backend == "llm":
        raise UsageError(
            "--extract llm needs a model, and none is configured",
            hint=hint + ", or --extract rules",
        )


def check_executor(opts: RunOptions) -> None:
    if opts.workers is not None and opts.executor != "dask":
        raise UsageError(
            "--workers needs --executor dask", hint="add --executor dask, or drop --workers"
        )
    if opts.executor == "dask" and importlib.util.find_spec("distributed") is None:
        from pipeline.executor.dask_executor import INSTALL_HINT

        raise UsageError(
            "--executor dask needs dask.distributed, which is not installed", hint=INSTALL_HINT
        )


def check_isolation(opts: RunOptions) -> None:
    """Model-written code needs the isolation its origin requires (bubblewrap unless --isolation
    weak): a machine without it is refused now, not after extraction and code generation."""
    from pipeline.sandbox.isolation import choose, requirement_for

    requirement = requirement_for(opts.isolation, model_code=opts.codegen == "llm")
    if requirement != "any":
        choose("auto", requirement)  # raises SandboxError naming what is missing
