"""The work vote (opt-in, ``--work-vote on``): in the hybrid fusion, a sentence gains a vote for how
well its work - its document, or the numbered parts of one titled work - matches the question.

A sentence that answers a question often does not repeat what the question is about. In press-dev,
"Who designed the renovation?" is answered by the library notice's "The work was designed by
Hartmann & Lee Architects."; the sentence holds "designed" but not "renovation", so BM25's
minimum-should-match rule (``retrieval.lexical``) leaves it out of the fusion, and the dense
retriever ranks "The building was designed by Halden Architects" of another release first. A
person with many documents first picks the document about the renovation.

``WorkVote`` ranks the works by BM25 over their whole text (the index's tokenizer, stopwords and
stemmer). ``vote`` adds ``1 / (k + rank)`` - one more ranking in the reciprocal rank fusion, same k -
to each fused sentence whose work is among the top ``DEPTH``; sentences no retriever found are
not added, so the cost stays that of the candidates (one BM25 search over the works per
question; the works' index is built once per retriever - at ``Pipeline.warm`` when the vote is on -
and kept with it, not persisted). With
a single work every candidate gains the same vote and the order does not change.

Grouping (``work``): documents whose titles differ only in numbers and punctuation are one work
("Immune_system-00123", "Immune_system-00124": SQuAD's paragraphs of one article).

Why opt-in (measured 2026-12-04, reader v2, ``docs/experiments/passage-choice/``): press-dev F1
82.0 -> 82.8 (14 answers better, 5 worse), the statement among press-dev's 37 documents (larger set)
69.2 -> 71.1, but SQuAD's held-out part end to end 67.8 -> 67.6 and its calibration part 66.0 ->
65.9: on SQuAD's paragraphs the passages the vote brings in mostly let the reader answer
unanswerable questions. This module does not read, embed or persist anything.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from .lexical import BM25Index, terms
from .types import Document

DEPTH = 20  # the works that vote


def work(title: str) -> frozenset[str]:
    """The work a document is part of, by its title's words without numbers: "Immune_system-00123"
    and "Immune_system-00124" (SQuAD's paragraphs, one document each) are one work; "Winter
    vaccination campaign" and "Parking scheme questions" are two."""
    return frozenset(t for t in terms([re.sub(r"[\W_\d]+", " ", title)])[0])


def group_works(docs: Mapping[str, Document]) -> list[tuple[str, ...]]:
    """The documents' ids grouped by work (``work`` of the title; a document without title words is
    a work of its own), works in the order of their first document."""
    groups: dict[object, list[str]] = {}
    for d, doc in docs.items():
        key = work(doc.title) or ("doc", d)
        groups.setdefault(key, []).append(d)
    return [tuple(ids) for ids in groups.values()]


class WorkVote:
    """BM25 over the works' whole texts; ``ranks`` and ``vote`` for one question at a time."""

    def __init__(self, docs: Mapping[str, Document]):
        self.works = group_works(docs)
        self.bm25 = BM25Index.build([" ".join(docs[d].text for d in ids) for ids in self.works])

    def ranks(self, question: str, depth: int = DEPTH) -> dict[str, int]:
        """Document id -> its work's rank (from 1) among the top ``depth`` works by BM25 (plain: any
        query term counts); documents of works below or without a query term are absent."""
        _, top = self.bm25.search(question, depth, min_match=0.0)
        return {d: r for r, w in enumerate(top, 1) for d in self.works[int(w)]}

    def vote(self, question: str, fused: Sequence[tuple], doc_of: Callable[[int], str], rrf_k: int,
             depth: int = DEPTH) -> list[tuple]:
        """``fused`` (rows as ``Retriever.fused`` gives them: (sentence row, score, ...), best first)
        with each score raised by ``1 / (rrf_k + rank of the sentence's work)`` and re-sorted (ties by
        row); ``doc_of(row)``: the sentence's document id."""
        rank = self.ranks(question, depth)
        out = []
        for t in fused:
            r = rank.get(doc_of(t[0]))
            out.append((t[0], t[1] + (1.0 / (rrf_k + r) if r else 0.0), *t[2:]))
        return sorted(out, key=lambda t: (-t[1], t[0]))
