"""Training data for the reader: SQuAD questions as compact token arrays.

Two jobs, kept apart so that training can run where the retrieval stack is not installed
(e.g. a lent GPU machine):

* ``prepare()`` reads SQuAD JSON, segments every paragraph with the retriever's segmenter,
  tokenizes each paragraph once (with character offsets) and each question once (cut to a
  quarter of the reader window, as ``reader.model.Reader.read`` does), and stores everything
  as flat integer arrays: paragraph tokens, sentence boundaries in token coordinates, answer
  token spans, and for unanswerable questions the sentence that shares most words with the
  question (its "focus"), and for answerable questions a distractor: the sentence of another
  paragraph of the same article (same source and title) that shares most content words with the
  question, in a paragraph that does not contain the answer's text (what retrieval puts beside the
  right passage at run time). ``save()``/``load()`` persist that as one ``.npz`` with a manifest
  (sources' sha256, tokenizer, counts), written atomically; they are inverses (tested).
* the per-epoch sampling of inputs from these arrays is ``reader.batching``.

It does not train, evaluate or load a model.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from statementqa.retrieval.atomic import atomic_target

FORMAT = 2  # 2: q_other added (format 1 files load with no distractors)
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
    # int32 [n_q, 2]: (paragraph, sentence within it) of the question's distractor (see the module
    # docstring), -1 where it has none (unanswerable questions, single-paragraph articles, no shared
    # word); all -1 when not given (data prepared before distractors existed)
    q_other: np.ndarray = None  # type: ignore[assignment]  # filled in __post_init__

    def __post_init__(self) -> None:
        if self.q_other is None:
            self.q_other = np.full((len(self.q_ctx), 2), -1, dtype=np.int32)

    @property
    def n_questions(self) -> int:
        return len(self.q_ctx)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _token_index(offsets: np.ndarray, char: int, side: str) -> int:
    """Index of the token that holds ``char`` (side="start") or ends at/after it (side="end")."""
    if side == "start":
        return int(np.searchsorted(offsets[:, 1], char, side="right"))
    return int(np.searchsorted(offsets[:, 0], char, side="left")) - 1


def _paragraph(tokenizer, context: str, segment):
    """Token ids and offsets of a paragraph, its sentences as token ranges, and their content words."""
    enc = tokenizer(context, add_special_tokens=False, return_offsets_mapping=True)
    offs = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
    spans, words = [], []
    for s in segment(context, "p"):
        a = _token_index(offs, s.start, "start")
        b = _token_index(offs, s.end, "end") + 1
        if a < b:
            spans.append((a, b))
            words.append(_words(s.text))
    if not spans:
        spans, words = [(0, len(offs))], [_words(context)]
    return enc["input_ids"], offs, spans, words


def prepare(tokenizer, sources: list[tuple[str, list]], max_question_tokens: int = 64, progress: bool = True) -> TrainSet:
    """Build the arrays from ``sources``: (name, list of reader.squad.QA)."""
    from tqdm import tqdm

    from statementqa.retrieval.segment import segment

    ctx_index: dict[str, int] = {}
    ctx_tok, ctx_ptr, sent_ptr, sent_span = [], [0], [0], []
    ctx_offsets: list[np.ndarray] = []
    ctx_sent_words: list[list[set[str]]] = []
    q_tok, q_ptr, q_ctx, q_ans, q_focus = [], [0], [], [], []
    ctx_text: list[str] = []
    ctx_article: list[tuple[str, str]] = []
    q_words: list[set[str]] = []
    q_answer: list[str | None] = []
    skipped = 0
    counts = {}
    for name, qas in sources:
        counts[name] = {"questions": 0, "unanswerable": 0}
        for q in tqdm(qas, disable=not progress, desc=f"preparing {name}", unit="q"):
            c = ctx_index.get(q.context)
            if c is None:
                ids, offs, spans, words = _paragraph(tokenizer, q.context, segment)
                c = ctx_index[q.context] = len(ctx_ptr) - 1
                ctx_tok.extend(ids)
                ctx_ptr.append(len(ctx_tok))
                sent_span.extend(spans)
                sent_ptr.append(len(sent_span))
                ctx_offsets.append(offs)
                ctx_sent_words.append(words)
                ctx_text.append(q.context.lower())
                ctx_article.append((name, q.title))
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
            q_words.append(qw)
            q_answer.append(None if q.impossible else q.answers[0].lower())
            counts[name]["questions"] += 1
            counts[name]["unanswerable"] += int(q.impossible)
    q_other = distractors(ctx_article, ctx_text, ctx_sent_words, q_ctx, q_words, q_answer)
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
        "with_distractor": int((q_other[:, 0] >= 0).sum()),
        "sources": counts,
    }
    return TrainSet(
        np.asarray(ctx_tok, dtype=dt), np.asarray(ctx_ptr, dtype=np.int64), np.asarray(sent_ptr, dtype=np.int64),
        np.asarray(sent_span, dtype=np.int32).reshape(-1, 2), np.asarray(q_tok, dtype=dt), np.asarray(q_ptr, dtype=np.int64),
        np.asarray(q_ctx, dtype=np.int32), np.asarray(q_ans, dtype=np.int32).reshape(-1, 2), np.asarray(q_focus, dtype=np.int32),
        manifest, q_other,
    )


def distractors(ctx_article: list[tuple[str, str]], ctx_text: list[str], ctx_sent_words: list[list[set[str]]],
                q_ctx: list[int], q_words: list[set[str]], q_answer: list[str | None]) -> np.ndarray:
    """int32 [n_q, 2]: per answerable question the (paragraph, sentence) of another paragraph of the
    same article as its own (``ctx_article``: source and title; none for an empty title) whose
    sentence shares most content words with the question (ties: the first), among paragraphs whose
    lower-cased text does not contain the lower-cased answer; -1 where there is none (unanswerable questions included: another paragraph
    may well answer them)."""
    from collections import Counter, defaultdict

    index: dict[tuple[str, str], dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for c, art in enumerate(ctx_article):
        if art[1]:
            for si, words in enumerate(ctx_sent_words[c]):
                for w in words:
                    index[art][w].append((c, si))
    out = np.full((len(q_ctx), 2), -1, dtype=np.int32)
    for qi, (c, qw, ans) in enumerate(zip(q_ctx, q_words, q_answer)):
        art = ctx_article[c]
        if ans is None or art not in index:
            continue
        votes: Counter[tuple[int, int]] = Counter()
        words = index[art]
        for w in sorted(qw):
            for cs in words.get(w, ()):
                if cs[0] != c:
                    votes[cs] += 1
        best = None
        for cs, n in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
            if ans not in ctx_text[cs[0]]:
                best = cs
                break
        if best is not None:
            out[qi] = best
    return out


_ARRAYS = ("ctx_tok", "ctx_ptr", "sent_ptr", "sent_span", "q_tok", "q_ptr", "q_ctx", "q_ans", "q_focus", "q_other")


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
        if manifest.get("format") not in (1, FORMAT):
            raise ValueError(f"{path}: prepared data format {manifest.get('format')} != {FORMAT}; delete it to rebuild")
        arrays = {n: z[n] for n in _ARRAYS if n in z.files}  # format 1 has no q_other: all -1
    return TrainSet(**arrays, manifest=manifest)
