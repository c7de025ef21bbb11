"""Training data for the reader: SQuAD questions as compact token arrays, and the per-epoch
sampling of reader inputs shaped like what the reader sees at run time.

Two jobs, kept apart so that training can run where the retrieval stack is not installed
(e.g. a lent GPU machine):

* ``prepare()`` reads SQuAD JSON, segments every paragraph with the retriever's segmenter,
  tokenizes each paragraph once (with character offsets) and each question once (cut to a
  quarter of the reader window, as ``reader.model.Reader.read`` does), and stores everything
  as flat integer arrays: paragraph tokens, sentence boundaries in token coordinates, answer
  token spans, and for unanswerable questions the sentence that shares most words with the
  question (its "focus"). ``save()``/``load()`` persist that as one ``.npz`` with a manifest
  (sources' sha256, tokenizer, counts), written atomically; they are inverses (tested).
* ``sample_epoch()`` draws, for one epoch and seed, one input per question: a window of 1-4
  whole sentences around the answer (or the focus), or with probability ``p_whole`` the whole
  paragraph (a window of the paragraph where it does not fit), plus with probability
  ``neg_ratio`` a window of the same paragraph without the answer, labelled no-answer. A
  sample is (question, paragraph, first token, end token, start label, end label) in the
  paragraph's token coordinates; ``collate()`` turns a batch into padded model inputs
  ``[CLS] question [SEP] window [SEP]`` with the labels shifted accordingly ([CLS] = 0 means
  no answer). Deterministic for a given (seed, epoch).

It does not train, evaluate or load a model.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.atomic import atomic_target

FORMAT = 1
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of in on at to for by with from and or but is was were are be been being what which who whom whose "
    "when where why how did do does that this these those it its as than then there their they he she his her".split()
)


@dataclass
class TrainSet:
    ctx_tok: np.ndarray  # uint16/int32, all paragraph tokens concatenated (no special tokens)
    ctx_ptr: np.ndarray  # int64 [n_ctx + 1]
    sent_ptr: np.ndarray  # int64 [n_ctx + 1] into sent_span
    sent_span: np.ndarray  # int32 [n_sent, 2] token [start, end) of each sentence, per paragraph
    q_tok: np.ndarray  # question tokens concatenated
    q_ptr: np.ndarray  # int64 [n_q + 1]
    q_ctx: np.ndarray  # int32 [n_q] paragraph of each question
    q_ans: np.ndarray  # int32 [n_q, 2] answer token [start, end] inclusive; -1 for unanswerable
    q_focus: np.ndarray  # int32 [n_q] sentence index (within the paragraph) most like the question
    manifest: dict

    @property
    def n_questions(self) -> int:
        return len(self.q_ctx)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _token_index(offsets: np.ndarray, char: int, side: str) -> int:
    """Index of the token that holds ``char`` (side="start") or ends at/after it (side="end")."""
    if side == "start":
        return int(np.searchsorted(offsets[:, 1], char, side="right"))
    return int(np.searchsorted(offsets[:, 0], char, side="left")) - 1


def prepare(tokenizer, sources: list[tuple[str, list]], max_question_tokens: int = 64, progress: bool = True) -> TrainSet:
    """Build the arrays from ``sources``: (name, list of reader.squad.QA)."""
    from tqdm import tqdm

    from retrieval.segment import segment

    ctx_index: dict[str, int] = {}
    ctx_tok, ctx_ptr, sent_ptr, sent_span = [], [0], [0], []
    ctx_offsets: list[np.ndarray] = []
    ctx_sent_words: list[list[set[str]]] = []
    q_tok, q_ptr, q_ctx, q_ans, q_focus = [], [0], [], [], []
    skipped = 0
    counts = {}
    for name, qas in sources:
        counts[name] = {"questions": 0, "unanswerable": 0}
        for q in tqdm(qas, disable=not progress, desc=f"preparing {name}", unit="q"):
            c = ctx_index.get(q.context)
            if c is None:
                enc = tokenizer(q.context, add_special_tokens=False, return_offsets_mapping=True)
                offs = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
                sents = [s for s in segment(q.context, "p")]
                spans, words = [], []
                for s in sents:
                    a = _token_index(offs, s.start, "start")
                    b = _token_index(offs, s.end, "end") + 1
                    if a < b:
                        spans.append((a, b))
                        words.append(_words(s.text))
                if not spans:
                    spans, words = [(0, len(offs))], [_words(q.context)]
                c = ctx_index[q.context] = len(ctx_ptr) - 1
                ctx_tok.extend(enc["input_ids"])
                ctx_ptr.append(len(ctx_tok))
                sent_span.extend(spans)
                sent_ptr.append(len(sent_span))
                ctx_offsets.append(offs)
                ctx_sent_words.append(words)
            offs = ctx_offsets[c]
            if q.impossible:
                ans = (-1, -1)
            else:
                s = q.answer_starts[0]
                e = s + len(q.answers[0])
                ts, te = _token_index(offs, s, "start"), _token_index(offs, e, "end")
                if not (0 <= ts <= te < len(offs)) or offs[ts][0] > s or offs[te][1] < e:
                    skipped += 1  # answer does not align with tokens (rare rebuilt-offset quirks)
                    continue
                ans = (ts, te)
            qids = tokenizer(q.question, add_special_tokens=False)["input_ids"][:max_question_tokens]
            if not qids:
                skipped += 1
                continue
            qw = _words(q.question)
            overlaps = [len(qw & w) for w in ctx_sent_words[c]]
            q_tok.extend(qids)
            q_ptr.append(len(q_tok))
            q_ctx.append(c)
            q_ans.append(ans)
            q_focus.append(int(np.argmax(overlaps)))
            counts[name]["questions"] += 1
            counts[name]["unanswerable"] += int(q.impossible)
    vocab = len(tokenizer)
    dt = np.uint16 if vocab <= 65535 else np.int32
    manifest = {
        "format": FORMAT,
        "tokenizer_vocab": vocab,
        "max_question_tokens": max_question_tokens,
        "paragraphs": len(ctx_ptr) - 1,
        "sentences": len(sent_span),
        "questions": len(q_ctx),
        "skipped": skipped,
        "sources": counts,
    }
    return TrainSet(
        np.asarray(ctx_tok, dtype=dt), np.asarray(ctx_ptr, dtype=np.int64), np.asarray(sent_ptr, dtype=np.int64),
        np.asarray(sent_span, dtype=np.int32).reshape(-1, 2), np.asarray(q_tok, dtype=dt), np.asarray(q_ptr, dtype=np.int64),
        np.asarray(q_ctx, dtype=np.int32), np.asarray(q_ans, dtype=np.int32).reshape(-1, 2), np.asarray(q_focus, dtype=np.int32),
        manifest,
    )


_ARRAYS = ("ctx_tok", "ctx_ptr", "sent_ptr", "sent_span", "q_tok", "q_ptr", "q_ctx", "q_ans", "q_focus")


def save(ts: TrainSet, path: str | Path) -> str:
    """Write ``ts`` atomically (temp file + rename); returns the content hash stored in the manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    for name in _ARRAYS:
        h.update(np.ascontiguousarray(getattr(ts, name)).tobytes())
    manifest = {**ts.manifest, "content_sha256": h.hexdigest()}
    with atomic_target(path.with_suffix(".npz")) as tmp:
        np.savez_compressed(tmp, manifest=np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8),
                            **{n: getattr(ts, n) for n in _ARRAYS})
    if path.suffix != ".npz":
        os.replace(path.with_suffix(".npz"), path)
    ts.manifest = manifest
    return manifest["content_sha256"]


