"""Typing mistakes in a question, corrected toward the words of the documents asked about.

"wher did the meating take place?" reads, to the retriever and the reader, as a question about
"wher" and "meating": words no document holds. The reader then abstains (confidence 0.05), where
"where did the meeting take place?" gets "San Salvador, El Salvador". ``Speller.correct`` mends
such words before retrieval and reading; the answer keeps the question as typed and says how it
was read ("read as ...").

A word is corrected only when it is unknown: in no English word list (symspellpy's frequency
dictionary, 82,765 words, and pyspellchecker's, 160,572, which has the American spellings the
first lacks: "analyze", "traveled"), not in the documents, not in the proper-name list
(``reader.propernames``, from four letters: its three-letter words are mostly initials such as
"AEA"), and not a plural or past form of a word in them ("statocysts"). Words
of one or two letters, words with digits, apostrophes or hyphens, and words with capitals inside
("DHS", "McAllen") are left alone, except the shift key pressed a letter late or early ("hWich",
"WHere": read as "which" / "Where").

An unknown word becomes the nearest word (Damerau-Levenshtein): among the documents' words and the
1,000 most frequent English words (symspellpy's SymSpell search), and among all English words one
edit away ("rgarding": "regarding", though no document says it). At most one edit for a word of
up to seven letters, two for a longer one and then only toward a word of the documents; a
capitalised word inside the question (a name or a term of the documents: "Neilsen") only toward
the documents' words ("Herve" must not become "Serve") and only by one slip of the kinds below
other than "any other letter": a name one letter off is often another name ("Pamas" / "Hamas",
"Nielson" / "Nielsen"; SQuAD's unanswerable questions are made that way), while "Neilsen" and
"Kristjen" are slips (the names check then sees the name the documents hold); a word of three letters only for a
letter left out or two swapped ("Whn", "aea", "teh"). Ties are broken as typing goes wrong most
often: a letter left out or two letters swapped before a neighbouring key hit or a letter typed
twice, before any other letter ("wher": "where", not "when" or "her"); then a word of the
documents before a general one ("meating": "meeting", not "eating"); then the more frequent. No
candidate: the word stays as typed. A plural keeps its "s" when the word without it is fewer edits
from a word than the word itself ("statocists" over documents that only say "statocyst" reads
"statocysts", one edit, not "statocyst", two; "busiets" reads "busiest"). The documents' words are compared without accents ("Herve"
is "Hervé").

A known word is left alone, with one exception: the question's first word, when it is a rare
English word one slip from a question word and an auxiliary or a "how"-word follows ("Wat did
they sign?", "Wen will ...", "Hoe many ...": ``question_word``). Otherwise it does not correct
real words used wrongly ("form" for "from", "sing" for "sign"), split or join
words ("wherethe"), or touch anything but the words it changes (spacing, the case of
the first letter and punctuation are kept). The English lists are read once, on the first
question (0.9 s on this machine; the app's warm-up pays it); the documents' words and the search
structure on the first unknown word (87 ms for the statement). A question then costs 10 µs, one
with two mistakes 0.3 ms (`timeit`, 2026-12-03). Runs no model.
"""
from __future__ import annotations

import gzip
import importlib.resources
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from .names import fold
from .propernames import load as proper_names

_WORD = re.compile(r"(?<![\w'’-])[A-Za-z]{3,30}(?![\w'’-])")  # a plain word: letters only, 3 to 30
_SHIFT = re.compile(r"[a-z][A-Z][a-z]+|[A-Z]{2}[a-z]+")  # the shift key a letter late or early: "hWich", "WHere"
_DOC_WORD = re.compile(r"[^\W\d_]+")  # letters of any script: "Hervé" is a word, folded to "herve"
# A word made from a listed one by these endings counts as known (ending, what it replaced).
_INFLECTIONS = (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ied", "y"))
# A question's first word that is a rare English word one slip from a question word ("Wat", "Wen",
# "Hoe") is that question word when an auxiliary or a "how"-word follows ("Wat did they sign?").
QUESTION_WORDS = ("what", "when", "where", "who", "whom", "whose", "which", "why", "how")
QUESTION_WORD_SHARE = 0.01  # the typed word at most this share of the question word's frequency
_NEXT = frozenset("is are was were did do does will would can could should shall has have had may might must "
                  "many much long often far old kind type sort year day time".split())
COMMON = 1000  # the most frequent English words are candidates too ("where" in a document without it)
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _neighbours() -> dict[str, tuple[str, ...]]:
    """Each letter's neighbours on a QWERTY keyboard (rows offset by half a key), in keyboard order."""
    pos = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
    return {a: tuple(b for b, (r2, j) in pos.items() if b != a and abs(r - r2) <= 1 and abs(i + r * 0.5 - j - r2 * 0.5) <= 1)
            for a, (r, i) in pos.items()}


NEIGHBOURS = _neighbours()  # also the slips of docs/experiments/spelling/typos.py


@lru_cache(maxsize=1)
def frequencies() -> dict[str, int]:
    """symspellpy's English frequency dictionary: word -> count (82,765 words, lower case)."""
    path = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    out: dict[str, int] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            word, count = line.split()
            out[word] = int(count)
    return out


@lru_cache(maxsize=1)
def english() -> frozenset[str]:
    """The English words either library lists (lower case): symspellpy's and pyspellchecker's."""
    path = importlib.resources.files("spellchecker") / "resources" / "en.json.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        words = json.load(f)
    return frozenset(frequencies()) | frozenset(w.lower() for w in words)


def _edits1(w: str) -> set[str]:
    """Every string one edit from ``w`` (a letter left out, swapped, changed or added; a-z)."""
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    return ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS} | {a + c + b for a, b in splits for c in _LETTERS})


