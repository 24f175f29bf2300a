"""Synthetic ATLAS-open-data-like samples, written in the real 2025 (or 2020) schema.

No simulated open-data ntuples are available offline, so these stand in for them.
They are labelled synthetic everywhere: the file name starts with ``synthetic_``, each
file holds a ``synthetic`` TObjString with the generator settings (JSON), and the
reader sets ``InputFile.synthetic``. Generation is seeded and chunked (fixed chunk
size, one seed stream per process and chunk), so the same seed gives the same arrays
whatever the machine, and 10 million events fit in memory chunk by chunk.

Normalisation: ``sum_of_weights`` (2025) / ``SumWeights`` (2020) is set to
``events written x <mcWeight> / skim efficiency``, so the weighted yields are those of
a 4-lepton skim of the real cross sections at the release luminosity.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import shutil
import tempfile
import threading
import types
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import awkward as ak
import numpy as np
import uproot
from pydantic import BaseModel, ConfigDict

from pipeline.data.synthetic_detector import reconstruct
from pipeline.data.synthetic_physics import GENERATORS
from pipeline.errors import UsageError

CHUNK = 100_000
MC_RUN = 284500


class Process(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dsid_2025: int
    name_2025: str
    dsid_2020: int
    name_2020: str
    xsec_pb: float
    kfac: float = 1.0
    filteff: float = 1.0
    skim_eff: float
    neg_fraction: float = 0.0

    @property
    def mean_weight(self) -> float:
        """The expected mcWeight given the sign flips of ``reconstruct``."""
        return 1.0 - 2.0 * self.neg_fraction


PROCESSES: dict[str, Process] = {
    "ggH125_ZZ4lep": Process(
        dsid_2025=345060,
        name_2025="PowhegPythia8EvtGen_NNLOPS_ggH125_ZZ4l",
        dsid_2020=345060,
        name_2020="ggH125_ZZ4lep",
        xsec_pb=0.0060239,
        skim_eff=0.165,
    ),
    "ZZ": Process(
        dsid_2025=700600,
        name_2025="Sh_2212_llll",
        dsid_2020=363490,
        name_2020="llll",
        xsec_pb=1.2578,
        skim_eff=0.022,
        neg_fraction=0.03,
    ),
    "Zjets": Process(
        dsid_2025=700320,
        name_2025="Sh_2211_Zll",
        dsid_2020=361106,
        name_2020="Zll",
        xsec_pb=1950.53,
        skim_eff=9e-6,
        neg_fraction=0.05,
    ),
    "ttbar": Process(
        dsid_2025=410470,
        name_2025="PhPy8EG_A14_ttbar_nonallhad",
        dsid_2020=410000,
        name_2020="ttbar_lep",
        xsec_pb=452.69,
        skim_eff=4.4e-5,
    ),
}


def _lep_order(leptons: dict[str, ak.Array], release: str) -> ak.Array:
    if release == "2025":  # grouped: electrons first, then muons, arbitrary order inside a group
        return ak.argsort(leptons["flavour"] * 10 + leptons["order_key"], axis=1)
    return ak.argsort(leptons["pt"], axis=1, ascending=False)


def _f4(x: object) -> object:
    return ak.values_astype(x, np.float32) if isinstance(x, ak.Array) else np.asarray(x, np.float32)


def _branches_2025(block: dict, proc: Process, events: np.ndarray, n_total: int) -> dict:
    ev, lep, jets, ph = block["event"], block["leptons"], block["jets"], block["photons"]
    order = _lep_order(lep, "2025")
    lep = {k: v[order] for k, v in lep.items()}
    n = len(events)
    sumw = n_total * proc.mean_weight / proc.skim_eff
    return {
        "runNumber": np.full(n, MC_RUN, np.uint32),
        "eventNumber": events.astype(np.uint64),
        "channelNumber": np.full(n, proc.dsid_2025, np.uint32),
        "mcWeight": _f4(ev["mc_weight"]),
        "ScaleFactor_PILEUP": _f4(ev["sf_pileup"]),
        "ScaleFactor_ELE": _f4(ev["sf_ele"]),
        "ScaleFactor_MUON": _f4(ev["sf_muon"]),
        "ScaleFactor_LepTRIGGER": _f4(ev["sf_trigger"]),
        "xsec": np.full(n, proc.xsec_pb, np.float32),
        "filteff": np.full(n, proc.filteff, np.float32),
        "kfac": np.full(n, proc.kfac, np.float32),
        "sum_of_weights": np.full(n, sumw),
        "num_events": np.full(n, float(n_total)),
        "trigE": ev["trig_e"],
        "trigM": ev["trig_m"],
        "trigDE": ev["trig_ee"],
        "trigDM": ev["trig_mm"],
        "trigML": ev["trig_em"],
        "met": _f4(ev["met"]),
        "met_phi": _f4(ev["met_phi"]),
        "lep_n": ak.to_numpy(ak.num(lep["pt"])).astype(np.int32),
        "lep": ak.zip(
            {
                "pt": _f4(lep["pt"]),
                "eta": _f4(lep["eta"]),
                "phi": _f4(lep["phi"]),
                "e": _f4(lep["e"]),
                "charge": ak.values_astype(lep["charge"], np.int32),
                "type": ak.values_astype(lep["flavour"], np.int32),
                "z0": _f4(lep["z0"]),
                "d0": _f4(lep["d0"]),
                "d0sig": _f4(lep["d0sig"]),
                "ptvarcone30": _f4(lep["ptcone30"]),
                "topoetcone20": _f4(lep["etcone20"]),
                "isLooseID": lep["id_loose"],
                "isMediumID": lep["id_medium"],
                "isTightID": lep["id_tight"],
                "isLooseIso": lep["iso_loose"],
                "isTightIso": lep["iso_tight"],
                "isTrigMatched": lep["trig_matched"],
            }
        ),
        "jet_n": ak.to_numpy(ak.num(jets["pt"])).astype(np.int32),
        "jet": ak.zip(
            {
                "pt": _f4(jets["pt"]),
                "eta": _f4(jets["eta"]),
                "phi": _f4(jets["phi"]),
                "e": _f4(jets["e"]),
                "btag_quantile": jets["btag"],
                "jvt": jets["jvt"],
            }
        ),
        "photon_n": ak.to_numpy(ak.num(ph["pt"])).astype(np.int32),
        "photon": ak.zip(
            {
                "pt": _f4(ph["pt"]),
                "eta": _f4(ph["eta"]),
                "phi": _f4(ph["phi"]),
                "e": _f4(ph["e"]),
                "isLooseID": ph["id_loose"],
                "isTightID": ph["id_tight"],
                "isLooseIso": ph["iso_loose"],
                "isTightIso": ph["iso_tight"],
            }
        ),
    }


def _branches_2020(block: dict, proc: Process, events: np.ndarray, n_total: int) -> dict:
    ev, lep, jets, ph = block["event"], block["leptons"], block["jets"], block["photons"]
    order = _lep_order(lep, "2020")
    lep = {k: v[order] for k, v in lep.items()}
    n = len(events)
    mev = lambda x: _f4(x * 1000.0)  # noqa: E731  (the 2020 release is in MeV)
    return {
        "runNumber": np.full(n, MC_RUN, np.int32),
        "eventNumber": events.astype(np.int32),
        "channelNumber": np.full(n, proc.dsid_2020, np.int32),
        "mcWeight": _f4(ev["mc_weight"]),
        "scaleFactor_PILEUP": _f4(ev["sf_pileup"]),
        "scaleFactor_ELE": _f4(ev["sf_ele"]),
        "scaleFactor_MUON": _f4(ev["sf_muon"]),
        "scaleFactor_LepTRIGGER": _f4(ev["sf_trigger"]),
        "XSection": np.full(n, proc.xsec_pb * proc.kfac * proc.filteff, np.float32),
        "SumWeights": np.full(n, n_total * proc.mean_weight / proc.skim_eff, np.float32),
        "trigE": ev["trig_e"],
        "trigM": ev["trig_m"],
        "met_et": mev(ev["met"]),
        "met_phi": _f4(ev["met_phi"]),
        "lep_n": ak.to_numpy(ak.num(lep["pt"])).astype(np.uint32),
        "lep": ak.zip(
            {
                "pt": mev(lep["pt"]),
                "eta": _f4(lep["eta"]),
                "phi": _f4(lep["phi"]),
                "E": mev(lep["e"]),
                "charge": ak.values_astype(lep["charge"], np.int32),
                "type": ak.values_astype(lep["flavour"], np.uint32),
                "z0": _f4(lep["z0"]),
                "trackd0pvunbiased": _f4(lep["d0"]),
                "tracksigd0pvunbiased": _f4(abs(lep["d0sig"])),
                "ptcone30": mev(lep["ptcone30"]),
                "etcone20": mev(lep["etcone20"]),
                "isTightID": lep["id_tight"],
                "trigMatched": lep["trig_matched"],
            }
        ),
        "jet_n": ak.to_numpy(ak.num(jets["pt"])).astype(np.uint32),
        "jet": ak.zip(
            {
                "pt": mev(jets["pt"]),
                "eta": _f4(jets["eta"]),
                "phi": _f4(jets["phi"]),
                "E": mev(jets["e"]),
                "MV2c10": _f4(jets["btag"] / 5.0),
            }
        ),
        "photon_n": ak.to_numpy(ak.num(ph["pt"])).astype(np.uint32),
        "photon": ak.zip(
            {
                "pt": mev(ph["pt"]),
                "eta": _f4(ph["eta"]),
                "phi": _f4(ph["phi"]),
                "E": mev(ph["e"]),
                "isTightID": ph["id_tight"],
            }
        ),
    }


def file_name(release: str, process: str) -> str:
    p = PROCESSES[process]
    if release == "2025":
        return f"synthetic_ODEO_2025_4lep_mc_{p.dsid_2025}.{p.name_2025}.4lep.root"
    return f"synthetic_mc_{p.dsid_2020}.{p.name_2020}.4lep.root"


def _write_process(
    path: Path,
    release: str,
    process: str,
    n: int,
    seed_seq: np.random.SeedSequence,
) -> None:
    proc = PROCESSES[process]
    tree = "analysis" if release == "2025" else "mini"
    to_branches = _branches_2025 if release == "2025" else _branches_2020
    marker = {
        "synthetic": True,
        "generator": "pipeline.data.synthetic",
        "release": release,
        "process": process,
        "events": n,
        "seed_entropy": str(seed_seq.entropy),
        "spawn_key": list(seed_seq.spawn_key),
        "chunk": CHUNK,
        "note": "SYNTHETIC sample: not ATLAS simulation, not collision data",
    }
    n_chunks = max(1, -(-n // CHUNK))

    def chunks() -> Iterator[dict]:
        for i, child in enumerate(seed_seq.spawn(n_chunks)):
            size = min(CHUNK, n - i * CHUNK)
            rng = np.random.default_rng(child)
            block = reconstruct(rng, GENERATORS[process](rng, size), proc.neg_fraction)
            events = np.arange(i * CHUNK + 1, i * CHUNK + size + 1)
            yield to_branches(block, proc, events, n)

    write_sample(path, tree, marker, chunks(), n_chunks)


def write_sample(
    path: Path, tree: str, marker: dict[str, object], chunks: Iterable[dict], n_chunks: int
) -> None:
    """One synthetic ROOT file, the same bytes wherever it is written: the ``synthetic`` marker,
    then ``tree`` filled chunk by chunk (fixed UUID and clock, see :func:`_fixed_clock`)."""
    with _fixed_clock(), uproot.recreate(path, uuid_function=lambda: _FILE_UUID) as out:
        out["synthetic"] = json.dumps(marker, sort_keys=True)
        for i, branches in enumerate(chunks):
            if i == 0:  # mktree: plain assignment would write an RNTuple since uproot 5.7
                out.mktree(tree, branches, initial_basket_capacity=max(10, n_chunks + 1))
            else:
                out[tree].extend(branches)


def publish_together(
    out: Path, names: Sequence[str], write: Callable[[Path, int], None]
) -> list[Path]:
    """``write(path, i)`` each of ``names`` into ``out``: all files appear together, or none.

    They are written in a staging folder of their own (two processes writing one directory must
    not share a part file), each under its final name, since ROOT stores the name it was written
    under, then moved into ``out``.
    """
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".synthetic-", suffix=".part", dir=out))
    try:
        for i, name in enumerate(names):
            write(staging / name, i)
        for name in names:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in names]


# A sample is the same bytes wherever and whenever it is generated: ROOT files carry a UUID and
# creation times, so both are fixed (the sample's provenance is in its "synthetic" marker instead).
_FILE_UUID = uuid.UUID(int=0)
_FILE_TIME = datetime.datetime(2020, 1, 1)
_CLOCK_LOCK = threading.RLock()


@contextlib.contextmanager
def _fixed_clock() -> Iterator[None]:
    """uproot stamps files, directories, keys and baskets with datetime.now(): stop its clock.

    uproot has no option for this, so its writer modules get a ``datetime`` whose ``now`` is fixed,
    for the duration of the write only.
    """
    from uproot.writing import _cascade, _cascadetree, writable

    class _Stopped(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> datetime.datetime:  # type: ignore[override]
            return _FILE_TIME

    stopped = types.SimpleNamespace(datetime=_Stopped)
    modules = (_cascade, _cascadetree, writable)
    with _CLOCK_LOCK:  # the swap is process-wide: writers take turns, and restore in order
        yield from _swapped(modules, stopped)


def _swapped(modules: tuple[types.ModuleType, ...], stopped: object) -> Iterator[None]:
    """Each module's ``datetime`` is ``stopped`` until the generator is closed."""
    real = [getattr(module, "datetime") for module in modules]  # noqa: B009 - a module attr
    for module in modules:
        setattr(module, "datetime", stopped)  # noqa: B010
    try:
        yield
    finally:
        for module, original in zip(modules, real, strict=True):
            setattr(module, "datetime", original)  # noqa: B010


