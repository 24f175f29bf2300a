"""Prompts of the LLM extractor: section-aware, token-budgeted, with versioned hints.

Only the selection-relevant passages (and selection tables) go to the model, packed in
reading order into calls of at most ``budget`` tokens. The hint files of
``pipeline/extract/hints/`` carry a ``version`` header; each prompt records the name,
version and sha256 of the hints it included so a run can say what the model was told.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources

from pipeline.extract.sections import Passage, budgeted_chunks, estimate_tokens, passages
from pipeline.parse.document import Document

DEFAULT_BUDGET = 6000  # tokens of passages per call; small open-weight models have 8k-32k contexts
DEFAULT_MAX_CHUNKS = 4

SYSTEM = """You extract the event selection of a high-energy-physics paper into a list of cuts.
Use ONLY the passages given. For every cut, copy the sentence that states it verbatim into "quote".
Give values and units exactly as written (the pipeline converts units). One cut per object kind:
a statement covering electrons and muons with different values is two cuts.
Do not invent cuts, values or quotes. If the passages state no event selection, return an empty
"cuts" list and say so in "notes"."""


@dataclass(frozen=True)
class Hint:
    name: str
    version: str
    sha256: str
    text: str

    def label(self) -> str:
        return f"{self.name}@{self.version} (sha256 {self.sha256[:12]})"


@dataclass
class Prompt:
    messages: list[dict[str, str]]
    passages: list[Passage]
    tokens: int
    hints: list[Hint] = field(default_factory=list)


def load_hints() -> list[Hint]:
    """The hint files, sorted by name, with their declared version and content hash."""
    out = []
    folder = resources.files("pipeline.extract") / "hints"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".md"):
            continue
        text = entry.read_text(encoding="utf-8")
        version = re.search(r"version:\s*([\w.]+)", text)
        out.append(
            Hint(
                name=entry.name[:-3],
                version=version.group(1) if version else "0",
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                text=text,
            )
        )
    return out


def render_passages(items: list[Passage], doc: Document) -> str:
    parts = []
    for item in items:
        page = doc.page_at(item.start) if item.kind == "text" else None
        where = ", ".join(x for x in (item.section, f"page {page}" if page else None) if x)
        parts.append(f"[{where or 'passage'}]\n{item.text.strip()}")
    return "\n\n".join(parts)


def build_prompts(
    doc: Document,
    *,
    budget: int = DEFAULT_BUDGET,
    max_chunks: int = DEFAULT_MAX_CHUNKS,
    hints: list[Hint] | None = None,
) -> list[Prompt]:
    """The prompts for ``doc``; none when no passage looks like a selection."""
    hints = load_hints() if hints is None else hints
    hint_text = "\n\n".join(h.text for h in hints)
    chunks = budgeted_chunks(passages(doc), budget, max_chunks)
    title = doc.title or doc.source.paper_id
    prompts = []
    for index, chunk in enumerate(chunks, start=1):
        user = (
            f"Paper: {title}\nPart {index} of {len(chunks)} of the selection-relevant passages.\n\n"
            f"{render_passages(chunk, doc)}"
        )
        messages = [
            {"role": "system", "content": f"{SYSTEM}\n\n{hint_text}"},
            {"role": "user", "content": user},
        ]
        tokens = sum(estimate_tokens(m["content"]) for m in messages)
        prompts.append(Prompt(messages=messages, passages=chunk, tokens=tokens, hints=hints))
    return prompts


def prompt_tokens(
    doc: Document, *, budget: int = DEFAULT_BUDGET, max_chunks: int = DEFAULT_MAX_CHUNKS
) -> int:
    """Tokens the LLM path sends for ``doc`` (all prompts, before any retry)."""
    return sum(p.tokens for p in build_prompts(doc, budget=budget, max_chunks=max_chunks))
