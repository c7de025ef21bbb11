"""``statementqa eval``: run the whole pipeline over a QA test set and write
``predictions.jsonl`` (streamed, one line per question, flushed as it goes), ``metrics.json``,
``report.md`` and PNG plots (reliability diagram, latency histogram, F1 by category).

Also ``--compare A B`` (side-by-side table of two metrics.json) and ``--gate FLOORS`` (exit 1
when a metric falls below its floor). Deterministic: no sampling anywhere in the pipeline.
"""
from __future__ import annotations

import json
import logging
import math
import os
import sys
import time
from pathlib import Path

from retrieval.errors import UserError

from .dataset import Dataset, Item, load_dataset
from .metrics import (
    best_threshold,
    citation_pr,
    expected_calibration_error,
    percentile,
    roc_auc,
    score_answer,
)

log = logging.getLogger(__name__)
DEFAULT_DATASET = Path(__file__).resolve().parent / "data" / "statement_qa.jsonl"
DEFAULT_FLOORS = Path(__file__).resolve().parent / "floors.json"
HEADLINE = [
    ("exact", "EM"), ("f1", "F1"), ("has_ans_exact", "HasAns EM"), ("has_ans_f1", "HasAns F1"),
    ("no_ans_accuracy", "NoAns acc"), ("best_f1", "best-threshold F1"), ("noans_roc_auc", "NoAns ROC AUC"), ("citation_precision", "citation P"),
    ("citation_recall", "citation R"), ("answer_in_citation", "answer in cited sentences"),
    ("gold_in_citation", "gold answer in cited sentences"),
    ("retrieval_recall_at_k", "retrieval recall@k"), ("retrieval_mrr", "retrieval MRR"),
    ("abstention_precision", "abstention P"), ("abstention_recall", "abstention R"),
    ("abstention_accuracy", "abstention accuracy"), ("ece", "ECE"), ("latency_p50_ms", "latency p50 ms"),
    ("latency_p95_ms", "latency p95 ms"),
]


def _mean(xs):
    xs = [x for x in xs if x is not None and not (isinstance(x, float) and math.isnan(x))]
    return sum(xs) / len(xs) if xs else None


def _squad_corpus(ds: Dataset, out: Path) -> Path:
    """One document per SQuAD paragraph, written under the output folder (re-used if unchanged)."""
    d = out / "corpus"
    d.mkdir(parents=True, exist_ok=True)
    want = {f"{name}.txt" for name in ds.paragraphs}
    for p in d.glob("*.txt"):
        if p.name not in want:
            p.unlink()
    for name, text in ds.paragraphs.items():
        f = d / f"{name}.txt"
        if not f.exists() or f.read_text(encoding="utf-8") != text:
            f.write_text(text, encoding="utf-8")
    return d


def _gold_answer(pl, item: Item):
    """Read the item's own paragraph (no retrieval); the same reader and the same ``assemble()``
    (confidence, threshold, citations) as the app."""
    from reader.assemble import assemble
    from reader.squad import gold_index

    t0 = time.perf_counter()
    idx, passages = gold_index(item.context)
    out = pl.reader.read(item.question, passages)
    ans = assemble(item.question, passages, out, idx, pl.reader.calibration, None, pl.settings.threshold)
    ans.timings_ms = {"total": (time.perf_counter() - t0) * 1e3}
    return ans


