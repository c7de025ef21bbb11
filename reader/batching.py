"""Per-epoch inputs for reader training, shaped like what the reader sees at run time, drawn from
the arrays of ``reader.trainset``.

* ``sample_epoch()`` draws, for one epoch and seed, one input per question: a window of 1-4
  whole sentences around the answer (or the focus), or with probability ``p_whole`` the whole
  paragraph (a window of the paragraph where it does not fit), plus with probability
  ``neg_ratio`` a window of the same paragraph without the answer, labelled no-answer, and with
  probability ``p_other`` a window of 1-4 sentences around the question's distractor (a sentence
  of another paragraph of the same article that shares the question's words but not its answer:
  ``TrainSet.q_other``), labelled no-answer: what retrieval puts beside the right passage. A
  sample is (question, paragraph, first token, end token, start label, end label) in the
  paragraph's token coordinates. Deterministic for a given (seed, epoch).
* ``batches()`` buckets samples by length; ``collate()`` turns a batch into padded model inputs
  ``[CLS] question [SEP] window [SEP]`` with the labels shifted accordingly ([CLS] = 0 means no
  answer).

NumPy only: it loads no model and reads no file.
"""
from __future__ import annotations

import random

import numpy as np

from .trainset import TrainSet


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
                 neg_ratio: float = 0.3, max_sents: int = 4, repeats: np.ndarray | None = None,
                 p_other: float = 0.0) -> np.ndarray:
    """One epoch of samples, int32 [n, 6]: question, paragraph, token start, token end, start label, end label.

    Labels are in paragraph token coordinates (-1 = no answer). ``repeats`` (int per question, default
    1 each): how many times each question is drawn this epoch (0 = left out); each draw picks its own
    window. ``p_other`` = 0 draws nothing more from the generator, so the samples are those of a
    call without it."""
    rng = random.Random(f"{seed}:{epoch}")
    out = []
    order = range(ts.n_questions) if repeats is None else np.repeat(np.arange(ts.n_questions), repeats).tolist()
    for qi in order:
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
        if p_other > 0 and ts.q_other[qi, 0] >= 0 and rng.random() < p_other:
            out.append((qi, *_other_window(ts, int(ts.q_other[qi, 0]), int(ts.q_other[qi, 1]), budget, max_sents, rng), -1, -1))
    return np.asarray(out, dtype=np.int32).reshape(-1, 6)


def _other_window(ts: TrainSet, c: int, si: int, budget: int, max_sents: int, rng: random.Random) -> tuple[int, int, int]:
    """(paragraph, token start, token end): 1-``max_sents`` whole sentences of paragraph ``c`` holding
    sentence ``si``, cut to ``budget`` tokens around that sentence where longer."""
    sents = ts.sent_span[ts.sent_ptr[c] : ts.sent_ptr[c + 1]]
    ns = len(sents)
    w = min(rng.randint(1, max_sents), ns)
    i0 = rng.randint(max(0, si - w + 1), min(si, ns - w))
    a, b = int(sents[i0, 0]), int(sents[i0 + w - 1, 1])
    if b - a > budget:
        lo, hi = max(int(sents[si, 0]), a), min(int(sents[si, 1]), b)
        a2, b2 = _window_around(b - a, lo - a, hi - a, budget, rng)
        a, b = a + a2, a + b2
    return c, a, b


def batches(ts: TrainSet, samples: np.ndarray, batch_size: int, seed: int, epoch: int,
            grouped: bool = False) -> list[np.ndarray]:
    """Length-bucketed batches (sorted within pools of 50 batches), in shuffled order.

    ``grouped``: the inputs of one question (its window and its no-answer window, consecutive in
    ``sample_epoch``'s output) always land in the same batch, for the shared normalisation of
    ``reader.train``; a batch then holds up to ``batch_size`` inputs, never splitting a question."""
    rng = np.random.default_rng([seed, epoch, 7])
    lengths = (ts.q_ptr[samples[:, 0] + 1] - ts.q_ptr[samples[:, 0]]) + (samples[:, 3] - samples[:, 2])
    if not grouped:
        units = [np.array([i]) for i in range(len(samples))]
    else:
        q = samples[:, 0]
        starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]]) if len(q) else np.zeros(0, np.int64)
        units = np.split(np.arange(len(samples)), starts[1:])
    unit_len = np.array([lengths[u].max() for u in units]) if units else np.zeros(0)
    idx = rng.permutation(len(units))
    pool = batch_size * 50
    out: list[np.ndarray] = []
    for p in range(0, len(idx), pool):
        chunk = idx[p : p + pool]
        chunk = chunk[np.argsort(unit_len[chunk], kind="stable")]
        cur: list[np.ndarray] = []
        n = 0
        for u in chunk:
            if n and n + len(units[u]) > batch_size:
                out.append(np.concatenate(cur))
                cur, n = [], 0
            cur.append(units[u])
            n += len(units[u])
        if cur:
            out.append(np.concatenate(cur))
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
