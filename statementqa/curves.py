"""``statementqa bench --curves``: how the cost of the retrieval indexes grows with the corpus, up to a
million sentences, as one log-log plot (``docs/perf/cost-curves.png``) and a JSON file.

Two kinds of points, labelled as such in the plot and the JSON:
* **real**: SQuAD sentences embedded by the real embedder and indexed by the real ``build()``
  (1k, 10k and, unless ``--curves-max-real`` is lower, 100k sentences): build time, query p50/p95
  (the full hybrid retriever, query embedding included) and peak RSS;
* **stand-in**: the dense and the lexical index alone, with random unit vectors in place of the
  embedder (a cheap stand-in: it measures the indexes, not the embedder) and real SQuAD sentence
  texts repeated to the size: build time and query p50/p95 of FAISS exact, FAISS HNSW and BM25 with
  the minimum-should-match rule, and peak RSS, at 1k ... 1M.

Each point runs in its own subprocess (its peak RSS is its own). It measures; it does not choose
the HNSW switch-over (``retrieval.dense.HNSW_FROM``), the README discusses it from these curves.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

QUERIES = ["Where did the meeting take place?", "Who discovered penicillin?", "What is the capital of the province?",
           "When was the university founded?", "How many people live in the city?", "Which river flows through the town?",
           "What did the treaty establish?", "Who was the first president?", "Why did the empire fall?", "What is oxygen used for?"]


def _sentences(n: int) -> list[str]:
    from statementqa.bench import _squad_paragraphs, _synthetic_docs
    from statementqa.retrieval.segment import segment

    out: list[str] = []
    for t in _squad_paragraphs() or _synthetic_docs(min(n, 50_000)):
        out += [s.text for s in segment(t)]
        if len(out) >= min(n, 120_000):
            break
    base = out or ["no text"]
    return [base[i % len(base)] for i in range(n)]


def _pcts(fn, qs, reps: int) -> tuple[float, float]:
    from statementqa.bench import latency_ms

    return latency_ms(fn, qs, reps)


def worker_standin(size: str, hnsw_max: str = "100000") -> dict:
    import numpy as np

    from statementqa.bench import _rss_mb
    from statementqa.retrieval.dense import DenseIndex, DenseParams
    from statementqa.retrieval.lexical import BM25Index

    n = int(size)
    texts = _sentences(n)
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((n, 384), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    qv = rng.standard_normal((len(QUERIES), 384), dtype=np.float32)
    qv /= np.linalg.norm(qv, axis=1, keepdims=True)
    out: dict = {"size": n, "kind": "stand-in vectors"}
    t = time.perf_counter()
    exact = DenseIndex.build(vecs, DenseParams("exact"))
    out["exact_build_s"] = time.perf_counter() - t
    out["exact_p50_ms"], out["exact_p95_ms"] = _pcts(lambda q: exact.search(q, 50), qv, 5)
    if n <= int(hnsw_max):  # random vectors make HNSW builds slow (97 s at 100k here, vs 16 s for real ones)
        t = time.perf_counter()
        hnsw = DenseIndex.build(vecs, DenseParams("hnsw"))
        out["hnsw_build_s"] = time.perf_counter() - t
        out["hnsw_p50_ms"], out["hnsw_p95_ms"] = _pcts(lambda q: hnsw.search(q, 50), qv, 5)
    BM25Index.build(["warm up the tokenizer and stemmer"]).search("warm up", 1)
    t = time.perf_counter()
    bm = BM25Index.build(texts)
    out["bm25_build_s"] = time.perf_counter() - t
    out["bm25_p50_ms"], out["bm25_p95_ms"] = _pcts(lambda q: bm.search(q, 50), QUERIES, 5)
    out["rss_mb"] = _rss_mb()
    return out


def worker_real(size: str, work: str) -> dict:
    from statementqa.bench import _rss_mb, corpus_of
    from statementqa.retrieval.embed import Embedder
    from statementqa.retrieval.search import Retriever
    from statementqa.retrieval.store import IndexParams, build

    docs = corpus_of(size)
    emb = Embedder(cache_dir=Path(work) / "onnx-cache")
    emb.encode(["warm up"])
    t = time.perf_counter()
    index, stats = build(docs, IndexParams(), emb, progress=False)
    build_s = time.perf_counter() - t
    r = Retriever(index, emb)
    p50, p95 = _pcts(lambda q: r.search(q, 5), QUERIES, 5)
    return {"size": len(index.sentences), "kind": "real", "build_s": build_s, "embed_s": stats["embed_s"],
            "sentences_per_s": len(index.sentences) / build_s, "query_p50_ms": p50, "query_p95_ms": p95, "rss_mb": _rss_mb()}


def plot(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    si = res["stand_in"]
    for key, label in (("exact", "FAISS exact"), ("hnsw", "FAISS HNSW"), ("bm25", "BM25 (min-should-match)")):
        pts = [p for p in si if f"{key}_p50_ms" in p]
        a.plot([p["size"] for p in pts], [p[f"{key}_p50_ms"] for p in pts], "o-", label=f"{label} p50 (stand-in vectors)")
        b.plot([p["size"] for p in pts], [p[f"{key}_build_s"] for p in pts], "o-", label=f"{label} (stand-in vectors)")
    if res.get("real"):
        xr = [p["size"] for p in res["real"]]
        a.plot(xr, [p["query_p50_ms"] for p in res["real"]], "s--k", label="hybrid retrieval p50 (real embedder)")
        a.plot(xr, [p["query_p95_ms"] for p in res["real"]], "s:k", label="hybrid retrieval p95 (real embedder)")
        b.plot(xr, [p["build_s"] for p in res["real"]], "s--k", label="full build (real embedder)")
    for ax, title, unit in ((a, "query latency", "ms"), (b, "index build", "s")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("sentences")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"statementqa cost curves ({res['time']}, {res['cpus']} CPU cores)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main_curves(out_dir: Path, sizes: list[int], real_sizes: list[int], hnsw_max: int = 100_000,
                keep: bool = False) -> dict:
    """Measure and plot; ``keep``: re-use the points already in ``cost-curves.json`` (same kind and size)."""
    import os
    import tempfile

    from statementqa.bench import _run_worker

    out_dir.mkdir(parents=True, exist_ok=True)
    res: dict = {"time": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "stand_in": [], "real": []}
    old = json.loads((out_dir / "cost-curves.json").read_text()) if keep and (out_dir / "cost-curves.json").exists() else {}
    with tempfile.TemporaryDirectory() as work:
        for n in real_sizes:
            done = [p for p in old.get("real", []) if abs(p["size"] - n) <= max(2, n // 100)]
            print(f"real embedder, {n} sentences ...", flush=True)
            res["real"].append(done[0] if done else _run_worker("worker_real", str(n), work, module=__name__))
            (out_dir / "cost-curves.json").write_text(json.dumps(res, indent=2))
    for n in sizes:
        done = [p for p in old.get("stand_in", []) if p["size"] == n]
        print(f"stand-in vectors, {n} sentences ...", flush=True)
        res["stand_in"].append(done[0] if done else _run_worker("worker_standin", str(n), str(hnsw_max), module=__name__))
        (out_dir / "cost-curves.json").write_text(json.dumps(res, indent=2))
    plot(res, out_dir / "cost-curves.png")
    return res
