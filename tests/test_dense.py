"""The exact index against brute-force NumPy and against FAISS's own search (few queries go
through one BLAS product, many through FAISS); the approximate index's recall."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.retrieval.dense import DenseIndex, DenseParams


def _unit(rng, n, d):
    v = rng.standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("n, k", [(1, 1), (10, 3), (500, 10), (2000, 50), (7, 20)])
def test_exact_equals_numpy(n, k):
    rng = np.random.default_rng(n)
    x, q = _unit(rng, n, 64), _unit(rng, 5, 64)
    idx = DenseIndex.build(x, DenseParams("exact"))
    scores, ids = idx.search(q, k)
    brute = q @ x.T
    kk = min(k, n)
    assert ids.shape == (5, kk)
    for r in range(5):
        expected = np.sort(brute[r])[::-1][:kk]
        np.testing.assert_allclose(scores[r], expected, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(brute[r, ids[r]], scores[r], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("n, k, nq", [(1, 1, 1), (7, 20, 3), (500, 10, 1), (2000, 50, 19), (2000, 50, 20), (3000, 3000, 2)])
def test_exact_equals_faiss_search(n, k, nq, tmp_path):
    """Below FAISS's BLAS threshold the exact index scores with NumPy; ids and order equal FAISS's
    IndexFlatIP (random vectors: no ties), scores to 1e-5; from 20 queries on FAISS itself answers."""
    import faiss

    rng = np.random.default_rng(n + nq)
    x, q = _unit(rng, n, 64), _unit(rng, nq, 64)
    ref = faiss.IndexFlatIP(64)
    ref.add(x)
    rs, ri = ref.search(q, min(k, n))
    built = DenseIndex.build(x, DenseParams("exact"))
    built.save(str(tmp_path / "i.faiss"))
    loaded = DenseIndex.load(str(tmp_path / "i.faiss"), built.params, mmap=True)
    for idx, method in ((built, "blas"), (loaded, "blas"), (built, "auto"), (loaded, "faiss")):
        scores, ids = idx.search(q, k, method)
        assert ids.dtype == np.int64 and scores.dtype == np.float32
        np.testing.assert_array_equal(ids, ri)
        np.testing.assert_allclose(scores, rs, rtol=1e-5, atol=1e-5)


def test_exact_ties_go_to_the_lower_id():
    x = np.array([[1, 0], [0, 1], [1, 0], [1, 0]], np.float32)
    scores, ids = DenseIndex.build(x, DenseParams("exact")).search(np.array([1, 0], np.float32), 3, "blas")
    assert ids.tolist() == [[0, 2, 3]] and scores.tolist() == [[1.0, 1.0, 1.0]]


@pytest.mark.parametrize("method", ["blas", "int8"])
def test_a_tie_across_the_kth_place_goes_to_the_lower_ids(monkeypatch, method):
    """Many copies of one vector (a sentence repeated through a corpus) tie across the k-th place:
    the lower ids are kept, whatever order a partial sort leaves them in (seen at 100k real
    sentences: a duplicate pair at place 50)."""
    import statementqa.retrieval.dense as dense

    monkeypatch.setattr(dense, "FP16_MIN_VECTORS", 1000)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    rng = np.random.default_rng(11)
    x = _unit(rng, 3000, 32) * 0.5
    tied = rng.permutation(3000)[:300]
    x[tied] = _unit(rng, 1, 32)
    scores, ids = DenseIndex.build(x, DenseParams("exact")).search(x[tied[0]], 20, method)
    assert ids[0].tolist() == sorted(tied.tolist())[:20]
    np.testing.assert_allclose(scores[0], 1.0, atol=1e-6)


def test_exact_search_method_rule(monkeypatch):
    """``auto``: BLAS for a few queries unless PyTorch is loaded (its spinning threads), FAISS else."""
    import statementqa.retrieval.dense as dense

    idx = DenseIndex.build(_unit(np.random.default_rng(1), 50, 8), DenseParams("exact"))
    used = []
    monkeypatch.setattr(DenseIndex, "_exact_blas", lambda self, q, k: used.append(len(q)) or (None, None))
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    idx.search(np.ones((1, 8), np.float32), 3)
    idx.search(np.ones((dense.BLAS_MIN_QUERIES, 8), np.float32), 3)  # FAISS's own BLAS from here on
    monkeypatch.setitem(sys.modules, "torch", object())
    idx.search(np.ones((1, 8), np.float32), 3)
    idx.search(np.ones((1, 8), np.float32), 3, "blas")
    assert used == [1, 1]
    with pytest.raises(ValueError, match="auto, blas, faiss, fp16, int8"):
        idx.search(np.ones((1, 8), np.float32), 3, "gpu")


def test_exact_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    x, q = _unit(rng, 300, 32), _unit(rng, 4, 32)
    a = DenseIndex.build(x, DenseParams("exact"))
    a.save(str(tmp_path / "i.faiss"))
    for mmap in (False, True):
        b = DenseIndex.load(str(tmp_path / "i.faiss"), a.params, mmap=mmap)
        for r1, r2 in zip(a.search(q, 10), b.search(q, 10)):
            np.testing.assert_array_equal(r1, r2)


@pytest.mark.slow
def test_hnsw_recall_at_10():
    """Approximate index on 20k clustered vectors (like real embeddings): recall@10 >= 0.95."""
    rng = np.random.default_rng(7)
    centers = _unit(rng, 200, 384)
    x = centers[rng.integers(0, 200, 20000)] + 0.35 * _unit(rng, 20000, 384)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[rng.choice(20000, 200, replace=False)] + 0.1 * _unit(rng, 200, 384)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    exact = DenseIndex.build(x, DenseParams("exact"))
    approx = DenseIndex.build(x, DenseParams("hnsw"))
    assert approx.params.kind == "hnsw"
    _, ie = exact.search(q, 10)
    _, ia = approx.search(q, 10)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(ia, ie)])
    print(f"hnsw recall@10 = {recall:.3f}")
    assert recall >= 0.95


def test_auto_picks_by_size():
    assert DenseParams("auto").resolved(10).kind == "exact"
    assert DenseParams("auto").resolved(10**6).kind == "hnsw"
    with pytest.raises(ValueError):
        DenseParams("ivf9").resolved(10)


@pytest.mark.parametrize("kind", ["exact", "hnsw"])
def test_stored_vectors_are_faiss_own_copy(kind):
    """The index's vectors after a build are a read-only view of FAISS's storage (one copy in
    memory): equal to the input, still valid when the DenseIndex object is gone."""
    import gc

    rng = np.random.default_rng(3)
    v = rng.standard_normal((500, 16)).astype(np.float32)
    d = DenseIndex.build(v, DenseParams(kind))
    view = d.stored_vectors()
    del d
    gc.collect()
    np.testing.assert_array_equal(view, v)
    assert not view.flags.writeable and view.dtype == np.float32
    assert DenseIndex.build(v[:0], DenseParams("exact")).stored_vectors().shape == (0, 16)


def _fp16_index(monkeypatch, n: int, d: int = 384, seed: int = 0, min_vectors: int = 1000):
    import statementqa.retrieval.dense as dense

    monkeypatch.setattr(dense, "FP16_MIN_VECTORS", min_vectors)
    monkeypatch.delitem(sys.modules, "torch", raising=False)  # the rule skips the shards with PyTorch loaded
    x = _unit(np.random.default_rng(seed), n, d)
    return x, DenseIndex.build(x, DenseParams("exact"))


@pytest.mark.parametrize("n, k, cores", [(3000, 50, 2), (2500, 10, 1), (4001, 50, 3), (1000, 1000, 8)])
def test_fp16_search_against_numpy(monkeypatch, n, k, cores):
    """The fp16 shards against float32 NumPy: every returned score is its vector's float32 score to
    1e-3 (fp16 rounding of unit vectors), nothing scoring more than 2e-3 above the k-th returned one
    is left out, ids are unique, best first with ties by the lower id; one shard per core (at most 4)."""
    import statementqa.retrieval.dense as dense

    monkeypatch.setattr(dense.os, "cpu_count", lambda: cores)
    x, idx = _fp16_index(monkeypatch, n)
    q = _unit(np.random.default_rng(n + 1), 5, 384)
    scores, ids = idx.search(q, k, "fp16")
    assert idx._fp16 is not None and idx._fp16.count() == min(cores, dense.FP16_MAX_SHARDS)
    assert ids.shape == (5, k) and ids.dtype == np.int64 and scores.dtype == np.float32
    brute = q @ x.T
    for r in range(5):
        assert len(set(ids[r].tolist())) == k and ids[r].min() >= 0
        np.testing.assert_allclose(scores[r], brute[r, ids[r]], atol=1e-3)
        assert all((a > b) or (a == b and i < j) for a, b, i, j in zip(scores[r], scores[r][1:], ids[r], ids[r][1:]))
        left_out = np.setdiff1d(np.arange(n), ids[r])
        if len(left_out):
            assert brute[r, left_out].max() <= brute[r, ids[r]].min() + 2e-3


def test_fp16_search_finds_what_float32_finds(monkeypatch):
    """Queries near stored vectors (well-separated scores, as real questions and their sentences):
    the fp16 shards return exactly the float32 ranking."""
    x, idx = _fp16_index(monkeypatch, 5000)
    rng = np.random.default_rng(7)
    q = x[[3, 1200, 4999]] + 0.05 * rng.standard_normal((3, 384)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    s16, i16 = idx.search(q, 5, "fp16")
    s32, i32 = idx.search(q, 5, "blas")
    np.testing.assert_array_equal(i16, i32)
    assert i16[:, 0].tolist() == [3, 1200, 4999]
    np.testing.assert_allclose(s16, s32, atol=1e-3)


def test_fp16_search_rule(monkeypatch):
    """``fp16``: the shards for a few queries over at least FP16_MIN_VECTORS vectors without PyTorch;
    below that size, with many queries or with PyTorch loaded it falls back to ``auto``; HNSW ignores it."""
    import statementqa.retrieval.dense as dense

    x, idx = _fp16_index(monkeypatch, 1500, d=16, min_vectors=1000)
    used = []
    monkeypatch.setattr(DenseIndex, "_exact_fp16", lambda self, q, k: used.append(("fp16", len(q))) or (None, None))
    monkeypatch.setattr(DenseIndex, "_exact_int8", lambda self, q, k: used.append(("int8", len(q))) or (None, None))
    monkeypatch.setattr(DenseIndex, "_exact_blas", lambda self, q, k: used.append(("blas", len(q))) or (None, None))
    one = np.ones((1, 16), np.float32)
    idx.search(one, 3, "fp16")
    idx.search(one, 3, "int8")
    idx.search(one, 3)  # auto: never the shards
    idx.search(np.ones((dense.BLAS_MIN_QUERIES, 16), np.float32), 3, "fp16")  # FAISS's own search
    monkeypatch.setattr(dense, "FP16_MIN_VECTORS", 2000)
    idx.search(one, 3, "fp16")
    monkeypatch.setitem(sys.modules, "torch", object())
    monkeypatch.setattr(dense, "FP16_MIN_VECTORS", 1000)
    idx.search(one, 3, "fp16")  # PyTorch loaded: FAISS's loop
    idx.search(one, 3, "int8")
    assert used == [("fp16", 1), ("int8", 1), ("blas", 1), ("blas", 1)]
    hnsw = DenseIndex.build(x, DenseParams("hnsw"))
    assert hnsw.search(one, 3, "fp16")[1].shape == (1, 3) and hnsw._fp16 is None
    assert hnsw.search(one, 3, "int8")[1].shape == (1, 3) and hnsw._int8 is None


def test_fp16_shards_are_made_once_under_concurrent_searches(monkeypatch):
    """The app's concurrent requests: the first searches race to make the copies; one set is made
    and every thread gets the same answer."""
    from concurrent.futures import ThreadPoolExecutor

    x, idx = _fp16_index(monkeypatch, 3000)
    made = []
    real = DenseIndex.fp16_shards

    def counting(self):
        out = real(self)
        made.append(id(out))
        return out

    monkeypatch.setattr(DenseIndex, "fp16_shards", counting)
    q = x[:1]
    with ThreadPoolExecutor(6) as ex:
        results = list(ex.map(lambda _: idx.search(q, 10, "fp16"), range(12)))
    assert len(set(made)) == 1
    for s, i in results:
        np.testing.assert_array_equal(i, results[0][1])
        np.testing.assert_array_equal(s, results[0][0])
    assert results[0][1][0, 0] == 0


def test_dense_search_setting_reaches_the_retriever():
    """``--dense-search`` / STATEMENTQA_DENSE_SEARCH: validated at the edge in one line, carried from
    the command line through the settings to the retriever's dense method (fp32 = the rule before)."""
    from statementqa.cli import build_parser
    from statementqa.pipeline import pipeline_from_args
    from statementqa.retrieval.errors import QueryError, UserError
    from statementqa.retrieval.search import Retriever
    from statementqa.settings import Settings

    assert Settings().dense_search == "int8"
    assert Settings.from_env({"STATEMENTQA_DENSE_SEARCH": "fp32"}).dense_search == "fp32"
    with pytest.raises(UserError, match="^dense search must be one of int8, fp16, fp32 \\(got 'fp8'\\)$"):
        Settings(dense_search="fp8")
    args = build_parser().parse_args(["ask", "--dense-search", "fp32", "Where did the meeting take place?"])
    assert pipeline_from_args(args).settings.dense_search == "fp32"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["ask", "--dense-search", "fp8", "q"])
    with pytest.raises(QueryError, match="dense search must be one of"):
        Retriever(None, object(), dense_search="fp8")  # type: ignore[arg-type]
    assert Retriever(None, object(), dense_search="fp32").dense_method == "auto"  # type: ignore[arg-type]
    assert Retriever(None, object()).dense_method == "int8"  # type: ignore[arg-type]
    assert Retriever(None, object(), dense_search="fp16").dense_method == "fp16"  # type: ignore[arg-type]


