"""A time range given for "When does it start?" or "When does it end?" is cut to the end asked for.

"When does the campaign start?" over "The campaign will run from October 14 to December 20" gets
the reader's span "October 14 to December 20": the whole range, where the question asks for its
first day. ``range_part`` keeps the start or the end of the range when

* the question asks when something starts ("start", "begin", "commence", "kick off", "since when")
  or when it ends ("end", "finish", "conclude", "expire", "until when", "last day"), not both;
* the answer is exactly one range: "A to|until|till|through B", "from A to B", "between A and B",
  "A – B" (a dash), and A and B are times: each has a digit, a month or a day of the week
  ("2018-2022" is a range of years; an ISO date such as "2024-10-07" is not cut).

"Open" and "close" are not read as start and end: "When is the office open?" asks for the hours.
Works on the answer's text and returns offsets inside it; runs no model. Not handled: ranges inside
a longer answer ("runs from May to June and costs ..."), and durations ("for six weeks")."""
from __future__ import annotations

import re

_START = re.compile(r"\b(?:start|starts|started|starting|begin|begins|began|begun|beginning|commence|commences|"
                    r"commenced|kick\s+off|kicks\s+off|kicked\s+off|since\s+when|first\s+day)\b", re.I)
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
_JOINER = re.compile(r"\b(?:to|until|till|through|thru|and|between)\b|[–—]|\s-\s", re.I)
_TRAILING = ".,;:!?)”\"’' \t\n"


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
    for pattern in _RANGES:
        m = pattern.match(text)
        if m and _TIME.search(m.group("a")) and _TIME.search(m.group("b")):
            if any(_JOINER.search(m.group(g)) for g in ("a", "b")):
                return None  # more than one range, or a range inside one end: not a simple range
            group = "a" if which == "start" else "b"
            part = m.group(group)
            start = lead + m.start(group) + len(part) - len(part.lstrip())
            end = lead + m.end(group) - (len(part) - len(part.rstrip()))
            return (start, end) if start < end else None
    return None
