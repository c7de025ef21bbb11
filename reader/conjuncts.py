"""An answer that is one of several coordinated phrases with the same preposition gets them all.

"Who can get the vaccine for free?" over "... will be free of charge for everyone aged 65 or older,
for pregnant women and for people with chronic lung or heart disease." got the reader's span
"everyone aged 65 or older": the first of three groups, which a reader of the sentence would call
a third of the answer. ``coordinated`` widens such a span to the whole coordination when

* the span is exactly one conjunct of a chain "P A, P B and P C" (or "P A or P B", "P A, and P B")
  within one sentence, with the same preposition P ("for", "to", "in", "on", "at", "by", "with",
  "from", "among", "into", "through", "against") before each conjunct, with or without P in the
  span;
* the chain's last link is "and" / "or" (a comma alone is no coordination: "in 2019, in a speech");
* each conjunct is at most ``MAX_WORDS`` words and holds no clause break (";", ":", ".");
* the question does not ask for one of several: "When ...?", "How many / much / long / often /
  old", "one", "first", "second", "third", "last", "besides", "else", "another", "other than",
  "apart from", "aside from", "outside of", "along with", "except", "either", "is a ..." (measured
  on SQuAD's gold answers, README design: two phrases, "When" and "one" questions are where
  SQuAD asks for one).

The widened span starts where the span started (after or at the first conjunct's P) and ends at the
end of the last conjunct (the next ",", ";", ":", "." or the sentence's end). Works on the text and
offsets of the answer's sentence and returns offsets into the text; runs no model. Not handled:
coordination without a repeated preposition ("for A, B and C": the reader usually takes the whole
of it), and a left conjunct of another kind ("online or by calling 1177")."""
from __future__ import annotations

import re

MAX_WORDS = 12
MIN_CONJUNCTS = 3
_PREPS = "for|to|in|on|at|by|with|from|among|into|through|against"
_LEADING = re.compile(rf"({_PREPS})\s+", re.I)  # used with .match(text, a)
_BEFORE = re.compile(rf"\b({_PREPS})\s+$", re.I)
_SEP = re.compile(r"(?:\s*,\s*(?:(?P<c>and|or)\s+)?|\s+(?P<w>and|or)\s+)$", re.I)
_BREAK = re.compile(r"[;:.!?](?=\s|$)|\n")
_LAST_END = re.compile(r"\s*(?:[,;:!?]|\.(?=\s|$)|\n|$)")
_ONE_OF = re.compile(r"^\s*(?:when|how\s+(?:many|much|long|often|old))\b|\b(?:one|first|second|third|last|besides|else|"
                     r"another|other\s+than|apart\s+from|aside\s+from|outside\s+of|along\s+with|except|either)\b|"
                     r"\b(?:is|was)\s+an?\b", re.I)
_TRAILING = " \t\n.,;:"


def _words(s: str) -> int:
    return len(s.split())


def coordinated(question: str, text: str, a: int, b: int, lo: int, hi: int) -> tuple[int, int] | None:
    """(start, end) of the whole coordination the span ``text[a:b]`` is one conjunct of, inside the
    sentence ``text[lo:hi]`` (see the module); None when the span is not such a conjunct."""
    if _ONE_OF.search(question) or not (lo <= a < b <= hi):
        return None
    while b > a and text[b - 1] in _TRAILING:
        b -= 1
    lead = _LEADING.match(text, a, b)
    if lead:
        prep, core = lead.group(1).lower(), lead.end()
    else:
        before = _BEFORE.search(text, lo, a)
        if not before:
            return None
        prep, core = before.group(1).lower(), a
    marks = list(re.finditer(rf"\b{prep}\s+", text[lo:hi], re.I))
    preps = [lo + m.start() for m in marks]  # where each "P " starts
    starts = [lo + m.end() for m in marks]  # where each conjunct starts
    if core not in starts:
        return None
    k = starts.index(core)

    def link(i: int) -> tuple[int, bool] | None:
        """Conjunct i's end and whether "and"/"or" joins it to conjunct i + 1, when they are linked."""
        between = text[starts[i] : preps[i + 1]]
        sep = _SEP.search(between)
        if sep is None or sep.start() == 0 or _BREAK.search(between[: sep.start()]) \
                or _words(between[: sep.start()]) > MAX_WORDS:
            return None
        return starts[i] + sep.start(), bool(sep.group("c") or sep.group("w"))

    links = [link(i) for i in range(len(starts) - 1)]  # links[i]: conjunct i to i + 1
    first = k
    while first > 0 and links[first - 1] is not None:
        first -= 1
    last = k
    while last < len(links) and links[last] is not None:
        last += 1
    if last - first + 1 < MIN_CONJUNCTS:
        return None  # "P A and P B": SQuAD's questions nearly always ask for one of two
    final = links[last - 1]
    if final is None or not final[1]:
        return None  # "P A, P B" with no "and"/"or": a list of its own kind, not one answer
    tail = _LAST_END.search(text, starts[last], hi)
    end_last = tail.start() if tail else hi
    if _words(text[starts[last] : end_last]) > MAX_WORDS or _BREAK.search(text[starts[last] : end_last]):
        return None
    linked = links[k] if k < last else None  # k < last: conjunct k is linked to the next one
    if (linked[0] if linked is not None else end_last) != b:
        return None  # the span must be exactly conjunct k
    return (preps[first] if lead else starts[first]), end_last
