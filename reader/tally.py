"""A vote's tally is both of its numbers.

"By how many votes did the court rule?" over "The Supreme Court today ruled, by four votes to
three, ..." got the reader's span "four"; "By how many votes was the budget adopted?" got "nine"
of "by nine votes to two". Half a tally says nothing of the vote. ``whole_tally`` widens a number
that opens a tally ("four votes to three", "5-4", "4 to 1") to the whole of it when the question
asks about a vote ("vote", "votes", "vote count", "tally", "margin") and not about a share of
voters ("What percentage of voters voted against ...?": "54" of "54–46% margin" stays).

Measured on SQuAD v1.1 train before it was written: of the questions with the word "vote" or
"votes" whose gold answer opens or holds a tally, the gold is the whole tally for all 5 ("5-4",
"4 to 1", "6-1", ...); the one gold that is half a tally ("54" of "54–46% margin") answers a
question about a percentage of voters. Works on the document's text; runs no model.
"""
from __future__ import annotations

import re

_NUMBER = (r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
           r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty)")
_ASKS_VOTE = re.compile(r"\b(?:votes?|vote\s+count|tally|margin)\b", re.I)
_SHARE = re.compile(r"\b(?:percent|percentage|share|proportion|fraction)\b|%", re.I)
_OPENS = re.compile(rf"^{_NUMBER}(?:\s+votes?)?$", re.I)
_REST = re.compile(rf"^(?:\s+votes?)?\s*(?:to|-|–)\s*{_NUMBER}\b(?!\s*%|\s*percent)", re.I)


def whole_tally(question: str, text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` widened to the whole tally when ``text[start:end]`` is the number that opens
    it and ``question`` asks about a vote (see the module); otherwise unchanged."""
    if not _ASKS_VOTE.search(question) or _SHARE.search(question) or not _OPENS.match(text[start:end]):
        return start, end
    rest = _REST.match(text[end : end + 40])
    return (start, end + rest.end()) if rest else (start, end)