def _clustered(rng, n: int, d: int = 384, centres: int = 40, spread: float = 0.35) -> np.ndarray:
    """Unit vectors around a few centres: scores spread like real sentences' (a question's own
    sentences stand out), unlike independent random vectors, which all score ~0 +- 0.05."""
    c = _unit(rng, centres, d)
    x = c[rng.integers(0, centres, n)] + spread * _unit(rng, n, d)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _assert_float32_ranking(x, q, scores, ids, k):
    """Exactly NumPy's float32 top-k: same scores (to float32 rounding of the sum), nothing left out
    scores higher than the k-th, best first with ties by the lower id."""
    brute = q @ x.T
    assert ids.shape == (len(q), k) and ids.dtype == np.int64 and scores.dtype == np.float32
    for r in range(len(q)):
        want = np.lexsort((np.arange(len(x)), -brute[r]))[:k]
        np.testing.assert_allclose(scores[r], brute[r, ids[r]], atol=1e-6)
        np.testing.assert_allclose(scores[r], brute[r, want], atol=1e-6)
        assert len(set(ids[r].tolist())) == k
        left_out = np.setdiff1d(np.arange(len(x)), ids[r])
        if len(left_out):
            assert brute[r, left_out].max() <= scores[r, -1] + 1e-6
        assert all((a > b) or (a == b and i < j) for a, b, i, j in zip(scores[r], scores[r][1:], ids[r], ids[r][1:]))


