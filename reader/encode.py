"""The reader's tokenization: (question, passage) pairs turned into model inputs with the
``tokenizers`` library alone, exactly as a Hugging Face fast tokenizer's call
``tok([q] * n, texts, truncation="only_second", max_length=..., stride=...,
return_overflowing_tokens=True, return_offsets_mapping=True, padding=True)`` makes them (tested
against that call): a passage longer than the window becomes several overlapping features, all
padded to the longest, each with its passage index, character offsets and sequence ids.

Used by both backends, so the ONNX reader needs neither PyTorch nor ``transformers``. The
settings that call takes from the tokenizer object (padding token and side, truncation side) are
``hf_settings``; the ONNX export stores them in its manifest. This module does not run a model or
decode spans (``reader.model``).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Encoded:
    arrays: dict[str, np.ndarray]  # input_ids, attention_mask, token_type_ids: int64, (features, tokens)
    mapping: list[int]  # feature -> index of its (question, passage) pair
    offsets: np.ndarray  # (features, tokens, 2) character offsets into the question or the passage
    sequence_ids: list[list[int | None]]  # per token: 0 question, 1 passage, None special or padding


def hf_settings(tok) -> dict:
    """Padding and truncation settings of a ``transformers`` fast tokenizer (JSON-serialisable)."""
    return {"pad_id": int(tok.pad_token_id or 0), "pad_type_id": int(getattr(tok, "pad_token_type_id", 0) or 0),
            "pad_token": str(tok.pad_token or "[PAD]"), "padding_side": str(getattr(tok, "padding_side", "right")),
            "truncation_side": str(getattr(tok, "truncation_side", "right")),
            "names": [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok.model_input_names]}


class PairEncoder:
    """Question/passage features from a ``tokenizers.Tokenizer`` and ``hf_settings``; thread-safe."""

    def __init__(self, tokenizer, settings: dict):
        from tokenizers import Tokenizer

        # Private copies, each configured once and then only read: one for the question alone and
        # one per (window, stride) for the pairs. A Tokenizer's truncation and padding are state, so
        # a shared one would have to be reconfigured (and locked) on every call; read-only copies
        # let concurrent questions tokenize at the same time.
        self._json = tokenizer.to_str()
        self._q = Tokenizer.from_str(self._json)
        self._q.no_truncation()
        self._q.no_padding()
        self._pairs: dict[tuple[int, int], object] = {}
        self.settings = dict(settings)
        self.names = tuple(settings["names"])
        self._lock = threading.Lock()  # guards only the creation of a configured copy

    @classmethod
    def from_hf(cls, tok) -> "PairEncoder":
        return cls(tok.backend_tokenizer, hf_settings(tok))

    def cut_question(self, question: str, max_tokens: int) -> str:
        """The question cut after its first ``max_tokens`` tokens (unchanged when shorter)."""
        offsets = self._q.encode(question, add_special_tokens=False).offsets
        return question[: offsets[max_tokens - 1][1]] if len(offsets) > max_tokens else question

    def _pair(self, max_length: int, stride: int):
        """The pair tokenizer for this window and stride, configured once and never changed after."""
        key = (int(max_length), int(stride))
        tok = self._pairs.get(key)
        if tok is None:
            with self._lock:
                tok = self._pairs.get(key)
                if tok is None:
                    from tokenizers import Tokenizer

                    s = self.settings
                    tok = Tokenizer.from_str(self._json)
                    tok.enable_truncation(max_length, stride=stride, strategy="only_second",
                                          direction=s.get("truncation_side", "right"))
                    tok.enable_padding(direction=s.get("padding_side", "right"), pad_id=s["pad_id"],
                                       pad_type_id=s["pad_type_id"], pad_token=s["pad_token"])
                    self._pairs[key] = tok
        return tok

    def encode(self, question: str, texts: list[str], max_length: int, stride: int) -> Encoded:
        encs = self._pair(max_length, stride).encode_batch([(question, t) for t in texts])
        feats, mapping = [], []
        for i, e in enumerate(encs):
            for f in (e, *e.overflowing):
                feats.append(f)
                mapping.append(i)
        cols = {"input_ids": [f.ids for f in feats], "attention_mask": [f.attention_mask for f in feats],
                "token_type_ids": [f.type_ids for f in feats]}
        arrays = {n: np.asarray(cols[n], dtype=np.int64) for n in self.names}
        offsets = np.asarray([f.offsets for f in feats], dtype=np.int64).reshape(len(feats), -1, 2)
        return Encoded(arrays, mapping, offsets, [f.sequence_ids for f in feats])
