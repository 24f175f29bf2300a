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
from pipeline.selection.fields import COLLECTIONS, EVENT_FIELDS, KIND_COLLECTION
from pipeline.selection.functions import FUNCTIONS

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


# --- whole-list extraction (pipeline/extract/whole_list.py) ---------------------------------

# one call reads every passage: 5000 tokens of passages + ~1.3k of instructions leave room in a
# 16k context (the embedded server's) for a 4096-token answer, and in the follow-up for the
# previous answer and the validator's messages on top
WHOLE_LIST_BUDGET = 5000

WHOLE_LIST_SYSTEM = """You write the event selection of a high-energy-physics paper as a selection
list in JSON. Use ONLY the passages given. Every cut and derived quantity has "quote": the sentence
that states it, copied verbatim from the passages. Do not invent cuts, values or quotes.

The list:
- "objects": the object collections, in order. {"name": "muons", "kind": "muon", "sources": [],
  "cuts": [...]}. Object cuts apply to each object and use its fields: "pt > 5",
  "abs(eta) < 2.7", "abs(d0sig) < 3", "ptcone30 / pt < 0.15". A union of collections defined
  before: {"name": "leptons", "kind": "lepton", "sources": ["electrons", "muons"], "cuts": []}.
- "derived": named quantities, in order, each using only names defined before it:
  {"name": "quads", "expr": "quadruplets(leptons, 91.1876)"}; one value per candidate gives
  "target": {"name": "m12", "expr": "mass(z1(quads))", "target": "quads", "unit": "GeV"}.
- "selection": the ordered event-level cutflow: "count(leptons) >= 4", "met > 50",
  "trig_e or trig_m". A cut on candidates names them in "target":
  {"expr": "50 < m12 < 106", "target": "quads"}; "kind": "select_best" keeps the one candidate
  with the smallest expr.
- "regions": control, validation or signal regions, each with its own extra cuts on top of the
  selection (or of the region named in "base").
- "observables": names of derived quantities or event fields to histogram (e.g. "m4l").
Each cut: {"id": "mu_pt", "expr": "pt > 5", "unit": "GeV", "quote": "..."}. "unit" is the unit
of the numbers: GeV, mm, rad or null. Write numbers in GeV, mm and rad (7000 MeV is 7).
A statement the language cannot express: "expr": null and "text": its words.
Not cuts: histogram ranges and binning, triggers efficiencies, calibrations, isolation cone
sizes, overlap removal, conditions ("for jets with pT < 50 GeV")."""


def language_summary() -> str:
    """The expression language in a few lines, from the whitelist and the canonical fields."""
    fields = {name: sorted(table) for name, table in COLLECTIONS.items()}
    accessors = {f for table in fields.values() for f in table}
    functions = sorted(name for name in FUNCTIONS if name not in accessors)
    per_collection = "; ".join(
        f"{name}: {' '.join(table)}"
        for name, table in fields.items()
        if name not in ("muons", "leptons")  # the same as electrons
    )
    return (
        "The expression language: Python-like. + - * / **, comparisons (chains allowed: "
        "50 < m12 < 106), and, or, not, x in [a, b]. No attribute access (a.b), no indexing "
        "(a[0]: use nth(a, 0)), no strings.\n"
        f"Functions: {' '.join(functions)}. Every object field is also a function of a "
        "collection: pt(jets), eta(nth(leptons, 0)).\n"
        f"Event fields: {' '.join(EVENT_FIELDS)}; met_vec is the missing momentum as an object.\n"
        f"Object kinds: {' '.join(KIND_COLLECTION)}. Object fields (electrons, muons and leptons "
        f"alike): {per_collection}; theta for all."
    )


def build_whole_list_prompt(
    doc: Document, *, budget: int = WHOLE_LIST_BUDGET, hints: list[Hint] | None = None
) -> Prompt | None:
    """The one prompt asking for the whole selection list of ``doc`` (None: no passage looks like
    a selection). The passages are those of :func:`build_prompts`, packed into one call."""
    hints = [] if hints is None else hints
    chunks = budgeted_chunks(passages(doc), budget, 1)
    if not chunks:
        return None
    title = doc.title or doc.source.paper_id
    system = "\n\n".join([WHOLE_LIST_SYSTEM, language_summary(), *(h.text for h in hints)])
    user = (
        f"Paper: {title}\nThe selection-relevant passages:\n\n{render_passages(chunks[0], doc)}"
        "\n\nWrite the whole selection list of this paper."
    )
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    tokens = sum(estimate_tokens(m["content"]) for m in messages)
    return Prompt(messages=messages, passages=chunks[0], tokens=tokens, hints=hints)
