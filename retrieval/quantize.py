"""Dynamic int8 quantization of a PyTorch model's Linear layers (CPU), shared by the embedder and
the reader. Used only where the measured accuracy loss is acceptable (see README); it loads no
model and decides nothing about when to quantize."""
from __future__ import annotations


def quantize_int8(model):
    """Dynamic int8 quantization of the Linear layers (CPU): ~3-4x faster reading on this machine;
    used only where measured accuracy stays within 0.5 F1 (see README)."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
