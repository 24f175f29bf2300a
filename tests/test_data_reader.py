"""The readers on the real open-data files of both releases, other ntuples, HTTPS, bad input."""

from __future__ import annotations

import re
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
import uproot

from pipeline.data import open_dataset
from pipeline.data.synthetic import generate
from pipeline.errors import DataError
from tests.conftest import shared_path
from tests.fakes.local_http import LocalServer

REAL_2025 = ("data", "atlas-opendata-2025")
REAL_2020 = ("data", "atlas-opendata-2020")


@pytest.fixture(scope="module")
def real2025():
    return open_dataset([shared_path(*REAL_2025)])


@pytest.fixture(scope="module")
def real2020():
    return open_dataset([shared_path(*REAL_2020)])


def test_release_detection_and_counts(real2025, real2020) -> None:
    assert real2025.release == "2025" and real2025.n_events == 3424
    assert real2020.release == "2020" and real2020.n_events == 832
    assert [f.events for f in real2020.files] == [39, 156, 237, 400]
    assert all(len(f.sha256) == 64 and not f.synthetic for f in real2025.files + real2020.files)
    assert {"leptons.id_loose", "leptons.iso_loose", "trig_ee"} <= real2025.provides
    assert "leptons.id_loose" not in real2020.provides  # the 2020 release has no loose flag
    assert {"weight", "is_data", "leptons.d0sig", "jets.pt"} <= real2020.provides


def test_units_are_gev_in_both_releases(real2025, real2020) -> None:
    for ds in (real2025, real2020):
        lep = ds.read_all(["leptons"]).leptons
        pt = ak.to_numpy(ak.flatten(lep.pt))
        assert 5.0 < np.median(pt) < 100.0, ds.release  # MeV would be ~1000x larger
        assert np.all(ak.to_numpy(ak.flatten(lep.e)) >= pt * 0.999)


def test_d0sig_is_an_absolute_significance_in_both_releases(real2025, real2020) -> None:
    # the 2025 files store lep_d0sig signed; the canonical field is |d0|/sigma(d0)
    raw = ak.flatten(uproot.open(real2025.files[0].path)["analysis"]["lep_d0sig"].array())
    assert ak.min(raw) < 0
    for ds in (real2025, real2020):
        sig = ak.flatten(ds.read_all(["leptons"]).leptons.d0sig)
        assert ak.min(sig) >= 0, ds.release
    assert ak.max(ak.flatten(real2025.read_all(["leptons"]).leptons.d0sig)) == pytest.approx(
        float(ak.max(abs(raw)))
    )


def test_leptons_sorted_by_pt_and_index_keeps_file_order(real2025) -> None:
    ev = real2025.read_all(["leptons", "electrons.pt", "muons.pt"])
    pt = ev.leptons.pt
    assert ak.all(pt[:, :-1] >= pt[:, 1:])
    raw = uproot.open(real2025.files[0].path)["analysis"].arrays(["lep_pt", "lep_type"])
    back = ev.leptons[ak.argsort(ev.leptons.index, axis=1)]
    assert ak.all(back.pt == raw.lep_pt) and ak.all(back.flavour == raw.lep_type)
    # the ordering gotcha: the file groups electrons first and is often not pT-ordered
    assert ak.sum(ak.any(raw.lep_pt[:, :-1] < raw.lep_pt[:, 1:], axis=1)) == 2969
    assert ak.all(ak.num(ev.electrons) + ak.num(ev.muons) == ak.num(ev.leptons))
    assert ak.all(ev.leptons.flavour[ev.leptons.flavour != 11] == 13)


def test_records_are_momentum4d(real2020) -> None:
    ev = real2020.read_all(["leptons"])
    lep = ev.leptons
    pair = lep[:, 0] + lep[:, 1]
    manual = np.sqrt(
        np.maximum((lep.e[:, 0] + lep.e[:, 1]) ** 2 - pair.px**2 - pair.py**2 - pair.pz**2, 0)
    )
    assert np.allclose(ak.to_numpy(pair.mass), ak.to_numpy(manual), rtol=1e-3, atol=1e-2)


def test_data_weights_are_one(real2025, real2020) -> None:
    for ds in (real2025, real2020):
        ev = ds.read_all(["weight", "is_data"])
        assert ak.all(ev.is_data) and ak.all(ev.weight == 1.0)


