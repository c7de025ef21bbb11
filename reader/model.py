"""The extractive reader: scores answer spans in retrieved passages with a Hugging Face
``AutoModelForQuestionAnswering`` and gives a SQuAD v2 style no-answer score.

All (question, passage) pairs go through the model in one batched forward pass (passages
longer than ``max_length`` tokens are split into overlapping features). For each feature the
best span (start <= end, at most ``max_answer_tokens`` long, inside the passage) is found
exactly over the start/end logit matrix, and the null score is the [CLS] start+end logit (less
``answer_head_weight`` x the logit of an answerability head trained with the span head, where the
model directory has one: ``answerability.safetensors``, written by ``reader.train --answer-head``).
The default model is the project's own, shipped in ``reader/model``; any local directory or
hub id of an extractive QA model works (``--reader``). Model and tokenizer load lazily, once:
on the CPU a local model runs on ONNX Runtime with no PyTorch in the process (``reader.onnx``),
otherwise on PyTorch; both tokenize with ``reader.encode``. This module does not decide whether to abstain or which sentences to cite (reader.assemble).
"""
from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from statementqa.retrieval.errors import ModelError
from statementqa.retrieval.modes import ReaderBackend, values
from statementqa.retrieval.offline import offline_environment
from statementqa.retrieval.quantize import quantize_int8
from statementqa.retrieval.types import Passage

from .encode import PairEncoder
from .onnx import OnnxReader, onnx_reader

ALTERNATIVES = 3  # next best spans kept per feature (ReadOut.alternatives)
DEFAULT_READER = Path(__file__).resolve().parent / "model"
log = logging.getLogger(__name__)


