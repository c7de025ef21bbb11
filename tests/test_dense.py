"""FAISS against brute-force NumPy; the approximate index's recall."""
from __future__ import annotations

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
