"""A "Where" answer that is a thing plus its place is cut to the place.

"Where did the meeting take place?" over "... Nielsen met Northern Triangle security ministers in
San Salvador, El Salvador to discuss ..." gets the reader's span "Northern Triangle security
ministers in San Salvador, El Salvador": the people met, then where. A "Where" question asks for
the place, so ``place_span`` keeps what follows the last "in" / "at" when

* the question starts with "Where" (not "From where", not "Where ... from": origin, not place);
* the text before the preposition ends in a word in lower case ("ministers", "office"): a common
  noun, the thing that is somewhere. Before a name ("Sainte Foy in Quebec", "the Church of Santa
  Maria Novella in Florence", "Guernsey in the Channel Islands") the whole span is a place and
  stays, as SQuAD's answers keep it;
* what follows starts with a capital letter (optionally after "the"): a named place.

Measured before it was wired in (replay of saved ``statementqa eval`` predictions with
``docs/experiments/answer-rules/offline.py place``; reader v2, 2026-12-03): SQuAD dev-v2.0-a
held-out part, end to end and gold paragraph, 1 answer changed each ("blooms in the Red Sea" ->
"the Red Sea", F1 equal); calibration part end to end 2 changed, -0.03 points ("Strathclyde
Regional Council debating chamber in Glasgow" -> "Glasgow", where the gold answer is the chamber:
a place named by a common noun is the one case it gets wrong); the statement: the meeting
question, F1 0.62 -> 1.0. Neutral on SQuAD, kept for the question a new user asks first.

``not_a_place`` tells a "Where" answer that is nothing but a time ("April 1", "10:00 a.m.") apart:
"Where will the march start?" among thirteen documents got "April 1" from a parking FAQ ("The
scheme starts on April 1"). The caller (``reader.assemble``) treats it like a "When" answer with no
time (``reader.timetype``): the reader's best other span answers, or the question abstains. Of
SQuAD v1.1 train's 3,293 "Where" questions 3 have such a gold answer ("Where did Turkey start the
fiscal year?" - "1 March"); of the reader v2's answers to the 143 + 91 of dev-v2.0-a's held-out and
calibration parts and the 36 of the team's, larger and press-dev sets, none (2026-12-04).

Works on the answer's text and returns offsets inside it; runs no model."""
from __future__ import annotations

import re

from .ranges import TIME_PHRASE, WHERE

_ORIGIN = re.compile(r"\bfrom\s*\??\s*$", re.I)
# "April 1", "on Friday, March 7, and Saturday, March 8", "10:00 a.m.": times and nothing else
_ONLY_TIME = re.compile(rf"^(?:(?:on|in|at|by|from)\s+)?{TIME_PHRASE}(?:,?\s+(?:and|or|to)?\s*{TIME_PHRASE})*[.,]?$", re.I)
# "<... lower-case word> in|at <(the) Capitalised ...>"; greedy .* takes the last preposition.
_THING_AT_PLACE = re.compile(r"^(?P<thing>.*\b[a-z][\w'’-]*)\s+(?:in|at)\s+(?P<place>(?:the\s+)?[A-Z].*)$", re.S)


def not_a_place(question: str, answer: str) -> bool:
    """True when a "Where" question's answer is nothing but a time ("April 1", "on Friday, March 7",
    "10:00 a.m.", "1998"): see the module."""
    return bool(WHERE.match(question)) and bool(_ONLY_TIME.match(answer.strip()))


def place_span(question: str, answer: str) -> tuple[int, int] | None:
    """(start, end) of the place inside ``answer`` when the rule applies (see the module), else None."""
    if not WHERE.match(question) or _ORIGIN.search(question):
        return None
    m = _THING_AT_PLACE.match(answer)
    if m is None:
        return None
    a = m.start("place")
    b = len(answer.rstrip(" ,;:.–—-"))
    return (a, b) if b > a else None
