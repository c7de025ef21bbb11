"""Questions for part of a person's name: "What is Nielsen's first name?"

The extractive reader answers such a question with the word before the surname in the sentence it
likes best: "What is Nielsen's first name?" → "Secretary" (from "Secretary Nielsen"), although the
statement names her "Secretary of Homeland Security Kirstjen M. Nielsen". This module answers it
from the document's full name instead:

* the question asks, in a plain form, for a part: "What is/was X's <part>?", "What is/was the
  <part> of X?" or "What's her <part>?", the part being a first (also "given", "Christian",
  "forename"), last ("family", "surname"), middle (name or initial) or full ("complete", "whole")
  name; other wordings ("Schwarzenegger's father's first name", someone else's; "the English
  first name Bulsara adopted", another name) are left to the reader;
* whose: a name in the question (``reader.names``: "Nielsen", "Nielsen's"), or, for "the
  Secretary's first name", the name that follows that word in the documents ("Secretary Nielsen");
* full names in the documents of the retrieved passages (the passage retrieved may say "Secretary
  Nielsen" and the document's first sentence her full name): runs of name words, each an initial ("M.") or a
  capitalised word that English writes capitalised inside sentences (``reader.propernames``) or no
  English word list knows ("Kirstjen"); a capitalised English word ("Security", "Homeland") ends a
  run, so "Homeland Security Kirstjen M. Nielsen" gives "Kirstjen M. Nielsen";
* the longest run that holds the name (every word of it: "Oda Nobunaga" is not in "Kazusanosuke
  Saburo Nobunaga") gives the part (none when two different runs of that length
  hold it: "Fryderyk Franciszek Chopin" and "Frédéric François Chopin"): its first word, its last,
  the words between (at least three words), or the whole run (at least two).

Otherwise (no such question, no name, a one-word run, the part missing) nothing is picked and the
reader's answer stands. A first name that is also a common English word and not listed as a name
("Grace Hopper") ends the run, so "Grace Hopper"'s first name is not picked (the reader answers).
The confidence of a pick is the fixed ``CONFIDENCE`` (as ``reader.listpick``'s: no held-out set of
such questions to fit it on; SQuAD dev-v2.0-a has none of them). Runs no model; a document's name
runs are found once and kept (16 documents): the first such question over a 210,000-character
document took 2.0 s here (while a test run shared the cores), the next 0.06 s."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from statementqa.retrieval.types import Passage

from .names import _base, fold, names
from .propernames import load as proper_names
from .spelling import english

CONFIDENCE = 0.9
_PART_WORDS = (
    ("first", r"(?:first|given|christian|fore)[\s-]*name"),
    ("last", r"(?:last|family|sur)[\s-]*name|surname"),
    ("middle", r"middle[\s-]+(?:name|initial)"),
    ("full", r"(?:full|complete|whole)[\s-]+name"),
)
_WHAT = r"^\s*(?:what|which)(?:\s+(?:is|was)|['’]s)\s+"
# "What is Nielsen's first name?", "What was the middle initial of the Secretary?", "What is her
# surname?": the plain forms only; "Schwarzenegger's father's first name" (someone else), "the
# English first name Bulsara adopted" (another name) and "first name their settlement" do not match.
# Whose: a name ("Nielsen", "Arnold Schwarzenegger") or "the" and one word ("the Secretary", "the minister").
_OWNER = r"(?:the\s+[\w-]+|(?-i:[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*))"
_PARTS = tuple((part, re.compile(rf"{_WHAT}(?:(?:her|his|their)\s+|{_OWNER}['’]s?\s+)?(?:the\s+)?(?:{words})"
                                 rf"(?:\s+of\s+{_OWNER})?\s*\??\s*$", re.I)) for part, words in _PART_WORDS)
_TOKEN = re.compile(r"[A-Z]\.|[A-Z][\w'’-]*[\w]|[A-Z]|\S+")
_OPENING = re.compile(r"^[“\"‘'(\[]+")  # an opening quotation mark or bracket starts a new name


@dataclass(frozen=True)
class NamePart:
    doc_id: str
    start: int  # document offsets of the part
    end: int
    part: str  # "first", "last", "middle" or "full"
    full: str  # the whole name it was taken from ("Kirstjen M. Nielsen")


def asked_part(question: str) -> str | None:
    """"first", "last", "middle" or "full" when the question asks for that part of a name."""
    for part, pat in _PARTS:
        if pat.match(question):
            return part
    return None


def is_name_word(tok: str) -> bool:
    """An initial ("M."), or a capitalised word that is a usual name or no English word ("Kirstjen")."""
    if re.fullmatch(r"[A-Z]\.?", tok):
        return True
    if not tok[:1].isupper() or tok.isupper() and len(tok) > 1:
        return False
    w = _base(tok)
    return w in proper_names() or (w not in english() and fold(tok).lower() not in english())


def name_runs(text: str) -> list[list[tuple[int, int]]]:
    """Runs of name words in ``text`` as lists of (start, end) offsets (see the module)."""
    runs: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        tok, at = m.group(), m.start()
        lead = _OPENING.match(tok)
        if lead:
            if cur:
                runs.append(cur)
            cur = []
            tok, at = tok[lead.end():], at + lead.end()
        # Possessives and trailing punctuation: "Nielsen's," is the name "Nielsen".
        core = re.sub(r"(?:['’]s)?[,;:!?)\]”\"]*$", "", tok) if not re.fullmatch(r"[A-Z]\.", tok) else tok
        if core and is_name_word(core):
            cur.append((at, at + len(core)))
            if core != tok:  # punctuation or a possessive ends the name
                runs.append(cur)
                cur = []
            continue
        if cur:
            runs.append(cur)
        cur = []
    if cur:
        runs.append(cur)
    return runs


@lru_cache(maxsize=16)
def _runs(text: str) -> tuple[tuple[tuple[int, int], ...], ...]:
    """``name_runs`` of a document, kept for the next question about it."""
    return tuple(tuple(r) for r in name_runs(text))


def pick_name_part(question: str, passages: Sequence[Passage], docs: dict[str, str]) -> NamePart | None:
    """The part of a full name that ``question`` asks for (see the module), or None: looked for in
    the documents (``docs``: id -> text) of the retrieved ``passages``, in their order (the passage
    may say "Secretary Nielsen" and the document's first sentence her full name)."""
    part = asked_part(question)
    if part is None:
        return None
    who = {_base(n) for n in names(question)}
    if not who:
        return None
    order = list(dict.fromkeys(p.doc_id for p in passages))
    texts = [Passage(d, d, (), 0, len(docs[d]), docs[d]) for d in order]  # each document as one passage
    found: list[tuple[Passage, list[tuple[int, int]]]] = [(p, list(r)) for p in texts for r in _runs(p.text)]

    def words(p: Passage, r: list[tuple[int, int]]) -> set[str]:
        return {_base(p.text[a:b]) for a, b in r}

    holding = [(p, r) for p, r in found if who <= words(p, r)]  # every name of the question: "Oda Nobunaga"
    if not holding:
        # A title ("the Secretary's first name"): the names of the runs right after it in the documents.
        targets: set[str] = set()
        starts = {(p.doc_id, r[0][0]): (p, r) for p, r in found}
        for p in texts:
            for n in who:
                for m in re.finditer(rf"\b{re.escape(n)}\s+", p.text, re.I):
                    if (p.doc_id, m.end()) in starts:
                        targets |= words(*starts[(p.doc_id, m.end())])
        holding = [(p, r) for p, r in found if targets & words(p, r)]
    if not holding:
        return None
    longest = max(len(r) for _, r in holding)
    if len({p.text[r[0][0]:r[-1][1]] for p, r in holding if len(r) == longest}) > 1:
        return None  # two different full names hold the name ("Fryderyk Franciszek Chopin", "Frédéric François Chopin")
    p, r = next((p, r) for p, r in holding if len(r) == longest)
    if part == "first" and len(r) >= 2 and not re.fullmatch(r"[A-Z]\.?", p.text[r[0][0]:r[0][1]]):
        a, b = r[0]
    elif part == "last" and len(r) >= 2:
        a, b = r[-1]
    elif part == "middle" and len(r) >= 3:
        a, b = r[1][0], r[-2][1]
    elif part == "full" and len(r) >= 2:
        a, b = r[0][0], r[-1][1]
    else:
        return None
    return NamePart(p.doc_id, p.start + a, p.start + b, part, p.text[r[0][0]:r[-1][1]])
