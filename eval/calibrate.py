"""Fit the reader's confidence (Platt scaling of span-minus-null score) and its abstention
threshold on the calibration part of dev-v2.0-a (articles 1, 4, 7, ... ; never trained on,
never used for the reported test numbers), and write ``calibration.json`` into the model dir.

    python -m statementqa.eval.calibrate --reader reader/model

Each question is read with its gold paragraph cut into the runtime passages. "Right" means
F1 >= 0.5 against the gold answers; any answer to an unanswerable question is wrong. The
questions are re-weighted to an expected share of answerable questions (--answerable-prior,
default 0.75: people mostly ask what a statement covers; dev-v2.0-a is half unanswerable);
the threshold maximises the (re-weighted) SQuAD v2 F1. A reader trained with an answerability head
(``answerability.safetensors``) also gets the weight of that head's logit against the null score
(``answer_head_weight``, the best of ``HEAD_WEIGHTS`` on the same F1). This script does not train.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from statementqa.retrieval.atomic import atomic_write_text

HEAD_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)  # answerability head weights tried (reader.train --answer-head)


def read_gold(reader, question: str, context: str):
    """(predicted text or "", score diff or -inf, Located) for one question with its gold paragraph."""
    from statementqa.reader.assemble import locate
    from statementqa.reader.squad import gold_index

    idx, passages = gold_index(context)
    out = reader.read(question, passages)
    loc = locate(passages, out, idx)
    if loc is None:
        return "", float("-inf"), None
    return context[loc.start : loc.end], loc.score_diff, loc


def collect(reader, qas, progress=True):
    from tqdm import tqdm

    from .metrics import score_answer

    rows = []
    for q in tqdm(qas, disable=not progress, desc="reading", unit="q"):
        pred, diff, loc = read_gold(reader, q.question, q.context)
        em, f1 = score_answer(q.answers, pred) if not q.impossible else (0.0, 0.0)
        rows.append({"id": q.qid, "answerable": not q.impossible, "pred": pred, "diff": diff, "em": em, "f1": f1,
                     "head": loc.answerability if loc is not None else 0.0})
    return rows


def fit_head(rows, answerable_prior: float | None = 0.75) -> dict:
    """For a reader with an answerability head (rows read with its weight at 0): the weight w of
    ``HEAD_WEIGHTS`` whose score, span - null + w x head logit, gives the best re-weighted F1 (the
    smaller w on a tie), and that weight's calibration (``fit``) with ``answer_head_weight`` and the
    F1 of every weight tried. With the gold paragraph the chosen span does not depend on w (spans are
    tried by span score), only its score does."""
    fits = {}
    for w in HEAD_WEIGHTS:
        fits[w] = fit([{**r, "diff": r["diff"] + w * r["head"]} for r in rows], answerable_prior)
    best = max(HEAD_WEIGHTS, key=lambda w: (round(fits[w]["best_f1_on_calibration"], 6), -w))
    return {**fits[best], "answer_head_weight": best,
            "answer_head_weights_tried": {str(w): round(f["best_f1_on_calibration"], 3) for w, f in fits.items()}}


def fit(rows, answerable_prior: float | None = 0.75) -> dict:
    """Platt scaling + F1-optimal threshold, with questions re-weighted so that a share
    ``answerable_prior`` of them is answerable (None: the calibration set's own share).

    dev-v2.0-a is about half unanswerable, and adversarially so; people asking about a
    statement mostly ask what it covers. Importance weights move the calibration set to the
    expected share instead of teaching the reader that every other question is a trick.
    """
    from sklearn.linear_model import LogisticRegression

    from .metrics import best_threshold

    x = np.array([[max(r["diff"], -50.0)] for r in rows])
    y = np.array([int(r["answerable"] and r["f1"] >= 0.5) for r in rows])
    has = np.array([r["answerable"] for r in rows])
    if not 0 < has.sum() < len(has):
        raise ValueError(f"calibration needs answerable and unanswerable questions; these {len(rows)} are all "
                         f"{'answerable' if len(has) and has.all() else 'unanswerable'}: raise --limit (100 or more) or drop it")
    share = float(has.mean())
    prior = share if answerable_prior is None else answerable_prior
    w = np.where(has, prior / share, (1 - prior) / (1 - share))
    lr = LogisticRegression(C=100.0).fit(x, y, sample_weight=w)
    a, b = float(lr.coef_[0][0]), float(lr.intercept_[0])
    conf = 1 / (1 + np.exp(-(a * x[:, 0] + b)))
    f1s = [r["f1"] for r in rows]
    best_f1, t_na = best_threshold(f1s, list(1 - conf), list(has), list(w))
    # best_threshold abstains when 1 - conf > t_na, i.e. answers when conf >= 1 - t_na.
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(has, x[:, 0])) if 0 < has.sum() < len(has) else float("nan")
    best_f1_plain, _ = best_threshold(f1s, list(-x[:, 0]), list(has))
    return {"a": a, "b": b, "threshold": float(1 - t_na), "best_f1_on_calibration": best_f1, "label": "F1>=0.5",
            "best_f1_unweighted": best_f1_plain, "noans_roc_auc": auc,
            "answerable_prior": prior, "calibration_answerable_share": share,
            "n": len(rows), "n_answerable": int(has.sum())}


def main(argv=None):
    from statementqa.reader.model import DEFAULT_READER, Reader
    from statementqa.retrieval.offline import offline_environment

    offline_environment()
    from statementqa.reader.squad import DEV_V2A, dev_part, iter_qas, load_squad

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reader", default=str(DEFAULT_READER))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--answerable-prior", type=float, default=0.75,
                    help="expected share of answerable questions in use (the calibration set is re-weighted to it)")
    args = ap.parse_args(argv)
    t0 = time.time()
    from statementqa.retrieval.errors import ModelError

    qas = list(iter_qas(dev_part(load_squad(DEV_V2A), "calib")))[: args.limit]
    try:
        reader = Reader(args.reader)
        reader.answer_head_weight = 0.0  # read once with the plain null score; fit_head tries the weights
        rows = collect(reader, qas)
        cal = fit_head(rows, args.answerable_prior) if reader.has_answer_head() else fit(rows, args.answerable_prior)
    except (ModelError, ValueError) as e:
        raise SystemExit(f"error: {e}") from None
    cal.update(fitted_on="dev-v2.0-a calibration part (articles i % 3 == 1)", seconds=round(time.time() - t0))
    out = Path(args.reader) / "calibration.json"
    old = json.loads(out.read_text()) if out.exists() else {}
    atomic_write_text(out, json.dumps(cal, indent=2))
    print(json.dumps(cal, indent=2))
    if old.get("retrieval_weight"):
        # Fitted against the old confidence and threshold: not carried over silently.
        print(f"note: retrieval_weight {old['retrieval_weight']} dropped with the old calibration; refit it with "
              f"`python -m statementqa.eval.span_choice --reader {args.reader} --write`")


if __name__ == "__main__":
    main()
