"""Turn one chunk of raw branches into canonical event records (GeV, mm, Momentum4D).

Every collection (electrons, muons, leptons, jets, photons) is sorted by pT,
highest first, whatever order the file keeps; ``leptons.index`` remembers the
position in the file's own list (2025: electrons first, then muons, not pT-ordered).
"""

from __future__ import annotations

from collections.abc import Mapping

import awkward as ak
import numpy as np
import vector

from pipeline.data.samples import METADATA_2020
from pipeline.data.schemas import Schema
from pipeline.selection.fields import COLLECTIONS, EVENT_FIELDS

vector.register_awkward()

KINEMATIC = ("pt", "eta", "phi", "e")
NORM_2025 = ("xsec", "filteff", "kfac", "sum_of_weights")
NORM_2020 = ("XSection", "SumWeights")
LEPTON_COLLECTIONS = ("electrons", "muons", "leptons")
# collections read as they are from their own branches: jets, photons, taus, large-R jets
OTHER_COLLECTIONS = tuple(c for c in COLLECTIONS if c not in LEPTON_COLLECTIONS)


def collection_source(schema: Schema, name: str) -> Mapping[str, str]:
    """The branch mapping a collection is read from (leptons of ATLAS files feed all three)."""
    if name in LEPTON_COLLECTIONS:
        if not schema.split_leptons:
            return schema.leptons
        if name == "leptons":
            common = set(schema.electrons) & set(schema.muons)
            return {k: schema.electrons[k] for k in common}
        return schema.electrons if name == "electrons" else schema.muons
    return dict(getattr(schema, name))


def provided_subfields(schema: Schema, name: str, available: set[str]) -> set[str]:
    """Canonical subfields of a collection whose branches exist (derived ones included)."""
    src = collection_source(schema, name)
    have = {k for k, b in src.items() if b in available}
    if {"pt", "eta", "phi", "mass"} <= have:
        have |= {"e"}
    if {"px", "py", "pz", "e"} <= have:
        have |= {"pt", "eta", "phi"}
    if name in LEPTON_COLLECTIONS:
        have |= {"flavour", "index"} if schema.split_leptons else {"index"}
        if schema.split_leptons and name == "leptons":
            both = provided_subfields(schema, "electrons", available)
            have = {f for f in have if f in both} | {"flavour", "index"}
    return {f for f in have if f in COLLECTIONS[name]}


def branches_for(schema: Schema, name: str, subfields: set[str]) -> set[str]:
    """The raw branches needed to build ``subfields`` of collection ``name``."""
    if schema.split_leptons and name == "leptons":
        return branches_for(schema, "electrons", subfields) | branches_for(
            schema, "muons", subfields
        )
    src = collection_source(schema, name)
    wanted = set(subfields) | set(KINEMATIC)
    if name in LEPTON_COLLECTIONS and not schema.split_leptons:
        wanted |= {"flavour"}
    out = {src[f] for f in wanted if f in src}
    if "e" not in src and "mass" in src:
        out |= {src[k] for k in ("pt", "eta", "phi", "mass")}
    if "pt" not in src and "px" in src:
        out |= {src[k] for k in ("px", "py", "pz", "e")}
    return out


def weight_branches(schema: Schema) -> set[str]:
    if schema.release == "2025":
        return set(schema.weight_factors) | set(NORM_2025)
    if schema.release == "2020":
        return set(schema.weight_factors) | set(NORM_2020) | {"channelNumber", "runNumber"}
    return set()


def _scaled(
    arr: ak.Array, field: str, dims: Mapping[str, tuple[str, str]], schema: Schema
) -> ak.Array:
    dim = dims[field][0]
    if dim == "energy":
        return arr * np.float32(schema.energy_scale) if schema.energy_scale != 1.0 else arr
    if dim == "length":
        return arr * np.float32(schema.length_scale) if schema.length_scale != 1.0 else arr
    if dim == "bool":
        return ak.values_astype(arr, np.bool_)
    if field in ("charge", "flavour"):
        return (
            abs(ak.values_astype(arr, np.int32))
            if field == "flavour"
            else ak.values_astype(arr, np.int32)
        )
    if field == "d0sig":
        # canonical d0sig is |d0|/sigma(d0); the 2025 files store it signed
        return abs(arr)
    return arr


