"""The extractive reader: scores answer spans in retrieved passages with a Hugging Face
``AutoModelForQuestionAnswering`` and gives a SQuAD v2 style no-answer score.

All (question, passage) pairs go through the model in one batched forward pass (passages
longer than ``max_length`` tokens are split into overlapping features). For each feature the
best span (start <= end, at most ``max_answer_tokens`` long, inside the passage) is found
exactly over the start/end logit matrix, and the null score is the [CLS] start+end logit.
The default model is the project's own, shipped in ``reader/model``; any local directory or
hub id of an extractive QA model works (``--reader``). Model and tokenizer load lazily, once.
This module does not decide whether to abstain or which sentences to cite (reader.assemble).
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from statementqa.retrieval.errors import ModelError
from statementqa.retrieval.modes import ReaderBackend, values
from statementqa.retrieval.offline import offline_environment
from statementqa.retrieval.quantize import quantize_int8
from statementqa.retrieval.types import Passage

from .onnx import onnx_session

DEFAULT_READER = Path(__file__).resolve().parent / "model"


@dataclass(frozen=True)
class Span:
    passage: int  # index into the passages given to read()
    start: int  # character offsets within that passage's text
    end: int
    score: float  # start + end logit
    null_score: float  # [CLS] start + end logit of the same feature


@dataclass
class ReadOut:
    spans: list[Span]  # best first, at most one per feature


def _check_dir(path: Path) -> None:
    if not (path / "config.json").exists():
        raise ModelError(f"reader model directory {path} has no config.json; "
                         f"point --reader at a Hugging Face QA model directory (or restore reader/model from git)")
    if not any(path.glob("*.safetensors")) and not any(path.glob("*.bin")):
        raise ModelError(f"reader model directory {path} has no weights (*.safetensors); restore it with `git checkout -- {path}`")


@lru_cache(maxsize=4)
def _load(name: str, device: str, int8: bool = False):
    offline_environment()
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    p = Path(name)
    looks_local = p.exists() or name.startswith((".", "/", "~")) or name.count("/") > 1
    if looks_local:
        p = p.expanduser()
        if not p.exists():
            raise ModelError(f"reader model path {p} does not exist; pass an existing model directory or a hub id with --reader")
        _check_dir(p)
    try:
        tok = AutoTokenizer.from_pretrained(str(p) if looks_local else name)
        model = AutoModelForQuestionAnswering.from_pretrained(str(p) if looks_local else name, dtype=torch.float32)
    except ModelError:
        raise
    except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
        hint = ("the files look corrupt; restore them (git checkout) or retrain with `python -m statementqa.reader.train`"
                if looks_local else "offline, only local directories work: download it elsewhere and pass its path")
        raise ModelError(f"cannot load reader model {name!r}: {e.__class__.__name__}: {str(e)[:160]}; {hint}") from None
    if not getattr(tok, "is_fast", False):
        raise ModelError(f"reader {name!r} has no fast tokenizer (needed for character offsets); use a model with tokenizer.json")
    model.eval().to(device)
    if int8 and device == "cpu":
        model = quantize_int8(model)
    calib = {}
    if looks_local and (p / "calibration.json").exists():
        calib = json.loads((p / "calibration.json").read_text())
    return tok, model, calib


class Reader:
    def __init__(self, model: str | os.PathLike | None = None, device: str = "cpu", max_answer_tokens: int = 30,
                 max_length: int = 256, stride: int = 64, int8: bool = False,
                 backend: str = "auto", cache_dir: str | os.PathLike | None = None):
        self.name = str(model or DEFAULT_READER)
        self.device = device
        self.max_answer_tokens = max_answer_tokens
        self.max_length = max_length
        self.stride = stride
        self.int8 = int8
        if backend not in values(ReaderBackend):
            raise ModelError(f"reader backend must be auto, torch or onnx (got {backend!r})")
        self.backend = backend
        self.cache_dir = str(cache_dir) if cache_dir else None  # where the ONNX export is kept
        self._lock = threading.Lock()
        # Fast tokenizers are not safe to call from several threads at once ("Already borrowed").
        self._tok_lock = threading.Lock()

    def load(self):
        with self._lock:
            return _load(self.name, self.device, self.int8)

    def session(self):
        """The ONNX Runtime session when that backend applies (auto: local model, CPU, not int8), else None."""
        if self.backend == "torch" or self.device != "cpu" or self.int8:
            return None
        import torch

        self.load()  # validates the model directory first, with clear errors
        with self._lock:
            tok, model, _ = _load(self.name, "cpu", False)
            sess = onnx_session(str(Path(self.name).expanduser()), torch.get_num_threads(), self.cache_dir, tok, model)
        if sess is None and self.backend == "onnx":
            raise ModelError("the onnx reader backend needs onnxruntime and a local model directory")
        return sess

    @property
    def calibration(self) -> dict:
        return self.load()[2]

    def read(self, question: str, passages: list[Passage] | list[str], contexts: list[str] | None = None) -> ReadOut:
        """Best span per feature; ``contexts[i]`` (e.g. "Secretary Nielsen said: ", see
        ``retrieval.quotes``) is read before passage i but never answered from: span offsets are
        always within the passage's own text."""
        import torch

        tok, model, _ = self.load()
        texts = [p.text if isinstance(p, Passage) else p for p in passages]
        if not texts:
            return ReadOut([])
        pre = [c or "" for c in contexts] if contexts else [""] * len(texts)
        if len(pre) != len(texts):
            raise ValueError("contexts must give one string per passage")
        texts = [c + t for c, t in zip(pre, texts)]
        # A question longer than a quarter of the window would leave no room for the passage.
        max_q = max(8, self.max_length // 4)
        with self._tok_lock:
            qoff = tok(question, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
            if len(qoff) > max_q:
                question = question[: qoff[max_q - 1][1]]
            enc = tok([question] * len(texts), texts, truncation="only_second", max_length=self.max_length,
                      stride=self.stride, return_overflowing_tokens=True, return_offsets_mapping=True,
                      padding=True, return_tensors="pt")
        mapping = enc.pop("overflow_to_sample_mapping").tolist()
        offsets = enc.pop("offset_mapping").numpy()
        seq_ids = [enc.sequence_ids(i) for i in range(len(mapping))]
        sess = self.session()
        if sess is not None:
            S, E = sess.run(None, {i.name: enc[i.name].numpy() for i in sess.get_inputs()})
        else:
            inputs = {k: v.to(self.device) for k, v in enc.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
            with torch.inference_mode():
                out = model(**inputs)
            S = out.start_logits.float().cpu().numpy()
            E = out.end_logits.float().cpu().numpy()
        spans = []
        for f in range(len(mapping)):
            skip = len(pre[mapping[f]])
            ctx = np.array([s == 1 and offsets[f][t][0] >= skip for t, s in enumerate(seq_ids[f])])
            null = float(S[f, 0] + E[f, 0])
            s = np.where(ctx, S[f], -np.inf)
            e = np.where(ctx, E[f], -np.inf)
            m = s[:, None] + e[None, :]
            L = len(s)
            i, j = np.indices((L, L))
            m[(j < i) | (j - i >= self.max_answer_tokens)] = -np.inf
            best = int(np.argmax(m))
            bi, bj = divmod(best, L)
            if not np.isfinite(m[bi, bj]):
                continue
            skip = len(pre[mapping[f]])
            spans.append(Span(mapping[f], int(offsets[f][bi][0]) - skip, int(offsets[f][bj][1]) - skip, float(m[bi, bj]), null))
        spans.sort(key=lambda x: -x.score)
        return ReadOut(spans)
