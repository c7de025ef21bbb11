"""ONNX Runtime backend of the sentence embedder: the sentence-transformers model (a Transformer,
mean pooling, L2 normalisation) exported once as one graph that returns normalised sentence
vectors, cached under the data directory by the weights' content hash, and run with
length-sorted batches.

Same vectors as sentence-transformers on PyTorch (max |diff| ~1e-6; tested), faster on this CPU
because the graph is fused, padding is cut to each batch's longest sentence and a build runs one
single-threaded session per core side by side. Once exported, the
embedder needs only ONNX Runtime and the ``tokenizers`` library: the export (in a child process
unless this one has loaded PyTorch already; the only place sentence-transformers is loaded) also
saves the model's own fast tokenizer and a manifest (maximum length, dimension, input names, padding, lower-casing), so a process that
only embeds, such as ``statementqa index``, never imports PyTorch (about 500 MB less memory).
The three files are written atomically, the manifest last; a cache entry without it is exported
again. Only models made of Transformer + mean Pooling (+ Normalize) are exported; for any other
layout (remembered in the manifest), a hub id, or a missing onnxruntime, ``onnx_embedder``
returns None and PyTorch is used (``retrieval.embed.Embedder``). This module does not choose the
backend.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .atomic import atomic_target, atomic_write_text, model_hash
from .onnx_cache import cache_files, cached_export

log = logging.getLogger(__name__)
# Sentences per ONNX batch: small batches pad less. Measured on 1,245 SQuAD sentences (2 cores):
# 16 -> 119 sentences/s, 64 -> 89, 128 -> 71 (sentence-transformers on PyTorch, 64: 85).
BATCH = 16
# A build (at least PARALLEL_MIN texts) runs one single-threaded session per core, each on its own
# batches of PARALLEL_BATCH: on 3,000 SQuAD sentences (2 cores, medians of 2-3 rounds) 127-129
# sentences/s with batches of 4, 112-123 with 8, vs 101-104 for one two-threaded session (batch 16):
# a two-threaded GEMM on ~35-token sentences spends much of its time waiting for the other thread.
PARALLEL_BATCH = 4
PARALLEL_MIN = 64
MANIFEST_VERSION = 1


@dataclass
class OnnxEmbedder:
    session: object
    tokenizer: object  # a ``tokenizers.Tokenizer`` set to truncate at max_length and pad to the longest
    max_length: int
    names: tuple[str, ...]
    dim: int
    lower: bool = False  # sentence-transformers' do_lower_case (applied before tokenizing)
    graph: str = ""  # the exported graph, for the build sessions
    threads: int = 1  # cores to use; a build runs this many single-threaded sessions side by side
    # The tokenizer is configured once at load and only read afterwards (no per-call truncation or
    # padding changes), so threads tokenize at the same time; this lock only guards making the pool.
    lock: threading.Lock = field(default_factory=threading.Lock)
    pool: list = field(default_factory=list)  # the build sessions, made on first use

    def _inputs(self, texts: list[str]) -> dict[str, np.ndarray]:
        # sentence-transformers strips each text (and lower-cases it when configured) before tokenizing.
        texts = [t.strip().lower() if self.lower else t.strip() for t in texts]
        enc = self.tokenizer.encode_batch(texts)  # type: ignore[attr-defined]
        cols = {"input_ids": [e.ids for e in enc], "attention_mask": [e.attention_mask for e in enc],
                "token_type_ids": [e.type_ids for e in enc]}
        return {n: np.asarray(cols[n], dtype=np.int64) for n in self.names}

    def token_lengths(self, texts: list[str], chunk: int = 1024) -> list[int]:
        """Tokens per text as the graph sees them (special tokens included, truncated)."""
        return [int(n) for a in range(0, len(texts), chunk) for n in self._inputs(texts[a:a + chunk])["attention_mask"].sum(1)]

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """L2-normalised float32 vectors, in the order of ``texts``; batches of similar length.
        Many texts (a build) go through ``threads`` single-threaded sessions side by side."""
        out = np.zeros((len(texts), self.dim), np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        workers = self._workers() if len(texts) >= PARALLEL_MIN else []
        step = batch_size or (PARALLEL_BATCH if workers else BATCH)
        batches = [order[a:a + step] for a in range(0, len(texts), step)]
        if not workers:
            for idx in batches:
                (out[idx],) = self.session.run(None, self._inputs([texts[i] for i in idx]))  # type: ignore[attr-defined]
            return out
        free: queue.SimpleQueue = queue.SimpleQueue()
        for w in workers:
            free.put(w)

        def run(idx: np.ndarray) -> None:
            sess = free.get()  # each batch runs on a session no other thread is using
            try:
                (out[idx],) = sess.run(None, self._inputs([texts[i] for i in idx]))
            finally:
                free.put(sess)

        with ThreadPoolExecutor(max_workers=len(workers), thread_name_prefix="embed") as pool:
            for f in [pool.submit(run, idx) for idx in batches]:
                f.result()  # re-raises a worker's error
        return out

    def _workers(self) -> list:
        """``threads`` sessions of one intra-op thread each (made on first use, kept); none when threads < 2."""
        if self.threads < 2 or not self.graph:
            return []
        with self.lock:
            if not self.pool:
                import onnxruntime as ort

                so = ort.SessionOptions()
                so.intra_op_num_threads = 1
                so.inter_op_num_threads = 1
                self.pool = [ort.InferenceSession(self.graph, so, providers=["CPUExecutionProvider"])
                             for _ in range(self.threads)]
        return self.pool


def _mean_pooling_layout(st_model) -> bool:
    mods = list(st_model)
    names = [type(m).__name__ for m in mods]
    if names[:2] != ["Transformer", "Pooling"] or any(n != "Normalize" for n in names[2:]):
        return False
    cfg = mods[1].get_config_dict() if hasattr(mods[1], "get_config_dict") else {}
    mode = cfg.get("pooling_mode") or ("mean" if cfg.get("pooling_mode_mean_tokens") else None)
    return mode == "mean" or (mode is None and getattr(mods[1], "pooling_mode_mean_tokens", False))


def export(path: str, stem: str) -> dict:
    """Export the sentence-transformers directory ``path`` to ``<stem>.onnx``, its fast tokenizer
    to ``<stem>.tokenizer.json`` and the manifest to ``<stem>.json`` (written last). Loads PyTorch;
    run by ``onnx_embedder``, in a child process unless PyTorch is loaded already."""
    import torch
    from sentence_transformers import SentenceTransformer

    st_model = SentenceTransformer(path, device="cpu")
    graph, tok_file, mfile = cache_files(stem)
    manifest: dict = {"version": MANIFEST_VERSION, "model": path}
    if not _mean_pooling_layout(st_model) or not getattr(st_model[0].tokenizer, "is_fast", False):
        manifest["unsupported"] = "only Transformer + mean Pooling (+ Normalize) with a fast tokenizer is exported"
        atomic_write_text(mfile, json.dumps(manifest))
        return manifest
    transformer = st_model[0]
    tok = transformer.tokenizer
    names = tuple(n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok.model_input_names)
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
    with atomic_target(graph) as tmp, warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(Pooled(bert).eval(), tuple(sample[n] for n in names), str(tmp), input_names=list(names),
                          output_names=["sentence_embedding"], opset_version=17, dynamo=False,
                          dynamic_axes={**{n: {0: "batch", 1: "seq"} for n in names}, "sentence_embedding": {0: "batch"}})
    with atomic_target(tok_file) as tmp:
        tok.backend_tokenizer.save(str(tmp))
    get_dim = getattr(st_model, "get_embedding_dimension", None) or st_model.get_sentence_embedding_dimension
    manifest.update(max_length=int(getattr(st_model, "max_seq_length", None) or 512), dim=int(get_dim()),
                    names=list(names), lower=bool(getattr(transformer, "do_lower_case", False)),
                    pad_id=int(tok.pad_token_id or 0), pad_type_id=int(tok.pad_token_type_id or 0),
                    pad_token=str(tok.pad_token or "[PAD]"), padding_side=str(getattr(tok, "padding_side", "right")))
    atomic_write_text(mfile, json.dumps(manifest))
    return manifest


def _tokenizer(file: Path, m: dict):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(file))
    # The saved tokenizer may carry its own fixed padding/truncation (e.g. 128): use the model's.
    tok.no_truncation()
    tok.no_padding()
    tok.enable_truncation(max_length=int(m["max_length"]), strategy="longest_first")
    tok.enable_padding(direction=m.get("padding_side", "right"), pad_id=int(m["pad_id"]),
                       pad_type_id=int(m["pad_type_id"]), pad_token=str(m["pad_token"]))
    return tok


@lru_cache(maxsize=4)
def onnx_embedder(path: str, threads: int, cache_dir: str | None) -> OnnxEmbedder | None:
    """The exported embedder for the local sentence-transformers directory ``path``, or None."""
    try:
        import onnxruntime as ort
        import tokenizers  # noqa: F401
    except ImportError:
        return None
    from .paths import default_data_dir

    p = Path(path)
    if not p.is_dir():
        return None
    cache = Path(cache_dir or default_data_dir()) / "onnx"
    try:
        graph, tok_file, m = cached_export(cache, f"embedder-{model_hash(p)}", "statementqa.retrieval.embed_onnx", export, str(p), MANIFEST_VERSION)
        if m.get("unsupported"):
            return None
        tok = _tokenizer(tok_file, m)
        so = ort.SessionOptions()
        so.intra_op_num_threads = max(1, threads)
        so.inter_op_num_threads = 1
        # Idle pool threads must not spin: the reader's session runs straight after this one on
        # the same cores (spinning made reading 1.5x slower: 91 -> 140 ms p50 on the statement).
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        sess = ort.InferenceSession(str(graph), so, providers=["CPUExecutionProvider"])
        return OnnxEmbedder(sess, tok, int(m["max_length"]), tuple(m["names"]), int(m["dim"]), bool(m.get("lower")),
                            str(graph), max(1, threads))
    except Exception as e:  # noqa: BLE001 - fall back to PyTorch, which always works
        log.warning("ONNX Runtime embedder unavailable (%s: %s); using PyTorch", e.__class__.__name__, str(e)[:200])
        return None


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


if __name__ == "__main__":  # python -m statementqa.retrieval.embed_onnx <model dir> <output stem>
    from .offline import offline_environment

    offline_environment()
    export(sys.argv[1], sys.argv[2])
