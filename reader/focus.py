"""Which of several retrieved documents a question is about, by the things it names.

With several documents in the corpus, "When does the campaign start?" was answered "April 1" from
an FAQ page on a parking scheme ("The scheme starts on April 1"), and "When will the campaign end?"
"today" from a flood agreement ("That ends today"), though only a vaccination announcement speaks
of a campaign: retrieval brought the other documents' passages for the shared verb, and the reader
scores each passage alone.

``subject_words`` are the things the question names with an article or a demonstrative ("the
campaign", "a permit", "these vaccines": the first word after it that is not an adjective of order
or size such as "first", "new", "final"), stemmed as BM25 stems (``subject_terms``). A document
*is about* a thing when its title names it or its text names it at least ``ABOUT`` (3) times (the
vaccination announcement, titled "Winter vaccination campaign ...", names the campaign four
times), and *mentions* it when it or its title names it once, or a word that begins like it
("ctenophora" / "ctenophores"). Three uses:

* ``off_topic``: among the retrieved documents, those that mention none of the things while another
  of them is about one of them, unless both are parts of one work (``work``: the same title once numbers are
  dropped, as "Immune_system-00101" and "Immune_system-00102"). Answer assembly passes over a span
  from such a document to the reader's next span.
* ``off_topic`` again before reading (``Pipeline._within_topic``): the passages of such documents
  are replaced by the next passages of the retrieved documents that are on topic.
* ``unnamed``: the things no retrieved document mentions. The pipeline then also reads the best
  passages of documents that are about them and are not parts of a work already retrieved, when
  they are at least as close in meaning to the question as the best retrieved passage
  (``Pipeline._on_topic``: "When will the campaign end?" had retrieved only the flood agreement).
  ``in_passing``: the things retrieved documents name only in passing (none is about them); the
  pipeline does the same for documents whose title names one of them (``in_title``: "When was the
  notice issued?" among fourteen documents had retrieved a security alert's "... closed without
  notice" and a flood agreement's "issued the following statement on May 14", and answered "May
  14"; the notice to mariners was not among them).

Why so strict: with SQuAD's articles cut into one document per paragraph, questions name things in
their own words ("the ratio of British settler to French", "the term for ...", "the effect of
testosterone on the male immune system") that another paragraph of the same article also uses. A
first version (a document named fewer of the things than another) lost 0.65 F1 on the held-out
part end to end (46 answers worse, 25 better); counting a document as about a thing from two
mentions lost 0.62 on the calibration part, from three mentions or its title 0.29 (13 worse, 4
better), nearly all to paragraphs of one article; with parts of one work taken as one topic, 0.09
(11 worse, 3 better): the added passages of other articles ("the exchange of heat" read a
paragraph on Warsaw's stock exchange), hence the closeness condition.

Capitalised words are not read here (``reader.names`` checks names against the answer's document).
With one document retrieved nothing is off topic, and with one document in the corpus no passage is
added, so a corpus of one document is never affected. A word after "the" that is a verb or an
adjective counts like a noun (no part-of-speech tagger here); the worst it does is try the
reader's next span. Runs no model."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from statementqa.retrieval.lexical import terms
from statementqa.retrieval.workvote import work  # the works, shared with retrieval's vote

ABOUT = 3  # occurrences that make a document about a thing (or its title naming it)
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
_DETERMINER = re.compile(r"\b(?i:the|a|an|this|these|those|its|their|our|your)\s+((?:[a-z][a-z'’-]*\s+){0,3}[a-z][a-z'’-]*)")
_NOT_HEADS = frozenset("""first second third fourth fifth last next new old final main same other whole entire current
previous latest recent own various several many few more most much such certain only two three four five six seven
eight nine ten hundred thousand million billion top best worst biggest largest smallest big large small great
good bad early late one""".split())


def subject_words(question: str) -> list[str]:
    """The words naming the things ``question`` names after an article or demonstrative, in order."""
    found = []
    for m in _DETERMINER.finditer(question):
        for word in m.group(1).split():
            if word in _NOT_HEADS:
                continue
            if terms([word])[0] and word not in found:
                found.append(word)
            break
    return found


def subject_terms(question: str) -> frozenset[str]:
    """Stems of ``subject_words`` (see the module)."""
    return frozenset(terms([" ".join(subject_words(question))])[0])


@dataclass(frozen=True)
class _Counts:
    stems: Counter  # how often each stem occurs
    prefixes: frozenset[str]  # the first five letters of every stem of five letters or more


@lru_cache(maxsize=64)
def _counts(text: str) -> _Counts:
    words = Counter(_WORD.findall(text.lower()))
    distinct = list(words)
    stems: Counter = Counter()
    for w, st in zip(distinct, terms(distinct)):
        for x in st:
            stems[x] += words[w]
    return _Counts(stems, frozenset(x[:5] for x in stems if len(x) >= 5))


@lru_cache(maxsize=256)
def title_terms(title: str) -> frozenset[str]:
    """The stems of a document's title, as ``is_about``, ``mentions`` and ``in_title`` compare them."""
    return frozenset(terms([title])[0])


