"""What someone said about something: "What did Ekberg say about the pharmacists?" answered with
the quoted sentence of that speaker that mentions the pharmacists.

Press releases carry their message in quotations, and users ask for it this way. The reader,
trained on SQuAD (which asks such a question twice in its 5,900 held-out questions), often answers
it with another quotation of the same speaker ("What did Okafor say about satellites?" -> "No
single nation can patrol an ocean") or abstains ("What did Nielsen say about smugglers?").
``pick_said_about`` finds the sentence itself:

* the question: "What did|does|has|had <speaker> say|said|state|have to say about|regarding|
  concerning <topic>?" (``asks_said_about``); nothing else is touched;
* the speaker: a quotation's speaker as ``retrieval.quotes`` attributes it ("Minister Ekberg",
  pronouns resolved), matched when every capitalised word of the question's speaker (dots
  dropped: "Dr Park" = "Dr. Park") is in the quotation's speaker, or when the question's speaker
  ends with the quotation's speaker's surname and its other words are among the capitalised words
  before that surname somewhere in the document ("Councillor Nunes" for "Nunes" in a text that
  names Councillor Peter Nunes; not "Daniel Okafor" for the Secretary Okafor of another text). A speaker of common nouns ("the minister", "the director") matches a
  quotation's speaker holding all of them; a pronoun ("What did she say about ...?") any speaker;
* the topic: its content words, stemmed as BM25 stems them (``retrieval.lexical.terms``); a quoted
  sentence (the part of a sentence inside the quotation, marks and the comma before the closing
  mark left out) answers when it holds at least half of them and at least two (a topic of one or
  two words: all; "What did Nielsen say about the border wall?" is not answered by "to secure our
  borders"). Most of them wins, then the earlier. Words are matched by stem only: "people over 65"
  does not find "every person over 65".

The caller (``statementqa.pipeline``) keeps the reader's answer when it lies in a quoted sentence
of that speaker holding as many of the topic's words, and otherwise answers with the sentence
found; none found (the speaker is not quoted in the retrieved documents, or never on that topic:
"What did Solberg say about the pharmacists?"), the reader's answer or abstention stands, unless
the answer lies in a quotation of that speaker whose sentence holds none of the topic's words
(``off_topic_quotation``: "What did Nielsen say about the Joint Statement?" got "Criminals show
little regard ..."): then it abstains, as the names check does (``reader.names``).
The confidence is the fixed ``CONFIDENCE`` (as ``reader.signer``'s: no held-out set of such
questions to fit it on). Works on the documents' text and their sentences; runs no model."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from statementqa.retrieval.lexical import terms
from statementqa.retrieval.quotes import Quote, cached_quotes
from statementqa.retrieval.types import Sentence

CONFIDENCE = 0.8
MIN_COVER = 0.5  # share of the topic's content words a quoted sentence must hold
MIN_HELD = 2  # ... and at least this many of them (all, for a topic of fewer): "the border wall" is not "our borders"
_ASKS = re.compile(r"^\s*what\s+(?:did|does|do|has|have|had)\s+(?P<who>.+?)\s+"
                   r"(?:say|said|state|stated|have\s+to\s+say|has\s+to\s+say)\s+"
                   r"(?:about|regarding|concerning|on\s+the\s+subject\s+of)\s+(?P<topic>.+?)\s*[?.!]*\s*$", re.I)
_PRONOUN = re.compile(r"^(?:he|she|they|him|her|them)$", re.I)
_ARTICLES = {"the", "a", "an", "our", "your", "their", "its", "his", "her"}
_MARKS = "“”\"‘’' "


@dataclass(frozen=True)
class SaidAbout:
    speaker: str | None  # None: a pronoun, any speaker
    topic: frozenset[str]  # stemmed content words
    topic_text: str = ""  # as the question words it: "the Joint Statement"


@dataclass(frozen=True)
class Said:
    doc_id: str
    start: int  # the quoted sentence: text[start:end]
    end: int
    speaker: str
    cover: float  # share of the topic's words it holds


def asks_said_about(question: str) -> SaidAbout | None:
    """The speaker and topic of a "What did <speaker> say about <topic>?" question; None for any
    other question, or a topic of stopwords only ("What did she say about it?")."""
    m = _ASKS.match(question)
    if m is None:
        return None
    topic = frozenset(terms([m.group("topic")])[0])
    if not topic:
        return None
    who = m.group("who").strip()
    return SaidAbout(None if _PRONOUN.match(who) else who, topic, m.group("topic"))


def _fold(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace(".", "")).strip().lower()


def speaker_matches(asked: str | None, speaker: str, text: str) -> bool:
    """Whether the question's speaker ``asked`` names the quotation's ``speaker`` in ``text`` (see the module)."""
    if asked is None:
        return True
    said = _fold(speaker).split()
    words = [w for w in asked.replace(".", "").split() if w.lower() not in _ARTICLES]
    names = [w for w in words if w[:1].isupper()]
    if not names:  # "the minister", "the operations director": common nouns, all in the speaker's title
        return bool(words) and all(w.lower() in said for w in words)
    folded = [n.lower() for n in names]
    if all(n in said for n in folded):
        return True
    if folded[-1] != said[-1]:
        return False
    # the other words before the surname where the text names the person: "Councillor Peter Nunes"
    # for "Councillor Nunes", "Secretary of Homeland Security Kirstjen M. Nielsen" for "Kirstjen Nielsen"
    for m in re.finditer(rf"((?:[A-Z][\w'’.-]*\s+(?:of\s+)?){{0,6}}){re.escape(names[-1])}\b", text):
        run = set(_fold(m.group(1)).split())
        if all(n in run for n in folded[:-1]):
            return True
    return False


def quoted_part(text: str, sentence: Sentence, quote: Quote) -> tuple[int, int] | None:
    """Offsets of the part of ``sentence`` inside ``quote``, quotation marks, spaces and the comma
    before a closing mark left out; None when they do not overlap or nothing is left."""
    a, b = max(sentence.start, quote.start), min(sentence.end, quote.end)
    while a < b and text[a] in _MARKS:
        a += 1
    while b > a and text[b - 1] in _MARKS + ",;:":
        b -= 1
    return (a, b) if a < b else None


def said_about(asked: SaidAbout, doc_ids: Iterable[str], texts: Mapping[str, str],
               sentences: Mapping[str, Sequence[Sentence]]) -> list[Said]:
    """Every quoted sentence of the asked speaker in the documents ``doc_ids`` that holds at least
    ``MIN_COVER`` of the topic's words and at least ``MIN_HELD`` of them (all of a shorter topic),
    best first (most of the words, then the documents' order, then the text's)."""
    out: list[tuple[float, int, int, Said]] = []
    for rank, d in enumerate(dict.fromkeys(doc_ids)):
        text = texts[d]
        quotes = [q for q in cached_quotes(text) if q.speaker and speaker_matches(asked.speaker, q.speaker, text)]
        if not quotes:
            continue
        for s in sentences.get(d, ()):
            for q in quotes:
                span = quoted_part(text, s, q)
                if span is None:
                    continue
                held = len(asked.topic & set(terms([text[span[0]:span[1]]], stop=False)[0]))
                cover = held / len(asked.topic)
                if cover >= MIN_COVER and held >= min(MIN_HELD, len(asked.topic)):
                    out.append((-cover, rank, span[0], Said(d, span[0], span[1], q.speaker or "", cover)))
    out.sort(key=lambda t: t[:3])
    return [t[3] for t in out]


def off_topic_quotation(asked: SaidAbout | None, answer: tuple[str, int, int], texts: Mapping[str, str],
                        sentences: Mapping[str, Sequence[Sentence]]) -> str | None:
    """Why the reader's ``answer`` (document id, start, end) to a "What did X say about Y?"
    question (``asked``: ``asks_said_about`` of it; None for another kind: None) is none, when it lies inside a quotation of X whose sentences there hold none of
    Y's words: X spoke, but of something else ("What did Nielsen say about the Joint Statement?" ->
    "Criminals show little regard ..."): "Secretary Nielsen is quoted, but not about “the Joint
    Statement”"; None otherwise. The caller abstains with it when ``pick_said_about`` found nothing."""
    d, a, b = answer
    if asked is None or d not in texts:
        return None
    text = texts[d]
    inside = [q for q in cached_quotes(text) if q.speaker and q.start <= a and b <= q.end
              and speaker_matches(asked.speaker, q.speaker, text)]
    if not inside:
        return None
    words: set[str] = set()
    for s in sentences.get(d, ()):
        if s.start < b and s.end > a:
            words.update(terms([s.text], stop=False)[0])
    return None if asked.topic & words else f"{inside[0].speaker} is quoted, but not about “{asked.topic_text}”"


def pick_said_about(asked: SaidAbout | None, doc_ids: Sequence[str], texts: Mapping[str, str],
                    sentences: Mapping[str, Sequence[Sentence]],
                    answer: tuple[str, int, int] | None) -> Said | None:
    """The quoted sentence answering a "What did X say about Y?" question (``asked``:
    ``asks_said_about`` of it, parsed once by the caller) from the documents ``doc_ids`` (the
    retrieved passages' documents, best first); None when the question is of another kind
    (``asked`` None) or no quoted sentence of that speaker holds the topic. When the reader's
    ``answer`` (document id, start, end; None when it abstained) lies in a quoted sentence of that
    speaker holding as much of the topic as the best one, that sentence is the one returned."""
    if asked is None:
        return None
    found = said_about(asked, doc_ids, texts, sentences)
    if not found:
        return None
    best = found[0]
    if answer is not None:
        d, a, b = answer
        for s in found:
            if s.doc_id == d and a < s.end and b > s.start and s.cover >= best.cover:
                return s  # the reader's sentence, whole: "hoped for the best" -> the sentence that says it
    return best
