"""A question as typed, in the form the reader and the retriever were made for.

People in a chat often leave out the question mark ("where did the meeting take place"). SQuAD's
questions end in one (7,357 of the 7,523 in dev-v2.0-a), the reader was trained on them, and both
the reader and the query embedding read a question without it differently: on 2026-12-03 the
team's questions with their "?" removed scored F1 72.5 instead of 75.2, the larger set 66.4
instead of 75.1 ("where did the meeting take place" got "at the senior and working levels").

``question_form`` adds "?" to a question that ends without terminal punctuation (". ? ! …", also
before a closing quotation mark or bracket). It changes nothing else: not the words, not the case,
not a request that ends in "." ("Name the areas of collaboration."). The pipeline gives this form
to retrieval and the reader; the answer keeps the question as the user typed it. Runs no model.
"""
from __future__ import annotations

_TERMINAL = (".", "?", "!", "…", "？", "！", "。")
_CLOSERS = "\"'”’)]»"


def question_form(question: str) -> str:
    """``question`` with "?" added when it ends without terminal punctuation."""
    q = question.rstrip()
    if not q or q.rstrip(_CLOSERS).endswith(_TERMINAL):
        return q
    return q + "?"
