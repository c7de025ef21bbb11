"""Experiment (issue #10): prefer a shorter span nested inside the reader's best one when its score
is within DELTA of the best ("Northern Triangle security ministers in San Salvador, El Salvador"
-> "San Salvador, El Salvador": 8.42 vs 9.24). Reads every question once with the runtime pipeline
(calibration part of dev-v2.0-a end to end, and the larger statement set), keeps the reader's
logits, then re-decodes each feature for every DELTA of the grid and replays answer assembly with
the shipped calibration (no model run per grid point).

    python docs/experiments/nested-span/nested.py [--limit N] [--reader DIR] [--set test]
"""
import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np

import statementqa.reader.model as rm
from statementqa.eval.dataset import load_dataset, select_part
from statementqa.eval.metrics import score_answer
from statementqa.eval.runner import _squad_corpus
from statementqa.eval.span_choice import LARGE_SET, read_all
from statementqa.pipeline import Pipeline
from statementqa.reader.assemble import assemble
from statementqa.reader.squad import DEV_V2A

GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def decode(S, E, enc, skips, max_tokens, delta):
    spans = []
    for f, pair in enumerate(enc.mapping):
        skip = skips[pair]
        off = enc.offsets[f]
        null = float(S[f, 0] + E[f, 0])
        m = rm.span_scores(S[f], E[f], enc, f, skip, max_tokens)
        bi, bj = divmod(int(np.argmax(m)), len(m))
        if not np.isfinite(m[bi, bj]):
            continue
        best = m[bi, bj]
        if delta > 0:
            sub = m[bi:bj + 1, bi:bj + 1]
            ok = np.argwhere(sub >= best - delta)
            if len(ok):
                lens = ok[:, 1] - ok[:, 0]
                short = ok[lens == lens.min()]
                k = short[np.argmax([sub[a, b] for a, b in short])]
                bi, bj = bi + int(k[0]), bi + int(k[1])
        spans.append(rm.Span(pair, int(off[bi][0]) - skip, int(off[bj][1]) - skip, float(m[bi, bj]), null))
    spans.sort(key=lambda x: -x.score)
    return rm.ReadOut(spans)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int)
    ap.add_argument("--reader")
    ap.add_argument("--set", default="calib", choices=["calib", "test"])
    ap.add_argument("--work", type=Path, default=Path("/tmp/nested-work"))
    a = ap.parse_args()
    over = {"reader": a.reader} if a.reader else {}
    cap = []
    orig = rm._read_out
    rm._read_out = lambda S, E, enc, skips, mx, *alt, **kw: (cap.append((S, E, enc, skips, mx))
                                                              or orig(S, E, enc, skips, mx, *alt, **kw))
    squad = select_part(load_dataset(Path(DEV_V2A)), a.set)
    stmt = load_dataset(LARGE_SET)
    if a.limit:
        squad.items, stmt.items = squad.items[: a.limit], stmt.items[: a.limit]
    t0 = time.time()
    pl_t = Pipeline(**over)
    pl_s = Pipeline(corpus=str(_squad_corpus(squad, a.work / a.set)), data_dir=str(a.work / a.set / "index"), **over)
    pl_s.reader = pl_t.reader
    sets = {}
    for name, pl, ds in ((f"SQuAD {a.set} e2e", pl_s, squad), ("statement large", pl_t, stmt)):
        cap.clear()
        rows = read_all(pl, ds)
        assert len(cap) == len(rows), (len(cap), len(rows))  # one read per question
        sets[name] = (rows, list(cap))
    cal = pl_t.reader.calibration
    res = {}
    for name, (rows, caps) in sets.items():
        res[name] = {}
        for d in GRID:
            f1 = ans_n = 0.0
            for (item, r), c in zip(rows, caps):
                out = decode(*c, d)
                ans = assemble(r.question, r.passages, out, r.index, cal, r.related, ranked=r.ranked)
                f1 += score_answer(list(item.answers) if item.answerable else [], "" if ans.abstained else ans.text)[1]
                ans_n += not ans.abstained
            res[name][d] = (round(100 * f1 / len(rows), 2), int(ans_n))
    print(json.dumps({"seconds": round(time.time() - t0), "f1_answered_by_delta": {n: {str(d): v for d, v in t.items()} for n, t in res.items()}}, indent=1))


if __name__ == "__main__":
    main()
