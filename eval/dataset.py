"""Evaluation data sets: the project's JSON Lines format and official SQuAD JSON.

JSONL, one object per line: ``{"id", "question", "answers": [...], "answerable": bool,
"supporting": [sentence texts], "category"}`` (see eval/README.md). Malformed lines are
reported with their line numbers and either skipped (``on_error="skip"``) or make the whole
file rejected (``"fail"``). SQuAD JSON (plain or .gz) becomes items whose context is the
question's paragraph. This module reads files only; it runs nothing.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from statementqa.retrieval.errors import UserError

log = logging.getLogger(__name__)
REQUIRED = {"id": str, "question": str, "answers": list, "answerable": bool}


@dataclass
class Item:
    id: str
    question: str
    answers: list[str]
    answerable: bool
    supporting: list[str] = field(default_factory=list)
    category: str = "uncategorized"
    context: str | None = None  # SQuAD: the gold paragraph
    title: str = ""
    # Earlier turns for a follow-up question, oldest first: [(question, answer), ...].
    history: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Dataset:
    items: list[Item]
    kind: str  # "jsonl" or "squad"
    problems: list[str] = field(default_factory=list)
    paragraphs: dict[str, str] = field(default_factory=dict)  # SQuAD: doc name -> paragraph text


def _check(obj, lineno: int) -> Item:
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    for k, t in REQUIRED.items():
        if k not in obj:
            raise ValueError(f"missing field {k!r}")
        if not isinstance(obj[k], t):
            raise ValueError(f"field {k!r} must be {t.__name__}")
    if not obj["question"].strip():
        raise ValueError("empty question")
    if obj["answerable"] and not obj["answers"]:
        raise ValueError("answerable question without answers")
    if not all(isinstance(a, str) for a in obj["answers"]):
        raise ValueError("answers must be strings")
    sup = obj.get("supporting", [])
    if not isinstance(sup, list) or not all(isinstance(s, str) for s in sup):
        raise ValueError("supporting must be a list of strings")
    hist = obj.get("history", [])
    if not isinstance(hist, list) or not all(isinstance(h, dict) and isinstance(h.get("question"), str)
                                             and isinstance(h.get("answer"), str) for h in hist):
        raise ValueError('history must be a list of {"question": ..., "answer": ...} objects')
    return Item(obj["id"], obj["question"], obj["answers"], obj["answerable"], sup, str(obj.get("category", "uncategorized")),
                history=[(h["question"], h["answer"]) for h in hist])


def load_jsonl(path: Path, on_error: str = "skip") -> Dataset:
    items: list[Item] = []
    problems: list[str] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                it = _check(json.loads(line), lineno)
                if it.id in seen:
                    raise ValueError(f"duplicate id {it.id!r}")
                seen.add(it.id)
                items.append(it)
            except (ValueError, json.JSONDecodeError) as e:
                problems.append(f"{path}:{lineno}: {e}")
    if problems:
        for p in problems:
            log.warning("%s", p)
        if on_error == "fail":
            raise UserError(f"{len(problems)} malformed line(s) in {path}, first: {problems[0]}; fix them or use --on-error skip")
    if not items:
        raise UserError(f"{path} has no valid questions")
    return Dataset(items, "jsonl", problems)


def load_squad_items(path: Path) -> Dataset:
    from statementqa.reader.squad import iter_qas, load_squad

    try:
        data = load_squad(path)
    except (ValueError, OSError) as e:
        raise UserError(f"cannot read SQuAD file {path}: {e}") from None
    from statementqa.retrieval.segment import segment

    items = []
    paragraphs: dict[str, str] = {}
    names: dict[str, str] = {}
    sentences: dict[str, list] = {}
    for q in iter_qas(data["data"]):
        if q.context not in names:
            names[q.context] = f"{q.title or 'article'}-{len(names):05d}"
            paragraphs[names[q.context]] = q.context
        sup = []
        if not q.impossible:
            s, e = q.answer_starts[0], q.answer_starts[0] + len(q.answers[0])
            if q.context not in sentences:  # a paragraph has several questions: segment it once
                sentences[q.context] = segment(q.context)
            sup = [x.text for x in sentences[q.context] if x.start < e and s < x.end]
        items.append(Item(q.qid, q.question, q.answers, not q.impossible, sup, "squad-" + ("hasans" if not q.impossible else "noans"),
                          q.context, q.title))
    return Dataset(items, "squad", [], paragraphs)


def load_dataset(path: Path, on_error: str = "skip") -> Dataset:
    path = Path(path)
    if not path.exists():
        raise UserError(f"dataset {path} does not exist")
    name = path.name.lower()
    if name.endswith((".json", ".json.gz")):
        return load_squad_items(path)
    if name.endswith(".jsonl"):
        return load_jsonl(path, on_error)
    raise UserError(f"{path}: unknown dataset format; use .jsonl (see eval/README.md) or SQuAD .json/.json.gz")


def select_part(ds: Dataset, part: str) -> Dataset:
    """Keep one part of a SQuAD dev file in place (``reader.squad.DEV_PARTS``: articles i % 3 == 0
    train, 1 calibration, 2 test); questions and paragraphs alike. Returns ``ds``."""
    from statementqa.reader.squad import DEV_PARTS

    if ds.kind != "squad":
        raise UserError("--part only applies to SQuAD files")
    titles = sorted({i.title for i in ds.items}, key=[i.title for i in ds.items].index)
    keep = {t for j, t in enumerate(titles) if j % 3 == DEV_PARTS[part]}
    ds.items = [i for i in ds.items if i.title in keep]
    ds.paragraphs = {k: v for k, v in ds.paragraphs.items() if k.rsplit("-", 1)[0] in keep}
    return ds
