"""Where exported ONNX models live and how each is made once: the three files of one export
(``<stem>.onnx`` graph, ``<stem>.tokenizer.json`` fast tokenizer, ``<stem>.json`` manifest, the
manifest written last so that an entry without it is exported again) and ``export_once``, which
runs an exporter in a child process so that the calling process never loads PyTorch for it.

Used by the embedder (``retrieval.embed_onnx``) and the reader (``reader.onnx``). This module does
not export anything itself, choose a backend or open a session.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable


def cache_files(stem: str | Path) -> tuple[Path, Path, Path]:
    """The graph, the tokenizer and the manifest of one export (``<stem>.onnx``, ``.tokenizer.json``, ``.json``)."""
    return Path(f"{stem}.onnx"), Path(f"{stem}.tokenizer.json"), Path(f"{stem}.json")


def export_once(module: str, export: Callable[[str, str], object], path: str, stem: str) -> None:
    """Run ``export(path, stem)`` as ``python -m <module> <path> <stem>`` in a child process; in
    this process when it has loaded PyTorch already (a PyTorch reader or embedder, tests):
    nothing to save there, and a child would load it again."""
    if "torch" in sys.modules:
        export(path, stem)
        return
    r = subprocess.run([sys.executable, "-m", module, path, stem],
                       capture_output=True, text=True, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"export exited with {r.returncode}: {last[:200]}")


def cached_export(cache: Path, name: str, module: str, export: Callable[[str, str], object], path: str,
                  version: int) -> tuple[Path, Path, dict]:
    """(graph, tokenizer file, manifest) of ``<cache>/<name>``, exported first when its manifest is
    missing; raises when a cached manifest has another version. The manifest may say ``unsupported``."""
    stem = cache / name
    graph, tok_file, mfile = cache_files(stem)
    if not mfile.exists():
        cache.mkdir(parents=True, exist_ok=True)
        export_once(module, export, path, str(stem))
    m = json.loads(mfile.read_text(encoding="utf-8"))
    if not m.get("unsupported") and m.get("version") != version:
        raise RuntimeError(f"cached export {mfile.name} has manifest version {m.get('version')}; delete it to re-export")
    return graph, tok_file, m
