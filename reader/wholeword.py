"""An answer does not end inside what a reader reads as one word: an e-mail or web address, or a
dotted abbreviation without its last dot.

"Where can questions about the programme be sent?" over "... can be sent to
leadfree@brackwater.example or raised at ..." got the reader's span "leadfree@brackwater": the
tokenizer splits the address at its dots and the reader ended the span at one of them, leaving an
address that delivers nowhere. "Where can I find details?" over "... visit
https://www.city.gov.uk/tram-line for details" got "www.city.gov.uk/tram-line" (no scheme).

``whole_address`` widens a span [a, b) of ``text`` to every e-mail address (``name@host.tld``) and
web address (``http(s)://...`` or ``www....``) it overlaps but does not hold whole. An address ends
before whitespace, quotation marks and angle brackets, and its last character is not one of
". , ; : ! ? )" (the sentence's punctuation after it). A span that holds no part of an address is
returned unchanged.

``abbreviation_dot`` moves the end of a span that stops at "p.m", "a.m", "U.S" or "D.C" (letters
with dots between them) over the dot that follows: "9 p.m." (the reader's span was "9 p.m").
SQuAD's gold answers mostly keep it: 45 of v1.1 train's answers end in such an abbreviation with
its dot, 10 without it (where the dot also ends the sentence); the official F1 ignores the dot, so
the rule changes no score, only what the user reads.

Works on the text and offsets; runs no model. Measured on SQuAD before it was wired in (README,
design): no gold answer of v1.1 train or of dev-v2.0-a cuts an address."""
from __future__ import annotations

import re

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_URL = r"(?:https?://|www\.)[^\s<>\"“”‘’']+"
ADDRESS = re.compile(rf"{_URL}|{_EMAIL}", re.IGNORECASE)
_TAIL = ".,;:!?)"
_DOTTED = re.compile(r"(?<![\w.])(?:[A-Za-z]\.)+[A-Za-z]$")  # "p.m", "U.S", "D.C" (not "e.g" inside a word)


def addresses(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of every e-mail and web address in ``text[lo:hi]``, the sentence's punctuation
    after it left out."""
    out = []
    for m in ADDRESS.finditer(text, lo, len(text) if hi is None else hi):
        a, b = m.span()
        while b > a and text[b - 1] in _TAIL:
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def whole_address(text: str, a: int, b: int) -> tuple[int, int]:
    """[a, b) widened to each address it cuts (overlaps but does not hold whole). An address holds no
    whitespace, so only the words the span touches are searched, not the whole document."""
    lo = max(text.rfind(" ", 0, a), text.rfind("\n", 0, a), text.rfind("\t", 0, a)) + 1
    hi = min((i for i in (text.find(c, b) for c in " \n\t") if i >= 0), default=len(text))
    for s, e in addresses(text, lo, hi):
        if s < b and a < e and not (a <= s and e <= b):
            a, b = min(a, s), max(b, e)
    return a, b


def abbreviation_dot(text: str, a: int, b: int) -> int:
    """The end of span [a, b), moved over the dot after a dotted abbreviation it stops at ("9 p.m" -> "9 p.m.")."""
    if b < len(text) and text[b] == "." and _DOTTED.search(text, a, b):
        return b + 1
    return b
