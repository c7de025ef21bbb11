"""reader.tally: half a vote's tally grows to the whole tally, for a question about a vote only:
a table of sentences (SQuAD's real tallies and press-dev's) and questions, and the real pipeline on
press-dev's court ruling and budget notice, where the reader's spans were "four" and "nine"."""
from __future__ import annotations

import pytest

from statementqa.reader.tally import whole_tally
from tests.press_fixtures import press_pipeline


def _grow(question: str, text: str, span: str) -> str:
    a = text.index(span)
    s, e = whole_tally(question, text, a, a + len(span))
    return text[s:e]


@pytest.mark.parametrize("question, text, span, expected", [
    ("By how many votes did the court rule?", "The Supreme Court today ruled, by four votes to three, that ...", "four",
     "four votes to three"),
    ("By how many votes was the budget adopted?", "The council adopted the budget on Tuesday by nine votes to two.",
     "nine", "nine votes to two"),
    ("By how many votes was the budget adopted?", "The council adopted the budget by nine votes to two.",
     "nine votes", "nine votes to two"),
    ("What was the final vote count?", "In a 5-4 vote, the Supreme Court ruled ...", "5", "5-4"),
    ("How did the FCC vote on the deal?", "The FCC approved the deal 4 to 1.", "4", "4 to 1"),
    ("What was the vote on the amendment?", "The motion passed 5–1, with Whitlock voting no.", "5", "5–1"),
    # unchanged: a share of voters, no vote asked about, a span that is not the tally's first number, no tally
    ("What percentage of voters voted against secession?", "It failed by a 54–46% margin.", "54", "54"),
    ("How many judges ruled?", "The court ruled by four votes to three.", "four", "four"),
    ("By how many votes did it pass?", "It passed by four votes to three.", "three", "three"),
    ("By how many votes did it pass?", "It passed with four votes.", "four", "four"),
    ("By how many votes did it pass?", "It passed by 60 to 40 percent.", "60", "60"),
])
def test_whole_tally(question, text, span, expected):
    assert _grow(question, text, span) == expected


@pytest.mark.slow
def test_pipeline_answers_the_whole_tally(tmp_path):
    """press-dev z02 and d02: "four" and "nine" were the answers."""
    pl = press_pipeline(tmp_path / "corpus", tmp_path / "data", "court-ruling-2026-05-28", "city-budget-2027")
    court = pl.ask("By how many votes did the court rule?")
    assert not court.abstained and court.text == "four votes to three", court.text
    budget = pl.ask("By how many votes was the budget adopted?")
    assert not budget.abstained and budget.text == "nine votes to two", budget.text
