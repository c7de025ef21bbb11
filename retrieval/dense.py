"""Dense vector index over FAISS.

``exact``: IndexFlatIP (exact inner product = cosine on normalised vectors). A few queries at a
time (fewer than ``BLAS_MIN_QUERIES``) are scored with one NumPy/BLAS matrix-vector product over
FAISS's own stored vectors instead of FAISS's per-query loop: at 100k vectors on 2 cores 11 ms
against 17-22 ms (FAISS uses BLAS itself only from 20 queries on); same ranking (tested against
FAISS). Not when PyTorch is loaded in the process: its OpenMP threads spin after each forward
pass and take the cores BLAS's threads wait for (a query at 100k with the PyTorch embedder: 54 ms
with FAISS's loop, 73 ms with BLAS), so FAISS answers then, as before.
``hnsw``: IndexHNSWFlat, approximate, for large corpora (recall@10 >= 0.95 vs exact, tested).
``auto``: exact below ``AUTO_HNSW_MIN`` vectors, hnsw above.
Save/load go through files (load can memory-map the exact index). This module knows nothing
about text.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

import faiss
import numpy as np

from .modes import IndexType, values

# Exact search up to 150k vectors: its cost grows linearly (p50 of a top-50 search on 2 cores:
# 3.5 ms at 10k, 25 ms at 100k, 213 ms at 1M; docs/perf/cost-curves.png), so at 150k its p95 is
# ~42 ms, the most the 50 ms query budget leaves beside the query embedding and BM25; HNSW stays
# ~2 ms (recall@10 0.99) but costs a slower build.
AUTO_HNSW_MIN = 150_000
# FAISS's own ``distance_compute_blas_threshold``: from this many queries on it uses BLAS itself.
BLAS_MIN_QUERIES = 20
INDEX_TYPES = values(IndexType)


@dataclass
class DenseParams:
    kind: str = "auto"
    hnsw_m: int = 32
    ef_construction: int = 80
    ef_search: int = 96

    def resolved(self, n: int) -> "DenseParams":
        if self.kind not in INDEX_TYPES:
            raise ValueError(f"index type must be one of {INDEX_TYPES} (got {self.kind!r})")
        kind = self.kind if self.kind != "auto" else ("hnsw" if n >= AUTO_HNSW_MIN else "exact")
        return DenseParams(kind, self.hnsw_m, self.ef_construction, self.ef_search)


@dataclass
class DenseIndex:
    index: faiss.Index
    params: DenseParams = field(default_factory=DenseParams)
    _vectors: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    @staticmethod
    def build(vectors: np.ndarray, params: DenseParams | None = None) -> "DenseIndex":
        params = (params or DenseParams()).resolved(len(vectors))
        d = vectors.shape[1]
        if params.kind == "exact":
            idx = faiss.IndexFlatIP(d)
        else:
            idx = faiss.IndexHNSWFlat(d, params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            idx.hnsw.efConstruction = params.ef_construction
            idx.hnsw.efSearch = params.ef_search
        if len(vectors):
            idx.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return DenseIndex(idx, params)

    def __len__(self) -> int:
        return self.index.ntotal

    def search(self, queries: np.ndarray, k: int, method: str = "auto") -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) per query, best first. ``method`` for the exact index: ``blas`` (NumPy),
        ``faiss`` (FAISS's own search) or ``auto`` (the module docstring's rule)."""
        if method not in ("auto", "blas", "faiss"):
            raise ValueError(f"exact search method must be auto, blas or faiss (got {method!r})")
        q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = min(k, len(self))
        if k <= 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        if self.params.kind == "hnsw":
            self.index.hnsw.efSearch = max(self.params.ef_search, k)
        elif method == "blas" or (method == "auto" and len(q) < BLAS_MIN_QUERIES and "torch" not in sys.modules):
            return self._exact_blas(q, k)
        scores, ids = self.index.search(q, k)
        return scores, ids

    def _exact_blas(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k by inner product over every stored vector: one BLAS product, then a partial sort
        (best first, ties by the lower id)."""
        if self._vectors is None:
            self._vectors = self.stored_vectors()
        sims = q @ self._vectors.T
        n = sims.shape[1]
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (len(q), 1))
        picked = np.take_along_axis(sims, top, axis=1)
        order = np.lexsort((top, -picked), axis=1)
        ids = np.take_along_axis(top, order, axis=1).astype(np.int64)
        return np.take_along_axis(picked, order, axis=1).astype(np.float32), ids

    def stored_vectors(self) -> np.ndarray:
        """The vectors FAISS holds (exact and HNSW-flat keep them uncompressed), as a read-only
        (n, d) float32 view of FAISS's own memory: no copy. The view keeps this index alive."""
        idx = self.index
        flat = faiss.downcast_index(idx.storage) if isinstance(idx, faiss.IndexHNSW) else idx
        n, d = flat.ntotal, flat.d
        if n == 0:
            return np.zeros((0, d), np.float32)
        raw = faiss.rev_swig_ptr(flat.get_xb(), n * d)

        class _Owner:  # numpy's base object: holds the FAISS index while the view is alive
            def __init__(self):
                self.index = idx
                self.__array_interface__ = raw.reshape(n, d).__array_interface__

        view = np.asarray(_Owner())
        view.flags.writeable = False
        return view

    def save(self, path: str) -> None:
        faiss.write_index(self.index, path)

    @staticmethod
    def load(path: str, params: DenseParams, mmap: bool = False) -> "DenseIndex":
        flags = faiss.IO_FLAG_MMAP if mmap and params.kind == "exact" else 0
        idx = faiss.read_index(path, flags) if flags else faiss.read_index(path)
        if params.kind == "hnsw":
            idx.hnsw.efSearch = params.ef_search
        return DenseIndex(idx, params)
