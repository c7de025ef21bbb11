"""Who is speaking: quotations in a document and the speaker each is attributed to, and the short
context a passage needs when it holds quoted words but not the speaker's name.

A passage cut from inside a quotation ("We cannot allow children to be used as pawns ...") no
longer says who said it; asked "What did Nielsen say about children?", a reader trained on
SQuAD 2.0's adversarial questions rightly treats the missing name as a sign that the passage does
not answer. ``passage_context`` gives such a passage the prefix "Secretary Nielsen said: " for the
reader (never for citations: offsets stay those of the document).

Rules (English news and press-release style): a quotation is text between “ and ” (or a pair of
straight double quotes); it is attributed by a speech verb straight after its closing mark
(“...,” said Secretary Nielsen / “...,” she added / “...,” Nielsen said) or straight before its
opening mark (Nielsen said: “...”). A name may carry a title with "of" ("said Director of
Environment and Highways Graham Tull"); a role in apposition gives way to the name after it ("said
Eastvale Water's operations director, Neil Armitage" -> Neil Armitage; "Ruth Adeyemi, the chief
executive, said:" -> Ruth Adeyemi), and "<name> of the <organisation> said:" is the person's
("Sergeant Leona Price of the Roads Policing Unit said:" -> Sergeant Leona Price). A pronoun speaker
is the last named speaker before it. A
quotation with no attribution that follows an attributed one in the same paragraph is the same
speaker's (quotes run on); other unattributed quotations (scare quotes such as “regional compact”)
have no speaker. This module does not resolve nested quotations or speakers named only in a
previous document."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .types import Document, Passage

VERBS = r"(?:said|says|added|adds|stated|states|noted|notes|explained|explains|continued|continues|declared|" \
        r"remarked|told\s+\w+|wrote|writes|argued|argues|warned|warns|emphasized|stressed|concluded)"
# Up to five capitalised words; a dot only in an initial or a title ("Kirstjen M. Nielsen", "Dr. Ruiz").
NAME = r"(?:(?:[A-Z]\.|Mr\.|Mrs\.|Ms\.|Dr\.|Sen\.|Rep\.|Gov\.|Gen\.|Sr\.|Sra\.)\s+|[A-Z][\w'’-]+\s+){0,4}[A-Z][\w'’-]+"
PRONOUN = r"(?:he|she|they|He|She|They)"
# A title with "of" before the name: "Director of Environment and Highways Graham Tull", "Minister of
# Health Ana Ruiz" (not "of the": "Price of the Roads Policing Unit" is a person and where she works).
TITLED = rf"(?:{NAME}\s+of\s+(?!the\b)(?:[A-Z][\w'’-]+\s+(?:and\s+)?){{1,5}})?{NAME}"
# A role in apposition before the name: "Eastvale Water's operations director, ", "the company's chief executive, "
ROLE = rf"(?:the\s+)?(?:(?:{NAME}|[a-z][\w-]*)['’]s\s+)?(?:[a-z][\w-]*\s+){{0,3}}[a-z][\w-]*\s*,\s*"
_AFTER = [
    re.compile(rf"\s*,?\s*{VERBS}\s+{ROLE}(?P<who>{NAME})\b"),    # ...,” said Eastvale Water's director, Neil Armitage
    re.compile(rf"\s*,?\s*{VERBS}\s+(?P<who>{TITLED}|{PRONOUN})\b"),   # ...,” said Secretary Nielsen
    re.compile(rf"\s*,?\s*(?P<who>{TITLED}|{PRONOUN})\s+{VERBS}\b"),    # ...,” Nielsen said / she added
]
_BEFORE = [
    # Ruth Adeyemi, the chief executive, said: “... / Sergeant Leona Price of the Roads Policing Unit said: “...
    re.compile(rf"(?P<who>{NAME})(?:\s*,\s*[^,“”\"\n]{{1,60}},|\s+of\s+the\s+{NAME})\s+{VERBS}\s*[,:]?\s*$"),
    re.compile(rf"(?P<who>{TITLED}|{PRONOUN})\s+{VERBS}\s*[,:]?\s*$"),  # Nielsen said: “...
]
_PAIRS = re.compile(r"“[^“”]*”|\"[^\"\n]*\"")
MIN_RUN_ON = 40  # an unattributed quotation this long after an attributed one continues it


@dataclass(frozen=True)
class Quote:
    start: int  # offsets of the quotation, marks included: text[start:end]
    end: int
    speaker: str | None  # resolved name, or None (scare quotes, unknown speaker)


def _who(text: str, start: int, end: int) -> str | None:
    after = text[end:end + 120]
    for pat in _AFTER:
        m = pat.match(after)
        if m:
            return m.group("who")
    before = text[max(0, start - 120):start]
    for pat in _BEFORE:
        m = pat.search(before)
        if m:
            return m.group("who")
    return None


@lru_cache(maxsize=512)
def _cached(text: str) -> tuple[Quote, ...]:
    return tuple(quotes(text))


def cached_quotes(text: str) -> tuple[Quote, ...]:
    """``quotes(text)``, remembered for the last 512 texts (a document is read for many questions)."""
    return _cached(text)


SHORT_QUOTE_WORDS = 5  # a quotation this short is a term ("regional compact"), not speech


def balance_quotes(text: str, a: int, b: int, found: Sequence[Quote]) -> tuple[int, int]:
    """An answer span [a, b) with its quotation marks in pairs: a mark at either end whose partner
    lies outside the span is dropped ('“Criminals show little regard' -> 'Criminals show little
    regard'); a quotation the span opens or closes but cuts is completed when it is short ('the
    “root causes' -> 'the “root causes”'); a span inside a short quotation grows to the quoted
    words ('regional' inside “regional compact” -> 'regional compact'). Offsets stay those of
    ``text``; spans with no quotation marks come back unchanged."""
    for q in found:
        if q.end <= a or q.start >= b:
            continue
        short = len(text[q.start + 1:q.end - 1].split()) <= SHORT_QUOTE_WORDS
        if q.start < a and b < q.end:  # inside the quotation
            if short:  # its words, without the punctuation written inside the marks ("ctenes,")
                a, b = q.start + 1, q.end - 1
                while b > a and text[b - 1] in ",.;:!? ":
                    b -= 1
            continue
        if a == q.start and q.end > b:  # opens a quotation it does not close
            if short:
                b = q.end
            else:
                a += 1
        elif b == q.end and q.start < a:  # closes a quotation it did not open
            if short:
                a = q.start
            else:
                b -= 1
        elif a < q.start < b < q.end and short:  # the quotation starts inside the span and runs past it
            b = q.end
        elif q.start < a < q.end < b and short:
            a = q.start
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def quotes(text: str) -> list[Quote]:
    """Every quotation in ``text`` with its speaker (None where not attributed)."""
    out: list[Quote] = []
    last_named: str | None = None
    prev: Quote | None = None
    for m in _PAIRS.finditer(text):
        s, e = m.span()
        who = _who(text, s, e)
        if who is not None:
            who = " ".join(who.split())  # "Dr.  Helen Osei" -> "Dr. Helen Osei"
        if who is not None and re.fullmatch(PRONOUN, who):
            who = last_named
        elif who is not None:
            last_named = who
        if who is None and prev is not None and prev.speaker and e - s >= MIN_RUN_ON and "\n" not in text[prev.end:s]:
            who = prev.speaker
        q = Quote(s, e, who)
        out.append(q)
        prev = q
    return out


def passage_context(text: str, start: int, end: int, found: Sequence[Quote]) -> str:
    """The prefix the reader gets before the passage ``text[start:end]``: "<speaker> said: " when the
    passage overlaps a quotation whose speaker's name it does not contain, else ""."""
    body = text[start:end]
    for q in found:
        if q.speaker and q.start < end and q.end > start:
            surname = q.speaker.split()[-1]
            if surname not in body:
                return f"{q.speaker} said: "
    return ""


def contexts(passages: Sequence[Passage], docs: Mapping[str, Document]) -> list[str]:
    """``passage_context`` for each passage (its document's quotations found once and cached)."""
    out = []
    for p in passages:
        d = docs.get(p.doc_id)
        out.append(passage_context(d.text, p.start, p.end, _cached(d.text)) if d is not None else "")
    return out
