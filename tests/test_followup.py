"""Follow-up rewriting (statementqa.followup.resolve): a table of previous turns and questions."""
from __future__ import annotations

import pytest

from statementqa.followup import Turn, resolve

PREV = Turn("Who met the ministers in San Salvador?", "Secretary of Homeland Security Kirstjen M. Nielsen")


@pytest.mark.parametrize("question, rewritten", [
    ("What is her first name?", "What is Nielsen's first name?"),  # possessive "her"
    ("Whom did she thank for her counterparts' help?", "Whom did Nielsen thank for Nielsen's counterparts' help?"),
    ("Did Mexico thank her?", "Did Mexico thank Nielsen?"),  # object "her": at the end
    ("Did the ministers meet her in El Salvador?", "Did the ministers meet Nielsen in El Salvador?"),  # before "in"
    ("Where did she meet them?", "Where did Nielsen meet Secretary of Homeland Security Kirstjen M. Nielsen?"),
    ("What is his title?", "What is Nielsen's title?"),
])
def test_pronouns_are_replaced(question, rewritten):
    r = resolve(question, PREV)
    assert r.is_followup and r.reader_question == rewritten
    assert r.retrieval_query.startswith(rewritten) and PREV.question in r.retrieval_query


@pytest.mark.parametrize("previous, question, rewritten", [
    # the one who did it is the answer; the one a "Who did X ..." question names is X, its first name
    (Turn("Who met the ministers in San Salvador?", "Kirstjen Nielsen"), "What did she sign?",
     "What did Kirstjen Nielsen sign?"),
    (Turn("Who did Nielsen meet in Lisbon?", "President Rebelo"), "What did she sign?", "What did Nielsen sign?"),
    (Turn("Who runs the Department of Energy?", "Secretary Jennifer Granholm"), "When did she take office?",
     "When did Jennifer Granholm take office?"),
    (Turn("What did the Department of Energy announce on Monday?", "a grant"), "When will she decide?",
     "When will she decide?"),  # no person's name: the pronoun stays
])
def test_which_name_a_pronoun_takes(previous, question, rewritten):
    assert resolve(question, previous).reader_question == rewritten


def test_no_previous_turn_or_no_pronoun_is_no_follow_up():
    assert resolve("What is her first name?", None).reader_question == "What is her first name?"
    r = resolve("Where did the meeting take place?", PREV)
    assert not r.is_followup and r.retrieval_query == "Where did the meeting take place?"


@pytest.mark.parametrize("previous, question, rewritten", [
    (Turn("What did Harrow Civil Engineering rebuild?", "the Millford Viaduct"), "When?",
     "When did Harrow Civil Engineering rebuild?"),  # the new question word before the auxiliary
    (Turn("When will the bridge close?", "1 March 2026"), "For how long?", "For how long will the bridge close?"),
    (Turn("Where did Nielsen meet the ministers?", "San Salvador"), "And why?", "Why did Nielsen meet the ministers?"),
    (Turn("When will the bridge close?", "2026"), "how long exactly", "How long will the bridge close?"),
    (Turn("Who won the contract?", "Harrow Civil Engineering"), "When?",
     "When Harrow Civil Engineering won the contract?"),  # the question word was the subject: the answer takes its place
    (Turn("Which company won the contract?", "Harrow"), "Where?", "Where Harrow won the contract?"),
])
def test_a_bare_question_word_asks_the_previous_question_again(previous, question, rewritten):
    r = resolve(question, previous)
    assert r.is_followup and r.reader_question == rewritten
    assert r.retrieval_query.startswith(rewritten) and previous.question in r.retrieval_query


@pytest.mark.parametrize("previous, question", [
    (Turn("When will the bridge close?", "2026"), "When will it reopen?"),  # more than a question word
    (Turn("The bridge", ""), "When?"),  # no question to reuse
    (Turn("Who won the contract?", ""), "When?"),  # a subject question without its answer
])
def test_what_is_not_asked_again(previous, question):
    r = resolve(question, previous)
    assert r.reader_question == question


@pytest.mark.slow
def test_when_after_where_on_the_statement(pipeline):
    first = pipeline.ask("Where did Nielsen meet the ministers?")
    ans = pipeline.ask("When?", history=[Turn("Where did Nielsen meet the ministers?", first.text)])
    assert not ans.abstained and ans.text == "February 20", (ans.text, ans.confidence)
    assert "When did Nielsen meet the ministers?" in (ans.interpreted_as or "")


@pytest.mark.parametrize("previous, question, rewritten", [
    (Turn("What did Nielsen say about smugglers?", "x"), "And about caravans?", "What did Nielsen say about caravans?"),
    (Turn("What did Nielsen say about smugglers?", "x"), "what about the children", "What did Nielsen say about the children?"),
    (Turn("What did Nielsen say about smugglers?", ""), "How about Mexico?", "What did Nielsen say about Mexico?"),
    (Turn("What does the report say regarding fares?", "x"), "And about parking?",
     "What does the report say regarding parking?"),
])
def test_and_about_asks_the_previous_question_about_the_new_topic(previous, question, rewritten):
    r = resolve(question, previous)
    assert r.is_followup and r.reader_question == rewritten
    assert r.retrieval_query.startswith(rewritten) and previous.question in r.retrieval_query


@pytest.mark.parametrize("previous, question", [
    (Turn("When will the tram open?", "March"), "What about the bridge?"),   # nothing "about" to replace
    (Turn("What did Nielsen say about smugglers?", "x"), "What about caravans was mentioned?"),  # more than a topic
])
def test_about_is_not_asked_again(previous, question):
    assert resolve(question, previous).reader_question == question


@pytest.mark.slow
def test_and_about_after_what_someone_said(pipeline):
    """The chat's follow-up to a quotation answer: the new topic's quoted sentence (reader.saidabout)."""
    first = pipeline.ask("What did Nielsen say about smugglers?")
    ans = pipeline.ask("And about caravans?", history=[Turn("What did Nielsen say about smugglers?", first.text)])
    assert ans.interpreted_as == "What did Nielsen say about caravans?"
    assert not ans.abstained and "movement of caravans" in ans.text
