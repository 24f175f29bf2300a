"""The ATLAS H->ZZ*->4l event selection (arXiv:1712.02304, arXiv:1708.02810), by hand.

Written from the papers' selection as summarised in ``shared/facts/hzz4l-paper-selection.md``,
on the canonical open-data fields. Every interpretation is listed in ``baselines/README.md``.
Plain numpy on the flattened leptons: candidates (quadruplets) are flat arrays with the
index of their event; an event passes a step when at least one of its quadruplets
survives every cut so far.
"""

from __future__ import annotations

import itertools
from functools import cache, partial

import awkward as ak
import numpy as np

from baselines.common import MZ, ChunkResult, HistSpec, Plan, Step, to_numpy_bool

NAME = "hzz4l_paper"
NAME_NOISOCORR = "hzz4l_paper_noisocorr"  # the stored cones as they are: what the demo's list does
NO_VERTEX = "the open data hold no four-lepton vertex fit (chi2/ndof)"
NO_MUON_TYPE = "the open data hold no calorimeter-tagged / stand-alone muon flags"
TRIGGERS = ("trig_e", "trig_m", "trig_ee", "trig_mm", "trig_em")
PAIRS = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
LEPTON_FIELDS = (
    "pt",
    "eta",
    "phi",
    "e",
    "charge",
    "flavour",
    "z0",
    "d0",
    "d0sig",
    "ptcone30",
    "etcone20",
)


def steps(provides: set[str]) -> list[Step]:
    # the open data have neither; a dataset that had them would need this baseline extended
    calo = vertex = False
    return [
        Step("all", "all events read"),
        Step("trigger", "single-, di- or tri-lepton trigger (OR of the trigger flags present)"),
        Step(
            "n_leptons",
            "at least four preselected leptons (e: pT>7, |eta|<2.47; mu: pT>5, "
            "|eta|<2.7, |d0|<1 mm; loose ID; |z0 sin(theta)|<0.5 mm)",
        ),
        Step("quadruplet", "two same-flavour opposite-sign pairs sharing no lepton"),
        Step("lepton_pt", "three highest-pT quadruplet leptons above 20, 15, 10 GeV"),
        Step(
            "muon_types",
            "at most one calo-tagged or stand-alone muon",
            calo,
            None if calo else NO_MUON_TYPE,
        ),
        Step("m12", "50 < m12 < 106 GeV (Z1 = pair closest to the Z mass)"),
        Step("m34", "m_thr(m4l) < m34 < 115 GeV, m_thr 12 -> 50 GeV for m4l 140 -> 190 GeV"),
        Step("delta_r", "Delta R > 0.10 same flavour, > 0.20 different flavour, all pairs"),
        Step("jpsi_veto", "every SFOS pair of the quadruplet above 5 GeV"),
        Step("track_isolation", "ptcone30/pT < 0.15 for the four leptons"),
        Step("calo_isolation", "etcone20/pT < 0.30 (mu) / 0.20 (e)"),
        Step("impact_parameter", "|d0|/sigma(d0) < 3 (mu) / 5 (e)"),
        Step(
            "vertex",
            "common vertex chi2/ndof < 6 (4mu) / 9 (others)",
            vertex,
            None if vertex else NO_VERTEX,
        ),
        Step("best_quadruplet", "one quadruplet per event: m12 closest to mZ, then m34 closest"),
        Step("mass_window", "118 < m4l < 129 GeV"),
    ]


def variable_track_cone(source_branch: str) -> bool:
    """Whether the stored track isolation is a variable cone (2025: lep_ptvarcone30)."""
    return "varcone" in source_branch


