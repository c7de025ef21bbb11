"""A "When did/will ...?" answer must be a time.

"When did the derailment at Kestrel Junction happen?" over "The derailment at Kestrel Junction
last year, in which no one was killed, ..." got the reader's span "no one was killed": a clause
with no time in it, an answer no reader of the question would accept. ``not_a_time`` tells such
an answer apart, and the caller (``reader.assemble``) treats it like a tense clash: the reader's
best other span that is a time answers, or the question abstains.

* the question asks for a point in time: it starts with "When" (also "By/Since/Until when")
  followed by "did", "was", "were", "will", "had", "has" or "have", and no later clause asks
  something else ("When did the war end, and who ...?"). "When is/are/do/does ...?" is left alone: in
  the present it often asks for a condition ("When is bypass surgery recommended?" - "blockages
  of multiple coronary arteries"), which has no time in it;
* the answer has a time when it has a digit, a month, a day of the week, a word of time ("year",
  "century", "summer", "morning", "ago", "later", "after", "during", "first", "last", "dynasty",
  "reign", "war", "birthday", "edition", a number word from "two" on, ...), a capitalised word
  (an event or era: "Christmas", "the Renaissance"; not a first word such as "No" or "The"), or
  starts with a preposition or conjunction that places it ("in", "at", "upon", "after", "if",
  "once", "the end of" ...); but not a name with a number that is no time ("Route 9", "Item 4",
  "Room 204": ``is_designator``; "When will the council take up the speed limit again?" over
  minutes that postponed "Speed limit on Route 9" got "Route 9"; 2 of SQuAD v1.1 train's 4,931
  such gold answers are of that form, "Top 7" and "Top 8", stages of a contest; 0 of 238 in
  dev-v2.0-a).

``trailing_adverb``: a time answer the text follows at once with "before", "later", "earlier", "ago",
"afterwards" or "beforehand" and then a punctuation mark or the line's end takes that word too:
"When did the city council approve the project?" over "... had approved the project the evening
before." got "the evening"; SQuAD's gold answers keep the word (31 of 32 such gold answers of v1.1
train to a "When"/"What year" question, 6 of 6 of dev-v2.0-a), so the answer is "the evening before".

Measured on SQuAD's gold answers before it was wired in: of SQuAD v1.1 train's 4,931 such "When"
questions, 6 gold answers have no time by this test (0.12 %: "When will organomagnesium halide
formation fail?" - "presence of just about any water", a condition; "When was this writing
penned?" - "afterlife"); dev-v2.0-a: 0 of 238. Works on the answer's text; runs no model."""
from __future__ import annotations

import re

from .ranges import DAYS, MONTHS

_ASKS_TIME = re.compile(r"^\s*(?:(?:by|since|until|till)\s+)?when\s+(?:did|was|were|will|had|has|have)\b"
                        r"(?![^?]*,\s*(?:(?:and|or|but)\s+)?(?:what|who|whom|which|how|where|why)\b)", re.I)
_WORDS = ("years?|century|centuries|decades?|eras?|ages?|periods?|times?|days?|weeks?|months?|seasons?|summer|"
          "winter|spring|autumn|fall|mornings?|afternoon|evenings?|nights?|noon|midnight|dawn|dusk|today|yesterday|"
          "tomorrow|tonight|now|then|ago|later|earlier|before|after|during|since|until|till|when|whenever|while|"
          "once|soon|recently|early|late|previously|formerly|eventually|immediately|annually|daily|weekly|monthly|"
          "yearly|never|always|first|last|next|following|prior|beginning|end|middle|mid|onset|dynasty|reign|wars?|"
          "revolution|holidays?|christmas|easter|birth|death|childhood|youth|infancy|adolescence|adulthood|"
          "retirement|hours?|minutes?|seconds?|moment|upon|future|past|present|modern|ancient|medieval|"
          "prehistoric|bc|bce|ad|ce|am|pm|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
          "thirty|forty|fifty|hundred|thousand|million|billion|several|few|many")
# a word of time (all ``is_designator`` looks for); with a digit, what makes an answer a time
_TIME_WORD = re.compile(rf"\b(?:{MONTHS}|{DAYS}|{_WORDS})\b|\b(?:day|night|birth|edition|half|phase|stage|start|"
                        r"term|session|round)\w*", re.I)
_TIME = re.compile(rf"\d|{_TIME_WORD.pattern}", re.I)
_PLACING = re.compile(r"^\s*(?:if|in|at|as|on|by|upon|after|before|during|while|whenever|once|following|when|"
                      r"within|around|about|from|between|throughout|through|over|under|near|towards?|"
                      r"the\s+\w+\s+of)\b", re.I)
_CAPITAL = re.compile(r"(?<=\s)[A-Z]|^(?!(?:No|The|A|An|It|He|She|They|We|I|You|There|This|That|These|Those|Some|"
                      r"Many|All|Most|None|Nobody|Everyone|Its|His|Her|Their|Our)\b)[A-Z]")


# "Route 9", "the Highway 101", "Item No. 4": capitalised words and a number of up to three digits
_DESIGNATOR = re.compile(r"^(?:the\s+)?((?:[A-Z][A-Za-z-]+\s+){1,3})(?:No\.\s*|#\s*)?\d{1,3}[A-Za-z]?$")
_TRAILING = re.compile(r"[ \t]+(?:before|later|earlier|ago|afterwards|beforehand)(?=[ \t]*(?:[.,;:!?)”\"]|$))",
                       re.I | re.M)


def trailing_adverb(text: str, end: int) -> int:
    """The end of the answer ``text[:end]`` with a relative-time adverb that follows it at once (see
    the module), else ``end``. The caller asks only for questions that ask for a time."""
    m = _TRAILING.match(text, end)
    return m.end() if m else end


def asks_time(question: str) -> bool:
    """True for "When did/was/were/will/had/has/have ...?" (see the module)."""
    return bool(_ASKS_TIME.search(question))


def is_designator(answer: str) -> bool:
    """A name with a number of up to three digits that is no time: "Route 9", "Item 4", "Room 204"
    (not "June 8", "Phase 2", "Spring 2020": a month, a word of time, a year)."""
    m = _DESIGNATOR.match(answer.strip())
    return m is not None and not _TIME_WORD.search(m.group(1))


def has_time(answer: str) -> bool:
    """True when the answer names or places a time (see the module)."""
    text = answer.strip().strip("“”\"'‘’")
    if is_designator(text):
        return False
    return bool(_TIME.search(text) or _PLACING.search(text) or _CAPITAL.search(text))


def not_a_time(question: str, answer: str) -> bool:
    """True when the question asks when something did/will happen and the answer has no time."""
    return asks_time(question) and not has_time(answer)
