"""reader.place: "Where" answers cut to the place: a table of questions x answers (the cases are
the statement's and SQuAD's real ones), an offsets property, and the pipeline on the statement."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statementqa.reader.place import not_a_place, place_span

CASES = [
    # the statement: people met, then where
    ("Where did the meeting take place?", "Northern Triangle security ministers in San Salvador, El Salvador",
     "San Salvador, El Salvador"),
    ("Where did they meet?", "at the summit in Geneva, Switzerland.", "Geneva, Switzerland"),
    ("Where have herbivorous fishes been seen feeding?", "blooms in the Red Sea", "the Red Sea"),  # SQuAD
    # a name before the preposition: the whole span is a place (SQuAD's answers keep it)
    ("Where were British defeated in Canada?", "Sainte Foy in Quebec", None),
    ("Where is the oldest pharmacy stated to be located?", "Church of Santa Maria Novella in Florence", None),
    ("Where are Jersey and Guernsey", "Guernsey in the Channel Islands", None),
    # no named place after it, or no preposition
    ("Where is the archive kept?", "the office in the basement", None),
    ("Where did the meeting take place?", "San Salvador, El Salvador", None),
    # not a "Where" question, or one that asks for an origin
    ("Who met in San Salvador?", "Northern Triangle security ministers in San Salvador", None),
    ("Where did the ministers come from?", "security ministers in San Salvador", None),
]


@pytest.mark.parametrize("answer,expected", [
    # nothing but a time: no place (SQuAD v1.1 train: 3 of 3,293 "Where" golds are, such as "1 March")
    ("April 1", True), ("on Friday, March 7, and Saturday, March 8", True), ("10:00 a.m.", True), ("1998", True),
    ("Friday", True), ("in March 2026", True),
    ("Independence Square", False), ("the University of Veranda", False), ("Bend, Oregon", False),
    ("in Suva, Fiji, in March 2026", False), ("the July 15 meeting", False), ("Room 204", False),
])
def test_not_a_place(answer, expected):
    assert not_a_place("Where will the march start?", answer) is expected
    assert not not_a_place("When will the march start?", answer)  # only a "Where" question


@pytest.mark.parametrize("question,answer,expected", CASES)
def test_place_table(question, answer, expected):
    got = place_span(question, answer)
    assert (answer[got[0]:got[1]] if got else None) == expected


@given(st.text(max_size=60), st.text(alphabet="abcXYZ inat,.", max_size=60))
def test_offsets_inside_the_answer(question, answer):
    got = place_span("Where " + question, answer)
    if got is not None:
        a, b = got
        assert 0 < a < b <= len(answer)
        assert answer[a:b].strip() == answer[a:b] and (answer[a].isupper() or answer[a:].startswith("the "))


def test_pipeline_answers_the_place_and_cites_the_sentence(pipeline):
    """The first question a new user asks; the issue's acceptance case."""
    ans = pipeline.ask("Where did the meeting take place?")
    assert not ans.abstained and ans.text == "San Salvador, El Salvador"
    doc = pipeline.index.docs[ans.doc_id].text
    assert doc[ans.start:ans.end] == ans.text
    assert len(ans.citations) == 1 and "met Northern Triangle security ministers in San Salvador" in ans.citations[0].text
    c = ans.citations[0]
    assert c.start <= ans.start and ans.end <= c.end