@pytest.mark.parametrize("seed, scale, dead", [(0, 1.0, 0), (1, 3.5, 5), (2, 0.01, 0), (3, 1.0, 64)])
def test_int8_error_bound_holds_for_every_vector(seed, scale, dead):
    """The proof's premise: for every stored vector, |float32 score - int8 score| <= eps, on unit and
    non-unit vectors, with dimensions that are zero everywhere (``dead``; all of them: zero vectors),
    for queries of any length."""
    from statementqa.retrieval.dense import _Int8Copy

    rng = np.random.default_rng(seed)
    x = _clustered(rng, 3000, 64, centres=5) * scale * rng.uniform(0.2, 1.0, (3000, 1)).astype(np.float32)
    if dead:
        x[:, 64 - dead:] = 0
    q = np.vstack([_unit(rng, 6, 64) * np.array([[1], [2], [0.001], [10], [1], [1]], np.float32),
                   np.zeros((1, 64), np.float32)])
    copy = _Int8Copy.make(x, chunk=700)
    qi, sc, eps = copy.quantize(q)
    assert np.array_equal(qi, np.rint(qi)) and np.abs(qi).max() <= 127
    codes = np.vstack([copy.parts[i].reconstruct_n(0, copy.parts[i].ntotal) for i in range(len(copy.parts))])
    assert np.array_equal(codes, np.rint(codes)) and np.abs(codes).max() <= 127
    approx = (qi.astype(np.float64) @ codes.T.astype(np.float64)) / sc[:, None]
    exact = q.astype(np.float64) @ x.T.astype(np.float64)
    assert (np.abs(exact - approx) <= eps[:, None]).all()
    # the bound is not vacuous: well under the spread of the scores (what the pre-scan needs)
    assert (eps[:-1] < 0.1 * np.abs(exact[:-1]).max(axis=1) + 1.5e-5).all()


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 40), st.integers(1, 12), st.integers(0, 2**32 - 1),
       st.sampled_from([1e-3, 1.0, 50.0]), st.sampled_from([1e-3, 1.0, 50.0]))
