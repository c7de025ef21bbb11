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
"""
from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections import Counter
from dataclasses import asdict
from typing import Any, Sequence

import numpy as np

from .corpus import corpus_hash
from .embed import Embedder
from .errors import UserError
from .indexing import EMBED_CHUNK, FORMAT_VERSION, Index, IndexParams, segment_corpus
from .lexical import MIN_MATCH, terms
from .search import RRF_K, Retriever
from .types import Document, Passage, Sentence, content_hash

log = logging.getLogger(__name__)

SCHEMA = "statementqa"
SCHEMA_VERSION = 1
MAX_SENTENCE_CHARS = 100_000  # a tsvector holds at most 1 MB; no real sentence is near this
BM25_K1, BM25_B = 1.5, 0.75  # bm25s' defaults (Lucene variant)
KEEP_GENERATIONS = 2  # the live one and the one before it (readers still on it finish their question)
CONNECT_TIMEOUT_S = 3
INDEX_BUILD_MEMORY = "1GB"  # maintenance_work_mem while publishing (HNSW of 100k x 384 floats: ~300 MB)
STATEMENT_TIMEOUT_MS = 10_000

# Migrations: (version, statements). Applied in order under an advisory lock; never edited once
# shipped, only appended to.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        "CREATE EXTENSION IF NOT EXISTS vector",
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
        f"""CREATE TABLE {SCHEMA}.generations (
              id bigserial PRIMARY KEY,
              key text NOT NULL UNIQUE,
              manifest jsonb NOT NULL,
              shards int NOT NULL CHECK (shards >= 1),
              state text NOT NULL DEFAULT 'building' CHECK (state IN ('building', 'live', 'retired')),
              created timestamptz NOT NULL DEFAULT now(),
              published timestamptz)""",
        f"""CREATE TABLE {SCHEMA}.shards (
              generation bigint NOT NULL REFERENCES {SCHEMA}.generations(id) ON DELETE CASCADE,
              shard int NOT NULL, done timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (generation, shard))""",
        f"""CREATE TABLE {SCHEMA}.live (
              one boolean PRIMARY KEY DEFAULT true CHECK (one),
              generation bigint NOT NULL REFERENCES {SCHEMA}.generations(id))""",
    ]),
]


class StoreUnavailable(UserError):
    """The database cannot be reached (or timed out); the app says so and retries on the next question."""


class StoreError(UserError):
    """The database holds no usable index, or refused what we wrote."""


def check_dsn(dsn: object, name: str = "store") -> str:
    if not isinstance(dsn, str) or not dsn.startswith(("postgresql://", "postgres://")):
        raise UserError(f"{name} must be a PostgreSQL URL such as postgresql://user@host:5432/db (got {dsn!r})")
    return dsn


def _where(dsn: str) -> str:
    """host:port/db of a DSN, without the password, for messages."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        d = conninfo_to_dict(dsn)
        return f"{d.get('host', 'localhost')}:{d.get('port', 5432)}/{d.get('dbname', '')}"
    except Exception:  # noqa: BLE001 - a message helper must not fail
        return "the database"


def table(gen: int, name: str):
    from psycopg import sql

    return sql.Identifier(SCHEMA, f"g{int(gen)}_{name}")


