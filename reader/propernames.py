"""Words that English text writes with a capital inside a sentence (names), for questions typed in
lower case.

The names check (``reader.names``) takes a question's capitalised words as its names. A chat user
often types in lower case ("which agency of guatemala signed the statement?"), and then the check
saw no names at all. This module holds a list of words that are names almost wherever they occur:
counted in the contexts of SQuAD v1.1 train and the train part of dev-v2.0-a (never the calibration
or test parts), a word is listed when it occurs at least ``MIN_COUNT`` times inside a sentence (not
first in its paragraph, not after . ! ? : ; ( or an opening quotation mark) and at least ``MIN_SHARE``
of those occurrences are capitalised, and has three letters or more. Words are folded (lower case,
accents dropped) as ``reader.names.fold`` does.

``build`` counts and ``save`` writes the list with its manifest (sources and their sha256, the rule,
counts) atomically to ``reader/data/propernames.json``; ``load`` reads it (cached). The file is
package data, so the app runs without ``../shared``. Rebuild with

    python -m statementqa.reader.propernames --build     # ~10 s, reads ../shared/data/squad

This module only answers "is this word usually a name?"; it does not look at any question or
document (``reader.names`` does). Runs no model.
"""
from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from statementqa.reader.names import _WORD, fold  # the words as the names check reads them
from statementqa.retrieval.atomic import atomic_write_text, sha256_file

PATH = Path(__file__).resolve().parent / "data" / "propernames.json"
MIN_COUNT = 2
MIN_SHARE = 0.95
_OPENERS = set(".!?:;(\"“")


def count(contexts: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """(capitalised, lower-case) counts of each folded word inside sentences of ``contexts``."""
    cap: Counter[str] = Counter()
    low: Counter[str] = Counter()
    for c in contexts:
        for m in _WORD.finditer(c):
            w = m.group(0)
            if not w[:1].isalpha():
                continue
            before = c[max(0, m.start() - 3):m.start()].strip()
            if m.start() == 0 or (before and before[-1] in _OPENERS):
                continue  # sentence or paragraph start: capitalised anyway
            (cap if w[0].isupper() else low)[fold(w)] += 1
    return cap, low


def select(cap: Counter[str], low: Counter[str], min_count: int = MIN_COUNT, min_share: float = MIN_SHARE) -> list[str]:
    """The words that are names by the module's rule, sorted."""
    return sorted(w for w, n in cap.items()
                  if len(w) >= 3 and n >= min_count and n >= min_share * (n + low[w]))


def squad_contexts(squad_dir: Path) -> tuple[list[str], dict[str, str]]:
    """The contexts the list is counted from, and the sha256 of each file read."""
    train = squad_dir / "train-v1.1.json.gz"
    dev = squad_dir / "dev-v2.0-a.json.gz"
    contexts: list[str] = []
    for a in json.load(gzip.open(train, "rt", encoding="utf-8"))["data"]:
        contexts += [p["context"] for p in a["paragraphs"]]
    for i, a in enumerate(json.load(gzip.open(dev, "rt", encoding="utf-8"))["data"]):
        if i % 3 == 0:  # the train part only; calibration (1) and test (2) stay unseen
            contexts += [p["context"] for p in a["paragraphs"]]
    return contexts, {train.name: sha256_file(train), dev.name + " (train part: articles i % 3 == 0)": sha256_file(dev)}


def build(squad_dir: Path) -> dict:
    contexts, sources = squad_contexts(squad_dir)
    cap, low = count(contexts)
    words = select(cap, low)
    return {"manifest": {"what": "words written capitalised inside sentences (names), folded",
                         "rule": f"count >= {MIN_COUNT}, capitalised share >= {MIN_SHARE}, 3 letters or more",
                         "sources": sources, "contexts": len(contexts), "words": len(words),
                         "licence": "counted from SQuAD (CC BY-SA 4.0)",
                         "built_by": "python -m statementqa.reader.propernames --build"},
            "words": words}


def save(data: dict, path: Path = PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=0) + "\n")


@lru_cache(maxsize=4)
def load(path: Path = PATH) -> frozenset[str]:
    """The folded words of the list at ``path`` (empty when the file is missing)."""
    if not path.exists():
        return frozenset()
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["words"])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", action="store_true", help="count the words from SQuAD and write the list")
    ap.add_argument("--squad", type=Path, default=Path("../shared/data/squad"), help="folder of the SQuAD files")
    ap.add_argument("--out", type=Path, default=PATH)
    a = ap.parse_args(argv)
    if not a.build:
        ap.error("nothing to do: pass --build")
    if not (a.squad / "train-v1.1.json.gz").exists():
        raise SystemExit(f"error: {a.squad / 'train-v1.1.json.gz'} not found; pass --squad DIR")
    data = build(a.squad)
    save(data, a.out)
    print(f"wrote {a.out}: {data['manifest']['words']} words from {data['manifest']['contexts']} contexts")


if __name__ == "__main__":
    main()