def run(pl, ds: Dataset, out: Path, gold_context: bool = False, progress: bool = True, k: int | None = None) -> dict:
    from tqdm import tqdm

    out.mkdir(parents=True, exist_ok=True)
    rows = []
    pred_path = out / "predictions.jsonl"
    tmp = out / "predictions.jsonl.partial"
    k_used = k or pl.settings.k
    by_id = {} if gold_context else {p.passage_id: p for p in pl.index.passages}  # once, not per question
    with open(tmp, "w", encoding="utf-8") as f:
        for item in tqdm(ds.items, desc="questions", unit="q", disable=not progress, file=sys.stderr):
            try:
                ans = _gold_answer(pl, item) if gold_context else pl.ask(item.question, k_used)
            except UserError as e:  # a question the pipeline refuses counts as an abstention
                log.warning("%s: %s", item.id, e)
                from retrieval.types import Answer

                ans = Answer(item.question, "", 0.0, True)
            retrieved_sents: list[list[str]] = []
            if not gold_context:
                for pid in ans.retrieved:
                    p = by_id[pid]
                    retrieved_sents.append([pl.index.sentence(p.doc_id, i).text for i in p.sentence_idxs])
            rec = {
                "id": item.id, "question": item.question, "answer": ans.text, "abstained": ans.abstained,
                "confidence": round(ans.confidence, 4),
                "citations": [c.to_dict() for c in ans.citations], "related": [c.to_dict() for c in ans.related],
                "retrieved": ans.retrieved, "latency_ms": round(ans.timings_ms.get("total", 0.0), 2),
                "timings_ms": {kk: round(v, 2) for kk, v in ans.timings_ms.items()},
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            f.flush()
            doc_text = None
            if ans.doc_id is not None:
                doc_text = item.context if gold_context else pl.index.docs[ans.doc_id].text
            rows.append((item, ans, retrieved_sents, doc_text))
    os.replace(tmp, pred_path)
    metrics = compute_metrics(rows, k_used, gold_context)
    metrics["dataset"] = {"kind": ds.kind, "questions": len(ds.items), "skipped_lines": len(ds.problems)}
    metrics["settings"] = {"reader": pl.settings.reader, "embedder": pl.settings.embedder, "k": k_used,
                           "gold_context": gold_context, "threshold": pl.reader.calibration.get("threshold") if pl.settings.threshold is None else pl.settings.threshold}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    plots(rows, metrics, out)
    (out / "report.md").write_text(report(metrics, out), encoding="utf-8")
    return metrics


def compute_metrics(rows, k: int, gold_context: bool) -> dict:
    ems, f1s, has, forced_f1, conf, correct, lat = [], [], [], [], [], [], []
    cp, cr, inside, r_at_k, mrr, abst, gold_in = [], [], [], [], [], [], []
    by_cat: dict[str, list[float]] = {}
    for item, ans, retrieved, doc_text in rows:
        pred = "" if ans.abstained else ans.text
        em, f1 = score_answer(item.answers if item.answerable else [], pred)
        ems.append(em)
        f1s.append(f1)
        has.append(item.answerable)
        abst.append(ans.abstained)
        _, ff1 = score_answer(item.answers, ans.candidate) if item.answerable else (0, 0.0)
        forced_f1.append(ff1)
        conf.append(ans.confidence)
        correct.append(bool(item.answerable and ff1 >= 0.5))
        lat.append(ans.timings_ms.get("total", 0.0))
        by_cat.setdefault(item.category, []).append(f1)
        if not ans.abstained:
            if item.answerable and item.supporting:
                p, r = citation_pr([c.text for c in ans.citations], item.supporting)
                cp.append(p)
                cr.append(r)
            if item.answerable:
                cited = " ".join(c.text for c in ans.citations)
                gold_in.append(float(any(g in cited for g in item.answers)))
            ok = bool(ans.citations) and doc_text is not None and doc_text[ans.start : ans.end] == ans.text and \
                min(c.start for c in ans.citations) <= ans.start and ans.end <= max(c.end for c in ans.citations)
            inside.append(ok)
        if not gold_context and item.answerable and item.supporting:
            sup = set(item.supporting)
            ranked_hit = [any(s in sup for s in ss) for ss in retrieved]
            r_at_k.append(float(any(ranked_hit[:k])))
            mrr.append(next((1 / i for i, h in enumerate(ranked_hit, 1) if h), 0.0))
    n = len(rows)
    nh = sum(has)
    best_f1, t_na = best_threshold(forced_f1, [1 - c for c in conf], has)
    best_em, _ = best_threshold([float(f >= 0.999) for f in forced_f1], [1 - c for c in conf], has)
    ece, bins = expected_calibration_error(conf, correct)
    n_abst = sum(abst)
    m = {
        "n": n, "n_has_ans": nh, "n_no_ans": n - nh,
        "exact": 100 * _mean(ems), "f1": 100 * _mean(f1s),
        "has_ans_exact": 100 * _mean([e for e, h in zip(ems, has) if h]) if nh else None,
        "has_ans_f1": 100 * _mean([f for f, h in zip(f1s, has) if h]) if nh else None,
        "no_ans_accuracy": 100 * _mean([e for e, h in zip(ems, has) if not h]) if n - nh else None,
        "best_f1": best_f1, "best_f1_threshold_confidence": 1 - t_na,
        "noans_roc_auc": roc_auc(conf, has),
        "citation_precision": 100 * _mean(cp) if cp else None,
        "citation_recall": 100 * _mean(cr) if cr else None,
        "answer_in_citation": 100 * _mean([float(x) for x in inside]) if inside else None,
        "gold_in_citation": 100 * _mean(gold_in) if gold_in else None,
        "retrieval_recall_at_k": 100 * _mean(r_at_k) if r_at_k else None,
        "retrieval_mrr": _mean(mrr) if mrr else None,
        "abstention_precision": 100 * sum(1 for a, h in zip(abst, has) if a and not h) / n_abst if n_abst else None,
        "abstention_recall": 100 * sum(1 for a, h in zip(abst, has) if a and not h) / (n - nh) if n - nh else None,
        "abstention_accuracy": 100 * _mean([float(a == (not h)) for a, h in zip(abst, has)]),
        "ece": ece, "reliability": bins,
        "latency_p50_ms": percentile(lat, 50), "latency_p95_ms": percentile(lat, 95), "latency_mean_ms": _mean(lat),
        "f1_by_category": {c: 100 * _mean(v) for c, v in sorted(by_cat.items())},
        "k": k,
    }
    return m


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 1.5 else f"{v:.1f}"
    return str(v)


def report(m: dict, out: Path) -> str:
    lines = ["# Evaluation report", "", f"Dataset: {m['dataset']['kind']}, {m['n']} questions "
             f"({m['n_has_ans']} answerable, {m['n_no_ans']} unanswerable); reader `{m['settings']['reader']}`; "
             f"k = {m['settings']['k']}; {'gold paragraph given to the reader' if m['settings']['gold_context'] else 'retrieval then reader'}; "
             f"abstention threshold (confidence) {_fmt(m['settings']['threshold'])}.", "",
             "| metric | value |", "|---|---|"]
    lines += [f"| {label} | {_fmt(m.get(key))} |" for key, label in HEADLINE]
    lines += ["", "EM/F1 in %, official SQuAD v2 definitions (normalised answers, max over gold answers, "
              "unanswerable questions score 1 only when the system abstains). Citation P/R at sentence level against "
              "the supporting sentences, over answered answerable questions. ECE over all questions, confidence of the "
              "reader's best span vs. F1 ≥ 0.5.", "", "## F1 by category", "", "| category | F1 |", "|---|---|"]
    lines += [f"| {c} | {v:.1f} |" for c, v in m["f1_by_category"].items()]
    lines += ["", "## Reliability", "", "| confidence bin | n | mean confidence | accuracy |", "|---|---|---|---|"]
    lines += [f"| {b['lo']:.1f}–{b['hi']:.1f} | {b['n']} | {b['confidence']:.2f} | {b['accuracy']:.2f} |" for b in m["reliability"]]
    lines += ["", "![reliability](reliability.png) ![latency](latency.png) ![f1 by category](f1_by_category.png)", ""]
    return "\n".join(lines)


def plots(rows, m: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    b = m["reliability"]
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.bar([x["lo"] + 0.05 for x in b], [x["accuracy"] for x in b], width=0.09, alpha=0.7, label="accuracy (F1 ≥ 0.5)")
    ax.plot([x["confidence"] for x in b], [x["accuracy"] for x in b], "o-", color="C1", label="bin mean")
    ax.set(xlabel="confidence", ylabel="accuracy", xlim=(0, 1), ylim=(0, 1), title=f"Reliability (ECE {m['ece']:.3f})")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "reliability.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.hist([r[1].timings_ms.get("total", 0.0) for r in rows], bins=30, color="C0")
    ax.axvline(m["latency_p50_ms"], color="C1", label=f"p50 {m['latency_p50_ms']:.0f} ms")
    ax.axvline(m["latency_p95_ms"], color="C3", label=f"p95 {m['latency_p95_ms']:.0f} ms")
    ax.set(xlabel="latency per question (ms)", ylabel="questions", title="Latency")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=110)
    plt.close(fig)

    cats = m["f1_by_category"]
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.barh(list(cats), list(cats.values()), color="C2")
    ax.set(xlabel="F1 (%)", xlim=(0, 100), title="F1 by category")
    fig.tight_layout()
    fig.savefig(out / "f1_by_category.png", dpi=110)
    plt.close(fig)


def compare(a: Path, b: Path) -> str:
    ma, mb = (json.loads(Path(p).read_text()) for p in (a, b))
    rows = [("metric", str(a), str(b), "Δ (B − A)")]
    for key, label in HEADLINE:
        va, vb = ma.get(key), mb.get(key)
        d = vb - va if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else None
        rows.append((label, _fmt(va), _fmt(vb), "–" if d is None else f"{d:+.3f}" if abs(d) < 1.5 else f"{d:+.1f}"))
    for c in sorted(set(ma.get("f1_by_category", {})) | set(mb.get("f1_by_category", {}))):
        va, vb = ma.get("f1_by_category", {}).get(c), mb.get("f1_by_category", {}).get(c)
        d = vb - va if va is not None and vb is not None else None
        rows.append((f"F1 {c}", _fmt(va), _fmt(vb), "–" if d is None else f"{d:+.1f}"))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(r[i].ljust(w[i]) for i in range(4)).rstrip() for r in rows)


