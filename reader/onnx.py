"""ONNX Runtime backend of the reader: exports a local PyTorch reader once (cached under the data
directory by the weights' content hash, written atomically) and opens an inference session.

Same weights, same outputs (max |diff| ~1e-5 in logits; tested against PyTorch), about 2x faster
than PyTorch on this CPU. It does not tokenize, decode spans or decide which backend to use
(``reader.model.Reader.session``).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from statementqa.retrieval.atomic import atomic_target, model_hash


@lru_cache(maxsize=4)
def onnx_session(name: str, threads: int, cache_dir: str | None, tok, model):
    """An ONNX Runtime session for a local reader, exported once and cached by content hash.

    Same weights, same outputs (max |diff| ~1e-5 in logits), about 2x faster than PyTorch on
    this CPU. Returns None (and PyTorch is used) when onnxruntime is missing or export fails.
    """
    import logging
    import warnings

    log = logging.getLogger(__name__)
    try:
        import onnxruntime as ort
        import torch
    except ImportError:
        return None
    from statementqa.retrieval.paths import default_data_dir

    p = Path(name)
    if not p.is_dir():
        return None
    cache = Path(cache_dir or default_data_dir()) / "onnx"
    target = cache / f"reader-{model_hash(p)}.onnx"
    try:
        if not target.exists():
            cache.mkdir(parents=True, exist_ok=True)
            names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok.model_input_names]

            class Wrapped(torch.nn.Module):
                def __init__(self, m):
                    super().__init__()
                    self.m = m

                def forward(self, *xs):
                    out = self.m(**dict(zip(names, xs)))
                    return out.start_logits, out.end_logits

            sample = tok(["a question?"] * 2, ["a short passage of text."] * 2, return_tensors="pt", padding=True)
            with atomic_target(target) as tmp, warnings.catch_warnings(), torch.inference_mode():
                warnings.simplefilter("ignore")
                torch.onnx.export(Wrapped(model).eval(), tuple(sample[n] for n in names), str(tmp), input_names=names,
                                  output_names=["start_logits", "end_logits"], opset_version=17, dynamo=False,
                                  dynamic_axes={n: {0: "batch", 1: "seq"} for n in [*names, "start_logits", "end_logits"]})
        so = ort.SessionOptions()
        so.intra_op_num_threads = max(1, threads)
        so.inter_op_num_threads = 1
        return ort.InferenceSession(str(target), so, providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001 - fall back to PyTorch, which always works
        log.warning("ONNX Runtime reader unavailable (%s: %s); using PyTorch", e.__class__.__name__, str(e)[:200])
        return None
