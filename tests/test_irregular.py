"""retrieval.irregular: irregular forms reach BM25 as their base form's stem, so "When did the
outbreak begin?" matches "... since the outbreak began on 18 August." (a table of forms, the terms
BM25 sees, and the real retriever on press-dev's measles update)."""
from __future__ import annotations

import pytest

from statementqa.retrieval.irregular import BASE, base
from statementqa.retrieval.lexical import terms


@pytest.mark.parametrize("form, expected", [
    ("began", "begin"), ("begun", "begin"), ("met", "meet"), ("held", "hold"), ("chosen", "choose"),
    ("children", "child"), ("women", "woman"), ("feet", "foot"),
    # left alone: more often another word, or already the base
    ("found", "found"), ("left", "left"), ("rose", "rose"), ("saw", "saw"), ("put", "put"), ("meeting", "meeting"),
])
def test_base(form, expected):
    assert base(form) == expected


def test_bm25_terms_join_the_forms():
    assert terms(["the outbreak began"]) == terms(["the outbreak begins"]) == terms(["outbreak begin"])
    assert terms(["Nielsen met the ministers"])[0][1] == terms(["the meeting"])[0][0] == "meet"
    assert terms(["Where were the children?"]) == terms(["Where was the child?"])
    assert terms(["the left bank"]) != terms(["they leave the bank"])  # "left" stays itself


def test_every_form_differs_from_its_base_and_no_base_is_a_form():
    assert all(form != b for form, b in BASE.items())
    assert not set(BASE.values()) & set(BASE)


@pytest.mark.slow
def test_the_answering_sentence_is_retrieved(tmp_path):
    from statementqa.pipeline import Pipeline
    from tests.press_fixtures import PRESS

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "measles.pdf").write_bytes((PRESS / "measles-update-2025-09-11.pdf").read_bytes())
    pl = Pipeline(corpus=corpus, data_dir=tmp_path / "data")
    r = pl.read("When did the outbreak begin?")
    assert any("since the outbreak began on 18 August" in p.text for p in r.passages)
    ans = pl.ask("When did the outbreak begin?")
    assert not ans.abstained and ans.text == "18 August"
