"""The persisted index: sentences, passages, dense vectors (FAISS) and BM25, with a manifest.

Layout under the data directory::

    CURRENT                 name of the live index directory (replaced atomically)
    index-<key>/manifest.json, sentences.jsonl, passages.jsonl, docs.json, dense.faiss, bm25/, vectors.npy

``key`` hashes everything the index depends on (format version, corpus content hash,
embedding model, chunking and index parameters), so an index is rebuilt exactly when one of
them changes. A new index is written to a temporary directory, checked, renamed into place,
and only then is CURRENT switched (temp file + rename): a crash mid-write leaves the old index
usable. Every file's sha256 is in the manifest; a truncated or altered file is detected on
load and the index is rebuilt with a warning. Vectors of unchanged sentences are reused from
the previous index (incremental indexing, ``retrieval.indexing.build``). This module does not
build, rank or fuse results.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from .atomic import atomic_write_text, sha256_file
from .corpus import corpus_hash
from .dense import DenseIndex, DenseParams
from .embed import Embedder
from .errors import UserError
from .indexing import FORMAT_VERSION, Index, IndexParams, build  # noqa: F401 - the store's public API
from .lexical import BM25Index
from .paths import default_data_dir
from .types import Document, Passage, Sentence

log = logging.getLogger(__name__)
class IndexCorrupt(Exception):
    pass


class IndexOutdated(IndexCorrupt):
    """The index was written by another version of its format: rebuilt, but nothing is wrong with it."""


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "manifest.json")


def _clean_stale_tmp(data_dir: Path) -> None:
    """Remove temp dirs left by writers that died mid-write (their pid is gone)."""
    for d in data_dir.glob(".tmp-index-*"):
        try:
            pid = int(d.name.split("-")[2])
            os.kill(pid, 0)
            continue  # writer still alive
        except (ValueError, IndexError):
            pass
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        shutil.rmtree(d, ignore_errors=True)


def save(index: Index, data_dir: Path) -> Path:
    """Write ``index`` under ``data_dir`` atomically and make it the live index."""
    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        _clean_stale_tmp(data_dir)
        tmp = Path(tempfile.mkdtemp(dir=data_dir, prefix=f".tmp-index-{os.getpid()}-"))
    except OSError as e:
        raise UserError(f"cannot write the index under {data_dir}: {e.strerror}; pass a writable --data-dir") from None
    try:
        with open(tmp / "docs.json", "w", encoding="utf-8") as f:
            json.dump([{"doc_id": d.doc_id, "path": d.path, "meta": d.meta, "text": d.text} for d in index.docs.values()], f, ensure_ascii=False)
        with open(tmp / "sentences.jsonl", "w", encoding="utf-8") as f:
            for ss in index.all_sentences.values():
                for s in ss:
                    f.write(json.dumps(s.to_dict(), ensure_ascii=False) + "\n")
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
            for p in index.passages:
                f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        np.save(tmp / "vectors.npy", index.vectors)
        index.dense.save(str(tmp / "dense.faiss"))
        index.bm25.save(str(tmp / "bm25"))
        manifest = dict(index.manifest)
        manifest["files"] = {str(p.relative_to(tmp)): sha256_file(p) for p in _files(tmp)}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        for p in [tmp, *tmp.rglob("*")]:
            if p.is_file():
                with open(p, "rb") as f:
                    os.fsync(f.fileno())
        final = data_dir / f"index-{manifest['key']}"
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
        atomic_write_text(data_dir / "CURRENT", final.name + "\n")
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UserError(f"cannot write the index under {data_dir}: {e.strerror or e}; free disk space or pass a writable --data-dir") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    index.path = final
    index.manifest = manifest
    # Old generations are garbage once CURRENT points at the new one.
    for old in data_dir.glob("index-*"):
        if old != final:
            shutil.rmtree(old, ignore_errors=True)
    return final


def current_path(data_dir: Path) -> Path | None:
    cur = Path(data_dir) / "CURRENT"
    if not cur.exists():
        return None
    name = cur.read_text(encoding="utf-8").strip()
    if not name.startswith("index-") or "/" in name:
        raise IndexCorrupt(f"{cur} does not name an index directory")
    return Path(data_dir) / name


def load(path: Path, verify: bool = True, mmap: bool = False) -> Index:
    """Load an index directory; raises IndexCorrupt when anything is missing or fails its checksum."""
    path = Path(path)
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexOutdated(f"it was built in format {manifest.get('format_version')}; this version reads {FORMAT_VERSION}")
        files = manifest["files"]
        if verify:
            for rel, digest in files.items():
                f = path / rel
                if not f.exists():
                    raise IndexCorrupt(f"{rel} is missing")
                if sha256_file(f) != digest:
                    raise IndexCorrupt(f"{rel} fails its checksum")
        docs_raw = json.loads((path / "docs.json").read_text(encoding="utf-8"))
        docs = {d["doc_id"]: Document(d["doc_id"], d["text"], d["path"], d["meta"]) for d in docs_raw}
        all_sents: dict[str, list[Sentence]] = {d: [] for d in docs}
        with open(path / "sentences.jsonl", encoding="utf-8") as f:
            for line in f:
                s = Sentence(**json.loads(line))
                all_sents[s.doc_id].append(s)
        with open(path / "passages.jsonl", encoding="utf-8") as f:
            passages = [Passage.from_dict(json.loads(line)) for line in f]
        sents = [s for ss in all_sents.values() for s in ss if not s.boilerplate]
        dense = DenseIndex.load(str(path / "dense.faiss"), DenseParams(**manifest["dense"]), mmap=mmap)
        bm25 = BM25Index.load(str(path / "bm25"), len(sents), mmap=mmap)
        if len(dense) != len(sents) or manifest["counts"]["sentences"] != len(sents):
            raise IndexCorrupt("sentence count does not match the dense index")
    except IndexCorrupt:
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as e:
        raise IndexCorrupt(f"{e.__class__.__name__}: {str(e)[:200]}") from None
    return Index(docs, sents, all_sents, passages, dense, bm25, manifest, path, vectors=np.load(path / "vectors.npy", mmap_mode="r"))


def open_index(docs: list[Document], params: IndexParams | None = None, data_dir: Path | None = None,
               embedder: Embedder | None = None, progress: bool | None = None, mmap: bool = False) -> tuple[Index, dict]:
    """Load the persisted index for ``docs`` or (re)build it when missing, stale or corrupt.

    Returns (index, info) where info says whether it was rebuilt and why.
    """
    params = params or IndexParams()
    data_dir = Path(data_dir or default_data_dir())
    key = params.key(corpus_hash(docs))
    reason = "no index yet"
    old: Index | None = None
    try:
        cur = current_path(data_dir)
        if cur is not None:
            old = load(cur, mmap=mmap)
            if old.manifest.get("key") == key:
                return old, {"rebuilt": False, "path": str(cur)}
            reason = "corpus or parameters changed"
    except IndexOutdated as e:
        reason = f"index format changed ({e})"
        log.info("index under %s: %s; rebuilding", data_dir, e)
        old = None
    except IndexCorrupt as e:
        reason = f"index is corrupt ({e})"
        log.warning("index under %s is unusable: %s; rebuilding", data_dir, e)
        old = None
    t0 = time.perf_counter()
    index, stats = build(docs, params, embedder, reuse=old, progress=progress)
    try:
        save(index, data_dir)
    except UserError as e:
        # A read-only or full data dir must not stop search: keep the index in memory and say so.
        log.warning("%s (the index is kept in memory only)", e)
        stats["save_error"] = str(e)
    stats.update(rebuilt=True, reason=reason, path=str(index.path), build_s=time.perf_counter() - t0)
    return index, stats
