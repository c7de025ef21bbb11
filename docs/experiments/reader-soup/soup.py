"""Average the weights of readers fine-tuned from the same start (a "model soup", Wortsman et al.
2022): same architecture, so reading latency is unchanged.

    python docs/experiments/reader-soup/soup.py OUT_DIR READER_DIR[:WEIGHT] READER_DIR[:WEIGHT] ...

Averages in float32 and writes float16 safetensors plus the first reader's config and tokenizer
(the calibration is dropped: a soup has to be calibrated again). Experiment only, not shipped code.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def main(argv: list[str]) -> None:
    out, *parts = argv
    if len(parts) < 2:
        raise SystemExit("usage: soup.py OUT_DIR READER_DIR[:WEIGHT] READER_DIR[:WEIGHT] ...")
    dirs, weights = [], []
    for p in parts:
        d, _, w = p.partition(":")
        dirs.append(Path(d))
        weights.append(float(w) if w else 1.0)
    total = sum(weights)
    acc: dict[str, torch.Tensor] = {}
    for d, w in zip(dirs, weights):
        sd = load_file(str(d / "model.safetensors"))
        for k, v in sd.items():
            acc[k] = acc.get(k, 0) + v.float() * (w / total)
    Path(out).mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "training_args.json"):
        if (dirs[0] / name).exists():
            shutil.copy(dirs[0] / name, Path(out) / name)
    save_file({k: v.half().contiguous() for k, v in acc.items()}, str(Path(out) / "model.safetensors"),
              metadata={"format": "pt", "soup": ",".join(f"{d}:{w}" for d, w in zip(dirs, weights))})
    print(f"wrote {out}: {len(acc)} tensors from {len(dirs)} readers, weights {weights}")


if __name__ == "__main__":
    main(sys.argv[1:])
