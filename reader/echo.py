"""Questions the document asks itself: an FAQ's headings, a briefing transcript's reporters.

In a press briefing's transcript, "How many doses are left?" was answered "1.2 million" - the
spokesperson's answer to the reporter's question before ("How many people have been vaccinated
so far this winter?"), in the same passage as the reporter's "And how many doses are left?" and
the answer to it ("Around 340,000 in the central store"); and the earlier question itself was
answered from another document ("Last winter, only 58 percent of people over 65 were
vaccinated"), because the spokesperson's answer ("Just over 1.2 million, ...") shares no word
with it. A reader scores spans; it does not know that a document's question is answered by what
follows it. A person reading an FAQ or a transcript looks for the question and reads on.

``echo_regions``: where a retrieved document asks the user's question in nearly the same words
(``echoes``: at least ``SHARE`` of the question's terms, as BM25 counts them, and at least two,
are in the document's question sentence), the region that answers it: the sentences after it,
up to the document's next question, a paragraph break after the first of them, or ``MAX_SENTENCES``.
Answer assembly (``reader.assemble``) then takes the reader's best usable span inside a region,
when there is one, instead of a span elsewhere; its confidence stays the reader's own.

Not here: questions about questions ("Who asked how many doses are left?" shares two of three
terms, under ``SHARE``; assembly does not look for regions when the user asks about questions),
and a document's question that is only similar in meaning (no paraphrase model). Runs no model.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from statementqa.retrieval.lexical import terms
from statementqa.retrieval.types import Sentence

SHARE = 0.75  # of the user's question terms that the document's question must have
MAX_SENTENCES = 4  # an answer region's longest run of sentences
_BREAK = re.compile(r"\n[^\S\n]*\n")  # a blank line: a new paragraph


def is_question(sentence: str) -> bool:
    """A sentence that asks ("Can I get a refund?"), closing quotation marks and brackets aside."""
    return sentence.rstrip().rstrip("\"”'’)]").endswith("?")


@lru_cache(maxsize=4096)
def _terms(text: str) -> frozenset[str]:
    return frozenset(terms([text])[0])


def echoes(question: str, sentence: str) -> bool:
    """``sentence`` (a document's question) asks ``question`` in nearly the same words."""
    want = _terms(question)
    if len(want) < 2:
        return False
    shared = len(want & _terms(sentence))
    return shared >= 2 and shared >= SHARE * len(want)


def echo_regions(question: str, sentences: Mapping[str, Sequence[Sentence]], text: Mapping[str, str]) -> list[tuple[str, int, int]]:
    """(doc_id, start, end) of each region that answers a document question echoing ``question``;
    ``sentences``: each retrieved document's sentences (boilerplate included), ``text`` its text."""
    regions = []
    for doc_id, sents in sentences.items():
        for i, s in enumerate(sents):
            if s.boilerplate or not is_question(s.text) or not echoes(question, s.text):
                continue
            run: list[Sentence] = []
            for t in sents[i + 1 : i + 1 + MAX_SENTENCES]:
                if t.boilerplate or is_question(t.text) or (run and _BREAK.search(text[doc_id], run[-1].end, t.start)):
                    break
                run.append(t)
            if run:
                regions.append((doc_id, run[0].start, run[-1].end))
    return regions


def inside(regions: Sequence[tuple[str, int, int]], doc_id: str, a: int, b: int) -> bool:
    """[a, b) of ``doc_id`` lies in one of ``regions``."""
    return any(d == doc_id and s <= a and b <= e for d, s, e in regions)
