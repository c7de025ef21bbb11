"""``statementqa eval``: run the whole pipeline over a QA test set and write
``predictions.jsonl`` (streamed, one line per question, flushed as it goes), ``metrics.json``,
``report.md`` and PNG plots (reliability diagram, latency histogram, F1 by category).

Also ``--compare A B`` (side-by-side table of two metrics.json) and ``--gate FLOORS`` (exit 1
when a metric falls below its floor). Deterministic: no sampling anywhere in the pipeline.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

from statementqa.followup import Turn
from statementqa.retrieval.errors import UserError

from .aggregate import compute_metrics
from .dataset import Dataset, Item, load_dataset, select_part
from .html_report import compare_runs, html_report, junit_xml, read_records
from .metrics import score_answer
from .report import HEADLINE, compare, fmt, gate, plots, report

log = logging.getLogger(__name__)
DEFAULT_DATASET = Path(__file__).resolve().parent / "data" / "statement_qa.jsonl"
DEFAULT_FLOORS = Path(__file__).resolve().parent / "floors.json"
LARGE_DATASET = DEFAULT_DATASET.with_name("statement_qa_large.jsonl")
# Test cases accepted by `statementqa review` from the app's feedback (counted by a plain `statementqa eval`).
FEEDBACK_SET = Path(__file__).resolve().parent / "data" / "feedback_qa.jsonl"



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
    """Read the item's own paragraph (no retrieval); the same reader, the same question form
    (``questionform``), typing mistakes corrected toward the paragraph's words as the app corrects
    them toward the documents' (``spelling``) and the same ``assemble()`` (confidence, threshold,
    citations)."""
    from statementqa.reader.assemble import assemble
    from statementqa.reader.questionform import question_form
    from statementqa.reader.spelling import Speller
    from statementqa.reader.squad import gold_index
    from statementqa.reader.tables import read as read_tables

    t0 = time.perf_counter()
    idx, passages = gold_index(item.context)
    form = question_form(item.question)
    if pl.settings.spelling:
        form = Speller.from_texts([item.context]).correct(form).text
    out = read_tables(pl.reader, form, passages, idx.docs)
    ans = assemble(item.question, passages, out, idx, pl.reader.calibration, None, pl.settings.threshold, read_as=form)
    ans.timings_ms = {"total": (time.perf_counter() - t0) * 1e3}
    return ans


def run(pl, ds: Dataset, out: Path, gold_context: bool = False, progress: bool = True, k: int | None = None) -> dict:
    from tqdm import tqdm

    out.mkdir(parents=True, exist_ok=True)
    rows = []
    pred_path = out / "predictions.jsonl"
    tmp = out / "predictions.jsonl.partial"
    k_used = k or pl.settings.k
    remote = getattr(pl, "remote", False)  # an app over HTTP (--endpoint): no local index
    by_id = {} if gold_context or remote else {p.passage_id: p for p in pl.index.passages}  # once, not per question
    records: list[dict] = []
    with open(tmp, "w", encoding="utf-8") as f:
        for item in tqdm(ds.items, desc="questions", unit="q", disable=not progress, file=sys.stderr):
            try:
                ans = _gold_answer(pl, item) if gold_context else \
                    pl.ask(item.question, k_used, history=[Turn(q, a) for q, a in item.history] or None)
            except UserError as e:  # a question the pipeline refuses counts as an abstention
                log.warning("%s: %s", item.id, e)
                from statementqa.retrieval.types import Answer

                ans = Answer(item.question, "", 0.0, True)
            retrieved_sents: list[list[str]] = []
            if not gold_context and not remote:
                for pid in ans.retrieved:
                    p = by_id[pid]
                    retrieved_sents.append([pl.index.sentence(p.doc_id, i).text for i in p.sentence_idxs])
            em, f1 = score_answer(item.answers if item.answerable else [], "" if ans.abstained else ans.text)
            rec = {
                "id": item.id, "question": item.question, "answer": ans.text, "abstained": ans.abstained,
                "gold": list(item.answers), "answerable": item.answerable, "category": item.category,
                "supporting": list(item.supporting), "em": em, "f1": f1,
                "forced_f1": score_answer(item.answers, ans.candidate)[1] if item.answerable else 0.0,
                "confidence": round(ans.confidence, 4),
                "citations": [c.to_dict() for c in ans.citations], "related": [c.to_dict() for c in ans.related],
                **({"may_answer": ans.maybe.to_dict()} if ans.maybe is not None else {}),
                "retrieved": ans.retrieved, "latency_ms": round(ans.timings_ms.get("total", 0.0), 2),
                "timings_ms": {kk: round(v, 2) for kk, v in ans.timings_ms.items()},
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            f.flush()
            records.append(rec)
            doc_text = None
            if ans.doc_id is not None and (gold_context or not remote):
                doc_text = item.context if gold_context else pl.index.docs[ans.doc_id].text
            rows.append((item, ans, retrieved_sents, doc_text))
    os.replace(tmp, pred_path)
    metrics = compute_metrics(rows, k_used, gold_context or remote)
    metrics["dataset"] = {"kind": ds.kind, "questions": len(ds.items), "skipped_lines": len(ds.problems)}
    recal = None if remote else pl.threshold_record()
    metrics["settings"] = {"reader": pl.settings.reader, "embedder": pl.settings.embedder, "k": k_used,
                           "gold_context": gold_context, "threshold": pl.threshold(),
                           **({"endpoint": pl.url} if remote else {}),
                           **({"work_vote": True} if not remote and pl.settings.work_vote else {}),
                           **({"threshold_recalibrated": recal} if recal else {})}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    plots(rows, metrics, out)
    (out / "report.md").write_text(report(metrics, out), encoding="utf-8")
    html_report(records, metrics, out, title=f"statementqa evaluation: {ds.kind} ({len(records)} questions)")
    return metrics


def main_eval(args) -> int:
    if args.compare:
        for p in args.compare:
            if not p.exists():
                raise UserError(f"{p} does not exist; pass two run folders (or their metrics.json) written by `statementqa eval`")
        a, b = (p if p.is_dir() else p.parent for p in args.compare)
        print(compare(a / "metrics.json", b / "metrics.json"))
        try:
            summary, path = compare_runs(a, b, args.out)
            print(f"{summary}\nper-question diff: {path}")
        except (FileNotFoundError, ValueError) as e:
            print(f"(no per-question diff: {e})")
        return 0
    from statementqa.pipeline import pipeline_from_args as pipeline_from

    endpoint = getattr(args, "endpoint", None)
    if endpoint:
        from .endpoint import EndpointPipeline

        def pipeline_from(args):  # noqa: F811 - the app over HTTP instead of a local pipeline
            return EndpointPipeline(endpoint, k=args.k or 3)

    dataset = args.dataset or DEFAULT_DATASET
    ds = load_dataset(dataset, args.on_error)
    if getattr(args, "part", None) and args.part != "all":
        select_part(ds, args.part)
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
    if args.gold_context and endpoint:
        raise UserError("--gold-context reads paragraphs locally; it does not combine with --endpoint")
    if ds.kind == "squad" and args.gold_context:
        pass  # no index needed
    elif endpoint:
        pl.check()
    else:
        pl.index  # noqa: B018 - build/load before timing questions
    t0 = time.perf_counter()
    m = run(pl, ds, out, gold_context=args.gold_context, k=args.k)
    dt = time.perf_counter() - t0
    print(f"{m['n']} questions in {dt:.1f}s -> {out}/report.md, {out}/report.html")
    if getattr(args, "junit", None):
        print(f"JUnit XML: {junit_xml(read_records(out), args.junit)}")
    for key, label in HEADLINE:
        print(f"  {label:28s} {fmt(m.get(key))}")
    if ds.problems:
        print(f"  skipped {len(ds.problems)} malformed line(s): see the warnings above")
    if args.gate:
        fails = gate(m, args.gate)
        if fails:
            for f in fails:
                print(f"GATE FAILED: {f}", file=sys.stderr)
            return 1
        print(f"gate passed ({args.gate})")
    if args.dataset is None and FEEDBACK_SET.exists() and FEEDBACK_SET.stat().st_size > 0:
        # The cases users corrected in the app, reported beside the team's set (not gated).
        fb = load_dataset(FEEDBACK_SET, args.on_error)
        mf = run(pl, fb, out / "feedback", k=args.k)
        print(f"feedback test set ({FEEDBACK_SET.name}, accepted by `statementqa review`): {mf['n']} questions, "
              f"F1 {fmt(mf['f1'])}, abstention accuracy {fmt(mf['abstention_accuracy'])} -> {out}/feedback/report.md")
    return 0
