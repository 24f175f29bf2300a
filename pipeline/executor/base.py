"""What every executor shares: segments and partitions of a dataset, reading one, errors.

An analysis hands an executor ``process(chunk, segment) -> R``: a pure function of one
chunk of canonical events (and where it came from) returning a small, picklable partial
result. The executor yields ``(segment, R)`` pairs sorted by (file index, entry start),
so the caller merges them in the same order whatever ran where; that order is what
makes event lists identical across executors and partitionings.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import awkward as ak
import uproot

from pipeline.data import Dataset, Schema
from pipeline.data.build import build_events
from pipeline.errors import DataError

R = TypeVar("R")
Process = Callable[[ak.Array, "Segment"], Any]


@dataclass(frozen=True, order=True)
class Segment:
    """Entries ``[start, stop)`` of file number ``file_index`` of the dataset."""

    file_index: int
    start: int
    stop: int
    path: str = ""

    def __str__(self) -> str:
        return f"{self.path} entries {self.start}-{self.stop}"


@dataclass(frozen=True)
class Partition:
    """One task: consecutive segments (a partition straddling files has several)."""

    index: int
    segments: tuple[Segment, ...]

    def __str__(self) -> str:
        return "; ".join(map(str, self.segments))


class PartitionError(DataError):
    """A partition failed (after its retries); names the file(s) and entry range(s)."""

    def __init__(
        self,
        partition: Partition,
        detail: str,
        *,
        attempts: int = 1,
        hint: str = "rerun with --executor local to debug this entry range in one process",
    ) -> None:
        first = partition.segments[0]
        super().__init__(
            f"partition {partition.index} ({partition}) failed after {attempts} "
            f"attempt(s): {detail}",
            path=first.path,
            hint=hint,
        )
        self.partition = partition
        self.detail = detail


class SegmentFailed(Exception):  # noqa: N818 - travels back from workers; positional args pickle
    """Raised inside a task: plain positional args so it pickles back from any worker."""

    def __init__(self, segment: Segment, detail: str) -> None:
        super().__init__(segment, detail)
        self.segment = segment
        self.detail = detail


def plan_partitions(
    dataset: Dataset, events_per_partition: int, clusters: Sequence[Sequence[int]] | None = None
) -> list[Partition]:
    """Cut the dataset, files laid end to end, into partitions of ``events_per_partition``.

    With ``clusters`` (per file, the sorted entry offsets where every branch starts a new
    basket, ``0`` and the entry count included) each cut moves forward to the next such
    offset, so no basket is read by two tasks (as uproot.dask partitions); partitions then
    hold at least ``events_per_partition`` events (the last may hold fewer).
    """
    if events_per_partition < 1:
        raise DataError(f"partition size must be at least 1 event, not {events_per_partition}")
    parts: list[Partition] = []
    current: list[Segment] = []
    room = events_per_partition
    for index, info in enumerate(dataset.infos):
        bounds = clusters[index] if clusters is not None else None
        start = 0
        while start < info.entries:
            stop = min(info.entries, start + room)
            if bounds is not None:
                stop = bounds[bisect_left(bounds, stop)] if stop < bounds[-1] else info.entries
            current.append(Segment(index, start, stop, info.path))
            room -= stop - start
            start = stop
            if room <= 0:
                parts.append(Partition(len(parts), tuple(current)))
                current, room = [], events_per_partition
    if current:
        parts.append(Partition(len(parts), tuple(current)))
    return parts


def cluster_offsets(dataset: Dataset, spec: ReadSpec) -> list[list[int]]:
    """Per file, the entry offsets where all the branches read start a basket together."""
    out = []
    for info in dataset.infos:
        tree = uproot.open({info.path: spec.schema.tree})
        try:
            offsets = [int(x) for x in tree.common_entry_offsets(filter_name=list(spec.branches))]
        finally:
            tree.file.close()
        out.append(sorted({0, *offsets, info.entries}))
    return out


@dataclass(frozen=True)
class ReadSpec:
    """Everything a worker needs to read a segment as canonical events (small, picklable)."""

    schema: Schema
    branches: tuple[str, ...]
    events: frozenset[str]
    wanted: tuple[tuple[str, frozenset[str]], ...]
    synthetic: tuple[bool, ...]

    @classmethod
    def of(cls, dataset: Dataset, fields: Iterable[str] | None) -> ReadSpec:
        # Dataset._plan is the reader's own field -> branch resolution; reusing it keeps one
        # definition of what a field reads (and its error messages) for every executor.
        events, wanted, branches = dataset._plan(fields)
        return cls(
            schema=dataset.schema,
            branches=tuple(sorted(branches)),
            events=frozenset(events),
            wanted=tuple(sorted((k, frozenset(v)) for k, v in wanted.items())),
            synthetic=tuple(i.synthetic for i in dataset.infos),
        )

    def read(self, tree: Any, segment: Segment) -> ak.Array:
        raw = tree.arrays(
            list(self.branches), entry_start=segment.start, entry_stop=segment.stop, library="ak"
        )
        return build_events(
            raw,
            self.schema,
            set(self.events),
            {k: set(v) for k, v in self.wanted},
            synthetic=self.synthetic[segment.file_index],
        )


def run_partition(
    spec: ReadSpec, partition: Partition, process: Process
) -> list[tuple[Segment, Any]]:
    """Read and process each segment of one partition (the body of a Dask task)."""
    out: list[tuple[Segment, Any]] = []
    handles: dict[str, Any] = {}
    try:
        for seg in partition.segments:
            try:
                if seg.path not in handles:
                    handles[seg.path] = uproot.open({seg.path: spec.schema.tree})
                chunk = spec.read(handles[seg.path], seg)
                out.append((seg, process(chunk, seg)))
            except SegmentFailed:
                raise
            except Exception as err:  # anything: reported with its file and entry range
                raise SegmentFailed(seg, f"{type(err).__name__}: {err}") from err
    finally:
        for handle in handles.values():
            handle.file.close()
    return out


class Executor(Protocol):
    """Runs ``process`` over a dataset; yields results sorted by (file index, entry start)."""

    name: str

    def start(self) -> None: ...

    def close(self) -> None: ...

    def map(
        self,
        dataset: Dataset,
        fields: Iterable[str] | None,
        process: Process,
        *,
        step_size: int | str,
    ) -> Iterator[tuple[Segment, Any]]: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...
