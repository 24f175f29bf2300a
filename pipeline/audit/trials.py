"""``reproduce trials PAPER --n N``: extraction and code generation repeated N times, measured.

The paper is fetched and parsed once (``trials-<id>/document.json``) and the baseline is
run once (``trials-<id>/baseline/``); each trial ``trials-<id>/NN/`` then extracts (the
model seeded with ``seed + NN``), takes the extracted list as it is (invalid cuts
quarantined as text, as ``--no-review`` does), generates code, runs it in the sandbox
(with the repair loop for ``--codegen llm``) and compares with the baseline. A trial
writes ``trial.json`` last; trials that have one are not redone (resumable). Trials run
in threads (``--jobs``): the heavy parts are a model server and sandbox subprocesses.
"""

from __future__ import annotations

import json
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bar

from pipeline.audit.matching import load_reference, score
from pipeline.audit.trials_models import SANDBOX_KINDS, FailureKind, TrialResult, TrialsOptions
from pipeline.audit.trials_report import TrialsSummary, summarise, write_trials_report
from pipeline.config import Settings
from pipeline.errors import ReproError, SandboxError, SelectionError, UsageError
from pipeline.extract.api import ExtractionIncomplete
from pipeline.fetch.cache import fetch_paper
from pipeline.io import write_json_atomic
from pipeline.llm import LLMDeadlineExceeded, LLMOutputError
from pipeline.llm.echo import UNCHANGED
from pipeline.parse import parse_document
from pipeline.run.manifest import model_usage, read_calls
from pipeline.run.options import RunOptions
from pipeline.run.paper import paper_slug
from pipeline.run.preflight import check_baseline, check_data_path, check_paper
from pipeline.run.stage2 import compare_dirs, load_valid_selection, run_baseline_outputs
from pipeline.run.stages import STAGE, Run, Stage, StageResult
from pipeline.rundir import RunDir
from pipeline.selection.expr import cut_expression
from pipeline.selection.store import load_selection

Progress = Callable[[str], None]
__all__ = ["FailureKind", "Study", "TrialResult", "TrialsOptions", "failure_of", "run_trials"]


def failure_of(err: ReproError) -> FailureKind:
    if isinstance(err, LLMDeadlineExceeded):
        return "deadline"
    if isinstance(err, LLMOutputError) and err.last_error == UNCHANGED:
        return "unchanged"
    if isinstance(err, LLMOutputError | ExtractionIncomplete | SelectionError):
        return "schema"
    if isinstance(err, SandboxError):
        kind = str(getattr(err, "kind", "") or "")
        return kind if kind in SANDBOX_KINDS else "other"  # type: ignore[return-value]
    return "model_error" if type(err).__name__ in ("ExtractionError", "CallCapReached") else "other"


def review_unreviewed(run: Run) -> StageResult:
    """A trial's review stage: the extracted list as it is, its invalid cuts quarantined (what
    ``--no-review`` does, without looking for a reviewed list)."""
    path = run.paths.extracted
    try:
        load_valid_selection(path)
    except SelectionError:
        return run.quarantine(path)
    return [path], "the extracted list, unreviewed"


UNREVIEWED = Stage("review", review_unreviewed)