def cpu_has_amx_bf16(cpuinfo: str | None = None) -> bool:
    """Whether this CPU has AMX bf16 tiles (Linux /proc/cpuinfo flags; False where unknown)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return False
    return any(line.startswith("flags") and "amx_bf16" in line.split() for line in cpuinfo.splitlines())


@dataclass(frozen=True)
class Span:
    passage: int  # index into the passages given to read()
    start: int  # character offsets within that passage's text
    end: int
    score: float  # start + end logit
    # no-answer score of the same feature: the [CLS] start + end logit, minus
    # ``answer_head_weight`` x the answerability head's logit where the reader has one
    null_score: float
    answerability: float = 0.0  # the answerability head's logit for this feature (0 without a head)


@dataclass
class ReadOut:
    spans: list[Span]  # best first, at most one per feature
    # The next best spans of each feature (up to ``ALTERNATIVES`` each, overlapping neither the
    # feature's best span nor each other), best first: what answer assembly may fall back on when
    # the best span cannot be the answer (``reader.tense``).
    alternatives: list[Span] = field(default_factory=list)


def _check_dir(path: Path) -> None:
    if not (path / "config.json").exists():
        raise ModelError(f"reader model directory {path} has no config.json; "
                         f"point --reader at a Hugging Face QA model directory (or restore reader/model from git)")
    if not any(path.glob("*.safetensors")) and not any(path.glob("*.bin")):
        raise ModelError(f"reader model directory {path} has no weights (*.safetensors); restore it with `git checkout -- {path}`")


def _resolve(name: str) -> tuple[str, bool]:
    """(path or hub id, whether it is a local directory); a local path is checked for a config and weights."""
    p = Path(name)
    if p.exists() or name.startswith((".", "/", "~")) or name.count("/") > 1:
        p = p.expanduser()
        if not p.exists():
            raise ModelError(f"reader model path {p} does not exist; pass an existing model directory or a hub id with --reader")
        _check_dir(p)
        return str(p), True
    return name, False


@lru_cache(maxsize=4)
def _calibration(path: str) -> dict:
    f = Path(path) / "calibration.json"
    return json.loads(f.read_text(encoding="utf-8")) if f.exists() else {}


ANSWER_HEAD_FILE = "answerability.safetensors"  # written by reader.train --answer-head


@lru_cache(maxsize=4)
def answer_head(path: str) -> tuple[np.ndarray, float] | None:
    """(weight [hidden], bias) of the answerability head saved beside a local model, or None."""
    f = Path(path) / ANSWER_HEAD_FILE
    if not f.exists():
        return None
    from safetensors.numpy import load_file

    t = load_file(f)
    return t["weight"].astype(np.float32).reshape(-1), float(t["bias"].reshape(-1)[0])


def attach_answer_head(model, init: str | os.PathLike) -> None:
    """Give ``model`` an ``answerability`` head (Linear(hidden, 1) on the final [CLS] vector): the one
    saved beside ``init`` when there is one (read afresh, not through ``answer_head``'s cache: training
    writes it), else one that starts as minus the null score. Used by reader.train and the ONNX export."""
    import torch

    head = torch.nn.Linear(model.config.hidden_size, 1)
    f = Path(init) / ANSWER_HEAD_FILE
    if f.exists():
        from safetensors.torch import load_file

        head.load_state_dict({k: v.float() for k, v in load_file(f).items()})
    else:  # minus the model's own null score (the [CLS] start + end logit): what it knows already
        qa = model.qa_outputs
        with torch.no_grad():
            head.weight.copy_(-qa.weight.sum(0, keepdim=True))
            head.bias.copy_(-qa.bias.sum(0, keepdim=True))
    model.answerability = head


@lru_cache(maxsize=4)
def _load(name: str, device: str, int8: bool = False, bf16: bool = False):
    """The PyTorch model and the pair encoder of its tokenizer (the ONNX path never calls this);
    ``bf16``: the weights cast to bfloat16 (``--reader-backend torch-bf16``)."""
    offline_environment()
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    src, local = _resolve(name)
    try:
        tok = AutoTokenizer.from_pretrained(src)
        model = AutoModelForQuestionAnswering.from_pretrained(src, dtype=torch.float32)
    except ModelError:
        raise
    except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
        hint = ("the files look corrupt; restore them (git checkout) or retrain with `python -m statementqa.reader.train`"
                if local else "offline, only local directories work: download it elsewhere and pass its path")
        raise ModelError(f"cannot load reader model {name!r}: {e.__class__.__name__}: {str(e)[:160]}; {hint}") from None
    if not getattr(tok, "is_fast", False):
        raise ModelError(f"reader {name!r} has no fast tokenizer (needed for character offsets); use a model with tokenizer.json")
    model.eval().to(device)
    if int8 and device == "cpu":
        model = quantize_int8(model)
    elif bf16:
        if device == "cpu" and not cpu_has_amx_bf16():
            log.warning("--reader-backend torch-bf16 on a CPU without AMX bf16 tiles: bfloat16 is emulated here and "
                        "reads slower than the default; use --reader-backend auto")
        model = model.to(torch.bfloat16)
    return PairEncoder.from_hf(tok), model


class Reader:
    def __init__(self, model: str | os.PathLike | None = None, device: str = "cpu", max_answer_tokens: int = 30,
                 max_length: int = 256, stride: int = 64, int8: bool = False,
                 backend: str = "auto", cache_dir: str | os.PathLike | None = None, threads: int | None = None):
        self.name = str(model or DEFAULT_READER)
        self.device = device
        self.max_answer_tokens = max_answer_tokens
        self.max_length = max_length
        self.stride = stride
        self.int8 = int8
        if backend not in values(ReaderBackend):
            raise ModelError(f"reader backend must be one of {', '.join(values(ReaderBackend))} (got {backend!r})")
        if backend == ReaderBackend.TORCH_BF16 and int8:
            raise ModelError("the reader is either int8 or bfloat16: drop --int8 reader or pick another --reader-backend")
        self.backend = backend
        self.cache_dir = str(cache_dir) if cache_dir else None  # where the ONNX export is kept
        # CPU threads per forward pass (default: the cores, at most 8); the app gives each of its
        # concurrent requests a share. Set before the first read.
        self.threads = threads
        self._lock = threading.Lock()
        self.answer_head_weight: float | None = None  # None: calibration.json's (see head_weight)

    def _threads(self) -> int:
        from statementqa.retrieval.embed_onnx import default_threads

        return max(1, self.threads or default_threads())

    def load(self):
        """The PyTorch model and its pair encoder (loads PyTorch; the ONNX path does not need it)."""
        with self._lock:
            enc, model = _load(self.name, self.device, self.int8, self.backend == ReaderBackend.TORCH_BF16)
        if self.threads:
            import torch

            torch.set_num_threads(self._threads())
        return enc, model

    def warm_up(self) -> None:
        """Load what ``read`` will use (the ONNX session, or PyTorch); a bad ``--reader`` fails here with a clear error."""
        if self.session() is None:
            self.load()

    def session(self) -> OnnxReader | None:
        """The ONNX Runtime reader when that backend applies (auto: local model, CPU, not int8), else None."""
        if self.backend in (ReaderBackend.TORCH, ReaderBackend.TORCH_BF16) or self.device != "cpu" or self.int8:
            return None
        src, local = _resolve(self.name)  # clear errors for a missing or incomplete directory
        with self._lock:
            sess = onnx_reader(src, self._threads(), self.cache_dir) if local else None
        if sess is None and self.backend == "onnx":
            self.load()  # names the problem when the model itself cannot load
            raise ModelError("the onnx reader backend needs onnxruntime and a local model directory with a fast tokenizer")
        return sess

    @property
    def calibration(self) -> dict:
        src, local = _resolve(self.name)
        return _calibration(src) if local else {}

    def has_answer_head(self) -> bool:
        """Whether the reader is a local model with an answerability head (``answerability.safetensors``)."""
        src, local = _resolve(self.name)
        return local and answer_head(src) is not None

    def head_weight(self) -> float:
        """How much the answerability head's logit counts against the null score: ``answer_head_weight``
        (set by eval.calibrate while it fits), else calibration.json's; 0 without a head."""
        if not self.has_answer_head():
            return 0.0
        src, _ = _resolve(self.name)
        if self.answer_head_weight is not None:
            return self.answer_head_weight
        return float(_calibration(src).get("answer_head_weight", 0.0))

    def local_dir(self) -> Path | None:
        """The reader's model directory (where ``calibration.json`` lives); None for a hub id."""
        src, local = _resolve(self.name)
        return Path(src) if local else None

    def read(self, question: str, passages: list[Passage] | list[str], contexts: list[str] | None = None) -> ReadOut:
        """Best span per feature; ``contexts[i]`` (e.g. "Secretary Nielsen said: ", see
        ``retrieval.quotes``) is read before passage i but never answered from: span offsets are
        always within the passage's own text."""
        texts = [p.text if isinstance(p, Passage) else p for p in passages]
        if not texts:
            return ReadOut([])
        pre = [c or "" for c in contexts] if contexts else [""] * len(texts)
        if len(pre) != len(texts):
            raise ValueError("contexts must give one string per passage")
        texts = [c + t for c, t in zip(pre, texts)]
        sess = self.session()
        encoder, model = (sess.encoder, None) if sess is not None else self.load()
        # A question longer than a quarter of the window would leave no room for the passage.
        question = encoder.cut_question(question, max(8, self.max_length // 4))
        enc = encoder.encode(question, texts, self.max_length, self.stride)
        A = None  # the answerability head's logit per feature, where the reader has a head
        if sess is not None:
            S, E, *rest = sess.session.run(None, enc.arrays)  # type: ignore[attr-defined]
            A = rest[0] if rest else None
        else:
            import torch

            assert model is not None
            src, local = _resolve(self.name)
            head = answer_head(src) if local else None
            with torch.inference_mode():
                out = model(**{k: torch.from_numpy(v).to(self.device) for k, v in enc.arrays.items()},
                            output_hidden_states=head is not None)
            S = out.start_logits.float().cpu().numpy()
            E = out.end_logits.float().cpu().numpy()
            if head is not None:
                A = out.hidden_states[-1][:, 0].float().cpu().numpy() @ head[0] + head[1]
        a = np.asarray(A, dtype=np.float32).reshape(-1) if A is not None else None
        w = self.head_weight() if a is not None else 0.0
        return _read_out(S, E, enc, [len(c) for c in pre], self.max_answer_tokens, answerability=a, head_weight=w)


def _read_out(S: np.ndarray, E: np.ndarray, enc, skips: list[int], max_answer_tokens: int,
              alternatives: int = ALTERNATIVES, answerability: np.ndarray | None = None,
              head_weight: float = 0.0) -> ReadOut:
    """Each feature's best span (start <= end, at most ``max_answer_tokens`` long, inside the passage
    and after its context prefix: ``skips[i]`` characters of pair i), best first, and its next
    ``alternatives`` best spans that overlap neither it nor each other (each an exact argmax after
    masking every span that overlaps one already taken). ``answerability[f]``: the answerability
    head's logit of feature f, which lowers its null score by ``head_weight`` times itself."""
    spans: list[Span] = []
    alts: list[Span] = []
    offsets = enc.offsets
    for f, pair in enumerate(enc.mapping):
        skip = skips[pair]
        m = span_scores(S[f], E[f], enc, f, skip, max_answer_tokens)
        a_f = float(answerability[f]) if answerability is not None else 0.0
        null = float(S[f, 0] + E[f, 0]) - head_weight * a_f
        for n in range(alternatives + 1):
            bi, bj = divmod(int(np.argmax(m)), len(m))
            if not np.isfinite(m[bi, bj]):
                break
            span = Span(pair, int(offsets[f][bi][0]) - skip, int(offsets[f][bj][1]) - skip, float(m[bi, bj]), null, a_f)
            (alts if n else spans).append(span)
            m[: bj + 1, bi:] = -np.inf  # every span [i, j] with i <= bj and j >= bi overlaps this one
    spans.sort(key=lambda x: -x.score)
    alts.sort(key=lambda x: -x.score)
    return ReadOut(spans, alts)


def span_scores(s_f: np.ndarray, e_f: np.ndarray, enc, f: int, skip: int, max_answer_tokens: int) -> np.ndarray:
    """(L, L) start + end score of every span [i, j] of feature ``f``; -inf where it is not an
    answer: outside the passage or in its context prefix (``skip`` characters), end before start,
    or ``max_answer_tokens`` tokens or longer."""
    ctx = np.array([s == 1 and enc.offsets[f][t][0] >= skip for t, s in enumerate(enc.sequence_ids[f])])
    s = np.where(ctx, s_f, -np.inf)
    e = np.where(ctx, e_f, -np.inf)
    m = s[:, None] + e[None, :]
    i, j = np.indices(m.shape)
    m[(j < i) | (j - i >= max_answer_tokens)] = -np.inf
    return m
