"""The persisted index: round trip, rebuild rules, corruption, atomic replace."""
from __future__ import annotations

import json
import logging
import shutil

import numpy as np
import pytest

from statementqa.retrieval.corpus import load_corpus
from statementqa.retrieval.errors import QueryError
from statementqa.retrieval.indexing import FORMAT_VERSION
from statementqa.retrieval.search import Retriever
from statementqa.retrieval.store import IndexParams, current_path, load, open_index

pytestmark = pytest.mark.slow
QUESTIONS = ["Where did the meeting take place?", "Which country may join?", "What happens next month?"]


def _results(index, embedder):
    r = Retriever(index, embedder)
    out = []
    for q in QUESTIONS:
        res = r.search(q, 5)
        out.append([(h.passage.passage_id, round(h.score, 6), h.matched) for h in res.hits])
    return out


@pytest.fixture()
def corpus(tmp_path, corpus_dir):
    d = tmp_path / "corpus"
    shutil.copytree(corpus_dir, d)
    return d


def test_round_trip_identical(tmp_path, corpus, embedder):
    docs = load_corpus(corpus)
    built, info = open_index(docs, data_dir=tmp_path / "data", embedder=embedder)
    assert info["rebuilt"]
    loaded = load(current_path(tmp_path / "data"))
    assert loaded.manifest == built.manifest
    assert loaded.sentences == built.sentences and loaded.passages == built.passages
    assert loaded.all_sentences == built.all_sentences
    np.testing.assert_array_equal(np.asarray(loaded.vectors), built.vectors)
    assert _results(loaded, embedder) == _results(built, embedder)
    m = loaded.manifest
    assert m["format_version"] == FORMAT_VERSION and m["dim"] == 384 and m["embedder"] == "all-MiniLM-L6-v2"
    assert m["counts"] == {"documents": 1, "sentences": 19, "passages": len(built.passages)}
    assert m["chunk_size"] == 3 and m["chunk_overlap"] == 1 and m["dense"]["kind"] == "exact"


def test_rebuild_only_on_change(tmp_path, corpus, embedder):
    data = tmp_path / "data"
    _, i1 = open_index(load_corpus(corpus), data_dir=data, embedder=embedder)
    _, i2 = open_index(load_corpus(corpus), data_dir=data, embedder=embedder)
    assert i1["rebuilt"] and not i2["rebuilt"]
    f = next(corpus.glob("*.txt"))
    b = bytearray(f.read_bytes())
    b[-2] = ord("E")  # "here." -> "heEe."
    f.write_bytes(bytes(b))
    _, i3 = open_index(load_corpus(corpus), data_dir=data, embedder=embedder)
    assert i3["rebuilt"] and i3["reason"] == "corpus or parameters changed"
    # only the changed sentence is embedded again (incremental indexing)
    assert i3["embedded"] <= 1 and i3["reused"] >= 18
    _, i4 = open_index(load_corpus(corpus), IndexParams(chunk_size=2), data_dir=data, embedder=embedder)
    assert i4["rebuilt"] and i4["embedded"] == 0
    assert len(list(data.glob("index-*"))) == 1  # old generations removed


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "manifest", "current"])
def test_corrupt_index_is_rebuilt(tmp_path, corpus, embedder, caplog, damage):
    data = tmp_path / "data"
    idx, _ = open_index(load_corpus(corpus), data_dir=data, embedder=embedder)
    before = _results(idx, embedder)
    path = current_path(data)
    if damage == "truncate":
        f = path / "dense.faiss"
        f.write_bytes(f.read_bytes()[:100])
    elif damage == "flip":
        f = path / "sentences.jsonl"
        b = bytearray(f.read_bytes())
        b[10] ^= 1
        f.write_bytes(bytes(b))
    elif damage == "delete":
        (path / "passages.jsonl").unlink()
    elif damage == "manifest":
        (path / "manifest.json").write_text("{not json")
    else:
        (data / "CURRENT").write_text("../../etc")
    with caplog.at_level(logging.WARNING):
        idx2, info = open_index(load_corpus(corpus), data_dir=data, embedder=embedder)
    assert info["rebuilt"] and "corrupt" in info["reason"]
    assert any("rebuilding" in r.message for r in caplog.records)
    assert _results(idx2, embedder) == before


