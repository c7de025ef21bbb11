"""Lexical retrieval: BM25 (Lucene variant) via the ``bm25s`` library, scikit-learn's English
stopword list (plus question scaffolding such as "did"), Snowball stemming (PyStemmer), and a
minimum-should-match rule as in Elasticsearch: a sentence must contain more than ``min_match``
of the query's content terms to count as a lexical hit, so one shared common word ("meetings"
for "Where did the meeting take place?") does not outvote the dense retriever in the fusion.
When more than half of the query's terms occur in the corpus, the share is of the known terms'
IDF (an unknown word is not held against every sentence); otherwise of all terms by count.
Scores come from bm25s' inverted index (its CSC matrix), touching only sentences that hold a
query term (``scan``, one full-corpus score vector per term, is kept as the bench baseline).
Save/load use bm25s' own format. No dense vectors here.

What BM25 indexes for a sentence (``lexical_text``) is its text, and for a sentence that opens with
a pronoun ("It will cost 310 million euros, ...") the sentence before it too: the pronoun's
referent is usually there ("The line will run 11 kilometres ..."), and without it "How much will
the tram line cost?" matched only "cost" of three terms, so the minimum-should-match rule left out
the one sentence that answers. Only BM25 sees the added words: the sentence, its offsets, its
citation and its dense vector are the sentence's own. Measured (README, design): SQuAD held-out
part end to end F1 67.6 -> 67.8, calibration part 65.8 -> 65.8; the tram question answered.

Likewise a table's row ("| Amira Khoury | Green Party | 1,482 |", one sentence per line) is indexed
with its table's header row ("| Candidate | Party | Votes |"): the header says what the cells are,
and "How many votes did the Green Party candidate receive?" matched only "green" and "party" of the
row's words, so the row was not retrieved at all (``table_header``)."""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from .errors import QueryError
from .formats import TABLE_SEPARATOR
from .irregular import base
from .modes import BM25Method, values
from .nominal import nominal
from .types import Sentence


def _quiet():
    # bm25s sets its own logger to DEBUG on import; its progress chatter is noise for users.
    logging.getLogger("bm25s").setLevel(logging.WARNING)

MIN_MATCH = 0.5
# A sentence that opens with one of these (after an opening quotation mark or bracket) refers back.
ANAPHOR = re.compile(r"^[\"“‘'(\[]*\s*(?:it|its|they|their|them|this|these|that|those|he|his|she|her|such|there)\b",
                     re.IGNORECASE)


def lexical_text(text: str, previous: str | None) -> str:
    """What BM25 indexes for a sentence ``text`` whose document's sentence before it is ``previous``
    (None for a document's first sentence): the previous sentence's words as well when ``text``
    opens with a pronoun, else ``text`` alone."""
    return f"{previous} {text}" if previous and ANAPHOR.match(text) else text


def is_table_line(text: str) -> bool:
    """A table's row or separator as ``retrieval.segment`` keeps it, one line each: "| a | b |", a
    Word row "a | b | c", "|---|---|". (``reader.tables.is_row`` tells rows from cells exactly; two
    bars are enough here, as a sentence of prose seldom holds two.)"""
    return text.count("|") >= 2 or bool(TABLE_SEPARATOR.match(text))


def _block_starts(doc_sents: Sequence[Sentence]) -> list[int]:
    """For each sentence, the index of the first sentence of the run of table lines it belongs to
    (its own index when it is no table line): one pass, so a table of many rows costs no more than
    its rows."""
    out: list[int] = []
    for i, s in enumerate(doc_sents):
        out.append(out[i - 1] if i > 0 and is_table_line(s.text) and is_table_line(doc_sents[i - 1].text) else i)
    return out


def table_header(doc_sents: Sequence[Sentence], idx: int, starts: Sequence[int] | None = None) -> str | None:
    """The header row (the first line of its block of table lines) of the table row ``doc_sents[idx]``;
    None when that sentence is no table row or is the header itself. ``starts``: ``_block_starts``
    of the document, when the caller asks for many of its rows."""
    if not is_table_line(doc_sents[idx].text) or TABLE_SEPARATOR.match(doc_sents[idx].text):
        return None
    i = (starts or _block_starts(doc_sents[: idx + 1]))[idx]
    return doc_sents[i].text if i < idx else None


def lexical_texts(sents: Sequence[Sentence], all_sents: Mapping[str, Sequence[Sentence]]) -> list[str]:
    """``lexical_text`` of each of ``sents``, the previous sentence looked up in ``all_sents`` (each
    document's sentences by index, boilerplate included, as ``retrieval.segment`` cut them); a table
    row with its table's header row before it (``table_header``)."""
    out = []
    starts: dict[str, list[int]] = {}
    for s in sents:
        doc = all_sents[s.doc_id]
        if s.doc_id not in starts:
            starts[s.doc_id] = _block_starts(doc)
        head = table_header(doc, s.idx, starts[s.doc_id])
        out.append(f"{head} {s.text}" if head else lexical_text(s.text, doc[s.idx - 1].text if s.idx > 0 else None))
    return out


