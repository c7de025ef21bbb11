"""A time answer must agree with the question's tense.

"When will the compact be finalized?" over a statement that says the ministers "agreed to complete
the final agreement next month" and that Nielsen called for a compact "last summer": the reader's
best span is "last summer", an answer about the past to a question about the future, wrong on its
face; its second span in the same passage is "next month". ``clashes`` tells such a pair apart:

* the question asks for a time: it starts with "When" (also "By when", "Since when", "Until
  when") or "What/Which year|date|day|month|week|season|time";
* its tense: future when it has "will", "shall", "'ll", "going to" or "scheduled|expected|set|due|
  planned to" ("When is the agreement expected to be signed?"); past when it asks "When did|was|were|had ..." (or "What year did ...")
  without a future marker; otherwise neither, and nothing clashes;
* the answer's time: past when it says "ago", "yesterday", "earlier", "previously", "formerly"
  or "last <summer|year|month|week|Monday|June|...>" ("last summer"; not "the last week of June",
  which is an ordinal); future when it says "tomorrow", "upcoming", "soon", "later this|next ...",
  "(the) coming <unit>", "next <unit>" (not "the next day": a narrative's relative time, past
  or future) or "in the future".

An answer with no relative time word (a date, "in 1998", "February 20") never clashes: whether
it is past or future depends on when the document was written, which this module does not know.
The caller (``reader.assemble``) then tries the reader's other spans (``ReadOut.alternatives``)
and answers with the best one that does not clash, or abstains. Runs no model."""
from __future__ import annotations

import re

_UNITS = (r"(?:summer|winter|spring|fall|autumn|year|month|week|weekend|night|evening|morning|decade|century|"
          r"season|quarter|term|session|time|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
          r"january|february|march|april|may|june|july|august|september|october|november|december)s?")
_TIME_QUESTION = re.compile(r"^\s*(?:(?:by|since|until|till)\s+)?when\b|^\s*(?:what|which)\s+"
                            r"(?:year|date|day|month|week|season|time)\b", re.I)
_FUTURE_Q = re.compile(r"\b(?:will|shall|won[’']t|going\s+to|(?:scheduled|expected|set|due|planned)\s+to)\b"
                       r"|[’']ll\b", re.I)
_PAST_Q = re.compile(r"^\s*(?:(?:by|since|until|till)\s+)?(?:when|(?:what|which)\s+(?:year|date|day|month|week|"
                     r"season|time))\s+(?:did|was|were|had)\b", re.I)
_PAST_A = re.compile(rf"\b(?:ago|yesterday|earlier|previously|formerly)\b|(?<!\bthe\s)\blast\s+{_UNITS}\b", re.I)
_FUTURE_A = re.compile(rf"\b(?:tomorrow|upcoming|soon|in\s+the\s+future)\b|\blater\s+(?:this|next)\b"
                       rf"|\bcoming\s+{_UNITS}\b|(?<!\bthe\s)\bnext\s+{_UNITS}\b", re.I)


def question_tense(question: str) -> str | None:
    """"future", "past" or None for a question asking for a time (see the module); None otherwise."""
    if not _TIME_QUESTION.search(question):
        return None
    if _FUTURE_Q.search(question):
        return "future"
    if _PAST_Q.search(question):
        return "past"
    return None


def answer_tense(answer: str) -> str | None:
    """"past", "future" or None (no relative time word, or words of both)."""
    past, future = bool(_PAST_A.search(answer)), bool(_FUTURE_A.search(answer))
    if past == future:
        return None
    return "past" if past else "future"


def clashes(question: str, answer: str) -> bool:
    """Whether ``answer`` is a time on the other side of now from the one ``question`` asks about."""
    q = question_tense(question)
    if q is None:
        return False
    a = answer_tense(answer)
    return a is not None and a != q
