"""A review session over one run directory: versions, saves, the audit log.

Layout inside the run directory::

    selection.extracted.json     what the extractor produced (never changed here)
    selection.reviewed.json      the latest reviewed version (replaced atomically on each save)
    review/selection.vNNN.json   every saved version, N = 1, 2, ...
    review/review_log.jsonl      one line per decision: who, when, what, before, after, comment

A save names the version it was based on; when another save happened in between, the save
is refused (:class:`ReviewConflict`) instead of silently overwriting that other edit. A file
lock makes the check-and-write atomic across threads and processes (web + terminal at once).
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.errors import ReproError, SelectionError
from pipeline.io import write_bytes_atomic, write_json_atomic
from pipeline.review.decisions import Decision, apply_decision
from pipeline.rundir import RunDir
from pipeline.selection.models import BoundingBox, SelectionList
from pipeline.selection.store import load_selection, selection_json

EXTRACTED = RunDir.EXTRACTED
REVIEWED = RunDir.REVIEWED
LOG = "review_log.jsonl"
VERSION_FILE = re.compile(r"^selection\.v(\d{3,})\.json$")
_THREAD_LOCK = threading.Lock()


class ReviewConflict(ReproError):
    """A save was based on a version that is no longer the latest (someone else saved first)."""

    exit_code = 3

    def __init__(self, base_version: int, current_version: int) -> None:
        super().__init__(
            f"the reviewed list changed since you loaded it (you had version {base_version}, "
            f"it is now version {current_version}); your change was not saved",
            hint="reload the list, check the other reviewer's change, and decide again",
        )
        self.base_version = base_version
        self.current_version = current_version


@dataclass(frozen=True)
class SaveResult:
    version: int
    selection: SelectionList
    entry: dict[str, Any]


def default_reviewer() -> str:
    return os.environ.get("REPRO_REVIEWER") or getpass.getuser()


def read_selection(path: Path) -> SelectionList:
    """A selection list file checked against the schema and models (SelectionError naming the
    file)."""
    return load_selection(path, check=False)


class ReviewSession:
    """Loads and saves the reviewed selection list of one run."""

    def __init__(self, run_dir: Path, reviewer: str | None = None) -> None:
        self.run_dir = Path(run_dir)
        self.review_dir = self.run_dir / "review"
        self.reviewer = reviewer or default_reviewer()
        if not (self.extracted_path.is_file() or self.reviewed_path.is_file()):
            raise SelectionError(
                f"{self.run_dir} has no {EXTRACTED} to review",
                hint="run `reproduce extract PAPER` first",
            )

    @property
    def extracted_path(self) -> Path:
        return self.run_dir / EXTRACTED

    @property
    def reviewed_path(self) -> Path:
        return self.run_dir / REVIEWED

    @property
    def log_path(self) -> Path:
        return self.review_dir / LOG

    def version(self) -> int:
        """The number of saved versions (0: nothing reviewed yet, the extracted list is current)."""
        if not self.review_dir.is_dir():
            return 0
        numbers = [
            int(m.group(1)) for p in self.review_dir.iterdir() if (m := VERSION_FILE.match(p.name))
        ]
        return max(numbers, default=0)

    def _latest(self, version: int) -> Path:
        """The file holding version ``version``: the reviewed list, or, if someone deleted it, the
        last saved version (so a save never silently restarts from the extracted list)."""
        if self.reviewed_path.is_file():
            return self.reviewed_path
        if version > 0:
            return self.review_dir / f"selection.v{version:03d}.json"
        return self.extracted_path

    def extracted(self) -> SelectionList:
        path = self.extracted_path if self.extracted_path.is_file() else self.reviewed_path
        return read_selection(path)

    def current(self) -> tuple[int, SelectionList]:
        """The latest version number and list (the reviewed one, else the extracted one)."""
        with self._locked():
            version = self.version()
            path = self._latest(version)
            return version, read_selection(path)

    def log(self) -> list[dict[str, Any]]:
        if not self.log_path.is_file():
            return []
        lines = self.log_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.review_dir.mkdir(parents=True, exist_ok=True)
        with _THREAD_LOCK, open(self.review_dir / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def decide(
        self, decision: Decision, base_version: int, *, who: str | None = None, locate: Any = None
    ) -> SaveResult:
        """Apply one decision on top of ``base_version`` and save it as the next version.

        ``locate(quote, page) -> (page, [BoundingBox])`` fills the bounding box of an added cut.
        Raises ReviewConflict when ``base_version`` is stale, SelectionError/UsageError when the
        decision is invalid; in both cases nothing is written.
        """
        with self._locked():
            version = self.version()
            if base_version != version:
                raise ReviewConflict(base_version, version)
            path = self._latest(version)
            selection = read_selection(path)
            new, before, after = apply_decision(selection, decision, selection.paper.id)
            if decision.action == "add" and locate is not None:
                after = self._place_added(new, decision, locate)
            new = new.model_copy(update={"producer": "review"})
            entry = self._entry(decision, who, before, after, version + 1)
            self._write(new, entry, version + 1)
            return SaveResult(version + 1, new, entry)

    @staticmethod
    def _place_added(selection: SelectionList, decision: Decision, locate: Any) -> dict[str, Any]:
        cut = next(c for c in selection.all_cuts() if c.id == decision.cut_id)
        page, boxes = locate(decision.quote, decision.page)
        if cut.provenance is not None and boxes:
            cut.provenance.page = page
            cut.provenance.bbox = [BoundingBox.model_validate(b) for b in boxes]
        return cut.model_dump(mode="json")

    def _entry(
        self, decision: Decision, who: str | None, before: Any, after: Any, version: int
    ) -> dict[str, Any]:
        return {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "who": who or self.reviewer,
            "action": decision.action,
            "cut": decision.cut_id if decision.action != "answer" else None,
            "assumption": decision.assumption_id if decision.action == "answer" else None,
            "before": before,
            "after": after,
            "comment": decision.comment,
            "version": version,
        }

    def _write(self, selection: SelectionList, entry: dict[str, Any], version: int) -> None:
        """Version file, then the reviewed list, then the log line; a failure undoes the version
        file."""
        data = selection_json(selection)
        version_path = self.review_dir / f"selection.v{version:03d}.json"
        previous = self.reviewed_path.read_bytes() if self.reviewed_path.is_file() else None
        write_json_atomic(version_path, data)
        try:
            write_json_atomic(self.reviewed_path, data)
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            version_path.unlink(missing_ok=True)
            if previous is None:
                self.reviewed_path.unlink(missing_ok=True)
            else:
                write_bytes_atomic(self.reviewed_path, previous)
            raise
