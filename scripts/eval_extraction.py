"""Recall and precision of the extracted cuts against the development set's gold.

    python scripts/eval_extraction.py [--corpus ../shared/corpus/adl] [--gold tests/gold]
        [--json out.json] [--details]

Development set: the 8 ``corpus/adl/<analysis>/`` papers (gold = the ``select`` lines of the
hand-written ``*_CutLang.adl``) and the papers with a hand-written gold list in ``tests/gold/``
(quote, page, object, variable, op, value). Each paper is parsed and extracted with the rule-based
extractor; cuts are compared by the one scorer, :mod:`pipeline.audit.matching` (object kind,
quantity, direction, values; its docstring lists the equivalences).

Reported per paper and overall: recall, precision, recall of object-level and of event-level
gold, the number of extracted cuts marked verified and their precision (``v.prec``: the share of
verified cuts that match a gold cut - what a reviewer trusting "verified" would get), and
reachability: a gold cut is *unreachable* when its value is written nowhere in the paper's body
(counts excluded) or ``UNSTATED_BY_HAND`` lists it (checked with ``--details``); ``r.rec`` is the
recall over the reachable gold; ``v.p.sig`` is ``v.prec`` without the cuts the extractor put in
control regions (the ADL files rarely list control regions); ``p.rec`` is the recall when the cuts
the extractor read but the selection language cannot state (moved to ``unresolved`` as 'not
expressible') are counted too.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.audit.matching import (  # noqa: E402
    Key,
    keys_of,
    load_gold,
    matches,
    parse_adl,
    proposal_keys,
    ratio,
    score_keys,
)
from pipeline.selection.models import Cut  # noqa: E402

PAPERS = {  # analysis folder -> the PDF of the paper the ADL describes
    "CMS-SUS-16-017": "1812.06302.pdf",
    "CMS-SUS-16-032": "SUS-16-032-paper-v27.pdf",
    "CMS-SUS-16-035": "1704.07323.pdf",
    "CMS-SUS-16-037": "1705.04673.pdf",
    "CMS-SUS-16-042": "1709.09814.pdf",
    "CMS-SUS-16-043": "1706.09933.pdf",
    "CMS-SUS-16-046": "1711.08008.pdf",
    "CMS-SUS-16-047": "1707.06193.pdf",
}
GOLD_DIR = ROOT / "tests" / "gold"  # hand-written gold lists of the other shared papers


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
    closed = (
        "http://127.0.0.1:9"  # nothing listens there: a cited paper not mirrored stays unresolved
    )
    return replace(
        load_settings(),
        home=workdir / "home",
        mirror=workdir / "mirror",
        arxiv_api_url=closed,
        arxiv_export_url=closed,
        network_timeout=2.0,
    )


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
        missed.append(
            {
                "gold": str(g),
                "nearest": _quote(near[0]) if near else "-",
                "nearest_key": str(next((k for k, c in keyed if c is near[0]), "-"))
                if near
                else "-",
                "text": " || ".join(h[:220] for h in hits) or "-",
            }
        )
    unmatched = [
        {"extracted": str(k), "quote": _quote(c), "status": str(c.status)}
        for k, c in keyed
        if not any(matches(k, g) for g in gold)
    ]
    return {"missed": missed, "unmatched": unmatched}


def _quote(cut: Cut) -> str:
    quote = cut.provenance.quote if cut.provenance is not None else ""
    return (quote or "")[:240]


# Gold cuts checked by hand (--details) as not stated in the paper in a form the text supports,
# although their value is written somewhere in it (for another quantity, a rate, a bin or a
# reference title). Gold cuts whose values appear nowhere in the paper's body are found
# automatically (``_unstated``).
UNSTATED_BY_HAND = {
    "CMS-SUS-16-017": {
        "('tau', 'eta', 'upper', (2.5,))": "paper: tau_h |eta| < 2.4",
        "('tau', 'pt', 'lower', (18.0,))": "paper: 20 GeV",
        "('muon', 'd0', 'upper', (0.2,))": "0.2 is an R^2 bin edge",
        "('muon', 'reliso', 'upper', (0.2,))": "idem",
        "('electron', 'reliso', 'upper', (0.1,))": "0.1 is a mistag rate",
        "('electron', 'z0', 'upper', (0.1,))": "idem",
        "('muon', 'z0', 'upper', (0.1,))": "idem",
        "('muon', 'softid', 'eq', (1.0,))": "ADL-only identification flag",
        "('jet', 'fmegajets', 'eq', (2.0,))": "ADL construct",
        "('photon', 'fmegajets', 'eq', (2.0,))": "ADL construct",
        "('tau', 'dmvanewdm2017v2', 'lower', (4.0,))": "NanoAOD tau ID working point",
    },
    "CMS-SUS-16-042": {
        "('electron', 'pt', 'range', (10.0, 25.0))": (
            "paper: veto leptons pT > 10 GeV (no upper edge)"
        ),
        "('muon', 'pt', 'range', (10.0, 25.0))": "idem",
        "('muon', 'eta', 'upper', (2.1,))": "2.1 only in a reference",
        "('electron', 'd0', 'upper', (2.0,))": "no impact-parameter value in the paper",
        "('muon', 'd0', 'upper', (2.0,))": "idem",
        "('event', 'ht', 'lower', (750.0,))": "750 only in a reference",
    },
    "CMS-SUS-16-043": {
        "('electron', 'pt', 'range', (5.0, 30.0))": (
            "paper: second lepton pT > 5 GeV (no upper edge)"
        ),
        "('muon', 'pt', 'range', (5.0, 25.0))": "idem",
        "('tau', 'eta', 'upper', (2.4,))": "no tau eta in the paper",
        "('tau', 'tautag', 'eq', (1.0,))": "ADL flag; paper: hadronically decaying tau leptons",
    },
    "CMS-SUS-16-037": {
        "('jet', 'pt', 'lower', (50.0,))": "ADL large-R jet input threshold, not in the paper"
    },
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


def _dev_set(corpus: Path, gold_dir: Path) -> list[tuple[str, Path, set[Key], str | None]]:
    """(name, pdf, gold keys, ADL folder or None) of every paper of the development set."""
    papers: list[tuple[str, Path, set[Key], str | None]] = []
    for folder, pdf_name in sorted(PAPERS.items()):
        adl = next((corpus / folder).glob("*_CutLang.adl"), None)
        pdf = corpus / folder / pdf_name
        if adl is not None and pdf.is_file():
            papers.append((folder, pdf, parse_adl(adl.read_text(encoding="utf-8")), folder))
    for path in sorted(gold_dir.glob("*.json")):
        gold = load_gold(path)
        pdf = corpus.parent / gold.paper
        if pdf.is_file():
            papers.append((path.stem, pdf, {c.key() for c in gold.cuts}, None))
    return papers


_SUMMED = (
    "gold",
    "extracted",
    "matched_gold",
    "matched_extracted",
    "object_gold",
    "object_found",
    "event_gold",
    "event_found",
    "verified",
    "verified_correct",
    "cuts",
    "unreachable",
    "reachable_matched",
    "unresolved",
    "proposed_matched",
    "signal_verified",
    "signal_verified_correct",
)


def evaluate_paper(
    doc, gold: set[Key], folder: str | None, settings, with_details: bool
) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from pipeline.extract import extract_selection
    from pipeline.extract.prompt import prompt_tokens

    sel = extract_selection(doc, backend="rules", settings=settings, cited_depth=1)
    keyed = keys_of(sel)
    row: dict[str, object] = dict(score_keys(keyed, gold))
    unstated = _unstated(gold, doc, folder) if folder else set()
    reachable = score_keys(keyed, gold - unstated)
    proposed = score_keys(
        keyed + proposal_keys(sel), gold
    )  # what was read, whether the language states it or not
    in_regions = {c.id for region in sel.regions for c in region.cuts}
    signal = score_keys(
        [(k, c) for k, c in keyed if c.id not in in_regions], gold
    )  # control regions: rarely in ADL gold
    row.update(
        signal_verified=signal["verified"],
        signal_verified_correct=signal["verified_correct"],
        signal_verified_precision=signal["verified_precision"],
    )
    row.update(
        unreachable=len(unstated),
        reachable_recall=reachable["recall"],
        reachable_matched=reachable["matched_gold"],
        proposed_matched=proposed["matched_gold"],
        proposed_recall=proposed["recall"],
    )
    if with_details:
        row["details"] = details(doc, keyed, gold)
    cuts = sel.all_cuts()
    row.update(
        cuts=len(cuts),
        grounded=ratio(sum(c.status == "verified" for c in cuts), len(cuts)),
        llm_prompt_tokens=prompt_tokens(doc),
        unresolved=len(sel.unresolved),
        cited_cuts=sum(c.provenance is not None and c.provenance.source == "cited" for c in cuts),
    )
    return row


def evaluate(
    corpus: Path, with_details: bool = False, gold_dir: Path = GOLD_DIR
) -> dict[str, object]:
    import tempfile

    settings = offline_settings(corpus, Path(tempfile.mkdtemp(prefix="eval-extraction-")))
    rows: dict[str, dict[str, object]] = {}
    totals = dict.fromkeys(_SUMMED, 0)
    for name, pdf, gold, folder in _dev_set(corpus, gold_dir):
        row = evaluate_paper(load_document(pdf), gold, folder, settings, with_details)
        rows[name] = row
        for field in _SUMMED:
            totals[field] += int(row[field])  # type: ignore[call-overload]
    overall = {
        "recall": ratio(totals["matched_gold"], totals["gold"]),
        "precision": ratio(totals["matched_extracted"], totals["extracted"]),
        "object_recall": ratio(totals["object_found"], totals["object_gold"]),
        "event_recall": ratio(totals["event_found"], totals["event_gold"]),
        "verified_precision": ratio(totals["verified_correct"], totals["verified"]),
        "reachable_recall": ratio(
            totals["reachable_matched"], totals["gold"] - totals["unreachable"]
        ),
        "proposed_recall": ratio(totals["proposed_matched"], totals["gold"]),
        "signal_verified_precision": ratio(
            totals["signal_verified_correct"], totals["signal_verified"]
        ),
        **totals,
    }
    return {"papers": rows, "overall": overall}


def _print_details(result: dict[str, object]) -> None:
    for name, row in result["papers"].items():  # type: ignore[attr-defined]
        print(f"=== {name}")
        for miss in row["details"]["missed"]:
            print(
                f"  MISSED {miss['gold']}\n    nearest {miss['nearest_key']}: {miss['nearest']}\n"
                f"    text: {miss['text']}"
            )
        for extra in row["details"]["unmatched"]:
            print(
                f"  UNMATCHED {extra['extracted']} [{extra['status']}]\n    quote: {extra['quote']}"
            )
        row.pop("details")


_COLUMNS = (
    ("gold", "gold"),
    ("extr", "extracted"),
    ("recall", "recall"),
    ("prec", "precision"),
    ("objrec", "object_recall"),
    ("evrec", "event_recall"),
    ("verif", "verified"),
    ("v.prec", "verified_precision"),
    ("v.p.sig", "signal_verified_precision"),
    ("unreach", "unreachable"),
    ("r.rec", "reachable_recall"),
    ("unres", "unresolved"),
    ("p.rec", "proposed_recall"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "adl")
    parser.add_argument(
        "--gold", type=Path, default=GOLD_DIR, help="folder of hand-written gold lists (*.json)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    parser.add_argument(
        "--details",
        action="store_true",
        help="print, per paper, each gold cut missed and each extracted cut matching no gold cut",
    )
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"error: corpus {args.corpus} not found", file=sys.stderr)
        return 2
    result = evaluate(args.corpus, with_details=args.details, gold_dir=args.gold)
    if args.details:
        _print_details(result)
    print(f"{'paper':30} " + " ".join(f"{h:>7}" for h, _ in _COLUMNS))
    for name, row in result["papers"].items():  # type: ignore[attr-defined]
        print(f"{name:30} " + " ".join(f"{row[f]:>7}" for _, f in _COLUMNS))
    overall = result["overall"]
    print(f"{'overall':30} " + " ".join(f"{overall[f]:>7}" for _, f in _COLUMNS))  # type: ignore[index]
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