def _branches_read(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The branch lists each file's read asks uproot for, appended as files are read."""
    from pipeline.data import reader

    seen: list[list[str]] = []
    original = reader._raw_chunks

    def spy(info, tree, branches, step_size):  # type: ignore[no-untyped-def]
        seen.append(list(branches))
        return original(info, tree, branches, step_size)

    monkeypatch.setattr(reader, "_raw_chunks", spy)
    return seen


def test_only_needed_branches_are_read(real2025, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _branches_read(monkeypatch)
    list(real2025.iterate(["run", "muons.pt"], step_size=1000))
    # the muons of the one lepton list: its pT and the flavour that picks them, not the rest
    # of the four-vector
    assert set(seen[0]) == {"runNumber", "lep_pt", "lep_type"}
    list(real2025.iterate(["muons.phi", "jets.btag"], step_size=1000))
    assert set(seen[1]) == {"lep_pt", "lep_phi", "lep_type", "jet_pt", "jet_btag_quantile"}


def test_nanoaod_energy_is_derived_only_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """NanoAOD stores the mass: e reads pt, eta and mass; pt alone reads pt alone (and the
    collection is a plain record then, a Momentum4D only with the whole four-vector)."""
    ds = open_dataset([shared_path("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")])
    seen = _branches_read(monkeypatch)
    alone = ds.read_all(["jets.pt"])
    assert set(seen[0]) == {"Jet_pt"} and alone.jets.fields == ["pt"]
    assert alone.jets.layout.content.parameter("__record__") is None
    energy = ds.read_all(["jets.e"])
    assert set(seen[1]) == {"Jet_pt", "Jet_eta", "Jet_mass"} and energy.jets.fields == ["pt", "e"]
    full = ds.read_all(["jets.pt", "jets.eta", "jets.phi", "jets.e"])
    assert full.jets.layout.content.parameter("__record__") == "Momentum4D"
    assert ak.all(ak.flatten(full.jets.e) == ak.flatten(energy.jets.e))
    assert ak.all(ak.flatten(full.jets.pt) == ak.flatten(alone.jets.pt))


def test_the_inspected_tree_serves_the_first_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """open_dataset opened the file to check it: the first pass reads through that tree, a
    second pass opens the file again; both give the same events."""
    ds = open_dataset([shared_path("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")])
    opened: list[object] = []
    original = uproot.iterate

    def spy(*args, **kw):  # type: ignore[no-untyped-def]
        opened.append(args[0])
        return original(*args, **kw)

    monkeypatch.setattr(uproot, "iterate", spy)
    first = ds.read_all(["jets.pt", "event"])
    assert opened == []
    second = ds.read_all(["jets.pt", "event"])
    assert len(opened) == 1
    assert ak.to_list(first) == ak.to_list(second)


@pytest.mark.parametrize(
    ("parts", "release", "provides"),
    [
        (
            ("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root"),
            "nanoaod",
            {"muons.id_loose", "met"},
        ),
        (("data", "skhep", "uproot-HZZ.root"), "hzz-tutorial", {"leptons.charge", "mc_weight"}),
    ],
)
def test_other_flat_ntuples(parts: tuple[str, ...], release: str, provides: set[str]) -> None:
    ds = open_dataset([shared_path(*parts)])
    assert ds.release == release and provides <= ds.provides
    ev = ds.read_all(["leptons"])
    assert ak.all(ev.leptons.pt[:, :-1] >= ev.leptons.pt[:, 1:])
    assert set(np.unique(ak.to_numpy(ak.flatten(ev.leptons.flavour)))) <= {11, 13}


# ---- bad input ---------------------------------------------------------------------------


def _small_2025(tmp_path: Path) -> Path:
    return generate(tmp_path / "gen", release="2025", n_events=200, processes=("ZZ",), seed=5)[0]


def _rewrite(src: Path, dst: Path, tree: str = "analysis") -> Path:
    """A copy of the event-level branches with lep_pt replaced by a misspelt lep_ptt."""
    arrays = uproot.open(src)["analysis"].arrays(library="np")
    flat = {k: v for k, v in arrays.items() if not k.startswith(("lep", "jet", "photon", "n"))}
    flat["lep_ptt"] = np.ones(len(arrays["runNumber"]))
    with uproot.recreate(dst) as out:
        out.mktree(tree, flat)
    return dst


def test_missing_branch_lists_closest_names(tmp_path: Path) -> None:
    bad = _rewrite(_small_2025(tmp_path), tmp_path / "nolep.root")
    with pytest.raises(DataError) as info:
        open_dataset([bad])
    assert "lep_pt" in info.value.message and "lep_ptt" in info.value.closest


def test_missing_field_on_request_lists_closest_branches(real2020) -> None:
    with pytest.raises(DataError) as info:
        list(real2020.iterate(["leptons.id_loose"]))
    assert "not available" in info.value.message and "lep_isTightID" in str(info.value)


def test_unknown_field_is_named(real2025) -> None:
    with pytest.raises(DataError, match="unknown canonical field 'lepton.pt'"):
        list(real2025.iterate(["lepton.pt"]))


def test_wrong_tree_name(tmp_path: Path) -> None:
    bad = _rewrite(_small_2025(tmp_path), tmp_path / "tree.root", tree="analysys")
    with pytest.raises(DataError, match="no tree") as info:
        open_dataset([bad])
    assert "analysys" in info.value.message
    with pytest.raises(DataError, match="no tree 'nope'"):
        open_dataset([_small_2025(tmp_path)], tree="nope")


@pytest.mark.parametrize("kind", ["empty", "text", "truncated_header", "truncated_tail"])
def test_broken_files(tmp_path: Path, kind: str) -> None:
    good = _small_2025(tmp_path).read_bytes()
    bad = tmp_path / f"{kind}.root"
    content = {
        "empty": b"",
        "text": b"run,event\n1,2\n",
        "truncated_header": good[:300],
        "truncated_tail": good[: len(good) // 2],
    }[kind]
    bad.write_bytes(content)
    with pytest.raises(DataError) as info:
        ds = open_dataset([bad])
        list(ds.iterate())
    assert str(bad) in info.value.message and info.value.hint


def test_mixed_releases_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="mixed releases"):
        open_dataset([shared_path(*REAL_2025), shared_path(*REAL_2020)])


def test_rntuple_is_not_a_ttree(tmp_path: Path) -> None:
    path = tmp_path / "rn.root"
    with uproot.recreate(path) as out:
        out["analysis"] = {"runNumber": np.arange(3, dtype=np.uint32)}
    with pytest.raises(DataError, match="not a TTree"):
        open_dataset([path])


# ---- HTTPS / HTTP with range requests ---------------------------------------------------


class _RangeHandler(BaseHTTPRequestHandler):
    root: Path

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        path = self.root / self.path.lstrip("/").split("?")[0]
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", (self.headers.get("Range") or "").strip())
        if match:
            start = int(match[1])
            end = min(int(match[2]) if match[2] else len(data) - 1, len(data) - 1)
            body = data[start : end + 1]
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        else:
            body = data
            self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if not head:
            self.wfile.write(body)


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    handler = type("H", (_RangeHandler,), {"root": root})
    with LocalServer(handler) as server:
        yield server.url, root


def test_reading_over_http_matches_local(tmp_path: Path, http_root: tuple[str, Path]) -> None:
    base, root = http_root
    local = _small_2025(tmp_path)
    (root / local.name).write_bytes(local.read_bytes())
    remote = open_dataset([f"{base}/{local.name}"])
    assert remote.release == "2025" and remote.files[0].sha256 == ""
    a = remote.read_all(["leptons.pt", "event"])
    b = open_dataset([local]).read_all(["leptons.pt", "event"])
    assert ak.all(a.event == b.event) and ak.all(
        ak.flatten(a.leptons.pt) == ak.flatten(b.leptons.pt)
    )


@pytest.mark.parametrize("wanted", [["muons.pt"], ["muons"], ["electrons.charge"]])
def test_one_lepton_collection_of_a_split_schema_reads_alone(wanted: list[str]) -> None:
    """NanoAOD keeps electrons and muons apart; asking for one of them failed with
    "no field 'Electron_eta'" (the builder makes both, the reader read only one)."""
    ds = open_dataset([shared_path("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")])
    alone = ds.read_all(wanted)
    name = wanted[0].split(".")[0]
    everything = ds.read_all()
    # the fields asked for, and pT (the order): no more
    asked = {"pt", wanted[0].split(".")[1]} if "." in wanted[0] else set(everything[name].fields)
    assert set(alone[name].fields) == asked
    for field in asked:
        assert ak.all(ak.flatten(alone[name][field]) == ak.flatten(everything[name][field]))
    if "." not in wanted[0]:
        assert ak.all(ak.flatten(alone[name]["index"]) == ak.flatten(everything[name]["index"]))


def test_muon_only_fields_of_a_split_schema_are_kept() -> None:
    """Muon ids (no electron counterpart) were dropped: only fields both collections have
    survived the join, so a cut on muons.id_tight found no field."""
    ds = open_dataset([shared_path("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")])
    assert "muons.id_tight" in ds.provides
    muons = ds.read_all(["muons.id_tight"])["muons"]
    assert "id_tight" in muons.fields and ak.sum(ak.num(muons)) > 0
    assert "id_tight" not in ds.read_all(["leptons"])["leptons"].fields  # electrons have none
    # asked for by name (a compiled list cutting electrons and muons on the joint list by
    # flavour reads it so), the muons' values, NaN for the electrons
    assert "leptons.id_tight" not in ds.provides and ds.readable("leptons.id_tight")
    leptons = ds.read_all(["leptons.id_tight", "leptons.flavour"])["leptons"]
    ids = ak.flatten(leptons.id_tight).to_numpy()
    is_muon = ak.flatten(leptons.flavour).to_numpy() == 13
    assert np.isnan(ids[~is_muon]).all() and not np.isnan(ids[is_muon]).any()
    assert sorted(ids[is_muon].tolist()) == sorted(ak.flatten(muons.id_tight).tolist())


def test_nanoaod_taus_and_large_r_jets_are_collections() -> None:
    """Hadronic taus and AK8 jets are read as the canonical collections taus and fatjets (ADL
    analyses veto taus and tag W/top jets with them); a branch the file lacks (this 2015 file
    has no FatJet_msoftdrop, no Tau_idMVAnewDM2017v2) is simply not provided."""
    path = shared_path("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")
    ds = open_dataset([path])
    assert {"taus.pt", "taus.decay_mode", "fatjets.pt", "fatjets.tau2"} <= ds.provides
    assert "fatjets.msoftdrop" not in ds.provides and "taus.id_mva" not in ds.provides
    events = ds.read_all(["taus.pt", "taus.decay_mode", "fatjets.pt", "fatjets.tau1"])
    raw = uproot.open(path)["Events"].arrays(
        ["Tau_pt", "Tau_decayMode", "FatJet_pt", "FatJet_tau1"]
    )
    assert sorted(ak.flatten(events.taus.pt).tolist()) == sorted(ak.flatten(raw.Tau_pt).tolist())
    assert ak.sum(events.taus.decay_mode) == ak.sum(raw.Tau_decayMode)
    assert ak.num(events.fatjets).tolist() == ak.num(raw.FatJet_pt).tolist()
    pts = events.fatjets.pt
    assert ak.all(pts[:, :-1] >= pts[:, 1:])  # by decreasing pT, as every collection
    assert sorted(ak.flatten(events.fatjets.tau1).tolist()) == sorted(
        ak.flatten(raw.FatJet_tau1).tolist()
    )


@pytest.mark.parametrize(
    ("lists", "decreasing"),
    [
        ([[3.0, 2.0, 1.0], [], [5.0], [4.0, 4.0]], True),
        ([[3.0, 2.0, 1.0], [1.0, 2.0]], False),
        ([[1.0], [2.0], [3.0]], True),  # no order across events
        ([[2.0, 1.0], [5.0, 6.0]], False),
        ([[float("nan"), 1.0]], False),
        ([[]], True),
    ],
)
def test_collections_already_in_pt_order_are_not_sorted_again(
    lists: list[list[float]], decreasing: bool
) -> None:
    from pipeline.data.build import _by_pt, _decreasing

    pt = ak.Array(lists)
    assert _decreasing(pt) is decreasing
    rec = _by_pt(ak.zip({"pt": pt, "i": ak.local_index(pt)}))
    if decreasing:  # returned as it is: no gather
        assert ak.to_list(rec.i) == ak.to_list(ak.local_index(pt))
    else:  # sorted as before: the stable argsort by decreasing pT
        order = ak.argsort(pt, axis=1, ascending=False, stable=True)
        assert ak.to_list(rec.i) == ak.to_list(order)


def test_split_leptons_are_joined_as_concatenate_and_a_stable_sort_would() -> None:
    """Electrons then muons of each event by decreasing pT: events already in order, events
    needing the sort, ties between an electron and a muon (the electron first), empty events."""
    from pipeline.data.build import _joined

    ele = {
        "pt": ak.Array([[50.0, 20.0], [], [30.0], [10.0], [40.0, 40.0]]),
        "charge": ak.Array([[1, -1], [], [1], [-1], [1, -1]]),
    }
    mu = {
        "pt": ak.Array([[10.0], [5.0], [30.0, 60.0], [], [45.0, 40.0]]),
        "charge": ak.Array([[1], [-1], [-1, 1], [], [1, 1]]),
        "flavour": ak.Array([[13], [13], [13, 13], [], [13, 13]]),
    }
    both = {k: ak.concatenate([ele[k], mu[k]], axis=1) for k in ("pt", "charge")}
    order = ak.argsort(both["pt"], axis=1, ascending=False, stable=True)
    got = _joined(ele, mu)
    # a field of one flavour (a muon id) is NaN for the other
    assert got.fields == ["pt", "charge", "flavour"]
    for k in ("pt", "charge"):
        assert ak.to_list(got[k]) == ak.to_list(both[k][order])
    nan = float("nan")
    flavour = ak.concatenate([ak.full_like(ele["pt"], nan), mu["flavour"]], axis=1)[order]
    assert ak.to_list(ak.fill_none(ak.nan_to_none(got.flavour), 0)) == ak.to_list(
        ak.fill_none(ak.nan_to_none(flavour), 0)
    )
    assert ak.to_list(got.charge[4]) == [1, 1, -1, 1]  # 45 (mu), 40 (e, first), 40 (e), 40 (mu)
