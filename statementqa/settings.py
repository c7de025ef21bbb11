"""The one configuration object of the pipeline: ``Settings``, frozen and validated.

* defaults are defined here once; the modes are the string enums of ``retrieval.modes``
  (``IndexType``, ``Int8Mode``, ``ReaderBackend``, ``SearchMode``), whose values also feed
  argparse ``choices``;
* ``Settings.from_env()`` applies the ``STATEMENTQA_*`` environment variables (read when called,
  never at import); ``settings.replace(**overrides)`` returns a new object (the caller's is never
  changed), ignores ``None`` ("not given") and refuses unknown names;
* every value is checked on construction: a bad one raises ``UserError`` with one line that says
  how to fix it.

It loads no model and reads no file.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from statementqa.reader.model import DEFAULT_READER
from statementqa.retrieval.embed import DEFAULT_EMBEDDER
from statementqa.retrieval.errors import UserError
from statementqa.retrieval.modes import (
    BM25Method,
    DenseSearch,
    EmbedderBackend,
    IndexType,
    Int8Mode,
    ReaderBackend,
    SearchMode,
    values,
)
from statementqa.retrieval.paths import DEFAULT_CORPUS, default_data_dir

INDEX_TYPES = values(IndexType)
INT8_MODES = values(Int8Mode)
READER_BACKENDS = values(ReaderBackend)
EMBEDDER_BACKENDS = values(EmbedderBackend)
BM25_METHODS = values(BM25Method)
DENSE_SEARCHES = values(DenseSearch)
SEARCH_MODES = values(SearchMode)
MAX_K = 50

# environment variable -> setting
ENV = {
    "STATEMENTQA_CORPUS": "corpus",
    "STATEMENTQA_DATA_DIR": "data_dir",
    "STATEMENTQA_READER": "reader",
    "STATEMENTQA_READER_BACKEND": "reader_backend",
    "STATEMENTQA_EMBEDDER_BACKEND": "embedder_backend",
    "STATEMENTQA_BM25_METHOD": "bm25_method",
    "STATEMENTQA_DENSE_SEARCH": "dense_search",
    "STATEMENTQA_INT8": "int8",
    "STATEMENTQA_MAY_ANSWER": "may_answer",
    "STATEMENTQA_LIST_ITEMS": "list_items",
    "STATEMENTQA_NAME_CHECK": "name_check",
    "STATEMENTQA_WORK_VOTE": "work_vote",
    "STATEMENTQA_SPELLING": "spelling",
    "STATEMENTQA_STORE": "store",
    "STATEMENTQA_READ_DSN": "read_dsns",
}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise UserError(f"{name} must be one of {', '.join(choices)} (got {value!r})")


@dataclass(frozen=True)
class Settings:
    corpus: Path = DEFAULT_CORPUS
    data_dir: Path = field(default_factory=default_data_dir)
    embedder: str = DEFAULT_EMBEDDER
    reader: str = str(DEFAULT_READER)
    k: int = 3  # passages given to the reader
    chunk_size: int = 3  # sentences per passage
    chunk_overlap: int = 1  # sentences shared by neighbouring passages
    index_type: str = IndexType.AUTO
    max_answer_tokens: int = 30
    threshold: float | None = None  # None: the reader's calibrated threshold
    reader_backend: str = ReaderBackend.AUTO
    embedder_backend: str = EmbedderBackend.AUTO
    # BM25 from the inverted index; "scan" (the method before issue #16) only as a bench baseline.
    bm25_method: str = BM25Method.POSTINGS
    # Exact dense search through an int8 pre-scan split across the cores (large corpora); "fp16"
    # (the fp16 copies), "fp32" as before.
    dense_search: str = DenseSearch.INT8
    int8: str = Int8Mode.NONE  # dynamic int8 quantization
    mmap: bool = True  # memory-map the exact FAISS index and vectors (low RSS for large corpora)
    # When abstaining, offer the top sentence as "not sure - this sentence may answer it" (reader.assemble).
    may_answer: bool = True
    # "Which area deals with borders?": pick the one list item asked for (reader.listpick).
    list_items: bool = True
    # "Which agency of Guatemala ...?" over documents that never say "Guatemala": abstain (reader.names).
    name_check: bool = True
    # "wher did the meating take place?" read as "where did the meeting take place?" (reader.spelling).
    spelling: bool = True
    # A vote in the fusion for the sentences of the documents whose whole text matches the question
    # best (retrieval.workvote); off by default: it helps corpora of many documents, not SQuAD's paragraphs.
    work_vote: bool = False
    # The index in PostgreSQL + pgvector (``retrieval.pgstore``) instead of files under data_dir;
    # searches go to ``read_dsns`` (replicas; comma-separated in STATEMENTQA_READ_DSN) when given.
    store: str | None = None
    read_dsns: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "corpus", Path(self.corpus).expanduser())
        object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser())
        object.__setattr__(self, "reader", str(self.reader))
        for name in ("may_answer", "list_items", "name_check", "spelling", "work_vote"):
            v = getattr(self, name)
            if isinstance(v, str):
                v = v.strip().lower()
                if v not in _TRUE + _FALSE:
                    raise UserError(f"{name} must be on or off (got {getattr(self, name)!r})")
                object.__setattr__(self, name, v in _TRUE)
        if self.store is not None:
            store = str(self.store).strip()
            if not store.startswith(("postgresql://", "postgres://")):
                raise UserError(f"store must be a PostgreSQL URL such as postgresql://user@host:5432/db (got {store!r}); "
                                "leave it out to keep the index in files under the data dir")
            object.__setattr__(self, "store", store)
        reads = self.read_dsns.split(",") if isinstance(self.read_dsns, str) else list(self.read_dsns)
        reads = [str(r).strip() for r in reads if str(r).strip()]
        bad = [r for r in reads if not r.startswith(("postgresql://", "postgres://"))]
        if bad:
            raise UserError(f"a read DSN must be a PostgreSQL URL such as postgresql://user@replica:5432/db (got {bad[0]!r})")
        if reads and self.store is None:
            raise UserError("read DSNs (replicas) need a store: give --store postgresql://... for the primary too")
        object.__setattr__(self, "read_dsns", tuple(reads))
        for name in ("k", "chunk_size", "chunk_overlap", "max_answer_tokens"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool):
                raise UserError(f"{name} must be a whole number (got {v!r})")
        if not 1 <= self.k <= MAX_K:
            raise UserError(f"k (passages given to the reader) must be between 1 and {MAX_K} (got {self.k})")
        if self.chunk_size < 1:
            raise UserError(f"chunk size must be at least 1 sentence (got {self.chunk_size}); try --chunk-size 3")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise UserError(f"chunk overlap must be between 0 and chunk size - 1 = {self.chunk_size - 1} "
                            f"(got {self.chunk_overlap}); try --chunk-overlap 1")
        if not 1 <= self.max_answer_tokens <= 512:
            raise UserError(f"max answer tokens must be between 1 and 512 (got {self.max_answer_tokens})")
        if self.threshold is not None and not 0.0 <= float(self.threshold) <= 1.0:
            raise UserError(f"threshold must be between 0 and 1 (got {self.threshold})")
        _choice("index type", self.index_type, INDEX_TYPES)
        _choice("reader backend", self.reader_backend, READER_BACKENDS)
        _choice("embedder backend", self.embedder_backend, EMBEDDER_BACKENDS)
        _choice("BM25 method", self.bm25_method, BM25_METHODS)
        _choice("dense search", self.dense_search, DENSE_SEARCHES)
        if self.store is not None and self.bm25_method != BM25Method.POSTINGS:
            raise UserError("--bm25-method scan is a baseline of the files index; the PostgreSQL store scores BM25 in SQL: "
                            "drop --bm25-method or --store")
        _choice("int8", self.int8, INT8_MODES)
        if self.reader_backend == ReaderBackend.TORCH_BF16 and self.quantized("reader"):
            raise UserError("the reader is either int8 or bfloat16: drop --int8 reader/all or pick another --reader-backend")
        if not self.embedder or not self.reader:
            raise UserError("embedder and reader must name a model directory or id")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls) if f.init)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """Defaults, then ``STATEMENTQA_*`` variables (empty ones ignored), then ``overrides``."""
        env = os.environ if env is None else env
        values = {name: env[var] for var, name in ENV.items() if env.get(var)}
        return cls().replace(**values).replace(**overrides)

    def replace(self, **overrides) -> "Settings":
        """A copy with ``overrides`` applied (``None`` = not given); unknown names are an error."""
        known = self.names()
        unknown = sorted(set(overrides) - set(known))
        if unknown:
            raise UserError(f"unknown setting {unknown[0]!r}; known settings: {', '.join(known)}")
        given = {k: v for k, v in overrides.items() if v is not None}
        return dataclasses.replace(self, **given) if given else self

    def quantized(self, part: str) -> bool:
        return self.int8 in (part, Int8Mode.ALL)

    def index_params(self):
        """The index key parameters (``retrieval.store.IndexParams``; imported here: FAISS is heavy)."""
        from statementqa.retrieval.dense import DenseParams
        from statementqa.retrieval.store import IndexParams

        # int8 embeddings differ from fp32 ones: they get their own index.
        label = self.embedder + ("+int8" if self.quantized("embedder") else "")
        return IndexParams(label, self.chunk_size, self.chunk_overlap, DenseParams(kind=self.index_type))