def test_older_format_is_rebuilt_without_a_warning(tmp_path, corpus, embedder, caplog):
    """An index written by an older version (its manifest's format_version) is rebuilt and said so
    at INFO level, not as corruption: upgrading is not an error."""
    data = tmp_path / "data"
    idx, _ = open_index(load_corpus(corpus), data_dir=data, embedder=embedder)
    before = _results(idx, embedder)
    m = current_path(data) / "manifest.json"
    manifest = json.loads(m.read_text(encoding="utf-8"))
    manifest["format_version"] = FORMAT_VERSION - 1
    m.write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.INFO):
        idx2, info = open_index(load_corpus(corpus), data_dir=data, embedder=embedder)
    assert info["rebuilt"] and info["reason"].startswith("index format changed") and "corrupt" not in info["reason"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert idx2.manifest["format_version"] == FORMAT_VERSION
    assert _results(idx2, embedder) == before


@pytest.mark.parametrize("k, n", [(1, 1), (3, 3), (100, None)])
def test_k_larger_than_corpus(pipeline, k, n):
    res = pipeline.search("What will the compact cover?", k)
    assert len(res.hits) == (n if n is not None else len(pipeline.index.passages))


@pytest.mark.parametrize("q, msg", [("", "empty"), ("   \n\t", "empty"), ("x" * 100_000, "limit is 1,000")])
def test_bad_questions(pipeline, q, msg):
    with pytest.raises(QueryError, match=msg):
        pipeline.search(q)


@pytest.mark.parametrize("k", [0, -1, 2.5, "3", True])
def test_bad_k(pipeline, k):
    with pytest.raises(QueryError, match="k must be"):
        pipeline.search("Mexico?", k)


def test_duplicate_documents_build_save_load(tmp_path, embedder):
    """Two documents with the same text (same content-hash id) index once and load back."""
    from statementqa.retrieval.store import build, save
    from statementqa.retrieval.types import Document, content_hash

    t = "Same text here. Twice over."
    docs = [Document(content_hash(t), t, "a.txt"), Document(content_hash(t), t, "b.txt"), Document(content_hash("Other."), "Other.", "c.txt")]
    idx, _ = build(docs, IndexParams(), embedder)
    assert idx.manifest["counts"] == {"documents": 2, "sentences": 3, "passages": 2}
    loaded = load(save(idx, tmp_path))
    assert loaded.sentences == idx.sentences


def test_chunked_and_reused_vectors_equal_a_fresh_build(monkeypatch, corpus_dir):
    """Vectors are filled in place, chunk by chunk, re-used rows copied from the old index: the
    result equals embedding every sentence at once (the reference), duplicates share a vector."""
    from statementqa.retrieval import indexing
    from statementqa.retrieval.embed import Embedder
    from statementqa.retrieval.types import Document

    docs = load_corpus(corpus_dir)
    extra = Document("dup", "Enough is enough. A sentence only this document has.")
    emb = Embedder()
    ref, _ = indexing.build(docs + [extra], IndexParams(), emb)
    expect = emb.encode([s.text for s in ref.sentences])
    np.testing.assert_allclose(ref.vectors, expect, atol=1e-5)
    monkeypatch.setattr(indexing, "EMBED_CHUNK", 3)
    chunked, st = indexing.build(docs + [extra], IndexParams(), emb)
    np.testing.assert_allclose(chunked.vectors, expect, atol=1e-5)
    base, _ = indexing.build(docs, IndexParams(), emb)
    grown, st2 = indexing.build(docs + [extra], IndexParams(), emb, reuse=base)
    assert st2["embedded"] == 1 and st2["reused"] == len(grown.sentences) - 1  # only the new sentence
    np.testing.assert_allclose(grown.vectors, expect, atol=1e-5)
    texts = [s.text for s in grown.sentences]
    a, b = [i for i, t in enumerate(texts) if t == "Enough is enough."]
    assert np.array_equal(grown.vectors[a], grown.vectors[b])
