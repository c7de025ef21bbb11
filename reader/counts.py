"""A "How many ...?" answer must be a count: not a sum of money, not words without a number.

"How many patrol boats will the United States provide?" over "The United States will provide $18
million over three years for patrol boats, radar and training." got the reader's span "$18 million
over three years" (confidence 0.75): the sentence says what the boats cost, not how many there are.
``not_a_count`` tells such an answer apart, and the caller (``reader.assemble``) treats it like a
time answer to a "When" question that has no time (``reader.timetype``): the reader's best other
span that is a count answers, or the question abstains.

* the question asks "how many" (anywhere: "Insects can adopt how many gaits?");
* the answer is no count when it starts with a currency sign ("$", "£", "€", "¥") and the question
  speaks of no money ("dollars", "cost", "funds", "paid", ...: "How many dollars did it cost?"
  asks for a sum), or when it has neither a digit nor a word of number or amount ("three",
  "hundreds", "a dozen", "several", "both", "every", "none", "a quarter", "twice", ...).

Measured on SQuAD v1.1 train before it was wired in (2026-12-04): of its 5,099 "how many"
questions, 4 have a gold answer that starts with a currency sign, all 4 with a money word in the
question; 27 have a gold answer with no digit and no such word (odd ones: "Israel", "the number of
clubs and the clubs themselves ...", a list of towns). Of the reader's answers to the 93 + 97
"how many" questions of dev-v2.0-a's held-out and calibration parts and the 60 of the team's and
press-dev sets, none is of either kind: the reader almost always answers a number. Works on the
answer's text; runs no model."""
from __future__ import annotations

import re

_ASKS = re.compile(r"\bhow\s+many\b", re.I)
_MONEY = re.compile(r"\b(?:dollars?|euros?|pounds?|yen|yuan|rupees?|francs?|pesos?|cents?|money|costs?|costing|"
                    r"prices?|funds?|funding|budgets?|worth|pa(?:y|id|ys)|spen[dt]|spending|raised?|revenues?|"
                    r"income|salar(?:y|ies)|earn(?:ed|s)?|wages?)\b|[$£€¥]", re.I)
_CURRENCY = re.compile(r"^\W*?(?:US|A|C|NZ|HK)?[$£€¥]")
_NUMBER = re.compile(
    r"\d|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|"
    r"thousands?|millions?|billions?|trillions?|dozens?|score|few|several|many|numerous|single|once|twice|"
    r"thrice|both|all|none|no|half|quarter|third|couple|pair|majority|minority|most|multiple|countless|some|"
    r"various|variety|handful|double|triple|every|any|never|number|first|second|infinite|unlimited)\b",
    re.I)


def asks_count(question: str) -> bool:
    """True for a question that asks "how many"."""
    return bool(_ASKS.search(question))


def not_a_count(question: str, answer: str) -> bool:
    """True when the question asks "how many" and the answer is a sum of money the question does
    not ask about, or has no number at all (see the module)."""
    if not asks_count(question):
        return False
    if _CURRENCY.match(answer) and not _MONEY.search(question):
        return True
    return not _NUMBER.search(answer)
