"""Follow-up questions: rewrite a question that leans on the previous turn so retrieval and the
reader can answer it alone.

Approach (rule-based, explainable, no model):
1. A question is a follow-up when it contains a third-person pronoun or a deictic word
   (she, he, they, them, it, there, that, ...) and there is a previous turn.
2. Pronouns are replaced, in the question the reader sees, by what they most likely refer to:
   she/he/her/him -> a person's name in the previous answer when the previous question asked
   who did something ("Who met ...?"), else the first in the previous question, else the last in
   its answer (the name words of a capitalised run: "Nielsen" of "Secretary Nielsen"); his/hers,
   and "her" before a word that starts a noun phrase ("her first name"), -> that name + "'s";
   they/them -> the previous answer when the previous question asked "who/whom" (people), else
   left alone.
3. The retrieval query is the rewritten question plus the previous question and answer, so
   the passages of the previous turn stay in reach ("Where did she meet them?" after "Who did
   Nielsen meet?" retrieves the San Salvador sentence).
4. A question that is only a question word ("When?", "Where?", "For how long?", "And why?", "How
   much?") asks the previous question again with that word: after "What did Harrow rebuild?"
   "When?" reads "When did Harrow rebuild?" (the new word in place of the old one before the
   auxiliary); after "Who won the contract?" (the question word is the subject) the previous
   answer takes its place: "When Harrow Civil Engineering won the contract?" (no verb is conjugated
   into "did ... win"; the reader reads it as well). The retrieval query adds the previous turn.
5. A question that is only "And about <topic>?", "What about <topic>?" or "How about <topic>?"
   after a previous question that asks about something ("What did Nielsen say about smugglers?")
   asks the previous question again with the new topic in the old one's place: "And about
   caravans?" reads "What did Nielsen say about caravans?". After a question without "about" it
   is left alone ("What about the bridge?" after "When will the tram open?": no shape to reuse).
It does not call any model and keeps only the last turn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from statementqa.reader.nameparts import is_name_word

_PRONOUN = re.compile(r"\b(she|he|her|him|his|hers|they|them|their|theirs|it|its|there|that|this|those|these)\b", re.I)
_PERSONAL = re.compile(r"\b(she|he|her|him)\b", re.I)
_POSSESSIVE = re.compile(r"\b(his|hers)\b", re.I)
# "her" before a word that starts a noun phrase is possessive ("her first name", "her counterparts");
# before a preposition, an article, a conjunction or the end it is the object ("thank her for", "meet her?").
_HER_POSSESSIVE = re.compile(r"\bher(?=\s+(?!(?:to|in|on|at|about|for|with|from|by|of|and|or|nor|but|as|that|the|a|an|"
                             r"this|these|those|when|where|why|how|if|than|then|so|too|again|up|out|off|over|into|"
                             r"after|before|while|because|once|there|here|is|was|were|are|be|been|do|did|does|will|"
                             r"would|can|could|should|must|may|might)\b)[A-Za-z])", re.I)
_AUX = "did|does|do|is|are|was|were|will|would|can|could|should|has|have|had|may|might|must|shall"
_PLURAL = re.compile(r"\b(they|them)\b", re.I)
_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z]+)*)\b")
# Capitalised words that are no person's name: question words, auxiliaries, articles, months, days.
_NOT_NAMES = frozenset("""Who Whom Whose What When Where Which Why How Did Does Do Is Are Was Were Will Would Can
Could Should Has Have Had The A An In On At Of And Or To For By With From January February March April May June July
August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday
Thursday Friday Saturday Sunday""".split())


@dataclass
class Turn:
    question: str
    answer: str = ""


@dataclass
class Resolved:
    reader_question: str
    retrieval_query: str
    is_followup: bool


def _person(text: str, question: bool = True) -> str | None:
    """The first person name in a question, the last in an answer: in each capitalised run, the words that are names
    (``reader.nameparts``: initials, words English writes capitalised inside sentences or no English
    list knows), so "Secretary of Homeland Security Kirstjen M. Nielsen" gives "Kirstjen M.
    Nielsen" and "Secretary Nielsen" "Nielsen". No NER: a place ("Mexico") counts as a name too."""
    names = []
    for m in _NAME.finditer(text):
        words = [w for w in m.group(0).split() if w.rstrip(".") not in _NOT_NAMES and is_name_word(w)]
        if words and (m.start() > 0 or not question):  # a question's first capital is just its start
            names.append(" ".join(words))
    # a question's subject comes first ("Who did Nielsen meet in Lisbon?"); an answer's name ends it
    return (names[0] if question else names[-1]) if names else None


