"""The index in PostgreSQL + pgvector: a second backend behind the same retrieval interface.

``--store postgresql://...`` (env ``STATEMENTQA_STORE``) keeps the sentences, their vectors and
their full-text vectors in a database that several app replicas share, instead of each one
building its own FAISS + BM25 files. The values that come out (``Sentence``, ``Passage``,
``Hit``) are the same, so citations, offsets, the reader and the app do not change.

Schema (``MIGRATIONS``, versioned in ``statementqa_schema``): one row per index *generation*
(content key, manifest, state) and, per generation ``N``, the tables ``g<N>_documents``,
``g<N>_sentences`` (doc_id, idx, start, end, text, flags, content hash, ``vector(dim)`` with an
HNSW cosine index, the BM25 terms and a generated ``tsvector`` with a GIN index, ``CHECK``
constraints for the offset invariant and the dimension), ``g<N>_passages``, ``g<N>_postings``
(term, sentence row, term frequency, length: the inverted index BM25 is scored from, as bm25s'
CSC matrix) and ``g<N>_lexemes`` (document frequencies, for IDF). ``statementqa_live`` points at
the generation readers use; a new generation is written beside it, checked, indexed and switched
to in one transaction, so a reader never sees a half-built index and a writer killed mid-build
leaves the live one intact.

Indexing may be split: ``index_shard(..., shard=(i, n))`` embeds and writes one share of the
documents (every ``n``-th, from ``i``); the shard that finishes last publishes. Sentences whose
text is already in the live generation reuse its vectors (content hashes), as with the files.

Search (``PgRetriever``): dense top-N (``<=>`` cosine) and lexical top-N fused by reciprocal rank
fusion in one SQL statement, ties broken by the sentence's row as in ``retrieval.search``. The
lexical side OR-s the question's terms, keeps the minimum-should-match rule of
``retrieval.lexical`` (count or IDF share) and ranks by BM25 (Lucene variant, bm25s' k1 and b)
computed in SQL. ``ts_rank`` is not BM25 (no IDF) and PostgreSQL's ``english`` configuration
stems and drops other words than bm25s, so each sentence stores the terms of
``retrieval.lexical.terms`` (``lex``; its generated ``tsvector`` is built from them with the
``simple`` configuration), BM25 is summed over ``g<N>_postings`` (a covering btree: only the
postings of the question's terms are read) and IDF comes from ``g<N>_lexemes``: the rankings
equal the files' (tested on every team question; the README measures the native ``english`` +
``ts_rank_cd`` too).

Reads go to the read DSNs (replicas) round-robin, writes to the primary; pools time out and
retry, and while the database is unreachable a question gets one line (``StoreUnavailable``)
and the pools reconnect by themselves. The documents' text is loaded into memory (an ``Index``
without FAISS/BM25), so answer assembly works as with the files. This module does not read
answers and does not know about the CLI or the app.

Three modules: ``retrieval.pgconn`` (connections, schema migrations, the live generation),
``retrieval.pgwrite`` (indexing a shard, publishing a generation) and this one (opening the live
generation, loading it, searching it).
"""
from __future__ import annotations

import json
import time

import numpy as np

from .corpus import corpus_hash
from .embed import Embedder
from .indexing import FORMAT_VERSION, Index, IndexParams
from .lexical import MIN_MATCH, terms
from .pgconn import SCHEMA_VERSION, Store, StoreError, _live_if_migrated, _where, live_generation, table
from .pgwrite import index_shard
from .search import RRF_K, Retriever
from .types import Document, Passage, Sentence

BM25_K1, BM25_B = 1.5, 0.75  # bm25s' defaults (Lucene variant)


