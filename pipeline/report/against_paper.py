"""The paper's own numbers beside the baseline's and the generated analysis's, step by step.

Rows of a published cutflow are matched to cutflow steps by what their words are about
("Lepton pT thresholds cut" and ``leptons_pt_3`` both speak of pT) and by order: an alignment
that keeps both orders and matches the most topics wins. A row that speaks of the same topic as
several steps in a row ("Z candidate selection" and ``quads_best_m12, event_m12, event_m34``)
is compared with the last of them, since a cutflow counts events after each step. Rows no step
shares a topic with are left unmatched and shown so. Where the numbers differ, the baseline's
documentation (``baselines/README.md``) is quoted when it speaks of that table and that number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.contract import AnalysisResult, Cutflow
from pipeline.extract.published import PUBLISHED_FILE, PublishedTable, PublishedTables
from pipeline.resources import baselines_readme

BASELINES_README = baselines_readme()
AGREE = 0.005  # relative difference under which a number is the paper's

# topic -> words that speak of it, in a row label or a step's id and description
TOPICS: dict[str, str] = {
    "all": r"^all\b|all events|preselection|no (?:cut|selection)|initial|total events",
    "count": (
        r"exactly|number of (?:leptons|jets|objects)|\bcount\b|\bn[ _]?(?:lep\w*|jets?)\b"
        r"|at least \d|\bfour\b|\b\d (?:leptons|jets)"
    ),
    "trigger": r"trigger|\btrig",
    "eta": r"\beta\b|η|acceptance|pseudorapidity",
    "pt": r"\bpt\b|\bp_?t\b|transverse momentum|threshold|\bet\b",
    "dr": r"δr|∆r|delta ?r|\bdr\b|separation|overlap",
    "id": r"\bid\b|identification|tight|medium|loose|muon types",
    "z0": r"\bz_?0\b|longitudinal",
    "d0": r"\bd_?0\b|transverse impact|impact parameter|d0sig",
    "iso": r"isolation|\biso\b|ptcone|etcone|reliso|\bcone",
    "z": r"\bz candidate|z boson|z mass|\bm_?12\b|\bm_?34\b|\bz_?[12]\b|quadruplet|dilepton mass",
    "jpsi": r"j/ψ|jpsi|j/psi",
    "vertex": r"vertex",
    "window": r"mass window|m_?4l\b.*<|signal region",
    "charge": r"charge|opposite.sign|same.flavou?r|sfos|flavou?r sum",
    "met": r"missing|met\b|e_?t\^?miss|p_?t\^?miss",
    "jets": r"\bjets?\b|b-?tag",
}
_TOPICS = {name: re.compile(words, re.IGNORECASE) for name, words in TOPICS.items()}
_DATA_COLUMN = re.compile(r"\bdata\b|observed|\bobs\b", re.IGNORECASE)


@dataclass
class PaperRow:
    label: str
    published: float | None
    baseline_step: str | None = None
    baseline: float | None = None
    generated_step: str | None = None
    generated: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.published in (None, 0) or self.generated is None:
            return None
        return self.generated / self.published  # type: ignore[operator]


@dataclass
class AgainstPaper:
    """What the report says about the paper's published numbers."""

    summary: str
    table: PublishedTable | None = None
    column: str | None = None
    rows: list[PaperRow] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)
    other_tables: list[str] = field(default_factory=list)


def topics(text: str) -> set[str]:
    text = text.replace("_", " ").replace("^", "")
    return {name for name, regex in _TOPICS.items() if regex.search(text)}