def is_about(text: str, stem: str, title: str = "") -> bool:
    """``text`` is about the thing: its ``title`` names it, or the text names it ``ABOUT`` times or
    more (a vaccination announcement titled "Winter vaccination campaign ..." names "the campaign"
    four times; a paragraph that says "term" twice is not about terms)."""
    return stem in title_terms(title) or _counts(text).stems[stem] >= ABOUT


def mentions(text: str, stem: str, title: str = "") -> bool:
    """``text`` or its ``title`` names the thing at all, or a word that begins like it ("ctenophora" /
    "ctenophores")."""
    c = _counts(text)
    return c.stems[stem] > 0 or (len(stem) >= 5 and stem[:5] in c.prefixes) or stem in title_terms(title)


def in_title(title: str, stem: str) -> bool:
    """The document's ``title`` names the thing ("Notice to Mariners ..." names "the notice")."""
    return stem in title_terms(title)


def in_passing(question: str, texts: Mapping[str, str], titles: Mapping[str, str]) -> frozenset[str]:
    """The question's ``subject_terms`` that some of ``texts`` (by document id; ``titles`` by id)
    mention but none is about: named once or twice in passing ("without notice")."""
    return frozenset(t for t in subject_terms(question)
                     if any(mentions(x, t) for x in texts.values())
                     and not any(is_about(x, t, titles.get(d, "")) for d, x in texts.items()))


def unnamed(question: str, texts: Iterable[str]) -> frozenset[str]:
    """The question's ``subject_terms`` that none of ``texts`` mentions."""
    ts = list(texts)
    return frozenset(t for t in subject_terms(question) if not any(mentions(x, t) for x in ts))


def off_topic(question: str, texts: Mapping[str, str], doc_ids: Iterable[str],
              titles: Mapping[str, str] | None = None) -> frozenset[str]:
    """The ids among ``doc_ids`` (the retrieved documents; ``texts``, ``titles``: their text and
    title by id) that mention none of the things the question names while another of them, of
    another work, is about one of them (see the module)."""
    wanted = subject_terms(question)
    ids = list(dict.fromkeys(doc_ids))
    if not wanted or len(ids) < 2:
        return frozenset()
    titles = titles or {}
    works = {d: work(titles.get(d, "")) for d in ids}
    about = [d for d in ids if any(is_about(texts[d], t, titles.get(d, "")) for t in wanted)]
    # off topic: mentions none of the things, and is no part of the work of a document about one of them
    return frozenset(d for d in ids if about and not any(mentions(texts[d], t, titles.get(d, "")) for t in wanted)
                     and all(works[d] != works[a] or not works[d] for a in about))