# -- reading ------------------------------------------------------------------------------------
def load_generation(conn, gen: int, manifest: dict) -> Index:
    """The documents, sentences and passages of generation ``gen`` as an in-memory ``Index`` whose
    search runs in the database (no FAISS, no BM25)."""
    from psycopg import sql

    docs: dict[str, Document] = {}
    for doc_id, path, meta, text in conn.execute(sql.SQL("SELECT doc_id, path, meta, text FROM {d} ORDER BY ord").format(d=table(gen, "documents"))):
        docs[doc_id] = Document(doc_id, text, path, meta if isinstance(meta, dict) else json.loads(meta))
    all_sents: dict[str, list[Sentence]] = {d: [] for d in docs}
    cited: list[tuple[int, Sentence]] = []
    for doc_id, idx, row, start, end, text, bp, li in conn.execute(sql.SQL(
            "SELECT doc_id, idx, row, start, \"end\", text, boilerplate, list_item FROM {s} ORDER BY doc_id, idx").format(s=table(gen, "sentences"))):
        s = Sentence(doc_id, idx, start, end, text, bp, li)
        all_sents[doc_id].append(s)
        if row is not None:
            cited.append((row, s))
    cited.sort(key=lambda t: t[0])
    passages = [Passage(pid, doc_id, tuple(si), start, end, text) for pid, doc_id, si, start, end, text in conn.execute(
        sql.SQL("SELECT passage_id, doc_id, sentence_idxs, start, \"end\", text FROM {p} ORDER BY ord").format(p=table(gen, "passages")))]
    return Index(docs, [s for _, s in cited], all_sents, passages, None, None, dict(manifest), None)  # type: ignore[arg-type]


def open_pg_index(docs: list[Document], params: IndexParams, store: Store, embedder: Embedder | None = None,
                  progress: bool | None = None) -> tuple[Index, dict]:
    """The live generation for ``docs`` and ``params``: loaded when its key matches, else built (one
    indexer) and published first. Returns (index, info) like ``retrieval.store.open_index``."""
    key = params.key(corpus_hash(list({d.doc_id: d for d in reversed(docs)}.values())[::-1]))
    info: dict = {"rebuilt": False, "backend": "postgresql", "where": _where(store.dsn)}

    cur = store.run(_live_if_migrated)
    if cur is None or cur[1].get("key") != key:
        info.update(rebuilt=True, reason="no index yet" if cur is None else "corpus or parameters changed")
        t0 = time.perf_counter()
        stats = index_shard(docs, params, store, embedder, progress=progress)
        info.update(stats, build_s=time.perf_counter() - t0)
        cur = store.run(live_generation, write=True)
        if cur is None or cur[1].get("key") != key:
            raise StoreError("the index in the database is still being built by other indexers (--shard); try again when they finish")
        gen, manifest = cur
        index = store.run(lambda c: load_generation(c, gen, manifest), write=True)
    else:
        gen, manifest = cur
        index = store.run(lambda c: load_generation(c, gen, manifest))
    _check_manifest(manifest, params)
    info["generation"] = gen
    info["path"] = f"{_where(store.dsn)} generation {gen}"
    return index, info



def _check_manifest(manifest: dict, params: IndexParams) -> None:
    if manifest.get("format_version") != FORMAT_VERSION or manifest.get("schema_version", 0) > SCHEMA_VERSION:
        raise StoreError(f"the database's index has format {manifest.get('format_version')}/schema {manifest.get('schema_version')}; "
                         f"this program reads {FORMAT_VERSION}/{SCHEMA_VERSION}: rebuild with statementqa index --store ... --force")
    if manifest.get("embedder") != params.embedder:
        raise StoreError(f"the database's index was embedded with {manifest.get('embedder')}, not {params.embedder}; "
                         "rebuild it with statementqa index --store ... --force")


