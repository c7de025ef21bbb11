"""Writing the index into PostgreSQL + pgvector (``retrieval.pgstore`` describes the schema).

``index_shard`` embeds and writes one share of the documents into the generation for their
content key (``plan``: what every indexer computes the same way), reusing the live generation's
vectors of unchanged sentences; the shard that finishes last ``publish``-es it: checks the
counts, builds the HNSW, GIN and postings indexes and switches readers to it in one transaction,
then drops generations beyond ``KEEP_GENERATIONS``. A writer killed mid-way leaves the live
generation intact. It does not search and does not load an index into memory.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict

import numpy as np

from .corpus import corpus_hash
from .embed import Embedder
from .errors import UserError
from .indexing import EMBED_CHUNK, FORMAT_VERSION, IndexParams, segment_corpus
from .lexical import lexical_texts, terms
from .pgconn import SCHEMA, SCHEMA_VERSION, Store, StoreError, _raise_unavailable, live_generation, migrate, table
from .types import Document, Sentence, content_hash

MAX_SENTENCE_CHARS = 100_000  # a tsvector holds at most 1 MB; no real sentence is near this
KEEP_GENERATIONS = 2  # the live one and the one before it (readers still on it finish their question)
INDEX_BUILD_MEMORY = "1GB"  # maintenance_work_mem while publishing (HNSW of 100k x 384 floats: ~300 MB)


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
        _copy_sentences(cur, gen, i, [s for _, s in sents if s.boilerplate], None, pl["rows"], embedder.dim, pl["all_sents"])
    vec_of = dict(reuse)
    pending = citable
    written = 0
    for a in range(0, len(todo), EMBED_CHUNK):
        part = todo[a:a + EMBED_CHUNK]
        new = check_vectors(embedder.encode([t for _, t in part], progress=False), len(part), embedder.dim)
        vec_of.update({h: v for (h, _), v in zip(part, new)})
        if bar is not None:
            bar.update(len(part))
        written = _flush(conn, gen, i, pending, vec_of, written, pl["rows"], embedder.dim, pl["all_sents"])
    written = _flush(conn, gen, i, pending, vec_of, written, pl["rows"], embedder.dim, pl["all_sents"], final=True)
    if bar is not None:
        bar.close()
    return {"embedded": len(todo), "reused": len(citable) - sum(1 for h in hashes if h not in reuse),
            "documents": len(mine), "sentences": len(citable)}


def _flush(conn, gen: int, i: int, pending: list[Sentence], vec_of: dict, written: int, rows: dict, dim: int,
           all_sents: dict, final: bool = False) -> int:
    """Write the pending sentences, in order, whose vectors are known (all of them when ``final``)."""
    j = written
    while j < len(pending) and content_hash(pending[j].text) in vec_of:
        j += 1
    if j == written or (not final and j - written < EMBED_CHUNK and j < len(pending)):
        return written
    batch = pending[written:j]
    with conn.cursor() as cur:
        _copy_sentences(cur, gen, i, batch, [vec_of[content_hash(s.text)] for s in batch], rows, dim, all_sents)
    return j


def _copy_sentences(cur, gen: int, shard: int, sents: list[Sentence], vectors: list | None, rows: dict, dim: int,
                    all_sents: dict) -> None:
    """Write ``sents`` (``vectors``: theirs; None for boilerplate, which gets no vector and no BM25
    terms); ``all_sents``: every sentence of their documents, for ``lexical.lexical_texts``."""
    from psycopg import sql

    if not sents:
        return
    toks = terms(lexical_texts(sents, all_sents)) if vectors is not None else [[] for _ in sents]
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
