"""The ATLAS H->ZZ*->4l event selection (arXiv:1712.02304, arXiv:1708.02810), by hand.

Written from the papers' selection as summarised in ``shared/facts/hzz4l-paper-selection.md``,
on the canonical open-data fields. Every interpretation is listed in ``baselines/README.md``.
Plain awkward/numpy; candidates (quadruplets) are jagged arrays per event and an event
passes a step when at least one of its quadruplets survives every cut so far.
"""

from __future__ import annotations

from functools import partial

import awkward as ak
import numpy as np

from baselines.common import (
    MZ,
    ChunkResult,
    HistSpec,
    Plan,
    Step,
    delta_r,
    inv_mass,
    lepton_p4,
    to_numpy_bool,
)

NAME = "hzz4l_paper"
NO_VERTEX = "the open data hold no four-lepton vertex fit (chi2/ndof)"
NO_MUON_TYPE = "the open data hold no calorimeter-tagged / stand-alone muon flags"
TRIGGERS = ("trig_e", "trig_m", "trig_ee", "trig_mm", "trig_em")
PAIRS = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
LEPTON_FIELDS = ("pt", "eta", "phi", "e", "charge", "flavour", "z0", "d0", "d0sig", "ptcone30",
                 "etcone20")


def steps(provides: set[str]) -> list[Step]:
    # the open data have neither; a dataset that had them would need this baseline extended
    calo = vertex = False
    return [
        Step("all", "all events read"),
        Step("trigger", "single-, di- or tri-lepton trigger (OR of the trigger flags present)"),
        Step("n_leptons", "at least four preselected leptons (e: pT>7, |eta|<2.47; mu: pT>5, "
                          "|eta|<2.7, |d0|<1 mm; loose ID; |z0 sin(theta)|<0.5 mm)"),
        Step("quadruplet", "two same-flavour opposite-sign pairs sharing no lepton"),
        Step("lepton_pt", "three highest-pT quadruplet leptons above 20, 15, 10 GeV"),
        Step("muon_types", "at most one calo-tagged or stand-alone muon", calo,
             None if calo else NO_MUON_TYPE),
        Step("m12", "50 < m12 < 106 GeV (Z1 = pair closest to the Z mass)"),
        Step("m34", "m_thr(m4l) < m34 < 115 GeV, m_thr 12 -> 50 GeV for m4l 140 -> 190 GeV"),
        Step("delta_r", "Delta R > 0.10 same flavour, > 0.20 different flavour, all pairs"),
        Step("jpsi_veto", "every SFOS pair of the quadruplet above 5 GeV"),
        Step("track_isolation", "ptcone30/pT < 0.15 for the four leptons"),
        Step("calo_isolation", "etcone20/pT < 0.30 (mu) / 0.20 (e)"),
        Step("impact_parameter", "|d0|/sigma(d0) < 3 (mu) / 5 (e)"),
        Step("vertex", "common vertex chi2/ndof < 6 (4mu) / 9 (others)", vertex,
             None if vertex else NO_VERTEX),
        Step("best_quadruplet", "one quadruplet per event: m12 closest to mZ, then m34 closest"),
        Step("mass_window", "118 < m4l < 129 GeV"),
    ]


def plan(provides: set[str]) -> Plan:
    """The selection on a dataset that provides ``provides`` (canonical field names)."""
    trig = [t for t in TRIGGERS if t in provides]
    has_loose = "leptons.id_loose" in provides
    warnings = [
        "isolation uses the stored cones: other quadruplet leptons' contributions are not removed",
        "no final-state-radiation photon recovery (not in the open data)",
    ]
    if not has_loose:
        warnings.append("the dataset has no loose-identification flag: loose ID not applied")
    if not trig:
        warnings.append("the dataset has no trigger flags: the trigger step keeps every event")
    fields = [f"leptons.{f}" for f in LEPTON_FIELDS] + (["leptons.id_loose"] if has_loose else [])
    return Plan(
        steps=steps(provides), fields=[*fields, *trig],
        process=partial(process, triggers=tuple(trig), has_loose=has_loose),
        hist=HistSpec("m4l", "m4l [GeV] (best quadruplet, before the mass window)", 36, 80.0, 170.0),
        warnings=warnings,
    )


def _good_leptons(lep: ak.Array, has_loose: bool) -> ak.Array:
    abseta = abs(lep.eta)
    z0_ok = abs(lep.z0 / np.cosh(lep.eta)) < 0.5  # z0 sin(theta), sin(theta) = 1/cosh(eta)
    loose = lep.id_loose if has_loose else True
    ele = (lep.flavour == 11) & (lep.pt > 7) & (abseta < 2.47) & loose & z0_ok
    mu = (lep.flavour == 13) & (lep.pt > 5) & (abseta < 2.7) & loose & z0_ok & (abs(lep.d0) < 1.0)
    return lep[ele | mu]