# -- search -------------------------------------------------------------------------------------
_HYBRID_SQL = """
WITH
q AS (SELECT %(terms)s::text[] AS terms),
k AS (SELECT l.lexeme, ln(1 + (%(n)s - l.df + 0.5) / (l.df + 0.5)) AS idf FROM {lex} l, q WHERE l.lexeme = ANY(q.terms)),
rule AS (SELECT (SELECT count(*) FROM k) AS known, cardinality(q.terms) AS total,
                (SELECT coalesce(sum(idf), 0) FROM k) AS mass FROM q),
dense AS (
  SELECT row, sim, row_number() OVER (ORDER BY dist, row) AS r FROM (
    SELECT row, embedding <=> %(v)s::vector AS dist, 1 - (embedding <=> %(v)s::vector) AS sim FROM {s}
    WHERE {dense_on} AND embedding IS NOT NULL ORDER BY embedding <=> %(v)s::vector LIMIT %(depth)s) d),
scored AS (
  SELECT p.row, sum(k.idf * p.tf / (p.tf + {k1} * (1 - {b} + {b} * p.ntok / %(avgdl)s))) AS score,
         count(*) AS matched, sum(k.idf) AS mass
  FROM {post} p JOIN k ON p.lexeme = k.lexeme WHERE {lex_on} GROUP BY p.row),
lex AS (
  SELECT row, score, row_number() OVER (ORDER BY score DESC, row) AS r FROM (
    SELECT m.row, m.score FROM scored m, rule
    WHERE %(min_match)s <= 0 OR CASE WHEN 2 * rule.known <= rule.total
                                    THEN m.matched >= floor(%(min_match)s * rule.total) + 1
                                    ELSE m.mass > %(min_match)s * rule.mass END
    ORDER BY m.score DESC, m.row LIMIT %(depth)s) l)
SELECT coalesce(dense.row, lex.row) AS row,
       coalesce(1.0 / ({rrf} + dense.r), 0) + coalesce(1.0 / ({rrf} + lex.r), 0) AS fused,
       dense.r, lex.r, dense.sim, lex.score
FROM dense FULL OUTER JOIN lex ON dense.row = lex.row
ORDER BY fused DESC, row
"""


class PgRetriever(Retriever):
    """``retrieval.search.Retriever`` whose sentence ranking runs in the database (one SQL statement)."""

    def __init__(self, index: Index, store: Store, embedder: Embedder | None = None, depth: int = 50,
                 work_vote: bool = False):
        super().__init__(index, embedder, depth, work_vote=work_vote)
        self.store = store
        self.gen = int(index.manifest["generation"])
        self.n = int(index.manifest["counts"]["sentences"])
        self.avgdl = float(index.manifest.get("avgdl") or 1.0) or 1.0
        self.ef_search = int(index.manifest.get("dense", {}).get("ef_search", 96))
        from psycopg import sql

        # One statement per mode, the switched-off side a constant FALSE the planner drops (a parameter
        # would leave it to a generic plan to run, or not, an index scan with a dummy vector).
        self._sql = {mode: sql.SQL(_HYBRID_SQL).format(
            s=table(self.gen, "sentences"), lex=table(self.gen, "lexemes"), post=table(self.gen, "postings"),
            k1=sql.Literal(BM25_K1), b=sql.Literal(BM25_B), rrf=sql.Literal(RRF_K),
            dense_on=sql.SQL("TRUE" if mode in ("hybrid", "dense") else "FALSE"),
            lex_on=sql.SQL("TRUE" if mode in ("hybrid", "bm25") else "FALSE")) for mode in ("hybrid", "dense", "bm25")}

    def fused(self, question: str, mode: str, qvec: np.ndarray | None, depth: int) -> list[tuple[int, float, int | None, int | None, float | None, float | None]]:
        dense = mode in ("hybrid", "dense")
        lexical = mode in ("hybrid", "bm25")
        if dense:
            qv = qvec if qvec is not None else self.embedder.encode_query(question)
            v = np.asarray(qv, np.float32).reshape(-1)
        else:
            v = np.zeros(int(self.index.manifest.get("dim", 384)), np.float32)
        # The vector as pgvector's text form (float32 repr round-trips exactly): no adapter needed on the connection.
        params = {"terms": sorted(set(terms([question])[0])) if lexical else [], "v": "[" + ",".join(map(str, v.tolist())) + "]",
                  "n": self.n, "avgdl": self.avgdl, "depth": depth, "min_match": MIN_MATCH if mode == "hybrid" else 0.0}

        def q(conn):
            with conn.transaction():
                conn.execute(f"SET LOCAL hnsw.ef_search = {max(self.ef_search, depth)}")
                return conn.execute(self._sql[mode], params).fetchall()

        rows = self.store.run(q)
        return [(int(r[0]), float(r[1]), r[2], r[3], None if r[4] is None else float(r[4]), None if r[5] is None else float(r[5]))
                for r in rows]

    def current_generation(self) -> int | None:
        cur = self.store.run(live_generation)
        return None if cur is None else cur[0]