def slip_cost(typed: str, word: str) -> int:
    """How unlikely a one-edit typing slip turns ``word`` into ``typed``: 0 for a letter left out or
    two neighbouring letters swapped; 1 for a neighbouring key hit instead, or a letter too many that
    doubles a neighbour or sits next to one on the keyboard; 2 for any other letter changed or added;
    3 when they are not one edit apart."""
    if len(word) == len(typed) + 1:  # a letter left out
        return 0 if any(word[:i] + word[i + 1:] == typed for i in range(len(word))) else 3
    if len(typed) == len(word) + 1:  # a letter too many
        for i in range(len(typed)):
            if typed[:i] + typed[i + 1:] == word:
                doubled = (i > 0 and typed[i - 1] == typed[i]) or (i + 1 < len(typed) and typed[i + 1] == typed[i])
                near = (i > 0 and typed[i] in NEIGHBOURS.get(typed[i - 1], ())) or \
                       (i + 1 < len(typed) and typed[i] in NEIGHBOURS.get(typed[i + 1], ()))
                return 1 if doubled or near else 2
        return 3
    if len(typed) != len(word):
        return 3
    diff = [i for i, (a, b) in enumerate(zip(typed, word)) if a != b]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == word[diff[1]] and typed[diff[1]] == word[diff[0]]:
        return 0  # two letters swapped
    if len(diff) == 1:
        return 1 if typed[diff[0]] in NEIGHBOURS.get(word[diff[0]], ()) else 2
    return 3


def question_word(typed: str, rest: str) -> str | None:
    """The question word a known first word stands for ("Wat" before "did ...": "what"), or None:
    ``typed`` is not one itself, is at most ``QUESTION_WORD_SHARE`` as frequent, one slip of cost
    at most 1 away (ties: the lower cost, then the more frequent), and ``rest`` starts with an
    auxiliary or a "how"-word (``_NEXT``), so "Ho Chi Minh City ..." and "Hoe handles ..." stay."""
    w = typed.lower()
    nxt = rest.split(maxsplit=1)
    if w in QUESTION_WORDS or not nxt or nxt[0].lower().strip("?,.!") not in _NEXT:
        return None
    freq = frequencies()
    near = [(cost, -freq[q], q) for q in QUESTION_WORDS
            if (cost := slip_cost(w, q)) <= 1 and freq.get(w, 0) <= QUESTION_WORD_SHARE * freq[q]]
    return min(near)[2] if near else None


@dataclass(frozen=True)
class Correction:
    """A question as corrected: ``text`` (the question itself when nothing changed) and the
    (typed, corrected) word pairs."""

    text: str
    changes: tuple[tuple[str, str], ...] = ()


