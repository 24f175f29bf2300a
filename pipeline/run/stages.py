"""``reproduce arXiv:ID``: fetch -> parse -> extract -> review gate -> generate -> execute ->
baseline -> compare -> report, resumable from the last completed stage (see ``state.py``).

A reviewed selection list, when one exists (``--reviewed``, the run directory, the paper
cache or the project's ``papers/``), is what stage two uses; fetch/parse/extract still run
when they can so the report can show the extracted list, and are skipped with a note when
the paper cannot be fetched. Without a reviewed list, the run stops at the review gate
unless ``--no-review``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.errors import FetchError, ParseError, ReproError, SelectionError
from pipeline.io import sha256_file, sha256_input, write_json_atomic
from pipeline.locks import hold
from pipeline.run.options import RunOptions
from pipeline.run.state import RunState, run_stage
from pipeline.sandbox.isolation import Requirement

Progress = Callable[[str], None]
PROJECT_PAPERS = Path(__file__).resolve().parents[2] / "papers"


def paper_slug(paper: str) -> str:
    from pipeline.fetch.ids import normalize_paper_id

    return normalize_paper_id(paper).slug


def find_reviewed(opts: RunOptions, slug: str, settings: Settings, run_dir: Path) -> Path | None:
    candidates = [
        opts.reviewed,
        run_dir / "selection.reviewed.json",
        settings.papers_dir / slug / "selection.reviewed.json",
        PROJECT_PAPERS / slug / "selection.reviewed.json",
        PROJECT_PAPERS / f"arXiv-{slug}" / "selection.reviewed.json",
    ]
    return next((p for p in candidates if p is not None and p.is_file()), None)


def default_run_dir(opts: RunOptions, settings: Settings) -> Path:
    return settings.outputs_dir / paper_slug(opts.paper) / (opts.run_id or opts.default_run_id())


class Run:
    """The stages of one run directory; the caller holds its lock (``pipeline.locks``)."""

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

    def stage(self, name: str, work: Callable[[], list[Path] | tuple[list[Path], str]]) -> None:
        run_stage(self.state, self.dir, name, work, self.progress, self._inputs(name))

    def _inputs(self, name: str) -> dict[str, str]:
        """What stage ``name`` reads from outside the run; a change re-runs it (and all after it).

        The review stage reads whichever reviewed list exists now (one saved after a
        --no-review run counts); execute and baseline read the data files' contents.
        """
        if name == "review":
            found = find_reviewed(self.opts, self.slug, self.settings, self.dir)
            return {"reviewed list": sha256_file(found) if found else "none"}
        if name in ("execute", "baseline"):
            return {str(f): sha256_input(f) for f in self.opts.data_files()}
        if name == "compare" and self.opts.step_map:
            return {"step map": ",".join(f"{g}={b}" for g, b in sorted(self.opts.step_map.items()))}
        return {}

    # stage one --------------------------------------------------------------
    def fetch_parse_extract(self) -> None:
        entry: list[object] = []

        def fetch() -> tuple[list[Path], str]:
            from pipeline.fetch.cache import fetch_paper

            try:
                entry.append(fetch_paper(self.opts.paper, self.settings))
            except FetchError as err:
                if find_reviewed(self.opts, self.slug, self.settings, self.dir) is None:
                    raise
                return [], f"skipped ({err.message}); a reviewed selection list exists"
            return [], str(entry[0].pdf_path)  # type: ignore[attr-defined]

        self.stage("fetch", fetch)
        self.stage("parse", self._parse)
        self.stage("extract", self._extract)

    def _parse(self) -> tuple[list[Path], str]:
        from pipeline.fetch.cache import fetch_paper
        from pipeline.parse import parse_document
        from pipeline.run.paper import keep_paper_files

        try:
            entry = fetch_paper(self.opts.paper, self.settings)
            doc = parse_document(entry, settings=self.settings)
        except (FetchError, ParseError) as err:
            if find_reviewed(self.opts, self.slug, self.settings, self.dir) is None:
                raise
            (self.dir / "document.json").unlink(missing_ok=True)
            return [], f"skipped ({err.message.splitlines()[0]})"
        kept = keep_paper_files(
            doc, entry.pdf_path, self.dir
        )  # document.json names them relatively
        path = write_json_atomic(self.dir / "document.json", doc.model_dump(mode="json"))
        return [*kept, path], f"{len(doc.text)} characters"

    def _extract(self) -> tuple[list[Path], str]:
        from pipeline.extract.api import extract_selection
        from pipeline.parse.document import Document
        from pipeline.selection.store import save_selection

        doc_path = self.dir / "document.json"
        if not doc_path.is_file():
            return [], "skipped (no document)"
        doc = Document.model_validate_json(doc_path.read_text())
        sel = extract_selection(
            doc,
            backend=self.opts.extract_backend,
            settings=self.settings,
            run_dir=self.dir,
            replay=self.opts.replay,
        )
        path = save_selection(sel, self.dir / "selection.extracted.json")
        return [path], f"{len(sel.all_cuts())} cuts ({sel.producer})"

    # review gate and stage two -----------------------------------------------
    def review(self) -> tuple[list[Path], str]:
        from pipeline.review.gate import require_reviewed
        from pipeline.run.stage2 import load_valid_selection

        target = self.dir / "selection.reviewed.json"
        found = find_reviewed(self.opts, self.slug, self.settings, self.dir)
        if found is not None and found.resolve() != target.resolve():
            shutil.copyfile(found, target)
        chosen = require_reviewed(self.dir, self.opts.no_review)
        note = f"using {chosen.name}" + (f" (from {found})" if found and found != target else "")
        try:
            load_valid_selection(chosen)  # a list failing validation never reaches code generation
        except SelectionError:
            if chosen.name != "selection.extracted.json":
                raise
            return self._quarantine(chosen)
        return [chosen], note

    def _quarantine(self, extracted: Path) -> tuple[list[Path], str]:
        from pipeline.run.stage2 import quarantine_invalid
        from pipeline.selection.store import load_selection, save_selection

        pruned, dropped = quarantine_invalid(load_selection(extracted, check=False))
        path = save_selection(pruned, self.dir / "selection.quarantined.json")
        self.progress(
            f"  {len(dropped)} invalid cut(s) of the unreviewed list will not be executed: "
            + "; ".join(dropped)
        )
        return (
            [path],
            f"using {path.name}: invalid cuts not executed ({', '.join(d.split(':')[0] for d in dropped)})",
        )

    def selection_path(self) -> Path:
        rec = self.state.stages["review"]
        return self.dir / next(iter(rec.outputs))

    def generate(self) -> tuple[list[Path], str]:
        from pipeline.run.stage2 import load_valid_selection

        out = self.dir / "codegen" / "analysis.py"
        if self.opts.codegen == "compile":
            return self._compile(out)
        from pipeline.codegen.llm import generate_with_llm
        from pipeline.data import open_dataset
        from pipeline.io import write_text_atomic

        backend = self.backend()
        sel = load_valid_selection(self.selection_path())
        code = generate_with_llm(sel, open_dataset(self.opts.data).provides, backend)
        return [write_text_atomic(out, code)], f"written by {backend.model}"

    def backend(self) -> Any:
        from pipeline.llm import get_backend

        if self.opts.replay is not None:
            return get_backend("replay", self.settings, replay=self.opts.replay)
        return get_backend("openai", self.settings, run_dir=self.dir)

    def _compile(self, out: Path) -> tuple[list[Path], str]:
        """Compile; cuts stated only in words go to the model when there is one, else are reported."""
        from pipeline.codegen import compile_selection
        from pipeline.codegen.textcuts import text_only_cuts, write_text_functions
        from pipeline.io import write_text_atomic
        from pipeline.run.stage2 import load_valid_selection

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

    def execute(self) -> tuple[list[Path], str]:
        from pipeline.run.stage2 import execute_code
        from pipeline.sandbox import Limits
        from pipeline.sandbox.isolation import requirement_for

        limits = Limits(timeout_s=self.opts.timeout_s)
        script = self.dir / "codegen" / "analysis.py"
        out = self.dir / "analysis"
        requirement = requirement_for(self.opts.isolation, model_code=self._model_wrote_code())
        if self.opts.codegen == "llm":
            return self._execute_with_repair(script, out, limits, requirement)
        shutil.rmtree(self.dir / "codegen" / "attempts", ignore_errors=True)
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
        from pipeline.run.stage2 import load_valid_selection

        if self.opts.codegen == "llm":
            return True
        return self._model_writes_text_cuts(load_valid_selection(self.selection_path()))

    def _model_writes_text_cuts(self, sel: Any) -> bool:
        """Compile mode hands cuts stated only in words to the model when there is one (or a replay)."""
        from pipeline.codegen.textcuts import text_only_cuts

        return bool(text_only_cuts(sel) and (self.opts.replay or self.settings.llm_configured))

    def _say_unprotected(self, warnings: list[str]) -> None:
        for warning in warnings:
            self.progress(f"  warning: sandbox: {warning}")

    def _execute_with_repair(
        self, script: Path, out: Path, limits: Any, requirement: Requirement
    ) -> tuple[list[Path], str]:
        from pipeline.run.stage2 import replace_outputs
        from pipeline.sandbox.repair import repair_loop

        attempts = self.dir / "codegen" / "attempts"
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

    def baseline(self) -> tuple[list[Path], str]:
        from pipeline.run.stage2 import run_baseline_outputs

        if not self.opts.baseline:
            shutil.rmtree(self.dir / "baseline", ignore_errors=True)
            return [], "no baseline requested"
        out = run_baseline_outputs(
            self.opts.baseline,
            self.opts.data,
            self.dir / "baseline",
            executor=self.opts.executor,
            workers=self.opts.workers,
        )
        return sorted(p for p in out.iterdir() if p.is_file()), self.opts.baseline

    def compare(self) -> tuple[list[Path], str]:
        from pipeline.run.stage2 import compare_dirs

        path = self.dir / "comparison.json"
        if not self.opts.baseline:
            path.unlink(missing_ok=True)
            return [], "no baseline to compare with"
        comparison = compare_dirs(
            self.dir / "analysis", self.dir / "baseline", path, step_map=self.opts.step_map
        )
        return [path], f"{comparison.verdict}: {comparison.reason}"

    def report(self) -> tuple[list[Path], str]:
        from pipeline.extract.published import save_run_tables
        from pipeline.report import write_report

        published = save_run_tables(self.dir)  # the paper's own cutflow/yield tables, beside ours
        paths = write_report(
            self.dir, self.state, notes={k: r.note for k, r in self.state.stages.items()}
        )
        return [*published, *paths], "report.md, report.html" + (
            ", published.json" if published else ""
        )


def reproduce(opts: RunOptions, settings: Settings, progress: Progress) -> Path:
    """Run (or resume) the whole pipeline; returns the run directory.

    The run directory is locked for the whole run: a second process for the same run waits
    up to ``settings.lock_wait`` seconds (then resumes, reusing what the first one did) or
    raises ``InUseError``. Options and inputs are checked first (``preflight.check_run``).
    """
    from pipeline.run.preflight import check_run

    check_run(opts, settings)  # before the run directory exists and before any stage
    run_dir = default_run_dir(opts, settings)
    with hold(run_dir, what="run", wait_s=settings.lock_wait, progress=progress):
        _run_all(Run(opts, settings, progress, run_dir=run_dir), opts, settings, progress)
    return run_dir


def _run_all(run: Run, opts: RunOptions, settings: Settings, progress: Progress) -> None:
    progress(f"run directory: {run.dir}")
    run.fetch_parse_extract()
    for name in ("review", "generate", "execute", "baseline", "compare", "report"):
        try:
            run.stage(name, getattr(run, name))
        except ReproError:
            progress(f"stopped at stage {name}; fix the problem and run the same command to resume")
            raise
    from pipeline.run.manifest import write_manifest

    write_manifest(run.dir, run.state, opts, settings)
