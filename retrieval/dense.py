"""Dense vector index over FAISS.

``exact``: IndexFlatIP (exact inner product = cosine on normalised vectors). A few queries at a
time (fewer than ``BLAS_MIN_QUERIES``) are scored with one NumPy/BLAS matrix-vector product over
FAISS's own stored vectors instead of FAISS's per-query loop: at 100k vectors on 2 cores 11 ms
against 17-22 ms (FAISS uses BLAS itself only from 20 queries on); same ranking (tested against
FAISS). Not when PyTorch is loaded in the process: its OpenMP threads spin after each forward
pass and take the cores BLAS's threads wait for (a query at 100k with the PyTorch embedder: 54 ms
with FAISS's loop, 73 ms with BLAS), so FAISS answers then, as before.
``fp16`` (``--dense-search fp16``; for an exact index from ``FP16_MIN_VECTORS`` vectors on): the same
exhaustive search over float16 copies of the vectors (FAISS's fp16 scalar quantizer), cut into one
shard per core (up to ``FP16_MAX_SHARDS``) that FAISS searches in parallel threads and merges. The
scan is memory-bound, so half the bytes on both cores cut the dense part of a 100k-vector query
from ~8 to ~5.6 ms on 2 cores (a hybrid query p50 17.0 -> 12.6 ms, README "Performance v3"); the
copies cost 2 bytes per dimension and vector (+74 MB RSS at 100k) and are made on the first such
search. Scores differ from float32 by the fp16 rounding of the vectors (5e-5 at most over 189 real
questions at 100k; top-10 identical), so only near-ties can swap (tested against NumPy); ties are
then broken by the lower id as everywhere else. Not with PyTorch in the process (its spinning OpenMP threads, see above).
``int8`` (the retriever's default, same rule as ``fp16``): exact, found in two
steps. An int8 copy of the vectors (per-dimension scale, FAISS ``QT_8bit_direct_signed``: integer
dot products, a quarter of float32's bytes; one shard per core) ranks every vector; the best
``INT8_CANDIDATES`` are rescored in float32 from the stored vectors. A bound on the int8 score's
error, ``eps`` (from the query's own rounding, Cauchy-Schwarz against the largest stored norm, and
the vectors' largest rounding error, both measured when the copy is made), proves the result: every
vector left out has an int8 score at most the last candidate's, so a float32 score at most that
plus ``eps``; when that is below the k-th rescored score nothing left out can rank in the top k. If
the proof fails for a query its candidates grow fourfold, and past a quarter of the index it is the
float32 product. So the ranking is float32's (same scores; only the summation order of a float32
dot product can differ, 1e-7), not fp16's approximation, from ~0.6x of fp16's time and half its
memory (+38 MB at 100k; made on the first such search, 0.5 s at 100k on 2 cores). Not with PyTorch
in the process (as ``fp16``).
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
# int8: first candidates per query (at 100k real vectors the proof held at 200 for all 189 questions tried).
INT8_CANDIDATES = 256
SEARCH_METHODS = ("auto", "blas", "faiss", "fp16", "int8")
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
    _copies_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)
    _int8: "_Int8Copy | None" = field(default=None, init=False, repr=False, compare=False)

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
        ``faiss`` (FAISS's own search), ``auto`` (the module docstring's rule), ``fp16`` or ``int8``
        (the fp16 shards, or the proven int8 pre-scan, for a few queries over at least
        ``FP16_MIN_VECTORS`` vectors without PyTorch loaded, else ``auto``)."""
        if method not in SEARCH_METHODS:
            raise ValueError(f"exact search method must be one of {', '.join(SEARCH_METHODS)} (got {method!r})")
        q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = min(k, len(self))
        if k <= 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        few = len(q) < BLAS_MIN_QUERIES and "torch" not in sys.modules
        if self.params.kind == "hnsw":
            self.index.hnsw.efSearch = max(self.params.ef_search, k)
        elif method in ("fp16", "int8") and few and len(self) >= FP16_MIN_VECTORS:
            return self._exact_fp16(q, k) if method == "fp16" else self._exact_int8(q, k)
        elif method == "blas" or (method in ("auto", "fp16", "int8") and few):
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
        out_s = np.zeros((len(q), k), np.float32)
        out_i = np.zeros((len(q), k), np.int64)
        for r, row in enumerate(sims):
            if k < n:  # everything tied with the k-th too (argpartition keeps an arbitrary one of a tie)
                kth = row[np.argpartition(-row, k - 1)[k - 1]]
                top = np.flatnonzero(row >= kth)
            else:
                top = np.arange(n)
            order = np.lexsort((top, -row[top]))[:k]
            out_s[r], out_i[r] = row[top[order]], top[order]
        return out_s, out_i

    def fp16_shards(self) -> faiss.Index:
        """The fp16 copies of the vectors, one shard per core (made once, on first use; thread-safe)."""
        with self._copies_lock:
            if self._fp16 is None:
                vecs = self.stored_vectors()
                shards = faiss.IndexShards(vecs.shape[1], True, True)  # threaded, ids continue across shards
                parts = []
                for lo, hi in shard_ranges(len(vecs)):
                    part = vecs[lo:hi]
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

    def int8_copy(self) -> "_Int8Copy":
        """The int8 copy of the vectors and its error bounds (made once, on first use; thread-safe)."""
        with self._copies_lock:
            if self._int8 is None:
                self._int8 = _Int8Copy.make(self.stored_vectors())
            return self._int8

    def _exact_int8(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k (float32 scores, best first, ties by the lower id, as ``_exact_blas``) from the
        int8 pre-scan and its proof (module docstring)."""
        if self._vectors is None:
            self._vectors = self.stored_vectors()
        copy, vecs, n = self.int8_copy(), self._vectors, len(self)
        out_s = np.zeros((len(q), k), np.float32)
        out_i = np.zeros((len(q), k), np.int64)
        todo = np.arange(len(q))
        m = max(k, INT8_CANDIDATES)
        while len(todo):
            if 4 * m > n:  # the scores stay closer than the bound (e.g. random vectors): float32 over everything
                out_s[todo], out_i[todo] = self._exact_blas(q[todo], k)
                break
            qi, scale, eps = copy.quantize(q[todo])
            approx, cand = copy.shards.search(qi, m)
            approx /= scale[:, None]
            failed = []
            for r, row in enumerate(todo):
                exact = vecs[cand[r]] @ q[row]
                order = np.lexsort((cand[r], -exact))[:k]
                if approx[r, -1] + eps[r] < exact[order[-1]]:
                    out_s[row], out_i[row] = exact[order], cand[r][order]
                else:
                    failed.append(row)
            todo, m = np.array(failed, np.int64), 4 * m
        return out_s, out_i

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


def shard_ranges(n: int) -> list[tuple[int, int]]:
    """[lo, hi) row ranges of the compact copies' shards: one per core, at most ``FP16_MAX_SHARDS``,
    sizes as ``np.array_split`` cuts them."""
    n_shards = max(1, min(os.cpu_count() or 1, FP16_MAX_SHARDS))
    edges = np.cumsum([0] + [len(p) for p in np.array_split(np.arange(n), n_shards)])
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]


@dataclass(frozen=True)
class _Int8Copy:
    """Vectors as int8 codes ``c`` with a per-dimension step ``step`` (``x ~ c * step``), in FAISS
    shards that compute integer dot products, and what bounds their error (module docstring)."""
    shards: faiss.Index
    parts: tuple  # the shards' memory lives as long as this copy (FAISS does not own it)
    step: np.ndarray  # (d,) float32
    max_norm: float  # largest ||c * step|| over the vectors
    max_err: float  # largest ||x - c * step||
    dim_err: np.ndarray  # (d,) float64, largest |x_d - c_d * step_d|

    @staticmethod
    def make(vecs: np.ndarray, chunk: int = 16_384) -> "_Int8Copy":
        n, d = vecs.shape
        top = np.zeros(d, np.float32)
        for a in range(0, n, chunk):
            np.maximum(top, np.abs(vecs[a:a + chunk]).max(axis=0), out=top)
        step = (top / 127).astype(np.float32)
        inv = np.divide(1.0, step, out=np.zeros_like(step), where=step > 0)
        shards = faiss.IndexShards(d, True, True)  # threaded, ids continue across shards
        parts, max_x, max_err32, dim_err32 = [], 0.0, 0.0, np.zeros(d, np.float32)
        for lo, hi in shard_ranges(n):
            sq = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit_direct_signed, faiss.METRIC_INNER_PRODUCT)
            for a in range(lo, hi, chunk):
                x = np.asarray(vecs[a:min(a + chunk, hi)], np.float32)
                c = np.clip(np.rint(x * inv), -127, 127, dtype=np.float32)
                err = x - c * step  # float32; its rounding is bounded below
                max_x = max(max_x, float(np.sqrt(np.einsum("ij,ij->i", x, x).max())))
                max_err32 = max(max_err32, float(np.sqrt(np.einsum("ij,ij->i", err, err).max())))
                np.maximum(dim_err32, np.abs(err).max(axis=0), out=dim_err32)
                sq.add(c)
            shards.add_shard(sq)
            parts.append(sq)
        # Rounding of the float32 error: c*step rounds by at most 2^-24 * top_d and the difference
        # by 2^-24 of itself (<= step_d), so the exact error exceeds the computed one by less than
        # 2^-23 * top_d; a float32 sum of d squares by at most d * 2^-24 of itself (doubled for the
        # root's safety). And ||c*step|| <= ||x|| + ||x - c*step||.
        slack = top.astype(np.float64) * 2.0 ** -23
        sums = 1 + d * 2.0 ** -23
        dim_err = dim_err32.astype(np.float64) + slack
        max_err = max_err32 * sums + float(np.linalg.norm(slack))
        max_norm = max_x * sums + max_err
        return _Int8Copy(shards, tuple(parts), step, max_norm, max_err, dim_err)

    def quantize(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Integer queries ``qi`` (FAISS rounds a query for these codes; here it is already whole), their
        scale (int8 score = FAISS's score / scale) and each query's bound ``eps`` on
        |float32 score - int8 score|."""
        q = q.astype(np.float64)
        qs = q * self.step  # q . x ~ qs . c
        top = np.abs(qs).max(axis=1)
        scale = np.divide(127.0, top, out=np.ones_like(top), where=top > 0)
        qi = np.rint(qs * scale[:, None])
        # q.x - qi.c/scale = g.(c*step) + q.(x - c*step), with g = (qs - qi/scale) / step
        g = np.divide(qs - qi / scale[:, None], self.step, out=np.zeros_like(qs), where=self.step > 0)
        qn = np.linalg.norm(q, axis=1)
        vec_err = np.minimum(np.abs(q) @ self.dim_err, qn * self.max_err)
        # + the float32 rounding of the rescored dot products (relative to their largest possible size)
        eps = np.linalg.norm(g, axis=1) * self.max_norm + vec_err + 1e-5 * np.maximum(1.0, qn * self.max_norm)
        return qi.astype(np.float32), scale, eps
