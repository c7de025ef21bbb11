"""Corpus loading: every ``.txt``/``.md``/``.html``/``.pdf``/``.docx`` file under a directory becomes
a Document (the formats are read by ``retrieval.formats``: plain text plus metadata and, for PDF,
the page map).

Optional metadata lives beside a document as ``<stem>.meta.json`` (title, publisher, date,
source note, ...). Document ids are content hashes of the text, so renaming a file or
re-loading unchanged text gives the same id. Files must be UTF-8 (a BOM is accepted);
paths that resolve outside the corpus directory (``..``, symlinks) are refused.
This module only reads files: it does not segment or index.
"""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from .errors import CorpusError
from .formats import FORMATS, read_formatted
from .paths import DEFAULT_CORPUS
from .types import Document, content_hash

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = TEXT_SUFFIXES + FORMATS
MAX_FILE_BYTES = 50 * 1024 * 1024


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _read_stable(path: Path, tries: int = 5) -> bytes:
    """Read a file whole, retrying while it changes under us (an editor or copy still writing it)."""
    for _ in range(tries):
        before = path.stat()
        raw = path.read_bytes()
        after = path.stat()
        if (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size) == (after.st_mtime_ns, len(raw)):
            return raw
        time.sleep(0.2)
    raise CorpusError(f"{path} kept changing while it was read; try again when it is saved")


def corpus_signature(directory: str | Path | None = None) -> tuple:
    """Cheap change detector: (path, size, mtime) of every candidate file (no reading)."""
    root = Path(directory) if directory is not None else DEFAULT_CORPUS
    if not root.exists():
        return ()
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and (p.suffix.lower() in SUFFIXES or p.name.endswith(".meta.json")))
    out = []
    for p in files:
        try:
            st = p.stat()
            out.append((str(p), st.st_size, st.st_mtime_ns))
        except OSError:
            continue
    return tuple(out)


def load_document(path: Path, root: Path | None = None) -> Document:
    root = root or path.parent
    if not _inside(path, root):
        raise CorpusError(f"{path}: resolves outside the corpus directory {root}; copy the file into it instead of linking")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CorpusError(f"{path}: {size / 1e6:.0f} MB is over the {MAX_FILE_BYTES // 2**20} MiB limit per document; split it into smaller files")
    raw = _read_stable(path)
    fmt_meta: dict = {}
    if path.suffix.lower() in FORMATS:
        text, fmt_meta = read_formatted(path, raw)
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise CorpusError(
                f"{path}: not valid UTF-8 (byte {e.start}: {raw[e.start:e.start + 1]!r}); "
                f"re-save it as UTF-8, e.g. `iconv -f latin1 -t utf-8 {path.name} > fixed.txt`"
            ) from None
    meta: dict = dict(fmt_meta)
    mpath = path.with_name(path.stem + ".meta.json")
    if mpath.exists():
        try:
            side = json.loads(mpath.read_text(encoding="utf-8"))
            if not isinstance(side, dict):
                raise ValueError("not a JSON object")
            meta.update(side)  # the sidecar overrides what the file itself says
        except (ValueError, UnicodeDecodeError) as e:
            raise CorpusError(f"{mpath}: metadata is not a valid JSON object ({e}); fix or delete it") from None
    rel = str(path.resolve().relative_to(root.resolve())) if _inside(path, root) else path.name
    return Document(doc_id=content_hash(text), text=text, path=rel, meta=meta)


def load_corpus(directory: str | Path | None = None) -> list[Document]:
    """Load all documents of a corpus directory (sorted by path, duplicates by content dropped)."""
    root = Path(directory) if directory is not None else DEFAULT_CORPUS
    if not root.exists():
        raise CorpusError(f"corpus directory {root} does not exist; pass an existing folder with --corpus")
    if root.is_file():
        if root.suffix.lower() not in SUFFIXES:
            raise CorpusError(f"{root}: unsupported format; documents are .txt, .md, .html, .pdf or .docx files")
        docs = [load_document(root, root.parent)]
    else:
        files = sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file() and not p.name.startswith("."))
        docs = []
        seen: set[str] = set()
        for p in files:
            d = load_document(p, root)
            if d.doc_id in seen:
                log.warning("%s: same text as an earlier document; skipped", p)
                continue
            seen.add(d.doc_id)
            docs.append(d)
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        raise CorpusError(f"corpus {root} has no non-empty documents (.txt, .md, .html, .pdf, .docx); add at least one")
    return docs


def corpus_hash(docs: list[Document]) -> str:
    return content_hash(*sorted(d.doc_id for d in docs))
