"""Hybrid search: dense (FAISS) and BM25 rankings of sentences fused by reciprocal rank
fusion, then lifted to passages.

Sentences are the retrieval unit (sharp matches, exact citations); each passage scores the
best fused score of its sentences, ties broken by the sum of its other sentences' scores, so
the passage built around the best sentence and its context comes first. A Hit carries the
passage, its matched sentences and each retriever's best rank.
This module does not read answers out of passages.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .embed import Embedder
from .errors import QueryError
from .lexical import MIN_MATCH
from .modes import BM25Method, DenseSearch, SearchMode, values
from .store import Index
from .types import Hit, Sentence
from .workvote import WorkVote

RRF_K = 60
MAX_QUESTION_CHARS = 1000
MODES = values(SearchMode)


def check_question(question: object, max_chars: int = MAX_QUESTION_CHARS) -> str:
    if not isinstance(question, str):
        raise QueryError("the question must be text")
    q = " ".join(question.split())
    if not q:
        raise QueryError("the question is empty; type a question about the documents")
    if len(q) > max_chars:
        raise QueryError(f"the question is {len(q):,} characters long; the limit is {max_chars:,}. Shorten it to the question itself")
    return q


def check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
        raise QueryError(f"k must be a positive whole number (got {k!r})")
    return int(k)


@dataclass
class SentenceHit:
    sentence: Sentence
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float | None = None
    bm25_score: float | None = None


@dataclass
class SearchResult:
    hits: list[Hit]
    sentences: list[SentenceHit] = field(default_factory=list)


def rrf(rankings: list[list[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank), ranks from 1."""
    out: dict[int, float] = {}
    for ranking in rankings:
        for r, d in enumerate(ranking, 1):
            out[d] = out.get(d, 0.0) + 1.0 / (k + r)
    return out


