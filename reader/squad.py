"""SQuAD data helpers shared by training, calibration and evaluation.

Loads official SQuAD JSON (plain or .gz), splits dev-v2.0-a by article into the
train / calibration / test parts used by the project, and cuts paragraphs into the same
sentence windows the retriever produces. It does not tokenize or touch models.
"""
from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass
from pathlib import Path

from retrieval.chunk import chunk
from retrieval.segment import segment
from retrieval.types import Sentence

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "squad"
TRAIN_V11 = SHARED / "train-v1.1.json.gz"
TRAIN_V2R = SHARED / "train-v2.0-rebuilt.json.gz"  # v1.1 train + 32k real unanswerable questions
DEV_V2A = SHARED / "dev-v2.0-a.json.gz"
# dev-v2.0-a has 21 articles: article i goes to part i % 3.
DEV_PARTS = {"train": 0, "calib": 1, "test": 2}


def load_squad(path: str | Path) -> dict:
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict) or "data" not in data:
        raise ValueError(f"{path}: not SQuAD JSON (expected an object with a 'data' list)")
    return data


def dev_part(data: dict, part: str) -> list[dict]:
    k = DEV_PARTS[part]
    return [a for i, a in enumerate(data["data"]) if i % 3 == k]


@dataclass
class QA:
    qid: str
    question: str
    context: str
    answers: list[str]
    answer_starts: list[int]
    impossible: bool
    title: str = ""


def iter_qas(articles: list[dict]):
    for a in articles:
        for p in a["paragraphs"]:
            for q in p["qas"]:
                ans = q.get("answers") or []
                yield QA(
                    q["id"], q["question"], p["context"],
                    [x["text"] for x in ans], [x["answer_start"] for x in ans],
                    bool(q.get("is_impossible", False)) or not ans, a.get("title", ""),
                )


def sentence_windows(context: str, sents: list[Sentence], rng: random.Random, ans_start: int | None, ans_end: int | None,
                     max_sents: int = 4, n_neg: int = 1) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """Pick one window (char span) containing the answer and up to ``n_neg`` windows without it.

    Window sizes (1..max_sents sentences) are drawn at random so the reader sees both
    single sentences and multi-sentence passages, as retrieval produces.
    """
    n = len(sents)
    if n == 0:
        return None, []
    pos = None
    if ans_start is not None:
        first = next((i for i, s in enumerate(sents) if s.end > ans_start), None)
        last = next((i for i in range(n - 1, -1, -1) if sents[i].start < ans_end), None)
        if first is not None and last is not None and first <= last:
            w = max(rng.randint(1, max_sents), last - first + 1)
            lo = max(0, last - w + 1)
            hi = min(first, n - w) if n >= w else 0
            i0 = rng.randint(lo, max(lo, hi))
            i1 = min(n, i0 + w) - 1
            pos = (sents[i0].start, sents[i1].end)
    negs = []
    for _ in range(n_neg):
        w = rng.randint(1, max_sents)
        cands = []
        for i0 in range(0, n - w + 1):
            a, b = sents[i0].start, sents[i0 + w - 1].end
            if ans_start is None or b <= ans_start or a >= ans_end:
                cands.append((a, b))
        if cands:
            negs.append(rng.choice(cands))
    return pos, negs


def paragraph_passages(context: str, size: int = 3, overlap: int = 1):
    """The passages the runtime chunker makes of one paragraph (used for gold-context evaluation)."""
    return chunk(context, segment(context, "p"), size=size, overlap=overlap)
