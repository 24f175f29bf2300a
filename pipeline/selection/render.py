"""A selection list as tables a physicist can read: the cutflow with its provenance.

One table per part (objects with their cuts, derived quantities, the cutflow, regions),
then the assumption ledger and the unresolved items. Each cut shows its machine form
as the compiler will see it, so a reviewer checks the same thing that runs.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from pipeline.selection.expr import cut_expression
from pipeline.selection.models import Cut, Provenance, SelectionList

_STATUS_STYLE = {
    "reviewed": "green",
    "verified": "green",
    "edited": "cyan",
    "extracted": "yellow",
    "unverified": "red",
    "rejected": "strike dim",
}


def _excerpt(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _source(prov: Provenance | None) -> str:
    if prov is None:
        return "-"
    where = prov.document + (f" {prov.reference}" if prov.reference else "")
    if prov.page:
        where += f" p.{prov.page}"
    return f"{where}: “{_excerpt(prov.quote)}”" if prov.quote else where


def _form(cut: Cut) -> Text:
    if not cut.executable and cut.text:
        return Text(f"(text) {cut.text}", style="italic")
    prefix = "best: minimise " if cut.kind == "select_best" else ""
    return Text(prefix + cut_expression(cut))


def _cut_table(title: str, cuts: list[Cut], start: int = 1) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for column, options in (
        ("#", {"justify": "right"}),
        ("id", {}),
        ("scope/target", {}),
        ("machine form", {"overflow": "fold"}),
        ("unit", {}),
        ("status", {}),
        ("conf", {"justify": "right"}),
        ("source", {"overflow": "fold"}),
    ):
        table.add_column(column, **options)  # type: ignore[arg-type]
    for number, cut in enumerate(cuts, start):
        scope = str(cut.scope) + (f":{cut.target}" if cut.target else "")
        table.add_row(
            str(number),
            cut.id,
            scope,
            _form(cut),
            cut.unit or "",
            Text(str(cut.status), style=_STATUS_STYLE.get(str(cut.status), "")),
            f"{cut.confidence:.2f}",
            _source(cut.provenance),
        )
    return table


def _derived_table(sel: SelectionList) -> Table:
    table = Table(title="Derived quantities", title_justify="left")
    for column in ("name", "scope/target", "expression", "unit", "description"):
        table.add_column(column, overflow="fold")
    for derived in sel.derived:
        scope = derived.scope + (f":{derived.target}" if derived.target else "")
        table.add_row(derived.name, scope, derived.expr, derived.unit or "", derived.description)
    return table


def _observables_table(sel: SelectionList) -> Table:
    table = Table(
        title="Observables (written per selected event and histogrammed)", title_justify="left"
    )
    for column in ("name", "label", "histogram", "regions"):
        table.add_column(column, overflow="fold")
    for obs in sel.observables:
        spec = obs.histogram
        binning = (
            "50 bins over the values' range"
            if spec is None
            else f"edges {spec.edges}"
            if spec.edges is not None
            else f"{spec.bins} bins, {spec.low:g} to {spec.high:g}"
        )
        table.add_row(obs.name, obs.label, binning, ", ".join(obs.regions) or "all")
    return table


def _ledger(sel: SelectionList) -> Table:
    table = Table(title="Assumption ledger (what the paper leaves unstated)", title_justify="left")
    for column in ("id", "topic", "unstated", "choice", "status", "affects"):
        table.add_column(column, overflow="fold")
    for item in sel.assumptions:
        table.add_row(
            item.id, item.topic, item.unstated, item.choice, item.status, ", ".join(item.affects)
        )
    return table


def _header(sel: SelectionList) -> Text:
    info = sel.analysis
    parts = [sel.paper.id]
    if sel.paper.title:
        parts.append(sel.paper.title)
    facts = [
        f"{info.experiment}" if info.experiment else "",
        f"√s = {info.sqrt_s_tev:g} TeV" if info.sqrt_s_tev else "",
        f"{info.luminosity_fb:g} fb-1" if info.luminosity_fb else "",
        info.final_state or "",
    ]
    line = " · ".join(p for p in facts if p)
    tail = f"\nobservable: {sel.observable}" if sel.observable else ""
    complete = "" if sel.complete else "\nINCOMPLETE: extraction stopped early"
    return Text(" — ".join(parts) + (f"\n{line}" if line else "") + tail + complete, style="bold")


def selection_renderables(sel: SelectionList) -> list[RenderableType]:
    parts: list[RenderableType] = [_header(sel)]
    for obj in sel.objects:
        title = f"Object {obj.name} ({obj.kind})" + (
            f" = {' + '.join(obj.sources)}" if obj.sources else ""
        )
        parts.append(
            _cut_table(title, obj.cuts) if obj.cuts else Text(f"{title}: no cuts of its own")
        )
    if sel.derived:
        parts.append(_derived_table(sel))
    parts.append(_cut_table("Cutflow (event selection, in order)", sel.selection))
    for region in sel.regions:
        base = f" on top of {region.base}" if region.base else " on top of the cutflow"
        parts.append(_cut_table(f"Region {region.name}{base}", region.cuts))
    if sel.observables:
        parts.append(_observables_table(sel))
    if sel.assumptions:
        parts.append(_ledger(sel))
    if sel.unresolved:
        lines = [
            f"- {u.id}: {u.description}"
            + (f" ({u.reference})" if u.reference else "")
            + (f" — {u.reason}" if u.reason else "")
            for u in sel.unresolved
        ]
        parts.append(Text("Unresolved:\n" + "\n".join(lines)))
    return parts


def render_selection(sel: SelectionList, console: Console | None = None) -> None:
    (console or Console()).print(Group(*selection_renderables(sel)))