def _quadruplets(good: ak.Array, p4: dict[str, ak.Array]) -> tuple[ak.Array, ...]:
    """(z1a, z1b, z2a, z2b, m12, m34) per candidate; Z1 is the pair closer to mZ."""
    i, j = ak.unzip(ak.argcombinations(good, 2))
    sfos = (good.flavour[i] == good.flavour[j]) & (good.charge[i] * good.charge[j] < 0)
    pi, pj = i[sfos], j[sfos]
    a, b = ak.unzip(ak.argcombinations(pi, 2))
    ai, aj, bi, bj = pi[a], pj[a], pi[b], pj[b]
    disjoint = (ai != bi) & (ai != bj) & (aj != bi) & (aj != bj)
    ai, aj, bi, bj = ai[disjoint], aj[disjoint], bi[disjoint], bj[disjoint]
    ma, mb = inv_mass(p4, ai, aj), inv_mass(p4, bi, bj)
    a_first = abs(ma - MZ) <= abs(mb - MZ)
    return (ak.where(a_first, ai, bi), ak.where(a_first, aj, bj), ak.where(a_first, bi, ai),
            ak.where(a_first, bj, aj), ak.where(a_first, ma, mb), ak.where(a_first, mb, ma))


def _per_lepton(quad: tuple[ak.Array, ...], test) -> ak.Array:  # type: ignore[no-untyped-def]
    return test(quad[0]) & test(quad[1]) & test(quad[2]) & test(quad[3])


def _candidate_cuts(good: ak.Array, p4: dict[str, ak.Array], quad: tuple[ak.Array, ...],
                    ) -> tuple[list[ak.Array | None], ak.Array]:
    """The cumulative candidate cuts in step order (None = not applicable) and m4l."""
    m12, m34 = quad[4], quad[5]
    m4l = inv_mass(p4, *quad[:4])
    pts = [good.pt[k] for k in quad[:4]]
    n_above = lambda thr: sum(ak.values_astype(p > thr, np.int32) for p in pts)  # noqa: E731
    pt_cut = (n_above(20) >= 1) & (n_above(15) >= 2) & (n_above(10) >= 3)
    flat = ak.to_numpy(ak.flatten(m4l))
    thr = ak.unflatten(np.interp(flat, [140.0, 190.0], [12.0, 50.0]), ak.num(m4l))
    dr_ok, jpsi_ok = True, True
    for x, y in PAIRS:
        qa, qb = quad[x], quad[y]
        same = good.flavour[qa] == good.flavour[qb]
        dr_ok = dr_ok & (delta_r(p4, qa, qb) > ak.where(same, 0.10, 0.20))
        sfos = same & (good.charge[qa] * good.charge[qb] < 0)
        jpsi_ok = jpsi_ok & (~sfos | (inv_mass(p4, qa, qb) > 5.0))
    is_mu = lambda k: good.flavour[k] == 13  # noqa: E731
    track = _per_lepton(quad, lambda k: good.ptcone30[k] / good.pt[k] < 0.15)
    calo = _per_lepton(quad, lambda k: good.etcone20[k] / good.pt[k] < ak.where(is_mu(k), 0.30, 0.20))
    ip = _per_lepton(quad, lambda k: abs(good.d0sig[k]) < ak.where(is_mu(k), 3.0, 5.0))
    cuts = [pt_cut, None, (m12 > 50) & (m12 < 106), (m34 > thr) & (m34 < 115), dr_ok, jpsi_ok,
            track, calo, ip, None]
    return cuts, m4l


def _channels(flav1: np.ndarray, flav2: np.ndarray) -> np.ndarray:
    names = np.array(["", "4e", "4mu", "2e2mu", "2mu2e"], dtype=object)
    code = np.select([(flav1 == 11) & (flav2 == 11), (flav1 == 13) & (flav2 == 13),
                      (flav1 == 11) & (flav2 == 13), (flav1 == 13) & (flav2 == 11)], [1, 2, 3, 4], 0)
    return names[code]


def process(events: ak.Array, *, triggers: tuple[str, ...], has_loose: bool) -> ChunkResult:
    n = len(events)
    masks = [np.ones(n, dtype=bool)]
    trig = np.zeros(n, dtype=bool) if triggers else np.ones(n, dtype=bool)
    for t in triggers:
        trig |= to_numpy_bool(events[t])
    masks.append(trig)
    good = _good_leptons(events.leptons, has_loose)
    masks.append(trig & (ak.to_numpy(ak.num(good)) >= 4))
    p4 = lepton_p4(good)
    quad = _quadruplets(good, p4)
    cuts, m4l = _candidate_cuts(good, p4, quad)
    alive = ak.ones_like(quad[4], dtype=bool)
    masks.append(masks[-1] & to_numpy_bool(ak.any(alive, axis=1)))
    for cut in cuts:
        if cut is not None:
            alive = alive & cut
        masks.append(masks[-1] & to_numpy_bool(ak.any(alive, axis=1)))
    d12 = ak.where(alive, abs(quad[4] - MZ), np.inf)
    tie = alive & (d12 == ak.fill_none(ak.min(d12, axis=1), np.inf))
    d34 = ak.where(tie, abs(quad[5] - MZ), np.inf)
    best = ak.argmin(d34, axis=1, keepdims=True)
    best_m4l = ak.to_numpy(ak.fill_none(ak.firsts(m4l[best]), np.nan)).astype(np.float64)
    flav1 = ak.to_numpy(ak.fill_none(ak.firsts(good.flavour[quad[0]][best]), 0))
    flav2 = ak.to_numpy(ak.fill_none(ak.firsts(good.flavour[quad[2]][best]), 0))
    masks.append(masks[-1].copy())  # best_quadruplet: choosing one candidate drops no event
    with np.errstate(invalid="ignore"):
        masks.append(masks[-1] & (best_m4l > 118.0) & (best_m4l < 129.0))
    return ChunkResult(masks=masks, m4l=best_m4l, channel=_channels(flav1, flav2),
                       hist_mask=masks[-2])
