"""The Markdown tables ``statementqa bench`` prints (and the README quotes) from its results
dict. Formatting only: it measures nothing.
"""
from __future__ import annotations


def _reader_lines(res: dict) -> list[str]:
    a, b, c = res["latency"], res["latency_baseline_reader"], res["latency_again"]
    return ["", f"## Reading: this reader vs the baseline reader `{b['reader']}` (same run; order: this, baseline, this)", "",
            "| reader | reading p50 ms | reading p95 ms | total p50 ms | F1 |", "|---|---|---|---|---|",
            f"| this (1st) | {a['reading_p50_ms']:.1f} | {a['reading_p95_ms']:.1f} | {a['total_p50_ms']:.1f} | {a['f1']:.1f} |",
            f"| baseline | {b['reading_p50_ms']:.1f} | {b['reading_p95_ms']:.1f} | {b['total_p50_ms']:.1f} | {b['f1']:.1f} |",
            f"| this (2nd) | {c['reading_p50_ms']:.1f} | {c['reading_p95_ms']:.1f} | {c['total_p50_ms']:.1f} | {c['f1']:.1f} |",
            "", f"Reading p50, this / baseline: {min(a['reading_p50_ms'], c['reading_p50_ms']) / b['reading_p50_ms']:.2f}×."]


def _config_lines(res: dict) -> list[str]:
    a, b, c = res["latency"], res["latency_baseline_config"], res["latency_again"]
    env = ", ".join(f"{k}={v}" for k, v in b["env"].items())
    best = {k: min(a[k], c[k]) for k in ("retrieval_p50_ms", "retrieval_p95_ms", "total_p50_ms", "total_p95_ms")}
    out = ["", f"## This configuration vs the baseline `{env}` (same run; order: this, baseline, this)", "",
           "| configuration | retrieval p50 ms | retrieval p95 ms | total p50 ms | total p95 ms | F1 |", "|---|---|---|---|---|---|"]
    for name, r in (("this (1st)", a), ("baseline", b), ("this (2nd)", c)):
        out.append(f"| {name} | {r['retrieval_p50_ms']:.1f} | {r['retrieval_p95_ms']:.1f} | {r['total_p50_ms']:.1f} | "
                   f"{r['total_p95_ms']:.1f} | {r['f1']:.1f} |")
    out += ["", f"This / baseline: answer p50 {best['total_p50_ms'] / b['total_p50_ms']:.2f}×, p95 "
            f"{best['total_p95_ms'] / b['total_p95_ms']:.2f}×; retrieval p50 {best['retrieval_p50_ms'] / b['retrieval_p50_ms']:.2f}×."]
    if res.get("scale_baseline_config"):
        out += ["", "| corpus | build sentences/s (this / baseline) | query p50 ms (this / baseline) | query p95 ms (this / baseline) |",
                "|---|---|---|---|"]
        for s, t in zip(res["scale"], res["scale_baseline_config"]):
            out.append(f"| {s['size']} | {s['sentences_per_s']:.0f} / {t['sentences_per_s']:.0f} = {s['sentences_per_s'] / t['sentences_per_s']:.2f}× | "
                       f"{s['query_p50_ms']:.2f} / {t['query_p50_ms']:.2f} | {s['query_p95_ms']:.2f} / {t['query_p95_ms']:.2f} |")
    return out


def table(res: dict) -> str:
    c, lt = res["cold_start"], res["latency"]
    lines = ["## Start-up (fresh process)", "",
             "| import | model load | index load | first answer | process start → first answer |", "|---|---|---|---|---|",
             f"| {c['import_s']:.2f} s | {c['model_load_s']:.2f} s | {c['index_load_s']:.2f} s | {c['first_answer_s']:.2f} s | {c['process_wall_s']:.2f} s |",
             "", f"App: `python app.py` launch → page up {res['app_start']['page_up_s']:.1f} s → first answer through /ask "
             f"{res['app_start']['first_answer_s']:.1f} s.",
             "", f"## Per question, statement test set ({lt['questions']} questions, warm)", "",
             "| stage | p50 ms | p95 ms |", "|---|---|---|",
             f"| retrieval | {lt['retrieval_p50_ms']:.1f} | {lt['retrieval_p95_ms']:.1f} |",
             f"| reading | {lt['reading_p50_ms']:.1f} | {lt['reading_p95_ms']:.1f} |",
             f"| total | {lt['total_p50_ms']:.1f} | {lt['total_p95_ms']:.1f} |",
             f"| naive baseline (same reader over the whole document, no retrieval) | {lt['naive_p50_ms']:.1f} | {lt['naive_p95_ms']:.1f} |",
             "", f"Pipeline vs naive: {lt['speedup_vs_naive_p50']:.2f}× faster at p50; F1 {lt['f1']:.1f} vs {lt['naive_f1']:.1f}.",
             *(["", f"Pipeline vs Haystack {lt['haystack_version']} ExtractiveReader (same weights, whole document): "
                f"{lt['speedup_vs_haystack_p50']:.1f}× faster at p50 ({lt['total_p50_ms']:.1f} vs {lt['haystack_p50_ms']:.1f} ms, "
                f"Haystack p95 {lt['haystack_p95_ms']:.1f} ms); F1 {lt['f1']:.1f} vs {lt['haystack_f1']:.1f}."]
               if "haystack_p50_ms" in lt else ["", lt["haystack_note"]] if "haystack_note" in lt else []),
             *(_reader_lines(res) if "latency_baseline_reader" in res else []),
             *(_config_lines(res) if "latency_baseline_config" in res else []),
             "", "## Index build and query", "",
             "| corpus | sentences | build s | sentences/s | query p50 ms | query p95 ms | index | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|"]
    for s in res["scale"]:
        lines.append(f"| {s['size']} | {s['sentences']:,} | {s['build_s']:.1f} | {s['sentences_per_s']:.0f} | {s['query_p50_ms']:.2f} | "
                     f"{s['query_p95_ms']:.2f} | {s['dense_kind']} | {s['rss_mb']:.0f} |")
    for s in res["scale"]:
        b = s.get("embedding_compute_bound")
        if b:
            lines += ["", f"Compute bound at {s['sentences']:,} sentences: the embedder needs {b['gflop_per_sentence']:.3f} GFLOP per "
                      f"sentence ({b['mean_tokens']:.1f} tokens on average); this machine's float32 GEMM runs at "
                      f"{b['matmul_gflops']:.0f} GFLOP/s, so at most {b['bound_sentences_per_s']:.0f} sentences/s; embedding ran "
                      f"at {b['percent_of_bound']:.0f} % of that bound."]
    big = next((s for s in res["scale"] if "faiss_exact_ms" in s), None)
    if big:
        lines += ["", f"## Dense search at {big['sentences']:,} vectors (top-10, one query, p50)", "",
                  "| method | ms | recall@10 vs exact |", "|---|---|---|",
                  f"| NumPy brute force | {big['numpy_ms']:.2f} | 1.000 |",
                  f"| FAISS exact (IndexFlatIP) | {big['faiss_exact_ms']:.2f} | 1.000 |",
                  f"| FAISS HNSW (M=32, efSearch=96) | {big['faiss_hnsw_ms']:.3f} | {big['hnsw_recall_at_10']:.3f} |",
                  "", f"FAISS exact vs NumPy: {big['faiss_vs_numpy']:.2f}×; HNSW vs exact: {big['hnsw_vs_exact']:.1f}× "
                  f"(HNSW build {big['hnsw_build_s']:.1f} s)."]
    return "\n".join(lines)