@lru_cache(maxsize=1)
def stopwords() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | {"did", "does", "doing", "according", "s"})


class _Stemmer:
    """PyStemmer's Snowball English after ``retrieval.irregular`` and ``retrieval.nominal``: "began"
    and "begin" share a stem, as do "expansion" and "expanded"."""

    def __init__(self, snowball):
        self._snowball = snowball

    def stemWords(self, words: list[str]) -> list[str]:  # noqa: N802 - the name bm25s looks for
        return self._snowball.stemWords([base(nominal(w)) for w in words])


def _stemmer():
    try:
        import Stemmer

        return _Stemmer(Stemmer.Stemmer("english"))
    except ImportError:  # stemming improves recall but is optional
        return None


def terms(texts: list[str], stop: bool = True) -> list[list[str]]:
    """Each text's terms as the index sees them (bm25s' tokenizer, the stopwords, the stemmer):
    ``retrieval.pgstore`` stores them, so its BM25 in SQL counts the same terms. ``stop=False``
    keeps the stopwords (stemmed too): "could not see a doctor" holds the stem of "seeing", which
    the stopword list drops only in its unstemmed form "see"."""
    import bm25s

    _quiet()
    if not texts:
        return []
    out = bm25s.tokenize(list(texts), stopwords=stopwords() if stop else [], stemmer=_stemmer(), show_progress=False,
                         return_ids=False)
    return [list(t) for t in out]


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

    def search(self, query: str, k: int, min_match: float = MIN_MATCH,
               method: str = BM25Method.POSTINGS) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) of sentences matching more than ``min_match`` of the query terms.

        ``postings`` (default) computes it from the inverted index (bm25s' CSC score matrix): only
        sentences that contain a query term are touched, so the cost grows with the postings, not
        with the corpus. ``scan`` gives the same result the way it was computed before issue #16,
        one full-corpus score vector per query term (kept as the benchmark's baseline)."""
        import bm25s

        if method not in values(BM25Method):
            raise QueryError(f"BM25 method must be one of {values(BM25Method)} (got {method!r})")
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
        per_term = self._scan(known) if method == BM25Method.SCAN else self._postings(known)
        idf = {t: w for t, _, _, w in per_term}
        docs, inv = np.unique(np.concatenate([d for _, d, _, _ in per_term]), return_inverse=True)
        if not len(docs):
            return empty
        vals = np.concatenate([v for _, _, v, _ in per_term])
        weights = np.concatenate([np.full(len(d), w) for _, d, _, w in per_term])
        scores = np.bincount(inv, weights=vals, minlength=len(docs)).astype(np.float32)
        if min_match > 0:
            if 2 * len(known) <= len(terms):
                # Most of the question's words are not in the corpus: lexical evidence is weak, so
                # a sentence must hold more than ``min_match`` of all the query's terms (for
                # "Where did the meeting take place?" that is "meet" and "place": none does).
                matched = np.bincount(inv, minlength=len(docs))
                scores[matched < int(np.floor(min_match * len(terms))) + 1] = 0
            else:
                # Otherwise an unknown word (a typo, a name the corpus lacks) is not held against
                # the sentences: they must hold more than ``min_match`` of the known terms' IDF.
                mass = np.bincount(inv, weights=weights, minlength=len(docs))
                scores[mass <= min_match * sum(idf.values())] = 0
        nz = np.flatnonzero(scores)
        if not len(nz):
            return empty
        top = nz[np.argsort(-scores[nz], kind="stable")[:k]]
        return scores[top], docs[top].astype(np.int64)

    def _idf(self, df: int) -> float:
        return float(np.log(1 + (self.n - df + 0.5) / (df + 0.5)))  # Lucene's IDF

    def _postings(self, known: list[str]) -> list[tuple[str, np.ndarray, np.ndarray, float]]:
        """(term, sentence ids holding it, their BM25 scores, the term's IDF) from the inverted index."""
        vocab = self.retriever.vocab_dict
        sc = self.retriever.scores
        indptr, indices, data = sc["indptr"], sc["indices"], sc["data"]
        out = []
        for t in known:
            a, b = int(indptr[vocab[t]]), int(indptr[vocab[t] + 1])
            d = np.asarray(indices[a:b], dtype=np.int64)
            keep = d < self.n
            out.append((t, d[keep], np.asarray(data[a:b], dtype=np.float32)[keep], self._idf(b - a)))
        return out

    def _scan(self, known: list[str]) -> list[tuple[str, np.ndarray, np.ndarray, float]]:
        """The same, found by scoring every sentence once per term (bm25s' ``get_scores``)."""
        out = []
        for t in known:
            s = np.asarray(self.retriever.get_scores([t]), dtype=np.float32)[: self.n]
            d = np.flatnonzero(s)
            out.append((t, d, s[d], self._idf(len(d))))
        return out

    def save(self, path: str) -> None:
        self.retriever.save(path)

    @staticmethod
    def load(path: str, n: int, mmap: bool = False) -> "BM25Index":
        import bm25s

        _quiet()
        return BM25Index(bm25s.BM25.load(path, mmap=mmap), n)
