"""Lexical retrieval: BM25 (Lucene variant) via the ``bm25s`` library, scikit-learn's English
stopword list (plus question scaffolding such as "did"), Snowball stemming (PyStemmer), and a
minimum-should-match rule as in Elasticsearch: a sentence must contain more than ``min_match``
of the query's content terms to count as a lexical hit, so one shared common word ("meetings"
for "Where did the meeting take place?") does not outvote the dense retriever in the fusion.
Save/load use bm25s' own format. No dense vectors here."""
from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np


def _quiet():
    # bm25s sets its own logger to DEBUG on import; its progress chatter is noise for users.
    logging.getLogger("bm25s").setLevel(logging.WARNING)

MIN_MATCH = 0.5


@lru_cache(maxsize=1)
def stopwords() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | {"did", "does", "doing", "according", "s"})


def _stemmer():
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # stemming improves recall but is optional
        return None


class BM25Index:
    def __init__(self, retriever, n: int):
        self.retriever = retriever
        self.n = n
        self.stemmer = _stemmer()

    @staticmethod
    def build(texts: list[str]) -> "BM25Index":
        import bm25s

        _quiet()
        st = _stemmer()
        r = bm25s.BM25()
        tokens = bm25s.tokenize(list(texts) or [""], stopwords=stopwords(), stemmer=st, show_progress=False)
        r.index(tokens, show_progress=False)
        return BM25Index(r, len(texts))

    def search(self, query: str, k: int, min_match: float = MIN_MATCH) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) of sentences matching more than ``min_match`` of the query terms."""
        import bm25s

        k = min(k, self.n)
        empty = np.zeros(0, np.float32), np.zeros(0, np.int64)
        if k <= 0:
            return empty
        q = bm25s.tokenize([query], stopwords=stopwords(), stemmer=self.stemmer, show_progress=False, return_ids=False)
        terms = sorted(set(q[0]))
        vocab = self.retriever.vocab_dict
        known = [t for t in terms if t in vocab]
        # A query of only stopwords or unknown words has nothing to match lexically.
        if not known:
            return empty
        scores = np.zeros(self.n, np.float32)
        matched = np.zeros(self.n, np.int32)
        for t in known:
            s = np.asarray(self.retriever.get_scores([t]), dtype=np.float32)[: self.n]
            scores += s
            matched += s > 0
        need = int(np.floor(min_match * len(terms))) + 1 if min_match > 0 else 1
        scores[matched < need] = 0
        nz = np.flatnonzero(scores)
        if not len(nz):
            return empty
        top = nz[np.argsort(-scores[nz], kind="stable")[:k]]
        return scores[top], top.astype(np.int64)

    def save(self, path: str) -> None:
        self.retriever.save(path)

    @staticmethod
    def load(path: str, n: int, mmap: bool = False) -> "BM25Index":
        import bm25s

        _quiet()
        return BM25Index(bm25s.BM25.load(path, mmap=mmap), n)
