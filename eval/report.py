"""Reports of an evaluation: the headline table (``report.md``), PNG plots (reliability diagram,
latency histogram, F1 by category), a side-by-side comparison of two ``metrics.json`` files and
the regression gate against floors. It computes no metric and runs no model.
"""
from __future__ import annotations

import json
from pathlib import Path

HEADLINE = [
    ("exact", "EM"), ("f1", "F1"), ("has_ans_exact", "HasAns EM"), ("has_ans_f1", "HasAns F1"),
    ("no_ans_accuracy", "NoAns acc"), ("best_f1", "best-threshold F1"), ("noans_roc_auc", "NoAns ROC AUC"), ("citation_precision", "citation P"),
    ("citation_recall", "citation R"), ("answer_in_citation", "answer in cited sentences"),
    ("gold_in_citation", "gold answer in cited sentences"),
    ("retrieval_recall_at_k", "retrieval recall@k"), ("retrieval_mrr", "retrieval MRR"),
    ("abstention_precision", "abstention P"), ("abstention_recall", "abstention R"),
    ("abstention_accuracy", "abstention accuracy"),
    ("answer_sentence_cited", "answer sentence cited"), ("answer_sentence_shown", "answer sentence shown (cited or may answer)"),
    ("no_ans_shown_sentence", "unanswerable shown a sentence"), ("ece", "ECE"), ("latency_p50_ms", "latency p50 ms"),
    ("latency_p95_ms", "latency p95 ms"),
]


def fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 1.5 else f"{v:.1f}"
    return str(v)


def report(m: dict, out: Path) -> str:
    lines = ["# Evaluation report", "", f"Dataset: {m['dataset']['kind']}, {m['n']} questions "
             f"({m['n_has_ans']} answerable, {m['n_no_ans']} unanswerable); reader `{m['settings']['reader']}`; "
             f"k = {m['settings']['k']}; {'gold paragraph given to the reader' if m['settings']['gold_context'] else 'retrieval then reader'}; "
             f"{'work vote on (retrieval.workvote); ' if m['settings'].get('work_vote') else ''}"
             f"abstention threshold (confidence) {fmt(m['settings']['threshold'])}.", ""]
    rec = m["settings"].get("threshold_recalibrated")
    if rec:
        lines += [f"The threshold was recalibrated on {rec.get('date')} by `statementqa review --recalibrate` on {rec['n']} "
                  f"questions ({rec.get('n_feedback', 0)} from users' corrections): before {rec['previous']:.3f} / after "
                  f"{rec['threshold']:.3f}; F1 {rec['f1_before']:.1f} -> {rec['f1_after']:.1f}, abstention accuracy "
                  f"{rec['abstention_accuracy_before']:.1f} -> {rec['abstention_accuracy_after']:.1f}.", ""]
    lines += ["| metric | value |", "|---|---|"]
    lines += [f"| {label} | {fmt(m.get(key))} |" for key, label in HEADLINE]
    lines += ["", "EM/F1 in %, official SQuAD v2 definitions (normalised answers, max over gold answers, "
              "unanswerable questions score 1 only when the system abstains). Citation P/R at sentence level against "
              "the supporting sentences, over answered answerable questions. ECE over all questions, confidence of the "
              "reader's best span vs. F1 ≥ 0.5.", "", "## F1 by category", "", "| category | F1 |", "|---|---|"]
    lines += [f"| {c} | {v:.1f} |" for c, v in m["f1_by_category"].items()]
    lines += ["", "## Reliability", "", "| confidence bin | n | mean confidence | accuracy |", "|---|---|---|---|"]
    lines += [f"| {b['lo']:.1f}–{b['hi']:.1f} | {b['n']} | {b['confidence']:.2f} | {b['accuracy']:.2f} |" for b in m["reliability"]]
    lines += ["", "![reliability](reliability.png) ![latency](latency.png) ![f1 by category](f1_by_category.png)", ""]
    return "\n".join(lines)


def plots(rows, m: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    b = m["reliability"]
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.bar([x["lo"] + 0.05 for x in b], [x["accuracy"] for x in b], width=0.09, alpha=0.7, label="accuracy (F1 ≥ 0.5)")
    ax.plot([x["confidence"] for x in b], [x["accuracy"] for x in b], "o-", color="C1", label="bin mean")
    ax.set(xlabel="confidence", ylabel="accuracy", xlim=(0, 1), ylim=(0, 1), title=f"Reliability (ECE {m['ece']:.3f})")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "reliability.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.hist([r[1].timings_ms.get("total", 0.0) for r in rows], bins=30, color="C0")
    ax.axvline(m["latency_p50_ms"], color="C1", label=f"p50 {m['latency_p50_ms']:.0f} ms")
    ax.axvline(m["latency_p95_ms"], color="C3", label=f"p95 {m['latency_p95_ms']:.0f} ms")
    ax.set(xlabel="latency per question (ms)", ylabel="questions", title="Latency")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=110)
    plt.close(fig)

    cats = m["f1_by_category"]
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.barh(list(cats), list(cats.values()), color="C2")
    ax.set(xlabel="F1 (%)", xlim=(0, 100), title="F1 by category")
    fig.tight_layout()
    fig.savefig(out / "f1_by_category.png", dpi=110)
    plt.close(fig)


def compare(a: Path, b: Path) -> str:
    ma, mb = (json.loads(Path(p).read_text()) for p in (a, b))
    rows = [("metric", str(a), str(b), "Δ (B − A)")]
    for key, label in HEADLINE:
        va, vb = ma.get(key), mb.get(key)
        d = vb - va if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else None
        rows.append((label, fmt(va), fmt(vb), "–" if d is None else f"{d:+.3f}" if abs(d) < 1.5 else f"{d:+.1f}"))
    for c in sorted(set(ma.get("f1_by_category", {})) | set(mb.get("f1_by_category", {}))):
        va, vb = ma.get("f1_by_category", {}).get(c), mb.get("f1_by_category", {}).get(c)
        d = vb - va if va is not None and vb is not None else None
        rows.append((f"F1 {c}", fmt(va), fmt(vb), "–" if d is None else f"{d:+.1f}"))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(r[i].ljust(w[i]) for i in range(4)).rstrip() for r in rows)


def gate(m: dict, floors_path: Path) -> list[str]:
    floors = json.loads(Path(floors_path).read_text())["floors"]
    fails = []
    for key, floor in floors.items():
        v = m.get(key)
        if v is None or v < floor:
            fails.append(f"{key} = {fmt(v)} is below its floor {floor}")
    return fails