class Retriever:
    def __init__(self, index: Index, embedder: Embedder | None = None, depth: int = 50,
                 bm25_method: str = BM25Method.POSTINGS, dense_search: str = DenseSearch.INT8,
                 work_vote: bool = False):
        if bm25_method not in values(BM25Method):
            raise QueryError(f"BM25 method must be one of {values(BM25Method)} (got {bm25_method!r})")
        if dense_search not in values(DenseSearch):
            raise QueryError(f"dense search must be one of {values(DenseSearch)} (got {dense_search!r})")
        self.index = index
        self.embedder = embedder or Embedder(index.manifest.get("embedder"))
        self.depth = depth
        self.bm25_method = bm25_method
        # int8 / fp16: the compact copies split across the cores from retrieval.dense.FP16_MIN_VECTORS on
        self.dense_method = "auto" if dense_search == DenseSearch.FP32 else str(dense_search)
        # The work vote (retrieval.workvote, opt-in): its BM25 over the works, built on first use.
        self.work_vote = bool(work_vote)
        self._works: WorkVote | None = None

    def works(self) -> WorkVote:
        """The work vote's BM25 over this index's works (``retrieval.workvote``), built on first call."""
        if self._works is None:
            self._works = WorkVote(self.index.docs)
        return self._works

    def rank_sentences(self, question: str, mode: str = "hybrid", qvec: np.ndarray | None = None,
                       docs: frozenset[str] | None = None) -> list[SentenceHit]:
        """Sentences ranked by fused score; ``docs``: only sentences of these documents (a deeper search
        first, so that a small selected document still gets its best sentences)."""
        if mode not in MODES:
            raise QueryError(f"mode must be one of {MODES} (got {mode!r})")
        n = len(self.index.sentences)
        depth = min(n, self.depth if not docs else max(self.depth, min(n, 20_000)))
        order = self.fused(question, mode, qvec, depth) if depth else []
        if self.work_vote and mode == "hybrid" and order:
            rows = self.index.sentences
            order = self.works().vote(question, order, lambda row: rows[row].doc_id, RRF_K)
        if docs:
            order = [t for t in order if self.index.sentences[t[0]].doc_id in docs]
        return [SentenceHit(self.index.sentences[d], f, dr, br, ds, bs) for d, f, dr, br, ds, bs in order]

    def fused(self, question: str, mode: str, qvec: np.ndarray | None, depth: int) -> list[tuple[int, float, int | None, int | None, float | None, float | None]]:
        """(sentence row, fused score, dense rank, BM25 rank, dense score, BM25 score), best first, ties by row:
        the top ``depth`` of each retriever fused by RRF (FAISS and bm25s here; SQL in ``retrieval.pgstore``)."""
        dense_ids: list[int] = []
        dense_sc: dict[int, float] = {}
        bm_ids: list[int] = []
        bm_sc: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            qv = qvec if qvec is not None else self.embedder.encode_query(question)
            sc, ids = self.index.dense.search(qv, depth, method=self.dense_method)
            for s, i in zip(sc[0], ids[0]):
                if i >= 0:
                    dense_ids.append(int(i))
                    dense_sc[int(i)] = float(s)
        if mode in ("hybrid", "bm25"):
            # Alone, BM25 ranks every partial match; in the fusion it votes only when it matches
            # most of the query (see retrieval.lexical).
            sc, ids = self.index.bm25.search(question, depth, min_match=MIN_MATCH if mode == "hybrid" else 0.0,
                                             method=self.bm25_method)
            bm_ids = [int(i) for i in ids]
            bm_sc = {int(i): float(s) for s, i in zip(sc, ids)}
        fused = rrf([r for r in (dense_ids, bm_ids) if r])
        drank = {d: r for r, d in enumerate(dense_ids, 1)}
        brank = {d: r for r, d in enumerate(bm_ids, 1)}
        return [(d, fused[d], drank.get(d), brank.get(d), dense_sc.get(d), bm_sc.get(d))
                for d in sorted(fused, key=lambda d: (-fused[d], d))]

    def current_generation(self) -> int | None:
        """The generation a shared store serves now (None: files, which change only through refresh)."""
        return None

    def search(self, question: str, k: int = 5, mode: str = "hybrid", qvec: np.ndarray | None = None,
               max_chars: int = MAX_QUESTION_CHARS, docs: frozenset[str] | None = None) -> SearchResult:
        """Top-k passages for ``question`` (fewer if the corpus has fewer); ``docs``: within these documents only."""
        question = check_question(question, max_chars)
        k = check_k(k)
        if docs is not None:
            unknown = sorted(set(docs) - set(self.index.docs))
            if unknown:
                raise QueryError(f"unknown document id {unknown[0]!r}; the documents list (or /api/v1/documents) gives the ids")
        shits = self.rank_sentences(question, mode, qvec, docs)
        cand: dict[int, list[SentenceHit]] = {}
        for h in shits:
            for pi in self.index.sent_to_passages.get((h.sentence.doc_id, h.sentence.idx), []):
                cand.setdefault(pi, []).append(h)

        # ``shits`` is best first (ties by row), so each passage's list is too: its first hit is its best.
        def key(pi):
            hs = cand[pi]
            p = self.index.passages[pi]
            top = hs[0]
            # Prefer passages that centre on the best sentence: context on both sides.
            mid = (len(p.sentence_idxs) - 1) / 2
            off = abs(p.sentence_idxs.index(top.sentence.idx) - mid) if top.sentence.idx in p.sentence_idxs else 0
            return (-top.score, -(sum(h.score for h in hs) - top.score), off, pi)

        hits = []
        for pi in sorted(cand, key=key)[:k]:
            hs = cand[pi]
            p = self.index.passages[pi]
            dr = [h.dense_rank for h in hs if h.dense_rank]
            br = [h.bm25_rank for h in hs if h.bm25_rank]
            ds = [h.dense_score for h in hs if h.dense_score is not None]
            bs = [h.bm25_score for h in hs if h.bm25_score is not None]
            hits.append(Hit(hs[0].score, p, min(dr) if dr else None, min(br) if br else None,
                            max(ds) if ds else None, max(bs) if bs else None,
                            tuple((h.sentence.idx, h.score) for h in hs)))
        return SearchResult(hits, shits)
