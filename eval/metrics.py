"""Evaluation metrics.

Answer scores follow the official SQuAD v2.0 evaluation script: answers are normalised
(lower case, punctuation and the articles a/an/the removed, whitespace collapsed); EM and F1
take the maximum over the gold answers; an unanswerable question scores 1 only when the
system abstains. Also: best no-answer threshold, sentence-level citation precision/recall,
retrieval recall@k and MRR, abstention precision/recall, expected calibration error and
latency percentiles. Pure functions over plain values; no I/O, no models.
"""
from __future__ import annotations

import collections
import re
import string

import numpy as np

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCT = set(string.punctuation)


def normalize_answer(s: str) -> str:
    s = s.lower()
    s = "".join(ch for ch in s if ch not in _PUNCT)
    s = _ARTICLES.sub(" ", s)
    return " ".join(s.split())


def get_tokens(s: str) -> list[str]:
    return normalize_answer(s).split() if s else []


def compute_exact(gold: str, pred: str) -> int:
    return int(normalize_answer(gold) == normalize_answer(pred))


def compute_f1(gold: str, pred: str) -> float:
    g, p = get_tokens(gold), get_tokens(pred)
    if not g or not p:
        return float(g == p)
    common = collections.Counter(g) & collections.Counter(p)
    same = sum(common.values())
    if same == 0:
        return 0.0
    prec, rec = same / len(p), same / len(g)
    return 2 * prec * rec / (prec + rec)


def score_answer(golds: list[str], pred: str) -> tuple[float, float]:
    """(EM, F1) of ``pred`` against ``golds``; no gold answers means unanswerable (pred "" = abstain)."""
    golds = [g for g in golds if normalize_answer(g)] or [""]
    return (max(compute_exact(g, pred) for g in golds), max(compute_f1(g, pred) for g in golds))


def best_threshold(scores: list[float], na_probs: list[float], answerable: list[bool],
                   weights: list[float] | None = None) -> tuple[float, float]:
    """The official ``find_best_thresh``: questions with na_prob > t abstain.

    ``scores[i]`` is the EM or F1 of the answer the system would give to question i (its forced,
    non-empty answer). ``weights`` (default 1) re-weight questions, e.g. to a different share
    of unanswerable questions. Returns (best overall score in %, best t).
    """
    n = len(scores)
    if n == 0:
        return 0.0, 0.0
    w = weights or [1.0] * n
    cur = best = sum(wi for a, wi in zip(answerable, w) if not a)  # start: everything abstained
    best_t = 0.0
    for i in sorted(range(n), key=lambda i: na_probs[i]):
        cur += w[i] * (scores[i] if answerable[i] else -1)
        if cur > best:
            best, best_t = cur, na_probs[i]
    return 100.0 * best / sum(w), float(best_t)


def at_threshold(scores: list[float], confidence: list[float], answerable: list[bool], threshold: float) -> tuple[float, float]:
    """(F1 or EM in %, abstention accuracy in %) when questions with ``confidence < threshold`` abstain.

    ``scores[i]`` as in ``best_threshold`` (the forced answer's score); an abstention scores 1 on an
    unanswerable question and 0 on an answerable one. ``best_threshold``'s best t is this function's
    ``threshold = 1 - t`` with ``confidence = 1 - na_prob``.
    """
    n = len(scores)
    if n == 0:
        return 0.0, 0.0
    f = ok = 0.0
    for sc, c, h in zip(scores, confidence, answerable):
        answered = c >= threshold
        f += sc if (answered and h) else float(not h and not answered)
        ok += float(answered == h)
    return 100.0 * f / n, 100.0 * ok / n


def citation_pr(cited: list[str], supporting: list[str]) -> tuple[float | None, float | None]:
    """Sentence-level precision and recall of the cited sentence texts (None when undefined)."""
    c, s = set(cited), set(supporting)
    p = len(c & s) / len(c) if c else None
    r = len(c & s) / len(s) if s else None
    return p, r


def recall_at_k(ranked: list[str], gold: list[str], k: int) -> float:
    return float(bool(set(ranked[:k]) & set(gold))) if gold else float("nan")


def reciprocal_rank(ranked: list[str], gold: list[str]) -> float:
    g = set(gold)
    for i, r in enumerate(ranked, 1):
        if r in g:
            return 1.0 / i
    return 0.0


def expected_calibration_error(conf: list[float], correct: list[bool], bins: int = 10) -> tuple[float, list[dict]]:
    """ECE with equal-width bins; also returns the per-bin table for a reliability diagram."""
    conf_a = np.asarray(conf, float)
    cor = np.asarray(correct, float)
    table = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (conf_a >= lo) & ((conf_a < hi) if b < bins - 1 else (conf_a <= hi))
        if m.any():
            acc, c = float(cor[m].mean()), float(conf_a[m].mean())
            ece += m.sum() / len(conf_a) * abs(acc - c)
            table.append({"lo": lo, "hi": hi, "n": int(m.sum()), "confidence": c, "accuracy": acc})
    return float(ece), table


def roc_auc(scores: list[float], positive: list[bool]) -> float | None:
    """Area under the ROC curve of ``scores`` for telling positives from negatives (ties count
    half; the Mann-Whitney U statistic). None when one class is missing."""
    import numpy as np
    from scipy.stats import rankdata

    y = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rankdata(np.asarray(scores, dtype=float))
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def percentile(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q)) if xs else float("nan")
