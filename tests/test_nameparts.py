"""Questions for part of a name (reader.nameparts): a table of questions over invented documents,
the runs of name words, and the pipeline on the statement."""
from __future__ import annotations

import pytest

from statementqa.reader.nameparts import asked_part, name_runs, pick_name_part
from statementqa.retrieval.types import Passage

DOC = ("Minister of Regional Transport Aurélie J. Vantongeren opened the Lisbon office on Monday. "
       "Minister Vantongeren said the office would serve Portugal and Spain. Her deputy, Tomasz "
       "Wierzbicki, spoke after her. Dr. Grace Hopper was mentioned too.")
OTHER = "Nothing about people here. The Harbour Authority met."


def _ask(question: str, docs: dict[str, str] | None = None):
    docs = docs or {"d": DOC}
    passages = [Passage(f"p-{d}", d, (0,), 0, len(t), t) for d, t in docs.items()]
    got = pick_name_part(question, passages, docs)
    return None if got is None else docs[got.doc_id][got.start : got.end]


@pytest.mark.parametrize("question, part", [
    ("What is Vantongeren's first name?", "first"),
    ("What is the given name of the minister?", "first"),
    ("What's her surname?", "last"),
    ("What is the deputy's family name?", "last"),
    ("What is the minister's middle initial?", "middle"),
    ("What is the full name of the minister?", "full"),
    ("What did the minister name the office?", None),
    ("Who opened the office?", None),
])
def test_asked_part(question, part):
    assert asked_part(question) == part


@pytest.mark.parametrize("question, answer", [
    ("What is Vantongeren's first name?", "Aurélie"),
    ("what is vantongeren's first name?", None),  # lower case: "vantongeren" is not a listed name
    ("What is Vantongeren's middle initial?", "J."),
    ("What is Vantongeren's full name?", "Aurélie J. Vantongeren"),
    ("What is Aurélie's last name?", "Vantongeren"),
    ("What is the Minister's first name?", "Aurélie"),  # a title: the name after "Minister"
    ("What is Wierzbicki's first name?", "Tomasz"),
    ("What is Wierzbicki's middle name?", None),  # two words: no middle
    ("What is Hopper's first name?", None),  # "Grace" is an English word: the run is "Hopper" alone
    ("What is Smith's first name?", None),  # not in the document
    ("Who opened the Lisbon office?", None),  # not a name-part question
    ("What is Lisbon's first name?", None),  # a one-word run
])
def test_pick_name_part(question, answer):
    assert _ask(question) == answer


def test_documents_in_retrieval_order():
    docs = {"a": OTHER, "b": DOC}
    assert _ask("What is Vantongeren's first name?", docs) == "Aurélie"


def test_name_runs_stop_at_english_words_and_punctuation():
    text = "Regional Transport Aurélie J. Vantongeren, Tomasz Wierzbicki's plan"
    assert [[text[a:b] for a, b in r] for r in name_runs(text)] == [
        ["Aurélie", "J.", "Vantongeren"], ["Tomasz", "Wierzbicki"]]


@pytest.mark.slow
@pytest.mark.parametrize("question, answer", [
    ("What is Nielsen's first name?", "Kirstjen"),  # the reader's own span: "Secretary"
    ("What was the middle initial of the Secretary?", "M."),
    ("What is the Secretary's full name?", "Kirstjen M. Nielsen"),
])
def test_pipeline_answers_name_parts(pipeline, question, answer):
    ans = pipeline.ask(question)
    assert not ans.abstained and ans.text == answer
    assert ans.how == "part of the full name “Kirstjen M. Nielsen”"
    assert [c.sentence_index for c in ans.citations] == [1]


@pytest.mark.slow
def test_follow_up_asks_for_her_first_name(pipeline):
    from statementqa.followup import Turn

    first = "Who met Northern Triangle security ministers in San Salvador?"
    a1 = pipeline.ask(first)
    ans = pipeline.ask("What is her first name?", history=[Turn(first, a1.text)])
    assert ans.interpreted_as == "What is Nielsen's first name?" and ans.text == "Kirstjen"
