"""SQuAD data helpers shared by training, calibration and evaluation.

Loads official SQuAD JSON (plain or .gz), splits dev-v2.0-a by article into the
train / calibration / test parts used by the project, and cuts paragraphs into the same
passages the retriever produces (``gold_index``). It does not tokenize or touch models.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from statementqa.retrieval.chunk import chunk
from statementqa.retrieval.segment import segment

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "squad"
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


@dataclass(frozen=True)
class ParagraphIndex:
    """The two lookups answer assembly needs (``retrieval.types.DocumentIndex``), over given documents."""

    docs: dict
    all_sentences: dict


def gold_index(context: str, key: str = "p"):
    """A minimal index over one paragraph and its runtime passages, for gold-context reading (same
    segmenter and chunker as the real index; ``reader.assemble`` accepts it like an ``Index``)."""
    from statementqa.retrieval.types import Document

    sents = segment(context, key)
    return ParagraphIndex({key: Document(key, context)}, {key: sents}), chunk(context, sents)
