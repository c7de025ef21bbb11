"""Who journalists should contact: the name after a release's "Media enquiries:" label.

A hospital's release ends its notes with "4. Media enquiries: Tom Ashby, communications manager,
01632 960 902." and "Who should journalists contact?" abstained (the reader's best span 0.04): the
question shares no word with the note, which says it by its label alone.

* the question asks who the press or media should contact, or who the press contact is: "Who should
  journalists (reporters, the media, the press) contact?", "Who can the media call?", "Who is the
  media (press) contact (officer, spokesperson)?", "Who handles press enquiries?", "Who should I
  contact for media enquiries?", "Whom should reporters contact?";
* ``press_contact(text)``: a line whose sentence opens with (or holds after a note's number) "Media
  enquiries", "Media contact", "Press enquiries", "Press contact", "Press office", "Media
  relations", "For media enquiries" (also "inquiries", "queries") and ":" or "-", followed by a name
  (two to four capitalised words or initials, a title allowed ahead); the answer is the name and,
  when a comma and a role in lower-case words follow ("Tom Ashby, communications manager"), the
  role too, never the telephone number or e-mail address after them;
* which release: as for a letter's signer (``reader.signer.one_named``): the retrieved documents
  first, else the whole index; two different names: the reader's answer stands.

SQuAD asks no such question and has no such label (0 in dev-v2.0-a and the rebuilt train file);
the confidence is the fixed ``CONFIDENCE`` (as ``reader.asker``'s). Works on the documents' text;
runs no model.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .signer import Signer, marks, one_named

CONFIDENCE = 0.9
_WHO = r"who(?:m)?"
_PRESS = r"(?:journalists|reporters|the\s+media|the\s+press|media|press|news\s+media)"
_ASKS = re.compile(
    rf"^\s*(?:{_WHO}\s+(?:should|can|do|does|may|could|would|must)\s+{_PRESS}\s+(?:contact|call|ring|e-?mail|write\s+to|"
    rf"get\s+in\s+touch\s+with|speak\s+to|talk\s+to)|"
    rf"{_WHO}\s+(?:is|are)\s+the\s+(?:media|press)\s+(?:contacts?|officers?|spokesperson|spokesman|spokeswoman)|"
    rf"{_WHO}\s+(?:handles|deals\s+with|answers)\s+(?:media|press)\s+(?:enquiries|inquiries|queries)|"
    rf"{_WHO}\s+(?:should|can|do|may)\s+i\s+(?:contact|call)\s+(?:for|with)\s+(?:media|press)\s+(?:enquiries|inquiries|queries)|"
    rf"{_WHO}\s+is\s+the\s+contact\s+for\s+{_PRESS})\s*\??\s*$", re.I)
_TITLE = r"(?:Dr|Mr|Mrs|Ms|Miss|Prof|Cllr|Sir|Dame)\.?\s+"
_LABEL = re.compile(
    r"^[ \t]*(?:\d+[.)]\s*|[-*•]\s*)?(?i:(?:for\s+)?(?:media|press)\s+(?:enquiries|inquiries|queries|contacts?|office|relations))"
    rf"\s*[:–—-]\s*(?P<name>(?:{_TITLE})?(?:[A-Z]\.|[A-Z][\w'’-]*)(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]*)){{1,3}})"
    r"(?P<role>,\s+[a-z][a-z ,&'’-]*?)?(?=\s*(?:[,;.(]|\bon\b|\bat\b|\d|$))", re.M)


def asks_press_contact(question: str) -> bool:
    return bool(_ASKS.match(question))


def press_contact(text: str) -> tuple[int, int] | None:
    """Offsets in ``text`` of the name (and its role) after a press label (see the module), or None."""
    for m in _LABEL.finditer(text):
        end = m.end("role") if m.group("role") else m.end("name")
        return m.start("name"), len(text[:end].rstrip(" ,"))
    return None


def press_contacts(texts: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """The documents of ``texts`` (id -> text) with a press contact: id -> its offsets."""
    return marks(texts, press_contact)


def pick_press_contact(question: str, retrieved: Iterable[str], marked: Mapping[str, tuple[int, int]],
                       texts: Mapping[str, str]) -> Signer | None:
    """Whom the press should contact, when ``question`` asks it (see the module); ``marked``:
    ``press_contacts`` of every document of the index."""
    return one_named(retrieved, marked, texts) if asks_press_contact(question) else None
