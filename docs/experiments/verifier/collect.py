"""Scratch: read every question once, write per-question features of the located span for w in (0, 2)."""
import json, os, sys, time
from pathlib import Path
from statementqa.eval.dataset import load_dataset, select_part
from statementqa.eval.metrics import score_answer, get_tokens
from statementqa.eval.runner import _squad_corpus
from statementqa.eval.span_choice import read_all
from statementqa.pipeline import Pipeline
from statementqa.reader.assemble import _order, trim_span, overlapping, _bonus
from statementqa.reader.squad import DEV_V2A

STOP = set("the a an of in on at to for by with and or is was were are be been did do does what which who whom whose when where why how that this it its as from about after before".split())

def feats(item, r, w):
    idx = r.index
    rank = {}
    for i, s in enumerate(r.ranked):
        rank.setdefault((s.doc_id, s.idx), i)
    spans = r.out.spans
    chosen = None
    for span in _order(r.passages, r.out, idx, r.ranked, w):
        p = r.passages[span.passage]
        doc = idx.docs[p.doc_id].text
        a, b = trim_span(doc, p.start + span.start, p.start + span.end)
        over = overlapping(idx.all_sentences[p.doc_id], a, b)
        if a >= b or not over:
            continue
        a, b = max(a, over[0].start), min(b, over[-1].end)
        chosen = (span, p, a, b, over, doc)
        break
    hits = r.result.hits
    f = {"n_spans": len(spans), "n_pass": len(r.passages),
         "top_fused": hits[0].score if hits else 0.0,
         "top_dense": (hits[0].dense_score or 0.0) if hits else 0.0,
         "top_bm25": (hits[0].bm25_score or 0.0) if hits else 0.0,
         "max_diff": max((s.score - s.null_score for s in spans), default=-20.0),
         "min_null": min((s.null_score for s in spans), default=0.0),
         "max_null": max((s.null_score for s in spans), default=0.0),
         "qlen": len(get_tokens(r.question)), "followup": r.interpreted_as is not None}
    if chosen is None:
        f.update(text="", diff=-20.0, located=False)
    else:
        span, p, a, b, over, doc = chosen
        text = doc[a:b]
        hit = hits[span.passage] if span.passage < len(hits) else None
        q = {t for t in get_tokens(r.interpreted_as or r.question) if t not in STOP}
        sent = set(get_tokens(" ".join(s.text for s in over)))
        ans = set(get_tokens(text))
        texts = []
        for s2 in spans:
            p2 = r.passages[s2.passage]; d2 = idx.docs[p2.doc_id].text
            a2, b2 = trim_span(d2, p2.start + s2.start, p2.start + s2.end)
            texts.append(" ".join(get_tokens(d2[a2:b2])))
        nt = " ".join(get_tokens(text))
        f.update(text=text, located=True, diff=span.score - span.null_score, score=span.score, null=span.null_score,
                 passage_rank=span.passage, bonus=_bonus(idx, p.doc_id, a, b, rank),
                 p_dense=(hit.dense_score or 0.0) if hit else 0.0, p_bm25=(hit.bm25_score or 0.0) if hit else 0.0,
                 p_fused=hit.score if hit else 0.0,
                 q_in_sent=len(q & sent) / max(1, len(q)), q_in_ans=len(q & ans) / max(1, len(ans)),
                 alen=len(ans), n_agree=sum(1 for t in texts if t == nt), n_overlap_agree=sum(1 for t in texts if t and (t in nt or nt in t)),
                 n_sent=len(over))
    golds = list(item.answers) if item.answerable else []
    f["f1"] = score_answer(golds, f["text"])[1]
    f["f1_abstain"] = score_answer(golds, "")[1]
    f["answerable"] = item.answerable
    f["id"] = item.id
    f["category"] = item.category
    return f

def main():
    name = sys.argv[1]
    out = Path(os.environ.get("VERIF_DIR", Path.home() / ".cache/statementqa/verif")) / f"{name}.jsonl"
    work = Path("/tmp/verif") / name
    if name in ("calib", "test"):
        ds = select_part(load_dataset(Path(DEV_V2A)), name)
        pl = Pipeline(corpus=str(_squad_corpus(ds, work)), data_dir=str(work / "index"))
    else:
        ds = load_dataset(Path("eval/data") / ("statement_qa.jsonl" if name == "team" else "statement_qa_large.jsonl"))
        pl = Pipeline()
    t0 = time.time()
    rows = read_all(pl, ds)
    with out.open("w") as fh:
        for item, r in rows:
            fh.write(json.dumps({"w0": feats(item, r, 0.0), "w2": feats(item, r, 2.0)}) + "\n")
    print(name, len(rows), "q", round(time.time() - t0), "s", file=sys.stderr)

main()
