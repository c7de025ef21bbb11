"""reader.dateline: a dateline dates the document, not the events it tells of: the datelines of the
press-dev documents (and lines that are none) as a table, the question kinds, and the real
pipeline on the budget notice and the interview, whose datelines were the reader's first spans."""
from __future__ import annotations

import datetime as dt

import pytest

from statementqa.reader.dateline import is_dateline, not_from_dateline
from tests.press_fixtures import press_pipeline

D = dt.date


@pytest.mark.parametrize("sentence, written, expected", [
    ("*Riverton City Council, 9 December 2026*", D(2026, 12, 9), True),
    ("28 May 2026", D(2026, 5, 28), True),
    ("August 14, 2025", D(2025, 8, 14), True),
    ("*Published by the National Statistics Office, 2 October 2026*", D(2026, 10, 2), True),
    ("Press release, 11  September 2025.", D(2025, 9, 11), True),
    ("Issued by the Harbour Master, Port of Greywater, on 2 April 2026.", D(2026, 4, 2), True),
    ("U.S. Embassy Caldera City, Republic of Veranda, March 5, 2025", D(2025, 3, 5), True),
    ("28 May 2026", None, False),  # without the document's day nothing is a dateline
    ("28 May 2026", D(2026, 5, 29), False),  # another day: a date in the text
    ("On 14 May 2028.", D(2026, 10, 2), False),  # an interview's answer, not its day
    ("Harlow Springs City Council - Minutes of the regular meeting of June 17, 2025", D(2025, 6, 17), False),
    ("U.S. Department of Homeland Security issued the following announcement on Feb. 21.", D(2019, 2, 21), False),
    ("The Supreme Court today ruled, by four votes to three, that ...", D(2026, 5, 28), False),  # no date
    ("The city council adopted the budget on 9 December 2026.", D(2026, 12, 9), False),  # a sentence
])
def test_is_dateline(sentence, written, expected):
    assert is_dateline(sentence, written) is expected


BUDGET = "*Riverton City Council, 9 December 2026*"


@pytest.mark.parametrize("question, expected", [
    ("When did the council adopt the budget?", True),
    ("When did Hanna Lund become Chief Statistician?", True),
    ("When was the notice issued?", False),  # the dateline answers when the document came out
    ("When was the budget notice published?", False),
    ("What date is the release dated?", False),
    ("Who adopted the budget?", False),  # not a "When" question
])
def test_not_from_dateline(question, expected):
    assert not_from_dateline(question, [BUDGET], D(2026, 12, 9)) is expected


def test_an_answer_that_also_covers_a_sentence_is_kept():
    assert not not_from_dateline("When did the council adopt the budget?",
                                 [BUDGET, "The city council adopted the 2027 budget on Tuesday."], D(2026, 12, 9))
    assert not not_from_dateline("When did the council adopt the budget?", [], D(2026, 12, 9))


@pytest.mark.slow
def test_pipeline_answers_from_the_text_not_the_dateline(tmp_path):
    """press-dev d01 and i01: the reader's first spans were the notice's and the interview's days."""
    pl = press_pipeline(tmp_path / "corpus", tmp_path / "data", "city-budget-2027",
                        "interview-chief-statistician-2026-10-02")
    adopted = pl.ask("When did the council adopt the budget?")
    assert not adopted.abstained and adopted.text in ("Tuesday", "on Tuesday"), adopted.text
    became = pl.ask("When did Hanna Lund become Chief Statistician?")
    assert became.text != "2 October 2026", became.text
    published = pl.ask("When was the interview published?")
    assert not published.abstained and published.text == "2 October 2026", published.text
