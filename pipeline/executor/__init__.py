"""Where an analysis runs: ``local`` (this process, the default) or ``dask`` (a cluster).

An analysis gives :meth:`Executor.map` a function ``process(chunk, segment) -> R`` of one
chunk of canonical events; the executor yields ``(segment, R)`` sorted by (file index,
entry start) and the analysis merges the partial results in that order. The same
``process`` runs in both executors, so the analysis has one source::

    with get_executor("dask", workers=2) as ex:
        for segment, partial in ex.map(dataset, fields, process, step_size=100_000):
            merge(partial)

See docs/scaling.md for measurements and for what a cluster does to sandboxing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.errors import UsageError, closest_names
from pipeline.executor.base import Executor, Partition, PartitionError, Segment, plan_partitions
from pipeline.executor.local import LocalExecutor


def _dask(**options: Any) -> Executor:
    from pipeline.executor.dask_executor import DaskExecutor

    return DaskExecutor(**options)


EXECUTORS: dict[str, Callable[..., Executor]] = {"local": LocalExecutor, "dask": _dask}
DEFAULT = "local"


def get_executor(name: str | None = None, **options: Any) -> Executor:
    """The executor ``name`` (``local`` when None), built with ``options`` (e.g. workers=2)."""
    name = name or DEFAULT
    if name not in EXECUTORS:
        close = closest_names(name, list(EXECUTORS))
        raise UsageError(
            f"unknown executor {name!r}",
            hint=f"closest: {', '.join(close) or '-'}; known: {', '.join(EXECUTORS)}",
        )
    return EXECUTORS[name](**options)


def executor_from_options(
    name: str | None, workers: int | None = None, scheduler: str | None = None
) -> Executor:
    """The executor the CLI flags ``--executor/--workers/--scheduler`` ask for (None: unset)."""
    return get_executor(name, workers=workers, scheduler=scheduler)


__all__ = [
    "DEFAULT",
    "EXECUTORS",
    "Executor",
    "LocalExecutor",
    "Partition",
    "PartitionError",
    "Segment",
    "executor_from_options",
    "get_executor",
    "plan_partitions",
]
