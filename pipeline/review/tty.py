"""Terminal review: the web page's decisions, one cut at a time, for a cluster login node.

Input is read line by line from a stream (stdin by default), so a script or a test can drive
it: ``a [comment]`` approve, ``r [comment]`` reject, ``e`` edit (then one line per field,
empty keeps the value), ``s`` skip, ``b`` back, ``q`` quit, ``?`` help. Every decision is saved
at once as a new version, exactly as the web page saves it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pipeline.errors import ReproError
from pipeline.review.decisions import Decision
from pipeline.review.gate import DECIDED
from pipeline.review.session import ReviewConflict, ReviewSession
from pipeline.review.sources import SourceFiles, locate_cut
from pipeline.review.view import machine_form
from pipeline.selection.models import Cut

HELP = "a [comment] approve · r [comment] reject · e edit · s skip · b back · q quit · ? help"
EDIT_FIELDS = ("description", "variable", "op", "value", "unit", "expr")


class TerminalReview:
    def __init__(
        self,
        run_dir: Path,
        papers_dir: Path,
        stream: TextIO,
        *,
        reviewer: str | None = None,
        console: Console | None = None,
    ) -> None:
        self.session = ReviewSession(run_dir, reviewer=reviewer)
        self.papers_dir = papers_dir
        self.stream = stream
        self.console = console or Console(highlight=False)
        self.saved = 0

    def ask(self, prompt: str) -> str | None:
        """One line of input, or None at end of input."""
        self.console.print(prompt, end="", markup=False)
        line = self.stream.readline()
        if not line:
            self.console.print()
            return None
        return line.rstrip("\n")

    def show(self, cut: Cut, position: int, total: int, sources: SourceFiles) -> None:
        prov = cut.provenance
        table = Table.grid(padding=(0, 2))

        def row(key: str, value: str) -> None:
            table.add_row(key, Text(value))  # paper text: '[20]' is a citation, not markup

        row("machine form", machine_form(cut))
        row(
            "status",
            f"{cut.status}   confidence {cut.confidence:.2f}"
            + (f"   agreement {cut.agreement:.2f}" if cut.agreement is not None else ""),
        )
        if cut.grounding:
            g = cut.grounding
            row(
                "grounding",
                f"quote {'found' if g.found else 'NOT found'}, numbers "
                f"{'match' if g.numbers_match else 'do NOT match'} ({g.score:.2f}) {g.reason}",
            )
        if prov:
            spot = locate_cut(sources, cut)
            where = f"{prov.document}, page {spot.page or prov.page or '?'}" + (
                f", § {prov.section}" if prov.section else ""
            )
            row(
                "source",
                where + ("" if spot.boxes or not spot.pdf else "  (quote not found on the page)"),
            )
            row("quote", f"“{prov.quote}”" if prov.quote else "(none)")
        if cut.reviewer_note:
            row("note", cut.reviewer_note)
        self.console.print(
            Panel(
                table,
                title=escape(f"[{position}/{total}] {cut.id}: {cut.description}"),
                title_align="left",
            )
        )

    def save(self, decision: Decision) -> bool:
        """Save one decision; print why when it is refused (the caller asks again)."""
        version, _ = self.session.current()
        try:
            result = self.session.decide(decision, version)
        except ReviewConflict as err:
            self.console.print(f"[yellow]{escape(err.message)}[/yellow]")
            return False
        except ReproError as err:
            self.console.print(
                f"[red]refused:[/red] {escape(err.message)}"
                + (f"\n  hint: {escape(err.hint)}" if err.hint else "")
            )
            return False
        self.saved += 1
        self.console.print(f"[green]saved version {result.version}[/green]")
        return True

    def edit(self, cut: Cut, comment: str) -> Decision | None:
        current = cut.model_dump(mode="json")
        changes: dict[str, object] = {}
        self.console.print("edit: press Enter to keep a value, '-' to clear it")
        for name in EDIT_FIELDS:
            value = current.get(name)
            shown = (
                ", ".join(f"{v:g}" for v in value)
                if isinstance(value, list)
                else ("" if value is None else value)
            )
            answer = self.ask(f"  {name} [{shown}]: ")
            if answer is None:
                return None
            if answer.strip() == "-":
                changes[name] = ""
            elif answer.strip():
                changes[name] = answer.strip()
        if not changes:
            self.console.print("nothing changed")
            return None
        return Decision(action="edit", cut_id=cut.id, changes=changes, comment=comment)

    def run(self, show_all: bool = False) -> str:
        _, selection = self.session.current()
        sources = SourceFiles(self.session.run_dir, self.papers_dir, selection)
        todo = [c.id for c in selection.all_cuts() if show_all or c.status not in DECIDED]
        self.console.print(
            f"{len(todo)} cut(s) to review in {self.session.run_dir}\n{HELP}", markup=False
        )
        index = 0
        while 0 <= index < len(todo):
            _, selection = self.session.current()
            cut = next((c for c in selection.all_cuts() if c.id == todo[index]), None)
            if cut is None:
                index += 1
                continue
            self.show(cut, index + 1, len(todo), sources)
            step = self.decide_one(cut)
            if step is None:
                return self.summary()
            index = max(0, index + step)
        self.answer_assumptions()
        return self.summary()

    def decide_one(self, cut: Cut) -> int | None:
        """Read commands for ``cut`` until one moves on: +1 next, -1 back, 0 again, None quit."""
        while True:
            line = self.ask("decision> ")
            if line is None:
                return None
            command, _, comment = line.strip().partition(" ")
            if command in {"a", "r"}:
                action: Literal["approve", "reject"] = "approve" if command == "a" else "reject"
                if self.save(Decision(action=action, cut_id=cut.id, comment=comment.strip())):
                    return 1
            elif command == "e":
                decision = self.edit(cut, comment.strip())
                if decision is not None and self.save(decision):
                    return 1
                return 0
            elif command == "s":
                return 1
            elif command == "b":
                return -1
            elif command == "q":
                return None
            else:
                self.console.print(HELP, markup=False)

    def answer_assumptions(self) -> bool:
        """Ask about each open assumption; True when the user quit."""
        _, selection = self.session.current()
        for item in [a for a in selection.assumptions if a.status == "open"]:
            body = escape(f"unstated: {item.unstated}\nchosen:   {item.choice}\n{item.rationale}")
            self.console.print(
                Panel(body, title=escape(f"assumption {item.id}: {item.topic}"), title_align="left")
            )
            answer = self.ask("answer (Enter to skip, q to quit)> ")
            if answer is None or answer.strip() == "q":
                return True
            if answer.strip():
                self.save(Decision(action="answer", assumption_id=item.id, answer=answer.strip()))
        return False

    def summary(self) -> str:
        version, selection = self.session.current()
        pending = sum(c.status not in DECIDED for c in selection.all_cuts())
        return (
            f"{self.saved} decision(s) saved; reviewed list is version {version}; {pending} "
            "cut(s) still undecided"
        )
