"""Chunking: group consecutive sentences of one document into overlapping passages.

A list (a lead-in sentence ending in ":" followed by list items) is kept together as one
unit, so "The final compact would cover four distinct areas of collaboration:" always
travels with its items. Boilerplate sentences are never part of a passage.
This module does not embed or index anything.
"""
from __future__ import annotations

from .types import Passage, Sentence, content_hash


def _units(sentences: list[Sentence]) -> list[list[Sentence]]:
    units: list[list[Sentence]] = []
    for s in sentences:
        if s.boilerplate:
            units.append([])  # a break: windows never span boilerplate
            continue
        if s.list_item and units and units[-1] and (units[-1][-1].list_item or units[-1][-1].text.rstrip().endswith(":")):
            units[-1].append(s)
        else:
            units.append([s])
    return units


def chunk(doc_text: str, sentences: list[Sentence], size: int = 3, overlap: int = 1) -> list[Passage]:
    """Windows of ``size`` units (sentences, or a lead-in with its list) sliding by ``size - overlap``."""
    if size < 1:
        raise ValueError(f"chunk size must be >= 1 (got {size})")
    if not 0 <= overlap < size:
        raise ValueError(f"chunk overlap must be in [0, size) (got overlap={overlap}, size={size})")
    # Split the unit stream at boilerplate breaks, then window each run.
    runs: list[list[list[Sentence]]] = [[]]
    for u in _units(sentences):
        if u:
            runs[-1].append(u)
        elif runs[-1]:
            runs.append([])
    step = size - overlap
    passages: list[Passage] = []
    seen: set[tuple[int, ...]] = set()
    for run in runs:
        if not run:
            continue
        starts = list(range(0, max(len(run) - size, 0) + 1, step))
        if starts[-1] + size < len(run):
            starts.append(len(run) - size)
        for i in starts:
            sents = [s for u in run[i : i + size] for s in u]
            key = tuple(s.idx for s in sents)
            if key in seen:
                continue
            seen.add(key)
            a, b = sents[0].start, sents[-1].end
            doc_id = sents[0].doc_id
            passages.append(Passage(content_hash(doc_id, str(a), str(b)), doc_id, key, a, b, doc_text[a:b]))
    return passages
