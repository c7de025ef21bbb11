"""The modes a user can choose, defined once as string enums: FAISS index type, search mode,
reader and embedder backends, the BM25 method, the exact dense search and int8 quantization. The
settings, the argparse ``choices``, the dense index, the retriever and the reader all take their
allowed values from here (``values()``). A ``StrEnum``
member equals its string, so ``"hybrid" == SearchMode.HYBRID``. Nothing else lives here.
"""
from __future__ import annotations

from enum import StrEnum


class IndexType(StrEnum):
    AUTO = "auto"  # exact below 150k sentences, HNSW above
    EXACT = "exact"
    HNSW = "hnsw"


class SearchMode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


class ReaderBackend(StrEnum):
    AUTO = "auto"  # ONNX Runtime for a local reader on CPU, else PyTorch
    TORCH = "torch"
    ONNX = "onnx"
    # PyTorch with the weights in bfloat16: ~1.6-1.9x faster reading on CPUs with AMX bf16 tiles
    # (Intel Sapphire Rapids and later), same answers on the statement sets; emulated and slower elsewhere.
    TORCH_BF16 = "torch-bf16"


class EmbedderBackend(StrEnum):
    AUTO = "auto"  # ONNX Runtime for a local mean-pooling sentence-transformers model, else PyTorch
    TORCH = "torch"
    ONNX = "onnx"


class BM25Method(StrEnum):
    POSTINGS = "postings"  # from the inverted index: only sentences holding a query term are touched
    SCAN = "scan"  # one full-corpus score vector per query term (the method before issue #16; a bench baseline)


class DenseSearch(StrEnum):
    # From ``retrieval.dense.FP16_MIN_VECTORS`` vectors on (below that, and for HNSW, as fp32):
    # exact, an int8 pre-scan split across the cores whose candidates are rescored in float32 with
    # a proof that nothing left out ranks higher (``retrieval.dense``)
    INT8 = "int8"
    FP16 = "fp16"  # exhaustive over fp16 copies split across the cores (float32's ranking up to near-ties)
    FP32 = "fp32"  # exhaustive over the stored float32 vectors (the method before it; a bench baseline)


class Int8Mode(StrEnum):
    NONE = "none"
    READER = "reader"
    EMBEDDER = "embedder"
    ALL = "all"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum)
