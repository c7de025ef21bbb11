"""``statementqa bench``: one run that measures start-up, per-question latency, index build and
query speed at three corpus sizes, peak memory, and side-by-side ratios against baselines.

Each corpus size runs in its own subprocess so that its peak RSS is its own. Larger corpora
are built from SQuAD paragraphs in ../shared/data/squad, topped up with generated text where
SQuAD has too few sentences (or is not there). Prints a table and writes everything to a JSON file.
This is a benchmark command, not a test: numbers depend on the machine and its load.
It is longer than the other modules (~290 lines) on purpose: each measurement is a worker run
in its own subprocess, and ``worker_scale`` builds, saves, loads and queries one corpus size in
one process so that its memory and timings are one measurement. The tables are in
``statementqa.bench_report``.
"""
from __future__ import annotations

import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from statementqa.bench_report import table
from statementqa.eval.metrics import percentile

REPO = Path(__file__).resolve().parent.parent


def latency_ms(fn, queries, reps: int) -> tuple[float, float]:
    """p50 and p95 in ms of ``fn(q)`` over ``reps`` passes through ``queries``."""
    ts = []
    for _ in range(reps):
        for q in queries:
            a = time.perf_counter()
            fn(q)
            ts.append((time.perf_counter() - a) * 1e3)
    return percentile(ts, 50), percentile(ts, 95)


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- workers (run in subprocesses) ------------------------------------------------------

def worker_cold(corpus: str, data_dir: str) -> dict:
    t0 = time.perf_counter()
    from statementqa.pipeline import Pipeline  # noqa: F401 - measure the import

    t_import = time.perf_counter()
    pl = Pipeline(corpus=Path(corpus), data_dir=Path(data_dir))
    pl.embedder.warm_up()
    pl.reader.warm_up()
    t_models = time.perf_counter()
    pl.index  # noqa: B018
    t_index = time.perf_counter()
    ans = pl.ask("Where did the meeting take place?")
    t_first = time.perf_counter()
    return {"import_s": t_import - t0, "model_load_s": t_models - t_import, "index_load_s": t_index - t_models,
            "first_answer_s": t_first - t_index, "in_process_total_s": t_first - t0, "answer": ans.text, "rss_mb": _rss_mb()}


def _squad_paragraphs() -> list[str]:
    import gzip

    paras = []
    for f in ("train-v1.1.json.gz", "dev-v2.0-a.json.gz"):
        p = REPO.parent / "shared" / "data" / "squad" / f
        if p.exists():
            d = json.load(gzip.open(p, "rt", encoding="utf-8"))
            paras += [x["context"] for a in d["data"] for x in a["paragraphs"]]
    return paras


def _synthetic_docs(n_sent: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(20000)]
    docs, cur = [], []
    for i in range(n_sent):
        cur.append(" ".join(rng.choice(words) for _ in range(rng.randint(8, 25))).capitalize() + ".")
        if len(cur) == 5:
            docs.append(" ".join(cur))
            cur = []
    if cur:
        docs.append(" ".join(cur))
    return docs


def corpus_of(size: str, source: str = "squad") -> list:
    """The statement, or about ``size`` sentences of SQuAD paragraphs (topped up with generated text)."""
    from statementqa.retrieval.segment import segment
    from statementqa.retrieval.types import Document, content_hash

    if size == "statement":
        from statementqa.retrieval.corpus import load_corpus

        return load_corpus()
    target = int(size)
    texts = _squad_paragraphs() if source == "squad" else []
    if not texts:
        texts = _synthetic_docs(target)
    rng = random.Random(0)
    rng.shuffle(texts)
    docs, n = [], 0
    for t in texts:
        if n >= target:
            break
        docs.append(Document(content_hash(t), t, f"p{len(docs)}.txt"))
        n += len(segment(t))
    if n < target:  # SQuAD has ~98k sentences; top up with generated text
        for t in _synthetic_docs(target - n, seed=1):
            docs.append(Document(content_hash(t), t, f"s{len(docs)}.txt"))
    return docs


def profile_ask(rounds: int = 3) -> None:
    """The workload of the ask flame graph (docs/perf/ask.svg): warm asks over the 71 team questions."""
    import tempfile

    from statementqa.eval.dataset import load_jsonl
    from statementqa.eval.runner import DEFAULT_DATASET
    from statementqa.pipeline import Pipeline

    with tempfile.TemporaryDirectory() as d:
        pl = Pipeline(data_dir=Path(d))
        pl.warm()
        items = load_jsonl(DEFAULT_DATASET).items
        for _ in range(int(rounds)):
            for it in items:
                pl._qcache.clear()
                pl.ask(it.question)


