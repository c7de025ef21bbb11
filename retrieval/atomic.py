"""Files on disk: atomic writes (a reader of ``path`` sees the old content or the new one, never
half of it), ``sha256_file``, the content hash the index and training-data manifests record, and
``model_hash`` (a model directory's weights, config and tokenizer, for cached ONNX exports).

``atomic_write_text`` writes, fsyncs and renames a temporary sibling file over ``path``;
``atomic_target`` yields a temporary sibling path for writers that want a file name (NumPy,
``torch.save``, ONNX export, a streamed JSONL file) and renames it over ``path`` when the block
ends without an exception (the temporary file is removed otherwise). Both keep the suffix of
``path`` on the temporary name (some writers append their own). Directories are not handled here
(``retrieval.store`` swaps whole index generations with a pointer file).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def sha256_file(path: str | os.PathLike, h=None) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks (``h``: a hash object to feed instead)."""
    h = h or hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@contextmanager
def atomic_target(path: str | os.PathLike) -> Iterator[Path]:
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise


_HASHED = {"config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
           "sentence_bert_config.json", "modules.json"}


def model_hash(path: Path) -> str:
    """Content hash of a model directory's weights, config and tokenizer files (names ONNX exports
    in the cache, which keep a copy of the tokenizer)."""
    h = hashlib.sha256()
    for f in sorted(Path(path).glob("*")):
        if f.is_file() and (f.suffix in (".safetensors", ".bin") or f.name in _HASHED):
            h.update(f.name.encode())
            sha256_file(f, h)
    return h.hexdigest()[:16]
