"""A question about one owner's thing, answered from a sentence about another owner's same thing.

"Who is Samoa's fisheries minister?" over "Fiji's Minister of Fisheries, Viliame Tora, called the
compact ..." got the reader's span "Viliame Tora" (confidence 0.58): the sentence names Fiji's
minister, and Samoa's is named nowhere. The names check (``reader.names``) cannot see it, since the
document mentions Samoa elsewhere. ``other_owner`` finds the case in the sentences the answer comes
from, and the caller (``reader.assemble``) treats such a span like a time answer on the wrong side
of now: the reader's best other span answers, or the question abstains.

It fires when

* the question has a possessive "X's" of a name ("Samoa's", "Albert the Great's": capitalised
  words, linking words such as "of" and "the" between them) followed by the thing owned (up to
  three words: "fisheries minister");
* the answer's sentences never mention the owner: no word of it that is a name, as
  ``reader.names.mentions`` counts a mention (the word or a longer word it begins, its stem, a word
  one edit away, another form, initials), and
* they hold another owner's possessive "Y's", Y a capitalised word that is not a word of X (not
  "It's", "There's" ...), followed by the same thing: a word of the up to three words after it has
  a stem of the words after "X's" ("Fiji's Minister of Fisheries" / "Samoa's fisheries minister").

Measured before it was wired in (2026-12-04): SQuAD v1.1 train, the sentence that holds the gold
answer of each of the 6,178 questions with such a possessive: fired on 54 (0.9 %: the same owner
by another name, "Kanye's" / "West's", "Napoleon's" / "Bonaparte's", or misspelt two letters off,
"Tuscon's" / "Tucson's"). The reader's cited sentences in saved ``statementqa eval`` runs (reader
v2): dev-v2.0-a calibration part end to end, 3 answers to unanswerable questions ("Cavendish's Law
of Gravitation" answered from "Newton's Law of Gravitation states ...", "Ekstraklasa's home venue"
from "Polonia's home venue ...", "Europe's population" from "Warsaw's entire Jewish population"),
none to an answerable one (wired in: calibration part 65.8 -> 65.9, 3 better, 0 worse); held-out part end to end and gold paragraph, one answerable
question each until the sentence's "'s" was dropped before comparing ("Celeron's expedition" /
"Céloron's expedition force", one edit apart as "celoron"; now left alone); the team's, larger,
press-dev and lists sets: none.

Not done: the owner written with "of" ("the fisheries minister of Samoa"), pronouns ("its minister").
Works on text; runs no model."""
from __future__ import annotations

import re

from statementqa.retrieval.lexical import terms

from .names import fold, mentions

_NAME = r"[A-Z][\w.’'-]*?"
_LINK = r"(?:\s+(?:of|the|de|del|la|von|van|and|&)){0,2}"
# "Samoa's fisheries minister", "Albert the Great's contributions", "King Edward VII's choices"
_POSSESSIVE = re.compile(rf"(?<![\w'’])((?:{_NAME}{_LINK}\s+)*{_NAME})['’]s\s+((?:[\w-]+[ \t]*){{1,3}})")
_S = re.compile(r"(?<=\w)['’]s\b")
_NOT_OWNERS = {"it", "that", "there", "here", "who", "what", "where", "when", "how", "he", "she", "let", "this",
               "one", "today", "everyone", "nobody", "somebody", "someone"}


def _owned(text: str) -> list[tuple[list[str], frozenset[str]]]:
    """Each possessive of a name: the owner's capitalised words and the stems of what follows."""
    out = []
    for m in _POSSESSIVE.finditer(text):
        owner = [w for w in re.findall(r"[\w.’'-]+", m.group(1)) if w[:1].isupper()]
        if not owner or fold(owner[-1]).rstrip(".") in _NOT_OWNERS:
            continue
        stems = frozenset(terms([m.group(2)])[0])
        if stems:
            out.append((owner, stems))
    return out


def other_owner(question: str, sentences: str) -> str | None:
    """The other owner ("Fiji") when ``sentences`` speak of another owner's same thing than the one
    the question asks about and never mention the question's owner (see the module), else None."""
    asked = _owned(question)
    if not asked:
        return None
    told = _owned(sentences)
    if not told:
        return None
    plain = _S.sub("", sentences)  # "Céloron's" is one edit from the question's "Celeron" only without its "'s"
    for owner, thing in asked:
        if any(mentions(plain, w) for w in owner if len(w) >= 3):
            continue
        words = {fold(w) for w in owner}
        for other, their in told:
            if fold(other[-1]) not in words and thing & their:
                return " ".join(other)
    return None