class Study:
    """One trials study: shared document and baseline, then the trials."""

    def __init__(self, opts: TrialsOptions, settings: Settings, progress: Progress) -> None:
        if not opts.data:
            raise UsageError("no input data given", hint="pass --data FILE_OR_DIR")
        check_paper(opts.paper)  # before any trial runs (pipeline/run/preflight.py)
        for path in opts.data:
            check_data_path(path)
        if opts.baseline is not None:
            check_baseline(opts.baseline)
        if opts.whole_list and opts.backend != "llm":
            raise UsageError(
                "--whole-list asks a model for the whole list: it needs --backend llm",
                hint="drop --whole-list, or use --backend llm",
            )
        if "llm" in (opts.backend, opts.codegen) and not settings.llm_configured:
            raise UsageError(
                f"--backend {opts.backend} --codegen {opts.codegen} needs a model, "
                "and none is configured",
                hint="set REPRO_LLM_BASE_URL and REPRO_LLM_MODEL, "
                "or use --backend rules --codegen compile",
            )
        self.opts, self.settings, self.progress = opts, settings, progress
        self.slug = paper_slug(opts.paper)
        self.dir = settings.outputs_dir / self.slug / f"trials-{opts.study_id()}"
        self.paths = RunDir(self.dir)  # the shared document and baseline
        self.reference = load_reference(opts.reference) if opts.reference else None

    def prepare(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        doc = self.paths.document
        if not doc.is_file():
            self.progress("fetching and parsing the paper (once for all trials) ...")
            parsed = parse_document(
                fetch_paper(self.opts.paper, self.settings), settings=self.settings
            )
            write_json_atomic(doc, parsed.model_dump(mode="json"))
        if self.opts.baseline and not (self.paths.baseline / RunDir.RESULT).is_file():
            self.progress(f"running the baseline {self.opts.baseline} (once) ...")
            shutil.rmtree(self.paths.baseline, ignore_errors=True)
            run_baseline_outputs(self.opts.baseline, self.opts.data, self.paths.baseline)

    def run_options(self, index: int) -> RunOptions:
        return RunOptions(
            paper=self.opts.paper,
            data=self.opts.data,
            baseline=self.opts.baseline,
            no_review=True,
            codegen=self.opts.codegen,
            extract_backend=self.opts.backend,
            whole_list=self.opts.whole_list,
            max_attempts=self.opts.max_attempts,
            timeout_s=self.opts.timeout_s,
            run_id=f"{index:02d}",
        )

    def trial(self, index: int) -> TrialResult:
        folder = self.dir / f"{index:02d}"
        done = RunDir(folder).trial
        if done.is_file():
            return TrialResult.model_validate_json(done.read_text())
        shutil.rmtree(folder, ignore_errors=True)  # a trial interrupted half-way starts again
        folder.mkdir(parents=True)
        shutil.copyfile(self.paths.document, RunDir(folder).document)
        start = time.monotonic()
        result = self._run(index, folder)
        result.wall_s = round(time.monotonic() - start, 3)
        self._usage(result, folder)
        write_json_atomic(done, result.model_dump(mode="json"))
        return result

    def _run(self, index: int, folder: Path) -> TrialResult:
        seed = None if self.settings.llm_seed is None else self.settings.llm_seed + index
        run = Run(
            self.run_options(index),
            replace(self.settings, llm_seed=seed),
            lambda _msg: None,
            run_dir=folder,
        )
        result = TrialResult(index=index, completed=False)
        stage = "extract"
        try:
            run.run(STAGE["extract"])
            self._selection(result, folder)
            for step in (UNREVIEWED, STAGE["generate"], STAGE["execute"]):
                stage = step.name
                run.run(step)
        except ReproError as err:
            result.failed_stage, result.error = stage, err.message.splitlines()[0][:300]
            result.failures.append(failure_of(err))
        self._sandbox(result, folder)
        if result.failed_stage is None:
            result.completed = True
            self._compare(result, folder)
        result.failures = sorted(set(result.failures))  # type: ignore[arg-type]
        return result

    def _selection(self, result: TrialResult, folder: Path) -> None:
        sel = load_selection(RunDir(folder).extracted, check=False)
        cuts = sel.all_cuts()
        result.cuts = len(cuts)
        result.ungrounded = sorted(c.id for c in cuts if c.status == "unverified")
        if result.ungrounded:
            result.failures.append("ungrounded")
        for cut in cuts:
            try:
                result.cut_values[cut.id] = cut_expression(cut)
            except Exception:  # noqa: BLE001 - a cut in words only
                result.cut_values[cut.id] = f"text: {cut.text or cut.description}"
        if self.reference is not None:
            result.score = score(sel, self.reference)

    def _sandbox(self, result: TrialResult, folder: Path) -> None:
        for verdict in RunDir(folder).verdicts():
            kind = str(json.loads(verdict.read_text()).get("verdict"))
            result.verdicts.append(kind)
            if kind != "ok":
                result.failures.append(kind if kind in SANDBOX_KINDS else "other")  # type: ignore[arg-type]
        result.attempts = len(result.verdicts)

    def _compare(self, result: TrialResult, folder: Path) -> None:
        if not self.opts.baseline:
            return
        trial = RunDir(folder)
        comparison = compare_dirs(trial.analysis, self.paths.baseline, trial.comparison)
        events = comparison.events
        result.comparison = comparison.verdict
        result.identical_events = not (
            events.only_generated or events.only_baseline or events.value_differences
        )
        result.first_divergence = comparison.first_divergence
        if comparison.verdict == "different" or not result.identical_events:
            result.failures.append("wrong_result")

    def _usage(self, result: TrialResult, folder: Path) -> None:
        _info, usage = model_usage(read_calls(RunDir(folder).llm_calls), self.settings)
        result.calls, result.cost_usd = usage.calls, usage.cost_usd
        result.prompt_tokens, result.completion_tokens = (
            usage.prompt_tokens,
            usage.completion_tokens,
        )


def run_trials(opts: TrialsOptions, settings: Settings, progress: Progress) -> TrialsSummary:
    """Run (or resume) the study; returns its :class:`TrialsSummary` (also written as
    trials.json/md/html)."""
    study = Study(opts, settings, progress)
    study.prepare()
    progress(f"{opts.n} trials in {study.dir} ({opts.jobs} at a time)")
    results: dict[int, TrialResult] = {}
    columns = (TextColumn("trials"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("trials", total=opts.n)
        try:
            for result in _each_trial(study, opts.n, opts.jobs):
                results[result.index] = result
                bar.advance(task)
                state = "ok" if result.completed else f"failed at {result.failed_stage}"
                progress(
                    f"trial {result.index:02d}: {state}; {result.comparison or '-'}; "
                    f"failures: {', '.join(result.failures) or 'none'}"
                )
        except KeyboardInterrupt:
            progress(
                f"interrupted: {len(results)} of {opts.n} trials finished and are kept in "
                f"{study.dir}; the same command resumes the study (--n {len(results)} summarises "
                "the finished ones when they are the first)"
            )
            raise
    summary = summarise(opts, study.dir, [results[i] for i in sorted(results)])
    return write_trials_report(summary, study.dir)


def _each_trial(study: Study, n: int, jobs: int) -> Iterator[TrialResult]:
    """Trials 1..n, ``jobs`` at a time, each result as it finishes.

    The workers are daemon threads, not a ThreadPoolExecutor's: the interpreter joins an
    executor's threads at exit, so Ctrl-C would wait for the model calls in flight (up to their
    deadline, half an hour); daemon threads end with the process, and a trial they leave
    half-done has no trial.json and is redone on resume."""
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(1, n + 1):
        todo.put(index)
    done: queue.SimpleQueue[tuple[TrialResult | None, BaseException | None]] = queue.SimpleQueue()

    def work() -> None:
        while True:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put((study.trial(index), None))
            except BaseException as err:  # noqa: BLE001 - handed to the main thread, raised there
                done.put((None, err))
                return

    for k in range(min(jobs, n)):
        threading.Thread(target=work, name=f"trial-worker-{k + 1}", daemon=True).start()
    for _ in range(n):
        while True:
            try:  # a short timeout keeps the main thread responsive to Ctrl-C
                result, err = done.get(timeout=0.5)
                break
            except queue.Empty:
                continue
        if err is not None:
            raise err
        assert result is not None
        yield result
