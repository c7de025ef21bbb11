"""A range given for "When does it start?" or "When does it end?" is cut to the end asked for.

"When does the campaign start?" over "The campaign will run from October 14 to December 20" gets
the reader's span "October 14 to December 20": the whole range, where the question asks for its
first day. ``range_part`` keeps the start or the end of the range when

* the question asks when something starts ("start", "begin", "commence", "kick off", "since when";
  a rule's or a warning's "come into force", "take effect": "When does the amber warning come into
  force?" - "6am on Saturday 21 November until 9pm the same day") or when it ends ("end", "finish", "conclude", "expire", "until when", "last day"), not both;
* the answer is exactly one range: "A to|until|till|through B", "from A to B", "between A and B",
  "A – B" (a dash), and A and B are times: each has a digit, a month or a day of the week
  ("2018-2022" is a range of years; an ISO date such as "2024-10-07" is not cut), A not a bare
  number of one or two digits that borrows B's unit ("When do symptoms start?" - "7 to 21 days after
  exposure" is one stretch in which they start, not a range from "7" to "21 days");
* or, for a "Where" question, A and B are named places (a capital letter, after "the" or not; no
  digit, month or day of the week):
  "Where will the march start?" over "... to march from the University of Veranda to Independence
  Square ..." gets the reader's span "University of Veranda to Independence Square", now "University
  of Veranda". Of the reader v2's answers to the 143 + 91 "Where" questions of dev-v2.0-a's
  held-out and calibration parts and the 29 of the team's and press-dev sets, none is such a range
  (2026-12-04): the rule changes no answer there.

"Open" and "close" are not read as start and end: "When is the office open?" asks for the hours.
Works on the answer's text and returns offsets inside it; runs no model. Not handled: ranges inside
a longer answer ("runs from May to June and costs ..."), and durations ("for six weeks").

``whole_range`` does the opposite for a question that asks for a stretch of time ("What will the
opening hours be on weekdays?", "During what years ...?", "What was the time span ...?") and asks for
neither end: a span that is one end of a range in the text ("9 p.m." of "from 7:30 a.m. to 9 p.m.")
grows to the whole range. The other end must be a time phrase by itself (a clock time, a date, a
month, a year, a day of the week). In SQuAD v1.1 train, 1 of the 1,342 such questions has one end as
its gold answer (and that one asks "beginning in 1870 and ending in what year?": a question that
names a start or an end is left alone), 98 the whole range."""
from __future__ import annotations

import re

_START = re.compile(r"\b(?:start|starts|started|starting|begin|begins|began|begun|beginning|commence|commences|"
                    r"commenced|kick\s+off|kicks\s+off|kicked\s+off|since\s+when|first\s+day|"
                    r"(?:come|comes|came|coming)\s+into\s+(?:force|effect)|(?:take|takes|took|taking)\s+effect)\b", re.I)
_END = re.compile(r"\b(?:end|ends|ended|ending|finish|finishes|finished|conclude|concludes|concluded|expire|"
                  r"expires|expired|until\s+when|till\s+when|last\s+day|deadline)\b", re.I)
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_TIME = re.compile(rf"\d|\b(?:{MONTHS}|{DAYS})\b", re.I)
_RANGES = (
    re.compile(r"^(?:from\s+)?(?P<a>.+?)\s+(?:to|until|till|through|thru)\s+(?P<b>.+?)$", re.I | re.S),
    re.compile(r"^between\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)$", re.I | re.S),
    re.compile(r"^(?:from\s+)?(?P<a>.+?)\s*[–—]\s*(?P<b>.+?)$", re.S),
    re.compile(r"^(?:from\s+)?(?P<a>.+?)\s+-\s+(?P<b>.+?)$", re.S),
    re.compile(r"^(?P<a>\d{4})-(?P<b>\d{4})$"),
)
WHERE = re.compile(r"^\s*where\b", re.I)  # a "Where" question (also reader.place's)
_BARE_NUMBER = re.compile(r"^\d{1,2}(?:[.,]\d+)?$")  # "7" of "7 to 21 days": the unit comes after the end
_PLACE = re.compile(r"^(?:the\s+)?[A-Z]")  # a named place: "the University of Veranda", "Independence Square"
_JOINER = re.compile(r"\b(?:to|until|till|through|thru|and|between)\b|[–—]|\s-\s", re.I)
_TRAILING = ".,;:!?)”\"’' \t\n"


