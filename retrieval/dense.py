"""Dense vector index over FAISS.

``exact``: IndexFlatIP (exact inner product = cosine on normalised vectors). A few queries at a
time (fewer than ``BLAS_MIN_QUERIES``) are scored with one NumPy/BLAS matrix-vector product over
FAISS's own stored vectors instead of FAISS's per-query loop: at 100k vectors on 2 cores 11 ms
against 17-22 ms (FAISS uses BLAS itself only from 20 queries on); same ranking (tested against
FAISS). Not when PyTorch is loaded in the process: its OpenMP threads spin after each forward
pass and take the cores BLAS's threads wait for (a query at 100k with the PyTorch embedder: 54 ms
with FAISS's loop, 73 ms with BLAS), so FAISS answers then, as before.
``fp16`` (the retriever's default for an exact index from ``FP16_MIN_VECTORS`` vectors on): the same
exhaustive search over float16 copies of the vectors (FAISS's fp16 scalar quantizer), cut into one
shard per core (up to ``FP16_MAX_SHARDS``) that FAISS searches in parallel threads and merges. The
scan is memory-bound, so half the bytes on both cores cut the dense part of a 100k-vector query
from ~8 to ~5.6 ms on 2 cores (a hybrid query p50 17.0 -> 12.6 ms, README "Performance v3"); the
copies cost 2 bytes per dimension and vector (+74 MB RSS at 100k) and are made on the first such
search. Scores differ from float32 by the fp16 rounding of the vectors (5e-5 at most over 189 real
questions at 100k; top-10 identical), so only near-ties can swap (tested against NumPy); ties are
then broken by the lower id as everywhere else. Not with PyTorch in the process (its spinning OpenMP threads, see above).
``hnsw``: IndexHNSWFlat, approximate, for large corpora (recall@10 >= 0.95 vs exact, tested).
``auto``: exact below ``AUTO_HNSW_MIN`` vectors, hnsw above.
Save/load go through files (load can memory-map the exact index). This module knows nothing
about text.
"""
from __future__ import annotations

import os
import sys
import threading
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
# The fp16 copies pay from here on (at 10k vectors a float32 BLAS product takes under 1 ms).
FP16_MIN_VECTORS = 20_000
FP16_MAX_SHARDS = 4
SEARCH_METHODS = ("auto", "blas", "faiss", "fp16")
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
    _fp16: faiss.Index | None = field(default=None, init=False, repr=False, compare=False)
    _fp16_parts: list = field(default_factory=list, init=False, repr=False, compare=False)  # owned here, not by FAISS
    _fp16_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

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
        ``faiss`` (FAISS's own search), ``auto`` (the module docstring's rule) or ``fp16`` (the fp16
        shards for a few queries over at least ``FP16_MIN_VECTORS`` vectors without PyTorch loaded,
        else ``auto``)."""
        if method not in SEARCH_METHODS:
            raise ValueError(f"exact search method must be one of {', '.join(SEARCH_METHODS)} (got {method!r})")
        q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = min(k, len(self))
        if k <= 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        few = len(q) < BLAS_MIN_QUERIES and "torch" not in sys.modules
        if self.params.kind == "hnsw":
            self.index.hnsw.efSearch = max(self.params.ef_search, k)
        elif method == "fp16" and few and len(self) >= FP16_MIN_VECTORS:
            return self._exact_fp16(q, k)
        elif method == "blas" or (method in ("auto", "fp16") and few):
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

    def fp16_shards(self) -> faiss.Index:
        """The fp16 copies of the vectors, one shard per core (made once, on first use; thread-safe)."""
        with self._fp16_lock:
            if self._fp16 is None:
                vecs = self.stored_vectors()
                n_shards = max(1, min(os.cpu_count() or 1, FP16_MAX_SHARDS))
                shards = faiss.IndexShards(vecs.shape[1], True, True)  # threaded, ids continue across shards
                parts = []
                for part in np.array_split(vecs, n_shards):
                    sq = faiss.IndexScalarQuantizer(vecs.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
                    sq.add(np.ascontiguousarray(part))
                    shards.add_shard(sq)
                    parts.append(sq)
                self._fp16_parts = parts  # the shards' memory lives as long as this index
                self._fp16 = shards
            return self._fp16

    def _exact_fp16(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k over the fp16 shards, best first, ties by the lower id (as ``_exact_blas``)."""
        scores, ids = self.fp16_shards().search(q, k)
        order = np.lexsort((ids, -scores), axis=1)
        return np.take_along_axis(scores, order, axis=1), np.take_along_axis(ids, order, axis=1).astype(np.int64)

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
