"""Typing mistakes in questions (statementqa.reader.spelling): a table of typed questions x the
question read over the statement's words, the slip costs that break ties, properties (only unknown
words change, everything around them is kept, a corrected question corrects to itself), and the
pipeline: a misspelt question gets the answer the plain one gets, says how it was read, keeps the
question as typed, and ``--spelling off`` reads it as typed."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.reader.spelling import QUESTION_WORDS, Speller, english, slip_cost


@pytest.fixture(scope="module")
def speller(statement_text) -> Speller:
    return Speller.from_texts([statement_text])


@pytest.mark.parametrize("typed, read", [
    ("wher did the meating take place?", "where did the meeting take place?"),  # left out; a wrong letter
    ("Wher did the meeting take place?", "Where did the meeting take place?"),  # case of the first letter kept
    ("Who did Neilsen meet?", "Who did Nielsen meet?"),  # a name with two letters swapped
    ("What is the Nothern Triangle?", "What is the Northern Triangle?"),
    ("Whaat did the ministers agree to?", "What did the ministers agree to?"),  # a letter doubled
    ("How many countires signed the statment?", "How many countries signed the statement?"),
    ("What did Nielsen say about chidlren?", "What did Nielsen say about children?"),
    # left alone: known words, short words, initials, numbers, names the documents lack
    ("Where did the meeting take place?", "Where did the meeting take place?"),
    ("What did they sing?", "What did they sing?"),  # a real word, though "sign" was meant
    ("Which agency of Guatemala signed it?", "Which agency of Guatemala signed it?"),
    ("Did the DHS or McAllen sign in 2019?", "Did the DHS or McAllen sign in 2019?"),
    ("Whn did they meet?", "When did they meet?"),  # three letters: a letter left out
    ("Wat is it?", "What is it?"),  # a rare word one slip from a question word, first, before "is"
    ("Wat did they sign?", "What did they sign?"),
    ("Wen will the compact be finalized?", "When will the compact be finalized?"),
    ("Hoe many areas are there?", "How many areas are there?"),
    ("Ho Chi Minh City is where?", "Ho Chi Minh City is where?"),  # no auxiliary after it: a name
    ("Were did the meeting take place?", "Were did the meeting take place?"),  # "were" is common: left
    ("Whet is the compact?", "Whet is the compact?"),  # "e" for "a" is no neighbouring key
    ("Is wat they said true?", "Is wat they said true?"),  # only the first word
    ("hWich area is about gangs?", "Which area is about gangs?"),  # the shift key a letter late
    ("When did tHe ministers meet?", "When did tHe ministers meet?"),  # a known word: case left as typed
    ("Wich aea concerns gangs?", "Which area concerns gangs?"),
    ("Who is Zbigniew Brzezinski?", "Who is Zbigniew Brzezinski?"),  # names nowhere near a word of the statement
    ("What isn't agreed yet, re-negotiated or pre-signed?", "What isn't agreed yet, re-negotiated or pre-signed?"),
    ("Where were the ministries' statocysts?", "Where were the ministries' statocysts?"),  # no document word close
])
def test_corrections_over_the_statement(speller, typed, read):
    assert speller.correct(typed).text == read


def test_changes_name_each_word():
    c = Speller.from_texts(["The meeting took place in San Salvador."]).correct("wher did the meating take place?")
    assert c.changes == (("wher", "where"), ("meating", "meeting"))
    assert Speller.from_texts(["x"]).correct("Where?").changes == ()


@pytest.mark.parametrize("docs, typed, read", [
    ("Hervé served the emperor.", "When did Herve serve?", "When did Herve serve?"),  # known without its accent
    ("The knights rode west.", "Who was Herve?", "Who was Herve?"),  # a name: never toward a common word ("Serve")
    ("The knights rode west.", "Where did the knigths ride?", "Where did the knights ride?"),
    ("Hamas was founded in 1987.", "Where does Pamas originate?", "Where does Pamas originate?"),  # another name?
    ("Hamas was founded in 1987.", "Where does Hmas originate?", "Where does Hamas originate?"),  # a letter left out
    ("A potential field.", "What is the force called rgarding a potential field?",
     "What is the force called regarding a potential field?"),  # any English word one edit away
    ("The meeting was short.", "Where was the meating?", "Where was the meeting?"),  # the documents' word first
    ("Eating was forbidden.", "Where was the meating?", "Where was the eating?"),
    ("The statocyst senses balance.", "What do statocists sense?", "What do statocysts sense?"),  # the plural kept
    ("The statocyst senses balance.", "What does the statocist sense?", "What does the statocyst sense?"),
    ("The busiest airport.", "What is the busiets airport?", "What is the busiest airport?"),  # one edit: no plural
])
def test_which_words_are_candidates(docs, typed, read):
    assert Speller.from_texts([docs]).correct(typed).text == read


def test_a_plural_or_past_of_a_listed_word_is_known():
    s = Speller.from_texts(["The statocyst and the cydippid."])
    assert s.known("statocysts") and s.known("statocyst") and s.known("ministries")
    assert not s.known("statocist")
    # the nearest word the documents have is the singular; the plural's ending is carried over
    assert s.correct("How many statocists are there?").text == "How many statocysts are there?"


@pytest.mark.parametrize("typed, word, cost", [
    ("wher", "where", 0),  # a letter left out
    ("meitng", "meeting", 3),  # two edits
    ("nielsne", "nielsen", 0),  # two neighbouring letters swapped
    ("meetimg", "meeting", 1),  # m is next to n on the keyboard
    ("meetang", "meeting", 2),  # a is not next to i
    ("wherre", "where", 1),  # a letter doubled
    ("wheere", "where", 1),
    ("wherw", "when", 3),
    ("whebre", "where", 2),  # b is next to neither e nor r
    ("wherpe", "where", 2),
])
def test_slip_cost(typed, word, cost):
    assert slip_cost(typed, word) == cost


_TEXT = "The ministers met in San Salvador and agreed to finalize the compact next month with Mexico."
_SPELLER = Speller.from_texts([_TEXT])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["wher", "meetng", "ministrs", "compcat", "the", "did", "Mexcio", "DHS", "2019",
                                 "agred", "qzxv", "San", "Salvadr", ",", "?", "isn't", "re-met"]), max_size=12))
def test_only_unknown_words_change_and_a_correction_is_stable(words):
    q = " ".join(words) + "?"
    c = _SPELLER.correct(q)
    # everything but the changed words is kept: the same separators, the same number of words
    assert re.split(r"[A-Za-z]+", c.text) == re.split(r"[A-Za-z]+", q)
    for typed, fixed in c.changes:
        assert (not _SPELLER.known(typed) or fixed.lower() in QUESTION_WORDS) and _SPELLER.known(fixed)
        assert typed[0].isupper() <= fixed[0].isupper()  # "hWere" first -> "Where"
    assert _SPELLER.correct(c.text).text == c.text  # read again, nothing changes
    if not c.changes:
        assert c.text == q


def test_the_english_list_is_the_library_s():
    eng = english()
    assert len(eng) > 160_000 and {"where", "meeting", "colour", "color", "analyze", "analyse"} <= eng
    assert not {"wher", "meating", "goverment", "accidentially"} & eng


def test_pipeline_reads_a_misspelt_question_as_the_plain_one(pipeline):
    plain = pipeline.ask("Where did the meeting take place?")
    typed = pipeline.ask("wher did the meating take place?")
    assert typed.text == plain.text == "San Salvador, El Salvador"
    assert [c.text for c in typed.citations] == [c.text for c in plain.citations]
    assert typed.question == "wher did the meating take place?"  # the answer keeps what was typed
    assert typed.interpreted_as == "where did the meeting take place?" and not plain.interpreted_as
    from statementqa.render import format_answer_md

    assert "read as “where did the meeting take place?”" in format_answer_md(typed)
    assert pipeline.search("wher did the meating take place?").hits[0].passage.passage_id == \
        pipeline.search("Where did the meeting take place?").hits[0].passage.passage_id


def test_spelling_off_reads_the_question_as_typed(pipeline):
    from statementqa.pipeline import Pipeline

    off = Pipeline(pipeline.settings, spelling="off")  # the same data dir: the index is opened, not built
    r = off.read("wher did the meating take place?")
    assert r.interpreted_as is None and r.read_as == "wher did the meating take place?"
    assert pipeline.read("wher did the meating take place?").read_as == "where did the meeting take place?"


def test_an_abstention_says_how_the_question_was_read():
    from statementqa.render import format_answer_md
    from statementqa.retrieval.types import Answer

    ans = Answer("wher is the budgt?", "", 0.1, True, interpreted_as="where is the budget?")
    assert format_answer_md(ans).endswith("(Read as “where is the budget?”.)")
    assert "Read as" not in format_answer_md(Answer("Where is the budget?", "", 0.1, True))
