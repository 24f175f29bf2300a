"""The runtime under any chunking: empty chunks, chunks without candidates, one-event chunks.

A compiled selection run chunk by chunk must give the same selected rows and cutflow as
one run over all events, whatever the chunk boundaries (regression: building the
constituents of zero candidates used to fail with awkward's 'too large counts').
"""

from __future__ import annotations

from types import ModuleType

import awkward as ak
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.data import open_dataset
from pipeline.run.stage2 import generate_code
from pipeline.runtime import FUNCTIONS as F
from pipeline.runtime.analysis_run import AnalysisRun, provided_names
from pipeline.runtime.candidates import to_awkward
from pipeline.runtime.selection import EventState
from tests.conftest import ROOT, import_script, shared_path

PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"


def _leptons(n_events: int, per_event: int) -> ak.Array:
    one = {"pt": 30.0, "eta": 0.1, "phi": 0.2, "e": 31.0, "flavour": 11, "charge": 1}
    full = ak.Array([[dict(one, charge=(-1) ** k, pt=30.0 - k) for k in range(4)]] * (n_events + 1))
    return full[:n_events, :per_event]  # sliced, so that empty arrays keep the record type


@pytest.mark.parametrize(("n_events", "per_event"), [(0, 4), (3, 0), (3, 2), (2, 4)])
def test_constituents_of_no_or_some_quadruplets(n_events: int, per_event: int) -> None:
    quads = F["quadruplets"](_leptons(n_events, per_event))
    leps = F["constituents"](quads)
    assert len(leps) == n_events
    counts = ak.num(to_awkward(leps), axis=2) if n_events else []
    assert ak.all(counts == 4) if n_events else len(counts) == 0
    expected = 2 if per_event == 4 else 0  # two pairings of two + and two - electrons
    assert F["count"](quads).tolist() == [expected] * n_events
    # every function of a quadruplet's leptons still works on the empty lists
    assert len(F["nth"](F["pt"](leps), 0)) == n_events
    assert len(F["all"](F["mass"](F["sfos_pairs"](leps)) > 5)) == n_events
    assert len(F["all"](F["delta_r"](F["pairs"](leps)) > 0.1)) == n_events


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    path = generate_code(PAPER_LIST, tmp_path_factory.mktemp("codegen") / "analysis.py")
    return import_script(path, "generated_h4l_chunks")


@pytest.fixture(scope="module")
def events(script: ModuleType) -> tuple[ak.Array, set[str]]:
    ds = open_dataset([shared_path("data", "atlas-opendata-2020", "data_D.4lep.root")])
    provided = provided_names(ds.provides)
    return ds.read_all([f for f in script.READS if f in provided])[:200], provided


def _run(m: ModuleType, provided: set[str], chunks: list[ak.Array]) -> tuple[dict, list]:
    run = AnalysisRun(
        provided=provided,
        producer=m.PRODUCER,
        steps=m.STEPS,
        requires=m.REQUIRES,
        text_only=m.TEXT_ONLY,
        observable=m.OBSERVABLE,
        candidates=m.CANDIDATES,
    )
    for chunk in chunks:
        v = EventState(chunk)
        run.record("all", v)
        m.select_objects(v, run)
        m.select_events(v, run)
        run.collect(v)
    rows = {k: np.concatenate([r[k] for r in run.rows]) for k in run.rows[0]}
    assert run.hist_rows is not None
    rows |= {f"hist_{k}": np.concatenate([r[k] for r in run.hist_rows]) for k in run.hist_rows[0]}
    return rows, [(s.id, s.raw) for s in run.flow.steps()]


def _split(arr: ak.Array, sizes: list[int]) -> list[ak.Array]:
    bounds = np.cumsum([0, *sizes])
    return [arr[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)] + [arr[bounds[-1] :]]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sizes=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_any_chunking_gives_the_one_chunk_result(
    script: ModuleType, events: tuple[ak.Array, set[str]], sizes: list[int]
) -> None:
    arr, provided = events
    whole_rows, whole_flow = _run(script, provided, [arr])
    rows, flow = _run(script, provided, _split(arr, sizes))
    assert flow == whole_flow
    assert whole_flow[-1][1] > 0  # the sample does select events
    for key, column in whole_rows.items():
        np.testing.assert_array_equal(rows[key], column, err_msg=key)


def test_one_event_chunks(script: ModuleType, events: tuple[ak.Array, set[str]]) -> None:
    arr, provided = events
    head = arr[:80]
    whole_rows, whole_flow = _run(script, provided, [head])
    rows, flow = _run(script, provided, [head[i : i + 1] for i in range(len(head))] + [head[:0]])
    assert flow == whole_flow
    assert whole_flow[-2][1] > 0  # events with a best quadruplet
    for key, column in whole_rows.items():
        np.testing.assert_array_equal(rows[key], column, err_msg=key)
