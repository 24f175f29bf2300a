"""The layout of a run directory: every file and folder a run writes or reads, named once.

Stages, the review tools, the report, audits and trials all find each other's files through
:class:`RunDir` rather than through string literals, so the shape of a run is written down
in one place. It lives at the top of the package and imports nothing from it, so any stage
may use it without importing a later stage. It only computes paths: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class RunDir:
    """The paths of one run directory ``root`` (a run, an audit's re-run, a trial)."""

    root: Path

    # names relative to the run, for code that matches names (globs, manifest exclusions)
    DOCUMENT: ClassVar[str] = "document.json"
    PAPER_PDF: ClassVar[str] = "paper.pdf"
    EXTRACTED: ClassVar[str] = "selection.extracted.json"
    PARTIAL: ClassVar[str] = "selection.partial.json"
    QUARANTINED: ClassVar[str] = "selection.quarantined.json"
    REVIEWED: ClassVar[str] = "selection.reviewed.json"
    REVIEW: ClassVar[str] = "review"
    REVIEW_LOG: ClassVar[str] = "review/review_log.jsonl"
    CITED: ClassVar[str] = "cited"
    CODEGEN: ClassVar[str] = "codegen"
    SCRIPT: ClassVar[str] = "codegen/analysis.py"
    ATTEMPTS: ClassVar[str] = "codegen/attempts"
    ANALYSIS: ClassVar[str] = "analysis"
    BASELINE: ClassVar[str] = "baseline"
    COMPARISON: ClassVar[str] = "comparison.json"
    PUBLISHED: ClassVar[str] = "published.json"
    PLOTS: ClassVar[str] = "plots"
    REPORT_MD: ClassVar[str] = "report.md"
    REPORT_HTML: ClassVar[str] = "report.html"
    STATE: ClassVar[str] = "run.json"
    MANIFEST: ClassVar[str] = "manifest.json"
    LLM_CALLS: ClassVar[str] = "llm_calls.jsonl"
    TRIAL: ClassVar[str] = "trial.json"
    # the analysis outputs of a script (analysis/, baseline/): see pipeline/contract.py
    RESULT: ClassVar[str] = "result.json"
    HISTOGRAMS: ClassVar[str] = "histograms.json"
    VERDICT: ClassVar[str] = "verdict.json"

    # stage one: the paper and the extracted list
    @property
    def document(self) -> Path:
        """The parsed paper (parse writes it; extract, review and the report read it)."""
        return self.root / self.DOCUMENT

    @property
    def extracted(self) -> Path:
        """The list the extractor wrote, before any human looked at it."""
        return self.root / self.EXTRACTED

    @property
    def partial(self) -> Path:
        """What an extraction that stopped half-way had found (for the reviewer)."""
        return self.root / self.PARTIAL

    @property
    def quarantined(self) -> Path:
        """The unreviewed list without its invalid cuts (``--no-review``)."""
        return self.root / self.QUARANTINED

    @property
    def reviewed(self) -> Path:
        """The list a human approved: the input of stage two when it exists."""
        return self.root / self.REVIEWED

    @property
    def review_dir(self) -> Path:
        """Review versions (``selection.vNNN.json``) and the review log."""
        return self.root / self.REVIEW

    @property
    def review_log(self) -> Path:
        return self.root / self.REVIEW_LOG

    @property
    def cited(self) -> Path:
        """Cited papers the extractor read (inputs)."""
        return self.root / self.CITED

    # stage two: code, its outputs, the baseline and the comparison
    @property
    def codegen(self) -> Path:
        return self.root / self.CODEGEN

    @property
    def script(self) -> Path:
        """The analysis script generate writes and execute runs."""
        return self.root / self.SCRIPT

    @property
    def attempts(self) -> Path:
        """One folder per sandbox attempt of the repair loop (each with a ``verdict.json``)."""
        return self.root / self.ATTEMPTS

    @property
    def analysis(self) -> Path:
        """The outputs of the generated script (cutflow, histograms, result)."""
        return self.root / self.ANALYSIS

    @property
    def baseline(self) -> Path:
        """The outputs of the hand-written baseline analysis."""
        return self.root / self.BASELINE

    @property
    def comparison(self) -> Path:
        return self.root / self.COMPARISON

    # the report and the records of the run
    @property
    def published(self) -> Path:
        """The paper's own cutflow/yield tables, shown beside ours."""
        return self.root / self.PUBLISHED

    @property
    def plots(self) -> Path:
        return self.root / self.PLOTS

    @property
    def report_md(self) -> Path:
        return self.root / self.REPORT_MD

    @property
    def report_html(self) -> Path:
        return self.root / self.REPORT_HTML

    @property
    def state(self) -> Path:
        """``run.json``: which stages are done (pipeline/run/state.py)."""
        return self.root / self.STATE

    @property
    def manifest(self) -> Path:
        """Hashes of every input and output, written last (pipeline/run/manifest.py)."""
        return self.root / self.MANIFEST

    @property
    def llm_calls(self) -> Path:
        """Every model call of the run, replayable by audits."""
        return self.root / self.LLM_CALLS

    @property
    def trial(self) -> Path:
        """A trial's result, written last so that a finished trial is not redone."""
        return self.root / self.TRIAL

    def verdicts(self) -> list[Path]:
        """The sandbox attempts' verdicts, in attempt order (the only method that reads)."""
        return sorted(self.root.glob(f"{self.ATTEMPTS}/*/{self.VERDICT}"))
