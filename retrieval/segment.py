"""Sentence segmentation with exact character offsets.

Uses BlingFire's sentence breaker (fast, C++, returns offsets) for prose, with a thin
layer for what it gets wrong on press statements:

* each line is segmented on its own, so bullet items ("- Strengthening ...") become
  separate sentences instead of being glued to the lead-in line;
* list markers ("- ", "* ", "• ", "1. ") are excluded from the sentence span;
* whitespace is trimmed from every span;
* known boilerplate ("Original source can be found here.") is flagged so that it is never
  cited or indexed.

Invariant (tested, also by hypothesis): ``text[s.start:s.end] == s.text`` for every sentence.
It does not normalise, lower-case or otherwise change text.
"""
from __future__ import annotations

import re

import blingfire

from .formats import BULLET_OR_NUMBER, TABLE_SEPARATOR
from .types import Sentence

# A list item's marker (formats.BULLET_OR_NUMBER), here also letters: "a)", "(b)".
LIST_MARKER = re.compile(rf"^\s*(?:{BULLET_OR_NUMBER}|\(?[a-zA-Z][.)])\s+")
# "-" or "•" straight before a letter also opens an item: PDF reading writes "-" where a bullet was drawn.
_BULLET_ONLY = re.compile(r"^\s*(?:[-*•‣◦–—]\s+|[-•](?=[^\W\d_]))")
# A Markdown table's separator row (retrieval.formats): boilerplate here, and how ``reader.tables`` finds a header.
_BOILERPLATE = [TABLE_SEPARATOR] + [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:the\s+)?original\s+(?:source|article|statement|release)\s+(?:can\s+be\s+found|is\s+available)\s+here\.?$",
        r"^(?:click|read\s+more|see\s+more|learn\s+more)\b.{0,40}\bhere\.?$",
        r"^###$",
        r"^-\s*end\s*-$",
    )
]


def is_boilerplate(text: str) -> bool:
    t = text.strip()
    return any(p.match(t) for p in _BOILERPLATE)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _line_spans(text: str):
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, pos + len(line)
        pos += len(line)


def split_spans(text: str) -> list[tuple[int, int, bool]]:
    """Return (start, end, is_list_item) character spans of the sentences in ``text``."""
    spans: list[tuple[int, int, bool]] = []
    for la, lb in _line_spans(text):
        a, b = _trim(text, la, lb)
        if a >= b:
            continue
        line = text[a:b]
        list_item = False
        m = _BULLET_ONLY.match(line)
        if m and m.end() < len(line):
            # A bullet line is one item: don't let the breaker split "U.S." inside it into pieces.
            a2, b2 = _trim(text, a + m.end(), b)
            if a2 < b2:
                spans.append((a2, b2, True))
            continue
        m = LIST_MARKER.match(line) if len(line) < 200 else None
        # A line that ends a sentence is an item only inside a list, after a lead-in ending in ":" or another item
        # ("3. Upload a photo." had kept its "3." as a sentence of its own); elsewhere "A. Smith said so." is
        # prose, and so is SQuAD's "O\n2. Diatomic oxygen ..." (a formula's subscript before a line break).
        in_list = bool(spans) and (spans[-1][2] or text[spans[-1][0]:spans[-1][1]].endswith(":"))
        if m and m.end() < len(line) and (in_list or not line.rstrip().endswith((".", "?", "!"))):
            a2, b2 = _trim(text, a + m.end(), b)
            if a2 < b2:
                spans.append((a2, b2, True))
                continue
        _, offsets = blingfire.text_to_sentences_and_offsets(line)
        got = False
        for sa, sb in _split_missed(line, offsets or []):
            # BlingFire counts offsets in characters of the line it was given; re-trim to be safe.
            s2, e2 = _trim(text, a + sa, a + sb)
            if s2 < e2:
                spans.append((s2, e2, list_item))
                got = True
        if not got:
            spans.append((a, b, list_item))
    return _repair(text, spans)


# A sentence end BlingFire misses: "no." read as the abbreviation of "number" ("... with Councilmember
# Whitlock voting no. Whitlock said ..."); lower-case "no." before a capitalised word never stands
# inside a sentence of SQuAD's 19,654 paragraphs.
_MISSED_END = re.compile(r"\bno\.(?=\s+[A-Z][a-z])")


# A sentence end BlingFire finds where there is none: "v." or "vs." of a case's name ("Ministry of
# Transport v. Harbour Residents' Association", "Grutter v. Bollinger"): 68 of the 91 such names in
# SQuAD v1.1 train's paragraphs were cut there; none of the 91 ends a sentence.
_FALSE_END = re.compile(r"(?<![\w.])vs?\.$")


def _split_missed(line: str, offsets) -> list[tuple[int, int]]:
    """BlingFire's sentence offsets, each also cut after a sentence end it missed (``_MISSED_END``),
    and joined to the next where it ended one at a case name's "v." (``_FALSE_END``)."""
    joined: list[tuple[int, int]] = []
    for sa, sb in offsets:
        if joined and _FALSE_END.search(line, joined[-1][0], joined[-1][1]) and line[sa : sa + 1].isupper():
            joined[-1] = (joined[-1][0], sb)
        else:
            joined.append((sa, sb))
    out = []
    for sa, sb in joined:
        for m in _MISSED_END.finditer(line, sa, sb):
            out.append((sa, m.end()))
            sa = m.end()
        out.append((sa, sb))
    return out


def _repair(text: str, spans: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """Ensure spans are sorted, non-overlapping and inside the text (guards against library quirks)."""
    out: list[tuple[int, int, bool]] = []
    last = 0
    for a, b, li in sorted(spans):
        a = max(a, last)
        if a >= b:
            continue
        a, b = _trim(text, a, b)
        if a < b:
            out.append((a, b, li))
            last = b
    return out


def segment(text: str, doc_id: str = "") -> list[Sentence]:
    """Split a document into sentences with offsets into ``text``."""
    return [
        Sentence(doc_id=doc_id, idx=i, start=a, end=b, text=text[a:b], boilerplate=is_boilerplate(text[a:b]), list_item=li)
        for i, (a, b, li) in enumerate(split_spans(text))
    ]