def load(path: str | Path) -> TrainSet:
    with np.load(path) as z:
        manifest = json.loads(bytes(z["manifest"]).decode())
        if manifest.get("format") != FORMAT:
            raise ValueError(f"{path}: prepared data format {manifest.get('format')} != {FORMAT}; delete it to rebuild")
        arrays = {n: z[n] for n in _ARRAYS}
    return TrainSet(**arrays, manifest=manifest)


def _window_around(n_tokens: int, lo: int, hi: int, budget: int, rng: random.Random) -> tuple[int, int]:
    """A window of at most ``budget`` tokens of [0, n_tokens) containing [lo, hi) where possible."""
    if n_tokens <= budget:
        return 0, n_tokens
    need = hi - lo
    if need >= budget:
        return lo, lo + budget
    a_min = max(0, hi - budget)
    a_max = min(lo, n_tokens - budget)
    a = rng.randint(a_min, max(a_min, a_max))
    return a, a + budget


def sample_epoch(ts: TrainSet, seed: int, epoch: int, max_len: int = 256, p_whole: float = 0.35,
                 neg_ratio: float = 0.3, max_sents: int = 4) -> np.ndarray:
    """One epoch of samples, int32 [n, 6]: question, paragraph, token start, token end, start label, end label.

    Labels are in paragraph token coordinates (-1 = no answer)."""
    rng = random.Random(f"{seed}:{epoch}")
    out = []
    for qi in range(ts.n_questions):
        c = int(ts.q_ctx[qi])
        qlen = int(ts.q_ptr[qi + 1] - ts.q_ptr[qi])
        budget = max_len - qlen - 3
        n_tok = int(ts.ctx_ptr[c + 1] - ts.ctx_ptr[c])
        sents = ts.sent_span[ts.sent_ptr[c] : ts.sent_ptr[c + 1]]
        ns = len(sents)
        a_s, a_e = (int(x) for x in ts.q_ans[qi])
        answerable = a_s >= 0
        if answerable:
            first = int(np.searchsorted(sents[:, 1], a_s, side="right"))
            last = int(np.searchsorted(sents[:, 0], a_e, side="right")) - 1
            first, last = min(first, ns - 1), max(0, min(last, ns - 1))
            if first > last:
                first, last = last, first
        else:
            first = last = int(ts.q_focus[qi])
        if rng.random() < p_whole:
            lo, hi = (a_s, a_e + 1) if answerable else (int(sents[first, 0]), int(sents[last, 1]))
            a, b = _window_around(n_tok, lo, hi, budget, rng)
        else:
            w = max(rng.randint(1, max_sents), last - first + 1)
            i_lo = max(0, last - w + 1)
            i_hi = min(first, ns - w) if ns >= w else 0
            i0 = rng.randint(i_lo, max(i_lo, i_hi))
            i1 = min(ns, i0 + w) - 1
            a, b = int(sents[i0, 0]), int(sents[i1, 1])
            if b - a > budget:
                lo, hi = (a_s, a_e + 1) if answerable else (int(sents[first, 0]), int(sents[last, 1]))
                lo, hi = max(lo, a), min(hi, b)
                a2, b2 = _window_around(b - a, lo - a, hi - a, budget, rng)
                a, b = a + a2, a + b2
        if answerable and a <= a_s and a_e < b:
            out.append((qi, c, a, b, a_s, a_e))
        elif answerable:
            out.append((qi, c, a, b, -1, -1))  # answer longer than the window: the window holds no answer
        else:
            out.append((qi, c, a, b, -1, -1))
        if answerable and ns > 1 and rng.random() < neg_ratio:
            w = rng.randint(1, max_sents)
            cands = [i0 for i0 in range(0, ns - w + 1) if sents[i0 + w - 1, 1] <= a_s or sents[i0, 0] > a_e]
            if cands:
                i0 = rng.choice(cands)
                a, b = int(sents[i0, 0]), int(sents[i0 + w - 1, 1])
                b = min(b, a + budget)
                out.append((qi, c, a, b, -1, -1))
    return np.asarray(out, dtype=np.int32).reshape(-1, 6)


