"""`statementqa` with merged windows: the passages read are chosen as today, but a passage that overlaps
(or touches) one already chosen of the same document is united with it (up to MERGE_MAXLEN sentences)
instead of taking a slot. MERGE_MAXLEN=5 python merged.py eval --out DIR ..."""
import os, sys
from statementqa.retrieval import search as S
from statementqa.retrieval.types import Hit, Passage, content_hash
PARTS = {}
MAXLEN = int(os.environ.get('MERGE_MAXLEN', '7'))
def search(self, question, k=5, mode="hybrid", qvec=None, max_chars=S.MAX_QUESTION_CHARS, docs=None):
    question = S.check_question(question, max_chars)
    k = S.check_k(k)
    if docs is not None:
        unknown = sorted(set(docs) - set(self.index.docs))
        if unknown:
            raise S.QueryError(f"unknown document id {unknown[0]!r}")
    shits = self.rank_sentences(question, mode, qvec, docs)
    cand = {}
    for h in shits:
        for pi in self.index.sent_to_passages.get((h.sentence.doc_id, h.sentence.idx), []):
            cand.setdefault(pi, []).append(h)
    def key(pi):
        hs = cand[pi]; p = self.index.passages[pi]; top = hs[0]
        mid = (len(p.sentence_idxs) - 1) / 2
        off = abs(p.sentence_idxs.index(top.sentence.idx) - mid) if top.sentence.idx in p.sentence_idxs else 0
        return (-top.score, -(sum(h.score for h in hs) - top.score), off, pi)
    groups = []  # [doc, idxs set, [pi...]]
    for pi in sorted(cand, key=key):
        p = self.index.passages[pi]
        s = set(p.sentence_idxs)
        for g in groups:
            if g[0] == p.doc_id and (g[1] & s or min(s) == max(g[1]) + 1 or max(s) + 1 == min(g[1])) and len(g[1] | s) <= MAXLEN:
                g[1] |= s; g[2].append(pi); break
        else:
            if len(groups) >= k:
                break
            groups.append([p.doc_id, s, [pi]])
    hits = []
    for d, idxs, pis in groups:
        ps = [self.index.passages[pi] for pi in pis]
        if len(ps) == 1:
            P = ps[0]
        else:
            a, b = min(x.start for x in ps), max(x.end for x in ps)
            P = Passage(content_hash(d, str(a), str(b)), d, tuple(sorted(idxs)), a, b, self.index.docs[d].text[a:b])
            PARTS[P.passage_id] = [x.passage_id for x in ps]
        hs = {}
        for pi in pis:
            for h in cand[pi]:
                hs.setdefault((h.sentence.idx), h)
        hs = sorted(hs.values(), key=lambda h: -h.score)
        dr = [h.dense_rank for h in hs if h.dense_rank]; br = [h.bm25_rank for h in hs if h.bm25_rank]
        ds = [h.dense_score for h in hs if h.dense_score is not None]; bs = [h.bm25_score for h in hs if h.bm25_score is not None]
        hits.append(Hit(hs[0].score, P, min(dr) if dr else None, min(br) if br else None,
                        max(ds) if ds else None, max(bs) if bs else None, tuple((h.sentence.idx, h.score) for h in hs)))
    return S.SearchResult(hits, shits)
S.Retriever.search = search
from statementqa import pipeline as PL
_ask = PL.Pipeline.ask
def ask(self, *a, **kw):
    ans = _ask(self, *a, **kw)
    ans.retrieved = [x for pid in ans.retrieved for x in PARTS.get(pid, [pid])]
    return ans
PL.Pipeline.ask = ask
from statementqa.cli import main
sys.exit(main(sys.argv[1:]))
