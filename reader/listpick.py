"""List-item answers: which item of a list a question asks for.

"Which area deals with borders?", "Which of the priorities helps students?", "What is the third
priority?": when the question's asked-for noun ("area", "priorities", "priority") is named by the
lead-in of a list in a retrieved passage ("The final compact would cover four distinct areas of
collaboration:" followed by "- ..." items), the answer is one whole item. The extractive reader
does not choose among bare noun-phrase items (on `eval/data/lists-dev`, two invented documents with
lists, its HasAns F1 is 15.7; on the statement it abstains on every single-bullet question), so
this module picks the item itself:

* an ordinal ("first" ... "tenth", "last", "final") picks by position;
* by words: the question's content terms (stemmed as BM25 stems them; without the asked-for noun,
  the lead-in's own words and relation verbs such as "concerns", "deals", "covers") all occur in
  exactly one item;
* by meaning: the sentence embedding (the retriever's embedder) of the question is closest to one
  item, at least ``MIN_COSINE``, and ahead of the runner-up by at least ``MIN_MARGIN``.

Otherwise nothing is picked and the reader's answer stands (so a near miss such as "Which priority
concerns parking fees?" still abstains); nothing is picked either when the question names what the
list's document never mentions (``reader.names``). The two thresholds were set on `eval/data/lists-dev`
(28 questions, 11 near misses) and only then measured on the statement sets.

Confidence of a pick is a fixed value per rule (``CONFIDENCE``), not a fitted probability: there is
no held-out set of list questions large enough to calibrate on.

A question asking for all the items ("What are the four areas of collaboration?", "List the
channels.", "What measures does the guidance recommend?": a plural noun that the lead-in names,
after "what/which are the", "list", "name" or "what/which" itself, and no word that the lead-in
does not already hold) is answered with the whole list, from the first item to the last, citing
the lead-in and every item (``how`` "whole list"). The reader cut such lists short ("What are the
four areas?" got two of the four) or answered with the lead-in's words ("through three channels").
A number in the question must be the list's length ("What are the six priorities?" of five: no
answer from this rule).

Not handled: questions asking for some of the items ("Which priorities concern buses?": two items
that are not next to each other; the reader answers), nested lists, lists without a lead-in
sentence ending in ":", and lists outside the retrieved passages. This module runs no model: the
caller passes ``embed``."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from statementqa.retrieval.lexical import terms
from statementqa.retrieval.types import DocumentIndex, Passage, Sentence

from .names import mentionable_text, unknown_names

MIN_COSINE = 0.45  # by meaning: the best item's cosine with the question ...
MIN_MARGIN = 0.20  # ... and its lead over the runner-up
CONFIDENCE = {"ordinal": 0.95, "words": 0.9, "meaning": 0.8, "whole list": 0.9}
MAX_ITEMS = 50

ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5, "seventh": 6,
            "eighth": 7, "ninth": 8, "tenth": 9, "last": -1, "final": -1}
# Verbs that only relate the item to the topic asked about: they carry no content to match.
RELATION = ("concern", "concerns", "concerned", "deal", "deals", "dealt", "cover", "covers", "covered",
            "address", "addresses", "addressed", "involve", "involves", "involved", "apply", "applies",
            "regard", "regards", "relate", "relates", "related", "focus", "focuses", "focused", "target",
            "targets", "mention", "mentions", "mentioned", "list", "listed", "refer", "refers", "aim", "aims",
            "aimed", "tackle", "tackles", "handle", "handles", "help", "helps", "one", "ones", "item", "items",
            "use", "uses", "used", "include", "includes", "included")
_ORD = "|".join(ORDINALS)
# "Which area ...", "What measure ...", "Which of the (four) priorities ...", "Which one of the areas ..."
_WHICH = re.compile(r"^\s*(?:which|what)\s+((?:one\s+)?of\s+the\s+)?([a-z][a-z-]+)(?:\s+([a-z][a-z-]+))?\b", re.I)
# "What is the third priority ...", "Which is the last area ...", "Name the first measure"
_ORDINAL = re.compile(rf"^\s*(?:(?:which|what)\s+(?:is|was|are|were|would\s+be|will\s+be)\s+|name\s+)the\s+({_ORD})\s+"
                      r"([a-z][a-z-]+)\b", re.I)
# "What are the four areas ...", "Which were the priorities ...", "List the channels ...", "Name all the measures ..."
# ... with up to two words before the noun: "What are the most urgent recommendations?"
_ALL = re.compile(r"^\s*(?:(?:which|what)\s+(?:are|were|will\s+be|would\s+be)|list|name|give)\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?"
                  r"([a-z0-9][a-z0-9-]*)(?:\s+([a-z][a-z-]+))?(?:\s+([a-z][a-z-]+))?\b", re.I)
# "What measures does the guidance recommend?", "Which areas will the compact cover?"
_WHICH_ALL = re.compile(r"^\s*(?:which|what)\s+([a-z][a-z-]+)\b", re.I)
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "eleven": 11, "twelve": 12}
_NOT_NOUNS = frozenset({"kind", "sort", "type", "kinds", "types", "sorts", "way", "ways", "time", "times", "else"})


@dataclass(frozen=True)
class Asked:
    nouns: tuple[str, ...]  # the stemmed noun the question asks for ("area", "prioriti"), or two
    # candidates where a modifier may come first ("Which of the four areas ...": "four", "area")
    ordinal: int | None  # 0-based position, -1 = last, None = pick by content
    content: frozenset[str]  # stemmed content terms besides the nouns and relation verbs


@dataclass(frozen=True)
class ListBlock:
    doc_id: str
    lead: Sentence  # the lead-in sentence, ending in ":"
    items: tuple[Sentence, ...]


_JOINS_NEXT = re.compile(r"\s*[;,](?:\s*(?:and|or))?$", re.I)


@dataclass(frozen=True)
class Pick:
    block: ListBlock
    item: Sentence  # the item picked; for the whole list, its first item
    how: str  # "ordinal", "words", "meaning" or "whole list"
    confidence: float
    cosines: tuple[float, ...] = ()

    @property
    def label(self) -> str:
        """``Answer.how`` for this pick: "list item (by words)" etc., or "whole list"."""
        return "whole list" if self.how == "whole list" else f"list item (by {self.how})"

    @property
    def start(self) -> int:
        return self.item.start

    @property
    def end(self) -> int:
        """End of the answer in the document: the item's, or the last item's for the whole list; an
        item's closing ";", "," or "; and" that joins it to the next one is not part of the answer."""
        if self.how == "whole list":
            return self.block.items[-1].end
        m = _JOINS_NEXT.search(self.item.text)
        return self.item.end - (len(m.group(0)) if m and m.start() > 0 else 0)


