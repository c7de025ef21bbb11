"""The work vote (retrieval.workvote): works grouped by title, ranked by BM25 against a NumPy
reference, the vote's arithmetic, a single work leaving the order unchanged, the setting, and the
real retriever over a small corpus (real embedder)."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.retrieval.errors import UserError
from statementqa.retrieval.lexical import terms
from statementqa.retrieval.search import RRF_K
from statementqa.retrieval.types import Document
from statementqa.retrieval.workvote import WorkVote, group_works, work


def _doc(doc_id: str, title: str, text: str) -> Document:
    return Document(doc_id, text, f"{doc_id}.txt", {"title": title})


DOCS = {
    "lib": _doc("lib", "Central Library closes for renovation",
                "The Central Library will close for a renovation. The work was designed by Hartmann & Lee Architects."),
    "can": _doc("can", "New cancer centre to open",
                "The cancer centre opens in June. Its architect was Halden Architects. The building was designed for patients."),
    "bud": _doc("bud", "City budget for 2027", "The council adopted the budget. Spending will total 412 million euros."),
    "sq1": _doc("sq1", "Immune_system-00123", "The immune system protects the body against disease."),
    "sq2": _doc("sq2", "Immune_system-00124", "Its cells recognise pathogens; the renovation of tissue follows."),
}


@pytest.mark.parametrize("a, b, same", [
    ("Immune_system-00123", "Immune_system-00124", True),
    ("Ctenophora-00047", "Ctenophora-00048", True),
    ("Winter vaccination campaign", "Parking scheme questions", False),
    ("Central Library closes for renovation", "New cancer centre to open", False),
])
def test_work_groups_numbered_parts_of_one_title(a, b, same):
    assert (work(a) == work(b)) is same


def test_group_works_keeps_first_document_order_and_untitled_documents_apart():
    docs = {**DOCS, "x": _doc("x", "2024", "Numbers only."), "y": _doc("y", "17", "Also numbers.")}
    assert group_works(docs) == [("lib",), ("can",), ("bud",), ("sq1", "sq2"), ("x",), ("y",)]


def _reference_ranks(question: str, docs: dict[str, Document]) -> list[tuple[str, ...]]:
    """BM25 (Lucene's IDF, k1 = 1.5, b = 0.75, bm25s' defaults) over each work's joined text, in
    NumPy from the index's own terms; works holding no query term left out."""
    works = group_works(docs)
    toks = terms([" ".join(docs[d].text for d in w) for w in works])
    q = set(terms([question])[0])
    n, avgdl = len(works), np.mean([len(t) for t in toks])
    scores = np.zeros(n)
    for term in q:
        df = sum(term in t for t in toks)
        if not df:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for i, t in enumerate(toks):
            tf = Counter(t)[term]
            scores[i] += idf * tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * len(t) / avgdl)) if tf else 0.0
    order = [i for i in np.argsort(-scores, kind="stable") if scores[i] > 0]
    return [works[i] for i in order]


@pytest.mark.parametrize("question", [
    "Who designed the renovation?",
    "Which architects designed the cancer centre?",
    "How much will the budget spend?",
    "What does the immune system recognise?",
    "When does the library close?",
])
def test_ranks_follow_bm25_over_the_whole_works(question):
    vote = WorkVote(DOCS)
    ref = _reference_ranks(question, DOCS)
    got = vote.ranks(question)
    assert got == {d: r for r, w in enumerate(ref, 1) for d in w}
    assert got, "every question here shares a term with some work"


def test_ranks_stop_at_depth_and_skip_works_without_a_query_term():
    vote = WorkVote(DOCS)
    assert set(vote.ranks("Who designed the renovation?", depth=1)) == {"lib"}
    assert "bud" not in vote.ranks("Who designed the renovation?")
    assert vote.ranks("zebra quantum") == {}


