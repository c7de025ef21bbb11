"""ONNX Runtime backend of the sentence embedder: the sentence-transformers model (a Transformer,
mean pooling, L2 normalisation) exported once as one graph that returns normalised sentence
vectors, cached under the data directory by the weights' content hash (written atomically), and
run with length-sorted batches.

Same vectors as sentence-transformers on PyTorch (max |diff| ~1e-6; tested), faster on this CPU
because the graph is fused and padding is cut to each batch's longest sentence. Only models made
of Transformer + mean Pooling (+ Normalize) are exported; for any other layout, a hub id, or a
missing onnxruntime, ``onnx_embedder`` returns None and PyTorch is used
(``retrieval.embed.Embedder``). This module does not choose the backend.
"""
from __future__ import annotations

import logging
import os
import threading
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .atomic import atomic_target, model_hash

log = logging.getLogger(__name__)
# Sentences per ONNX batch: small batches pad less. Measured on 1,245 SQuAD sentences (2 cores):
# 16 -> 119 sentences/s, 64 -> 89, 128 -> 71 (sentence-transformers on PyTorch, 64: 85).
BATCH = 16


@dataclass
class OnnxEmbedder:
    session: object
    tokenizer: object
    max_length: int
    names: tuple[str, ...]
    lock: threading.Lock = field(default_factory=threading.Lock)  # a fast tokenizer is not thread-safe

    def encode(self, texts: list[str], batch_size: int = BATCH) -> np.ndarray:
        """L2-normalised float32 vectors, in the order of ``texts``; batches of similar length."""
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), 0), np.float32)
        parts = []
        for a in range(0, len(texts), batch_size):
            idx = order[a:a + batch_size]
            with self.lock:
                enc = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True,  # type: ignore[operator]
                                     max_length=self.max_length, return_tensors="np")
            (v,) = self.session.run(None, {n: enc[n].astype(np.int64) for n in self.names})  # type: ignore[attr-defined]
            parts.append((idx, v))
        if parts:
            out = np.zeros((len(texts), parts[0][1].shape[1]), np.float32)
            for idx, v in parts:
                out[idx] = v
        return out


def _mean_pooling_layout(st_model) -> bool:
    mods = list(st_model)
    names = [type(m).__name__ for m in mods]
    if names[:2] != ["Transformer", "Pooling"] or any(n != "Normalize" for n in names[2:]):
        return False
    cfg = mods[1].get_config_dict() if hasattr(mods[1], "get_config_dict") else {}
    mode = cfg.get("pooling_mode") or ("mean" if cfg.get("pooling_mode_mean_tokens") else None)
    return mode == "mean" or (mode is None and getattr(mods[1], "pooling_mode_mean_tokens", False))


@lru_cache(maxsize=4)
def onnx_embedder(path: str, threads: int, cache_dir: str | None, st_model) -> OnnxEmbedder | None:
    """The exported embedder for the local sentence-transformers directory ``path``, or None."""
    try:
        import onnxruntime as ort
        import torch
    except ImportError:
        return None
    from .paths import default_data_dir

    p = Path(path)
    if not p.is_dir() or not _mean_pooling_layout(st_model):
        return None
    transformer = st_model[0]
    tok = transformer.tokenizer
    max_length = int(getattr(st_model, "max_seq_length", None) or 512)
    names = tuple(n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok.model_input_names)
    cache = Path(cache_dir or default_data_dir()) / "onnx"
    target = cache / f"embedder-{model_hash(p)}.onnx"
    try:
        if not target.exists():
            cache.mkdir(parents=True, exist_ok=True)
            bert = transformer.auto_model

            class Pooled(torch.nn.Module):
                def __init__(self, m):
                    super().__init__()
                    self.m = m

                def forward(self, *xs):
                    kw = dict(zip(names, xs))
                    h = self.m(**kw).last_hidden_state
                    mask = kw["attention_mask"].unsqueeze(-1).to(h.dtype)
                    e = (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                    return torch.nn.functional.normalize(e, p=2, dim=1)

            sample = tok(["a short sentence.", "another, slightly longer sentence here."], padding=True, return_tensors="pt")
            with atomic_target(target) as tmp, warnings.catch_warnings(), torch.inference_mode():
                warnings.simplefilter("ignore")
                torch.onnx.export(Pooled(bert).eval(), tuple(sample[n] for n in names), str(tmp), input_names=list(names),
                                  output_names=["sentence_embedding"], opset_version=17, dynamo=False,
                                  dynamic_axes={**{n: {0: "batch", 1: "seq"} for n in names}, "sentence_embedding": {0: "batch"}})
        so = ort.SessionOptions()
        so.intra_op_num_threads = max(1, threads)
        so.inter_op_num_threads = 1
        # Idle pool threads must not spin: the reader's session runs straight after this one on
        # the same cores (spinning made reading 1.5x slower: 91 -> 140 ms p50 on the statement).
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        sess = ort.InferenceSession(str(target), so, providers=["CPUExecutionProvider"])
        return OnnxEmbedder(sess, tok, max_length, names)
    except Exception as e:  # noqa: BLE001 - fall back to PyTorch, which always works
        log.warning("ONNX Runtime embedder unavailable (%s: %s); using PyTorch", e.__class__.__name__, str(e)[:200])
        return None


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
