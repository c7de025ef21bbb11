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
press-dev sets, none is of either kind: the reader almost always answers a number.

``not_a_cost`` does the same for "How much does|did|will ... cost?" (also "price", "fee", "fare",
"charge"; not "How much of ...", not a comparison or a change: "How much more ...", "How much did
prices decline?"): an answer that is a share ("7 per cent", "20%") is no cost. "How much did the
electric locomotives cost?" (press-dev, not said) got the freight company's "7 per cent" (its costs
rose by 7 per cent) at confidence 0.89. Of SQuAD v1.1 train's 61 such answerable questions, no gold
answer is a share (2026-12-04). Answers without a number are left alone: a transcript's "I will not
get ahead of the minister", which follows the reporter's own question about a hospital's cost
(``reader.echo``), is the document's answer, and with it passed over the reader's "9.5 million
euros" (another unit's cost) answered a question the briefing leaves open.

Works on the answer's text; runs no model."""
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


_ASKS_COST = re.compile(r"^\s*how\s+much\b(?!\s+of\b)(?=.*\b(?:cost|costs|costing|charged?|charges|fees?|fares?|prices?|"
                        r"priced)\b)", re.I)
# a comparison or a change asks for a difference, which may well be a share
_COMPARES = re.compile(r"\b(?:more|less|fewer|cheaper|dearer|higher|lower|than|compared|comparison|times|percent|"
                       r"per\s*cent|percentage|share|proportion|increase[sd]?|decrease[sd]?|rise|rose|risen|fall|fell|"
                       r"fallen|drop(?:ped)?|declined?|deflated?|inflated?|grow|grew|change[sd]?)\b|%", re.I)
_SHARE = re.compile(r"%|\bper\s*cent\b|\bpercent\b", re.I)


def not_a_cost(question: str, answer: str) -> bool:
    """True when the question asks what something costs and the answer is a share (see the module)."""
    if not _ASKS_COST.search(question) or _COMPARES.search(question):
        return False
    return bool(_SHARE.search(answer))