def gate(m: dict, floors_path: Path) -> list[str]:
    floors = json.loads(Path(floors_path).read_text())["floors"]
    fails = []
    for key, floor in floors.items():
        v = m.get(key)
        if v is None or v < floor:
            fails.append(f"{key} = {_fmt(v)} is below its floor {floor}")
    return fails


def main_eval(args) -> int:
    if args.compare:
        for p in args.compare:
            if not p.exists():
                raise UserError(f"{p} does not exist; pass two metrics.json files written by `statementqa eval`")
        print(compare(*args.compare))
        return 0
    from statementqa.pipeline import pipeline_from_args as pipeline_from

    dataset = args.dataset or DEFAULT_DATASET
    ds = load_dataset(dataset, args.on_error)
    if getattr(args, "part", None) and args.part != "all":
        from reader.squad import DEV_PARTS

        if ds.kind != "squad":
            raise UserError("--part only applies to SQuAD files")
        titles = sorted({i.title for i in ds.items}, key=[i.title for i in ds.items].index)
        keep = {t for j, t in enumerate(titles) if j % 3 == DEV_PARTS[args.part]}
        ds.items = [i for i in ds.items if i.title in keep]
        ds.paragraphs = {k: v for k, v in ds.paragraphs.items() if k.rsplit("-", 1)[0] in keep}
    if args.limit:
        ds.items = ds.items[: args.limit]
    out = args.out or Path("eval/runs") / dataset.name.split(".")[0]
    if ds.kind == "squad" and not args.gold_context:
        args.corpus = _squad_corpus(ds, out)
        if args.data_dir is None:
            args.data_dir = out / "index"
    elif args.gold_context and ds.kind != "squad":
        raise UserError("--gold-context needs a SQuAD file (JSONL items carry no paragraph)")
    pl = pipeline_from(args)
    if ds.kind == "squad" and args.gold_context:
        pass  # no index needed
    else:
        pl.index  # noqa: B018 - build/load before timing questions
    t0 = time.perf_counter()
    m = run(pl, ds, out, gold_context=args.gold_context, k=args.k)
    dt = time.perf_counter() - t0
    print(f"{m['n']} questions in {dt:.1f}s -> {out}/report.md")
    for key, label in HEADLINE:
        print(f"  {label:28s} {_fmt(m.get(key))}")
    if ds.problems:
        print(f"  skipped {len(ds.problems)} malformed line(s): see the warnings above")
    if args.gate:
        fails = gate(m, args.gate)
        if fails:
            for f in fails:
                print(f"GATE FAILED: {f}", file=sys.stderr)
            return 1
        print(f"gate passed ({args.gate})")
    return 0
