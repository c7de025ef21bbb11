"""Typed values passed between pipeline stages.

Ids are content hashes (sha256 prefixes), so re-indexing unchanged text produces the
same ids. This module holds data only: no I/O, no models.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Mapping, Protocol


def content_hash(*parts: str, n: int = 16) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x00")  # separator so ("ab", "c") != ("a", "bc")
    return h.hexdigest()[:n]


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    path: str = ""
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.path or self.doc_id)


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    idx: int
    start: int
    end: int
    text: str
    boilerplate: bool = False
    list_item: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """A window of consecutive sentences of one document."""

    passage_id: str
    doc_id: str
    sentence_idxs: tuple[int, ...]
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sentence_idxs"] = list(self.sentence_idxs)
        return d

    @staticmethod
    def from_dict(d: dict) -> "Passage":
        return Passage(d["passage_id"], d["doc_id"], tuple(d["sentence_idxs"]), d["start"], d["end"], d["text"])


@dataclass(frozen=True)
class Hit:
    """One search result: a passage with its fused score and each retriever's rank (None = not retrieved)."""

    score: float
    passage: Passage
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float | None = None
    bm25_score: float | None = None
    # Sentences of the passage that retrieval matched, best first: (sentence idx, fused score).
    matched: tuple[tuple[int, float], ...] = ()

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "passage": self.passage.to_dict(),
            "matched": [{"sentence_index": i, "score": s} for i, s in self.matched],
            "dense_rank": self.dense_rank,
            "bm25_rank": self.bm25_rank,
            "dense_score": self.dense_score,
            "bm25_score": self.bm25_score,
        }


@dataclass(frozen=True)
class Citation:
    doc_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    page: int | None = None  # 1-based page of the sentence's start (PDF documents), else None

    def to_dict(self) -> dict:
        d = asdict(self)
        if d["page"] is None:
            del d["page"]
        return d


@dataclass
class Answer:
    question: str
    text: str
    confidence: float
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    related: list[Citation] = field(default_factory=list)
    # Answer span in document coordinates (None when abstaining).
    doc_id: str | None = None
    start: int | None = None
    end: int | None = None
    retrieved: list[str] = field(default_factory=list)
    timings_ms: dict = field(default_factory=dict)
    # The reader's best span even when abstaining: used by evaluation (best threshold), never shown.
    candidate: str = ""
    interpreted_as: str = ""  # a follow-up question rewritten with the previous turn
    # When abstaining but the reader's best candidate lies in the top retrieved sentence with some
    # confidence: that sentence, shown as "not sure - this sentence may answer it" (never a citation).
    maybe: Citation | None = None
    # The question's language when it is clearly not English (e.g. "Spanish"); the reader only reads English.
    language: str | None = None
    # How the answer was found when not by the reader's span: "list item (by words)" etc. (reader.listpick);
    # on an abstention, why in words when a rule decided it ("Secretary Nielsen is quoted, but not
    # about ...": reader.saidabout), which the chat and ``ask`` show instead of "The documents do not say".
    how: str = ""
    # Names in the question that the answer's document never mentions (reader.names): why it abstained.
    not_mentioned: tuple[str, ...] = ()
    # ... in this document (its title), when the corpus has others that may mention them; "" = no document does.
    not_mentioned_in: str = ""

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "confidence": round(float(self.confidence), 4),
            "citations": [c.to_dict() for c in self.citations],
            "related": [c.to_dict() for c in self.related],
            "span": None if self.doc_id is None else {"doc_id": self.doc_id, "start": self.start, "end": self.end},
            "retrieved": list(self.retrieved),
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            **({"interpreted_as": self.interpreted_as} if self.interpreted_as else {}),
            **({"may_answer": self.maybe.to_dict()} if self.maybe is not None else {}),
            **({"language": self.language} if self.language else {}),
            **({"answered_by": self.how} if self.how else {}),
            **({"not_mentioned": list(self.not_mentioned)} if self.not_mentioned else {}),
            **({"not_mentioned_in": self.not_mentioned_in} if self.not_mentioned_in else {}),
        }


class DocumentIndex(Protocol):
    """What answer assembly needs of an index: documents and their sentences by ``doc_id``
    (``retrieval.store.Index`` and ``reader.squad.ParagraphIndex`` provide it)."""

    @property
    def docs(self) -> Mapping[str, Document]: ...

    @property
    def all_sentences(self) -> Mapping[str, list[Sentence]]: ...
