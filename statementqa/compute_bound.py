"""The compute bound of index building: the embedder's floating-point work per sentence (from the
model's configuration and each sentence's real token count) against this machine's measured
matrix-multiply throughput, so that build speed can be stated as a percentage of what the
hardware allows.

FLOPs of one BERT-style encoder layer for a sequence of L tokens and hidden size H with an
intermediate size F: the Q, K, V and output projections 4·2·L·H², the feed-forward 2·2·L·H·F,
attention scores and their weighted sum 2·2·L²·H (multiply-add = 2 FLOPs). Layer norms, GELU,
softmax and pooling are left out (well under 2 % here), so the bound is slightly optimistic.
The throughput is the best of a few float32 GEMMs sized like the embedder's own (a batch of 16
sentences of 32 tokens times the 384 × 1536 feed-forward matrix) on all cores, through NumPy's
BLAS. This module measures; it does not build or embed.
"""
from __future__ import annotations

import time

import numpy as np


def encoder_flops(lengths: list[int], hidden: int, intermediate: int, layers: int) -> float:
    """Total FLOPs to encode sequences of these token lengths."""
    L = np.asarray(lengths, dtype=np.float64)
    per_layer = 8 * L * hidden**2 + 4 * L * hidden * intermediate + 4 * L**2 * hidden
    return float(layers * per_layer.sum())


def matmul_gflops(m: int = 512, k: int = 384, n: int = 1536, seconds: float = 1.0) -> float:
    """Best measured float32 GEMM throughput (GFLOP/s) for (m × k) @ (k × n)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    a @ b  # warm up the BLAS threads
    best, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        for _ in range(10):
            a @ b
        best = max(best, 10 * 2 * m * k * n / (time.perf_counter() - t))
    return best / 1e9


def build_bound(lengths: list[int], config: dict, measured_per_s: float) -> dict:
    """FLOPs per sentence (``lengths``: each sentence's token count as the embedder sees it;
    ``config``: the transformer's config.json), the machine's GEMM throughput, the sentences/s
    they allow, and the measured build speed as a percentage of that bound."""
    flops = encoder_flops(lengths, config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"])
    per_sentence = flops / max(1, len(lengths))
    gf = matmul_gflops()
    bound = gf * 1e9 / per_sentence
    return {"mean_tokens": float(np.mean(lengths)) if lengths else 0.0, "gflop_per_sentence": per_sentence / 1e9,
            "matmul_gflops": gf, "bound_sentences_per_s": bound, "percent_of_bound": 100 * measured_per_s / bound}
