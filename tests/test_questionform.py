"""The question's form for retrieval and the reader (statementqa.questionform): a table of typed
questions x the form read, properties (idempotent, only a "?" added), and the pipeline: a question
typed without "?" gets the answer it gets with one, and the answer keeps the question as typed."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statementqa.questionform import question_form


@pytest.mark.parametrize("typed, read", [
    ("where did the meeting take place", "where did the meeting take place?"),
    ("Where did the meeting take place?", "Where did the meeting take place?"),
    ("Name the areas of collaboration.", "Name the areas of collaboration."),  # a request ending in "."
    ("who met whom!", "who met whom!"),
    ("What did Nielsen mean by “enough”", "What did Nielsen mean by “enough”?"),
    ("Did she say “enough is enough?”", "Did she say “enough is enough?”"),  # "?" before the closing quote
    ("what is the compact (the agreement)", "what is the compact (the agreement)?"),
    ("Which areas…", "Which areas…"),
    ("who issued it   ", "who issued it?"),
    ("", ""),
])
def test_question_form(typed, read):
    assert question_form(typed) == read


@given(st.text(max_size=80))
def test_question_form_only_adds_a_question_mark_once(q):
    f = question_form(q)
    assert f in (q.rstrip(), q.rstrip() + "?")
    assert question_form(f) == f


def test_pipeline_reads_a_question_without_its_mark_as_with_it(pipeline):
    typed = pipeline.ask("where did the meeting take place")
    marked = pipeline.ask("Where did the meeting take place?")
    assert typed.text == marked.text == "San Salvador, El Salvador"
    assert [c.text for c in typed.citations] == [c.text for c in marked.citations]
    assert typed.question == "where did the meeting take place"  # the answer keeps what was typed
    assert pipeline.search("where did the meeting take place").hits[0].passage.passage_id == \
        pipeline.search("where did the meeting take place?").hits[0].passage.passage_id


def test_a_question_at_the_length_limit_still_gets_its_mark(pipeline):
    q = ("where did the meeting take place " * 40)[:1000].strip()
    q = q + "e" * (1000 - len(q))  # exactly the limit, without "?"
    assert len(q) == 1000
    assert len(pipeline.search(q, 3).hits) <= 3
    assert pipeline.ask(q).question == q