# "When?", "And where?", "For how long?", "How much?", "Since when?" ... : a question word alone.
_BARE = re.compile(r"^\s*(?:(?:and|so|but|then|ok|okay)\b[\s,]*)?((?:for|since|until|till|by|from|to|in|at)\s+)?"
                   r"(when|where|why|who|whom|what|which|how(?:\s+(?:long|much|many|often|far|soon|old|come))?)"
                   r"(?:\s+(?:exactly|then|so))?\s*\?*\s*$", re.I)
_WH_AUX = re.compile(rf"^\s*(?:(?:for|since|until|till|by|from|to|in|at)\s+)?(?:what|which|who|whom|whose|when|where|why|"
                     rf"how(?:\s+(?:long|much|many|often|far|soon|old))?)(?:\s+[a-z-]+)??\s+(?=(?:{_AUX})\b)", re.I)
# "Who won ...", "What caused ...", "Which company won ...": the question word (and "which"'s noun) is the subject.
_WH_SUBJECT = re.compile(r"^\s*(?:who|what|which\s+[a-z-]+)\s+(?=[a-z])", re.I)


def elliptical(question: str, previous: Turn) -> str | None:
    """The previous question asked again with a bare question word ("When?"; module docstring, 4),
    or None when ``question`` is more than that or the previous question has no shape to reuse."""
    m = _BARE.match(question)
    if not m:
        return None
    wh = " ".join(x.strip() for x in m.groups() if x).strip()
    wh = wh[:1].upper() + wh[1:]
    prev = previous.question.strip()
    aux = _WH_AUX.match(prev)
    if aux:  # "What did Harrow rebuild?" -> "When did Harrow rebuild?"
        return f"{wh} {prev[aux.end():]}"
    subj = _WH_SUBJECT.match(prev)
    if subj and previous.answer:  # "Who won the contract?" + "Harrow" -> "When Harrow won the contract?"
        return f"{wh} {previous.answer} {prev[subj.end():]}"
    return None


# "And about caravans?", "What about the children?", "how about Mexico": a new topic alone.
_ABOUT_ONLY = re.compile(r"^\s*(?:(?:and|so|but|then|ok|okay)\b[\s,]*)?(?:(?:what|how)\s+)?about\s+"
                         rf"(?P<topic>(?:(?!\b(?:{_AUX})\b)[^?])+?)\s*\?*\s*$", re.I)  # no verb: a topic alone
_ABOUT = re.compile(r"\b(?P<word>about|regarding|concerning)\s+[^?]+?(?P<end>\s*\?*\s*)$", re.I)


def new_topic(question: str, previous: Turn) -> str | None:
    """The previous question asked again about the topic of "And about <topic>?" (module
    docstring, 5), or None when ``question`` is more than that or the previous question asks about
    nothing."""
    m = _ABOUT_ONLY.match(question)
    prev = _ABOUT.search(previous.question.strip()) if m else None
    if m is None or prev is None:
        return None
    q = previous.question.strip()
    return f"{q[:prev.start()]}{prev.group('word')} {m.group('topic').strip()}{prev.group('end') or '?'}"


def resolve(question: str, previous: Turn | None) -> Resolved:
    if previous is not None:
        again = elliptical(question, previous) or new_topic(question, previous)
        if again is not None:
            context = " ".join(x for x in (previous.question, previous.answer) if x)
            return Resolved(again, f"{again} {context}".strip(), True)
    if previous is None or not _PRONOUN.search(question):
        return Resolved(question, question, False)
    q = question
    asked_who = bool(re.match(r"\s*(who|whom)\b", previous.question, re.I))
    if re.match(rf"\s*who\s+(?!(?:{_AUX})\b)", previous.question, re.I):
        # "Who met the ministers in San Salvador?": the answer is the one who did it, not "San
        # Salvador"; after "Who did Nielsen meet?" the question's "Nielsen" comes first (below).
        person = _person(previous.answer, question=False) or _person(previous.question)
    else:
        person = _person(previous.question) or _person(previous.answer, question=False)
    if person:
        q = _HER_POSSESSIVE.sub(person + "'s", q)
        q = _PERSONAL.sub(person, q)
        q = _POSSESSIVE.sub(person + "'s", q)
    if previous.answer and asked_who:
        q = _PLURAL.sub(previous.answer, q)
    context = " ".join(x for x in (previous.question, previous.answer) if x)
    return Resolved(q, f"{q} {context}".strip(), True)
