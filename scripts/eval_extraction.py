"""Recall and precision of the extracted cuts against the hand-written ADL gold selections.

    python scripts/eval_extraction.py [--corpus ../shared/corpus/adl] [--json out.json] [--details]

For each ``corpus/adl/<analysis>/`` with a ``*_CutLang.adl`` and the paper's PDF, the
paper is parsed and extracted with the rule-based extractor, and the cuts are compared
on (object kind, quantity, operator direction, value):

* object kind: electron, muon, lepton, jet, bjet, photon, tau, track, or event; an
  extracted ``lepton`` cut matches a gold electron or muon cut (leptons = both flavours);
* quantity: pt, eta, d0, z0, reliso, btag, count, met, ht, mt, masses, or the ADL
  variable name for other event quantities; a leading-object cut is ``pt#0``;
* operator: ``>``/``>=`` count as one lower bound, ``<``/``<=`` as one upper bound
  (papers write "pT > 25 GeV" where ADL writes ``>=`` and vice versa), ``==``, and
  ranges; values equal within 0.1 %.

Equivalences of the matcher (each one is physically the same cut; nothing else is loosened):

* ``lepton`` (extracted) = electron or muon (gold): the paper states the cut for both flavours;
* ``>`` = ``>=`` and ``<`` = ``<=``: papers and ADL differ on the boundary of continuous quantities;
* gold ``mass`` (``m``, ``{a b}m``) = any extracted ``m*`` event mass (m12, mll, mbb ...);
* gold ``msoftdrop`` = extracted jet ``m``: the paper's jet mass *is* the soft-drop mass;
* gold ``dphi*`` (ADL names a specific pair, e.g. ``dphimegajets``) = extracted ``dphi`` (an
  azimuthal separation named in the sentence);
* gold ``LepT`` = extracted ``lt``: ADL defines LepT = pT(leptons[0]) + MET, the paper's L_T.

Reachability: a gold cut is *unreachable* when its value is written nowhere in the paper's body
(count cuts excluded, their small numbers are also written as words), or when ``UNSTATED_BY_HAND``
lists it (checked with ``--details``: the value appears, but for another quantity, as a rate, a bin
edge or in a reference title, or the ADL states a different value than the paper). Reported next
to plain recall: ``unreach`` (how many), ``r.rec`` and ``r.obj`` (recall over the reachable gold).

Gold = the ``select`` lines of the objects and regions the ADL subset below can read
(trivial ``Size(x) >= 0`` lines, ternaries, bins and ratios of functions are skipped).
Reported: per paper and overall recall / precision, recall of object-level cuts, the share
of extracted cuts that are grounded (verified), and the tokens the LLM path would send.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.selection.models import Cut, SelectionList  # noqa: E402

Key = tuple[str, str, str, tuple[float, ...]]
PAPERS = {  # analysis folder -> the PDF of the paper the ADL describes
    "CMS-SUS-16-017": "1812.06302.pdf", "CMS-SUS-16-032": "SUS-16-032-paper-v27.pdf",
    "CMS-SUS-16-035": "1704.07323.pdf", "CMS-SUS-16-037": "1705.04673.pdf",
    "CMS-SUS-16-042": "1709.09814.pdf", "CMS-SUS-16-043": "1706.09933.pdf",
    "CMS-SUS-16-046": "1711.08008.pdf", "CMS-SUS-16-047": "1707.06193.pdf",
}
QUANTITY = {"pt": "pt", "eta": "eta", "d0": "d0", "dxy": "d0", "dz": "z0", "z0": "z0", "btag": "btag",
            "btagdeepb": "btag", "minipfreliso": "reliso", "minipfrelisoall": "reliso", "reliso": "reliso",
            "dr": "dr", "met": "met", "ht": "ht", "size": "count", "m": "mass", "msoftdrop": "mass"}
# ADL variable names -> the paper's symbol for the same quantity (checked against the ADL `define`)
SAME_QUANTITY = {"lept": "lt"}  # LepT = pT(leptons[0]) + MET, the paper's L_T = pT^l + pTmiss
DIRECTION = {">": "lower", ">=": "lower", "<": "upper", "<=": "upper", "==": "eq", "between": "range",
             "outside": "outside", "[]": "range", "][": "outside"}


def object_kind(name: str) -> str:
    low = name.lower()
    for needle, kind in (("bjet", "bjet"), ("btag", "bjet"), ("tau", "tau"), ("pho", "photon"), ("ele", "electron"),
                         ("mu", "muon"), ("lep", "lepton"), ("track", "track"), ("jet", "jet"), ("fjet", "jet")):
        if needle in low:
            return kind
    return "other"


_SELECT = re.compile(
    r"^(?P<abs>abs\()?\s*(?:(?P<fn>\w+)\((?P<arg>[^()\[\]]*?)(?:\[(?P<rank>\d)\])?\)|\{(?P<arg2>\w+)\[(?P<rank2>\d)\]\s*\}(?P<fn2>\w+)|(?P<var>\w+))"
    r"\s*\)?\s*(?P<op>>=|<=|==|>|<|\[\]|\]\[)\s*(?P<v1>-?[\d.]+)(?:\s+(?P<v2>-?[\d.]+))?\s*(?:#.*)?$",
    re.IGNORECASE,
)


def parse_adl(text: str) -> set[Key]:
    """The gold cuts of an ADL file (the subset described in the module docstring)."""
    gold: set[Key] = set()
    current_object: str | None = None
    for raw in text.splitlines():
        line = raw.split("#")[0].strip()
        head = line.split()
        if not head:
            continue
        if head[0] == "object":
            current_object = head[1]
            continue
        if head[0] in ("region", "define"):
            current_object = None if head[0] == "region" else current_object
            continue
        if head[0] != "select" or "?" in line or " and " in line.lower() or " or " in line.lower():
            continue
        key = _gold_key(line[len("select"):].strip(), current_object)
        if key is not None:
            gold.add(key)
    return gold


def _gold_key(expr: str, obj: str | None) -> Key | None:
    match = _SELECT.match(expr)
    if match is None:
        return None
    fn = (match.group("fn") or match.group("fn2") or match.group("var") or "").lower()
    arg = match.group("arg") or match.group("arg2") or ""
    rank = match.group("rank") or match.group("rank2")
    values = tuple(float(v) for v in (match.group("v1"), match.group("v2")) if v is not None)
    direction = DIRECTION[match.group("op")]
    quantity = QUANTITY.get(fn, fn)
    if re.fullmatch(r"mt[a-z]*", quantity) and quantity != "mt2":
        quantity = "mt"  # ADL names the transverse mass per object: MTl, MTpho, MTe
    if quantity == "count":
        if values == (0.0,) and direction == "lower":
            return None  # Size(x) >= 0 only declares the collection
        return (object_kind(arg), "count", direction, values)
    if obj is not None:
        return (object_kind(obj), quantity, direction, values)
    if rank is not None:
        return (object_kind(arg), f"{quantity}#{rank}", direction, values)
    if arg and quantity in ("pt", "eta"):
        return (object_kind(arg), quantity, direction, values)
    return ("event", quantity, direction, values)


_COUNT = re.compile(r"count\((?:sfos_pairs\()?(\w+)\)?\)\s*(>=|<=|==|>|<)\s*(-?[\d.]+)")
_RANKED = re.compile(r"nth\(sort_desc\((\w+)\((\w+)\)\),\s*(\d)\)\)?\s*(>=|<=|>|<)\s*(-?[\d.]+)")
_MASS_NAMES = re.compile(r"^m(\d\d|ll|l+|bb|jj|4l|z\d?|gammagamma|eff|ass)$")


def cut_key(cut: Cut, collections: dict[str, str]) -> Key | None:
    """The comparison key of an extracted cut (None when the eval cannot read it)."""
    kind = collections.get(cut.target or "", "event")
    if cut.expr:
        count = _COUNT.search(cut.expr)
        if count:
            quantity = "sfos" if "sfos_pairs" in cut.expr else "count"
            return (collections.get(count.group(1), "other"), quantity, DIRECTION[count.group(2)], (float(count.group(3)),))
        ranked = _RANKED.search(cut.expr)
        if ranked:
            return (collections.get(ranked.group(2), "other"), f"{ranked.group(1)}#{ranked.group(3)}",
                    DIRECTION[ranked.group(4)], (float(ranked.group(5)),))
        if "ptcone30 / pt" in cut.expr:
            numbers = re.findall(r"-?\d+(?:\.\d+)?", cut.expr.split("ptcone30 / pt")[-1])
            return (kind, "reliso", "upper", (float(numbers[0]),)) if numbers else None
        return None
    if cut.variable is None or cut.op is None or cut.value is None:
        return None
    values = tuple(cut.value) if isinstance(cut.value, list) else (cut.value,)
    quantity = "mass" if _MASS_NAMES.match(cut.variable) and kind == "event" else cut.variable
    quantity = "mass" if quantity == "m" else quantity  # the mass of an object (a jet)
    return (kind, quantity, DIRECTION[cut.op], tuple(float(v) for v in values))


def keys_of(sel: SelectionList) -> list[tuple[Key, Cut]]:
    """One (key, cut) per distinct key: the same cut stated for the signal selection and again for a
    control region is one claim (the extractor dedupes within each)."""
    collections = {o.name: o.kind for o in sel.objects}
    collections.update({"electrons": "electron", "muons": "muon", "leptons": "lepton", "jets": "jet",
                        "bjets": "bjet", "photons": "photon", "taus": "tau", "tracks": "track"})
    out: dict[Key, Cut] = {}
    for cut in sel.all_cuts():
        key = cut_key(cut, collections)
        if key is not None:
            out.setdefault(key, cut)
    return list(out.items())


def matches(extracted: Key, gold: Key) -> bool:
    e_kind, e_q, e_dir, e_vals = extracted
    g_kind, g_q, g_dir, g_vals = gold
    kind_ok = e_kind == g_kind or (e_kind == "lepton" and g_kind in ("electron", "muon"))
    quantity_ok = e_q == g_q or (g_q == "mass" and e_q.startswith("m")) or (e_q == "dphi" and g_q.startswith("dphi"))
    quantity_ok = quantity_ok or SAME_QUANTITY.get(g_q) == e_q
    if not (kind_ok and quantity_ok and e_dir == g_dir and len(e_vals) == len(g_vals)):
        return False
    return all(abs(a - b) <= 1e-3 * max(1.0, abs(b)) for a, b in zip(e_vals, g_vals, strict=True))


def score(extracted: list[Key], gold: set[Key]) -> dict[str, float | int]:
    found = [g for g in gold if any(matches(e, g) for e in extracted)]
    correct = [e for e in extracted if any(matches(e, g) for g in gold)]
    object_gold = [g for g in gold if g[0] != "event" and g[1] not in ("count",) and "#" not in g[1]]
    object_found = [g for g in object_gold if g in found]
    return {
        "gold": len(gold), "extracted": len(extracted), "recall": _ratio(len(found), len(gold)),
        "precision": _ratio(len(correct), len(extracted)), "matched_gold": len(found),
        "matched_extracted": len(correct), "object_gold": len(object_gold),
        "object_recall": _ratio(len(object_found), len(object_gold)),
    }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 0.0


def load_document(pdf: Path):  # type: ignore[no-untyped-def]
    try:
        from pipeline.parse import parse_document  # type: ignore[attr-defined]
    except ImportError:
        from tests.fakes.simple_pdf import simple_document

        return simple_document(pdf)
    return parse_document(pdf)


def offline_settings(corpus: Path, workdir: Path):  # type: ignore[no-untyped-def]
    """Settings with a mirror of every arXiv PDF of the corpus and no network (cited papers)."""
    from dataclasses import replace

    from pipeline.config import load_settings
    from tests.fakes.mirror import add_to_mirror

    for pdf in corpus.glob("*/*.pdf"):
        if re.fullmatch(r"\d{4}\.\d{4,5}", pdf.stem):
            add_to_mirror(workdir / "mirror", f"arXiv:{pdf.stem}", pdf)
    closed = "http://127.0.0.1:9"  # nothing listens there: a cited paper not mirrored stays unresolved
    return replace(load_settings(), home=workdir / "home", mirror=workdir / "mirror", arxiv_api_url=closed,
                   arxiv_export_url=closed, network_timeout=2.0)


def _value_in(sentence: str, values: tuple[float, ...]) -> bool:
    numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", sentence)}
    return all(v in numbers or abs(v) in numbers for v in values)


def details(doc, keyed: list[tuple[Key, Cut]], gold: set[Key]) -> dict[str, list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    """Each gold cut missed (with the nearest extracted candidate and the paper sentences
    holding its value) and each extracted cut matching no gold cut (with its quote)."""
    from pipeline.extract.rules import sentences
    from pipeline.extract.text import squash

    text_sentences = [squash(doc.text[a:b]) for a, b in sentences(doc.text)]
    missed = []
    for g in sorted(gold, key=str):
        if any(matches(k, g) for k, _ in keyed):
            continue
        near = [c for k, c in keyed if k[1] == g[1] and (k[0] == g[0] or k[0] == "lepton")]
        near = near or [c for k, c in keyed if k[3] == g[3]]
        hits = [s for s in text_sentences if _value_in(s, g[3]) and len(s) < 600][:3]
        missed.append({"gold": str(g), "nearest": _quote(near[0]) if near else "-",
                       "nearest_key": str(next((k for k, c in keyed if c is near[0]), "-")) if near else "-",
                       "text": " || ".join(h[:220] for h in hits) or "-"})
    unmatched = [{"extracted": str(k), "quote": _quote(c)} for k, c in keyed if not any(matches(k, g) for g in gold)]
    return {"missed": missed, "unmatched": unmatched}


def _quote(cut: Cut) -> str:
    quote = cut.provenance.quote if cut.provenance is not None else ""
    return (quote or "")[:240]


# Gold cuts checked by hand (--details) as not stated in the paper in a form the text supports, although
# their value is written somewhere in it (for another quantity, a rate, a bin or a reference title).
# Gold cuts whose values appear nowhere in the paper's body are found automatically (``_unstated``).
UNSTATED_BY_HAND = {
    "CMS-SUS-16-017": {
        "('tau', 'eta', 'upper', (2.5,))": "paper: tau_h |eta| < 2.4", "('tau', 'pt', 'lower', (18.0,))": "paper: 20 GeV",
        "('muon', 'd0', 'upper', (0.2,))": "0.2 is an R^2 bin edge", "('muon', 'reliso', 'upper', (0.2,))": "idem",
        "('electron', 'reliso', 'upper', (0.1,))": "0.1 is a mistag rate", "('electron', 'z0', 'upper', (0.1,))": "idem",
        "('muon', 'z0', 'upper', (0.1,))": "idem", "('muon', 'softid', 'eq', (1.0,))": "ADL-only identification flag",
        "('jet', 'fmegajets', 'eq', (2.0,))": "ADL construct", "('photon', 'fmegajets', 'eq', (2.0,))": "ADL construct",
        "('tau', 'dmvanewdm2017v2', 'lower', (4.0,))": "NanoAOD tau ID working point",
    },
    "CMS-SUS-16-042": {
        "('electron', 'pt', 'range', (10.0, 25.0))": "paper: veto leptons pT > 10 GeV (no upper edge)",
        "('muon', 'pt', 'range', (10.0, 25.0))": "idem", "('muon', 'eta', 'upper', (2.1,))": "2.1 only in a reference",
        "('electron', 'd0', 'upper', (2.0,))": "no impact-parameter value in the paper",
        "('muon', 'd0', 'upper', (2.0,))": "idem",
        "('event', 'ht', 'lower', (750.0,))": "750 only in a reference",
    },
    "CMS-SUS-16-043": {
        "('electron', 'pt', 'range', (5.0, 30.0))": "paper: second lepton pT > 5 GeV (no upper edge)",
        "('muon', 'pt', 'range', (5.0, 25.0))": "idem", "('tau', 'eta', 'upper', (2.4,))": "no tau eta in the paper",
        "('tau', 'tautag', 'eq', (1.0,))": "ADL flag; paper: hadronically decaying tau leptons",
    },
    "CMS-SUS-16-037": {"('jet', 'pt', 'lower', (50.0,))": "ADL large-R jet input threshold, not in the paper"},
}


def _unstated(gold: set[Key], doc, folder: str) -> set[Key]:  # type: ignore[no-untyped-def]
    """Gold cuts the rules cannot reach: a value written nowhere in the paper's body (counts, whose
    small numbers are also written as words, are never counted here), or checked by hand above."""
    from pipeline.extract.sections import body_end

    body = doc.text[: body_end(doc)]
    numbers = {float(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?", body)}
    by_hand = UNSTATED_BY_HAND.get(folder, {})
    out = set()
    for key in gold:
        if str(key) in by_hand or key[1] != "count" and not all(v in numbers for v in key[3]):
            out.add(key)
    return out


def evaluate(corpus: Path, with_details: bool = False) -> dict[str, object]:
    import tempfile

    from pipeline.extract import extract_selection
    from pipeline.extract.prompt import prompt_tokens

    settings = offline_settings(corpus, Path(tempfile.mkdtemp(prefix="eval-extraction-")))

    rows: dict[str, dict[str, object]] = {}
    totals = {"gold": 0, "extracted": 0, "matched_gold": 0, "matched_extracted": 0, "object_gold": 0,
              "object_found": 0, "cuts": 0, "verified": 0, "unreachable": 0, "reachable_matched": 0,
              "reachable_object_gold": 0, "reachable_object_found": 0}
    for folder, pdf_name in sorted(PAPERS.items()):
        adl = next((corpus / folder).glob("*_CutLang.adl"), None)
        pdf = corpus / folder / pdf_name
        if adl is None or not pdf.is_file():
            continue
        doc = load_document(pdf)
        sel = extract_selection(doc, backend="rules", settings=settings, cited_depth=1)
        keyed = keys_of(sel)
        gold = parse_adl(adl.read_text(encoding="utf-8"))
        row = score([k for k, _ in keyed], gold)
        unstated = _unstated(gold, doc, folder)
        reachable = score([k for k, _ in keyed], gold - unstated)
        row.update(unreachable=len(unstated), reachable_recall=reachable["recall"],
                   reachable_matched=reachable["matched_gold"], reachable_object_gold=reachable["object_gold"],
                   reachable_object_recall=reachable["object_recall"])
        if with_details:
            row["details"] = details(doc, keyed, gold)
        cuts = sel.all_cuts()
        row["grounded"] = _ratio(sum(c.status == "verified" for c in cuts), len(cuts))
        row["llm_prompt_tokens"] = prompt_tokens(doc)
        row["cited_cuts"] = sum(c.provenance is not None and c.provenance.source == "cited" for c in cuts)
        row["unresolved"] = len(sel.unresolved)
        rows[folder] = row
        for name in ("gold", "extracted", "matched_gold", "matched_extracted", "object_gold"):
            totals[name] += int(row[name])  # type: ignore[call-overload]
        totals["object_found"] += round(float(row["object_recall"]) * int(row["object_gold"]))  # type: ignore[arg-type]
        for name in ("unreachable", "reachable_matched", "reachable_object_gold"):
            totals[name] += int(row[name])  # type: ignore[call-overload]
        totals["reachable_object_found"] += round(
            float(row["reachable_object_recall"]) * int(row["reachable_object_gold"]))  # type: ignore[arg-type]
        totals["cuts"] += len(cuts)
        totals["verified"] += sum(c.status == "verified" for c in cuts)
    overall = {
        "recall": _ratio(totals["matched_gold"], totals["gold"]),
        "precision": _ratio(totals["matched_extracted"], totals["extracted"]),
        "object_recall": _ratio(totals["object_found"], totals["object_gold"]),
        "grounded": _ratio(totals["verified"], totals["cuts"]),
        "reachable_recall": _ratio(totals["reachable_matched"], totals["gold"] - totals["unreachable"]),
        "reachable_object_recall": _ratio(totals["reachable_object_found"], totals["reachable_object_gold"]), **totals,
    }
    return {"papers": rows, "overall": overall}


def _print_details(result: dict[str, object]) -> None:
    for name, row in result["papers"].items():  # type: ignore[attr-defined]
        print(f"=== {name}")
        for miss in row["details"]["missed"]:
            print(f"  MISSED {miss['gold']}\n    nearest {miss['nearest_key']}: {miss['nearest']}\n"
                  f"    text: {miss['text']}")
        for extra in row["details"]["unmatched"]:
            print(f"  UNMATCHED {extra['extracted']}\n    quote: {extra['quote']}")
        row.pop("details")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "adl")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    parser.add_argument("--details", action="store_true",
                        help="print, per paper, each gold cut missed and each extracted cut matching no gold cut")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"error: corpus {args.corpus} not found", file=sys.stderr)
        return 2
    result = evaluate(args.corpus, with_details=args.details)
    if args.details:
        _print_details(result)
    head = ("paper", "gold", "extr", "recall", "prec", "objrec", "unreach", "r.rec", "r.obj", "ground", "tokens")
    print(f"{head[0]:16} " + " ".join(f"{h:>7}" for h in head[1:]))
    for name, row in result["papers"].items():  # type: ignore[union-attr]
        cells = (row["gold"], row["extracted"], row["recall"], row["precision"], row["object_recall"],
                 row["unreachable"], row["reachable_recall"], row["reachable_object_recall"], row["grounded"],
                 row["llm_prompt_tokens"])
        print(f"{name:16} " + " ".join(f"{c:>7}" for c in cells))
    o = result["overall"]
    cells = (o["gold"], o["extracted"], o["recall"], o["precision"], o["object_recall"], o["unreachable"],  # type: ignore[index]
             o["reachable_recall"], o["reachable_object_recall"], o["grounded"], "")  # type: ignore[index]
    print(f"{'overall':16} " + " ".join(f"{c:>7}" for c in cells))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
