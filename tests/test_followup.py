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
