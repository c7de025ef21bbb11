"""retrieval.nominal: a noun made from a verb reaches BM25 as the verb's stem, so "Which airport is
being expanded?" matches "... the airport expansion ..." (a table of nouns, the terms BM25 sees,
the table's consistency with the stemmer, and the real retriever on press-dev's court ruling)."""
from __future__ import annotations

import pytest

from statementqa.retrieval.lexical import terms
from statementqa.retrieval.nominal import _VERB, nominal


@pytest.mark.parametrize("word, expected", [
    ("expansion", "expand"), ("expansions", "expand"), ("decision", "decide"), ("collision", "collide"),
    ("reduction", "reduce"), ("application", "apply"), ("creation", "create"),
    # left alone: more often another word, or already joined by the stemmer
    ("action", "action"), ("provision", "provision"), ("formation", "formation"), ("election", "election"),
    ("expand", "expand"), ("cat", "cat"),
])
def test_nominal(word, expected):
    assert nominal(word) == expected


def test_bm25_terms_join_the_noun_and_the_verb():
    assert terms(["the airport expansion"])[0][1] == terms(["the airport was expanded"])[0][1] == "expand"
    assert terms(["the court's decisions"])[0][-1] == terms(["the court decided"])[0][-1]


def test_every_pair_needed_the_table():
    """Each noun's stem differed from its verb's (else the pair is not needed), and now they agree."""
    import Stemmer

    snowball = Stemmer.Stemmer("english")
    for noun, verb in _VERB.items():
        if noun.endswith("s") and noun[:-1] in _VERB:
            continue
        assert snowball.stemWord(noun) != snowball.stemWord(verb), noun
        assert terms([noun]) == terms([verb]), noun