_STRETCH = re.compile(r"\b(?:hours|opening\s+times|times\s+of\s+(?:day|the\s+day)|period|dates|years|time\s*frame|"
                      r"time\s*span|span|schedule)\b", re.I)
_CLOCK = r"\d{1,2}(?:[:.]\d{2})?\s*(?:a\.m\.?|p\.m\.?|am|pm)|\d{1,2}:\d{2}|noon|midnight"
_DATE = (rf"(?:(?:{DAYS}),?\s+)?(?:(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
         rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?(?:,?\s+\d{{4}})?|(?:{MONTHS})(?:\s+\d{{4}})?|(?:{DAYS}))")
_YEAR = r"\d{3,4}(?:\s*(?:BC|BCE|AD|CE))?"
_PHRASE = rf"(?:{_CLOCK}|{_DATE}|{_YEAR})"
TIME_PHRASE = _PHRASE  # a clock time, a date, a month, a day of the week or a year, by itself
_JOIN = r"(?:to|until|till|through|thru)"
# the span is the range's end: "from A to |", "between A and |", "A – |"
_BEFORE_END = re.compile(rf"(?:\b(?:from|between)\s+)?(?P<a>{_PHRASE})(?:\s+{_JOIN}\s+|\s+and\s+|\s*[–—]\s*)$", re.I)
# the span is the range's start: "| to B", "| and B" (after "between"), "| – B"
_AFTER_START = re.compile(rf"^(?:\s+{_JOIN}\s+|\s+and\s+|\s*[–—]\s*)(?P<b>{_PHRASE})(?!\w)", re.I)


def asks_stretch(question: str) -> bool:
    """The question asks for a stretch of time ("opening hours", "what years", "time span") and names
    neither its start nor its end."""
    return bool(_STRETCH.search(question)) and not _START.search(question) and not _END.search(question)


def whole_range(question: str, text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` widened to the whole range when ``text[start:end]`` is one end of it and the
    question asks for a stretch of time (see the module); otherwise unchanged."""
    span = text[start:end]
    if not asks_stretch(question) or not _TIME.search(span) or _JOINER.search(span):
        return start, end
    lead = max(0, start - 60)
    before = _BEFORE_END.search(text[lead:start])
    if before is not None:
        joined_by_and = re.search(r"\sand\s+$", before.group(0))
        if not joined_by_and or before.group(0).lower().startswith("between"):
            return lead + before.start("a"), end
    after = _AFTER_START.match(text[end : end + 60])
    if after is not None:
        joined_by_and = re.match(r"^\s+and\s", after.group(0))
        if not joined_by_and or re.search(r"\bbetween\s+$", text[max(0, start - 12) : start], re.I):
            return start, end + after.end("b")
    return start, end


def asks_end(question: str) -> str | None:
    """"start" or "end" when the question asks when something starts or ends (not both), else None."""
    start, end = bool(_START.search(question)), bool(_END.search(question))
    if start == end:
        return None
    return "start" if start else "end"


def range_part(question: str, answer: str) -> tuple[int, int] | None:
    """(start, end) of the asked-for end of the range inside ``answer`` (see the module), else None."""
    which = asks_end(question)
    if which is None:
        return None
    lead = len(answer) - len(answer.lstrip())
    text = answer[lead:].rstrip(_TRAILING)
    where = bool(WHERE.match(question))  # "Where will the march start?": a range of places
    for pattern in _RANGES:
        m = pattern.match(text)
        if m and all((_PLACE.match(m.group(g)) and not _TIME.search(m.group(g))) if where
                     else _TIME.search(m.group(g)) for g in ("a", "b")):
            if any(_JOINER.search(m.group(g)) for g in ("a", "b")):
                return None  # more than one range, or a range inside one end: not a simple range
            if _BARE_NUMBER.match(m.group("a")):
                return None  # "7 to 21 days after exposure": one span of time whose unit the end gives
            group = "a" if which == "start" else "b"
            part = m.group(group)
            start = lead + m.start(group) + len(part) - len(part.lstrip())
            end = lead + m.end(group) - (len(part) - len(part.rstrip()))
            return (start, end) if start < end else None
    return None
