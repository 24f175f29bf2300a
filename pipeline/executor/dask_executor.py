"""The Dask executor: one ``dask.distributed`` task per partition of (file, entry range) segments.

Each task opens its files with uproot, reads exactly its entry ranges, builds canonical
events with the data layer's own code and runs the same ``process`` function the local
executor runs, so an analysis has one source for both. A ``LocalCluster`` is started
unless ``scheduler`` names a running one (``tcp://host:8786``; dask-jobqueue or a
coffea-casa facility hand out such an address). Failed tasks are retried ``retries``
times by the scheduler; a partition failing for good is reported with its files and
entry ranges. Results come back in (file index, entry start) order.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import uproot

from pipeline.data import Dataset
from pipeline.errors import UsageError
from pipeline.executor.base import (
    Partition,
    PartitionError,
    Process,
    ReadSpec,
    Segment,
    SegmentFailed,
    cluster_offsets,
    plan_partitions,
    run_partition,
)

INSTALL_HINT = (
    "install the Dask extra: pip install 'reproduce[dask]' (dask[distributed], dask-awkward)"
)
# seconds for worker processes to start and connect on an idle machine; distributed's own 30 s
# failed a cluster start on a loaded one (process start-up and imports slow down with the load)
STARTUP_TIMEOUT_S = 120.0
STARTUP_TIMEOUT_MAX_S = 900.0


def startup_timeout() -> float:
    """Seconds a cluster may take to start and a connection to open: ``$REPRO_DASK_TIMEOUT``,
    else ``STARTUP_TIMEOUT_S`` times the machine's load per core (at least 1), at most 900 s.
    The load is read when the cluster starts, also inside the sandbox (which passes no env)."""
    raw = os.environ.get("REPRO_DASK_TIMEOUT")
    if raw:
        try:
            value = float(raw)
        except ValueError:
            value = 0.0
        if not value > 0:
            raise UsageError(
                f"REPRO_DASK_TIMEOUT={raw!r} is not a positive number of seconds",
                hint=(
                    "e.g. REPRO_DASK_TIMEOUT=300, or unset it for a timeout that grows with the "
                    "load"
                ),
            )
        return value
    try:
        load = os.getloadavg()[0] / (os.cpu_count() or 1)
    except OSError:  # no load average on this platform
        load = 1.0
    return min(STARTUP_TIMEOUT_S * max(1.0, load), STARTUP_TIMEOUT_MAX_S)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as err:
        raise UsageError("the dask executor needs dask.distributed", hint=INSTALL_HINT) from err
    return distributed


class DaskExecutor:
    """Partitions of ``partition_events`` events (default: the ``step_size`` in events) as tasks."""

    name = "dask"

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        *,
        processes: bool = True,
        threads_per_worker: int = 1,
        retries: int = 2,
        partition_events: int | None = None,
        progress: bool = True,
        connect_timeout: str | None = None,
        align: bool = True,
    ) -> None:
        if workers is not None and workers < 1:
            raise UsageError(f"--workers must be at least 1, not {workers}")
        if scheduler is not None and workers is not None:
            raise UsageError(
                "--workers and --scheduler exclude each other",
                hint="an existing cluster has its own workers; pass one of them",
            )
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self.scheduler = scheduler
        self.processes = processes
        self.threads_per_worker = threads_per_worker
        self.retries = retries
        self.partition_events = partition_events
        self.progress = progress
        self.connect_timeout = connect_timeout
        self.align = align  # cut partitions at basket boundaries (see plan_partitions)
        self.client: Any = None
        self.cluster: Any = None
        self.last_partitions = 0
        self._timeouts: Any = None  # dask.config.set(...) in force while the cluster runs

    def start(self) -> None:
        if self.client is not None:
            return
        distributed = _distributed()
        self._set_timeouts()
        try:
            self._start(distributed)
        except BaseException:
            self.close()
            raise

    def _set_timeouts(self) -> None:
        """distributed's connect/tcp timeouts (also shipped to the workers with the config), for as
        long as this executor runs; restored by close()."""
        import dask

        seconds = f"{startup_timeout():.0f}s"
        self.connect_timeout = self.connect_timeout or seconds
        self._timeouts = dask.config.set(
            {"distributed.comm.timeouts.connect": seconds, "distributed.comm.timeouts.tcp": seconds}
        )

    def _start(self, distributed: Any) -> None:
        if self.scheduler:
            try:
                self.client = distributed.Client(self.scheduler, timeout=self.connect_timeout)
            except (OSError, TimeoutError) as err:
                raise UsageError(
                    f"cannot reach the Dask scheduler at {self.scheduler}: {err}",
                    hint="check the address (tcp://HOST:8786) and that the scheduler runs",
                ) from err
            return
        import dask

        # distributed sets MALLOC_TRIM_THRESHOLD_=65536 in worker processes; that fixes glibc's
        # mmap threshold, so every large awkward/numpy buffer is a fresh mmap and page faults
        # cost ~50% more CPU per event here (docs/scaling.md). glibc's default adapts instead.
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
            self.cluster = distributed.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=self.threads_per_worker,
                processes=self.processes,
                dashboard_address=":0",
                silence_logs=50,
            )
        self.client = distributed.Client(self.cluster)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None
        if self._timeouts is not None:
            self._timeouts.__exit__(None, None, None)
            self._timeouts = None

    def __enter__(self) -> DaskExecutor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def partition_size(self, dataset: Dataset, spec: ReadSpec, step_size: int | str) -> int:
        if self.partition_events:
            return self.partition_events
        if isinstance(step_size, int):
            return step_size
        # a memory size ("50 MB"): uproot's own conversion for these branches of the first file
        tree = uproot.open({dataset.infos[0].path: spec.schema.tree})
        try:
            return max(1, int(tree.num_entries_for(step_size, filter_name=list(spec.branches))))
        finally:
            tree.file.close()

    def map(
        self,
        dataset: Dataset,
        fields: Iterable[str] | None,
        process: Process,
        *,
        step_size: int | str,
    ) -> Iterator[tuple[Segment, Any]]:
        spec = ReadSpec.of(dataset, None if fields is None else list(fields))
        clusters = cluster_offsets(dataset, spec) if self.align else None
        parts = plan_partitions(dataset, self.partition_size(dataset, spec, step_size), clusters)
        self.last_partitions = len(parts)  # for reports and benchmarks
        self.start()
        futures = self.client.map(
            run_partition,
            [spec] * len(parts),
            parts,
            [process] * len(parts),
            retries=self.retries,
            pure=False,
        )
        owner = {f.key: p for f, p in zip(futures, parts, strict=True)}
        done: dict[int, list[tuple[Segment, Any]]] = {}
        try:
            for future in self._completed(futures, dataset.n_events):
                part = owner[future.key]
                if future.status != "finished":
                    raise self._failure(part, future)
                done[part.index] = future.result()
        finally:
            self.client.cancel(futures)
        results = [pair for index in sorted(done) for pair in done[index]]
        yield from sorted(results, key=lambda pair: (pair[0].file_index, pair[0].start))

    def _completed(self, futures: list[Any], total: int) -> Iterator[Any]:
        distributed = _distributed()
        if not self.progress:
            yield from distributed.as_completed(futures)
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        columns = (
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=Console(file=sys.stderr), transient=False) as bar:
            task = bar.add_task(f"dask: {total} events", total=len(futures))
            for future in distributed.as_completed(futures):
                bar.advance(task)
                yield future

    def _failure(self, part: Partition, future: Any) -> PartitionError:
        err = future.exception()
        attempts = self.retries + 1
        if isinstance(err, SegmentFailed):
            bad = Partition(part.index, (err.segment,))
            return PartitionError(bad, err.detail, attempts=attempts)
        # the worker itself died (KilledWorker) or the task never ran: the whole partition
        return PartitionError(part, f"{type(err).__name__}: {err}", attempts=attempts)
