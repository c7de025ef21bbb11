"""Report v2: one self-contained HTML file per run (no CDN: inline CSS, inline JS, plots as inline
PNG), a run-vs-run diff, bootstrap intervals and JUnit XML.

* ``html_report``: headline metrics with bootstrap 95 % intervals on F1, metrics per category and
  per answerable/unanswerable, a risk-coverage curve (accuracy among answered questions vs the
  share answered as the threshold moves), and a per-question table that can be filtered (wrong /
  abstained / correct) showing question, gold and predicted answers, and the cited vs supporting
  sentences (both, cited only, supporting only);
* ``compare_runs``: questions that got better or worse between two runs, the F1 difference with a
  paired bootstrap 95 % interval, written as ``compare.html`` and a short text summary;
* ``junit_xml``: one test case per question (failure = wrong answer, an answer to an unanswerable
  question, or an abstention on an answerable one), so CI systems show failures per question.

Inputs are the enriched ``predictions.jsonl`` records written by ``eval.runner`` (they carry
gold answers, category, supporting sentences, EM and F1). Runs no model.
"""
from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np

N_BOOT = 2000


def verdict(r: dict) -> str:
    """correct / wrong / abstained (an abstention on an unanswerable question is correct)."""
    if r["abstained"]:
        return "correct" if not r["answerable"] else "abstained"
    return "correct" if r["answerable"] and r["f1"] >= 0.5 else "wrong"


