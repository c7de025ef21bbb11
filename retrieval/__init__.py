"""Retrieval stages of statementqa: corpus loading, sentence segmentation, chunking,
embedding, the persisted FAISS index, BM25 and hybrid search.

Each stage is one module; values passed between stages are the dataclasses in
:mod:`retrieval.types`. Nothing here loads a model at import time.
"""