# -- connections --------------------------------------------------------------------------------
class Store:
    """Connection pools to the primary (writes) and the read DSNs (searches, round-robin)."""

    def __init__(self, dsn: str, read_dsns: Sequence[str] = (), pool_size: int = 4, timeout: float = 5.0):
        self.dsn = check_dsn(dsn)
        self.read_dsns = [check_dsn(d, "read DSN") for d in read_dsns]
        self.timeout = timeout
        self.pool_size = pool_size
        self._pools: dict[str, Any] = {}
        self._rr = itertools.count()
        self._lock = threading.Lock()

    def _pool(self, dsn: str):
        with self._lock:
            p = self._pools.get(dsn)
            if p is None:
                try:
                    from psycopg_pool import ConnectionPool
                except ImportError:
                    raise UserError("the PostgreSQL backend needs its extra: pip install 'statementqa[postgres]'") from None

                def configure(conn):
                    from pgvector.psycopg import register_vector

                    conn.autocommit = True
                    try:
                        register_vector(conn)
                    except Exception:  # noqa: BLE001 - the extension is created by migrate() on the primary
                        pass

                p = ConnectionPool(dsn, min_size=0, max_size=self.pool_size, open=True, timeout=self.timeout,
                                   configure=configure, check=ConnectionPool.check_connection,
                                   kwargs={"connect_timeout": CONNECT_TIMEOUT_S,
                                           "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
                                           "application_name": "statementqa"},
                                   name=f"statementqa-{len(self._pools)}")
                self._pools[dsn] = p
            return p

    def connection(self, write: bool = False, dsn: str | None = None):
        """A pooled connection (autocommit) to ``dsn``, else the primary for writes, else a read DSN."""
        if dsn is None:
            if write or not self.read_dsns:
                dsn = self.dsn
            else:
                dsn = self.read_dsns[next(self._rr) % len(self.read_dsns)]
        return self._pool(dsn).connection(timeout=self.timeout)

    def writer(self):
        """A connection of its own to the primary for an index build: no statement timeout (building an
        HNSW index over 100k vectors takes minutes), closed afterwards."""
        import psycopg

        conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name="statementqa-indexer")
        return conn

    def run(self, fn, write: bool = False):
        """``fn(conn)`` on a read DSN (the next one, then the primary, when one fails) or on the primary;
        connection failures become one ``StoreUnavailable`` line."""
        import psycopg
        from psycopg_pool import PoolTimeout

        order = [self.dsn] if (write or not self.read_dsns) else \
            [self.read_dsns[(next(self._rr) + i) % len(self.read_dsns)] for i in range(len(self.read_dsns))] + [self.dsn]
        last: Exception | None = None
        for dsn in order:
            try:
                with self.connection(dsn=dsn) as conn:
                    return fn(conn)
            except (psycopg.OperationalError, PoolTimeout) as e:
                last = e
                log.warning("database %s: %s", _where(dsn), str(e).splitlines()[0] if str(e) else type(e).__name__)
                self._discard(dsn)  # a fresh pool next time: no reconnect back-off after the server returns
            except psycopg.errors.UndefinedTable as e:
                # A replica that has not replayed the newest generation yet: the next one (or the primary) has it.
                last = e
        msg = str(last).splitlines()[0] if last is not None and str(last) else "no answer"
        if isinstance(last, psycopg.errors.QueryCanceled):
            raise StoreUnavailable(f"the index database {_where(order[-1])} did not answer within {STATEMENT_TIMEOUT_MS // 1000} s "
                                   "(statement timeout); it may be overloaded: try again") from None
        raise StoreUnavailable(f"the index database {_where(order[-1])} is unreachable ({msg[:160]}); "
                               "questions work again as soon as it is back") from None

    def _discard(self, dsn: str) -> None:
        with self._lock:
            p = self._pools.pop(dsn, None)
        if p is not None:
            p.close(timeout=0)

    def close(self) -> None:
        with self._lock:
            for p in self._pools.values():
                p.close()
            self._pools.clear()