def generate(
    out_dir: str | Path,
    *,
    release: str = "2025",
    n_events: int = 10_000,
    processes: Sequence[str] = tuple(PROCESSES),
    seed: int = 1,
) -> list[Path]:
    """Write one ``synthetic_*.root`` file per process (``n_events`` shared among them)."""
    if release not in ("2025", "2020"):
        raise UsageError(f"synthetic samples exist for releases 2025 and 2020, not {release!r}")
    unknown = [p for p in processes if p not in PROCESSES]
    if unknown or not processes:
        raise UsageError(
            f"unknown process(es) {unknown}", hint=f"choose from {', '.join(PROCESSES)}"
        )
    if len(set(processes)) != len(processes):
        repeated = sorted({p for p in processes if list(processes).count(p) > 1})
        raise UsageError(f"process(es) {repeated} given more than once", hint="name each once")
    if n_events < len(processes):
        raise UsageError(f"--events must be at least {len(processes)} (one per process)")
    shares = [n_events // len(processes)] * len(processes)
    shares[0] += n_events - sum(shares)
    streams = np.random.SeedSequence(seed).spawn(len(PROCESSES))
    by_name = dict(zip(PROCESSES, streams, strict=True))

    def write(path: Path, i: int) -> None:
        process = processes[i]
        _write_process(path, release, process, shares[i], by_name[process])

    names = [file_name(release, process) for process in processes]
    return publish_together(Path(out_dir), names, write)
