"""Name-part questions ("What is X's first name?") of SQuAD v1.1/v2.0 train, each with its own
paragraph: the reader's answer (the same path as `statementqa eval --gold-context`) against
`reader.nameparts` over that paragraph. SQuAD dev-v2.0-a has no such question, so this is the only
larger set at hand; the reader was trained on these questions, which favours the reader.

    python docs/experiments/name-parts/check.py    # ~1 min
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from statementqa.eval.metrics import score_answer
from statementqa.eval.runner import _gold_answer
from statementqa.eval.dataset import Item
from statementqa.pipeline import Pipeline
from statementqa.reader.nameparts import asked_part, pick_name_part
from statementqa.retrieval.types import Passage

SQUAD = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "squad" / "train-v2.0-rebuilt.json.gz"


def main() -> None:
    data = json.load(gzip.open(SQUAD))["data"]
    pl = Pipeline()
    rows = []
    for art in data:
        for par in art["paragraphs"]:
            for q in par["qas"]:
                if not asked_part(q["question"]):
                    continue
                gold = [a["text"] for a in q["answers"]] if not q.get("is_impossible") else []
                ctx = par["context"]
                item = Item(id=q["id"], question=q["question"], answers=gold, answerable=bool(gold), context=ctx)
                reader = _gold_answer(pl, item)
                r_text = "" if reader.abstained else reader.text
                pick = pick_name_part(q["question"], [Passage("p", "d", (0,), 0, len(ctx), ctx)], {"d": ctx})
                rule = ctx[pick.start:pick.end] if pick else None
                final = rule if rule is not None else r_text
                rows.append((q["question"], gold, r_text, rule, score_answer(gold, r_text)[1], score_answer(gold, final)[1]))
    n = len(rows)
    fired = [r for r in rows if r[3] is not None]
    print(f"{n} questions ({sum(1 for r in rows if r[1])} answerable); the rule picks on {len(fired)}")
    for q, gold, r_text, rule, f_reader, f_final in fired:
        print(f"  {f_reader:.2f} -> {f_final:.2f}  {q!r}: reader {r_text!r}, rule {rule!r}, gold {gold[:1]}")
    print(f"F1 over the {n}: reader {100 * sum(r[4] for r in rows) / n:.1f}, reader + rule {100 * sum(r[5] for r in rows) / n:.1f}")


if __name__ == "__main__":
    main()
