"""``statementqa bench``'s report (formatting of a results dict) and the optional Haystack peer:
skipped with a one-line note when haystack-ai is not installed."""
from __future__ import annotations

import sys

from statementqa.bench import haystack_baseline
from statementqa.bench_report import table

LAT = {"questions": 71, "retrieval_p50_ms": 10.0, "retrieval_p95_ms": 20.0, "reading_p50_ms": 80.0, "reading_p95_ms": 90.0,
       "total_p50_ms": 90.0, "total_p95_ms": 110.0, "f1": 66.1, "naive_p50_ms": 250.0, "naive_p95_ms": 280.0,
       "naive_f1": 62.0, "speedup_vs_naive_p50": 250 / 90}
RES = {"cold_start": {"import_s": 0.1, "model_load_s": 4.0, "index_load_s": 0.0, "first_answer_s": 0.2, "process_wall_s": 5.0},
       "app_start": {"page_up_s": 5.0, "first_answer_s": 6.0},
       "latency": {**LAT, "haystack_version": "2.31.0", "haystack_p50_ms": 1800.0, "haystack_p95_ms": 2000.0,
                   "haystack_f1": 40.0, "speedup_vs_haystack_p50": 20.0},
       "latency_baseline_config": {**LAT, "env": {"STATEMENTQA_EMBEDDER_BACKEND": "torch"}, "retrieval_p50_ms": 40.0,
                                   "total_p50_ms": 150.0, "total_p95_ms": 180.0},
       "latency_again": {**LAT, "total_p50_ms": 100.0},
       "scale": [{"size": "2000", "sentences": 2003, "build_s": 19.0, "sentences_per_s": 105.0, "query_p50_ms": 7.0,
                  "query_p95_ms": 8.0, "dense_kind": "exact", "rss_mb": 780.0}],
       "scale_baseline_config": [{"size": "2000", "sentences_per_s": 70.0, "query_p50_ms": 27.0, "query_p95_ms": 29.0}]}


def test_report_has_peer_and_configuration_ratios():
    out = table(RES)
    assert "20.0× faster at p50 (90.0 vs 1800.0 ms" in out and "F1 66.1 vs 40.0" in out
    assert "`STATEMENTQA_EMBEDDER_BACKEND=torch`" in out
    assert "answer p50 0.60×, p95 0.61×; retrieval p50 0.25×" in out   # best of the two runs / baseline
    assert "| 2000 | 105 / 70 = 1.50× | 7.00 / 27.00 | 8.00 / 29.00 |" in out


def test_report_without_baselines_and_with_a_skipped_peer():
    res = {**RES, "latency": {**LAT, "haystack_note": "Haystack baseline skipped: haystack-ai<3 is not installed"}}
    del res["latency_baseline_config"], res["scale_baseline_config"]
    out = table(res)
    assert "Haystack baseline skipped" in out and "baseline `" not in out


def test_haystack_missing_is_a_note(monkeypatch):
    monkeypatch.setitem(sys.modules, "haystack", None)  # import fails as if not installed
    assert haystack_baseline("reader/model", "text", []) == {
        "haystack_note": "Haystack baseline skipped: haystack-ai<3 is not installed (pip install -e '.[bench]')"}


