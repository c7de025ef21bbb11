"""Names (and numbers) in a question that the answer's document never mentions.

"Which agency of Guatemala signed the statement?": the statement never says "Guatemala", so any
answer from it is wrong, yet the reader answers "U.S. Department of Homeland Security" (confidence
0.55). SQuAD 2.0's unanswerable questions are often made this way (a name swapped for one the
paragraph lacks: "the Paris Philharmony" for "the Warsaw Philharmony"), and the reader, a small
model, often misses it. ``unknown_names`` finds such names so that answer assembly can abstain and
say which name the documents do not mention.

A name is a capitalised word of three or more letters that is not the question's first word and
not a stopword, a question word or a title ("Mrs", "Dr"). It counts as mentioned when the document
holds, ignoring case and accents: the word itself (possessive "'s" dropped) or a word it begins
("West" / "Western"); its stem (PyStemmer,
as BM25 stems: "Windows" / "window"); a word one edit away, for names of five letters or more (a
typo: "Counil" / "council"); a word sharing its first five letters and most of its length
("Mexican" / "Mexico"); or, for an all-capitals word, the initials of a run of capitalised
words ("DHS" / "Department of Homeland Security"). A question in capitals or in title case is not
checked: capitals say nothing there. Title case is every word of four letters or more capitalised,
one of them a common word (in the spelling's English list, not in ``reader.propernames``, not
written capitalised by the document): "What Did The Ministers Say?" is in title case, "What did
Congress say about the Joint Statement?" is not (its capitalised words are a name and the
statement's own term), so "Congress" is checked (2026-12-03; before, any question whose content
words all had capitals went unchecked).

Measured on SQuAD dev-v2.0-a end to end (reader v2, answers it gave; 2026-12-02): calibration part
F1 +0.75 (58 of 2,762 answers turned into abstentions, 37 of them to unanswerable questions),
held-out test part +1.03 (70 of 2,312, 39 unanswerable). There each document is one paragraph, so
a name the article's title gives ("Warsaw") can be missing from it; a whole document rarely lacks
the names a right question uses.

Numbers count too: a number of two digits or more ("in 1725", "a population of 3,792,261") that the
document never writes (SQuAD calibration part end to end +0.22 F1: 6 answers, all to unanswerable
questions; held-out test part +0.35: 8, all unanswerable). The caller passes the document's text
and its metadata (title, date, publisher), so "2019" counts as mentioned by a statement dated
2019-02-21 whose text gives no year.

A question typed without capitals ("which agency of guatemala signed the statement?"; no word
after the first begins with a capital, initials such as "DHS" aside) has its names found another
way: a word after the first counts as a name when English text writes it capitalised almost
everywhere (``reader.propernames``: a list of 13,705 words counted in SQuAD's train contexts;
"guatemala", "nielsen", "english" are names there, "avenue" and "river" are not). Measured
(2026-12-03, reader v2) with every question lower-cased: SQuAD held-out part end to end F1 66.3
-> 66.6 (14 answers better, 9 worse; the same questions cased score 67.4: the list knows about
half of the names the held-out questions use), team set 73.7 -> 75.1 and larger set 74.4 -> 75.0
(the cased scores). Cased questions without another capitalised word are checked the same way, so
a name typed in lower case in an otherwise cased question counts ("What is polish for
mermaid?": one wrong abstention each in the SQuAD calibration and held-out parts, of 5,074).

Not done: names of two letters ("US", "EU"), names mentioned only in another document of the
corpus (the answer's own document decides). Runs no model."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from statementqa.retrieval.lexical import stopwords, terms

_CAP = re.compile(r"\b([A-Z][\w'’-]{2,})")
_WORD = re.compile(r"[\w'’-]+")
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "sr", "jr", "st", "mt", "gen", "gov", "sen", "rep"}
_QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "name", "list", "tell",
                   "according", "did", "does", "do", "is", "are", "was", "were", "can", "could", "will", "would"}
_LINKING = {"of", "and", "for", "the", "de", "del", "la", "von", "van", "on", "in", "&"}


def fold(s: str) -> str:
    """Lower case without accents ("Skłodowska" keeps its ł; "Curié" -> "curie")."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=1)
def _skip() -> frozenset[str]:
    return frozenset(stopwords()) | _TITLES | _QUESTION_WORDS


def _acronyms(text: str) -> frozenset[str]:
    """Initials of every run of 2-6 capitalised words (linking words such as "of" skipped)."""
    out: set[str] = set()
    words = _WORD.findall(text)
    for i, w in enumerate(words):
        if not w[:1].isupper():
            continue
        initials = ""
        for w2 in words[i:i + 10]:
            if w2.lower() in _LINKING:
                continue
            if not w2[:1].isupper():
                break
            initials += w2 if w2.isupper() and len(w2) <= 4 else w2[0]
            if len(initials) >= 2:
                out.add(initials.lower())
            if len(initials) > 8:
                break
    return frozenset(out)


@dataclass(frozen=True)
class _Doc:
    folded: str
    toks: frozenset[str]
    stems: frozenset[str]
    acronyms: frozenset[str]
    by_len: dict[int, list[str]]  # tokens by length (one-edit neighbours)
    by_prefix: dict[str, list[str]]  # tokens of five letters or more by their first five
    capitalised: frozenset[str]  # the words it writes with a capital (folded)


