"""A change's new value answers what the value is: "£46 million" of "rose to £46 million from £39 million".

"What was the operating profit?" over a company's results ("Operating profit rose to £46 million
from £39 million.") got the reader's span "£46 million from £39 million": this quarter's profit and
last year's, read as one amount. A sentence that says a value went "to A from B" gives the new value
first; ``new_value`` cuts such a span to A when

* the span is "A from B", both amounts (a digit each), and the text before it ends in "to" ("rose
  to", "fell to", "was cut to");
* the question does not ask for the earlier value ("from", "before", "previous", "previously",
  "earlier", "last year", "prior", "originally", "used to").

Of SQuAD v1.1 train's answers that touch such a "to A from B", 4 are A alone (e.g. "What did the
average salary increase to ...?" - "$66,715"), none the whole "A from B" (2026-12-04). Works on the
document's text and returns offsets in it; runs no model."""
from __future__ import annotations

import re

_AMOUNT = r"(?:[$£€¥]\s?)?\d[\d,.]*(?:\s?(?:%|per\s?cent|percent|[a-z]+(?:\s+[a-z]+)?))?"
_A_FROM_B = re.compile(rf"^(?P<a>{_AMOUNT})\s+from\s+(?P<b>{_AMOUNT})[.,;]?$", re.I)
_TO_BEFORE = re.compile(r"\bto\s*$", re.I)
_EARLIER = re.compile(r"\b(?:from|before|previous|previously|earlier|prior|originally|used\s+to|last\s+year|"
                      r"a\s+year\s+(?:earlier|before|ago))\b", re.I)


def new_value(question: str, text: str, a: int, b: int) -> tuple[int, int]:
    """(a, b) cut to the new value when ``text[a:b]`` is "A from B" after "to" (see the module);
    otherwise unchanged."""
    m = _A_FROM_B.match(text[a:b])
    if m is None or _EARLIER.search(question) or not _TO_BEFORE.search(text[max(0, a - 12):a]):
        return a, b
    part = m.group("a")
    return a, a + len(part.rstrip())