def migrate(conn) -> int:
    """Apply the migrations not applied yet (idempotent, safe with concurrent writers); returns the version."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('statementqa.migrate'))")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.statementqa_schema (version int PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())")
        have = conn.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA}.statementqa_schema").fetchone()[0]
        if have > SCHEMA_VERSION:
            raise StoreError(f"the database's statementqa schema is version {have}, newer than this program's "
                             f"{SCHEMA_VERSION}; upgrade statementqa")
        for version, stmts in MIGRATIONS:
            if version > have:
                for s in stmts:
                    conn.execute(s)
                conn.execute(f"INSERT INTO {SCHEMA}.statementqa_schema (version) VALUES (%s)", (version,))
    from pgvector.psycopg import register_vector

    register_vector(conn)
    return SCHEMA_VERSION


# -- writing a generation -----------------------------------------------------------------------
def _create_tables(conn, gen: int, dim: int) -> None:
    from psycopg import sql

    conn.execute(sql.SQL("""
        CREATE TABLE IF NOT EXISTS {d} (
          doc_id text PRIMARY KEY, ord int NOT NULL, shard int NOT NULL, path text NOT NULL,
          meta jsonb NOT NULL, text text NOT NULL)""").format(d=table(gen, "documents")))
    conn.execute(sql.SQL("""
        CREATE TABLE IF NOT EXISTS {s} (
          doc_id text NOT NULL, idx int NOT NULL, shard int NOT NULL,
          row int,  -- position among the citable sentences (the files' dense row); NULL for boilerplate
          start int NOT NULL, "end" int NOT NULL, text text NOT NULL,
          boilerplate boolean NOT NULL, list_item boolean NOT NULL, text_hash text NOT NULL,
          embedding vector({dim}),
          lex text NOT NULL,  -- the BM25 terms (retrieval.lexical.terms), space-separated, in order
          ntok int NOT NULL,  -- how many (the document length of BM25)
          tsv tsvector GENERATED ALWAYS AS (CASE WHEN boilerplate THEN NULL ELSE to_tsvector('simple', lex) END) STORED,
          PRIMARY KEY (doc_id, idx),
          CHECK (0 <= start AND start <= "end" AND char_length(text) = "end" - start),
          CHECK (char_length(text) <= {maxc}),
          CHECK ((embedding IS NULL) = boilerplate AND (row IS NULL) = boilerplate))""").format(
        s=table(gen, "sentences"), dim=sql.Literal(int(dim)), maxc=sql.Literal(MAX_SENTENCE_CHARS)))
    # The inverted index BM25 is scored from (as bm25s' CSC matrix): one row per (term, sentence).
    conn.execute(sql.SQL("""
        CREATE TABLE IF NOT EXISTS {t} (
          lexeme text NOT NULL, row int NOT NULL, shard int NOT NULL, tf int NOT NULL CHECK (tf > 0), ntok int NOT NULL)""").format(
        t=table(gen, "postings")))
    conn.execute(sql.SQL("""
        CREATE TABLE IF NOT EXISTS {p} (
          ord int PRIMARY KEY, passage_id text NOT NULL, doc_id text NOT NULL, shard int NOT NULL,
          sentence_idxs int[] NOT NULL, start int NOT NULL, "end" int NOT NULL, text text NOT NULL)""").format(p=table(gen, "passages")))


def plan(docs: list[Document], params: IndexParams) -> dict:
    """What every indexer of one generation computes the same way from the same corpus: the documents
    in order, their sentences (with the citable ones' global row numbers) and passages, the key."""
    seg = segment_corpus(docs, params)  # the same cut as the files build
    rows = {(s.doc_id, s.idx): i for i, s in enumerate(seg.sentences)}
    chash = corpus_hash(seg.docs)
    return {"docs": seg.docs, "all_sents": seg.all_sentences, "passages": seg.passages, "rows": rows,
            "key": params.key(chash), "corpus_hash": chash}


def _manifest(pl: dict, params: IndexParams, dim: int) -> dict:
    return {
        "format_version": FORMAT_VERSION, "schema_version": SCHEMA_VERSION, "backend": "postgresql",
        "key": pl["key"], "embedder": params.embedder, "dim": int(dim),
        "chunk_size": params.chunk_size, "chunk_overlap": params.chunk_overlap,
        "dense": {"kind": "hnsw", "hnsw_m": params.dense.hnsw_m, "ef_construction": params.dense.ef_construction,
                  "ef_search": params.dense.ef_search},
        "dense_requested": asdict(params.dense), "corpus_hash": pl["corpus_hash"],
        "counts": {"documents": len(pl["docs"]), "sentences": len(pl["rows"]), "passages": len(pl["passages"])},
    }


def check_vectors(vectors: np.ndarray, n: int, dim: int) -> np.ndarray:
    """The embedder's output as the table takes it, or one line that says what is wrong."""
    v = np.asarray(vectors)
    if v.ndim != 2 or v.shape != (n, dim):
        raise StoreError(f"embeddings have shape {tuple(v.shape)}, the index expects ({n}, {dim}); "
                         "the embedder does not match this index: rebuild it with the same --embedder")
    if not np.isfinite(v).all():
        bad = int(np.flatnonzero(~np.isfinite(v).all(axis=1))[0])
        raise StoreError(f"embedding {bad} is not finite (NaN or infinity); the embedder is broken, nothing was written")
    return v.astype(np.float32, copy=False)


def check_sentence(s: Sentence, text: str) -> None:
    if len(s.text) > MAX_SENTENCE_CHARS:
        raise StoreError(f"a sentence of {s.doc_id} is {len(s.text):,} characters long; the PostgreSQL backend takes at most "
                         f"{MAX_SENTENCE_CHARS:,} (split the document into sentences or use the files backend)")
    if text[s.start:s.end] != s.text:
        raise StoreError(f"sentence {s.idx} of {s.doc_id} does not match its offsets; nothing was written")


def _reusable(conn, live: int | None, live_manifest: dict | None, embedder: str, hashes: list[str]) -> dict[str, np.ndarray]:
    """Vectors of already-embedded texts in the live generation (same embedder), by content hash."""
    from psycopg import sql

    if live is None or not live_manifest or live_manifest.get("embedder") != embedder or not hashes:
        return {}
    out: dict[str, np.ndarray] = {}
    for a in range(0, len(hashes), 5000):
        cur = conn.execute(sql.SQL("SELECT DISTINCT ON (text_hash) text_hash, embedding FROM {s} WHERE text_hash = ANY(%s) "
                                   "AND embedding IS NOT NULL").format(s=table(live, "sentences")), (hashes[a:a + 5000],))
        for h, v in cur:
            out[h] = np.asarray(v.to_numpy() if hasattr(v, "to_numpy") else v, np.float32)
    return out


def live_generation(conn) -> tuple[int, dict] | None:
    row = conn.execute(f"SELECT g.id, g.manifest FROM {SCHEMA}.live l JOIN {SCHEMA}.generations g ON g.id = l.generation").fetchone()
    return (int(row[0]), row[1]) if row else None


def index_shard(docs: list[Document], params: IndexParams, store: Store, embedder: Embedder | None = None,
                shard: tuple[int, int] = (0, 1), force: bool = False, progress: bool | None = None) -> dict:
    """Embed and write shard ``i`` of ``n`` of ``docs`` into the generation for their key, then publish
    it when every shard is written. Returns stats (``published``, ``up_to_date``, counts, seconds)."""
    i, n = shard
    if not (isinstance(n, int) and isinstance(i, int) and n >= 1 and 0 <= i < n):
        raise UserError(f"shard must be i/n with 0 <= i < n (got {i}/{n}); e.g. --shard 0/2 and --shard 1/2")
    try:
        return _index_shard(docs, params, store, embedder, i, n, force, progress)
    except Exception as e:
        # The server went away mid-build: the generation being written stays unpublished (the live
        # one is untouched) and the next run of this shard starts it over.
        _raise_unavailable(e, store)
        raise


def _index_shard(docs: list[Document], params: IndexParams, store: Store, embedder: Embedder | None,
                 i: int, n: int, force: bool, progress: bool | None) -> dict:
    t0 = time.perf_counter()
    pl = plan(docs, params)
    embedder = embedder or Embedder(params.embedder)
    dim = embedder.dim
    manifest = _manifest(pl, params, dim)
    with store.writer() as conn:
        migrate(conn)
        live = live_generation(conn)
        if live is not None and live[1].get("key") == pl["key"] and not force:
            return {"up_to_date": True, "published": False, "generation": live[0], "embedded": 0, "reused": 0,
                    "total_s": time.perf_counter() - t0}
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('statementqa.generation'))")
            row = conn.execute(f"SELECT id, shards, state FROM {SCHEMA}.generations WHERE key = %s", (pl["key"],)).fetchone()
            if row is not None and (row[2] != "building" or force):
                # Rebuilding a key that was live before (--force, or a revert to an older corpus): a fresh generation.
                conn.execute(f"UPDATE {SCHEMA}.generations SET key = key || '~' || id WHERE id = %s", (row[0],))
                row = None
            if row is None:
                row = conn.execute(f"INSERT INTO {SCHEMA}.generations (key, manifest, shards) VALUES (%s, %s, %s) RETURNING id, shards, state",
                                   (pl["key"], json.dumps(manifest), n)).fetchone()
            gen, nshards = int(row[0]), int(row[1])
            if nshards != n:
                raise UserError(f"this index is being built in {nshards} shards; run the others as --shard i/{nshards} "
                                f"(or --force to start over with {n})")
            _create_tables(conn, gen, dim)
        done = conn.execute(f"SELECT 1 FROM {SCHEMA}.shards WHERE generation = %s AND shard = %s", (gen, i)).fetchone()
        stats: dict = {"generation": gen, "shard": f"{i}/{n}", "embedded": 0, "reused": 0, "up_to_date": False}
        if done is None:
            stats.update(_write_shard(conn, gen, pl, params, embedder, live, i, n, progress))
            conn.execute(f"INSERT INTO {SCHEMA}.shards (generation, shard) VALUES (%s, %s) ON CONFLICT DO NOTHING", (gen, i))
        stats["published"] = publish(conn, gen, manifest, params)
    stats["total_s"] = time.perf_counter() - t0
    return stats


def _write_shard(conn, gen: int, pl: dict, params: IndexParams, embedder: Embedder, live, i: int, n: int,
                 progress: bool | None) -> dict:
    from psycopg import sql

    mine = [(o, d) for o, d in enumerate(pl["docs"]) if o % n == i]
    mine_ids = [d.doc_id for _, d in mine]
    # Rows left by an earlier run of this shard that was killed mid-way.
    for t in ("documents", "sentences", "passages", "postings"):
        conn.execute(sql.SQL("DELETE FROM {t} WHERE shard = %s").format(t=table(gen, t)), (i,))
    sents = [(d, s) for _, d in mine for s in pl["all_sents"][d.doc_id]]
    for d, s in sents:
        check_sentence(s, d.text)
    citable = [s for _, s in sents if not s.boilerplate]
    hashes = [content_hash(s.text) for s in citable]
    reuse = _reusable(conn, live[0] if live else None, live[1] if live else None, params.embedder, sorted(set(hashes)))
    todo = sorted({h: s.text for h, s in zip(hashes, citable) if h not in reuse}.items())
    show = progress if progress is not None else len(todo) > 2000
    bar = None
    if show and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc=f"embedding (shard {i}/{n})", unit="sentence")
    with conn.cursor() as cur:
        with cur.copy(sql.SQL("COPY {t} (doc_id, ord, shard, path, meta, text) FROM STDIN").format(t=table(gen, "documents"))) as cp:
            for o, d in mine:
                cp.write_row((d.doc_id, o, i, d.path, json.dumps(d.meta, ensure_ascii=False, default=str), d.text))
        with cur.copy(sql.SQL("COPY {t} (ord, passage_id, doc_id, shard, sentence_idxs, start, \"end\", text) FROM STDIN").format(
                t=table(gen, "passages"))) as cp:
            ids = set(mine_ids)
            for o, p in enumerate(pl["passages"]):
                if p.doc_id in ids:
                    cp.write_row((o, p.passage_id, p.doc_id, i, list(p.sentence_idxs), p.start, p.end, p.text))
        # Boilerplate sentences (no vector), then the citable ones chunk by chunk as they are embedded.
        _copy_sentences(cur, gen, i, [s for _, s in sents if s.boilerplate], None, pl["rows"], embedder.dim)
    vec_of = dict(reuse)
    pending = citable
    written = 0
    for a in range(0, len(todo), EMBED_CHUNK):
        part = todo[a:a + EMBED_CHUNK]
        new = check_vectors(embedder.encode([t for _, t in part], progress=False), len(part), embedder.dim)
        vec_of.update({h: v for (h, _), v in zip(part, new)})
        if bar is not None:
            bar.update(len(part))
        written = _flush(conn, gen, i, pending, vec_of, written, pl["rows"], embedder.dim)
    written = _flush(conn, gen, i, pending, vec_of, written, pl["rows"], embedder.dim, final=True)
    if bar is not None:
        bar.close()
    return {"embedded": len(todo), "reused": len(citable) - sum(1 for h in hashes if h not in reuse),
            "documents": len(mine), "sentences": len(citable)}


