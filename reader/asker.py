"""Who asked it: the name in a transcript's label before a question the document asks.

A press briefing's transcript labels each reporter's question with the reporter ("QUESTION (Marta
Reis, Diário do Norte): How many people have been vaccinated so far this winter?", "Marta Reis
(Diário do Norte): ...", "Q (Marta Reis): ..."). "Who asked how many doses are left?" abstained
(the reader's best span 0.25) and "Who asked about the new hospital in Vila Alta?" was answered
"the minister" (the question's own words): the reader does not read a label as the one who speaks.

``pick_asker``: for "Who asked ...?" / "Which reporter (journalist, correspondent) asked ...?", the
document questions among the retrieved passages' documents that ask what the user names, in
nearly the same words (``reader.echo.echoes`` on the rest of the question: "how many doses are
left", "the new hospital in Vila Alta"), and of those the one whose sentence opens with a label
that names someone; the answer is that name, cited with its sentence. One such question or several
asked by the same person: answered; none, or several people: the reader's answer stands. The
confidence is the fixed ``CONFIDENCE`` (as ``reader.nameparts``': no held-out set of such
questions to fit it on; SQuAD asks none). A label without a name ("Q:", "QUESTION:") names no
one. Runs no model.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from statementqa.retrieval.types import Sentence

from .echo import echoes, is_question

CONFIDENCE = 0.9
_ASKS_WHO_ASKED = re.compile(r"^\s*(?:who|which\s+(?:reporter|journalist|correspondent|member\s+of\s+the\s+press))\s+"
                             r"(?:asked|was\s+asking|questioned)\s+(?:(?:about|whether|if)\s+)?(?P<rest>.+?)\s*\??\s*$", re.I)
_NAME = r"(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3})"
_LABELS = (
    re.compile(rf"^(?:Q|QUESTION|REPORTER|JOURNALIST)\s*\(\s*{_NAME}\s*[,)]"),  # "QUESTION (Marta Reis, Outlet):"
    re.compile(rf"^{_NAME}\s*(?:\([^)\n]*\))?\s*:\s"),  # "Marta Reis (Diário do Norte): ...", "Marta Reis: ..."
)
_NOT_NAMES = frozenset({"question", "reporter", "journalist", "answer", "transcript", "note", "editor"})


@dataclass(frozen=True)
class Asker:
    doc_id: str
    start: int
    end: int
    name: str


def asks_who_asked(question: str) -> str | None:
    """What the user asks about ("how many doses are left") when ``question`` asks who asked it."""
    m = _ASKS_WHO_ASKED.match(question)
    return m.group("rest") if m else None


def label_name(sentence: Sentence) -> tuple[int, int] | None:
    """Document offsets of the name in ``sentence``'s opening label, if it has one that names someone."""
    for pattern in _LABELS:
        m = pattern.match(sentence.text)
        if m is not None and m.group("name").split()[0].lower() not in _NOT_NAMES:
            return sentence.start + m.start("name"), sentence.start + m.end("name")
    return None


def pick_asker(question: str, sentences: Mapping[str, Sequence[Sentence]], text: Mapping[str, str]) -> Asker | None:
    """The one who asked what ``question`` names, by the label of the document question that asks it
    (see the module); ``sentences``: the retrieved documents' sentences, ``text``: their texts."""
    rest = asks_who_asked(question)
    if rest is None:
        return None
    found: list[Asker] = []
    for doc_id, sents in sentences.items():
        for s in sents:
            if s.boilerplate or not is_question(s.text) or not echoes(rest, s.text):
                continue
            where = label_name(s)
            if where is not None:
                found.append(Asker(doc_id, where[0], where[1], text[doc_id][where[0] : where[1]]))
    return found[0] if found and len({a.name for a in found}) == 1 else None
