"""The entry function of stage one: a Document in, a grounded SelectionList out."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pipeline.config import Settings, load_settings
from pipeline.errors import UsageError
from pipeline.extract.build import Source, build_selection
from pipeline.extract.cited import resolve_cited
from pipeline.extract.consensus import cross_check, merge_samples
from pipeline.extract.grounding import ground_selection, grounding_summary
from pipeline.extract.legal import legalize, set_aside
from pipeline.extract.llm_extract import ExtractionIncomplete, extract_llm, make_backend
from pipeline.extract.phrase_cuts import apply_phrasings, dr_as_separations
from pipeline.extract.support import check_support, check_thresholds_read, not_as_read
from pipeline.extract.support_counted import check_counted_thresholds
from pipeline.extract.tables import rule_findings
from pipeline.io import write_json_atomic
from pipeline.parse.document import Document
from pipeline.rundir import RunDir
from pipeline.selection.models import PaperRef, SelectionList

_DATA_ANALYSIS = re.compile(
    r"\d\s*(?:fb|pb)\s*[-\u2212]?\s*1\b|\b(?:fb|pb)\^?\s*\{?[-\u2212]1"
    r"|integrated luminosity|open ?data"
    r"|(?:collected|recorded|taken) (?:by|with|in|during)"
    r"|collision data (?:recorded|collected|from)",
    re.IGNORECASE,
)
NOT_ANALYSIS_NOTE = (
    "this document does not describe an analysis of recorded collision data (no luminosity, "
    "data taking or open data is mentioned), so no cut was taken from it; cut-like "
    "statements seen: {seen}"
)
NO_SELECTION_NOTE = (
    "no event-selection statements were found in this document (it may not describe an "
    "event selection); the list is intentionally empty"
)


def paper_ref_of(doc: Document) -> PaperRef:
    sha = doc.source.sha256 if len(doc.source.sha256) == 64 else None
    return PaperRef(id=doc.source.paper_id, title=doc.title, sha256=sha)


def extract_rules(doc: Document, *, paper_ref: PaperRef | None = None) -> SelectionList:
    """The rule-based extraction of ``doc``, grounded (deterministic, offline)."""
    source = Source(document=doc.source.paper_id)
    findings = [(f, source) for f in rule_findings(doc)]
    sel = build_selection(findings, paper=paper_ref or paper_ref_of(doc), producer="rules")
    sel = ground_selection(apply_phrasings(sel, doc), doc)
    return set_aside(sel, not_as_read(sel, doc))  # lost ranks, conditions rejected together


def extract_selection(
    doc: Document,
    *,
    backend: Literal["rules", "llm"] = "rules",
    settings: Settings | None = None,
    samples: int = 1,
    run_dir: Path | None = None,
    paper_ref: PaperRef | None = None,
    replay: Path | None = None,
    cited_depth: int = 1,
) -> SelectionList:
    """Extract, ground and (with ``samples`` > 1) merge the selection list of ``doc``.

    ``backend="rules"`` needs nothing; ``"llm"`` needs a configured model (settings) or a
    ``replay`` file of recorded calls. Cuts whose quote or numbers are not found in the
    text are kept as ``unverified``. Definitions deferred to cited papers are fetched
    (up to ``cited_depth`` levels) or recorded as unresolved. Raises
    :class:`ExtractionIncomplete` (with the partial list, also saved in ``run_dir``)
    when the model fails after all retries.
    """
    settings = settings or load_settings()
    ref = paper_ref or paper_ref_of(doc)
    if samples < 1:
        raise UsageError(f"--samples must be at least 1, got {samples}")
    if backend not in ("rules", "llm"):
        raise UsageError(f"unknown extraction backend {backend!r}", hint="use 'rules' or 'llm'")
    rules = extract_rules(doc, paper_ref=ref)
    if backend == "rules":
        sel = rules  # deterministic: one sample says it all
        if samples > 1:
            sel.notes.append(
                f"the rule-based extractor is deterministic; --samples {samples} ran it once"
            )
    else:
        runs = _llm_runs(doc, settings, samples, run_dir, ref, replay)
        sel = cross_check(merge_samples(runs) if len(runs) > 1 else runs[0], rules)
    if not describes_data_analysis(doc):
        return _set_aside(sel, run_dir)
    if cited_depth > 0:
        sel = resolve_cited(sel, doc, settings=settings, depth=cited_depth)
    sel = _annotate(
        check_counted_thresholds(
            check_thresholds_read(legalize(check_support(dr_as_separations(sel), doc)), doc), doc
        )
    )
    if run_dir is not None:
        write_json_atomic(RunDir(Path(run_dir)).extracted, sel.model_dump(mode="json"))
    return sel


def describes_data_analysis(doc: Document) -> bool:
    """Whether ``doc`` analyses recorded (or open) collision data, i.e. can have an event selection.

    A methods paper on simulated samples (the deep-learning benchmark paper) may state
    generator-level requirements; those are not an analysis selection to reproduce.
    """
    return bool(_DATA_ANALYSIS.search(doc.text))


def _set_aside(sel: SelectionList, run_dir: Path | None) -> SelectionList:
    seen = "; ".join(f"{c.id}" for c in sel.all_cuts()) or "none"
    empty = SelectionList(
        paper=sel.paper,
        producer=sel.producer,
        notes=[NOT_ANALYSIS_NOTE.format(seen=seen), NO_SELECTION_NOTE],
    )
    if run_dir is not None:
        write_json_atomic(RunDir(Path(run_dir)).extracted, empty.model_dump(mode="json"))
    return empty


def _llm_runs(
    doc: Document,
    settings: Settings,
    samples: int,
    run_dir: Path | None,
    ref: PaperRef,
    replay: Path | None,
) -> list[SelectionList]:
    llm = make_backend(
        settings, run_dir=run_dir, replay=replay
    )  # one backend = one call cap per paper
    runs: list[SelectionList] = []
    for sample in range(samples):
        try:
            runs.append(
                ground_selection(
                    extract_llm(doc, settings=settings, backend=llm, sample=sample, paper_ref=ref),
                    doc,
                )
            )
        except ExtractionIncomplete as err:
            partial = ground_selection(err.partial, doc)
            if runs:
                partial = merge_samples([*runs, partial])
            err.partial = partial.model_copy(update={"complete": False})
            where = save_partial(err.partial, run_dir)
            if where is not None:
                err.hint = f"{err.hint or ''} (partial result: {where})".strip()
            raise
    return runs


def _annotate(sel: SelectionList) -> SelectionList:
    summary = grounding_summary(sel)
    notes = list(sel.notes)
    if summary["cuts"] == 0:
        notes.append(NO_SELECTION_NOTE)
    else:
        notes.append(
            f"grounding: {summary['verified']} of {summary['cuts']} cuts verified, "
            f"{summary['unverified']} unverified (kept, flagged for review)"
        )
    return sel.model_copy(update={"notes": notes})


def save_partial(partial: SelectionList, run_dir: Path | None) -> Path | None:
    if run_dir is None:
        return None
    return write_json_atomic(RunDir(Path(run_dir)).partial, partial.model_dump(mode="json"))
