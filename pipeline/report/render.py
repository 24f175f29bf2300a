"""report.md and a self-contained report.html (plots inlined) from one :class:`ReportContent`."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from typing import Any

from pipeline.compare import Comparison
from pipeline.report.against_paper import AgainstPaper
from pipeline.report.against_paper import table_rows as paper_table_rows
from pipeline.report.alignment import alignment_html, alignment_markdown
from pipeline.report.content import ReportContent, selection_rows
from pipeline.report.regions import observable_section, region_sections

MAX_EVENTS = 50


def _md_table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    def cell(x: object) -> str:
        return str("" if x is None else x).replace("|", "\\|").replace("\n", " ")

    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(cell(x) for x in row) + " |" for row in rows
    ]


def cutflow_rows(c: ReportContent) -> tuple[list[str], list[list[Any]]]:
    if c.comparison is not None:
        head = [
            "step",
            "generated",
            "baseline",
            "generated (weighted)",
            "baseline (weighted)",
            "same",
        ]
        rows = [
            [
                s.id
                + (f" = {s.baseline_id}" if s.baseline_id else "")
                + ("" if s.generated_applicable in (True, None) else " (n/a)"),
                s.generated_raw,
                s.baseline_raw,
                s.generated_weighted,
                s.baseline_weighted,
                "yes" if s.same else "NO",
            ]
            for s in c.comparison.steps
        ]
        return head, rows
    return ["step", "events", "weighted", "applicable"], [
        [s.id, s.raw, s.weighted, "yes" if s.applicable else f"no: {s.reason}"]
        for s in c.cutflow.steps
    ]


def event_sections(comp: Comparison) -> list[tuple[str, list[str], list[list[object]]]]:
    head = ["run", "event", "dsid", "channel", "m4l [GeV]", "weight"]
    ev = comp.events
    out = [
        (
            f"Only in the generated analysis ({len(ev.only_generated)})",
            head,
            [
                [e.run, e.event, e.dsid, e.channel, f"{e.m4l:.3f}", e.weight]
                for e in ev.only_generated[:MAX_EVENTS]
            ],
        ),
        (
            f"Only in the baseline ({len(ev.only_baseline)})",
            head,
            [
                [e.run, e.event, e.dsid, e.channel, f"{e.m4l:.3f}", e.weight]
                for e in ev.only_baseline[:MAX_EVENTS]
            ],
        ),
        (
            f"Matched, with different values ({len(ev.value_differences)})",
            ["run", "event", "dsid", "channel (gen/base)", "m4l gen", "m4l base"],
            [
                [
                    e.run,
                    e.event,
                    e.dsid,
                    f"{e.channel}/{e.other_channel}",
                    f"{e.m4l:.4f}",
                    f"{e.other_m4l:.4f}",
                ]
                for e in ev.value_differences[:MAX_EVENTS]
            ],
        ),
    ]
    for what, rows in (
        ("NaN in the generated output, a number in the baseline", ev.nan_generated),
        ("a number in the generated output, NaN in the baseline", ev.nan_baseline),
        ("NaN on both sides", ev.nan_both),
    ):
        out.append(
            (
                f"Matched, m4l {what} ({len(rows)})",
                ["run", "event", "dsid", "channel (gen/base)", "m4l gen", "m4l base"],
                [
                    [
                        e.run,
                        e.event,
                        e.dsid,
                        f"{e.channel}/{e.other_channel}",
                        f"{e.m4l:.4f}",
                        f"{e.other_m4l:.4f}",
                    ]
                    for e in rows[:MAX_EVENTS]
                ],
            )
        )
    return out


def _summary(c: ReportContent) -> str:
    r = c.result
    line = f"{r.n_selected} of {r.n_input} events selected (weighted {r.weighted_selected:.6g})"
    if c.comparison is not None:
        line += (
            f"; verdict against {c.comparison.baseline}: **{c.comparison.verdict}** - "
            f"{c.comparison.reason}"
        )
    return line


PAPER_TITLE = "Against the paper's published numbers"


def paper_markdown(ap: AgainstPaper | None) -> list[str]:
    if ap is None:
        return []
    out = [f"## {PAPER_TITLE}", "", ap.summary, ""]
    if ap.table is not None:
        out += _md_table(*paper_table_rows(ap)) + [""]
    out += [f"- {e}" for e in ap.explanations] + ([""] if ap.explanations else [])
    if ap.other_tables:
        out += (
            ["Other tables of the paper, not compared:", ""]
            + [f"- {t}" for t in ap.other_tables]
            + [""]
        )
    return out


def paper_html(ap: AgainstPaper | None) -> list[str]:
    if ap is None:
        return []
    e = html.escape
    out = [f"<h2>{e(PAPER_TITLE)}</h2><p>{e(ap.summary)}</p>"]
    if ap.table is not None:
        out.append(_html_table(*paper_table_rows(ap)))
    if ap.explanations:
        out.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in ap.explanations) + "</ul>")
    if ap.other_tables:
        out.append(
            "<p>Other tables of the paper, not compared:</p><ul>"
            + "".join(f"<li>{e(t)}</li>" for t in ap.other_tables)
            + "</ul>"
        )
    return out


def _region_tables(c: ReportContent) -> list[tuple[str, list[str], list[list[object]]]]:
    """Each region's cutflow, then the observables' agreement with the baseline."""
    observables = observable_section(c.comparison)
    return region_sections(c.regions, c.comparison) + ([observables] if observables else [])


def render_markdown(c: ReportContent) -> str:
    sel = c.selection
    out = [
        f"# Reproduction of {sel.paper.id}" + (f": {sel.paper.title}" if sel.paper.title else ""),
        "",
        _summary(c),
        "",
        f"Run directory: `{c.run_dir.name}`; selection list: `{c.selection_file}` "
        f"(producer {sel.producer or 'unknown'}).",
        "",
    ]
    if c.warnings:
        out += ["## Warnings", ""] + [f"- {w}" for w in c.warnings] + [""]
    out += (
        ["## Cutflow", ""]
        + _md_table(*cutflow_rows(c))
        + [""]
        + alignment_markdown(c.comparison, _md_table)
    )
    for title, head, rows in _region_tables(c):
        out += [f"## {title}", ""] + _md_table(head, rows) + [""]
    out += paper_markdown(c.against_paper)
    if c.comparison is not None:
        out += [
            "## Event-by-event comparison",
            "",
            f"Matched events: {c.comparison.events.matched}. "
            f"First diverging step: {c.comparison.first_divergence or 'none'}.",
            "",
        ]
        for title, head, rows in event_sections(c.comparison):
            out += [f"### {title}", ""] + (_md_table(head, rows) if rows else ["none"]) + [""]
    out += ["## Plots", ""] + [f"![{name}](plots/{p.name})" for name, p in c.plots.items()] + [""]
    out += ["## Selection list and provenance", ""]
    out += _md_table(
        ["cut", "where", "machine form", "status", "source", "quote"], selection_rows(sel)
    ) + [""]
    out += ["## Stages", ""] + [f"- {k}: {v}" for k, v in c.stage_notes.items()] + [""]
    out += [
        "## Generated code",
        "",
        "`codegen/analysis.py`:",
        "",
        "```python",
        c.code.rstrip(),
        "```",
        "",
    ]
    return "\n".join(out)


def _html_table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str('' if x is None else x))}</td>" for x in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


CSS = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em "
    "auto;color:#222}table{border-collapse:collapse;font-size:13px;margin:.5em "
    "0}td,th{border:1px solid #ccc;padding:3px "
    "6px}th{background:#eee}.warn{background:#fff4e0;border-left:4px solid #e08a2c;padding:.5em "
    "1em}pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}img{max-width:100%}"
)


def render_html(c: ReportContent) -> str:
    e = html.escape
    sel = c.selection
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Reproduction of "
        f"{e(sel.paper.id)}</title><style>{CSS}</style></head><body>",
        f"<h1>Reproduction of {e(sel.paper.id)}</h1><p>{e(sel.paper.title or '')}</p>",
        f"<p>{e(_summary(c)).replace('**', '')}</p>",
    ]
    if c.warnings:
        parts.append(
            "<div class='warn'><h2>Warnings</h2><ul>"
            + "".join(f"<li>{e(w)}</li>" for w in c.warnings)
            + "</ul></div>"
        )
    parts += [
        "<h2>Cutflow</h2>",
        _html_table(*cutflow_rows(c)),
        *alignment_html(c.comparison, _html_table),
    ]
    for title, head, rows in _region_tables(c):
        parts += [f"<h2>{e(title)}</h2>", _html_table(head, rows)]
    parts += paper_html(c.against_paper)
    if c.comparison is not None:
        parts.append(
            f"<h2>Event-by-event comparison</h2><p>Matched events: {c.comparison.events.matched}; "
            f"first diverging step: {e(c.comparison.first_divergence or 'none')}</p>"
        )
        for title, head, rows in event_sections(c.comparison):
            parts.append(
                f"<h3>{e(title)}</h3>" + (_html_table(head, rows) if rows else "<p>none</p>")
            )
    parts.append("<h2>Plots</h2>")
    for name, path in c.plots.items():
        data = base64.b64encode(path.read_bytes()).decode()
        parts.append(
            f"<figure><img alt='{e(name)}' src='data:image/png;base64,{data}'><figcaption>{e(name)}"
            "</figcaption></figure>"
        )
    parts += [
        "<h2>Selection list and provenance</h2>",
        _html_table(
            ["cut", "where", "machine form", "status", "source", "quote"], selection_rows(sel)
        ),
        "<h2>Stages</h2><ul>"
        + "".join(f"<li>{e(k)}: {e(v)}</li>" for k, v in c.stage_notes.items())
        + "</ul>",
        f"<h2>Generated code</h2><pre>{e(c.code)}</pre></body></html>",
    ]
    return "\n".join(parts) + "\n"
