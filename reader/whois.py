""""Who is <name>?" asks what the person is: an answer is not the name itself.

"Who is Tobias Lange?" over "Dr Tobias Lange, a co-author of the study, said ..." got the reader's
span "Dr Tobias Lange, a co-author of the study": the question's name, then what he is. A user who
asks who someone is knows the name; SQuAD's answers never repeat it (of SQuAD v1.1 train's 61
questions "Who is|was <Name>?", no gold answer holds the name's last word). So, for a question that
is "Who is|was" and a name of capitalised words (not "Who is the police chief?", not "Who is Fiji's
Minister of Fisheries?", which ask for a name):

* ``description_span``: a span that holds the name and, after it, a comma, a dash or a bracket and
  more words is cut to those words ("a co-author of the study"); one that holds only a title before
  the whole name is cut to the title ("Sergeant Leona Price" -> "Sergeant"; not "Dr", which says
  nothing of who she is; and not before a surname alone: in "Secretary of Homeland Security
  Kirstjen M. Nielsen" for "Who is Nielsen?" nothing tells the title from the given names);
* ``only_the_name``: a span that is the name and nothing else answers nothing; the caller
  (``reader.assemble``) takes the reader's next usable span, as for a "When" answer with no time.

Works on the question's and the answer's text and returns offsets inside the answer; runs no model."""
from __future__ import annotations

import re

# "Who is Tobias Lange?", "Who was Dr. Helen Osei?", "Who is Kirstjen M. Nielsen?": capitalised words only
_WHO_IS = re.compile(r"^\s*[Ww]ho\s+(?:is|was)\s+(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)\s*\??\s*$")
_TITLES = {"dr", "mr", "mrs", "ms", "miss", "prof", "professor", "sir", "dame", "lord", "lady"}
_AFTER = re.compile(r"^\s*(?:,|\(|–|—|-{1,2})\s*")
_TRAILING = " ,;:.–—-()"


def asked_name(question: str) -> list[str] | None:
    """The words of the name a "Who is <name>?" question asks about, titles left out ("Dr Tobias
    Lange" -> ["Tobias", "Lange"]); None for any other question (a role: "Who is the police chief?",
    an owner's: "Who is Fiji's Minister of Fisheries?")."""
    m = _WHO_IS.match(question)
    if m is None or re.search(r"['’]s\b", m.group("name")):
        return None
    words = [w for w in m.group("name").split() if w.rstrip(".").lower() not in _TITLES]
    return words or None


def _name_at(answer: str, words: list[str]) -> tuple[int, int] | None:
    """Where the name stands in ``answer``: from its first word found there to its last word (the
    surname alone counts: "Ms Khoury" for "Amira Khoury")."""
    last = re.search(rf"(?<!\w){re.escape(words[-1])}(?!\w)", answer)
    if last is None:
        return None
    a = last.start()
    for w in reversed(words[:-1]):  # the given names and initials before the surname, where they are
        m = re.search(rf"(?<!\w){re.escape(w)}\s+$", answer[:a])
        if m is None:
            break
        a = m.start()
    return a, last.end()


def description_span(question: str, answer: str) -> tuple[int, int] | None:
    """(start, end) inside ``answer`` of what it says the asked person is, when it holds the name
    (see the module); None when the rule does not apply."""
    words = asked_name(question)
    if words is None:
        return None
    at = _name_at(answer, words)
    if at is None:
        return None
    a, b = at
    after = _AFTER.match(answer[b:])
    if after is not None:
        start = b + after.end()
        end = len(answer.rstrip(_TRAILING))
        if end > start:
            return start, end
    before = answer[:a].rstrip(_TRAILING + " ")
    courtesy = all(w.rstrip(".").lower() in _TITLES for w in before.split())  # "Dr" says nothing of who she is
    if len(words) > 1 and before and not courtesy and answer[b:].strip(_TRAILING + " ") == "":
        start = len(answer) - len(answer.lstrip())
        return (start, len(before)) if len(before) > start else None
    return None


def only_the_name(question: str, answer: str) -> bool:
    """True when a "Who is <name>?" answer is that name and nothing more ("Tobias Lange", "Dr
    Tobias Lange", "Lange")."""
    words = asked_name(question)
    if words is None:
        return False
    rest = re.sub(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in words)})(?!\w)", " ", answer)  # "M." ends in no word char
    rest = " ".join(w for w in rest.split() if w.strip(_TRAILING).rstrip(".").lower() not in _TITLES | {""})
    return rest.strip(_TRAILING + " ") == "" and any(w in answer for w in words)
