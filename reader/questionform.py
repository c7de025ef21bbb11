"""A question as typed, in the form the reader and the retriever were made for.

The reader was trained on SQuAD's questions: direct questions ("Where did the meeting take place?")
that end in "?" (7,357 of the 7,523 in dev-v2.0-a). Chat users type otherwise, and the reader and the
query embedding read those forms differently (measured on 2026-12-03, reader v2):

* without the "?" ("where did the meeting take place" got "at the senior and working levels"; with
  "?": "San Salvador, El Salvador"): team set F1 72.5 instead of 75.2, larger set 66.4 instead of
  75.1, SQuAD held-out part end to end 61.8 instead of 67.4;
* behind a polite or indirect opening ("Can you tell me where the meeting took place?", "Please
  list the areas", "I want to know who issued it"): team set 67.1, larger set 64.5.

``question_form`` drops such an opening (a greeting, "please", "can/could/would you (please)
tell/show/give me", "tell me", "do you know", "I want/would like/need to know", "I wonder") and
adds "?" when the question ends without terminal punctuation (". ? ! …", also before a closing
quotation mark or bracket); after a dropped opening a final "." becomes "?" ("Tell me where the
meeting was." reads "where the meeting was?"). It changes nothing else: not the other words, not
the case, not a request that ends in "." ("Name the areas of collaboration."). The pipeline gives
this form to retrieval and the reader; the answer keeps the question as the user typed it. An
opening that leaves nothing ("Can you tell me?") is kept. Runs no model.
"""
from __future__ import annotations

import re

_TERMINAL = (".", "?", "!", "…", "？", "！", "。")
_CLOSERS = "\"'”’)]»"
_OPENING = re.compile(
    r"^(?:(?:hi|hello|hey)(?:\s+there)?\s*[,!.]?\s+)?(?:(?:please|pls|kindly)\s*,?\s+)?"
    r"(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|show|give)\s+me\s+|"
    r"(?:please\s+)?tell\s+me\s+|(?:do|does)\s+(?:you|anyone)\s+know\s+|"
    r"i\s+(?:want|would\s+like|'d\s+like|need|wish)\s+to\s+know\s+|i\s+wonder\s+|i'm\s+wondering\s+)?",
    re.I)


def question_form(question: str) -> str:
    """``question`` without a polite or indirect opening, with "?" added when it ends without
    terminal punctuation (see the module docstring)."""
    q = question.strip()
    m = _OPENING.match(q)
    opened = bool(m and m.end() and q[m.end():].strip(" ,.?!"))
    if opened:
        q = q[m.end():].lstrip(" ,")
        if q.endswith(".") and not q.endswith(".."):
            q = q[:-1] + "?"
    if not q or q.rstrip(_CLOSERS).endswith(_TERMINAL):
        return q
    return q + "?"