def bootstrap_ci(values: list[float], n: int = N_BOOT, seed: int = 0) -> tuple[float, float]:
    """95 % percentile interval of the mean (resampling questions)."""
    if not values:
        return float("nan"), float("nan")
    x = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(n, len(x)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def risk_coverage(records: list[dict]) -> list[tuple[float, float]]:
    """(coverage, accuracy among answered) as the confidence threshold goes down, one point per question."""
    order = sorted(records, key=lambda r: -r["confidence"])
    pts, ok = [], 0
    for i, r in enumerate(order, 1):
        ok += int(r["answerable"] and r["forced_f1"] >= 0.5)
        pts.append((i / len(order), ok / i))
    return pts


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _risk_plot(records: list[dict]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = risk_coverage(records)
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot([p[0] for p in pts], [p[1] for p in pts], color="#1a47b8")
    answered = sum(not r["abstained"] for r in records) / max(1, len(records))
    ax.axvline(answered, color="#b3261e", linestyle="--", label=f"shipped threshold ({answered:.0%} answered)")
    ax.set_xlabel("share of questions answered (coverage)")
    ax.set_ylabel("accuracy among answered")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    uri = _png(fig)
    plt.close(fig)
    return uri


def _sentences_cell(r: dict) -> str:
    cited = [c["text"] for c in r.get("citations", [])]
    sup = r.get("supporting", [])
    parts = []
    for t in dict.fromkeys(cited + sup):
        cls = "both" if t in cited and t in sup else "cited-only" if t in cited else "sup-only"
        label = {"both": "cited, supporting", "cited-only": "cited, not supporting", "sup-only": "supporting, not cited"}[cls]
        parts.append(f'<div class="s {cls}" title="{label}">{html.escape(t)}</div>')
    if r.get("may_answer"):
        parts.append(f'<div class="s maybe" title="offered as may answer">may answer: {html.escape(r["may_answer"]["text"])}</div>')
    return "".join(parts) or "–"


CSS = """body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1f1f1f;max-width:1300px}
table{border-collapse:collapse;margin:0.5rem 0 1.2rem}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f0f0f0}.s{padding:2px 4px;margin:2px 0;border-radius:3px}.both{background:#d9f2dc}.cited-only{background:#fde2e0}
.sup-only{background:#fff3b0}.maybe{background:#e3ecff}.v-correct{color:#1b5e20}.v-wrong{color:#b3261e;font-weight:600}
.v-abstained{color:#7a4f00;font-weight:600}button{margin-right:6px;padding:4px 10px}button[aria-pressed=true]{background:#1a47b8;color:#fff}
.up{color:#1b5e20}.down{color:#b3261e}"""

FILTER_JS = """document.querySelectorAll('button[data-f]').forEach(b => b.addEventListener('click', () => {
  document.querySelectorAll('button[data-f]').forEach(x => x.setAttribute('aria-pressed', String(x === b)));
  const f = b.dataset.f; let n = 0;
  document.querySelectorAll('#q tbody tr').forEach(tr => { const show = f === 'all' || tr.dataset.v === f; tr.hidden = !show; n += show; });
  document.getElementById('shown').textContent = n + ' shown';
}));"""


def _table(rows: list[list[str]], head: list[str]) -> str:
    return ("<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows) + "</tbody></table>")


def _fmt(v, d=1) -> str:
    return "–" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.{d}f}" if isinstance(v, float) else str(v)


def html_report(records: list[dict], metrics: dict, out: Path, title: str = "statementqa evaluation") -> Path:
    f1 = [100 * r["f1"] for r in records]
    lo, hi = bootstrap_ci(f1)
    head = [["F1", f"{_fmt(metrics.get('f1'))} (95 % CI {lo:.1f}–{hi:.1f})"], ["EM", _fmt(metrics.get("exact"))],
            ["HasAns F1", _fmt(metrics.get("has_ans_f1"))], ["NoAns accuracy", _fmt(metrics.get("no_ans_accuracy"))],
            ["abstention accuracy", _fmt(metrics.get("abstention_accuracy"))],
            ["NoAns ROC AUC", _fmt(metrics.get("noans_roc_auc"), 3)], ["citation P / R",
                                                                       f"{_fmt(metrics.get('citation_precision'))} / {_fmt(metrics.get('citation_recall'))}"],
            ["answer sentence cited / shown", f"{_fmt(metrics.get('answer_sentence_cited'))} / {_fmt(metrics.get('answer_sentence_shown'))}"],
            ["questions", str(len(records))]]
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(f"category: {r.get('category', '?')}", []).append(r)
        groups.setdefault("answerable" if r["answerable"] else "unanswerable", []).append(r)
    per = []
    for g, rs in sorted(groups.items()):
        glo, ghi = bootstrap_ci([100 * r["f1"] for r in rs])
        counts = {v: sum(verdict(r) == v for r in rs) for v in ("correct", "wrong", "abstained")}
        per.append([html.escape(g), str(len(rs)), f"{100 * np.mean([r['f1'] for r in rs]):.1f}", f"{glo:.1f}–{ghi:.1f}",
                    str(counts["correct"]), str(counts["wrong"]), str(counts["abstained"])])
    qrows = []
    for r in records:
        v = verdict(r)
        pred = "(abstained)" if r["abstained"] else html.escape(r["answer"])
        gold = " | ".join(html.escape(a) for a in r["gold"]) or "(not answerable)"
        qrows.append(f'<tr data-v="{v}"><td>{html.escape(r["id"])}</td><td>{html.escape(r["question"])}</td><td>{gold}</td>'
                     f'<td>{pred}</td><td>{r["confidence"]:.2f}</td><td>{100 * r["f1"]:.0f}</td><td class="v-{v}">{v}</td>'
                     f'<td>{_sentences_cell(r)}</td></tr>')
    counts = {v: sum(verdict(r) == v for r in records) for v in ("correct", "wrong", "abstained")}
    rec = (metrics.get("settings") or {}).get("threshold_recalibrated")
    recal = ""
    if rec:
        recal = (f"<p>Abstention threshold {rec['threshold']:.3f}, recalibrated on {html.escape(str(rec.get('date')))} by "
                 f"<code>statementqa review --recalibrate</code> on {rec['n']} questions ({rec.get('n_feedback', 0)} from users' "
                 f"corrections): F1 {rec['f1_before']:.1f} → {rec['f1_after']:.1f}, abstention accuracy "
                 f"{rec['abstention_accuracy_before']:.1f} → {rec['abstention_accuracy_after']:.1f} (before: the reader's "
                 f"threshold {rec['previous']:.3f}).</p>")
    body = (f"<h1>{html.escape(title)}</h1>" + recal + _table(head, ["metric", "value"])
            + "<h2>By category and answerability</h2>" + _table(per, ["group", "n", "F1", "95 % CI", "correct", "wrong", "abstained"])
            + f'<h2>Risk–coverage</h2><img alt="accuracy among answered questions against the share answered" src="{_risk_plot(records)}">'
            + "<h2>Questions</h2><p>"
            + "".join(f'<button type="button" data-f="{f}" aria-pressed="{str(f == "all").lower()}">{f} ({n})</button>'
                      for f, n in [("all", len(records)), ("wrong", counts["wrong"]), ("abstained", counts["abstained"]),
                                   ("correct", counts["correct"])])
            + '<span id="shown"></span></p><p>Sentences: <span class="s both">cited and supporting</span> '
              '<span class="s cited-only">cited, not supporting</span> <span class="s sup-only">supporting, not cited</span></p>'
            + '<table id="q"><thead><tr><th>id</th><th>question</th><th>gold</th><th>predicted</th><th>conf.</th><th>F1</th>'
              "<th>verdict</th><th>sentences</th></tr></thead><tbody>" + "".join(qrows) + "</tbody></table>")
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{CSS}</style>'
            f"</head><body>{body}<script>{FILTER_JS}</script></body></html>")
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def read_records(run_dir: Path) -> list[dict]:
    p = run_dir / "predictions.jsonl"
    if not p.exists():
        raise FileNotFoundError(p)
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def compare_runs(a_dir: Path, b_dir: Path, out: Path | None = None) -> tuple[str, Path]:
    """Per-question diff of two runs (B against A) with a paired bootstrap 95 % interval on the F1 difference."""
    a = {r["id"]: r for r in read_records(a_dir)}
    b = {r["id"]: r for r in read_records(b_dir)}
    if not all("f1" in r for r in list(a.values()) + list(b.values())):
        raise ValueError("predictions.jsonl without per-question scores (written by an older version); re-run the eval")
    ids = [i for i in a if i in b]
    d = [100 * (b[i]["f1"] - a[i]["f1"]) for i in ids]
    lo, hi = bootstrap_ci(d)
    better = [i for i in ids if b[i]["f1"] > a[i]["f1"] + 1e-9]
    worse = [i for i in ids if b[i]["f1"] < a[i]["f1"] - 1e-9]
    fa = 100 * float(np.mean([a[i]["f1"] for i in ids])) if ids else float("nan")
    fb = 100 * float(np.mean([b[i]["f1"] for i in ids])) if ids else float("nan")
    summary = (f"{len(ids)} questions in both runs: F1 {fa:.1f} -> {fb:.1f}, difference {fb - fa:+.1f} "
               f"(paired bootstrap 95 % CI {lo:+.1f} to {hi:+.1f}); {len(better)} better, {len(worse)} worse")

    def rows(sel, cls):
        return "".join(
            f'<tr><td>{html.escape(i)}</td><td>{html.escape(a[i]["question"])}</td>'
            f'<td>{" | ".join(html.escape(g) for g in a[i]["gold"]) or "(not answerable)"}</td>'
            f'<td>{"(abstained)" if a[i]["abstained"] else html.escape(a[i]["answer"])}</td>'
            f'<td>{"(abstained)" if b[i]["abstained"] else html.escape(b[i]["answer"])}</td>'
            f'<td class="{cls}">{100 * a[i]["f1"]:.0f} → {100 * b[i]["f1"]:.0f}</td></tr>' for i in sel)

    head = "<tr><th>id</th><th>question</th><th>gold</th><th>A</th><th>B</th><th>F1</th></tr>"
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>statementqa: run vs run</title><style>{CSS}</style>'
            f"</head><body><h1>Run vs run</h1><p>A: {html.escape(str(a_dir))}<br>B: {html.escape(str(b_dir))}</p>"
            f"<p>{html.escape(summary)}</p><h2>Better in B ({len(better)})</h2><table>{head}{rows(better, 'up')}</table>"
            f"<h2>Worse in B ({len(worse)})</h2><table>{head}{rows(worse, 'down')}</table></body></html>")
    path = (out or b_dir) / "compare.html"
    path.write_text(page, encoding="utf-8")
    return summary, path


def junit_xml(records: list[dict], path: Path, suite: str = "statementqa-eval") -> Path:
    """JUnit XML: a test case per question, classname = category."""
    ts = ET.Element("testsuite", name=suite, tests=str(len(records)),
                    failures=str(sum(verdict(r) != "correct" for r in records)))
    for r in records:
        tc = ET.SubElement(ts, "testcase", classname=f"{suite}.{r.get('category', 'uncategorized')}", name=f"{r['id']}: {r['question']}",
                           time=f"{r.get('latency_ms', 0) / 1000:.3f}")
        v = verdict(r)
        if v != "correct":
            pred = "(abstained)" if r["abstained"] else r["answer"]
            gold = " | ".join(r["gold"]) or "(not answerable)"
            f = ET.SubElement(tc, "failure", message=f"{v}: predicted {pred!r}, gold {gold!r}", type=v)
            f.text = f"question: {r['question']}\npredicted: {pred}\ngold: {gold}\nF1: {100 * r['f1']:.0f}\nconfidence: {r['confidence']:.2f}"
    ET.ElementTree(ts).write(path, encoding="utf-8", xml_declaration=True)
    return path
