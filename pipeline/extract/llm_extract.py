"""The LLM extractor: section-aware prompts -> Findings via a backend -> SelectionList."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Settings
from pipeline.errors import ExtractionError
from pipeline.extract.build import Source, build_selection
from pipeline.extract.findings import CutFinding, Findings
from pipeline.extract.prompt import build_prompts
from pipeline.extract.whole_list import WHOLE_LIST, extract_whole_list
from pipeline.llm import LLMBackend, get_backend
from pipeline.parse.document import Document
from pipeline.selection.models import PaperRef, SelectionList

NO_PASSAGES_NOTE = "no selection-relevant passages were found, so no model call was made"


class ExtractionIncomplete(ExtractionError):
    """Extraction stopped early; ``partial`` holds what was extracted (complete=False).

    Defined by the LLM path, which raises it (the rules cannot stop early); the entry
    function (:mod:`pipeline.extract.api`) catches it to add the other samples and re-exports it.
    """

    def __init__(self, message: str, *, partial: SelectionList, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.partial = partial


def make_backend(settings: Settings, *, run_dir: Path | None, replay: Path | None) -> LLMBackend:
    if replay is not None:
        return get_backend("replay", settings, run_dir=None, replay=replay)
    if not settings.llm_configured:
        raise ExtractionError(
            "--backend llm needs a model, and none is configured",
            hint="set REPRO_LLM_BASE_URL and REPRO_LLM_MODEL (and OPENAI_API_KEY if needed), "
            "pass --replay FILE, or use --backend rules",
        )
    return get_backend("openai", settings, run_dir=run_dir)


def extract_llm(
    doc: Document,
    *,
    settings: Settings,
    backend: LLMBackend,
    sample: int = 0,
    paper_ref: PaperRef,
    whole_list: bool | None = None,
) -> SelectionList:
    """One sample of the LLM extraction (ungrounded; the caller grounds it).

    ``whole_list`` (default: :data:`~pipeline.extract.whole_list.WHOLE_LIST`, set by
    ``reproduce extract --whole-list``) asks the model for the whole selection list
    (:mod:`pipeline.extract.whole_list`) instead of flat cuts.
    On failure raises :class:`ExtractionIncomplete` carrying what the
    earlier passages gave, marked ``complete=False``.
    """
    if WHOLE_LIST.get() if whole_list is None else whole_list:
        try:
            return extract_whole_list(
                doc, settings=settings, backend=backend, sample=sample, paper_ref=paper_ref
            )
        except ExtractionError as err:
            partial = SelectionList(
                paper=paper_ref,
                producer=f"llm:{backend.model}",
                complete=False,
                notes=[f"incomplete: the whole-list request failed: {err.message}"],
            )
            raise ExtractionIncomplete(err.message, partial=partial, hint=err.hint) from err
    prompts = build_prompts(doc)
    source = Source(document=doc.source.paper_id)
    producer = f"llm:{backend.model}"
    seed = None if settings.llm_seed is None else settings.llm_seed + sample
    found: list[CutFinding] = []
    deferred: list[str] = []
    notes: list[str] = []
    for index, prompt in enumerate(prompts, start=1):
        try:
            answer = backend.structured(
                prompt.messages, Findings, purpose=f"extract:part{index}:sample{sample}", seed=seed
            )
        except ExtractionError as err:
            partial = build_selection(
                [(f, source) for f in found], paper=paper_ref, producer=producer
            )
            partial = partial.model_copy(
                update={
                    "complete": False,
                    "notes": [f"incomplete: part {index} of {len(prompts)} failed: {err.message}"],
                }
            )
            raise ExtractionIncomplete(err.message, partial=partial, hint=err.hint) from err
        found += answer.cuts
        deferred += answer.deferred_to
        if answer.notes:
            notes.append(f"model note (part {index}): {answer.notes}")
    sel = build_selection([(f, source) for f in found], paper=paper_ref, producer=producer)
    hints = prompts[0].hints if prompts else []
    notes.append(
        f"llm: model {backend.model}, temperature {settings.llm_temperature}, seed {seed}, "
        f"{len(prompts)} prompt(s), {sum(p.tokens for p in prompts)} tokens sent; hints: "
        + (", ".join(h.label() for h in hints) or "none")
    )
    if not prompts:
        notes.append(NO_PASSAGES_NOTE)
    if deferred:
        notes.append(
            f"the model reports definitions deferred to {', '.join(dict.fromkeys(deferred))}"
        )
    return sel.model_copy(update={"notes": notes})