def _raw_collection(
    raw: ak.Array, schema: Schema, name: str, subfields: set[str]
) -> dict[str, ak.Array]:
    src = collection_source(schema, name)
    dims = COLLECTIONS[name]
    out: dict[str, ak.Array] = {}
    for f in sorted((set(subfields) | set(KINEMATIC)) & set(src)):
        if f in dims:
            out[f] = _scaled(raw[src[f]], f, dims, schema)
    if "pt" not in src and "px" in src:
        s = schema.energy_scale
        px, py, pz = (raw[src[k]] * s for k in ("px", "py", "pz"))
        out["pt"] = np.hypot(px, py)
        out["phi"] = np.arctan2(py, px)
        out["eta"] = np.arcsinh(pz / out["pt"])
    if "e" not in src and "mass" in src:
        mass = raw[src["mass"]] * schema.energy_scale
        p = out["pt"] * np.cosh(out["eta"])
        out["e"] = np.sqrt(p * p + mass * mass)
    return out


def _record(fields: dict[str, ak.Array]) -> ak.Array:
    order = [*KINEMATIC, *sorted(k for k in fields if k not in KINEMATIC)]
    return ak.zip({k: fields[k] for k in order if k in fields}, with_name="Momentum4D")


def _by_pt(rec: ak.Array) -> ak.Array:
    """``rec`` by decreasing pT in each event; as it is when it already is (NanoAOD stores its
    collections so: checking costs one pass over the flat pT, sorting a gather of every field)."""
    if _decreasing(rec.pt):
        return rec
    return rec[ak.argsort(rec.pt, axis=1, ascending=False, stable=True)]


def _decreasing(pt: ak.Array) -> bool:
    """True when each event's list is in decreasing (non-increasing) order, NaN-free."""
    counts = ak.to_numpy(ak.num(pt, axis=1))
    flat = ak.to_numpy(ak.flatten(pt, axis=1))
    if len(flat) < 2:
        return not np.isnan(flat).any()
    falls = np.diff(flat) <= 0  # NaN compares false: such lists are sorted
    ends = np.cumsum(counts)[:-1] - 1  # the last entry of each list but the final one
    falls[ends[(ends >= 0) & (ends < len(falls))]] = True  # no order across events
    return bool(falls.all()) and not np.isnan(flat).any()


def build_leptons(
    raw: ak.Array, schema: Schema, wanted: dict[str, set[str]]
) -> dict[str, ak.Array]:
    """electrons / muons / leptons as pT-sorted Momentum4D records."""
    need = set().union(*(wanted[c] for c in LEPTON_COLLECTIONS if c in wanted))
    names = [c for c in LEPTON_COLLECTIONS if c in wanted]
    split = _split_records if schema.split_leptons else _joint_records
    out: dict[str, ak.Array] = {}
    for name, rec in split(raw, schema, need, names).items():
        keep = wanted[name] | set(KINEMATIC)
        fields = [f for f in rec.fields if f in keep]
        out[name] = _by_pt(ak.with_name(rec[fields], "Momentum4D"))
    return out


def _joint_records(
    raw: ak.Array, schema: Schema, need: set[str], names: list[str]
) -> dict[str, ak.Array]:
    """One lepton list in the file (ATLAS): electrons and muons are its flavours."""
    fields = _raw_collection(raw, schema, "leptons", need | {"flavour"})
    fields["index"] = ak.local_index(fields["pt"], axis=1)
    rec = _record(fields)
    flavour = {"electrons": 11, "muons": 13}
    return {n: rec if n == "leptons" else rec[rec.flavour == flavour[n]] for n in names}