def profile_build(size: str = "10000") -> None:
    """The workload of the build flame graph (docs/perf/build-10k.svg): index ``size`` SQuAD sentences."""
    from statementqa.retrieval.embed import Embedder
    from statementqa.retrieval.store import IndexParams, build

    docs = corpus_of(size)
    build(docs, IndexParams(), Embedder(), progress=False)


QUERIES = ["Where did the meeting take place?", "Who discovered penicillin?", "What is the capital of the province?",
           "When was the university founded?", "How many people live in the city?", "Which river flows through the town?",
           "What did the treaty establish?", "Who was the first president?", "Why did the empire fall?",
           "What is oxygen used for?"]


def query_latency(index, emb, bm25_method: str, *, dense_search: str, rounds: int = 5) -> tuple[list[float], list[str]]:
    """Milliseconds per hybrid search (query embedding, BM25, FAISS, fusion; top 5) over ``QUERIES``
    asked ``rounds`` times (after one unmeasured search: the int8 or fp16 copies are made on the first)."""
    from statementqa.retrieval.search import Retriever

    r = Retriever(index, emb, bm25_method=bm25_method, dense_search=dense_search)
    r.search(QUERIES[0], 5)
    qs = QUERIES * rounds
    lat = []
    for q in qs:
        a = time.perf_counter()
        r.search(q, 5)
        lat.append((time.perf_counter() - a) * 1e3)
    return lat, qs


def worker_query(index_dir: str) -> dict:
    """Query latency only, on an index saved before (``statementqa bench --query-index DIR``): no
    build, so configurations that differ only at query time compare in minutes at any size."""
    from statementqa.retrieval.embed import Embedder
    from statementqa.retrieval.store import current_path, load
    from statementqa.settings import Settings

    settings = Settings.from_env()
    emb = Embedder(backend=settings.embedder_backend)  # the user's export cache: nothing is built here
    emb.encode(["warm up"])
    t0 = time.perf_counter()
    index = load(current_path(Path(index_dir)) or Path(index_dir), mmap=True)
    load_s = time.perf_counter() - t0
    lat, _ = query_latency(index, emb, settings.bm25_method, dense_search=settings.dense_search)
    return {"index": str(index_dir), "sentences": len(index.sentences), "index_load_s": load_s,
            "query_p50_ms": percentile(lat, 50), "query_p95_ms": percentile(lat, 95),
            "dense_kind": index.manifest["dense"]["kind"], "rss_mb": _rss_mb(),
            "embedder_backend": "onnx" if emb.onnx() else "torch", "bm25_method": settings.bm25_method,
            "dense_search": settings.dense_search}


def worker_scale(size: str, source: str, work: str, baselines: str) -> dict:
    import numpy as np

    from statementqa.retrieval.dense import DenseIndex, DenseParams
    from statementqa.retrieval.embed import Embedder
    from statementqa.retrieval.store import IndexParams, build, load, save

    work = Path(work)
    docs = corpus_of(size, source)
    from statementqa.settings import Settings

    settings = Settings.from_env()
    emb = Embedder(backend=settings.embedder_backend, cache_dir=work / "onnx-cache")
    emb.encode(["warm up"])
    rss_before = _rss_mb()
    t0 = time.perf_counter()
    index, stats = build(docs, IndexParams(), emb, progress=False)
    build_s = time.perf_counter() - t0
    path = save(index, work / f"data-{size}")
    if size != "statement":
        from statementqa.compute_bound import build_bound

        out_bound = build_bound(emb.token_lengths([x.text for x in index.sentences]), emb.encoder_config(),
                                len(index.sentences) / stats["embed_s"])
    del index  # a server loads the saved index; the built one is not kept beside it
    gc.collect()
    t1 = time.perf_counter()
    index = load(path, mmap=True)
    load_s = time.perf_counter() - t1
    lat, qs = query_latency(index, emb, settings.bm25_method, dense_search=settings.dense_search)
    out = {"size": size, "documents": len(docs), "sentences": len(index.sentences), "build_s": build_s,
           "embed_s": stats["embed_s"], "sentences_per_s": len(index.sentences) / build_s, "index_load_s": load_s,
           "query_p50_ms": percentile(lat, 50), "query_p95_ms": percentile(lat, 95), "dense_kind": index.manifest["dense"]["kind"],
           "rss_mb": _rss_mb(), "rss_before_build_mb": rss_before, "embedder_backend": "onnx" if emb.onnx() else "torch",
           "bm25_method": settings.bm25_method, "dense_search": settings.dense_search}
    if size != "statement":
        out["embedding_compute_bound"] = out_bound  # embedding speed (sentences/s of embed_s) vs the GEMM bound
    if baselines == "1":
        vecs = np.asarray(index.vectors, dtype=np.float32)
        qv = emb.encode(qs[:10])
        exact = DenseIndex.build(vecs, DenseParams("exact"))
        hnsw_t = time.perf_counter()
        hnsw = DenseIndex.build(vecs, DenseParams("hnsw"))
        hnsw_build = time.perf_counter() - hnsw_t

        def timed(fn, reps=20):
            return latency_ms(fn, qv, reps)[0]

        t_np = timed(lambda q: np.argpartition(-(vecs @ q), 10)[:10])
        t_exact = timed(lambda q: exact.search(q, 10))
        t_hnsw = timed(lambda q: hnsw.search(q, 10))
        _, ie = exact.search(qv, 10)
        _, ih = hnsw.search(qv, 10)
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ie, ih)]))
        out.update(numpy_ms=t_np, faiss_exact_ms=t_exact, faiss_hnsw_ms=t_hnsw, hnsw_recall_at_10=recall,
                   hnsw_build_s=hnsw_build, faiss_vs_numpy=t_np / t_exact, hnsw_vs_exact=t_exact / t_hnsw)
    return out


