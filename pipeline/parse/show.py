"""A readable view of a parsed Document: title, section tree, references (for ``reproduce
show``)."""

from __future__ import annotations

from typing import Any

from pipeline.parse.document import Document


def _section_tree(doc: Document) -> Any:
    from rich.text import Text
    from rich.tree import Tree

    root = Tree(f"[bold]Sections[/] ({len(doc.sections)})")
    nodes: dict[str, Any] = {}
    for section in doc.sections:
        parent = nodes.get(section.parent or "", root)
        label = Text(f"{section.number + ' ' if section.number else ''}{section.title}")
        words = len(doc.text[section.start : section.end].split())
        label.append(f"  p.{section.page} · {words} words", style="dim")
        nodes[section.id] = parent.add(label)
    return root


def _reference_table(doc: Document, limit: int) -> Any:
    from rich.table import Table
    from rich.text import Text

    cited = {key for c in doc.citations for key in c.keys}
    table = Table(
        title=f"References ({len(doc.references)}, {len(cited)} cited in the text)",
        show_lines=False,
        expand=False,
    )
    for column in ("key", "arXiv", "DOI", "reference"):
        table.add_column(column, overflow="fold")
    for ref in doc.references[:limit]:
        table.add_row(
            ref.key, ref.arxiv_id or "", ref.doi or "", Text((ref.title or ref.text)[:90])
        )  # Text: '[arXiv:...]' is not markup
    if len(doc.references) > limit:
        table.add_row("…", "", "", f"{len(doc.references) - limit} more (reproduce refs PAPER)")
    return table


def render_document(doc: Document, *, max_references: int = 40) -> Any:
    """A rich renderable summarising ``doc``."""
    from rich.console import Group
    from rich.text import Text

    head = Text()
    head.append(doc.title or "(untitled)", style="bold")
    if doc.authors:
        head.append("\n" + ", ".join(doc.authors[:8]) + (" et al." if len(doc.authors) > 8 else ""))
    head.append(
        f"\n{doc.source.paper_id} · {doc.source.backend} · {len(doc.pages)} pages · "
        f"{len(doc.blocks)} blocks · {len(doc.tables)} tables · "
        f"{len(doc.citations)} citation markers",
        style="dim",
    )
    parts: list[Any] = [head, _section_tree(doc), _reference_table(doc, max_references)]
    if doc.warnings:
        parts.append(Text("warnings: " + "; ".join(doc.warnings), style="yellow"))
    return Group(*parts)


def render_document_text(doc: Document, width: int = 100) -> str:
    """The same view as plain text (for logs and tests)."""
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    console.print(render_document(doc))
    return console.export_text()