def plan(
    provides: set[str], *, isolation_correction: bool = True, variable_cone: bool = False
) -> Plan:
    """The selection on a dataset that provides ``provides`` (canonical field names).

    ``isolation_correction`` removes the other quadruplet leptons from the stored isolation
    cones (approximately, see ``_isolation``); ``variable_cone``: the stored track cone is
    min(0.3, 10 GeV/pT) rather than 0.3.
    """
    trig = [t for t in TRIGGERS if t in provides]
    has_loose = "leptons.id_loose" in provides
    cone = "min(0.3, 10 GeV/pT)" if variable_cone else "0.3"
    iso = (
        f"isolation: the other quadruplet leptons are removed approximately from the stored "
        f"cones (track: their pT inside Delta R < {cone}; calorimeter: electrons' pT inside "
        f"Delta R < 0.2, muons not removed)"
        if isolation_correction
        else (
            "isolation uses the stored cones: other quadruplet leptons' contributions are not "
            "removed"
        )
    )
    warnings = [iso, "no final-state-radiation photon recovery (not in the open data)"]
    if not has_loose:
        warnings.append("the dataset has no loose-identification flag: loose ID not applied")
    if not trig:
        warnings.append("the dataset has no trigger flags: the trigger step keeps every event")
    fields = [f"leptons.{f}" for f in LEPTON_FIELDS] + (["leptons.id_loose"] if has_loose else [])
    return Plan(
        steps=steps(provides),
        fields=[*fields, *trig],
        process=partial(
            process,
            triggers=tuple(trig),
            has_loose=has_loose,
            isolation_correction=isolation_correction,
            variable_cone=variable_cone,
        ),
        hist=HistSpec(
            "m4l", "m4l [GeV] (best quadruplet, before the mass window)", 36, 80.0, 170.0
        ),
        warnings=warnings,
    )


def plan_noisocorr(provides: set[str], *, variable_cone: bool = False) -> Plan:
    """The selection with the stored cones as they are (the demo's list's reading)."""
    return plan(provides, isolation_correction=False, variable_cone=variable_cone)


