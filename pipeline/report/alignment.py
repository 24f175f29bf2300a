"""The report's words on how the two cutflows were aligned: the map applied, and the map proposed
from agreeing counts for a reviewer to accept (``--step-map``)."""

from __future__ import annotations

import html

from pipeline.compare import Comparison
from pipeline.compare.step_map import step_map_flag

HEAD = [
    "generated step",
    "baseline step",
    "generated",
    "baseline",
    "generated (weighted)",
    "baseline (weighted)",
    "evidence",
]


def applied_text(comp: Comparison) -> str:
    if not comp.step_map:
        return "Steps are aligned by id only (no --step-map given)."
    order = {
        s.id: i for i, s in enumerate(comp.steps)
    }  # comparison.json keeps the map with sorted keys
    pairs = ",".join(
        f"{g}={comp.step_map[g]}" for g in sorted(comp.step_map, key=lambda g: order.get(g, 0))
    )
    return f"Steps aligned by id and by the map given: --step-map {pairs}"


def proposal_rows(comp: Comparison) -> list[list[object]]:
    return [
        [
            p.generated_id,
            p.baseline_id,
            p.generated_raw,
            p.baseline_raw,
            p.generated_weighted,
            p.baseline_weighted,
            p.evidence,
        ]
        for p in comp.proposed_step_map
    ]


PROPOSAL_INTRO = (
    "Proposed step map, from steps whose raw and weighted counts agree in the order of both "
    "cutflows. Equal counts are evidence, not proof: read both steps' definitions, then accept "
    "it by running again with"
)


def alignment_markdown(comp: Comparison | None, table: object) -> list[str]:
    """``table(head, rows)`` renders a markdown table (render._md_table)."""
    if comp is None:
        return []
    out = [applied_text(comp), ""]
    if comp.proposed_step_map:
        out += [f"{PROPOSAL_INTRO} `{step_map_flag(comp.proposed_step_map)}`", ""]
        out += table(HEAD, proposal_rows(comp)) + [""]  # type: ignore[operator]
    return out


def alignment_html(comp: Comparison | None, table: object) -> list[str]:
    if comp is None:
        return []
    out = [f"<p>{html.escape(applied_text(comp))}</p>"]
    if comp.proposed_step_map:
        out += [
            f"<p>{html.escape(PROPOSAL_INTRO)} "
            f"<code>{html.escape(step_map_flag(comp.proposed_step_map))}</code></p>",
            table(HEAD, proposal_rows(comp)),  # type: ignore[operator]
        ]
    return out
