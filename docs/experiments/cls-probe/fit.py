"""Fit answerability probes on the calibration part's frozen features (collect.py) and score
them on the held-out test part: plain span - null vs logistic regression on [CLS] alone and on
[CLS] + span - null (features standardised; C chosen by 5-fold CV on the calibration part).

    python docs/experiments/cls-probe/fit.py --dir /tmp/clsprobe
"""
from __future__ import annotations

import argparse

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    cal = np.load(f"{args.dir}/calib.npz")
    test = np.load(f"{args.dir}/test.npz")
    print(f"calibration {len(cal['diff'])} q, test {len(test['diff'])} q")
    print(f"plain span - null: ROC AUC calib {roc_auc_score(cal['answerable'], cal['diff']):.3f} "
          f"test {roc_auc_score(test['answerable'], test['diff']):.3f}")
    if np.any(cal["head"]):
        combined(cal, test)
    feats = {
        "[CLS]": lambda d: d["cls"],
        "[CLS] + span - null": lambda d: np.hstack([d["cls"], d["diff"][:, None]]),
    }
    for name, fx in feats.items():
        for target in ("answerable", "right"):
            y = cal["answerable"] if target == "answerable" else (cal["f1"] >= 0.5)
            m = make_pipeline(StandardScaler(), LogisticRegressionCV(Cs=[0.001, 0.01, 0.1, 1.0], cv=5, max_iter=2000,
                                                                     scoring="roc_auc"))
            m.fit(fx(cal), y)
            p = m.predict_proba(fx(test))[:, 1]
            cv = float(np.max(np.mean(m[-1].scores_[True], axis=0)))
            print(f"{name:22s} target {target:10s}: CV AUC calib {cv:.3f}  test AUC (answerable) "
                  f"{roc_auc_score(test['answerable'], p):.3f}  C={m[-1].C_[0]}")


def combined(cal, test) -> None:
    """span - null + w * answerability logit, w fitted on the calibration part (ROC AUC, then the
    re-weighted best F1 of eval.calibrate.fit), scored on the test part."""
    from sklearn.metrics import roc_auc_score

    from statementqa.eval.calibrate import fit as calfit

    def rows(d, w):
        return [{"answerable": bool(a), "f1": float(f), "diff": float(x + w * h)}
                for a, f, x, h in zip(d["answerable"], d["f1"], d["diff"], d["head"])]

    print(f"head alone: ROC AUC calib {roc_auc_score(cal['answerable'], cal['head']):.3f} "
          f"test {roc_auc_score(test['answerable'], test['head']):.3f}")
    for w in (0.0, 0.25, 0.5, 1.0, 2.0, 4.0):
        c, t = calfit(rows(cal, w)), calfit(rows(test, w))
        print(f"w {w:4.2f}: calib AUC {c['noans_roc_auc']:.3f} weighted F1 {c['best_f1_on_calibration']:.2f} "
              f"best F1 {c['best_f1_unweighted']:.2f} | test AUC {t['noans_roc_auc']:.3f} "
              f"best F1 {t['best_f1_unweighted']:.2f}")


if __name__ == "__main__":
    main()