@lru_cache(maxsize=64)
def _document(text: str) -> _Doc:
    folded = fold(text)
    toks = frozenset(_WORD.findall(folded))
    by_len: dict[int, list[str]] = {}
    by_prefix: dict[str, list[str]] = {}
    for t in toks:
        by_len.setdefault(len(t), []).append(t)
        if len(t) >= 5:
            by_prefix.setdefault(t[:5], []).append(t)
    # Stems of the distinct words only (the same set as stemming the whole text, tested with hypothesis;
    # stemming the whole of a 2 MB document took 0.94 s, its distinct words 0.09 s; bm25s stems per token).
    stems = frozenset(terms([" ".join(sorted(toks))])[0])
    capitalised = frozenset(_base(w) for w in _CAP.findall(text))
    return _Doc(folded, toks, stems, _acronyms(text), by_len, by_prefix, capitalised)


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(a == b[:i] + b[i + 1:] for i in range(len(b)))


def _base(word: str) -> str:
    """A name as compared: folded, possessive "'s" and edge apostrophes or hyphens dropped."""
    return re.sub(r"['’]s$", "", fold(word)).strip("'’-")


def _common_word(word: str, capitalised: frozenset[str]) -> bool:
    """An English word that is usually written in lower case (in the spelling lists, not in
    ``reader.propernames``) and that the document does not write capitalised: its capital in a
    question says the question is in title case, not that it is a name."""
    from statementqa.reader.propernames import load  # here: both modules import this one
    from statementqa.reader.spelling import frequencies

    w = _base(word)
    return w in frequencies() and w not in load() and w not in capitalised


def names(question: str, capitalised: frozenset[str] | None = None) -> list[str]:
    """The question's names as defined in the module docstring (empty for a question in capitals or
    title case; for a question typed without capitals, the words ``reader.propernames`` lists).
    ``capitalised``: the folded words the document writes with a capital; given it, a question whose
    content words are all capitalised is in title case only when one of them is a common word
    (``_common_word``): "What did Congress say about the Joint Statement?" is checked."""
    words = _WORD.findall(question)
    content = [w for w in words if len(w) >= 4 and fold(w) not in _skip()]
    if not words or question.isupper():
        return []
    if len(content) >= 2 and all(w[:1].isupper() for w in content) and \
            (capitalised is None or any(_common_word(w, capitalised) for w in content)):
        return []
    lower_case = not any(w[:1].isupper() and not w.isupper() for w in words[1:])
    out = []
    for m in _CAP.finditer(question):
        w = m.group(1)
        if m.start() == question.find(words[0]) and not w.isupper():
            continue  # the question's first word is capitalised anyway
        base = _base(w)
        if len(base) >= 3 and base not in _skip():
            out.append(w)
    if lower_case:  # typed without capitals: initials ("DHS") as above, and the words usually written capitalised
        known = _lower_case_names(words)
        out = [w for i, w in enumerate(words) if w in out or (i and w in known)]
    return out


def _lower_case_names(words: list[str]) -> list[str]:
    """A question typed without capitals ("which agency of guatemala signed?"): its words after the
    first that English text usually capitalises (``reader.propernames``), as typed."""
    from statementqa.reader.propernames import load  # here: propernames uses this module's fold

    known = load()
    out = []
    for w in words[1:]:
        base = _base(w)
        if w[:1].islower() and len(base) >= 3 and base not in _skip() and base in known:
            out.append(w)
    return out


_NUMBER = re.compile(r"(?<![\w.,])\d[\d,.]*\d(?!\d)")  # "1950" in "1950s" and "1950's" too


def _plain_number(x: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3})", "", x.rstrip(".,"))


def unknown_numbers(question: str, document: str) -> tuple[str, ...]:
    """Numbers of two digits or more in ``question`` ("in 1725", "3,792,261") that ``document``
    never writes (thousands separators ignored)."""
    found = [m.group(0).rstrip(".,") for m in _NUMBER.finditer(question)]
    if not found:
        return ()
    have = {_plain_number(m.group(0)) for m in _NUMBER.finditer(document)}
    return tuple(x for x in found if _plain_number(x) not in have)


def mentionable_text(doc) -> str:
    """A document's text and its metadata's strings (title, date, publisher ...): what it mentions."""
    meta = " ".join(str(v) for v in (doc.meta or {}).values() if isinstance(v, (str, int, float)))
    return doc.text + ("\n" + meta if meta else "")


def unknown_names(question: str, document: str) -> tuple[str, ...]:
    """The names and numbers in ``question`` that ``document`` never mentions (see the module
    docstring)."""
    d = _document(document)
    found = names(question, d.capitalised)
    numbers = unknown_numbers(question, document)
    if not found:
        return numbers
    return tuple(w for w in found if not _mentions(d, w)) + numbers


def mentions(document: str, name: str) -> bool:
    """True when ``document`` mentions ``name`` as ``unknown_names`` counts it (the word or a longer
    word it begins, its stem, a word one edit away, another form of it, its initials)."""
    return _mentions(_document(document), name)


def _mentions(d: _Doc, w: str) -> bool:
    x = _base(w)
    if x in d.toks or re.search(rf"(?<!\w){re.escape(x)}", d.folded):
        return True  # the word, or a longer word it begins ("West" / "Western")
    st = terms([x])[0]
    if st and all(s in d.stems for s in st):
        return True
    if len(x) >= 5 and any(_one_edit(x, t) for n in (len(x) - 1, len(x), len(x) + 1) for t in d.by_len.get(n, ())):
        return True
    if len(x) >= 5 and any(_shared_prefix(x, t) >= 0.7 * min(len(x), len(t)) for t in d.by_prefix.get(x[:5], ())):
        return True  # another form of the same name ("Mexican" / "Mexico", "Guatemalan" / "Guatemala")
    return w.isupper() and x in d.acronyms