@dataclass(frozen=True)
class AskedAll:
    nouns: tuple[str, ...]  # stemmed plural nouns that may name the list's kind ("area", "prioriti")
    number: int | None  # the count the question states ("four"), if any
    content: frozenset[str]  # stemmed content terms besides relation verbs


def _stem(word: str) -> str:
    t = terms([word])[0]
    return t[0] if t else ""


def asked(question: str) -> Asked | None:
    """What the question asks for, when it asks for one thing of a kind (None otherwise)."""
    m = _ORDINAL.match(question)
    if m:
        ordinal: int | None = ORDINALS[m.group(1).lower()]
        words = [m.group(2)]
    else:
        m = _WHICH.match(question)
        if not m:
            return None
        ordinal, words = None, [w for w in m.groups()[1:] if w]
        if m.group(1) and len(words) > 1 and not _stem(words[0]):
            words = words[1:]  # "Which of the four areas ...": a number word first
    if words[0].lower() in _NOT_NOUNS or words[0].lower() in ORDINALS:
        return None  # "What kind of ...": the noun that matters comes later; the reader reads those
    if not _stem(words[0]):
        return None  # "What did ...", "What would ...": a stopword has no stem and is not a noun
    nouns = tuple(st for st in (_stem(w) for w in words) if st)
    rel = _relation_stems()
    return Asked(nouns, ordinal, frozenset(t for t in terms([question])[0] if t not in rel))


def _plural(word: str) -> bool:
    w = word.lower()
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) and bool(_stem(w))


