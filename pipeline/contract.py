"""The output contract shared by hand-written baselines and generated analysis code.

An analysis run writes, into its output directory:

* ``events.csv`` - the selected events, one line each, sorted by (dsid, run, event):
  ``run,event,dsid,channel,m4l,weight``. An event is identified by (dsid, run, event):
  simulated samples share run numbers and reuse event numbers, so (run, event) alone
  is not unique across samples. ``dsid`` is the sample's dataset id (``channel_number``;
  0 where the data do not say). ``m4l`` is the analysis' main observable in GeV,
  printed with 6 decimals; ``weight`` with 9 significant digits;
* ``cutflow.json`` - a :class:`Cutflow`: events after each step, raw and weighted,
  with steps that the dataset cannot express marked ``applicable: false``;
* ``histograms.json`` - named 1D histograms (edges, counts, variances);
* ``regions.json`` (lists with regions) - a :class:`Regions`: each region's own cutflow, from
  the events entering it (after the cutflow, or after its base region) through its cuts;
* ``observables.csv`` (lists declaring observables) - every declared observable per selected
  event and region, long form ``region,observable,dsid,run,event,item,value,weight``: one
  line per value (``item`` numbers the objects of a per-object quantity, 0 for one number
  per event), sorted by region and observable (as declared), then (dsid, run, event, item);
  the cutflow is the region ``selection``. Their histograms are in ``histograms.json`` as
  ``<region>/<observable>``;
* ``result.json`` - a :class:`AnalysisResult` summary, written last: its presence
  says the other files are complete. Inputs are named by file name and sha256, never by
  path, so a result does not depend on how or from where the files were reached.

Same inputs, same bytes: everything is written with :mod:`pipeline.io`.
"""

from __future__ import annotations

import csv
import io as _io
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath
from typing import Final, Literal, NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.errors import DataError
from pipeline.io import write_json_atomic, write_text_atomic

CONTRACT_VERSION: Final = "1.0.0"
EVENT_COLUMNS = ("run", "event", "dsid", "channel", "m4l", "weight")
LEGACY_EVENT_COLUMNS = ("run", "event", "channel", "m4l", "weight")  # before dsid; read as dsid 0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


REGIONS_VERSION: Final = "1.1.0"
OBSERVABLE_COLUMNS = ("region", "observable", "dsid", "run", "event", "item", "value", "weight")


class CutflowStep(_Model):
    id: str
    description: str = ""
    raw: int = Field(ge=0)
    weighted: float
    applicable: bool = True
    reason: str | None = Field(None, description="why the step is not applicable, if it is not")


class Cutflow(_Model):
    contract_version: Literal["1.0.0"] = CONTRACT_VERSION
    producer: str = Field(description="baseline:<name> or generated:<selection sha256 prefix>")
    steps: list[CutflowStep]

    def step(self, step_id: str) -> CutflowStep | None:
        return next((s for s in self.steps if s.id == step_id), None)


class RegionCutflow(_Model):
    name: str
    base: str | None = Field(description="the region it builds on; none = the cutflow")
    steps: list[CutflowStep] = Field(description="the events entering, then after each cut")

    @property
    def selected(self) -> CutflowStep:
        return self.steps[-1]


class Regions(_Model):
    contract_version: Literal["1.1.0"] = REGIONS_VERSION
    producer: str
    regions: list[RegionCutflow]

    def region(self, name: str) -> RegionCutflow | None:
        return next((r for r in self.regions if r.name == name), None)


class ObservableValue(NamedTuple):
    """One value of a declared observable for one selected event (one line of observables.csv)."""

    region: str
    observable: str
    dsid: int
    run: int
    event: int
    item: int
    value: float
    weight: float


class InputFile(_Model):
    path: str = Field(
        description="in a result: the file's name (a URL as is); the sha256 says which file"
    )
    sha256: str
    release: str
    synthetic: bool = False
    events: int = Field(ge=0)


class Histogram1D(_Model):
    name: str
    label: str
    edges: list[float]
    counts: list[float]
    variances: list[float]

    @classmethod
    def filled(
        cls,
        name: str,
        label: str,
        edges: Sequence[float] | np.ndarray,
        values: np.ndarray,
        weights: np.ndarray | None = None,
    ) -> Histogram1D:
        """``values`` binned in ``edges``: weighted counts and their variances (the sum of the
        squared weights; unweighted: the counts)."""
        w = np.ones(len(values)) if weights is None else weights
        counts, _ = np.histogram(values, bins=edges, weights=w)
        variances, _ = np.histogram(values, bins=edges, weights=w**2)
        return cls(
            name=name,
            label=label,
            edges=[float(x) for x in edges],
            counts=[round(float(c), 9) for c in counts],
            variances=[round(float(c), 9) for c in variances],
        )


def recorded_name(path: str) -> str:
    """How a result names an input: the file name, or a URL as given.

    The same files reached through another spelling (relative, absolute, a symlinked
    directory, another checkout) must give the same result bytes; the sha256 beside the
    name says which file it was. Where the files were read is the run's business
    (``manifest.json``), not the analysis'.
    """
    return path if "://" in path else PurePath(path).name


class AnalysisResult(_Model):
    contract_version: Literal["1.0.0"] = CONTRACT_VERSION
    producer: str
    inputs: list[InputFile] = Field(
        description="the files read, by name and sha256 (see recorded_name)"
    )
    n_input: int
    n_selected: int
    weighted_selected: float
    channels: dict[str, int]
    not_applicable: list[str] = Field(
        default_factory=list, description="ids of steps not applicable"
    )
    warnings: list[str] = Field(default_factory=list)
    synthetic: bool = Field(False, description="true when any input is synthetic")

    @field_validator("inputs")
    @classmethod
    def _names_not_paths(cls, inputs: list[InputFile]) -> list[InputFile]:
        return [f.model_copy(update={"path": recorded_name(f.path)}) for f in inputs]


