"""A dateline dates the document, not what the document tells of.

"When did the council adopt the budget?" over a budget notice was answered "9 December 2026",
from its line "*Riverton City Council, 9 December 2026*", though the notice says "The city council
adopted the 2027 budget on Tuesday"; "When did Hanna Lund become Chief Statistician?" over an
interview got "2 October 2026" from "*Published by the National Statistics Office, 2 October
2026*" ("Hanna Lund became Chief Statistician in January"). The reader saw a date next to words
of the question ("Council", "Chief Statistician" in the title above) and took it.

``is_dateline``: a sentence that holds the day its document was written (its ``.meta.json``'s
date; ``reader.tense`` reads the dates) and, besides it, nothing but names, small words and words
of publishing: no lower-case word of four letters or more other
than "press", "release", "published", "issued", ... ("28 May 2026", "August 14, 2025", "Press
release, 11 September 2025.", "Issued by the Harbour Master, Port of Greywater, on 2 April 2026.",
"U.S. Embassy Caldera City, Republic of Veranda, March 5, 2025"). Not a dateline: "Harlow Springs
City Council - Minutes of the regular meeting of June 17, 2025" (it dates the meeting), "U.S.
Department of Homeland Security issued the following announcement on Feb. 21." (a sentence), and
an interview's answer "On 14 May 2028." (not the day the interview was published). Without the
document's day nothing is a dateline (SQuAD's paragraphs have none).

``not_from_dateline``: a "When ...?" question (``reader.tense.asks_for_time``) answered from
datelines only, while it does not ask when the document was published, issued, released, written,
dated, posted or updated. Answer assembly (``reader.assemble``) then tries the reader's next span,
as for an answer of the wrong kind (``reader.timetype``), or abstains. "When was the notice
issued?" still takes the dateline. Works on text; runs no model.
"""
from __future__ import annotations

import datetime as dt
import re

from .tense import answer_tense, asks_for_time, first_date

_PUBLISHING = frozenset("""press release released publish published publication issue issued posted updated
update dated written statement transcript bulletin edition news notice""".split())
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]{3,}")
_ASKS_PUBLISHING = re.compile(r"\b(?:publish|published|issue[sd]?|release[sd]?|written|wr[io]te|dated?|posted|"
                              r"updated|printed|sent|appear(?:ed|s)?)\b", re.I)


def is_dateline(sentence: str, written: dt.date | None) -> bool:
    """The document's day ``written`` with nothing but names, small words and words of publishing
    around it (see the module)."""
    date = first_date(sentence)
    if date is None or written is None or answer_tense(sentence, written) != "today":
        return False
    rest = sentence[: date[0]] + " " + sentence[date[1] :]
    return all(w.lower() in _PUBLISHING for w in _LOWER_WORD.findall(rest))


def not_from_dateline(question: str, sentences: list[str], written: dt.date | None) -> bool:
    """``question`` asks when something happened and its answer lies in datelines only (``written``:
    the day the answer's document was written)."""
    if not sentences or not asks_for_time(question) or _ASKS_PUBLISHING.search(question):
        return False
    return all(is_dateline(s, written) for s in sentences)