def asked_all(question: str) -> AskedAll | None:
    """What the question asks for, when it asks for all things of a kind (None otherwise)."""
    m = _ALL.match(question)
    words = [w for w in m.groups() if w] if m else []
    if not m:
        m = _WHICH_ALL.match(question)
        if not m:
            return None
        words = [m.group(1)]
    first = words[0].lower()
    number = NUMBERS.get(first) or (int(first) if first.isdigit() else None)
    # The noun is among the first two words ("four areas", "channels"), else the third after its
    # modifiers ("most urgent recommendations", whose "urgent" stays a content term).
    kinds = words[:2] if any(_plural(w) for w in words[:2]) else words[2:]
    nouns = tuple(_stem(w) for w in kinds if _plural(w) and w.lower() not in _NOT_NOUNS)
    if not nouns:
        return None
    rel = _relation_stems()
    return AskedAll(nouns, number, frozenset(t for t in terms([question])[0] if t not in rel))


@lru_cache(maxsize=1)
def _relation_stems() -> frozenset[str]:
    return frozenset(s for w in RELATION for s in terms([w])[0])


def lists_in(passages: Sequence[Passage], index: DocumentIndex) -> list[ListBlock]:
    """The lists (a lead-in ending in ":" and the list items after it) that the passages overlap."""
    out: dict[tuple[str, int], ListBlock] = {}
    for p in passages:
        sents = index.all_sentences.get(p.doc_id)
        if not sents:
            continue
        for i in p.sentence_idxs:
            b = block_at(p.doc_id, sents, i)
            if b is not None:
                out.setdefault((p.doc_id, b.lead.idx), b)
    return list(out.values())


def block_at(doc_id: str, sents: Sequence[Sentence], i: int) -> ListBlock | None:
    """The list that sentence ``i`` of a document (``sents``) is the lead-in or an item of, or None."""
    if not 0 <= i < len(sents):
        return None
    lead_i = i
    if sents[i].list_item:
        while lead_i >= 0 and sents[lead_i].list_item:
            lead_i -= 1
    elif not (i + 1 < len(sents) and sents[i + 1].list_item):
        return None
    if lead_i < 0:
        return None
    lead = sents[lead_i]
    if lead.boilerplate or not lead.text.rstrip().endswith(":"):
        return None
    items: list[Sentence] = []
    j = lead_i + 1
    while j < len(sents) and sents[j].list_item and len(items) < MAX_ITEMS:
        if not sents[j].boilerplate:
            items.append(sents[j])
        j += 1
    return ListBlock(doc_id, lead, tuple(items)) if items else None


def _item_text(s: Sentence) -> str:
    return s.text.strip().lstrip("-–—•*·").strip()


def pick(question: str, passages: Sequence[Passage], index: DocumentIndex, qvec: np.ndarray | None,
         embed: Callable[[list[str]], np.ndarray] | None) -> Pick | None:
    """The list item ``question`` asks for, or None (see the module docstring). ``qvec``: the
    question's normalised embedding; ``embed``: normalised embeddings of texts (both None: words
    and ordinals only)."""
    return _one_item(question, passages, index, qvec, embed) or _whole_list(question, passages, index)


def _one_item(question: str, passages: Sequence[Passage], index: DocumentIndex, qvec: np.ndarray | None,
              embed: Callable[[list[str]], np.ndarray] | None) -> Pick | None:
    """The one item ``question`` asks for (by ordinal, words or meaning), or None."""
    a = asked(question)
    if a is None:
        return None
    found = _the_list(question, a.nouns, passages, index)
    if found is None:
        return None
    b, noun, lead_terms = found
    if a.ordinal is not None:
        if -len(b.items) <= a.ordinal < len(b.items):
            return Pick(b, b.items[a.ordinal], "ordinal", CONFIDENCE["ordinal"])
        return None
    texts = [_item_text(s) for s in b.items]
    content = a.content - {noun} - lead_terms
    if content:
        covering = [i for i, t in enumerate(terms(texts)) if content <= set(t)]
        if len(covering) == 1:
            return Pick(b, b.items[covering[0]], "words", CONFIDENCE["words"])
    if qvec is None or embed is None or not content:
        return None
    cos = embed(texts) @ qvec
    order = np.argsort(-cos)
    best = float(cos[order[0]])
    margin = best - (float(cos[order[1]]) if len(order) > 1 else 0.0)
    if best >= MIN_COSINE and margin >= MIN_MARGIN:
        return Pick(b, b.items[int(order[0])], "meaning", CONFIDENCE["meaning"], tuple(float(c) for c in cos))
    return None