def _flush(conn, gen: int, i: int, pending: list[Sentence], vec_of: dict, written: int, rows: dict, dim: int,
           final: bool = False) -> int:
    """Write the pending sentences, in order, whose vectors are known (all of them when ``final``)."""
    j = written
    while j < len(pending) and content_hash(pending[j].text) in vec_of:
        j += 1
    if j == written or (not final and j - written < EMBED_CHUNK and j < len(pending)):
        return written
    batch = pending[written:j]
    with conn.cursor() as cur:
        _copy_sentences(cur, gen, i, batch, [vec_of[content_hash(s.text)] for s in batch], rows, dim)
    return j


def _copy_sentences(cur, gen: int, shard: int, sents: list[Sentence], vectors: list | None, rows: dict, dim: int) -> None:
    from psycopg import sql

    if not sents:
        return
    toks = terms([s.text for s in sents]) if vectors is not None else [[] for _ in sents]
    with cur.copy(sql.SQL("COPY {t} (doc_id, idx, shard, row, start, \"end\", text, boilerplate, list_item, text_hash, embedding, lex, ntok) "
                          "FROM STDIN WITH (FORMAT BINARY)").format(t=table(gen, "sentences"))) as cp:
        cp.set_types(["text", "int4", "int4", "int4", "int4", "int4", "text", "bool", "bool", "text", "vector", "text", "int4"])
        for j, s in enumerate(sents):
            v = None if vectors is None else vectors[j]
            cp.write_row((s.doc_id, s.idx, shard, rows.get((s.doc_id, s.idx)), s.start, s.end, s.text, s.boilerplate,
                          s.list_item, content_hash(s.text), v, " ".join(toks[j]), len(toks[j])))
    if vectors is None:
        return
    with cur.copy(sql.SQL("COPY {t} (lexeme, row, shard, tf, ntok) FROM STDIN WITH (FORMAT BINARY)").format(t=table(gen, "postings"))) as cp:
        cp.set_types(["text", "int4", "int4", "int4", "int4"])
        for j, s in enumerate(sents):
            for term, tf in Counter(toks[j]).items():
                cp.write_row((term, rows[(s.doc_id, s.idx)], shard, tf, len(toks[j])))