def test_vote_adds_one_rrf_term_per_ranked_work_and_resorts():
    vote = WorkVote(DOCS)
    rank = vote.ranks("Who designed the renovation?")
    doc_of = {0: "bud", 1: "can", 2: "lib"}.__getitem__
    fused = [(0, 0.0200, 1, None, 0.5, None), (1, 0.0190, 2, None, 0.4, None), (2, 0.0100, 3, None, 0.3, None)]
    out = vote.vote("Who designed the renovation?", fused, doc_of, RRF_K)
    want = {0: 0.0200, 1: 0.0190 + 1 / (RRF_K + rank["can"]), 2: 0.0100 + 1 / (RRF_K + rank["lib"])}
    assert [t[0] for t in out] == sorted(want, key=lambda r: (-want[r], r))
    assert {t[0]: t[1] for t in out} == pytest.approx(want)
    assert [t[2:] for t in sorted(out)] == [t[2:] for t in fused]  # ranks and scores of each retriever kept


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 50), st.integers(0, 50)), min_size=1, max_size=12))
def test_a_single_work_leaves_the_order_unchanged(ranks):
    """Scores as RRF makes them (a dense rank and a BM25 rank, 0 = not found by BM25)."""
    scores = [1 / (RRF_K + a) + (1 / (RRF_K + b) if b else 0.0) for a, b in ranks]
    one = {"a": _doc("a", "Report-001", "The renovation was designed in 2020."),
           "b": _doc("b", "Report-002", "It was finished in 2023.")}
    vote = WorkVote(one)
    fused = sorted(((i, s) for i, s in enumerate(scores)), key=lambda t: (-t[1], t[0]))
    out = vote.vote("Who designed the renovation?", fused, lambda row: "ab"[row % 2], RRF_K)
    assert [t[0] for t in out] == [t[0] for t in fused]


def test_setting_reads_on_and_off_and_rejects_anything_else(monkeypatch):
    from statementqa.settings import Settings

    assert Settings().work_vote is False
    monkeypatch.setenv("STATEMENTQA_WORK_VOTE", "on")
    assert Settings.from_env().work_vote is True
    monkeypatch.setenv("STATEMENTQA_WORK_VOTE", "maybe")
    with pytest.raises(UserError, match="work_vote must be on or off"):
        Settings.from_env()


def test_retriever_with_the_vote_keeps_another_documents_sentence_below_the_works(tmp_path):
    """"Who designed the renovation?": without the vote the cancer centre's "Its architect was
    Halden Architects" is the second sentence (dense alone); with it the library's sentences come
    first, the cancer centre holding neither "designed" nor "renovation" in that sentence's work."""
    from statementqa.pipeline import Pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "library-renovation.txt").write_text(
        "The Central Library on Market Square will close on 1 October for a renovation.\n"
        "The renovation will cost 23.5 million euros and take two years.\n"
        "The work was designed by Hartmann & Lee Architects, who won a competition among 14 firms.\n"
        "The library will reopen in 2027 with a new roof and a children's wing.\n", encoding="utf-8")
    (corpus / "cancer-centre.txt").write_text(
        "The new cancer centre at Westmoor General will open in June.\n"
        "Its architect was Halden Architects; Corran Construction built it.\n"
        "The centre has four treatment rooms and a garden.\n", encoding="utf-8")
    (corpus / "budget.txt").write_text(
        "The city council adopted the 2027 budget on Tuesday.\nSpending will total 412 million euros.\n", encoding="utf-8")
    q = "Who designed the renovation?"
    off = Pipeline(corpus=corpus, data_dir=tmp_path / "data").search(q, k=3)
    on = Pipeline(corpus=corpus, data_dir=tmp_path / "data", work_vote=True).search(q, k=3)
    assert off.sentences[0].sentence.text.startswith("The work was designed by Hartmann")
    assert on.sentences[0].sentence.text.startswith("The work was designed by Hartmann")
    assert off.sentences[1].sentence.doc_id != off.sentences[0].sentence.doc_id
    lib = off.sentences[0].sentence.doc_id
    assert [s.sentence.doc_id for s in on.sentences[:4]] == [lib] * 4
    assert on.sentences[0].score == pytest.approx(off.sentences[0].score + 1 / (RRF_K + 1))
    assert [h.passage.doc_id for h in on.hits[:2]] == [lib, lib]  # the library's two windows
