"""BM25 over the inverted index against a full-scan reference, and the minimum-should-match rule."""
from __future__ import annotations

import bm25s
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.retrieval.lexical import BM25Index, lexical_text, lexical_texts, stopwords, table_header
from statementqa.retrieval.segment import segment

WORDS = ["border", "security", "ministers", "meeting", "salvador", "children", "smugglers",
         "compact", "honduras", "guatemala", "regional", "trafficking", "gangs", "migration"]


def reference(index: BM25Index, query: str, k: int, min_match: float) -> tuple[np.ndarray, np.ndarray]:
    """The rule spelled out over every sentence, with bm25s' own full-scan scorer."""
    q = bm25s.tokenize([query], stopwords=stopwords(), stemmer=index.stemmer, show_progress=False, return_ids=False)
    terms = sorted(set(q[0]))
    vocab = index.retriever.vocab_dict
    known = [t for t in terms if t in vocab]
    if not known or k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    per_term = {t: np.asarray(index.retriever.get_scores([t]), np.float64)[: index.n] for t in known}
    scores = sum(per_term.values())
    if min_match > 0:
        if 2 * len(known) <= len(terms):
            matched = sum((s > 0).astype(int) for s in per_term.values())
            scores = np.where(matched >= int(np.floor(min_match * len(terms))) + 1, scores, 0)
        else:
            df = {t: int((s > 0).sum()) for t, s in per_term.items()}
            idf = {t: np.log(1 + (index.n - df[t] + 0.5) / (df[t] + 0.5)) for t in known}
            mass = sum(idf[t] * (per_term[t] > 0) for t in known)
            scores = np.where(mass > min_match * sum(idf.values()), scores, 0)
    nz = np.flatnonzero(scores)
    top = nz[np.argsort(-scores[nz], kind="stable")[:k]]
    return scores[top].astype(np.float32), top.astype(np.int64)


sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(sentence, min_size=1, max_size=25),
       query=st.lists(st.sampled_from(WORDS + ["zebra", "quokka"]), min_size=1, max_size=5).map(" ".join),
       k=st.integers(0, 30), min_match=st.sampled_from([0.0, 0.5, 0.75]))
def test_postings_search_equals_full_scan(texts, query, k, min_match):
    index = BM25Index.build(texts)
    got_s, got_i = index.search(query, k, min_match)
    ref_s, ref_i = reference(index, query, min(k, index.n), min_match)
    assert got_i.tolist() == ref_i.tolist()
    np.testing.assert_allclose(got_s, ref_s, rtol=1e-5)


CORPUS = [
    "Ministers agreed to engage in regular meetings at the senior and working levels.",   # 0
    "Secretary Nielsen met the Northern Triangle security ministers in San Salvador.",    # 1
    "The compact targets human smuggling and trafficking across the border.",             # 2
    "Gangs and transnational criminal organizations threaten regional security.",         # 3
    "Honduras, Guatemala and El Salvador signed the memorandum on border security.",      # 4
]


@pytest.mark.parametrize("query, expected", [
    # only "meet" of {meet, place} is in the corpus: one shared word is not a lexical hit
    ("Where did the meeting take place?", []),
    # every term known: more than half of the IDF mass must match
    ("Which countries signed the memorandum on border security?", [4]),
    ("smuggling trafficking", [2]),
    # an unknown word (typo) does not veto sentences holding the rest
    ("human smugling and trafficking across the border", [2]),
    # a query of stopwords and unknown words has nothing to match
    ("What is the zebra?", []),
])
def test_min_should_match_table(query, expected):
    index = BM25Index.build(CORPUS)
    _, ids = index.search(query, 5)
    assert ids.tolist()[: len(expected)] == expected
    if not expected:
        assert ids.tolist() == []


def test_min_match_zero_ranks_every_partial_match():
    index = BM25Index.build(CORPUS)
    _, ids = index.search("Where did the meeting take place?", 5, min_match=0.0)
    assert ids.tolist() == [0, 1]  # "meetings", and "met" (retrieval.irregular: both stem to "meet")


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(sentence, min_size=1, max_size=25),
       query=st.lists(st.sampled_from(WORDS + ["zebra"]), min_size=1, max_size=5).map(" ".join),
       k=st.integers(0, 30), min_match=st.sampled_from([0.0, 0.5, 0.75]))
def test_scan_method_equals_postings(texts, query, k, min_match):
    """The bench baseline (one full-corpus pass per term, the method before issue #16) gives the
    same hits and scores as the postings path users get."""
    index = BM25Index.build(texts)
    got_s, got_i = index.search(query, k, min_match, method="scan")
    ref_s, ref_i = index.search(query, k, min_match)
    assert got_i.tolist() == ref_i.tolist()
    np.testing.assert_allclose(got_s, ref_s, rtol=1e-5)


