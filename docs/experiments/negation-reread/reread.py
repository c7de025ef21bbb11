"""Replay "read a negated question again without its negation" on saved eval predictions (issue #10,
2026-12-03; not built, see README.md). Not part of the package; not tested.

    python docs/experiments/negation-reread/reread.py PREDICTIONS.jsonl CORPUS_DIR DATA_DIR
"""
from __future__ import annotations

import json
import re
import sys

from statementqa.eval.metrics import score_answer
from statementqa.pipeline import Pipeline

NEG_QUESTION = re.compile(r"\b(?:not|never)\b|n['’]t\b|\bcannot\b", re.I)
NEG_SENTENCE = re.compile(r"\b(?:not|never|no|cannot|nor|neither|without)\b|n['’]t\b", re.I)


def denegate(q: str) -> str:
    """The question without its negation: "cannot" -> "can", "won't" -> "will", "n't" and "not" dropped."""
    q = re.sub(r"\bcannot\b", "can", q, flags=re.I)
    q = re.sub(r"\bwon['’]t\b", "will", q, flags=re.I)
    q = re.sub(r"\bcan['’]t\b", "can", q, flags=re.I)
    q = re.sub(r"n['’]t\b", "", q, flags=re.I)
    return re.sub(r"\s+(?:not|never)\b", "", q, flags=re.I)


def main() -> None:
    preds, corpus, data = sys.argv[1], sys.argv[2], sys.argv[3]
    pipeline = Pipeline(corpus=corpus, data_dir=data)
    with open(preds, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    total = 0.0
    changed = 0
    for r in rows:
        if not r["abstained"] or not NEG_QUESTION.search(r["question"]):
            continue
        again = denegate(r["question"])
        ans = pipeline.ask(again)
        if ans.abstained or not any(NEG_SENTENCE.search(c.text) for c in ans.citations):
            continue
        new_f1 = score_answer(r["gold"], ans.text)[1] if r["answerable"] else 0.0
        total += new_f1 - r["f1"]
        changed += 1
        print(f"{r['answerable']!s:5} {r['f1']:.2f}->{new_f1:.2f} | {r['question'][:70]} | {again[:60]} | "
              f"{ans.text[:40]!r} {ans.confidence:.2f}")
    print("changed", changed, "sum dF1", round(total, 2), "points", round(100 * total / len(rows), 2))


if __name__ == "__main__":
    main()
