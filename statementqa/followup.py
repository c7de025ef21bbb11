"""Follow-up questions: rewrite a question that leans on the previous turn so retrieval and the
reader can answer it alone.

Approach (rule-based, explainable, no model):
1. A question is a follow-up when it contains a third-person pronoun or a deictic word
   (she, he, they, them, it, there, that, ...) and there is a previous turn.
2. Pronouns are replaced, in the question the reader sees, by what they most likely refer to:
   she/he/her/him -> the last person name in the previous question or answer (a capitalised
   word run such as "Nielsen"); his/hers, and "her" before a word that starts a noun phrase
   ("her first name"), -> that name + "'s"; they/them -> the previous answer when the previous question
   asked "who/whom" (people), else left alone.
3. The retrieval query is the rewritten question plus the previous question and answer, so
   the passages of the previous turn stay in reach ("Where did she meet them?" after "Who did
   Nielsen meet?" retrieves the San Salvador sentence).
It does not call any model and keeps only the last turn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_PRONOUN = re.compile(r"\b(she|he|her|him|his|hers|they|them|their|theirs|it|its|there|that|this|those|these)\b", re.I)
_PERSONAL = re.compile(r"\b(she|he|her|him)\b", re.I)
_POSSESSIVE = re.compile(r"\b(his|hers)\b", re.I)
# "her" before a word that starts a noun phrase is possessive ("her first name", "her counterparts");
# before a preposition, an article, a conjunction or the end it is the object ("thank her for", "meet her?").
_HER_POSSESSIVE = re.compile(r"\bher(?=\s+(?!(?:to|in|on|at|about|for|with|from|by|of|and|or|nor|but|as|that|the|a|an|"
                             r"this|these|those|when|where|why|how|if|than|then|so|too|again|up|out|off|over|into|"
                             r"after|before|while|because|once|there|here|is|was|were|are|be|been|do|did|does|will|"
                             r"would|can|could|should|must|may|might)\b)[A-Za-z])", re.I)
_PLURAL = re.compile(r"\b(they|them)\b", re.I)
_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z]+)*)\b")
_NOT_NAMES = {"Who", "Whom", "What", "When", "Where", "Which", "Why", "How", "Did", "Does", "Do", "Is", "Are", "Was",
              "The", "A", "An", "In", "On", "At", "Secretary", "Department", "Homeland", "Security", "United", "States",
              "Joint", "Statement", "Northern", "Triangle", "February", "Feb", "Mexico", "El", "Salvador", "San"}


@dataclass
class Turn:
    question: str
    answer: str = ""


@dataclass
class Resolved:
    reader_question: str
    retrieval_query: str
    is_followup: bool


def _person(text: str, question: bool = True) -> str | None:
    names = []
    for m in _NAME.finditer(text):
        words = [w for w in m.group(0).split() if w.rstrip(".") not in _NOT_NAMES]
        if words and (m.start() > 0 or not question):  # a question's first capital is just its start
            names.append(" ".join(words))
    return names[-1] if names else None


def resolve(question: str, previous: Turn | None) -> Resolved:
    if previous is None or not _PRONOUN.search(question):
        return Resolved(question, question, False)
    q = question
    person = _person(previous.question) or _person(previous.answer, question=False)
    if person:
        q = _HER_POSSESSIVE.sub(person + "'s", q)
        q = _PERSONAL.sub(person, q)
        q = _POSSESSIVE.sub(person + "'s", q)
    if previous.answer and re.match(r"\s*(who|whom)\b", previous.question, re.I):
        q = _PLURAL.sub(previous.answer, q)
    context = " ".join(x for x in (previous.question, previous.answer) if x)
    return Resolved(q, f"{q} {context}".strip(), True)
