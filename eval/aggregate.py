"""Aggregate metrics of an evaluation run from its rows (item, answer, retrieved sentences,
document text): SQuAD v2 EM/F1, best threshold, no-answer ROC AUC, citation precision/recall,
answer-inside-citation, retrieval recall@k and MRR, abstention, what the user is shown (answer
sentence cited or offered as "may answer"; unanswerable questions shown a sentence), calibration (ECE), latency and F1
by category. Pure functions over the rows; it runs no model and writes nothing.
"""
from __future__ import annotations

import math

from .metrics import best_threshold, citation_pr, expected_calibration_error, normalize_answer, percentile, roc_auc, score_answer


def _mean(xs):
    xs = [x for x in xs if x is not None and not (isinstance(x, float) and math.isnan(x))]
    return sum(xs) / len(xs) if xs else None


def compute_metrics(rows, k: int, gold_context: bool) -> dict:
    ems, f1s, has, forced_f1, conf, correct, lat = [], [], [], [], [], [], []
    cp, cr, inside, r_at_k, mrr, abst, gold_in = [], [], [], [], [], [], []
    shown, shown_cited, noans_shown = [], [], []
    by_cat: dict[str, list[float]] = {}
    for item, ans, retrieved, doc_text in rows:
        pred = "" if ans.abstained else ans.text
        em, f1 = score_answer(item.answers if item.answerable else [], pred)
        ems.append(em)
        f1s.append(f1)
        has.append(item.answerable)
        abst.append(ans.abstained)
        _, ff1 = score_answer(item.answers, ans.candidate) if item.answerable else (0, 0.0)
        forced_f1.append(ff1)
        conf.append(ans.confidence)
        correct.append(bool(item.answerable and ff1 >= 0.5))
        lat.append(ans.timings_ms.get("total", 0.0))
        by_cat.setdefault(item.category, []).append(f1)
        # What the user sees: a cited answer, or the "may answer" sentence of the middle ground.
        seen = [c.text for c in ans.citations] + ([ans.maybe.text] if ans.maybe is not None else [])
        if item.answerable and item.supporting:
            sup_set = set(item.supporting)
            shown.append(float(any(t in sup_set for t in seen)))
            shown_cited.append(float(any(c.text in sup_set for c in ans.citations)))
        if not item.answerable:
            noans_shown.append(float(bool(seen)))
        if not ans.abstained:
            if item.answerable and item.supporting:
                p, r = citation_pr([c.text for c in ans.citations], item.supporting)
                cp.append(p)
                cr.append(r)
            if item.answerable:
                cited = " ".join(c.text for c in ans.citations)
                gold_in.append(float(any(g in cited for g in item.answers)))
            if doc_text is not None:
                ok = bool(ans.citations) and doc_text[ans.start : ans.end] == ans.text and \
                    min(c.start for c in ans.citations) <= ans.start and ans.end <= max(c.end for c in ans.citations)
            else:  # an app over HTTP: no document text here; the answer's words must lie in the cited sentences
                ok = bool(ans.citations) and normalize_answer(ans.text) in normalize_answer(" ".join(c.text for c in ans.citations))
            inside.append(ok)
        if not gold_context and item.answerable and item.supporting:
            sup = set(item.supporting)
            ranked_hit = [any(s in sup for s in ss) for ss in retrieved]
            r_at_k.append(float(any(ranked_hit[:k])))
            mrr.append(next((1 / i for i, h in enumerate(ranked_hit, 1) if h), 0.0))
    n = len(rows)
    nh = sum(has)
    best_f1, t_na = best_threshold(forced_f1, [1 - c for c in conf], has)
    best_em, _ = best_threshold([float(f >= 0.999) for f in forced_f1], [1 - c for c in conf], has)
    ece, bins = expected_calibration_error(conf, correct)
    n_abst = sum(abst)
    m = {
        "n": n, "n_has_ans": nh, "n_no_ans": n - nh,
        "exact": 100 * _mean(ems), "f1": 100 * _mean(f1s),
        "has_ans_exact": 100 * _mean([e for e, h in zip(ems, has) if h]) if nh else None,
        "has_ans_f1": 100 * _mean([f for f, h in zip(f1s, has) if h]) if nh else None,
        "no_ans_accuracy": 100 * _mean([e for e, h in zip(ems, has) if not h]) if n - nh else None,
        "best_f1": best_f1, "best_f1_threshold_confidence": 1 - t_na,
        "noans_roc_auc": roc_auc(conf, has),
        "citation_precision": 100 * _mean(cp) if cp else None,
        "citation_recall": 100 * _mean(cr) if cr else None,
        "answer_in_citation": 100 * _mean([float(x) for x in inside]) if inside else None,
        "gold_in_citation": 100 * _mean(gold_in) if gold_in else None,
        "retrieval_recall_at_k": 100 * _mean(r_at_k) if r_at_k else None,
        "retrieval_mrr": _mean(mrr) if mrr else None,
        "abstention_precision": 100 * sum(1 for a, h in zip(abst, has) if a and not h) / n_abst if n_abst else None,
        "abstention_recall": 100 * sum(1 for a, h in zip(abst, has) if a and not h) / (n - nh) if n - nh else None,
        "abstention_accuracy": 100 * _mean([float(a == (not h)) for a, h in zip(abst, has)]),
        "answer_sentence_shown": 100 * _mean(shown) if shown else None,
        "answer_sentence_cited": 100 * _mean(shown_cited) if shown_cited else None,
        "no_ans_shown_sentence": 100 * _mean(noans_shown) if noans_shown else None,
        "ece": ece, "reliability": bins,
        "latency_p50_ms": percentile(lat, 50), "latency_p95_ms": percentile(lat, 95), "latency_mean_ms": _mean(lat),
        "f1_by_category": {c: 100 * _mean(v) for c, v in sorted(by_cat.items())},
        "k": k,
    }
    return m