class Speller:
    """Corrections toward one set of documents' words; thread-safe. ``texts`` (a function giving the
    documents' texts) is called only when a question holds a word no English list knows, and once."""

    def __init__(self, texts: Callable[[], Iterable[str]]):
        self._texts = texts
        self._counts: Counter[str] | None = None
        self._sym = None
        self._lock = threading.Lock()

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Speller:
        kept = list(texts)
        return cls(lambda: kept)

    @property
    def counts(self) -> Counter[str]:
        """The documents' words, lower case -> occurrences."""
        with self._lock:
            if self._counts is None:
                counts: Counter[str] = Counter()
                for t in self._texts():
                    counts.update(fold(w) for w in _DOC_WORD.findall(t))
                self._counts = counts
            return self._counts

    def _listed(self, w: str) -> bool:
        # the name list counts from four letters: three-letter entries there are mostly initials ("AEA")
        return w in english() or w in self.counts or (len(w) > 3 and w in proper_names())

    def known(self, word: str) -> bool:
        """In a word list, or a plural or past form of a listed word ("statocysts", "analyzed")."""
        w = word.lower()
        return self._listed(w) or any(w.endswith(end) and len(w) > len(end) + 2 and self._listed(w[: len(w) - len(end)] + add)
                                      for end, add in _INFLECTIONS)

    def _symspell(self):
        counts = self.counts
        with self._lock:
            if self._sym is None:
                from symspellpy import SymSpell

                sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
                eng = frequencies()
                for w in sorted(eng, key=eng.__getitem__, reverse=True)[:COMMON]:
                    sym.create_dictionary_entry(w, 1)
                for w, c in counts.items():
                    if len(w) >= 3:
                        sym.create_dictionary_entry(w, c)
                self._sym = sym
            return self._sym

    def suggest(self, word: str, capitalised: bool = False) -> str | None:
        """The correction of one unknown word, or None when no word is near enough; ``capitalised``:
        a name or a term of the documents (a capital not at the question's start)."""
        got = self._nearest(word.lower(), capitalised)
        return got[0] if got else None

    def _nearest(self, w: str, capitalised: bool) -> tuple[str, int] | None:
        """(correction, edits) of the lower-case unknown word ``w`` (see ``suggest``), or None."""
        from symspellpy import Verbosity

        counts = self.counts
        found: dict[str, int] = {}  # candidate -> edits
        for s in self._symspell().lookup(w, Verbosity.ALL, max_edit_distance=1 if capitalised or len(w) <= 7 else 2):
            if s.distance == 1 or s.term in counts:  # two edits only toward a word of the documents
                found[s.term] = s.distance
        if capitalised:  # toward the documents' words only ("Herve" must not become "Serve"), by a slip
            found = {t: d for t, d in found.items() if t in counts and slip_cost(w, t) <= 1}
        else:  # any English word one edit away ("rgarding": "regarding", though no document says it)
            eng = english()
            for e in _edits1(w):
                if e in eng:
                    found.setdefault(e, 1)
        if len(w) == 3:  # three letters: only a letter left out or two swapped ("Whn", "aea", "teh")
            found = {t: d for t, d in found.items() if d == 1 and slip_cost(w, t) == 0}
        best: tuple[str, int] | None = None
        if found:
            freq = frequencies()

            def rank(t: str) -> tuple:
                d = found[t]
                return (d, slip_cost(w, t) if d == 1 else 0, t not in counts, -counts.get(t, 0), -freq.get(t, 0), t)

            t = min(found, key=rank)
            best = (t, found[t])
        if len(w) >= 6 and w.endswith("s") and not self.known(w[:-1]) and (best is None or best[1] >= 2):
            # A plural keeps its ending when the word without it is fewer edits from a word:
            # "statocists" over documents saying "statocyst" is "statocysts" (one edit), not
            # "statocyst" (two); "busiets" stays "busiest" (one edit either way).
            stem = self._nearest(w[:-1], capitalised)
            if stem is not None and not stem[0].endswith("s") and (best is None or stem[1] < best[1]):
                return stem[0] + "s", stem[1]
        return best

    def correct(self, question: str) -> Correction:
        """``question`` with its unknown words corrected (see the module docstring)."""
        changes: list[tuple[str, str]] = []
        parts: list[str] = []
        last = 0
        for m in _WORD.finditer(question):
            typed = m.group(0)
            first = not question[:m.start()].strip()
            upper = typed[0].isupper()
            if _SHIFT.fullmatch(typed):  # "hWich" is "Which" as the first word, "which" later; "WHere" is "Where"
                upper = first or typed[0].isupper()
            elif not typed[1:].islower():  # capitals inside: initials ("DHS") or a name like "McAllen"
                continue
            if self.known(typed):
                fix = question_word(typed, question[m.end():]) if first else None
                if fix is None:
                    continue
            else:
                fix = self.suggest(typed, upper and not first)
            if fix is None:
                continue
            fix = fix[0].upper() + fix[1:] if upper else fix
            if fix == typed:
                continue
            parts += [question[last:m.start()], fix]
            last = m.end()
            changes.append((typed, fix))
        if not changes:
            return Correction(question)
        return Correction("".join(parts) + question[last:], tuple(changes))