def match_steps(labels: list[str], steps: list[tuple[str, str]]) -> list[int | None]:
    """For each published row label, the index of its step in ``steps`` ((id, description)), or
    None.

    A topic the step's id names counts twice one only its description names: descriptions of
    extracted cuts are whole sentences that touch on more than the cut."""
    rows = [topics(label) for label in labels]
    named = [(topics(sid), topics(desc)) for sid, desc in steps]

    def score(i: int, j: int) -> int:
        return 2 * len(rows[i] & named[j][0]) + len(rows[i] & (named[j][1] - named[j][0]))

    n, m = len(labels), len(steps)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            pair = score(i - 1, j - 1)
            best[i][j] = max(
                best[i - 1][j], best[i][j - 1], best[i - 1][j - 1] + pair if pair else 0
            )
    matched: list[int | None] = [None] * n
    i, j = n, m
    while i and j:
        pair = score(i - 1, j - 1)
        if pair and best[i][j] == best[i - 1][j - 1] + pair:
            matched[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    both = [t[0] | t[1] for t in named]
    return _drop_ambiguous(_to_last_of_run(matched, rows, both, score), rows, both, score)


def _drop_ambiguous(
    matched: list[int | None],
    rows: list[set[str]],
    steps: list[set[str]],
    score: Callable[[int, int], int],
) -> list[int | None]:
    """Unmatch a row when another free step between its neighbours' steps fits it as well on other
    topics ('isolation (ΔR)' beside both delta_r and an isolation step): the order did not
    decide."""
    taken = {j for j in matched if j is not None}
    out = list(matched)
    for i, j in enumerate(matched):
        if j is None:
            continue
        low = max((k for k in matched[:i] if k is not None), default=-1)
        high = min((k for k in matched[i + 1 :] if k is not None), default=len(steps))
        shared = rows[i] & steps[j]
        if any(
            k not in taken and score(i, k) >= score(i, j) and rows[i] & steps[k] != shared
            for k in range(low + 1, high)
        ):
            out[i] = None
    return out


def _to_last_of_run(
    matched: list[int | None],
    rows: list[set[str]],
    steps: list[set[str]],
    score: Callable[[int, int], int],
) -> list[int | None]:
    """Move each match to the last of the steps right after it that speak of the same topics."""
    taken = {j for j in matched if j is not None}
    for i, j in enumerate(matched):
        if j is None:
            continue
        shared, points = rows[i] & steps[j], score(i, j)
        while (
            j + 1 < len(steps)
            and j + 1 not in taken
            and rows[i] & steps[j + 1] == shared
            and score(i, j + 1) == points
        ):
            j += 1
        matched[i] = j
    return matched


def choose_column(table: PublishedTable, result: AnalysisResult) -> tuple[int | None, str, bool]:
    """The column the run's counts are comparable with, why (or why none is), and whether the
    weighted counts are the ones to compare (simulated inputs) rather than the raw ones."""
    index, why = _column_for(table, result)
    return index, why, "simulated" in why


def _column_for(table: PublishedTable, result: AnalysisResult) -> tuple[int | None, str]:
    if result.synthetic:
        return None, "the inputs are synthetic samples: the paper's numbers are shown, not compared"
    names = [Path(f.path).name.lower() for f in result.inputs]
    all_data = bool(names) and all("data" in n and not n.startswith("mc") for n in names)
    if all_data:
        index = next((i for i, c in enumerate(table.columns) if _DATA_COLUMN.search(c)), None)
        if index is not None:
            return index, f"column '{table.columns[index]}': every input file is collision data"
        if len(table.columns) == 1:
            return 0, "the table's only column"
        return None, "every input file is collision data, but no column of the table is named data"
    if len(table.columns) == 1:
        return (
            0,
            "the table's only column (the inputs include simulated samples: weighted counts "
            "compared)",
        )
    return (
        None,
        "the inputs include simulated samples and the table splits them by process: nothing "
        "compared",
    )


def load_against_paper(
    run_dir: Path, generated: Cutflow, baseline: Cutflow | None, result: AnalysisResult
) -> AgainstPaper:
    """The comparison for a run directory, from the ``published.json`` its report stage wrote."""
    path = run_dir / PUBLISHED_FILE
    if not path.is_file():
        return compare_with_paper(
            None,
            generated,
            baseline,
            result,
            why_unread="the run has no PDF of the paper (no document.json)",
        )
    published = PublishedTables.model_validate_json(path.read_text())
    if published.error:
        return compare_with_paper(None, generated, baseline, result, why_unread=published.error)
    return compare_with_paper(published, generated, baseline, result)


def compare_with_paper(
    published: PublishedTables | None,
    generated: Cutflow,
    baseline: Cutflow | None,
    result: AnalysisResult,
    *,
    why_unread: str = "",
) -> AgainstPaper:
    if published is None:
        return AgainstPaper(
            summary=f"The paper's published numbers were not read: {why_unread or 'no paper'}."
        )
    others = [
        f"{t.name} (page {t.page}, {t.kind}): {t.caption}"
        for t in published.tables
        if t.kind != "cutflow"
    ]
    cutflows = published.cutflows()
    if not cutflows:
        summary = (
            f"The paper publishes no cutflow table (searched {published.pages_searched} pages)."
        )
        if others:
            summary += (
                " Its yield tables are listed below; they are per region, not per selection step."
            )
        return AgainstPaper(summary=summary, other_tables=others)
    steps = [(s.id, s.description) for s in generated.steps]
    table = max(
        cutflows,
        key=lambda t: sum(j is not None for j in match_steps([r.label for r in t.rows], steps)),
    )
    others += [
        f"{t.name} (page {t.page}, cutflow): {t.caption}" for t in cutflows if t is not table
    ]
    index, why, weighted = choose_column(table, result)
    rows = _rows(table, index, generated, baseline, weighted=weighted)
    out = AgainstPaper(
        summary=f'{table.name}, page {table.page} of {published.document}: "{table.caption}" '
        f"Compared: {why}. Rows are matched to steps by their words and order; the step "
        "used is named, and a row no step matches says so.",
        table=table,
        column=table.columns[index] if index is not None else None,
        rows=rows,
        other_tables=others,
    )
    out.explanations = baseline_explanations(baseline, table, rows, published.document)
    _annotate(out)
    return out


def _rows(
    table: PublishedTable,
    index: int | None,
    generated: Cutflow,
    baseline: Cutflow | None,
    *,
    weighted: bool,
) -> list[PaperRow]:
    labels = [r.label for r in table.rows]
    rows = [
        PaperRow(label=r.label, published=r.values[index] if index is not None else None)
        for r in table.rows
    ]
    for flow, side in ((generated, "generated"), (baseline, "baseline")):
        if flow is None:
            continue
        for row, j in zip(
            rows, match_steps(labels, [(s.id, s.description) for s in flow.steps]), strict=True
        ):
            if j is not None:
                step = flow.steps[j]
                setattr(row, f"{side}_step", step.id)
                setattr(row, side, step.weighted if weighted else step.raw)
    return rows


def _differs(value: float | None, published: float | None) -> bool:
    return (
        value is not None
        and published is not None
        and abs(value - published) > AGREE * max(abs(published), 1)
    )


def _annotate(out: AgainstPaper) -> None:
    for row in out.rows:
        if row.generated_step is None and row.baseline_step is None:
            row.note = "no step matched this row"
        elif row.published is not None:
            row.note = _note(row, out.explanations)


def _note(row: PaperRow, explanations: list[str]) -> str:
    published = row.published or 0.0
    gen_off, base_off = _differs(row.generated, published), _differs(row.baseline, published)
    if not gen_off and not base_off:
        return "as published"
    if row.generated is not None and row.generated == row.baseline and gen_off:
        note = f"generated and baseline agree, {_offset(row.generated, published)} from the paper"
    else:
        parts = [
            f"{side} {_offset(value, published) if off else 'as published'}"
            for side, value, off in (
                ("generated", row.generated, gen_off),
                ("baseline", row.baseline, base_off),
            )
            if value is not None
        ]
        note = "; ".join(parts)
    if any(_mentions(e, pair) for e in explanations for pair in _differences(row)):
        note += " - baselines/README.md explains it (below)"
    return note


def _offset(value: float | None, published: float) -> str:
    return f"{(value or 0.0) / published - 1:+.1%}" if published else "differs"


def _number(value: float | None) -> str:
    return "" if value is None else (f"{value:g}")


def baseline_explanations(
    baseline: Cutflow | None, table: PublishedTable, rows: list[PaperRow], document: str = ""
) -> list[str]:
    """Paragraphs of baselines/README.md that speak of this table and of a published number the
    run does not reproduce: in the section of the run's baseline and of every baseline written
    from this paper (the README's table names the paper it was written from)."""
    if not BASELINES_README.is_file():
        return []
    text = BASELINES_README.read_text()
    names = [baseline.producer.removeprefix("baseline:")] if baseline is not None else []
    if document:
        names += [
            m.group(1)
            for m in re.finditer(r"^\| `([\w.-]+)` \|.*$", text, re.MULTILINE)
            if document in m.group(0)
        ]
    differing = [pair for r in rows for pair in _differences(r)]
    table_name = re.compile(rf"\btable {re.escape(table.number)}\b", re.IGNORECASE)
    out = []
    for name in dict.fromkeys(names):
        section = re.search(
            rf"^## `{re.escape(name)}`\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL
        )
        for para in re.split(r"\n(?=- )|\n\n", section.group(1) if section else ""):
            flat = " ".join(para.removeprefix("- ").split())
            if table_name.search(flat) and any(_mentions(flat, pair) for pair in differing):
                out.append(f"baselines/README.md, `{name}`: {flat}")
    return out


def _differences(row: PaperRow) -> list[tuple[str, str]]:
    """(published, ours) for each side of ``row`` that differs from the paper."""
    return [
        (_number(row.published), _number(v))
        for v in (row.generated, row.baseline)
        if _differs(v, row.published)
    ]


def _mentions(text: str, numbers: tuple[str, ...]) -> bool:
    return all(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d]|\.\d)", text) for n in numbers)


def table_rows(ap: AgainstPaper) -> tuple[list[str], list[list[object]]]:
    """The report's table: one row per published row."""
    head = [
        f"{ap.table.name} row" if ap.table else "row",
        f"published ({ap.column or 'not compared'})",
        "baseline",
        "generated",
        "generated / published",
        "note",
    ]
    body: list[list[object]] = []
    for r in ap.rows:
        ratio = f"{r.ratio:.3f}" if r.ratio is not None else ""
        body.append(
            [
                r.label,
                _number(r.published),
                _cell(r.baseline, r.baseline_step),
                _cell(r.generated, r.generated_step),
                ratio,
                r.note,
            ]
        )
    return head, body


def _cell(value: float | None, step: str | None) -> str:
    return "unmatched" if step is None else f"{_number(value)} ({step})"


__all__ = [
    "AgainstPaper",
    "PaperRow",
    "baseline_explanations",
    "choose_column",
    "compare_with_paper",
    "load_against_paper",
    "match_steps",
    "table_rows",
    "topics",
]