def haystack_baseline(reader: str, text: str, items: list) -> dict:
    """The peer a user would try first: Haystack 2.x's ExtractiveReader (the same weights) over the
    whole document, one question at a time, its top answer (or its no-answer) scored like ours.
    Haystack is an optional extra (``pip install -e '.[bench]'``); without it, a one-line note."""
    os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")  # no network here, and none wanted
    try:
        from haystack import Document
        from haystack.components.readers import ExtractiveReader
        from haystack.utils import ComponentDevice
    except ImportError:
        return {"haystack_note": "Haystack baseline skipped: haystack-ai<3 is not installed (pip install -e '.[bench]')"}
    import logging
    import warnings

    from statementqa.eval.metrics import score_answer

    logging.getLogger("haystack").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hr = ExtractiveReader(model=reader, device=ComponentDevice.from_str("cpu"))
        hr.warm_up()
        doc = [Document(content=text)]
        hr.run(query="warm up", documents=doc, top_k=1)
        ts, f1 = [], []
        for it in items:
            a = time.perf_counter()
            top = hr.run(query=it.question, documents=doc, top_k=1)["answers"][0]
            ts.append((time.perf_counter() - a) * 1e3)
            f1.append(score_answer(it.answers if it.answerable else [], top.data or "")[1])
    import haystack

    return {"haystack_version": haystack.__version__, "haystack_p50_ms": percentile(ts, 50),
            "haystack_p95_ms": percentile(ts, 95), "haystack_f1": 100 * statistics.mean(f1)}


