"""Copies of a QA set with one typing slip in each question, to measure ``reader.spelling``.

    python docs/experiments/spelling/typos.py IN OUT [--seed 0]

IN / OUT: a JSONL test set (eval/data/*.jsonl) or a SQuAD JSON (.json / .json.gz). In each question
one word of four letters or more (any word, the question word too) gets one slip, drawn as typing
goes wrong: a letter left out (35 %), a neighbouring key hit instead (25 %), two neighbouring
letters swapped (20 %), a neighbouring key hit as well (20 %). Seeded: the same copy every time.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re

from statementqa.reader.spelling import NEIGHBOURS as NEAR  # the keyboard the correction assumes

WORD = re.compile(r"(?<![\w'’-])[A-Za-z]{4,}(?![\w'’-])")


def slip(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    kind = rng.choices(["omit", "substitute", "swap", "insert"], [35, 25, 20, 20])[0]
    c = word[i].lower()
    if kind == "omit":
        return word[:i] + word[i + 1:]
    if kind == "swap":
        i = min(i, len(word) - 2)
        if word[i] == word[i + 1]:
            return word[:i] + word[i + 1:]
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    near = NEAR.get(c) or [c]
    if kind == "substitute":
        return word[:i] + rng.choice(near) + word[i + 1:]
    return word[:i + 1] + rng.choice(near) + word[i + 1:]


def typo(question: str, rng: random.Random) -> str:
    words = list(WORD.finditer(question))
    if not words:
        return question
    m = rng.choice(words)
    return question[:m.start()] + slip(m.group(0), rng) + question[m.end():]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if a.src.endswith((".json", ".json.gz")):
        opener = gzip.open if a.src.endswith(".gz") else open
        with opener(a.src, "rt", encoding="utf-8") as f:
            data = json.load(f)
        for art in data["data"]:
            for p in art["paragraphs"]:
                for q in p["qas"]:
                    q["question"] = typo(q["question"], rng)
        with (gzip.open if a.dst.endswith(".gz") else open)(a.dst, "wt", encoding="utf-8") as f:
            json.dump(data, f)
        return
    with open(a.src, encoding="utf-8") as f, open(a.dst, "w", encoding="utf-8") as g:
        for line in f:
            if line.strip():
                row = json.loads(line)
                row["question"] = typo(row["question"], rng)
                g.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