def test_cost_curve_point_and_plot(tmp_path):
    """One stand-in point measured for real (small), and the log-log plot written from two."""
    from statementqa.curves import plot, worker_standin

    p = worker_standin("300")
    assert "hnsw_p50_ms" not in worker_standin("300", "100")  # above --curves-hnsw-max: no HNSW point
    assert p["size"] == 300 and p["kind"] == "stand-in vectors"
    for key in ("exact", "hnsw", "bm25"):
        assert 0 < p[f"{key}_p50_ms"] <= p[f"{key}_p95_ms"] and p[f"{key}_build_s"] > 0
    q = {**p, "size": 3000}
    plot({"time": "now", "cpus": 2, "stand_in": [p, q],
          "real": [{"size": 300, "build_s": 3.0, "query_p50_ms": 9.0, "query_p95_ms": 12.0}]}, tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_store_bench_report_and_database_names():
    """``statementqa bench --store``: the per-database DSNs keep user, host and options; the report
    prints the measured build and query numbers from a results dict (docs/results/bench-store.json)."""
    import json
    from pathlib import Path

    from statementqa.bench_store import _db_dsn, report

    assert _db_dsn("postgresql://qa:pw@db:5432/qa?sslmode=require", "statementqa_bench_q10000") == \
        "postgresql://qa:pw@db:5432/statementqa_bench_q10000?sslmode=require"
    res = json.loads((Path(__file__).resolve().parent.parent / "docs" / "results" / "bench-store.json").read_text())
    out = report(res)
    b = res["build"]
    assert f"PostgreSQL 1 indexer {b['postgresql_1']['sentences_per_s']:.0f}; 2 indexers {b['postgresql_2']['sentences_per_s']:.0f}" in out
    q = res["query"][-1]
    assert f"| {q['size']:,} | stand-in | {q['files_p50_ms']:.1f} / {q['files_p95_ms']:.1f} (exact) | " \
           f"{q['primary_p50_ms']:.1f} / {q['primary_p95_ms']:.1f} |" in out
    assert "| statement/hybrid/pg_bm25_sql | 0.868 | 0.943 | 0.908 | 1.000 |" in out


def test_query_only_bench_against_the_scan_baseline(pipeline, tmp_path):
    """``statementqa bench --query-index``: query latency on a saved index, this configuration and the
    baseline one each in its own process, the ratio from the best round of each."""
    import json
    import subprocess

    from statementqa.bench import query_only, query_only_table

    pipeline.index  # noqa: B018 - built and saved under the data dir
    base = {"STATEMENTQA_BM25_METHOD": "scan", "STATEMENTQA_DENSE_SEARCH": "fp32"}
    res = query_only(pipeline.settings.data_dir, base, tmp_path / "q.json", rounds=1)
    assert [(r["config"], r["bm25_method"], r["dense_search"]) for r in res["query_only"]] == [
        ("this", "postings", "int8"), ("baseline", "scan", "fp32")]
    for r in res["query_only"]:
        assert r["sentences"] == len(pipeline.index.sentences) and 0 < r["query_p50_ms"] <= r["query_p95_ms"]
    assert res["ratio_query_p95_ms"] == res["query_only"][0]["query_p95_ms"] / res["query_only"][1]["query_p95_ms"]
    assert json.loads((tmp_path / "q.json").read_text()) == res
    assert "| scan | fp32 |" in query_only_table(res) and "| baseline | 1 |" in query_only_table(res) and "this / baseline (best round of each)" in query_only_table(res)
    bad = subprocess.run([sys.executable, "-m", "statementqa", "bench", "--query-index", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "holds no saved index" in bad.stderr and "Traceback" not in bad.stderr


def test_latency_worker_interleaves_pipeline_and_naive_on_one_session(pipeline, monkeypatch):
    """The per-question bench: each question goes to the pipeline and to the naive whole-document
    reader back to back, in alternating order, on one ONNX reader session; the ratio is the two p50s'."""
    import statementqa.eval.dataset as dataset
    from statementqa import bench
    from statementqa.pipeline import Pipeline
    from statementqa.reader.model import Reader

    real_load = dataset.load_jsonl

    def first_six(path):
        ds = real_load(path)
        ds.items = ds.items[:6]
        return ds

    calls, sessions = [], set()
    real_ask, real_read = Pipeline.ask, Reader.read

    def ask(self, q, *a, **kw):
        calls.append(("ours", q))
        sessions.add(id(self.reader.session()))
        return real_ask(self, q, *a, **kw)

    def read(self, q, passages, *a, **kw):
        if passages and getattr(passages[0], "passage_id", None) == "whole":
            calls.append(("naive", q))
            sessions.add(id(self.session()))
        return real_read(self, q, passages, *a, **kw)

    monkeypatch.setattr(dataset, "load_jsonl", first_six)
    monkeypatch.setattr(Pipeline, "ask", ask)
    monkeypatch.setattr(Reader, "read", read)
    pipeline.index  # noqa: B018 - built under the data dir
    res = bench.worker_latency(str(pipeline.settings.corpus), str(pipeline.settings.data_dir))
    asked = [c for c in calls if c[1] != "What is this document about?"]  # the warm-up question
    from statementqa.eval.runner import DEFAULT_DATASET

    qs = [it.question for it in real_load(DEFAULT_DATASET).items[:6]]
    assert asked == [x for i, q in enumerate(qs) for x in ((("ours", q), ("naive", q)) if i % 2 == 0 else (("naive", q), ("ours", q)))]
    assert len(sessions) == 1
    assert res["questions"] == 6 and res["speedup_vs_naive_p50"] == res["naive_p50_ms"] / res["total_p50_ms"]
    assert 0 <= res["f1"] <= 100 and 0 <= res["naive_f1"] <= 100
