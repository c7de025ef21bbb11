"""`statementqa` with a work vote in the hybrid fusion (experiment; not part of the package).

Each document, or each work (the numbered parts of one titled work, e.g. SQuAD's paragraphs
"Ctenophora-00047", grouped by ``reader.focus.work``, with WORK_VOTE_WORKS=1), is ranked by BM25
over its whole text (the index's tokenizer and stemmer; WORK_VOTE_MM: the minimum-should-match
share, 0 = plain BM25); the sentences of the top WORK_VOTE_DEPTH (20) works gain
WORK_VOTE_W / (60 + rank), like a third ranking in the RRF. WORK_VOTE_BOOST=1: only sentences the
dense or BM25 retriever already found gain it.

    WORK_VOTE_W=1 WORK_VOTE_WORKS=1 WORK_VOTE_BOOST=1 python workvote.py eval --out DIR ...
    WORK_VOTE_W=1 python workvote.py recall PREDICTIONS.jsonl DATA_DIR CORPUS

``recall``: the share of the answerable questions of a saved ``statementqa eval`` run whose
supporting sentence is in one of the 3 passages retrieval gives (retrieval only, no reader).
"""
import json
import os
import sys

from statementqa.reader.focus import work
from statementqa.retrieval import search as S
from statementqa.retrieval.lexical import BM25Index

CFG = {"w": float(os.environ.get("WORK_VOTE_W", "1")), "depth": int(os.environ.get("WORK_VOTE_DEPTH", "20")),
       "mm": float(os.environ.get("WORK_VOTE_MM", "0")), "boost": os.environ.get("WORK_VOTE_BOOST") == "1",
       "works": os.environ.get("WORK_VOTE_WORKS") == "1"}
_fused = S.Retriever.fused
_built: dict = {}


def _works(ix):
    if id(ix) not in _built:
        groups: dict = {}
        for d in ix.docs:
            groups.setdefault(work(ix.docs[d].title) if CFG["works"] else d, []).append(d)
        keys = list(groups)
        rows: dict = {}
        for row, s in enumerate(ix.sentences):
            rows.setdefault(s.doc_id, []).append(row)
        bm = BM25Index.build([" ".join(ix.docs[d].text for d in groups[g]) for g in keys])
        _built[id(ix)] = (keys, groups, rows, bm)
    return _built[id(ix)]


def fused(self, question, mode, qvec, depth):
    base = _fused(self, question, mode, qvec, depth)
    if CFG["w"] <= 0 or mode != "hybrid":
        return base
    keys, groups, rows, bm = _works(self.index)
    present = {t[0] for t in base}
    out = {t[0]: list(t) for t in base}
    _, top = bm.search(question, CFG["depth"], min_match=CFG["mm"])
    for r, g in enumerate(top, 1):
        for d in groups[keys[int(g)]]:
            for row in rows.get(d, ()):
                if CFG["boost"] and row not in present:
                    continue
                out.setdefault(row, [row, 0.0, None, None, None, None])[1] += CFG["w"] / (S.RRF_K + r)
    return [tuple(v) for v in sorted(out.values(), key=lambda v: (-v[1], v[0]))]


S.Retriever.fused = fused


def recall(pred: str, data_dir: str, corpus: str) -> None:
    from statementqa.pipeline import Pipeline
    from statementqa.reader.questionform import question_form

    p = Pipeline(data_dir=data_dir, corpus=corpus)
    ix = p.index
    items = [json.loads(line) for line in open(pred, encoding="utf-8")]
    items = [it for it in items if it["answerable"] and it.get("supporting")]
    hit = 0
    for it in items:
        q = p.spelled(question_form(it["question"]), ix)
        res = p.retriever.search(q, 3, "hybrid", qvec=p._qvec(q))
        texts = [ix.docs[h.passage.doc_id].text[h.passage.start:h.passage.end] for h in res.hits]
        hit += any(s[:60] in t for s in it["supporting"] for t in texts)
    print(CFG, f"recall@3 {100 * hit / len(items):.2f} ({hit}/{len(items)})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["recall"]:
        recall(*sys.argv[2:5])
    else:
        from statementqa.cli import main

        sys.exit(main(sys.argv[1:]))
