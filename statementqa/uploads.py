"""Adding and removing documents from the browser (``statementqa serve --uploads``; off by default).

* ``add_files``: each uploaded file is checked on its own first (type, size, readable: the same
  reader the corpus uses, in a scratch folder), so a broken file gets a one-line reason and the
  others still go in; good files are copied into the corpus folder under a safe name (no path
  parts, never overwriting another document) and the index is rebuilt and swapped atomically
  (``Pipeline.refresh``), so questions in flight finish on the old index;
* ``remove_document``: deletes a document's file (and its ``.meta.json``) from the corpus folder
  and swaps in the rebuilt index;
* a corpus given as a single file, or files that would land outside the corpus folder, are refused.

It renders nothing and knows no Gradio; the app calls it and shows the messages.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from statementqa.retrieval.corpus import MAX_FILE_BYTES, SUFFIXES, load_document
from statementqa.retrieval.errors import UserError

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def corpus_dir(pl) -> Path:
    root = Path(pl.settings.corpus)
    if not root.is_dir():
        raise UserError(f"the corpus is a single file ({root}); start the app with --corpus FOLDER to add documents")
    return root


def safe_name(name: str, folder: Path) -> Path:
    """A file name without path parts or odd characters that does not collide with an existing file."""
    base = _SAFE.sub("-", Path(name).name).strip(".-") or "document"
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    out, n = folder / f"{stem}{suffix}", 2
    while out.exists():
        out, n = folder / f"{stem}-{n}{suffix}", n + 1
    return out


def check_file(path: Path, display_name: str) -> tuple[str | None, str | None]:
    """(None, the document's id) when the file can be a document, else (a one-line reason, None)."""
    suffix = Path(display_name).suffix.lower()
    if suffix not in SUFFIXES:
        return f"{display_name}: unsupported type; use {', '.join(SUFFIXES)}", None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return f"{display_name}: {size / 2**20:.0f} MiB is over the {MAX_FILE_BYTES // 2**20} MiB limit", None
    with tempfile.TemporaryDirectory() as d:
        probe = Path(d) / f"probe{suffix}"
        shutil.copyfile(path, probe)
        try:
            doc = load_document(probe, Path(d))
        except UserError as e:
            return str(e).replace(str(probe), display_name).replace(probe.name, display_name), None
    if not doc.text.strip():
        return f"{display_name}: no text", None
    return None, doc.doc_id


def add_files(pl, files: list[tuple[Path, str]], progress: Callable[[float, str], None] = lambda f, m: None) -> list[str]:
    """Add (path, original name) files to the corpus; returns one message line per file plus the index result."""
    root = corpus_dir(pl)
    known = {d.doc_id for d in pl.index.docs.values()}
    msgs, added = [], []
    for i, (path, name) in enumerate(files):
        progress(0.6 * i / max(1, len(files)), f"checking {name}")
        reason, doc_id = check_file(Path(path), name)
        if reason:
            msgs.append(f"✗ {reason}")
            continue
        if doc_id in known:
            msgs.append(f"= {name}: already in the documents (same text); not added again")
            continue
        target = safe_name(name, root)
        tmp = target.with_name(f".{target.name}.part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)  # atomic: the folder watcher never sees half a file
        added.append(target)
        known.add(doc_id)
        msgs.append(f"✓ {name} added as {target.name}")
    if added:
        progress(0.7, "indexing")
        try:
            info = pl.refresh()
        except UserError as e:
            for t in added:
                t.unlink(missing_ok=True)
            return msgs + [f"✗ indexing failed, nothing was changed: {e}"]
        msgs.append(f"index rebuilt in {info.get('build_s', 0):.1f} s; {len(pl.index.docs)} documents")
    progress(1.0, "done")
    return msgs


def remove_document(pl, doc_id: str) -> str:
    root = corpus_dir(pl)
    doc = pl.index.docs.get(doc_id)
    if doc is None:
        return "✗ that document is no longer in the index"
    if len(pl.index.docs) == 1:
        return "✗ the last document cannot be removed; add another one first"
    path = (root / doc.path).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        return f"✗ {doc.path} is outside the corpus folder; remove it there"
    meta = path.with_name(path.stem + ".meta.json")
    # Moved aside while the index is rebuilt, put back if that fails, deleted once it succeeds
    # (a removed document must not stay behind in a temporary folder).
    with tempfile.TemporaryDirectory(prefix="statementqa-removed-") as aside:
        backup = Path(aside) / path.name
        shutil.move(str(path), backup)
        try:
            pl.refresh()
        except BaseException as e:  # any failure (not only a user error) puts the document back
            shutil.move(str(backup), path)
            if not isinstance(e, UserError):
                raise
            return f"✗ could not rebuild the index, the document stays: {e}"
    if meta.exists():
        meta.unlink()
    return f"✓ removed {doc.title} ({doc.path}); {len(pl.index.docs)} documents"