def batches(ts: TrainSet, samples: np.ndarray, batch_size: int, seed: int, epoch: int) -> list[np.ndarray]:
    """Length-bucketed batches (sorted within pools of 50 batches), in shuffled order."""
    rng = np.random.default_rng([seed, epoch, 7])
    lengths = (ts.q_ptr[samples[:, 0] + 1] - ts.q_ptr[samples[:, 0]]) + (samples[:, 3] - samples[:, 2])
    idx = rng.permutation(len(samples))
    pool = batch_size * 50
    out = []
    for p in range(0, len(idx), pool):
        chunk = idx[p : p + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        out += [chunk[j : j + batch_size] for j in range(0, len(chunk), batch_size)]
    order = rng.permutation(len(out))
    return [out[i] for i in order]


def collate(ts: TrainSet, samples: np.ndarray, cls_id: int, sep_id: int, pad_id: int) -> dict[str, np.ndarray]:
    """Padded ``[CLS] q [SEP] window [SEP]`` inputs and start/end labels (0 = [CLS] = no answer)."""
    rows = []
    for qi, c, a, b, s, e in samples.tolist():
        q = ts.q_tok[ts.q_ptr[qi] : ts.q_ptr[qi + 1]]
        ctx = ts.ctx_tok[ts.ctx_ptr[c] + a : ts.ctx_ptr[c] + b]
        off = len(q) + 2 - a
        rows.append((q, ctx, (s + off, e + off) if s >= 0 else (0, 0)))
    L = max(len(q) + len(x) + 3 for q, x, _ in rows)
    n = len(rows)
    ids = np.full((n, L), pad_id, dtype=np.int64)
    tt = np.zeros((n, L), dtype=np.int64)
    am = np.zeros((n, L), dtype=np.int64)
    sp = np.zeros(n, dtype=np.int64)
    ep = np.zeros(n, dtype=np.int64)
    for r, (q, x, (s, e)) in enumerate(rows):
        k = len(q)
        m = k + len(x) + 3
        ids[r, 0] = cls_id
        ids[r, 1 : k + 1] = q
        ids[r, k + 1] = sep_id
        ids[r, k + 2 : m - 1] = x
        ids[r, m - 1] = sep_id
        tt[r, k + 2 : m] = 1
        am[r, :m] = 1
        sp[r], ep[r] = s, e
    return {"input_ids": ids, "token_type_ids": tt, "attention_mask": am, "start_positions": sp, "end_positions": ep}