class SelectedEvent(_Model):
    run: int
    event: int
    dsid: int = Field(0, description="dataset id (channel_number) of the sample; 0 when unknown")
    channel: str
    m4l: float
    weight: float


class EventRow(NamedTuple):
    """A selected event as a plain tuple, for producers writing 10^5+ rows: same fields as
    :class:`SelectedEvent`, without per-row pydantic construction (which dominated them)."""

    run: int
    event: int
    dsid: int
    channel: str
    m4l: float
    weight: float


def event_key(e: SelectedEvent | EventRow) -> tuple[int, int, int]:
    """What identifies an event across samples: (dsid, run, event)."""
    return (e.dsid, e.run, e.event)


def events_to_csv(events: Iterable[SelectedEvent | EventRow]) -> str:
    rows = sorted(events, key=event_key)
    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS)
    for e in rows:
        writer.writerow([e.run, e.event, e.dsid, e.channel, f"{e.m4l:.6f}", f"{e.weight:.9g}"])
    return out.getvalue()


def read_events(path: str | Path) -> list[SelectedEvent]:
    path = Path(path)
    try:
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) not in (EVENT_COLUMNS, LEGACY_EVENT_COLUMNS):
                raise DataError(
                    f"{path}: columns {reader.fieldnames} are not the contract's "
                    f"{list(EVENT_COLUMNS)}",
                    path=str(path),
                )
            return [SelectedEvent.model_validate(row) for row in reader]
    except OSError as err:
        raise DataError(f"cannot read selected events {path}: {err}", path=str(path)) from err


def observables_to_csv(values: Iterable[ObservableValue], order: Sequence[str] = ()) -> str:
    """observables.csv: sorted by region and observable (in ``order``, names of the form
    ``region/observable``; others after them by name), then (dsid, run, event, item)."""
    rank = {name: i for i, name in enumerate(order)}

    def key(v: ObservableValue) -> tuple[int, str, str, int, int, int, int]:
        name = f"{v.region}/{v.observable}"
        return (rank.get(name, len(rank)), v.region, v.observable, v.dsid, v.run, v.event, v.item)

    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OBSERVABLE_COLUMNS)
    for v in sorted(values, key=key):
        writer.writerow([*v[:6], f"{v.value:.9g}", f"{v.weight:.9g}"])
    return out.getvalue()


def read_observables(path: str | Path) -> list[ObservableValue]:
    """The values of observables.csv; an empty list when the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return []
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        head = tuple(next(reader, ()))
        if head != OBSERVABLE_COLUMNS:
            raise DataError(
                f"{path}: columns {list(head)} are not the contract's {list(OBSERVABLE_COLUMNS)}",
                path=str(path),
            )
        try:
            return [
                ObservableValue(
                    r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5]), float(r[6]), float(r[7])
                )
                for r in reader
            ]
        except (ValueError, IndexError) as err:
            raise DataError(f"{path}: a line is not region,observable,...: {err}") from err


def read_regions(outdir: str | Path) -> Regions | None:
    """The regions' cutflows of an output directory; None when the analysis has no regions."""
    path = Path(outdir) / "regions.json"
    return Regions.model_validate_json(path.read_text()) if path.is_file() else None


def write_outputs(
    outdir: str | Path,
    *,
    events: Iterable[SelectedEvent | EventRow],
    cutflow: Cutflow,
    histograms: Sequence[Histogram1D],
    result: AnalysisResult,
    regions: Regions | None = None,
    observables: Sequence[ObservableValue] | None = None,
    observable_order: Sequence[str] = (),
) -> Path:
    """Write the contract files; ``result.json`` last, so its presence means complete.

    ``regions.json`` and ``observables.csv`` are written when given and removed when not
    (a file left by an earlier run into the same directory would be read as this run's)."""
    out = Path(outdir)
    (out / "result.json").unlink(missing_ok=True)
    write_text_atomic(out / "events.csv", events_to_csv(events))
    write_json_atomic(out / "cutflow.json", cutflow.model_dump(mode="json"))
    write_json_atomic(
        out / "histograms.json", {h.name: h.model_dump(mode="json") for h in histograms}
    )
    if regions is None:
        (out / "regions.json").unlink(missing_ok=True)
    else:
        write_json_atomic(out / "regions.json", regions.model_dump(mode="json"))
    if observables is None:
        (out / "observables.csv").unlink(missing_ok=True)
    else:
        write_text_atomic(
            out / "observables.csv", observables_to_csv(observables, observable_order)
        )
    write_json_atomic(out / "result.json", result.model_dump(mode="json"))
    return out


def read_outputs(outdir: str | Path) -> tuple[list[SelectedEvent], Cutflow, AnalysisResult]:
    """Read a complete output directory; a directory without ``result.json`` is incomplete."""
    out = Path(outdir)
    if not (out / "result.json").is_file():
        raise DataError(
            f"{out} holds no complete analysis output (result.json missing)",
            hint="the run that wrote it failed or was interrupted; run it again",
        )
    cutflow = Cutflow.model_validate_json((out / "cutflow.json").read_text())
    result = AnalysisResult.model_validate_json((out / "result.json").read_text())
    return read_events(out / "events.csv"), cutflow, result