def _flat_good(
    lep: ak.Array,
    has_loose: bool,
    active: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The preselected leptons of the active events as flat numpy arrays, and their counts."""
    counts = ak.to_numpy(ak.num(lep))
    owner = np.repeat(np.arange(len(counts)), counts)
    col = lambda k: ak.to_numpy(ak.flatten(lep[k]))  # noqa: E731
    pt, eta, flav = col("pt").astype(np.float64), col("eta").astype(np.float64), col("flavour")
    z0_ok = np.abs(col("z0") / np.cosh(eta)) < 0.5  # z0 sin(theta), sin(theta) = 1/cosh(eta)
    loose = col("id_loose").astype(bool) if has_loose else True
    ele = (flav == 11) & (pt > 7) & (np.abs(eta) < 2.47)
    mu = (flav == 13) & (pt > 5) & (np.abs(eta) < 2.7) & (np.abs(col("d0")) < 1.0)
    good = (ele | mu) & loose & z0_ok
    n_good = np.bincount(owner[good], minlength=len(counts))
    keep = good & active[owner] & (n_good[owner] >= 4)  # only events that can have a quadruplet
    f = {
        "pt": pt[keep],
        "eta": eta[keep],
        "flavour": flav[keep].astype(np.int64),
        "event": owner[keep],
    }
    for k in ("phi", "e", "ptcone30", "etcone20", "d0sig"):
        f[k] = col(k)[keep].astype(np.float64)
    f["charge"] = col("charge")[keep].astype(np.int64)
    f["px"] = f["pt"] * np.cos(f["phi"])
    f["py"] = f["pt"] * np.sin(f["phi"])
    f["pz"] = f["pt"] * np.sinh(f["eta"])
    return f, n_good


def _mass(f: dict[str, np.ndarray], *idx: np.ndarray) -> np.ndarray:
    e, x, y, z = (sum(f[k][i] for i in idx) for k in ("e", "px", "py", "pz"))
    return np.sqrt(np.maximum(e * e - x * x - y * y - z * z, 0.0))


@cache
def _combinations(k: int) -> np.ndarray:
    return np.array(list(itertools.combinations(range(k), 2)), dtype=np.int64).reshape(-1, 2)


def _pairs(owner: np.ndarray, n: int, accept) -> tuple[np.ndarray, ...]:  # type: ignore[no-untyped-def]
    """All (i < j) pairs of the items of each event, in combination order, that ``accept``;
    items are grouped by event (``owner`` sorted). Returns (event, i, j) sorted by event."""
    counts = np.bincount(owner, minlength=n)
    start = np.concatenate([[0], np.cumsum(counts)])[:-1]
    parts = []
    for k in np.unique(counts[counts >= 2]):
        evs = np.flatnonzero(counts == k)
        table = _combinations(int(k))
        i = start[evs][:, None] + table[:, 0]
        j = start[evs][:, None] + table[:, 1]
        ok = accept(i, j)
        parts.append((np.broadcast_to(evs[:, None], i.shape)[ok], i[ok], j[ok]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    ev, i, j = (np.concatenate(x) for x in zip(*parts, strict=True))
    order = np.argsort(ev, kind="stable")  # events are disjoint across groups: order kept inside
    return ev[order], i[order], j[order]


def _quadruplets(
    f: dict[str, np.ndarray],
    n: int,
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Candidates as flat arrays: ([z1a, z1b, z2a, z2b] lepton indices, event, m12, m34).

    Candidates are ordered by event, then by SFOS-pair combination order; Z1 is the pair
    closer to mZ (the first pair on an exact tie).
    """
    fl, ch = f["flavour"], f["charge"]
    _, pi, pj = _pairs(f["event"], n, lambda i, j: (fl[i] == fl[j]) & (ch[i] * ch[j] < 0))
    pev = f["event"][pi]
    event, a, b = _pairs(
        pev,
        n,
        lambda a, b: (pi[a] != pi[b]) & (pi[a] != pj[b]) & (pj[a] != pi[b]) & (pj[a] != pj[b]),
    )
    ai, aj, bi, bj = pi[a], pj[a], pi[b], pj[b]
    ma, mb = _mass(f, ai, aj), _mass(f, bi, bj)
    first = np.abs(ma - MZ) <= np.abs(mb - MZ)
    quad = [
        np.where(first, ai, bi),
        np.where(first, aj, bj),
        np.where(first, bi, ai),
        np.where(first, bj, aj),
    ]
    return quad, event, np.where(first, ma, mb), np.where(first, mb, ma)


def _all4(quad: list[np.ndarray], ok: np.ndarray) -> np.ndarray:
    return ok[quad[0]] & ok[quad[1]] & ok[quad[2]] & ok[quad[3]]


def _delta_r(f: dict[str, np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    dphi = (f["phi"][a] - f["phi"][b] + np.pi) % (2 * np.pi) - np.pi
    return np.sqrt((f["eta"][a] - f["eta"][b]) ** 2 + dphi * dphi)


def _isolation(
    f: dict[str, np.ndarray], quad: list[np.ndarray], correct: bool, variable_cone: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Track and calorimeter isolation cuts on the four leptons of every candidate.

    With ``correct``, each lepton's stored cone sums lose the other quadruplet leptons inside
    them: their pT from the track cone (0.3, or min(0.3, 10 GeV/pT) for a variable cone) and,
    for electrons, their pT (as E_T) from the calorimeter cone of 0.2. Muons leave only a small
    calorimeter deposit that the open data do not give, so it stays in.
    """
    is_mu = f["flavour"] == 13
    track_ok = np.ones(len(quad[0]), dtype=bool)
    calo_ok = track_ok.copy()
    for x, i in enumerate(quad):
        track, calo = f["ptcone30"][i], f["etcone20"][i]
        if correct:
            cone = np.minimum(0.3, 10.0 / f["pt"][i]) if variable_cone else 0.3
            for y, j in enumerate(quad):
                if y != x:
                    dr = _delta_r(f, i, j)
                    track = track - np.where(dr < cone, f["pt"][j], 0.0)
                    calo = calo - np.where((dr < 0.2) & (f["flavour"][j] == 11), f["pt"][j], 0.0)
        track_ok &= track / f["pt"][i] < 0.15
        calo_ok &= calo / f["pt"][i] < np.where(is_mu[i], 0.30, 0.20)
    return track_ok, calo_ok


def _candidate_cuts(
    f: dict[str, np.ndarray],
    quad: list[np.ndarray],
    m12: np.ndarray,
    m34: np.ndarray,
    *,
    isolation_correction: bool = True,
    variable_cone: bool = False,
) -> tuple[list[np.ndarray | None], np.ndarray]:
    """The candidate cuts in step order from lepton_pt to vertex (None = not applicable), m4l."""
    m4l = _mass(f, *quad)
    pts = [f["pt"][k] for k in quad]
    n_above = lambda thr: sum((p > thr).astype(np.int8) for p in pts)  # noqa: E731
    pt_cut = (n_above(20) >= 1) & (n_above(15) >= 2) & (n_above(10) >= 3)
    thr = np.interp(m4l, [140.0, 190.0], [12.0, 50.0])
    dr_ok = np.ones(len(m4l), dtype=bool)
    jpsi_ok = np.ones(len(m4l), dtype=bool)
    for x, y in PAIRS:
        qa, qb = quad[x], quad[y]
        same = f["flavour"][qa] == f["flavour"][qb]
        dr_ok &= _delta_r(f, qa, qb) > np.where(same, 0.10, 0.20)
        sfos = same & (f["charge"][qa] * f["charge"][qb] < 0)
        jpsi_ok &= ~sfos | (_mass(f, qa, qb) > 5.0)
    is_mu = f["flavour"] == 13
    track, calo = _isolation(f, quad, isolation_correction, variable_cone)
    ip = _all4(quad, np.abs(f["d0sig"]) < np.where(is_mu, 3.0, 5.0))
    cuts = [
        pt_cut,
        None,
        (m12 > 50) & (m12 < 106),
        (m34 > thr) & (m34 < 115),
        dr_ok,
        jpsi_ok,
        track,
        calo,
        ip,
        None,
    ]
    return cuts, m4l


def _channels(flav1: np.ndarray, flav2: np.ndarray) -> np.ndarray:
    names = np.array(["", "4e", "4mu", "2e2mu", "2mu2e"], dtype=object)
    code = np.select(
        [
            (flav1 == 11) & (flav2 == 11),
            (flav1 == 13) & (flav2 == 13),
            (flav1 == 11) & (flav2 == 13),
            (flav1 == 13) & (flav2 == 11),
        ],
        [1, 2, 3, 4],
        0,
    )
    return names[code]


def _best(alive: np.ndarray, event: np.ndarray, m12: np.ndarray, m34: np.ndarray) -> np.ndarray:
    """Index of each event's best surviving candidate: min |m12 - mZ|, then min |m34 - mZ|."""
    idx = np.flatnonzero(alive)
    order = idx[np.lexsort((np.abs(m34[idx] - MZ), np.abs(m12[idx] - MZ), event[idx]))]
    ev = event[order]
    return order[np.r_[True, ev[1:] != ev[:-1]]] if len(order) else order


def process(
    events: ak.Array,
    *,
    triggers: tuple[str, ...],
    has_loose: bool,
    isolation_correction: bool = True,
    variable_cone: bool = False,
) -> ChunkResult:
    n = len(events)
    masks = [np.ones(n, dtype=bool)]
    trig = np.zeros(n, dtype=bool) if triggers else np.ones(n, dtype=bool)
    for t in triggers:
        trig |= to_numpy_bool(events[t])
    masks.append(trig)
    f, n_good = _flat_good(events.leptons, has_loose, trig)
    masks.append(trig & (n_good >= 4))
    quad, event, m12, m34 = _quadruplets(f, n)
    cuts, m4l = _candidate_cuts(
        f, quad, m12, m34, isolation_correction=isolation_correction, variable_cone=variable_cone
    )
    has = lambda alive: np.bincount(event[alive], minlength=n).astype(bool)  # noqa: E731
    alive = np.ones(len(event), dtype=bool)
    masks.append(masks[-1] & has(alive))
    for cut in cuts:
        if cut is not None:
            alive &= cut
        masks.append(masks[-1] & has(alive))
    best = _best(alive, event, m12, m34)
    best_m4l = np.full(n, np.nan)
    best_m4l[event[best]] = m4l[best]
    flav1 = np.zeros(n, dtype=np.int64)
    flav2 = np.zeros(n, dtype=np.int64)
    flav1[event[best]] = f["flavour"][quad[0][best]]
    flav2[event[best]] = f["flavour"][quad[2][best]]
    masks.append(masks[-1].copy())  # best_quadruplet: choosing one candidate drops no event
    with np.errstate(invalid="ignore"):
        masks.append(masks[-1] & (best_m4l > 118.0) & (best_m4l < 129.0))
    return ChunkResult(
        masks=masks, m4l=best_m4l, channel=_channels(flav1, flav2), hist_mask=masks[-2]
    )
