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


def test_no_previous_turn_or_no_pronoun_is_no_follow_up():
    assert resolve("What is her first name?", None).reader_question == "What is her first name?"
    r = resolve("Where did the meeting take place?", PREV)
    assert not r.is_followup and r.retrieval_query == "Where did the meeting take place?"
