"""The question's form for retrieval and the reader (statementqa.reader.questionform): a table of typed
questions x the form read, properties (idempotent, only a "?" added, an opening dropped and the rest
kept), and the pipeline: a question typed without "?" or behind "Can you tell me" gets the answer
the plain question gets, and the answer keeps the question as typed."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statementqa.reader.questionform import question_form


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
    # polite and indirect openings
    ("Can you tell me where the meeting took place?", "where the meeting took place?"),
    ("Could you please tell me who issued the announcement", "who issued the announcement?"),
    ("hi, where did the meeting take place?", "where did the meeting take place?"),
    ("Hi there! Who met whom?", "Who met whom?"),
    ("Tell me where the meeting was.", "where the meeting was?"),  # a question now: "." -> "?"
    ("Please list the areas of collaboration", "list the areas of collaboration?"),
    ("I want to know who issued the announcement", "who issued the announcement?"),
    ("Do you know when the agreement is due", "when the agreement is due?"),
    ("Can you tell me?", "Can you tell me?"),  # nothing would be left
    ("Pleased with the compact, who thanked them?", "Pleased with the compact, who thanked them?"),
    ("Whom did he tell me about?", "Whom did he tell me about?"),  # not an opening
    ("Can Mexico join?", "Can Mexico join?"),
])
def test_question_form(typed, read):
    assert question_form(typed) == read


@given(st.text(alphabet="abcdeXYZ ,.?!“”", max_size=80))
def test_question_form_only_adds_a_question_mark_once(q):
    f = question_form(q)
    assert f in (q.strip(), q.strip() + "?")  # no opening in this alphabet: only the mark
    assert question_form(f) == f


@given(st.sampled_from(["Can you tell me ", "Please tell me ", "I want to know ", "Do you know ", "hi, ", "Please "]),
       st.text(alphabet="abcdeXYZ ,“”", min_size=1, max_size=60).filter(lambda t: t.strip(" ,")))
def test_an_opening_is_dropped_and_the_rest_kept(opening, rest):
    f = question_form(opening + rest)
    assert f == rest.strip().lstrip(" ,") + "?"
    assert question_form(f) == f


def test_pipeline_reads_a_question_without_its_mark_as_with_it(pipeline):
    typed = pipeline.ask("where did the meeting take place")
    marked = pipeline.ask("Where did the meeting take place?")
    assert typed.text == marked.text == "San Salvador, El Salvador"
    assert [c.text for c in typed.citations] == [c.text for c in marked.citations]
    assert typed.question == "where did the meeting take place"  # the answer keeps what was typed
    polite = pipeline.ask("Can you tell me where the meeting took place?")
    assert polite.text == "San Salvador, El Salvador" and polite.question.startswith("Can you tell me")
    from statementqa.render import format_answer_md

    assert "decides it" not in format_answer_md(polite)  # "Can you tell me ...?" is no yes/no question
    listed = pipeline.ask("Please list the areas of collaboration")
    assert listed.how == "whole list" and listed.text.count("\n") == 3
    assert pipeline.search("where did the meeting take place").hits[0].passage.passage_id == \
        pipeline.search("where did the meeting take place?").hits[0].passage.passage_id


def test_a_question_at_the_length_limit_still_gets_its_mark(pipeline):
    q = ("where did the meeting take place " * 40)[:1000].strip()
    q = q + "e" * (1000 - len(q))  # exactly the limit, without "?"
    assert len(q) == 1000
    assert len(pipeline.search(q, 3).hits) <= 3
    assert pipeline.ask(q).question == q
