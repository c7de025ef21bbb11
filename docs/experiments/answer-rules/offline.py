"""Replay answer-level rules on saved `statementqa eval` predictions (issue #10, 2026-12-02).

Each rule turns some of the reader's answers into abstentions (or changes the span); the change in
F1 is computed with the official SQuAD v2 metric (`statementqa.eval.metrics`) against the saved
gold answers, without running any model. Not part of the package; not tested.

    python docs/experiments/answer-rules/offline.py RULE PREDICTIONS [CORPUS_DIR|-] [-v]

RULE: names (reader.names.unknown_names over the answer's document), numbers (numbers only),
whnoun (add the question's noun after the span), where (trim "Where" answers to the place after
in/at), place (``reader.place``: the same only after a common noun, 2026-12-03), who (abstain on "Who" answers without a capital), inquestion (abstain when every answer word
is in the question). CORPUS_DIR: the eval's `<out>/corpus` for SQuAD end to end (one file per
paragraph); `-` = the statement.
"""
from __future__ import annotations

import glob
import json
import re
import sys

from statementqa.eval.metrics import normalize_answer, score_answer
from statementqa.reader.names import unknown_names, unknown_numbers
from statementqa.reader.place import place_span
from statementqa.retrieval.lexical import terms

STATEMENT = "corpus/dhs-northern-triangle-compact-2019-02-21.txt"


def _stem(w: str) -> str:
    t = terms([w])[0]
    return t[0] if t else ""


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    rule, preds = args[0], args[1]
    corpus = args[2] if len(args) > 2 else "-"
    texts = [open(f, encoding="utf-8").read() for f in glob.glob(corpus + "/*.txt")] if corpus != "-" else \
        [open(STATEMENT, encoding="utf-8").read()]
    n = fires = answerable = 0
    delta = 0.0
    for line in open(preds, encoding="utf-8"):
        r = json.loads(line)
        n += 1
        if r["abstained"] or not r["answer"] or not r["citations"]:
            continue
        doc = next((t for t in texts if r["citations"][0]["text"] in t), None)
        q, a = r["question"], r["answer"]
        new: str | None = None  # None = abstain
        if rule in ("names", "numbers"):
            if doc is None:
                continue
            miss = unknown_names(q, doc) if rule == "names" else unknown_numbers(q, doc)
            if not miss:
                continue
        elif rule == "whnoun":
            m = re.search(r"\b(?:what|which)\s+(?:(?:kind|type|sort|form)s?\s+of\s+)?([a-z]+)\b", q, re.I)
            ctx = " ".join(c["text"] for c in r["citations"])
            i = ctx.find(a)
            if not m or i < 0 or not _stem(m.group(1)):
                continue
            m2 = re.match(r"\s+([A-Za-z-]+)", ctx[i + len(a):])
            if not m2 or _stem(m2.group(1)) != _stem(m.group(1)) or _stem(m.group(1)) in [_stem(w) for w in a.split()]:
                continue
            new = a + ctx[i + len(a):][:m2.end()]
        elif rule == "where":
            if not re.match(r"^\s*where\b", q, re.I):
                continue
            m = re.match(r"^.*\b(?:in|at|near|from|on)\s+(?=(?:the\s+)?[A-Z])", a, re.S)
            if not m or not a[m.end():].strip():
                continue
            new = a[m.end():]
        elif rule == "place":
            sp = place_span(q, a)
            if sp is None:
                continue
            new = a[sp[0]:sp[1]]
        elif rule == "who":
            if not re.match(r"^\s*who\b", q, re.I) or re.search(r"\b[A-Z]", a):
                continue
        elif rule == "inquestion":
            aw, qw = set(normalize_answer(a).split()), set(normalize_answer(q).split())
            if not aw or not aw <= qw:
                continue
        else:
            raise SystemExit(f"unknown rule {rule!r}")
        fires += 1
        answerable += r["answerable"]
        after = (score_answer(r["gold"], new)[1] if r["gold"] else 0.0) if new is not None else (0.0 if r["answerable"] else 1.0)
        delta += after - r["f1"]
        if verbose:
            print(r["answerable"], round(r["f1"], 2), "->", round(after, 2), repr(a[:40]), "|", q[:80])
    print(json.dumps({"rule": rule, "questions": n, "changed": fires, "of_them_answerable": answerable,
                      "sum_dF1": round(delta, 2), "dF1_points": round(100 * delta / n, 2)}))


if __name__ == "__main__":
    main()
