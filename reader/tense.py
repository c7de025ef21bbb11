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

A "Where" question about an event ("Where did the meeting take place?", "Where was the meeting
held?", "Where will the hearing be held?"; also "In which city/town/country/place ...") has the same
tense; its answer is a place, which has none, so the words that date it are those of its clause:
the answer's sentence from its start (or its last ";" before the answer) to the answer's end
(``clause_before``). There future also reads "will", "shall", "'ll", "going to" and "is/are
planned|scheduled|expected|set|due for|to" ("The first meeting ... is planned for September in
Hollow Bay": no answer to "Where did the meeting take place?"), past also "met", "took place",
"was held" and the like; a clause with both is neither.

A yes/no question ("Was the final agreement signed the following month?", "Will the ministers meet
again in Suva?": ``asks_yes_no``) has a tense the same way ("was", "were", "did", "had": past;
"will", "shall" and the future markers above: future) and its answer is the sentence that decides
it, so the whole sentence is dated as a place's clause is: "Ministers agreed to complete the final
agreement next month" tells of a plan, which does not say whether it was done (the statement's
team set, written before this rule: unanswerable; answered "next month" before).

An answer with no relative time word (a date, "in 1998", "February 20") is past or future only
against the day the document was written: given that day (``document_date``: the ``date`` of the
document's ``.meta.json``), a date before it is past and one after it future, compared at the
answer's own precision ("in 2018" against 2019-02-21: past; "February 20" takes the year that puts
it nearest the document's day, here 2019: past; "in January" in an announcement of October 2024
is January 2025: future; "Sept. 5" in February, about as far back as ahead, "in February" or
"2019": neither); but when the answer's sentence tells only of what is to come or only of what
happened (its verbs, as for a place's clause: ``sentence_lean``), a date without a year lies on that
side ("The board will review the new hours in October" in a text of 2 March 2026: October 2026,
although October 2025 is nearer); the very day it was written ("on October 7" in a
statement of 7 October, the day it announced something) answers no question about what "will"
happen; without the document's day a date never clashes. The caller
(``reader.assemble``) then tries the reader's other spans (``ReadOut.alternatives``) and answers
with the best one that does not clash, or abstains. Runs no model."""
from __future__ import annotations

import datetime as dt
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


_PLACE_QUESTION = re.compile(r"^\s*(?:where|(?:in|at)\s+(?:what|which)\s+(?:city|town|country|place|venue|"
                             r"location|state|region)\b)", re.I)
_PAST_PLACE_Q = re.compile(r"^\s*(?:where|(?:in|at)\s+(?:what|which)\s+\w+)\s+(?:did|was|were|had)\b", re.I)
_YES_NO = re.compile(r"^\s*(?:was|were|did|had|will|shall)\b", re.I)
_PAST_YES_NO = re.compile(r"^\s*(?:was|were|did|had)\b", re.I)
# A clause about what is still to come, and one that tells what happened.
_FUTURE_CLAUSE = re.compile(r"\b(?:will|shall|going\s+to|(?:is|are)\s+(?:(?:now|still|also)\s+)?(?:planned|scheduled|expected|set|due)"
                            r"\s+(?:for|to|in|on)|(?:is|are)\s+to\s+be)\b|[’']ll\b", re.I)
_PAST_CLAUSE = re.compile(r"\b(?:met|took\s+place|happened|occurred|gathered|convened|hosted|(?:was|were)\s+held)\b", re.I)


def asks_for_time(question: str) -> bool:
    """The question asks for a time: "When ...", "By/Since/Until when ...", "What year/date/day ..."."""
    return bool(_TIME_QUESTION.search(question))


def question_tense(question: str) -> str | None:
    """"future", "past" or None for a question asking for a time or an event's place (see the module);
    None otherwise."""
    if _PLACE_QUESTION.search(question):
        if _FUTURE_Q.search(question):
            return "future"
        return "past" if _PAST_PLACE_Q.search(question) else None
    if _YES_NO.search(question):  # "Was the final agreement signed the following month?"
        if _FUTURE_Q.search(question):
            return "future"
        return "past" if _PAST_YES_NO.search(question) else None
    if not _TIME_QUESTION.search(question):
        return None
    if _FUTURE_Q.search(question):
        return "future"
    if _PAST_Q.search(question):
        return "past"
    return None


def asks_yes_no(question: str) -> bool:
    """"Was/Were/Did/Had/Will/Shall ...?": the answer is dated by its whole sentence (``clashes``)."""
    return bool(_YES_NO.search(question))


def asks_place(question: str) -> bool:
    """"Where ...?" or "In which city ...?": the answer is dated by its clause (``clause_before``)."""
    return bool(_PLACE_QUESTION.search(question))


def clause_before(text: str, sentence_start: int, a: int, b: int) -> str:
    """The answer ``text[a:b]`` with its clause before it: from ``sentence_start`` or the last ";" before
    the answer, whichever comes later."""
    cut = text.rfind(";", sentence_start, a)
    return text[(cut + 1 if cut >= 0 else sentence_start) : b]


def clause_tense(clause: str, written: dt.date | None = None) -> str | None:
    """"past", "future" or None for a clause (``clause_before``): its verbs ("will be held", "met"),
    then as ``answer_tense``."""
    lean = sentence_lean(clause)
    if lean is not None or _FUTURE_CLAUSE.search(clause):  # one side, or verbs of both: no date decides
        return lean
    return answer_tense(clause, written)


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")
_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"  # a capitalised month or its abbreviation
_YR = r"1[0-9]{3}|2[0-9]{3}"
# "February 20", "Feb. 20, 2019", "20 February 2019", "February 2019", "February", "in 2018"
_DATE = re.compile(rf"\b(?:(?P<mon>{_MON})\s+(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>{_YR}))?"
                   rf"|(?P<day2>[0-9]{{1,2}})\s+(?P<mon2>{_MON})(?:,?\s+(?P<year2>{_YR}))?"
                   rf"|(?P<mon3>{_MON})(?:,?\s+(?P<year3>{_YR}))?"
                   rf"|(?P<year4>{_YR}))\b")


def first_date(text: str) -> tuple[int, int] | None:
    """Offsets of the first date in ``text`` ("9 December 2026", "Feb. 21", "in 2018"), as this module reads dates."""
    m = _DATE.search(text)
    return (m.start(), m.end()) if m else None


def document_date(meta: dict | None) -> dt.date | None:
    """The day a document was written: its metadata's ``date`` ("2019-02-21"), else None."""
    raw = str((meta or {}).get("date") or "")
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        return None


def _month(word: str) -> int | None:
    """1-12 for a month's name or its abbreviation ("Feb.", "Sept"), None for another word that starts
    like one ("Mayor", "Marc")."""
    w = word.rstrip(".").lower()
    for i, name in enumerate(_MONTH_NAMES):
        if w in (name, name[:3]) or (name == "september" and w == "sept"):
            return i + 1
    return None


def sentence_lean(sentence: str) -> str | None:
    """"future" or "past" when the answer's sentence tells only of what is to come ("The board will
    review the new hours in October") or only of what happened ("On February 20, ... Nielsen met
    ..."): the side of the document's day on which a date it gives without a year lies. None when
    it has verbs of both or neither."""
    future = bool(_FUTURE_CLAUSE.search(sentence))
    past = bool(_PAST_CLAUSE.search(sentence))
    return None if future == past else "future" if future else "past"


def _year_for(mon: int, day: int | None, written: dt.date, lean: str | None) -> int | None:
    """The year of a date given without one: with the sentence's ``lean`` ("future": the first such
    date on or after the document's day, at the date's own precision; "past": the last one on or
    before it), else ``_nearest_year``."""
    if lean is None:
        return _nearest_year(mon, day, written)
    ref = (written.month, written.day) if day else (written.month,)
    when = (mon, day) if day else (mon,)
    if lean == "future":
        return written.year if when >= ref else written.year + 1
    return written.year if when <= ref else written.year - 1


def _nearest_year(mon: int, day: int | None, written: dt.date) -> int | None:
    """The year that puts a date given without one ("January", "February 20") nearest the day the
    document was written: an announcement of 7 October 2024 that the minister "will report ... in
    January" means January 2025; a statement of 21 February 2019 that says "February 20" means the
    day before. None unless one year is nearer by more than two months ("Sept. 5" in February:
    five and a half months back or six and a half ahead, either)."""
    near = []
    for y in (written.year - 1, written.year, written.year + 1):
        try:
            d = dt.date(y, mon, day or 15)
        except ValueError:  # February 29 of a year without one, or a day a month lacks
            d = dt.date(y, mon, 28)
        near.append((abs((d - written).days), y))
    near.sort()
    return near[0][1] if near[1][0] - near[0][0] > 60 else None  # nearer by over two months, else either


def _date_tense(answer: str, written: dt.date, lean: str | None = None) -> str | None:
    """"past" / "future" for the dates in ``answer`` against ``written`` (each at its own precision),
    "today" for the very day ("on October 7" in a text of 7 October); None when a date is the same
    at a coarser precision ("2019"), when they disagree, or when there is none). A date without a
    year takes it by the sentence's ``lean`` (``sentence_lean``), else the nearest (``_year_for``)."""
    seen = set()
    for m in _DATE.finditer(answer):
        g = m.groupdict()
        word = g["mon"] or g["mon2"] or g["mon3"]
        mon = _month(word) if word else None
        if word and mon is None:
            continue
        day = g["day"] or g["day2"]
        year = g["year"] or g["year2"] or g["year3"] or g["year4"]
        if mon == 5 and not (day or year):
            continue  # "May" alone is as likely the verb
        y = int(year) if year else _year_for(mon, int(day) if day else None, written, lean) if mon else None
        if y is None:
            continue  # a month as far before the document's day as after it: neither
        when = [y] + ([mon] if mon else []) + ([int(day)] if day else [])
        ref = [written.year, written.month, written.day][: len(when)]
        if when != ref:
            seen.add("past" if when < ref else "future")
        elif len(when) == 3:
            seen.add("today")
    return seen.pop() if len(seen) == 1 else None


def answer_tense(answer: str, written: dt.date | None = None, lean: str | None = None) -> str | None:
    """"past", "future" or None (no relative time word, or words of both); with ``written`` (the
    document's day), an answer without such words is dated by the dates it holds (a date without a
    year by the answer sentence's ``lean``, ``sentence_lean``)."""
    past, future = bool(_PAST_A.search(answer)), bool(_FUTURE_A.search(answer))
    if past == future:
        return _date_tense(answer, written, lean) if written is not None and not past else None
    return "past" if past else "future"


def clashes(question: str, answer: str, written: dt.date | None = None, sentence: str = "") -> bool:
    """Whether ``answer`` is a time on the other side of now from the one ``question`` asks about;
    ``written``: the day the answer's document was written (dates are then past or future too). For a
    place question (``asks_place``) ``answer`` is the answer's clause (``clause_before``); ``sentence``:
    the answer's sentence, whose verbs say on which side of ``written`` a date without a year lies.
    For a yes/no question (``asks_yes_no``) ``answer`` is the answer's whole sentence, dated as a
    place's clause is."""
    q = question_tense(question)
    if q is None:
        return False
    if asks_place(question) or asks_yes_no(question):
        a = clause_tense(answer, written)
    else:
        a = answer_tense(answer, written, sentence_lean(sentence))
    if a == "today":  # the day the document was written: done ("signed today") or being done, not to come
        return q == "future"
    return a is not None and a != q
