"""Rebuild a full fp16 reader directory from what gpu.sh returns: the returned tensors (every weight
but the word embeddings, in 15 MiB parts) plus the shipped reader's word embeddings (frozen in
training, so unchanged), the shipped config and tokenizer, and the variant's training_args.json.
The calibration is dropped: calibrate the result again. Experiment only, not shipped code.

    python docs/experiments/reader-v3-gpu/merge.py FILES_DIR VARIANT OUT_DIR      # VARIANT: E, F or G
"""

from __future__ import annotations

import shutil
import sys
import tarfile
from pathlib import Path

from safetensors.torch import load_file, save_file

WORD = "bert.embeddings.word_embeddings.weight"


def main(argv: list[str]) -> None:
    src, v, dst = Path(argv[0]), argv[1], Path(argv[2])
    parts = sorted(src.glob(f"{v}.rest.part*"))
    if not parts:
        raise SystemExit(f"error: no {v}.rest.part* in {src}")
    joined = dst.with_name(dst.name + ".rest.safetensors")
    joined.write_bytes(b"".join(p.read_bytes() for p in parts))
    rest = load_file(str(joined))
    joined.unlink()
    shipped = load_file("reader/model/model.safetensors")
    if set(shipped) != set(rest) | {WORD}:
        raise SystemExit(f"error: tensors differ from the shipped reader's: {sorted(set(shipped) ^ set(rest))}")
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree("reader/model", dst)
    (dst / "calibration.json").unlink()
    save_file({**rest, WORD: shipped[WORD]}, str(dst / "model.safetensors"), metadata={"format": "pt"})
    with tarfile.open(src / "logs.tgz") as t:
        name = f"{v}.training_args.json"
        if name in t.getnames():
            (dst / "training_args.json").write_bytes(t.extractfile(name).read())  # type: ignore[union-attr]
    print(f"{v} -> {dst}: {len(rest) + 1} tensors")


if __name__ == "__main__":
    main(sys.argv[1:])