def _split_records(
    raw: ak.Array, schema: Schema, need: set[str], names: list[str]
) -> dict[str, ak.Array]:
    """Electrons and muons stored apart (NanoAOD): each keeps its own fields (muon ids, say),
    ``leptons`` the fields both have; ``index`` counts electrons first, then muons."""
    ele = _raw_collection(raw, schema, "electrons", need)
    mu = _raw_collection(raw, schema, "muons", need)
    ele["flavour"] = ak.values_astype(ak.zeros_like(ele["pt"]) + 11, np.int32)
    mu["flavour"] = ak.values_astype(ak.zeros_like(mu["pt"]) + 13, np.int32)
    ele["index"] = ak.local_index(ele["pt"], axis=1)
    mu["index"] = ak.local_index(mu["pt"], axis=1) + ak.num(ele["pt"], axis=1)
    parts = {"electrons": ele, "muons": mu}
    if "leptons" in names:
        parts["leptons"] = {k: ak.concatenate([ele[k], mu[k]], axis=1) for k in set(ele) & set(mu)}
    return {n: _record(parts[n]) for n in names}


def event_weights(
    raw: ak.Array, schema: Schema, *, synthetic: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(weight, is_data): luminosity-normalised MC weights, 1 for collision data."""
    n = len(raw)
    if schema.release not in ("2025", "2020"):
        return np.ones(n), np.ones(n, dtype=bool)
    prod = np.ones(n)
    for b in schema.weight_factors:
        prod = prod * ak.to_numpy(raw[b]).astype(np.float64)
    if schema.release == "2025":
        xsec = ak.to_numpy(raw["xsec"]).astype(np.float64)
        is_data = xsec == 0.0
        norm = xsec * ak.to_numpy(raw["filteff"]) * ak.to_numpy(raw["kfac"])
        sumw = ak.to_numpy(raw["sum_of_weights"]).astype(np.float64)
    else:
        dsid = ak.to_numpy(raw["channelNumber"]).astype(np.int64)
        is_data = dsid == ak.to_numpy(raw["runNumber"]).astype(np.int64)
        norm = ak.to_numpy(raw["XSection"]).astype(np.float64)
        sumw = ak.to_numpy(raw["SumWeights"]).astype(np.float64)
        if not synthetic:  # the real files' branches are superseded by the release's table
            for d in np.unique(dsid[~is_data]):
                meta = METADATA_2020.get(int(d))
                if meta is not None and meta.xsec_pb and meta.sumw:
                    norm = np.where(dsid == d, meta.xsec_pb, norm)
                    sumw = np.where(dsid == d, meta.sumw, sumw)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = prod * norm * schema.lumi_pb / sumw
    return np.where(is_data, 1.0, w), is_data


def build_events(
    raw: ak.Array, schema: Schema, events: set[str], wanted: dict[str, set[str]], *, synthetic: bool
) -> ak.Array:
    """The canonical record array for one chunk."""
    out: dict[str, ak.Array] = {}
    for f in sorted(events):
        if f in ("weight", "is_data"):
            continue
        arr = raw[schema.event[f]]
        out[f] = (
            _scaled(arr, f, EVENT_FIELDS, schema)
            if f in ("met",)
            else (ak.values_astype(arr, np.bool_) if EVENT_FIELDS[f][0] == "bool" else arr)
        )
    if events & {"weight", "is_data"}:
        w, is_data = event_weights(raw, schema, synthetic=synthetic)
        if "weight" in events:
            out["weight"] = w
        if "is_data" in events:
            out["is_data"] = is_data
    if any(c in wanted for c in LEPTON_COLLECTIONS):
        out.update(build_leptons(raw, schema, wanted))
    for name in OTHER_COLLECTIONS:
        if name in wanted:
            out[name] = _by_pt(_record(_raw_collection(raw, schema, name, wanted[name])))
    return ak.zip(out, depth_limit=1) if out else ak.Array([{}] * len(raw))