def test_bm25_method_is_validated_everywhere():
    from statementqa.retrieval.errors import QueryError, UserError
    from statementqa.settings import Settings

    with pytest.raises(QueryError, match="BM25 method must be one of"):
        BM25Index.build(CORPUS).search("border", 3, method="full")
    assert Settings.from_env({"STATEMENTQA_BM25_METHOD": "scan"}).bm25_method == "scan"
    assert Settings().bm25_method == "postings"
    with pytest.raises(UserError, match="BM25 method must be one of postings, scan"):
        Settings(bm25_method="full")
    with pytest.raises(UserError, match="drop --bm25-method or --store"):
        Settings(bm25_method="scan", store="postgresql://localhost/db")


@pytest.mark.parametrize("text, previous, expected", [
    # a sentence that opens with a pronoun is indexed with the sentence before it
    ("It will cost 310 million euros.", "The line will run 11 kilometres.",
     "The line will run 11 kilometres. It will cost 310 million euros."),
    ("“They must be stopped,” she said.", "Smugglers profit.", "Smugglers profit. “They must be stopped,” she said."),
    ("These areas are new.", "Four areas.", "Four areas. These areas are new."),
    ("(Its budget is small.)", "The office opened.", "The office opened. (Its budget is small.)"),
    # otherwise, and for a document's first sentence, the sentence alone
    ("The line will run 11 kilometres.", "Construction begins in March.", "The line will run 11 kilometres."),
    ("Itinerary changes are posted online.", "Trains run hourly.", "Itinerary changes are posted online."),
    ("Theirs is the first.", "A list.", "Theirs is the first."),
    ("It will cost 310 million euros.", None, "It will cost 310 million euros."),
])
def test_lexical_text_table(text, previous, expected):
    assert lexical_text(text, previous) == expected


TRAM = ("The City of Marlow will build its first tram line.\n"
        "The line will run 11 kilometres from Northgate Station to the campus.\n"
        "It will cost 310 million euros, of which the government will pay 180 million euros.\n"
        "Bus route 7 will be diverted during the works.")


def test_a_sentence_that_opens_with_a_pronoun_is_found_by_its_referent():
    """"How much will the tram line cost?": the answering sentence holds "cost" but not "tram" or
    "line" (its "It" is the line of the sentence before), so by its own words it falls under the
    minimum-should-match rule; indexed with the sentence before, it is a lexical hit."""
    sents = segment(TRAM, "d")
    q = "How much will the tram line cost?"
    _, plain = BM25Index.build([s.text for s in sents]).search(q, 4)
    assert 2 not in plain.tolist()
    _, ctx = BM25Index.build(lexical_texts(sents, {"d": sents})).search(q, 4)
    assert 2 in ctx.tolist()


VOTES = ("Votes cast in the by-election:\n| Candidate | Party | Votes |\n|---|---|---|\n"
         "| Amira Khoury | Green Party | 1,482 |\n| Owen Marsh | Labour Party | 611 |\n"
         "The Green Party had never won a seat on the council. Party members celebrated.\n"
         "| Ward | Turnout |\n| Kestrel Vale | 31.8 |")


def test_a_table_row_is_indexed_with_its_header_row():
    """"How many votes did the Green Party candidate receive?": the row holds "green" and "party" of the
    question's five terms, under the minimum-should-match rule; with its header row ("candidate",
    "votes") it is the first lexical hit. Rows of a second table get that table's header."""
    sents = segment(VOTES, "d")
    texts = [s.text for s in sents]
    row = texts.index("| Amira Khoury | Green Party | 1,482 |")
    assert [table_header(sents, i) for i in range(len(sents))] == [
        None, None, None, "| Candidate | Party | Votes |", "| Candidate | Party | Votes |", None, None, None,
        "| Ward | Turnout |"]
    lex = lexical_texts(sents, {"d": sents})
    assert lex[row] == "| Candidate | Party | Votes | | Amira Khoury | Green Party | 1,482 |"
    assert lex[1] == texts[1] and lex[5] == texts[5]  # the header itself, and prose, as before
    q = "How many votes did the Green Party candidate receive?"
    _, plain = BM25Index.build(texts).search(q, 3)
    _, ctx = BM25Index.build(lex).search(q, 3)
    assert row not in plain.tolist()[:1] and ctx.tolist()[0] == row