def worker_latency(corpus: str, data_dir: str, peers: str = "0") -> dict:
    """Warm per-question latency over the statement test set, the naive whole-document baseline
    and (``peers == "1"``) Haystack's ExtractiveReader."""
    from statementqa.eval.dataset import load_jsonl
    from statementqa.eval.metrics import score_answer
    from statementqa.eval.runner import DEFAULT_DATASET
    from statementqa.pipeline import Pipeline

    pl = Pipeline(corpus=Path(corpus), data_dir=Path(data_dir))
    pl.warm()
    items = load_jsonl(DEFAULT_DATASET).items
    # Naive baseline: the same reader over the whole document, no retrieval, windows of 384 tokens
    # with stride 128 (the defaults of transformers' former question-answering pipeline, removed in v5),
    # on the pipeline's own ONNX session. Each question is asked of both back to back, in alternating
    # order, so that both see the same machine state: measured in two blocks one after the other the
    # ratio drifted with the machine's load (3.49-4.14x in one process, 2.41-3.6x across bench runs),
    # interleaved it held (3.08-3.11x, the same process, training sharing the cores).
    from statementqa.reader.assemble import assemble
    from statementqa.reader.model import Reader
    from statementqa.retrieval.types import Passage

    naive = Reader(pl.settings.reader, max_length=384, stride=128, backend=pl.settings.reader_backend, int8=pl.settings.quantized("reader"),
                   cache_dir=pl.settings.data_dir, threads=pl.reader.threads)
    doc = next(iter(pl.index.docs.values()))
    whole = Passage("whole", doc.doc_id, tuple(range(len(pl.index.all_sentences[doc.doc_id]))), 0, len(doc.text), doc.text)
    ret, read, tot, f1, base_t, base_f1 = [], [], [], [], [], []

    def ours(it) -> None:
        pl._qcache.clear()  # a new question each time: no cached embedding
        a = pl.ask(it.question)
        ret.append(a.timings_ms["retrieval"])
        read.append(a.timings_ms["reading"])
        tot.append(a.timings_ms["total"])
        f1.append(score_answer(it.answers if it.answerable else [], "" if a.abstained else a.text)[1])

    def whole_document(it) -> None:
        a = time.perf_counter()
        ans = assemble(it.question, [whole], naive.read(it.question, [whole]), pl.index, naive.calibration)
        base_t.append((time.perf_counter() - a) * 1e3)
        base_f1.append(score_answer(it.answers if it.answerable else [], "" if ans.abstained else ans.text)[1])

    for i, it in enumerate(items):
        for run in ((ours, whole_document) if i % 2 == 0 else (whole_document, ours)):
            run(it)
    peer = haystack_baseline(pl.settings.reader, doc.text, items) if peers == "1" else {}
    if "haystack_p50_ms" in peer:
        peer["speedup_vs_haystack_p50"] = peer["haystack_p50_ms"] / percentile(tot, 50)
    return {**peer, "questions": len(items), "retrieval_p50_ms": percentile(ret, 50), "retrieval_p95_ms": percentile(ret, 95),
            "reading_p50_ms": percentile(read, 50), "reading_p95_ms": percentile(read, 95), "total_p50_ms": percentile(tot, 50),
            "total_p95_ms": percentile(tot, 95), "f1": 100 * statistics.mean(f1), "naive_p50_ms": percentile(base_t, 50),
            "naive_p95_ms": percentile(base_t, 95), "naive_f1": 100 * statistics.mean(base_f1),
            "speedup_vs_naive_p50": percentile(base_t, 50) / percentile(tot, 50)}


def app_first_answer(corpus: str, data_dir: Path) -> dict:
    """Launch ``python app.py`` and time until the first answer arrives through the /ask API."""
    import socket

    from gradio_client import Client

    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        port = so.getsockname()[1]
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--corpus", corpus, "--data-dir", str(data_dir)],
                         cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    url, t_up, answer = f"http://127.0.0.1:{port}/", None, None
    try:
        while time.perf_counter() - t0 < 120 and p.poll() is None:
            try:
                c = Client(url, verbose=False)
                t_up = t_up or time.perf_counter() - t0
                answer = c.predict(question="Where did the meeting take place?", k=3, api_name="/ask")["answer"]
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.1)
        return {"page_up_s": t_up, "first_answer_s": time.perf_counter() - t0, "answer": answer}
    finally:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:  # open keep-alive connections delay a graceful stop
            p.kill()
            p.wait(timeout=10)


def _run_worker(fn: str, *args, env: dict | None = None, module: str = "statementqa.bench") -> dict:
    """Run ``module.fn(*args)`` in a fresh Python process (its timings and peak RSS are its own)."""
    code = f"import json,sys; from {module} import {fn} as f; print('@@'+json.dumps(f(*sys.argv[1:])))"
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=REPO,
                       env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})
    wall = time.perf_counter() - t0
    line = next((x for x in p.stdout.splitlines() if x.startswith("@@")), None)
    if p.returncode != 0 or line is None:
        from statementqa.retrieval.errors import UserError

        last = (p.stderr.strip().splitlines() or ["no output"])[-1]
        raise UserError(f"bench step {fn}{tuple(map(str, args))} failed: {last}")
    out = json.loads(line[2:])
    out["process_wall_s"] = wall
    return out


