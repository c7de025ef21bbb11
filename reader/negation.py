"""Negation pairs: answerable negated questions made from SQuAD's answerable ones, for training.

Why: SQuAD 2.0 makes many unanswerable questions by negating an answerable one ("What don't
supporters of Islamism believe ...?" on a paragraph that says they do), so a reader trained on it
learns "a negated question has no answer". A statement that itself says "We cannot allow ... women
to be sexually assaulted" is then never answered when asked "What must women not be subjected
to?" (issue #10). The pairs here teach the difference: the same negated question is answerable
when the answer's sentence is negated too, and not when it is not.

* ``negate_question("When was the tower built?")`` -> "When wasn't the tower built?" (an auxiliary
  among the question's first words gets "n't", or " not" straight before a participle);
* ``negate_sentence(sentence, before)`` puts " not" after the last auxiliary ahead of the answer
  ("The tower was built in 1901" -> "The tower was not built in 1901");
* ``negation_pairs(qas, segment, share, seed)`` makes, for a ``share`` of the answerable
  questions that both accept, two new questions: the negated question on the paragraph with the
  answer's sentence negated (answerable, the same answer text at its shifted offset) and the
  negated question on the unchanged paragraph (unanswerable).

Surface rules only, no parser: some sentences come out unidiomatic ("69,197 were not confirmed
dead"), which is all the pairs need (the negation sits in both or only in the question). It
does not touch questions that already hold a negation, train, or read files.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable

from .squad import QA

# Auxiliary -> its contracted negation (questions); "may" and "might" have none in use.
CONTRACTED = {
    "is": "isn't", "are": "aren't", "was": "wasn't", "were": "weren't", "did": "didn't", "does": "doesn't",
    "do": "don't", "has": "hasn't", "have": "haven't", "had": "hadn't", "can": "can't", "could": "couldn't",
    "will": "won't", "would": "wouldn't", "should": "shouldn't", "must": "mustn't",
}
_AUX = "|".join(CONTRACTED)
_WH = r"(?:what|who|whom|whose|which|when|where|why|how)"
# "Wh-word [up to three words] AUX": the question's auxiliary (a subject question's verb too).
_QUESTION = re.compile(rf"^\s*{_WH}\b(?:\s+[\w'-]+){{0,3}}?\s+({_AUX})\b", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:not|never|no|nor|cannot|without)\b|n't\b", re.IGNORECASE)
# A lower-case word that reads as a participle or "be"/"been": "AUX not WORD" then, not "AUXn't"
# (lower-case only: "Nielsen" is a name).
_PARTICIPLE = re.compile(r"^(?:be|been|being|\w+ed|\w+en|\w+ing)$", re.IGNORECASE)
# An auxiliary in running text not already followed by a negation.
_SENT_AUX = re.compile(rf"\b({_AUX})\b(?!\s+(?:not|never|n't)\b)(?!n't)", re.IGNORECASE)


def is_negated(text: str) -> bool:
    return bool(_NEGATED.search(text))


def negate_question(question: str) -> str | None:
    """The question with its auxiliary negated, or None when it has none among its first words or
    is negated already."""
    if is_negated(question):
        return None
    m = _QUESTION.match(question)
    if not m:
        return None
    aux = m.group(1)
    rest = question[m.end(1):]
    nxt = re.match(r"\s+([\w'-]+)", rest)
    if nxt and nxt.group(1).islower() and _PARTICIPLE.match(nxt.group(1)):
        return question[: m.end(1)] + " not" + rest
    neg = CONTRACTED[aux.lower()]
    if aux[0].isupper():
        neg = neg[0].upper() + neg[1:]
    return question[: m.start(1)] + neg + rest


def negate_sentence(sentence: str, before: int) -> tuple[str, int] | None:
    """(sentence with " not" after the last auxiliary that ends at or before ``before``, the character
    position where the 4 characters went in), or None when there is none or the sentence is negated."""
    if is_negated(sentence):
        return None
    last = None
    for m in _SENT_AUX.finditer(sentence, 0, max(0, before)):
        last = m
    if last is None:
        return None
    at = last.end(1)
    return sentence[:at] + " not" + sentence[at:], at


def negation_pairs(qas: Iterable[QA], segment: Callable, share: float, seed: int) -> list[QA]:
    """Two new questions per chosen answerable question (module docstring); ``segment(text, key)``
    is the retriever's segmenter (sentences with character offsets). Deterministic in ``seed``."""
    rng = random.Random(seed)
    out: list[QA] = []
    for q in qas:
        if q.impossible or not q.answers or rng.random() >= share:
            continue
        nq = negate_question(q.question)
        if nq is None:
            continue
        a0, text = q.answer_starts[0], q.answers[0]
        sent = next((s for s in segment(q.context, "p") if s.start <= a0 and a0 + len(text) <= s.end), None)
        if sent is None:
            continue
        neg = negate_sentence(sent.text, a0 - sent.start)
        if neg is None:
            continue
        new_sent, at = neg
        context = q.context[: sent.start] + new_sent + q.context[sent.end:]
        start = a0 + 4  # " not" went in ahead of the answer
        assert context[start : start + len(text)] == text, (q.qid, at)
        out.append(QA(q.qid + "-neg", nq, context, [text], [start], False, q.title))
        out.append(QA(q.qid + "-negna", nq, q.context, [], [], True, q.title))
    return out
