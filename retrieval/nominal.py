"""Nouns made from verbs mapped to their verb before stemming, so that BM25 matches them.

Snowball (PyStemmer) strips inflections, not derivations: "expansion" keeps the stem "expans"
beside "expand" / "expanded" / "expanding" ("expand"), "decision" keeps "decis" beside "decided"
("decid"). "Which airport is being expanded?" over a court's press summary that speaks only of "the
airport expansion" matched none of its words there, and retrieval brought another document's
airport. ``nominal`` maps such a noun (and its plural) to its verb ("expansion" -> "expand",
"decisions" -> "decide"), which the stemmer then stems like the verb's forms.

The table is data: the pairs where SQuAD v1.1 train's text holds both the noun and the verb's past
form at least five and two times and Snowball gives them different stems (found by suffix rules:
"-ision" -> "-ide", "-ansion" -> "-and", "-uction" -> "-uce", "-ication" -> "-y", ...), with the
pairs whose noun is more often another word left out: "action" / "act" (an Act), "provision" /
"provide" (provisions), "formation", "foundation", "revolution", "convention", "solution",
"tension", "notation", "sensation", "plantation", "ration", "fixation", "causation", "reaction",
"variation", "complication", "replication"; and a few the rules miss added ("creation", "admission",
"permission", "submission", "transmission", "emission", "destruction"); "description" is left out
because "describe" is a stopword of the index (scikit-learn's list).
Like ``retrieval.irregular`` it changes only what BM25 counts; words are lower-cased before they get
here."""
from __future__ import annotations

_PAIRS = """
admission admit; application apply; ascension ascend; assumption assume; certification certify;
clarification clarify; classification classify; codification codify; collision collide;
comprehension comprehend; conclusion conclude; consumption consume; creation create; decision decide;
deduction deduce; destruction destroy; devolution devolve;
disqualification disqualify; dissolution dissolve; diversification diversify;
division divide; electrification electrify; emission emit; erosion erode; evolution evolve;
exclusion exclude; expansion expand; explosion explode; extension extend; falsification falsify;
fortification fortify; identification identify; implication imply; inclusion include;
induction induce; inscription inscribe; intervention intervene;
introduction introduce; invasion invade; justification justify; modification modify;
multiplication multiply; nullification nullify; permission permit; persuasion persuade;
prescription prescribe; presumption presume; production produce; purification purify;
qualification qualify; quotation quote; ratification ratify; reduction reduce; reproduction reproduce;
resolution resolve; resumption resume; reunification reunify; simplification simplify;
specification specify; starvation starve; stratification stratify; submission submit;
subdivision subdivide; subscription subscribe; suspension suspend;
transcription transcribe; transmission transmit; unification unify; verification verify
"""

_VERB: dict[str, str] = {}
for _pair in _PAIRS.split(";"):
    _noun, _verb = _pair.split()
    _VERB[_noun] = _VERB[_noun + "s"] = _verb


def nominal(word: str) -> str:
    """The verb a noun made from it names ("expansion" -> "expand"); any other word unchanged."""
    return _VERB.get(word, word)
