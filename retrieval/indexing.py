"""Building an index in memory: segment, chunk, embed (re-using the vectors of unchanged
sentences) and index the sentences densely (FAISS) and lexically (BM25), with the manifest that
describes it. ``Index`` is the loaded value search works on. This module does not read or write
files (``retrieval.store``) and does not rank (``retrieval.search``).
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .chunk import chunk
from .corpus import corpus_hash
from .dense import DenseIndex, DenseParams
from .embed import Embedder
from .errors import UserError
from .lexical import BM25Index, lexical_texts
from .segment import segment
from .types import Document, Passage, Sentence, content_hash

FORMAT_VERSION = 9  # 2: BM25 indexes a sentence that opens with a pronoun with the sentence before it; 3: a numbered
# line that ends a sentence inside a list is one item ("3. Upload a photo.", retrieval.segment); 4: a Markdown
# table's separator row ("|---|---|") is boilerplate; 5: a sentence ends after "voting no." (retrieval.segment);
# 6: BM25 stems irregular forms as their base ("began" as "begin", retrieval.irregular), and a PDF list item
# that ends in ";" ends there (retrieval.formats); 7: a case's name ("Grutter v. Bollinger") is not cut at "v."
# (retrieval.segment); 8: BM25 indexes a table's row with its table's header row (retrieval.lexical); 9: a noun made
# from a verb is stemmed as the verb ("expansion" as "expand", retrieval.nominal)
EMBED_CHUNK = 4096  # sentences embedded per call while building (bounds the memory of one call)


@dataclass
class IndexParams:
    embedder: str = "all-MiniLM-L6-v2"
    chunk_size: int = 3
    chunk_overlap: int = 1
    dense: DenseParams = field(default_factory=DenseParams)

    def key(self, chash: str) -> str:
        return content_hash(str(FORMAT_VERSION), chash, self.embedder, str(self.chunk_size), str(self.chunk_overlap),
                            json.dumps(asdict(self.dense), sort_keys=True))


@dataclass
class Index:
    """A loaded index: everything search needs, in memory (vectors possibly memory-mapped)."""

    docs: dict[str, Document]
    sentences: list[Sentence]  # citable sentences, in index order (row i of the dense index)
    all_sentences: dict[str, list[Sentence]]  # doc_id -> every sentence, boilerplate included
    passages: list[Passage]
    dense: DenseIndex
    bm25: BM25Index
    manifest: dict
    path: Path | None = None
    vectors: np.ndarray | None = None  # row i = embedding of sentences[i] (memory-mapped when loaded)
    sent_to_passages: dict[tuple[str, int], list[int]] = field(default_factory=dict)

    def __post_init__(self):
        if not self.sent_to_passages:
            for pi, p in enumerate(self.passages):
                for si in p.sentence_idxs:
                    self.sent_to_passages.setdefault((p.doc_id, si), []).append(pi)

    def sentence(self, doc_id: str, idx: int) -> Sentence:
        return self.all_sentences[doc_id][idx]


@dataclass(frozen=True)
class Segmented:
    """A corpus cut the way every backend indexes it: documents (same text twice = one document, in
    first-seen order), every sentence per document, the citable ones in row order, the passages."""

    docs: list[Document]
    all_sentences: dict[str, list[Sentence]]
    sentences: list[Sentence]  # not boilerplate; row i of the dense and lexical index
    passages: list[Passage]


def segment_corpus(docs: list[Document], params: IndexParams) -> Segmented:
    """Segment and chunk ``docs`` (shared by the files build here and ``retrieval.pgstore.plan``)."""
    if not docs:
        raise UserError("cannot index an empty corpus; add at least one .txt or .md document")
    docs = list({d.doc_id: d for d in reversed(docs)}.values())[::-1]
    all_sents: dict[str, list[Sentence]] = {}
    sents: list[Sentence] = []
    passages: list[Passage] = []
    for d in docs:
        ss = segment(d.text, d.doc_id)
        all_sents[d.doc_id] = ss
        sents += [s for s in ss if not s.boilerplate]
        passages += chunk(d.text, ss, params.chunk_size, params.chunk_overlap)
    return Segmented(docs, all_sents, sents, passages)


def build(docs: list[Document], params: IndexParams, embedder: Embedder | None = None,
          reuse: Index | None = None, progress: bool | None = None) -> tuple[Index, dict]:
    """Segment, chunk, embed and index ``docs`` in memory. Returns (index, build stats)."""
    t0 = time.perf_counter()
    seg = segment_corpus(docs, params)
    docs, all_sents, sents, passages = seg.docs, seg.all_sentences, seg.sentences, seg.passages
    embedder = embedder or Embedder(params.embedder)
    t_seg = time.perf_counter()
    # Reuse vectors of sentences whose text was already embedded by the same model (row numbers
    # into the old index's vectors, not copies).
    old_row: dict[str, int] = {}
    if reuse is not None and reuse.manifest.get("embedder") == params.embedder and reuse.vectors is not None:
        for i, s in enumerate(reuse.sentences):
            old_row.setdefault(content_hash(s.text), i)
    keys = [content_hash(s.text) for s in sents]
    rows: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        rows.setdefault(k, []).append(i)
    todo = sorted((k, sents[r[0]].text) for k, r in rows.items() if k not in old_row)
    # One float32 matrix, filled in place: re-used rows copied from the old index, new ones
    # embedded in chunks and written straight into it (no second full copy of the vectors).
    vectors = np.zeros((len(sents), embedder.dim), np.float32)
    for k, r in rows.items():
        if k in old_row:
            vectors[r] = reuse.vectors[old_row[k]]  # type: ignore[union-attr]
    show = progress if progress is not None else len(todo) > 2000
    bar = None
    if show and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="embedding", unit="sentence")
    for a in range(0, len(todo), EMBED_CHUNK):
        part = todo[a:a + EMBED_CHUNK]
        new = embedder.encode([t for _, t in part], progress=False)
        for (k, _), v in zip(part, new):
            vectors[rows[k]] = v
        if bar is not None:
            bar.update(len(part))
    if bar is not None:
        bar.close()
    t_emb = time.perf_counter()
    dense = DenseIndex.build(vectors, params.dense)
    # FAISS keeps its own copy: from here on the index's vectors are a view of it (one copy in
    # memory, not two; 150 MB at 100k sentences).
    vectors = dense.stored_vectors()
    bm25 = BM25Index.build(lexical_texts(sents, all_sents))
    t_idx = time.perf_counter()
    chash = corpus_hash(docs)
    manifest = {
        "format_version": FORMAT_VERSION,
        "key": params.key(chash),
        "embedder": params.embedder,
        "dim": int(vectors.shape[1]),
        "chunk_size": params.chunk_size,
        "chunk_overlap": params.chunk_overlap,
        "dense": asdict(dense.params),
        "dense_requested": asdict(params.dense),
        "corpus_hash": chash,
        "counts": {"documents": len(docs), "sentences": len(sents), "passages": len(passages)},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    stats = {"segment_s": t_seg - t0, "embed_s": t_emb - t_seg, "index_s": t_idx - t_emb, "total_s": t_idx - t0,
             "embedded": len(todo), "reused": len(sents) - len(todo)}
    return Index({d.doc_id: d for d in docs}, sents, all_sents, passages, dense, bm25, manifest, vectors=vectors), stats
