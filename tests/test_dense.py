"""The exact index against brute-force NumPy and against FAISS's own search (few queries go
through one BLAS product, many through FAISS); the approximate index's recall."""
from __future__ import annotations

import sys

import numpy as np
import pytest

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
    with pytest.raises(ValueError, match="auto, blas or faiss"):
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