def publish(conn, gen: int, manifest: dict, params: IndexParams) -> bool:
    """When every shard of ``gen`` is written: check it, build its indexes and make it live in one
    transaction (readers see the old generation or the new one, never a mix). False when shards remain."""
    from psycopg import sql

    with conn.transaction():
        row = conn.execute(f"SELECT shards, state FROM {SCHEMA}.generations WHERE id = %s FOR UPDATE", (gen,)).fetchone()
        if row is None or row[1] != "building":
            return False
        ndone = conn.execute(f"SELECT count(*) FROM {SCHEMA}.shards WHERE generation = %s", (gen,)).fetchone()[0]
        if ndone < row[0]:
            return False
        counts = manifest["counts"]
        got = conn.execute(sql.SQL("SELECT (SELECT count(*) FROM {d}), (SELECT count(*) FROM {s} WHERE NOT boilerplate), "
                                   "(SELECT count(*) FROM {p}), (SELECT coalesce(avg(ntok), 0) FROM {s} WHERE NOT boilerplate)").format(
            d=table(gen, "documents"), s=table(gen, "sentences"), p=table(gen, "passages"))).fetchone()
        # The HNSW graph is built in memory when it fits (much faster than spilling); for this transaction only.
        conn.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        conn.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        if tuple(got[:3]) != (counts["documents"], counts["sentences"], counts["passages"]):
            raise StoreError(f"generation {gen} is incomplete ({got[0]} documents, {got[1]} sentences, {got[2]} passages; "
                             f"expected {counts['documents']}, {counts['sentences']}, {counts['passages']}); run the index again")
        conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {n} ON {s} USING hnsw (embedding vector_cosine_ops) WITH (m = {m}, ef_construction = {ef})").format(
            n=sql.Identifier(f"g{gen}_sentences_hnsw"), s=table(gen, "sentences"), m=sql.Literal(int(params.dense.hnsw_m)),
            ef=sql.Literal(int(params.dense.ef_construction))))
        conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {n} ON {s} USING gin (tsv)").format(
            n=sql.Identifier(f"g{gen}_sentences_tsv"), s=table(gen, "sentences")))
        conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {n} ON {s} (text_hash)").format(  # vector reuse by the next generation
            n=sql.Identifier(f"g{gen}_sentences_hash"), s=table(gen, "sentences")))
        conn.execute(sql.SQL("CREATE UNIQUE INDEX IF NOT EXISTS {n} ON {s} (row)").format(
            n=sql.Identifier(f"g{gen}_sentences_row"), s=table(gen, "sentences")))
        conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {l} (lexeme text PRIMARY KEY, df int NOT NULL)").format(l=table(gen, "lexemes")))
        conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {n} ON {t} (lexeme) INCLUDE (row, tf, ntok)").format(
            n=sql.Identifier(f"g{gen}_postings_lexeme"), t=table(gen, "postings")))
        conn.execute(sql.SQL("INSERT INTO {l} SELECT lexeme, count(*) FROM {t} GROUP BY lexeme ON CONFLICT DO NOTHING").format(
            l=table(gen, "lexemes"), t=table(gen, "postings")))
        final = dict(manifest, generation=gen, avgdl=float(got[3]), created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        conn.execute(f"UPDATE {SCHEMA}.generations SET state = 'retired' WHERE state = 'live'")
        conn.execute(f"UPDATE {SCHEMA}.generations SET state = 'live', published = now(), manifest = %s WHERE id = %s",
                     (json.dumps(final), gen))
        conn.execute(f"INSERT INTO {SCHEMA}.live (one, generation) VALUES (true, %s) ON CONFLICT (one) DO UPDATE SET generation = excluded.generation",
                     (gen,))
    for t in ("documents", "sentences", "passages", "lexemes", "postings"):
        conn.execute(sql.SQL("ANALYZE {t}").format(t=table(gen, t)))
    _drop_old(conn)
    return True


def _drop_old(conn) -> None:
    """Drop the tables of retired generations beyond the newest ``KEEP_GENERATIONS`` (and of builds
    abandoned for over a day)."""
    from psycopg import sql

    old = conn.execute(f"""SELECT id FROM {SCHEMA}.generations WHERE
        (state = 'retired' AND id NOT IN (SELECT id FROM {SCHEMA}.generations WHERE state <> 'building' ORDER BY published DESC NULLS LAST LIMIT %s))
        OR (state = 'building' AND created < now() - interval '1 day')""", (KEEP_GENERATIONS,)).fetchall()
    for (gid,) in old:
        with conn.transaction():
            for t in ("documents", "sentences", "passages", "lexemes", "postings"):
                conn.execute(sql.SQL("DROP TABLE IF EXISTS {t}").format(t=table(gid, t)))
            conn.execute(f"DELETE FROM {SCHEMA}.generations WHERE id = %s", (gid,))


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


def _live_if_migrated(conn):
    exists = conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.live",)).fetchone()[0]
    return live_generation(conn) if exists else None


def _raise_unavailable(e: Exception, store: Store) -> None:
    import psycopg
    from psycopg_pool import PoolTimeout

    if isinstance(e, (psycopg.OperationalError, PoolTimeout)):
        store._discard(store.dsn)
        raise StoreUnavailable(f"the index database {_where(store.dsn)} is unreachable ({str(e).splitlines()[0][:160]}); "
                               "try again when it is back") from None


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

    def __init__(self, index: Index, store: Store, embedder: Embedder | None = None, depth: int = 50):
        super().__init__(index, embedder, depth)
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