def _whole_list(question: str, passages: Sequence[Passage], index: DocumentIndex) -> Pick | None:
    """The whole list when ``question`` asks for all items of a kind (see the module docstring)."""
    a = asked_all(question)
    if a is None:
        return None
    found = _the_list(question, a.nouns, passages, index)
    if found is None:
        return None
    b, _, lead_terms = found
    if a.number is not None and a.number != len(b.items):
        return None  # "What are the six priorities?" of a list of five
    if a.content - lead_terms - _number_stems() - set(a.nouns):
        return None  # "What are the measures for schools?": more than the list's kind
    return Pick(b, b.items[0], "whole list", CONFIDENCE["whole list"])


# Nouns that name any list's items (a procedure's "steps"), whatever its lead-in says.
_GENERIC = frozenset({"step"})


@lru_cache(maxsize=1)
def _ordinal_stems() -> frozenset[str]:
    return frozenset(t for w in ORDINALS for t in terms([w])[0])


def _the_list(question: str, nouns: tuple[str, ...], passages: Sequence[Passage],
              index: DocumentIndex) -> tuple[ListBlock, str, set[str]] | None:
    """The one retrieved list whose lead-in names the first of ``nouns`` that any lead-in names,
    with that noun and the lead-in's terms; None when no list or two lists are of that kind, or
    when the question names what the list's document never mentions. For "steps" (``_GENERIC``) a
    list whose lead-in names none of the nouns will do when it holds the question's other words."""
    found = [(b, set(terms([b.lead.text])[0])) for b in lists_in(passages, index)]
    for noun in nouns:
        blocks = [(b, lead) for b, lead in found if noun in lead]
        if blocks:
            break
    else:
        if nouns[0] not in _GENERIC:
            return None  # no list of that kind here
        # "the third step" of "To receive the refund, owners must:" + items: a list's lead-in seldom says
        # "steps"; the list is the one whose lead-in holds the question's other words
        rest = set(terms([question])[0]) - set(nouns) - _ordinal_stems() - _relation_stems()
        blocks = [(b, lead) for b, lead in found if rest <= lead]
        noun = nouns[0]
    if len(blocks) != 1:
        return None  # two: which one is meant is not clear
    b, lead_terms = blocks[0]
    doc = index.docs.get(b.doc_id)
    if doc is not None and unknown_names(question, mentionable_text(doc)):
        return None  # "Which area concerns Guatemala?" over a document that never says "Guatemala"
    return b, noun, lead_terms


INTRODUCES_LIST = "answer and the list it introduces"  # ``Answer.how`` of an answer extended by ``list_after``
_HOW_MANY = re.compile(r"^\s*how\s+(?:many|much)\b", re.I)
_COUNTED = re.compile(r"\b(\d+|" + "|".join(NUMBERS) + r")\b", re.I)


def list_after(question: str, index: DocumentIndex, doc_id: str, start: int, end: int) -> ListBlock | None:
    """The list that an answer introduces: the answer ends where its sentence ends in ":" and list
    items follow ("Where will vaccines be offered?" -> "in three places" of "Vaccines will be offered
    in three places:"), and it names the items' kind, as a plural noun or their number ("three",
    "4"). The caller answers with the answer and the whole list: the items are what was asked.
    None for "How many ...?" (the number is the answer) and for anything else."""
    if _HOW_MANY.match(question):
        return None
    sents = index.all_sentences.get(doc_id) or []
    doc = index.docs[doc_id].text
    at = [s for s in sents if s.start <= start < s.end]
    if not at or at[0].list_item or at[0].boilerplate or end > at[0].end:
        return None
    lead = at[0]
    if doc[end : lead.end].strip(" \t:”\"’'") or not lead.text.rstrip().endswith(":"):
        return None
    block = block_at(doc_id, sents, lead.idx)
    if block is None or block.lead.idx != lead.idx:
        return None
    words = doc[start:end].split()
    counted = [NUMBERS.get(w.lower(), int(w) if w.isdigit() else None) for w in words if _COUNTED.fullmatch(w)]
    if any(_plural(w.strip(",.;:")) for w in words) and (not counted or len(block.items) in counted):
        return block
    return None


@lru_cache(maxsize=1)
def _number_stems() -> frozenset[str]:
    return frozenset(s for w in NUMBERS for s in terms([w])[0])
