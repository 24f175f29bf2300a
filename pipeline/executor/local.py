"""The default executor: this process, chunked uproot iteration file by file (as before)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.data import Dataset
from pipeline.errors import ReproError, UsageError
from pipeline.executor.base import Partition, PartitionError, Process, Segment


class LocalExecutor:
    """Reads through :meth:`Dataset.iterate`, so chunks (and results) are the pre-executor ones."""

    name = "local"

    def __init__(self, **options: Any) -> None:
        unknown = sorted(k for k, v in options.items() if v is not None)
        if unknown:
            raise UsageError(
                f"the local executor takes no {', '.join(unknown)}",
                hint="use --executor dask for workers or a scheduler",
            )

    def start(self) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> LocalExecutor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(
        self,
        dataset: Dataset,
        fields: Iterable[str] | None,
        process: Process,
        *,
        step_size: int | str,
    ) -> Iterator[tuple[Segment, Any]]:
        fields = None if fields is None else list(fields)
        for index, info in enumerate(dataset.infos):
            one = Dataset(release=dataset.release, schema=dataset.schema, infos=[info])
            start = 0
            for chunk in one.iterate(fields, step_size=step_size):
                seg = Segment(index, start, start + len(chunk), info.path)
                start = seg.stop
                try:
                    result = process(chunk, seg)
                except ReproError:
                    raise
                except Exception as err:  # the same report as a failed Dask partition
                    raise PartitionError(
                        Partition(index, (seg,)),
                        f"{type(err).__name__}: {err}",
                        hint=(
                            "the analysis code failed on these entries; the traceback above "
                            "shows where"
                        ),
                    ) from err
                yield seg, result
