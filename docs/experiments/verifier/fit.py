import json, math, os, sys
from pathlib import Path
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
D = Path(os.environ.get("VERIF_DIR", Path.home() / ".cache/statementqa/verif"))
cal = json.load(open("reader/model/calibration.json"))
W = sys.argv[1] if len(sys.argv) > 1 else "w2"
SETS = {n: [json.loads(l)[W] for l in open(D / f"{n}.jsonl")] for n in ("calib", "test", "team", "large") if (D / f"{n}.jsonl").exists()}
A = ["diff"]
R = ["diff", "max_diff", "min_null", "max_null", "score", "n_agree", "alen", "q_in_ans", "q_in_sent", "n_sent", "passage_rank"]
RR = R + ["bonus", "top_dense", "p_dense"]
def X(rows, fs):
    return np.array([[float(r.get(f, 0.0) or 0.0) if r["located"] else (-20.0 if f == "diff" else 0.0) for f in fs] for r in rows])
def y(rows): return np.array([r["located"] and r["f1"] >= 0.5 and r["answerable"] for r in rows], int)
def f1_at(rows, p, t): return 100 * np.mean([r["f1"] if pi >= t else r["f1_abstain"] for r, pi in zip(rows, p)])
def best_t(rows, p):
    cands = sorted(set(np.round(p, 4)))
    return max(cands, key=lambda t: f1_at(rows, p, t))
def report(name, fs, C=1.0):
    cal_rows = SETS["calib"]
    mu, sd = X(cal_rows, fs).mean(0), X(cal_rows, fs).std(0) + 1e-9
    m = LogisticRegression(C=C, max_iter=2000).fit((X(cal_rows, fs) - mu) / sd, y(cal_rows))
    pc = m.predict_proba((X(cal_rows, fs) - mu) / sd)[:, 1]
    t = best_t(cal_rows, pc)
    out = [f"{name:10s} t={t:.3f}"]
    for n, rows in SETS.items():
        p = m.predict_proba((X(rows, fs) - mu) / sd)[:, 1]
        ans = np.array([r["answerable"] for r in rows])
        ab = np.mean((p < t) == ~ans)
        out.append(f"{n}: F1 {f1_at(rows, p, t):.1f} best {max(f1_at(rows, p, tt) for tt in np.linspace(0,1,101)):.1f} AUC {roc_auc_score(ans, p):.3f} abst {100*ab:.1f}")
    print(" | ".join(out))
    return m, mu, sd, t
# baseline: shipped Platt + shipped threshold
out = ["shipped   "]
for n, rows in SETS.items():
    p = np.array([1 / (1 + math.exp(-(cal["a"] * (r["diff"] if r["located"] else -20) + cal["b"]))) for r in rows])
    ans = np.array([r["answerable"] for r in rows])
    out.append(f"{n}: F1 {f1_at(rows, p, cal['threshold']):.1f} AUC {roc_auc_score(ans, p):.3f} abst {100*np.mean((p < cal['threshold']) == ~ans):.1f}")
print(" | ".join(out))
report("diff-only", A)
m, mu, sd, t = report("reader", R)
print(dict(zip(R, np.round(m.coef_[0], 3))))
m, mu, sd, t = report("reader+ret", RR)
print(dict(zip(RR, np.round(m.coef_[0], 3))))
for drop in RR:
    report("-" + drop, [f for f in RR if f != drop])
