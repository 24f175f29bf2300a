"""The stage table of a run: fetch -> parse -> extract -> review gate -> generate -> execute ->
baseline -> compare -> report, each one :class:`Stage` (a name and a public function of the
:class:`Run`), resumable from the last completed stage (see ``state.py``).

``reproduce`` (``reproduce.py``) is a loop over :data:`STAGES`; audits re-run the same table
and trials a part of it, so that every way of running a stage goes through the same code.

A reviewed selection list, when one exists (``--reviewed``, the run directory, the paper
cache or the project's ``papers/``), is what stage two uses; fetch/parse/extract still run
when they can so the report can show the extracted list, and are skipped with a note when
the paper cannot be fetched. Without a reviewed list, the run stops at the review gate
unless ``--no-review``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.codegen import compile_selection
from pipeline.codegen.model_written import generate_with_llm
from pipeline.codegen.textcuts import text_only_cuts, write_text_functions
from pipeline.config import Settings
from pipeline.data import open_dataset
from pipeline.errors import FetchError, ParseError, SelectionError
from pipeline.extract.api import extract_selection
from pipeline.extract.published import save_run_tables
from pipeline.extract.whole_list import whole_list_mode
from pipeline.fetch.cache import fetch_paper
from pipeline.io import sha256_file, sha256_input, write_json_atomic, write_text_atomic
from pipeline.llm import get_backend
from pipeline.parse import parse_document
from pipeline.parse.document import Document
from pipeline.report import write_report
from pipeline.resources import project_dir
from pipeline.review.gate import require_reviewed
from pipeline.run.options import RunOptions
from pipeline.run.paper import keep_paper_files, paper_slug
from pipeline.run.stage2 import (
    compare_dirs,
    execute_code,
    load_valid_selection,
    quarantine_invalid,
    replace_outputs,
    run_baseline_outputs,
)
from pipeline.run.state import RunState, run_stage
from pipeline.rundir import RunDir
from pipeline.sandbox import Limits
from pipeline.sandbox.isolation import Requirement, requirement_for
from pipeline.sandbox.repair import repair_loop
from pipeline.selection.models import SelectionList
from pipeline.selection.store import load_selection, save_selection

Progress = Callable[[str], None]
# what a stage made (recorded with their hashes in run.json) and a note for the report
StageResult = tuple[list[Path], str]
PROJECT_PAPERS = project_dir("papers")  # the checkout's papers/ or the wheel's copy
NO_PAPER = "skipped (PAPER is a selection list: stage two only, nothing to read)"


def find_reviewed(opts: RunOptions, slug: str, settings: Settings, run_dir: Path) -> Path | None:
    """The reviewed list stage two uses: the first of --reviewed, the run's, the cache's, ours."""
    candidates = [
        opts.reviewed,
        RunDir(run_dir).reviewed,
        RunDir(settings.papers_dir / slug).reviewed,
        RunDir(PROJECT_PAPERS / slug).reviewed,
        RunDir(PROJECT_PAPERS / f"arXiv-{slug}").reviewed,
    ]
    return next((p for p in candidates if p is not None and p.is_file()), None)


def default_run_dir(opts: RunOptions, settings: Settings) -> Path:
    return settings.outputs_dir / paper_slug(opts.paper) / (opts.run_id or opts.default_run_id())


class Run:
    """One run directory and the stages that fill it; the caller holds its lock
    (``pipeline.locks``). Each stage is a public method taking only the run (see STAGES)."""

    def __init__(
        self,
        opts: RunOptions,
        settings: Settings,
        progress: Progress,
        *,
        run_dir: Path | None = None,
    ) -> None:
        self.opts, self.settings, self.progress = opts, settings, progress
        self.slug = paper_slug(opts.paper)
        # audits and trials run the same stages in a directory of their own
        self.dir = run_dir or default_run_dir(opts, settings)
        self.paths = RunDir(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.state = RunState.load(self.dir, opts.paper, opts.key())
        self._note_other_spelling(opts.as_given())
        self.notes: dict[str, str] = {}

    def _note_other_spelling(self, given: dict[str, str]) -> None:
        """Say so when the same files were named differently before: the run is reused, rightly."""
        before = self.state.given
        if self.state.stages and before and before != given:
            changed = "; ".join(
                f"{k} {given[k]!r} names the same files as {before[k]!r}"
                for k in given
                if before.get(k) != given[k]
            )
            self.progress(
                f"{changed} (spelled differently; the run is keyed by the resolved files): "
                f"reusing run {self.dir.name}"
            )
        self.state.given = given

    def run(self, stage: Stage) -> bool:
        """Run ``stage`` unless its recorded outputs and inputs are unchanged; True when it ran."""
        return self.stage(stage.name, lambda: stage.work(self))

    def stage(self, name: str, work: Callable[[], list[Path] | StageResult]) -> bool:
        """Run ``work`` as the stage ``name`` (resumable, recorded in run.json)."""
        return run_stage(
            self.state, self.dir, name, work, self.progress, self._inputs(name), order=STAGE_NAMES
        )

    def _inputs(self, name: str) -> dict[str, str]:
        """What stage ``name`` reads from outside the run; a change re-runs it (and all after it).

        The review stage reads whichever reviewed list exists now (one saved after a
        --no-review run counts); execute and baseline read the data files' contents.
        """
        if name == "review":
            found = self.find_reviewed()
            return {"reviewed list": sha256_file(found) if found else "none"}
        if name in ("execute", "baseline"):
            return {str(f): sha256_input(f) for f in self.opts.data_files()}
        if name == "compare" and self.opts.step_map:
            return {"step map": ",".join(f"{g}={b}" for g, b in sorted(self.opts.step_map.items()))}
        return {}

    def find_reviewed(self) -> Path | None:
        return find_reviewed(self.opts, self.slug, self.settings, self.dir)

    # stage one --------------------------------------------------------------
    def fetch(self) -> StageResult:
        """Fetch the paper into the cache; skipped with a note when a reviewed list exists."""
        if self.opts.paper_is_list:
            return [], NO_PAPER
        try:
            entry = fetch_paper(self.opts.paper, self.settings)
        except FetchError as err:
            if self.find_reviewed() is None:
                raise
            return [], f"skipped ({err.message}); a reviewed selection list exists"
        return [], str(entry.pdf_path)

    def parse(self) -> StageResult:
        """Parse the cached paper into document.json (with the paper's files beside it)."""
        if self.opts.paper_is_list:
            return [], NO_PAPER
        try:
            entry = fetch_paper(self.opts.paper, self.settings)
            doc = parse_document(entry, settings=self.settings)
        except (FetchError, ParseError) as err:
            if self.find_reviewed() is None:
                raise
            self.paths.document.unlink(missing_ok=True)
            return [], f"skipped ({err.message.splitlines()[0]})"
        kept = keep_paper_files(
            doc, entry.pdf_path, self.dir
        )  # document.json names them relatively
        path = write_json_atomic(self.paths.document, doc.model_dump(mode="json"))
        return [*kept, path], f"{len(doc.text)} characters"

    def extract(self) -> StageResult:
        """Extract the selection list from document.json (skipped when parse was)."""
        doc_path = self.paths.document
        if not doc_path.is_file():
            return [], "skipped (no document)"
        doc = Document.model_validate_json(doc_path.read_text())
        with whole_list_mode(self.opts.whole_list):
            sel = extract_selection(
                doc,
                backend=self.opts.extract_backend,
                settings=self.settings,
                run_dir=self.dir,
                replay=self.opts.replay,
            )
        path = save_selection(sel, self.paths.extracted)
        return [path], f"{len(sel.all_cuts())} cuts ({sel.producer})"

    # review gate and stage two -----------------------------------------------
    def review(self) -> StageResult:
        """The review gate: the reviewed list (copied into the run), or with --no-review the
        extracted one, its invalid cuts quarantined."""
        target = self.paths.reviewed
        found = self.find_reviewed()
        if found is not None and found.resolve() != target.resolve():
            shutil.copyfile(found, target)
        chosen = require_reviewed(self.dir, self.opts.no_review)
        note = f"using {chosen.name}" + (f" (from {found})" if found and found != target else "")
        try:
            load_valid_selection(chosen)  # a list failing validation never reaches code generation
        except SelectionError:
            if chosen.name != RunDir.EXTRACTED:
                raise
            return self.quarantine(chosen)
        return [chosen], note

    def quarantine(self, extracted: Path) -> StageResult:
        """The unreviewed list without its invalid cuts (they are reported, not executed)."""
        pruned, dropped = quarantine_invalid(load_selection(extracted, check=False))
        path = save_selection(pruned, self.paths.quarantined)
        self.progress(
            f"  {len(dropped)} invalid cut(s) of the unreviewed list will not be executed: "
            + "; ".join(dropped)
        )
        return (
            [path],
            f"using {path.name}: invalid cuts not executed "
            f"({', '.join(d.split(':')[0] for d in dropped)})",
        )

    def selection_path(self) -> Path:
        """The list the review stage chose: what stage two reads."""
        rec = self.state.stages["review"]
        return self.dir / next(iter(rec.outputs))

    def generate(self) -> StageResult:
        """Write codegen/analysis.py: compiled from the list, or written by the model."""
        out = self.paths.script
        if self.opts.codegen == "compile":
            return self._compile(out)
        backend = self.backend()
        sel = load_valid_selection(self.selection_path())
        code = generate_with_llm(sel, open_dataset(self.opts.data).provides, backend)
        return [write_text_atomic(out, code)], f"written by {backend.model}"

    def backend(self) -> Any:
        """The model: recorded answers when replaying, else the configured server."""
        if self.opts.replay is not None:
            return get_backend("replay", self.settings, replay=self.opts.replay)
        return get_backend("openai", self.settings, run_dir=self.dir)

    def _compile(self, out: Path) -> StageResult:
        """Compile; cuts stated only in words go to the model when there is one, else are
        reported."""
        sel = load_valid_selection(self.selection_path())
        functions: dict[str, str] = {}
        note = "compiled"
        if self._model_writes_text_cuts(sel):
            functions, problems = write_text_functions(sel, self.backend())
            note += f"; {len(functions)} text-only cut(s) written by the model" + "".join(
                f"; {p}" for p in problems
            )
        elif text_only_cuts(sel):
            note += (
                f"; {len(text_only_cuts(sel))} text-only cut(s) reported, not executed (no model)"
            )
        return [write_text_atomic(out, compile_selection(sel, functions))], note

    def execute(self) -> StageResult:
        """Run the script in the sandbox into analysis/ (with the repair loop for model code)."""
        limits = Limits(timeout_s=self.opts.timeout_s)
        script = self.paths.script
        out = self.paths.analysis
        requirement = requirement_for(self.opts.isolation, model_code=self._model_wrote_code())
        if self.opts.codegen == "llm":
            return self._execute_with_repair(script, out, limits, requirement)
        shutil.rmtree(self.paths.attempts, ignore_errors=True)
        result = execute_code(
            script,
            self.opts.data,
            out,
            limits=limits,
            extra_args=self.opts.executor_args(),
            requirement=requirement,
        )
        self._say_unprotected(result.warnings)
        files = sorted(p for p in out.iterdir() if p.is_file())
        return files, f"{result.isolation} sandbox, {result.duration_s:.1f} s"

    def _model_wrote_code(self) -> bool:
        """Whether a model wrote any of the script (the whole of it, or text-only cut functions)."""
        if self.opts.codegen == "llm":
            return True
        return self._model_writes_text_cuts(load_valid_selection(self.selection_path()))

    def _model_writes_text_cuts(self, sel: SelectionList) -> bool:
        """Compile mode hands cuts stated only in words to the model when there is one (or a
        replay)."""
        return bool(text_only_cuts(sel) and (self.opts.replay or self.settings.llm_configured))

    def _say_unprotected(self, warnings: list[str]) -> None:
        for warning in warnings:
            self.progress(f"  warning: sandbox: {warning}")

    def _execute_with_repair(
        self, script: Path, out: Path, limits: Limits, requirement: Requirement
    ) -> StageResult:
        attempts = self.paths.attempts
        shutil.rmtree(attempts, ignore_errors=True)
        backend = self.backend()
        done, results = repair_loop(
            script.read_text(),
            backend=backend,
            data=self.opts.data,
            attempts_dir=attempts,
            max_attempts=self.opts.max_attempts,
            limits=limits,
            requirement=requirement,
        )
        self._say_unprotected(results[-1].warnings)
        replace_outputs(done, out, limits)
        shutil.copyfile(done.parent.parent / "analysis.py", script)
        return sorted(p for p in out.iterdir() if p.is_file()), f"passed on attempt {len(results)}"

    def baseline(self) -> StageResult:
        """Run the hand-written baseline into baseline/ (or remove it: none requested)."""
        if not self.opts.baseline:
            shutil.rmtree(self.paths.baseline, ignore_errors=True)
            return [], "no baseline requested"
        out = run_baseline_outputs(
            self.opts.baseline,
            self.opts.data,
            self.paths.baseline,
            executor=self.opts.executor,
            workers=self.opts.workers,
        )
        return sorted(p for p in out.iterdir() if p.is_file()), self.opts.baseline

    def compare(self) -> StageResult:
        """Compare analysis/ with baseline/ into comparison.json."""
        path = self.paths.comparison
        if not self.opts.baseline:
            path.unlink(missing_ok=True)
            return [], "no baseline to compare with"
        comparison = compare_dirs(
            self.paths.analysis, self.paths.baseline, path, step_map=self.opts.step_map
        )
        return [path], f"{comparison.verdict}: {comparison.reason}"

    def report(self) -> StageResult:
        """Write report.md and report.html (and the paper's own tables, published.json)."""
        published = save_run_tables(self.dir)  # the paper's own cutflow/yield tables, beside ours
        paths = write_report(
            self.dir, self.state, notes={k: r.note for k, r in self.state.stages.items()}
        )
        return [*published, *paths], "report.md, report.html" + (
            ", published.json" if published else ""
        )


@dataclass(frozen=True)
class Stage:
    """One entry of the stage table: the name recorded in run.json and the manifest, and the
    work, a function of the run returning what it made and a note."""

    name: str
    work: Callable[[Run], StageResult]


STAGES: tuple[Stage, ...] = (
    Stage("fetch", Run.fetch),
    Stage("parse", Run.parse),
    Stage("extract", Run.extract),
    Stage("review", Run.review),
    Stage("generate", Run.generate),
    Stage("execute", Run.execute),
    Stage("baseline", Run.baseline),
    Stage("compare", Run.compare),
    Stage("report", Run.report),
)
STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)
STAGE: dict[str, Stage] = {s.name: s for s in STAGES}


def first_not_done(run: Run) -> str:
    """The stage a failed run stopped at: the first one without a record (a failing stage
    drops its own record and every later one)."""
    return next((n for n in STAGE_NAMES if n not in run.state.stages), STAGE_NAMES[-1])
