"""Who signed the letter: the name under a letter's closing ("Yours faithfully,").

A council's letter to residents ends "Yours faithfully,\\n\\nMartin Oyelaran\\nHead of Highways".
"Who signed the letter?" was answered "The mayors" from another document ("The mayors signed a
Letter of Intent"): the reader looks for a sentence that says who signed, and a letter never says
it, it shows it. ``pick_signer`` answers such questions with the name under the closing.

* the question asks who wrote, signed or sent the document itself, and nothing more: "Who signed
  the letter?", "Who wrote this letter?", "Who sent the email?", "Who is the letter from?", "Who is
  the author of this memo?" (not "Who wrote the letter to the UN secretary general ...?", which asks
  about a letter the text tells of: SQuAD v1.1 train's only two "Who wrote the letter" questions are
  of that kind, and the pattern leaves them alone);
* ``signature(text)``: a line that is a closing ("Yours faithfully,", "Yours sincerely,",
  "Sincerely,", "Kind regards,", "Best wishes,", ... with or without the comma) among the document's
  last twelve lines, and within the next three non-empty lines (blank lines between are fine) the
  first that is a name: two to five words, each capitalised or an initial, a title ("Dr", "Cllr")
  allowed ahead, no digit, no "@". The answer is that name; the role on the line after it is not
  part of it;
* which letter: the signed documents among the retrieved passages' documents; none there, the
  signed documents of the whole index (a letter read for the question may not be among the passages
  a question of five words retrieves). One signer: answered, cited with the name's sentence. None,
  or several different names: the reader's answer stands.

The confidence is the fixed ``CONFIDENCE`` (as ``reader.asker``'s: no held-out set of such
questions to fit it on; SQuAD asks none). ``marks`` (the documents a finder finds something in) and
``one_named`` (the choice of document above) serve ``reader.presscontact`` too. Works on the
documents' text; runs no model.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

CONFIDENCE = 0.9
LAST_LINES = 12
_DOC = r"(?:the|this)\s+(?:letter|e-?mail|memo(?:randum)?|note|message)"
_ASKS = re.compile(rf"^\s*who(?:m)?\s+(?:(?:signed|wrote|sent|authored)\s+{_DOC}|(?:is|was)\s+{_DOC}\s+from|"
                   rf"(?:is|was)\s+the\s+(?:author|sender|signatory|signer)\s+of\s+{_DOC})\s*\??\s*$", re.I)
_CLOSING = re.compile(r"^\s*(?:yours\s+(?:faithfully|sincerely|truly)|(?:very\s+)?sincerely(?:\s+yours)?|"
                      r"(?:with\s+)?(?:kind|best|warm)(?:est)?\s+(?:regards|wishes)|regards|respectfully(?:\s+yours)?)"
                      r"\s*[,.]?\s*$", re.I)
_TITLE = r"(?:Dr|Mr|Mrs|Ms|Miss|Prof|Professor|Cllr|Councillor|Sir|Dame|Rev|Revd)\.?"
_NAME = re.compile(rf"^\s*(?P<name>(?:{_TITLE}\s+)?(?:[A-Z][\w'’-]*\.?|[A-Z]\.)(?:\s+(?:[A-Z][\w'’-]*\.?|[A-Z]\.)){{1,4}})\s*$")


@dataclass(frozen=True)
class Signer:
    doc_id: str
    start: int
    end: int
    name: str


def asks_who_signed(question: str) -> bool:
    return bool(_ASKS.match(question))


def signature(text: str) -> tuple[int, int] | None:
    """Offsets in ``text`` of the name under its closing (see the module), or None."""
    lines, pos = [], 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    tail = lines[-LAST_LINES:]
    for i, (_, line) in enumerate(tail):
        if not _CLOSING.match(line):
            continue
        after = [(p, ln) for p, ln in tail[i + 1 :] if ln.strip()][:3]
        for p, ln in after:
            m = _NAME.match(ln)
            if m and not re.search(r"[\d@]", ln):
                return p + m.start("name"), p + m.end("name")
    return None


def signatures(texts: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """The signed documents of ``texts`` (id -> text): id -> the name's offsets (``signature``)."""
    return marks(texts, signature)


def marks(texts: Mapping[str, str], find: Callable[[str], tuple[int, int] | None]) -> dict[str, tuple[int, int]]:
    """id -> ``find(text)`` for the documents of ``texts`` where it finds something."""
    found = {d: find(t) for d, t in texts.items()}
    return {d: w for d, w in found.items() if w is not None}


def pick_signer(question: str, retrieved: Iterable[str], signed: Mapping[str, tuple[int, int]],
                texts: Mapping[str, str]) -> Signer | None:
    """The one who signed the letter ``question`` asks about (see the module); ``retrieved``: the
    retrieved passages' document ids, ``signed``: ``signatures`` of every document of the index,
    ``texts``: the documents' texts by id (those of ``signed`` at least)."""
    return one_named(retrieved, signed, texts) if asks_who_signed(question) else None


def one_named(retrieved: Iterable[str], marked: Mapping[str, tuple[int, int]], texts: Mapping[str, str]) -> Signer | None:
    """The one name that ``marked`` (document id -> the name's offsets) gives among the retrieved
    documents, else among all of ``marked``; None when there is none or several different names
    (also used by ``reader.presscontact``)."""
    here = [d for d in dict.fromkeys(retrieved) if d in marked]
    for pool in (here, list(marked)):
        found = [Signer(d, *marked[d], texts[d][marked[d][0] : marked[d][1]]) for d in pool]
        if found:
            return found[0] if len({s.name for s in found}) == 1 else None
    return None