def query_only(index_dir: Path, env: dict, out: Path, rounds: int = 2) -> dict:
    """``statementqa bench --query-index DIR``: query latency on a saved index (a data dir or an
    index directory), this configuration and, with ``--baseline-env``, the baseline one, each in
    its own process, alternated ``rounds`` times so that drift in machine load shows."""
    from statementqa.retrieval.errors import UserError
    from statementqa.retrieval.store import current_path

    index_dir = Path(index_dir)
    if not (index_dir / "manifest.json").exists() and current_path(index_dir) is None:
        raise UserError(f"{index_dir} holds no saved index; give a data dir (with CURRENT) or an index-* directory")
    res: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                 "time": time.strftime("%Y-%m-%d %H:%M:%S"), "query_only": [], "baseline_env": env}
    for i in range(rounds):
        for name, e in (("this", {}), ("baseline", env)) if env else (("this", {}),):
            print(f"round {i + 1}: query latency, {name} configuration {e or ''} ...", flush=True)
            res["query_only"].append({"config": name, "round": i + 1, **_run_worker("worker_query", index_dir, env=e)})
            Path(out).write_text(json.dumps(res, indent=2))
    this = [r for r in res["query_only"] if r["config"] == "this"]
    base = [r for r in res["query_only"] if r["config"] == "baseline"]
    for q in ("query_p50_ms", "query_p95_ms"):
        if base:
            res[f"ratio_{q}"] = min(r[q] for r in this) / min(r[q] for r in base)
    Path(out).write_text(json.dumps(res, indent=2))
    return res


def query_only_table(res: dict) -> str:
    rows = ["| configuration | round | sentences | query p50 ms | query p95 ms | embedder | BM25 | dense |",
            "|---|---|---|---|---|---|---|---|"]
    for r in res["query_only"]:
        rows.append(f"| {r['config']} | {r['round']} | {r['sentences']:,} | {r['query_p50_ms']:.2f} | {r['query_p95_ms']:.2f} "
                    f"| {r['embedder_backend']} | {r['bm25_method']} | {r.get('dense_search', 'fp32')} |")
    if "ratio_query_p50_ms" in res:
        rows.append(f"\nthis / baseline (best round of each): p50 {res['ratio_query_p50_ms']:.2f}x, "
                    f"p95 {res['ratio_query_p95_ms']:.2f}x")
    return "\n".join(rows)


def _baseline_env(args) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in (getattr(args, "baseline_env", None) or []))


def main_bench(args) -> int:
    import tempfile

    from statementqa.retrieval.paths import DEFAULT_CORPUS

    if getattr(args, "query_index", None):
        env = _baseline_env(args)
        res = query_only(args.query_index, env, args.out)
        print(query_only_table(res))
        print(f"\nwritten to {args.out}")
        return 0

    corpus = str(args.corpus or DEFAULT_CORPUS)
    sizes = ["statement", "2000"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    res: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "time": time.strftime("%Y-%m-%d %H:%M:%S")}
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "data"
        print("cold start (fresh process, index built once before) ...", flush=True)
        _run_worker("worker_cold", corpus, data)  # builds the index
        res["cold_start"] = _run_worker("worker_cold", corpus, data)
        print("app launch -> first answer ...", flush=True)
        res["app_start"] = app_first_answer(corpus, data)
        print("per-question latency and naive baseline ...", flush=True)
        res["latency"] = _run_worker("worker_latency", corpus, data, "1")
        if getattr(args, "baseline_reader", None):
            # The same measurement with another reader, in the same run (same machine state).
            print(f"per-question latency with the baseline reader {args.baseline_reader} ...", flush=True)
            base = _run_worker("worker_latency", corpus, data, env={"STATEMENTQA_READER": str(args.baseline_reader)})
            res["latency_baseline_reader"] = {"reader": str(args.baseline_reader), **base}
            # and the shipped reader once more after it, so that drift in machine load shows
            res["latency_again"] = _run_worker("worker_latency", corpus, data)
        env = _baseline_env(args)
        if env:
            # Today's configuration (e.g. STATEMENTQA_EMBEDDER_BACKEND=torch) in the same run,
            # between two runs of this one so that drift in machine load shows.
            print(f"per-question latency with the baseline configuration {env} ...", flush=True)
            res["latency_baseline_config"] = {"env": env, **_run_worker("worker_latency", corpus, data, env=env)}
            res["latency_again"] = _run_worker("worker_latency", corpus, data)
        Path(args.out).write_text(json.dumps(res, indent=2))
        res["scale"] = []
        for s in sizes:
            print(f"index build and query at {s} ...", flush=True)
            res["scale"].append(_run_worker("worker_scale", s, "squad", work, "1" if s == sizes[-1] and s != "statement" else "0"))
            if env:
                res.setdefault("scale_baseline_config", []).append(_run_worker("worker_scale", s, "squad", work, "0", env=env))
            Path(args.out).write_text(json.dumps(res, indent=2))  # keep what is measured so far
    Path(args.out).write_text(json.dumps(res, indent=2))
    print(table(res))
    print(f"\nwritten to {args.out}")
    return 0