def test_int8_error_bound_property(n, d, seed, xscale, qscale):
    """Any vectors and query (heavy-tailed values, zeros, any scale): the bound holds for every vector."""
    from statementqa.retrieval.dense import _Int8Copy

    rng = np.random.default_rng(seed)
    x = (rng.standard_t(2, (n, d)) * xscale * (rng.random((n, d)) < 0.8)).astype(np.float32)
    q = (rng.standard_t(2, (1, d)) * qscale).astype(np.float32)
    copy = _Int8Copy.make(x, chunk=7)
    qi, sc, eps = copy.quantize(q)
    codes = np.vstack([p.reconstruct_n(0, p.ntotal) for p in copy.parts if p.ntotal])
    approx = (qi.astype(np.float64) @ codes.T.astype(np.float64)) / sc[:, None]
    exact = q.astype(np.float64) @ x.T.astype(np.float64)
    assert (np.abs(exact - approx) <= eps[:, None]).all()


@pytest.mark.parametrize("n, k, cores", [(3000, 50, 2), (2500, 10, 1), (4001, 50, 3), (1200, 5, 8)])
def test_int8_search_is_float32s_ranking(monkeypatch, n, k, cores):
    """The int8 pre-scan with its proof against NumPy float32 on clustered vectors, where the proof
    holds at the first candidates (checked: no fallback to the full float32 product)."""
    import statementqa.retrieval.dense as dense

    monkeypatch.setattr(dense.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(dense, "FP16_MIN_VECTORS", 1000)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    rng = np.random.default_rng(n)
    x = _clustered(rng, n)
    idx = DenseIndex.build(x, DenseParams("exact"))
    fallbacks = []
    real_blas = DenseIndex._exact_blas
    monkeypatch.setattr(DenseIndex, "_exact_blas", lambda self, q, k: fallbacks.append(len(q)) or real_blas(self, q, k))
    q = x[rng.integers(0, n, 6)] + 0.3 * _unit(rng, 6, 384)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    scores, ids = idx.search(q, k, "int8")
    assert fallbacks == [] and idx._int8.shards.count() == min(cores, dense.FP16_MAX_SHARDS)
    _assert_float32_ranking(x, q, scores, ids, k)


def test_int8_search_when_the_proof_fails(monkeypatch):
    """Independent random vectors (every score ~0 +- 0.05, inside the bound) and exact duplicates
    (ties): the candidates grow, then the float32 product answers; still float32's ranking, ties
    by the lower id."""
    import statementqa.retrieval.dense as dense

    monkeypatch.setattr(dense, "FP16_MIN_VECTORS", 1000)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    rng = np.random.default_rng(5)
    x = _unit(rng, 5000, 384)
    x[4000:4100] = x[17]  # 101 copies of one vector: a tie across the k-th place
    idx = DenseIndex.build(x, DenseParams("exact"))
    q = np.vstack([_unit(rng, 3, 384), x[17:18]])
    scores, ids = idx.search(q, 50, "int8")
    _assert_float32_ranking(x, q, scores, ids, 50)
    assert ids[3].tolist() == [17] + list(range(4000, 4049))


def test_int8_copy_is_made_once_under_concurrent_searches(monkeypatch):
    """Concurrent first searches: one int8 copy, the same answer in every thread."""
    from concurrent.futures import ThreadPoolExecutor

    import statementqa.retrieval.dense as dense

    monkeypatch.setattr(dense, "FP16_MIN_VECTORS", 1000)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    x = _clustered(np.random.default_rng(9), 3000)
    idx = DenseIndex.build(x, DenseParams("exact"))
    made = []
    real = dense._Int8Copy.make
    monkeypatch.setattr(dense._Int8Copy, "make", staticmethod(lambda v: made.append(1) or real(v)))
    with ThreadPoolExecutor(6) as ex:
        results = list(ex.map(lambda _: idx.search(x[:1], 10, "int8"), range(12)))
    assert made == [1]
    for s, i in results:
        np.testing.assert_array_equal(i, results[0][1])
        np.testing.assert_array_equal(s, results[0][0])
    assert results[0][1][0, 0] == 0
