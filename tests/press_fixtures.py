"""press-dev documents for tests: a corpus of some of them, and a pipeline over it.

Tests written on a few of press-dev's documents keep those: a document added to the set later
gives questions such as "Where did the meeting take place?" another place to come from."""
from __future__ import annotations

from pathlib import Path

PRESS = Path(__file__).resolve().parent.parent / "eval" / "data" / "press-dev" / "corpus"


def press_corpus(dest: Path, *stems: str) -> Path:
    """``dest`` holding the press-dev documents named by ``stems`` (file name without suffix), each
    with its ``.meta.json``."""
    dest.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        found = sorted(PRESS.glob(stem + ".*"))
        if not any(p.name.endswith(".meta.json") for p in found) or len(found) < 2:
            raise FileNotFoundError(f"press-dev has no document {stem!r} with its .meta.json")
        for path in found:
            (dest / path.name).write_bytes(path.read_bytes())
    return dest


def press_pipeline(corpus: Path, data: Path, *stems: str):
    """A pipeline over ``press_corpus(corpus, *stems)``, its index under ``data``."""
    from statementqa.pipeline import Pipeline

    return Pipeline(corpus=press_corpus(corpus, *stems), data_dir=data)
