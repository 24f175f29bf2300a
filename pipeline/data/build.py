"""Turn one chunk of raw branches into canonical event records (GeV, mm).

Every collection (electrons, muons, leptons, jets, photons) is sorted by pT,
highest first, whatever order the file keeps; ``leptons.index`` remembers the
position in the file's own list (2025: electrons first, then muons, not pT-ordered).
A collection carries the fields asked for and pT (its order), nothing more: the energy of
NanoAOD objects is derived from the mass only when ``e`` is asked for, and records holding
the whole four-vector (pt, eta, phi, e) are Momentum4D.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
    if "btag" in have and _tag_decision(schema, name, src):
        have.add("btagged")
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
    wanted = _with_order(subfields)
    if name in LEPTON_COLLECTIONS and not schema.split_leptons:
        wanted |= {"flavour"}
    out = {src[f] for f in wanted if f in src}
    if "e" in wanted and "e" not in src and "mass" in src:
        out |= {src[k] for k in ("pt", "eta", "mass")}
    if "pt" not in src and "px" in src:
        out |= {src[k] for k in ("px", "py", "pz", "e")}
    if "btagged" in wanted and _tag_decision(schema, name, src):
        out.add(src["btag"])
    return out


def _tag_decision(schema: Schema, name: str, src: Mapping[str, str]) -> bool:
    """Whether ``btagged`` of collection ``name`` is derived: the data store a b-tag score and
    the schema names its working point, and no stored decision is mapped."""
    return (
        name == "jets"
        and schema.btag_working_point is not None
        and "btag" in src
        and "btagged" not in src
    )


def _with_order(subfields: set[str]) -> set[str]:
    """The fields to build: those asked for and pT, by which every collection is ordered."""
    return set(subfields) | {"pt"}


def electron_count_branch(schema: Schema) -> str:
    """A branch of the stored electrons to count them by (the muons' index counts them too)."""
    return schema.electrons.get("pt") or schema.electrons["px"]


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
    wanted = _with_order(subfields)
    out: dict[str, ak.Array] = {}
    for f in sorted(wanted & set(src)):
        if f in dims:
            out[f] = _scaled(raw[src[f]], f, dims, schema)
    if "pt" not in src and "px" in src:
        s = schema.energy_scale
        px, py, pz = (raw[src[k]] * s for k in ("px", "py", "pz"))
        out["pt"] = np.hypot(px, py)
        out["phi"] = np.arctan2(py, px)
        out["eta"] = np.arcsinh(pz / out["pt"])
    if "btagged" in wanted and _tag_decision(schema, name, src):
        out["btagged"] = raw[src["btag"]] >= schema.btag_working_point
    if "e" in wanted and "e" not in src and "mass" in src:
        eta = out["eta"] if "eta" in out else _scaled(raw[src["eta"]], "eta", dims, schema)
        out["e"] = _energy(out["pt"], eta, raw[src["mass"]], schema.energy_scale)
    return {f: value for f, value in out.items() if f in wanted}


def _energy(pt: ak.Array, eta: ak.Array, mass: ak.Array, scale: float) -> ak.Array:
    """sqrt((pt cosh eta)^2 + m^2) in the stored precision, on the flat contents of the
    object lists (the same numbers as the awkward expression, without its broadcasting)."""
    pt_, eta_, mass_ = (_flat_numbers(x) for x in (pt, eta, mass))
    mass_ = mass_ * scale
    p = pt_ * np.cosh(eta_)
    return ak.unflatten(np.sqrt(p * p + mass_ * mass_), ak.num(pt, axis=1))


def _record(fields: dict[str, ak.Array]) -> ak.Array:
    order = [*KINEMATIC, *sorted(k for k in fields if k not in KINEMATIC)]
    ordered = {k: fields[k] for k in order if k in fields}
    zipped = _zip_lists(ordered, _vector_name(fields))
    if zipped is not None:
        return zipped
    return ak.zip(ordered, with_name=_vector_name(fields))


def _list_numbers(x: ak.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """(offsets from 0, flat numbers) of an events x numbers list array, read off its layout;
    None for anything else (options, parameters, records, deeper lists)."""
    layout = x.layout if isinstance(x, ak.Array) else None
    if not isinstance(layout, ak.contents.ListOffsetArray) or layout.parameters:
        return None
    return _split_numbers(layout.offsets.data, layout.content)


def _split_numbers(
    offsets: object, content: ak.contents.Content
) -> tuple[np.ndarray, np.ndarray] | None:
    """(offsets from 0, the numbers they split) of a list's offsets and content when the
    content is plain one-dimensional numbers in numpy; None otherwise."""
    if not (
        isinstance(content, ak.contents.NumpyArray)
        and not content.parameters
        and isinstance(content.data, np.ndarray)
        and content.data.ndim == 1
        and isinstance(offsets, np.ndarray)
    ):
        return None
    offsets = offsets.astype(np.int64, copy=False)
    start, stop = int(offsets[0]), int(offsets[-1])
    return (offsets - start if start else offsets), content.data[start:stop]


def _zip_lists(fields: dict[str, ak.Array], name: str | None) -> ak.Array | None:
    """``ak.zip(fields, with_name=name)`` of events x numbers lists of one structure, built
    from their layouts (one list of records over the flat numbers); None unless every field is
    such a list and all have the same counts (then ak.zip broadcasts, or refuses)."""
    columns: list[np.ndarray] = []
    offsets: np.ndarray | None = None
    for x in fields.values():
        part = _list_numbers(x)
        if part is None:
            return None
        if offsets is None:
            offsets = part[0]
        elif part[0] is not offsets and not np.array_equal(part[0], offsets):
            return None
        columns.append(part[1])
    if offsets is None:
        return None
    record = ak.contents.RecordArray(
        [ak.contents.NumpyArray(column) for column in columns],
        list(fields),
        length=int(offsets[-1]),
        parameters=None if name is None else {"__record__": name},
    )
    return ak.Array(ak.contents.ListOffsetArray(ak.index.Index64(offsets), record))


def _vector_name(fields: Iterable[str]) -> str | None:
    """Momentum4D for records holding the whole four-vector; plain records otherwise."""
    return "Momentum4D" if set(KINEMATIC) <= set(fields) else None


def _by_pt(rec: ak.Array) -> ak.Array:
    """``rec`` by decreasing pT in each event; as it is when it already is (NanoAOD stores its
    collections so: checking costs one pass over the flat pT, sorting a gather of every field)."""
    pt = _pt_numbers(rec)
    ordered = _decreasing_flat(*pt) if pt is not None else _decreasing(rec.pt)
    if ordered:
        return rec
    return rec[ak.argsort(rec.pt, axis=1, ascending=False, stable=True)]


def _pt_numbers(rec: ak.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """(offsets from 0, flat pT) of an events x records list array whose pT are plain numbers,
    read off its layout (what ak.num and ak.flatten of ``rec.pt`` give); None otherwise."""
    layout = rec.layout
    if not isinstance(layout, ak.contents.ListOffsetArray) or layout.parameters:
        return None
    content = layout.content
    if not (isinstance(content, ak.contents.RecordArray) and "pt" in content.fields):
        return None
    return _split_numbers(layout.offsets.data, content.content("pt"))


def _decreasing(pt: ak.Array) -> bool:
    """True when each event's list is in decreasing (non-increasing) order, NaN-free."""
    parts = _list_numbers(pt)
    if parts is None:
        counts = ak.to_numpy(ak.num(pt, axis=1))
        parts = np.concatenate([[0], np.cumsum(counts)]), ak.to_numpy(ak.flatten(pt, axis=1))
    return _decreasing_flat(*parts)


def _decreasing_flat(offsets: np.ndarray, flat: np.ndarray) -> bool:
    """:func:`_decreasing` of the lists ``flat`` split at ``offsets`` (which start at 0)."""
    if len(flat) < 2:
        return not np.isnan(flat).any()
    # falls[i + 1]: entry i + 1 is no larger than entry i (NaN compares false: a list holding
    # one goes to the sort); padded by one on each side, so that marking the first entry of
    # every list but the first, offsets[1:-1] (empty lists included), asks no order across
    # events
    falls = np.empty(len(flat) + 1, dtype=np.bool_)
    np.less_equal(flat[1:], flat[:-1], out=falls[1:-1])
    falls[0] = falls[-1] = True
    falls[offsets[1:-1]] = True
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
        keep = _with_order(wanted[name])
        fields = [f for f in rec.fields if f in keep]
        if fields != rec.fields:
            rec = ak.with_name(rec[fields], _vector_name(fields))
        out[name] = _by_pt(rec)
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
    ``leptons`` the fields both have; ``index`` counts electrons first, then muons. Only the
    collections asked for are built (the muons' index needs the electrons' number alone)."""
    built = {"electrons", "muons"} if "leptons" in names else set(names)
    parts = {
        name: _split_part(raw, schema, name, need, flavour)
        for name, flavour in (("electrons", 11), ("muons", 13))
        if name in built
    }
    if "index" in need and "muons" in parts:
        n_electrons = ak.num(raw[electron_count_branch(schema)], axis=1)
        parts["muons"]["index"] = parts["muons"]["index"] + n_electrons
    out = {n: _record(parts[n]) for n in names if n != "leptons"}
    if "leptons" in names:
        out["leptons"] = _joined(parts["electrons"], parts["muons"])
    return out


def _joined(ele: dict[str, ak.Array], mu: dict[str, ak.Array]) -> ak.Array:
    """Each event's electrons then muons by decreasing pT: what ``ak.concatenate(axis=1)`` and a
    stable descending sort give, gathered once on flat numpy (an electron stays before a muon
    of equal pT; each keeps its stored order on ties).

    A field only one flavour has (the muon identification of NanoAOD) is NaN for the other:
    the electron and muon cuts of a compiled list run on this one collection by flavour, and
    the collection's ``provides`` still lists only the fields both have, so a cut on every
    lepton's muon id is not applicable rather than failing the electrons."""
    fields = [*ele, *(f for f in mu if f not in ele)]
    n_ele, n_mu = (ak.to_numpy(ak.num(x["pt"], axis=1)) for x in (ele, mu))
    flat = {
        f: np.concatenate([_flat_or_nan(ele, f, n_ele), _flat_or_nan(mu, f, n_mu)]) for f in fields
    }
    if np.isnan(flat["pt"]).any():  # NaN has no place in an order: awkward decides
        both = {
            f: ak.concatenate([_or_nan(ele, f, n_ele), _or_nan(mu, f, n_mu)], axis=1)
            for f in fields
        }
        return _by_pt(_record(both))
    events = np.arange(len(n_ele))
    order = _by_event_then_pt(
        flat["pt"], np.concatenate([np.repeat(events, n_ele), np.repeat(events, n_mu)])
    )
    names = [*(f for f in KINEMATIC if f in flat), *sorted(f for f in flat if f not in KINEMATIC)]
    columns = {f: flat[f][order] for f in names}
    record = ak.zip(columns, depth_limit=1, with_name=_vector_name(columns))
    return ak.unflatten(record, n_ele + n_mu)


def _flat_or_nan(part: dict[str, ak.Array], name: str, counts: np.ndarray) -> np.ndarray:
    if name in part:
        return _flat_numbers(part[name])
    return np.full(int(counts.sum()), np.nan)


def _or_nan(part: dict[str, ak.Array], name: str, counts: np.ndarray) -> ak.Array:
    if name in part:
        return part[name]
    return ak.unflatten(np.full(int(counts.sum()), np.nan), counts)


def _by_event_then_pt(pt: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """The permutation putting items in event order, each event's by decreasing pT, stably
    (``np.lexsort((-pt, owner))``). Only the events whose concatenated items are out of order
    are sorted: most already are (one lepton, or electrons harder than the muons)."""
    order = np.argsort(owner, kind="stable")  # two sorted runs: a merge, not a sort
    ordered_owner = owner[order]
    ordered_pt = pt[order]
    rises = (np.diff(ordered_pt) > 0) & (ordered_owner[1:] == ordered_owner[:-1])
    if not rises.any():
        return order
    redo = np.flatnonzero(np.isin(ordered_owner, ordered_owner[1:][rises]))
    order[redo] = order[redo][np.lexsort((-ordered_pt[redo], ordered_owner[redo]))]
    return order


def _flat_numbers(x: ak.Array) -> np.ndarray:
    return ak.to_numpy(ak.flatten(x, axis=1))


def _split_part(
    raw: ak.Array, schema: Schema, name: str, need: set[str], flavour: int
) -> dict[str, ak.Array]:
    """One stored collection's fields, with the flavour and the position in its own list."""
    fields = _raw_collection(raw, schema, name, need)
    if "flavour" in need:
        fields["flavour"] = ak.values_astype(ak.zeros_like(fields["pt"]) + flavour, np.int32)
    if "index" in need:
        fields["index"] = ak.local_index(fields["pt"], axis=1)
    return fields


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
    if not out:
        return ak.Array([{}] * len(raw))
    # ak.zip(out, depth_limit=1) of arrays of one length, without its broadcasting machinery
    contents = [ak.to_layout(x) for x in out.values()]
    return ak.Array(ak.contents.RecordArray(contents, list(out), length=len(raw)))
