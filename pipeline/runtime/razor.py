"""Named variables of the literature: razor megajets, M_R, M_T^R, R^2, alpha_T and MT2.

* megajets (CMS razor, arXiv:1006.2727): the jets of an event split into two groups so
  that the sum of the squared invariant masses of the two summed four-vectors is the
  smallest; the two megajets come by decreasing pt.
* M_R = sqrt((E1 + E2)^2 - (pz1 + pz2)^2); M_T^R = sqrt((MET (pt1 + pt2) - MET.(pt1 + pt2)) / 2);
  R^2 = (M_T^R / M_R)^2 (CMS, PRD 85 (2012) 012004).
* alpha_T (CMS, arXiv:1101.1628): 0.5 (HT - Delta HT) / sqrt(HT^2 - MHT^2), Delta HT the
  smallest difference of the scalar pt sums of two pseudo-jets over all splittings.
* MT2 (Lester and Summers, hep-ph/9906349): the stransverse mass of two visible objects and
  the missing momentum, by the Lester-Nachman bisection of the ``mt2`` package
  (arXiv:1411.4312), invisible particles of an assumed common mass.

The partition searches loop over events in Python and over 2^(n-1) splittings with numpy:
fine for tens of jets per event and thousands of events, not a hot path.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import awkward as ak
import numpy as np

from pipeline.runtime import candidates as fc
from pipeline.runtime.kinematics import make_object
from pipeline.runtime.vectors import p4

MAX_JETS = 16  # 2^15 splittings per event; beyond this the leading MAX_JETS jets are used


@cache
def _splittings(n: int) -> np.ndarray:
    """Boolean (2^(n-1) - 1, n) table: every split into two non-empty groups, each once."""
    codes = np.arange(1, 2 ** (n - 1))
    return ((codes[:, None] >> np.arange(n)) & 1).astype(bool)


def _event_components(c: Any) -> tuple[list[np.ndarray], np.ndarray]:
    c = fc.to_awkward(c)
    counts = ak.to_numpy(ak.num(c, axis=1))
    comps = [ak.to_numpy(ak.flatten(x, axis=1)).astype(np.float64) for x in p4(c)]
    return comps, counts


def megajets(c: Any) -> Any:
    """Per event, the two megajets (a list of two objects, by decreasing pt); empty below two
    jets."""
    (px, py, pz, e), counts = _event_components(c)
    out = np.full((len(counts), 2, 4), np.nan)
    start = 0
    for event, n in enumerate(counts):
        stop = start + n
        k = min(int(n), MAX_JETS)
        if k >= 2:
            vec = np.stack(
                [
                    px[start : start + k],
                    py[start : start + k],
                    pz[start : start + k],
                    e[start : start + k],
                ],
                axis=1,
            )
            groups = _splittings(k)
            a = groups.astype(np.float64) @ vec
            b = vec.sum(axis=0) - a
            cost = _m2(a) + _m2(b)
            best = int(np.argmin(cost))
            pair = sorted((a[best], b[best]), key=lambda v: -np.hypot(v[0], v[1]))
            out[event] = pair
        start = stop
    has = ~np.isnan(out[:, 0, 0])
    flat = out[has].reshape(-1, 4)
    objects = make_object(*(flat[:, i] for i in range(4)))
    return ak.unflatten(objects, np.where(has, 2, 0))


def _m2(v: np.ndarray) -> np.ndarray:
    return v[:, 3] ** 2 - v[:, 0] ** 2 - v[:, 1] ** 2 - v[:, 2] ** 2


def _two(p: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The four-vectors of the two members: of a pair, or the first two objects of a list."""
    if "first" in ak.fields(p):
        return p4(p["first"]), p4(p["second"])
    padded = ak.pad_none(p, 2, axis=-1)
    return p4(padded[..., 0]), p4(padded[..., 1])


def razor_mr(p: Any) -> Any:
    """M_R of a pair of (mega)jets."""
    a, b = _two(fc.to_awkward(p))
    return np.sqrt(np.maximum((a[3] + b[3]) ** 2 - (a[2] + b[2]) ** 2, 0.0))


def razor_mtr(p: Any, met: Any) -> Any:
    """M_T^R of a pair of (mega)jets and the missing momentum object."""
    a, b = _two(fc.to_awkward(p))
    met = fc.to_awkward(met)
    mpt, mphi = met["pt"], met["phi"]
    pt_sum = np.hypot(a[0], a[1]) + np.hypot(b[0], b[1])
    dot = mpt * np.cos(mphi) * (a[0] + b[0]) + mpt * np.sin(mphi) * (a[1] + b[1])
    return np.sqrt(np.maximum((mpt * pt_sum - dot) / 2.0, 0.0))


def razor_r2(p: Any, met: Any) -> Any:
    """R^2 = (M_T^R / M_R)^2."""
    return (razor_mtr(p, met) / razor_mr(p)) ** 2


def alpha_t(c: Any) -> Any:
    """alpha_T of the jets of each event; NaN below two jets."""
    (px, py, _, _), counts = _event_components(c)
    pt = np.hypot(px, py)
    out = np.full(len(counts), np.nan)
    start = 0
    for event, n in enumerate(counts):
        k = min(int(n), MAX_JETS)
        if k >= 2:
            pts = pt[start : start + k]
            ht = pts.sum()
            mht2 = px[start : start + k].sum() ** 2 + py[start : start + k].sum() ** 2
            share = _splittings(k).astype(np.float64) @ pts
            delta = np.min(np.abs(ht - 2.0 * share))
            out[event] = 0.5 * (ht - delta) / np.sqrt(ht * ht - mht2) if ht * ht > mht2 else np.inf
        start += int(n)
    return out


def _per_event(x: Any) -> tuple[np.ndarray, ...]:
    """(m, px, py) of one object per event as float64 numpy; NaN where there is none."""
    px, py, pz, e = p4(fc.to_awkward(x))
    out = []
    for comp in (px, py, pz, e):
        if isinstance(comp, ak.Array):
            if comp.ndim != 1:
                raise ValueError("mt2 takes one object per event (e.g. nth(leptons, 0))")
            comp = ak.to_numpy(ak.fill_none(comp, np.nan))
        out.append(np.asarray(comp, dtype=np.float64))
    px, py, pz, e = out
    m = np.sqrt(np.maximum(e * e - px * px - py * py - pz * pz, 0.0))
    return m, px, py


def mt2(a: Any, b: Any, miss: Any, m_invis: Any = 0.0) -> Any:
    """MT2 of visible objects ``a`` and ``b`` (one per event) and the missing momentum object;
    NaN where an object is missing."""
    from mt2 import mt2 as lester_mt2  # a compiled ufunc: imported when first used

    m1, px1, py1 = _per_event(a)
    m2, px2, py2 = _per_event(b)
    _, pxm, pym = _per_event(miss)
    known = ~(np.isnan(px1) | np.isnan(px2) | np.isnan(pxm))
    out = np.full(len(px1), np.nan)
    mi = float(m_invis)
    out[known] = lester_mt2(
        m1[known],
        px1[known],
        py1[known],
        m2[known],
        px2[known],
        py2[known],
        pxm[known],
        pym[known],
        mi,
        mi,
    )
    return out
