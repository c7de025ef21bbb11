"""reader.counts: a "How many ...?" answer must be a count: tables of questions and answers (SQuAD's
real gold answers among them) and the real pipeline on the fisheries announcement, where the
reader's first span for "How many patrol boats ...?" is a sum of money."""
from __future__ import annotations

import pytest

from statementqa.reader.counts import asks_count, not_a_cost, not_a_count
from tests.press_fixtures import press_pipeline

COUNTS = [  # SQuAD v1.1 train gold answers to "how many" questions, and the press-dev sets' own
    "14", "300 island fisheries officers", "fourteen", "a dozen", "several hundred", "both", "every",
    "a quarter", "twice", "none", "thousands of people", "two or three", "1.5 million", "over 40%",
    "any number", "never", "the majority",
]
NOT_COUNTS = ["$18 million over three years", "$42 million", "£3 billion", "US$ 200", "€5",  # a sum of money
              "the ministers", "patrol boats, radar and training", "Viliame Tora"]  # no number at all


@pytest.mark.parametrize("question,expected", [
    ("How many patrol boats will the United States provide?", True),
    ("Insects can adopt how many gaits?", True),
    ("how many officers will be trained", True),
    ("How much money will the United States provide?", False),
    ("Who is Samoa's fisheries minister?", False),
])
def test_asks_count(question, expected):
    assert asks_count(question) is expected


@pytest.mark.parametrize("answer", COUNTS)
def test_counts(answer):
    assert not not_a_count("How many were there?", answer)


@pytest.mark.parametrize("answer", NOT_COUNTS)
def test_not_counts(answer):
    assert not_a_count("How many patrol boats will there be?", answer)
    assert not not_a_count("What will the United States provide?", answer)  # only a "how many" question


@pytest.mark.parametrize("question", [
    "How many dollars did the United States provide?",  # the question asks for a sum: SQuAD's 4 of 5,099
    "How many millions did the project cost?",
    "How many funds were raised?",
])
def test_money_asked_for(question):
    assert not not_a_count(question, "$18 million")


@pytest.mark.slow
def test_pipeline_abstains_on_a_count_of_money(tmp_path):
    """The reader's span for the boats is "$18 million over three years" (press-dev ku3, confidence
    0.75); its best count is "14" (another sentence) far below the threshold: the question abstains,
    while the question about the money and one about a count the statement gives still answer."""
    pl = press_pipeline(tmp_path / "corpus", tmp_path / "data", "fisheries-compact-2025-08-14")
    ans = pl.ask("How many patrol boats will the United States provide?")
    assert ans.abstained and ans.text == ""
    money = pl.ask("How much money will the United States provide?")
    assert not money.abstained and money.text.startswith("$18 million")
    count = pl.ask("How many fisheries officers will be trained?")
    assert not count.abstained and count.text.startswith("300")


@pytest.mark.parametrize("question, answer, expected", [
    ("How much did the electric locomotives cost?", "7 per cent", True),  # press-dev qru4 (not said)
    ("How much will the repairs cost?", "20%", True),
    ("How much will the repairs cost?", "a new roof", False),             # no number: left alone (reader.echo's answers)
    ("How much will the repairs cost?", "£1.3 million", False),
    ("How much does a day pass cost?", "$8.00", False),
    ("How much does the vaccine cost?", "free of charge", False),
    ("How much did it cost each company for the first season?", "10 million", False),  # SQuAD: a bare amount
    ("What is the fare?", "7 per cent", False),                              # not "How much"
    ("How much of the budget does it cost?", "7 per cent", False),           # a share asked for
    ("How much more does it cost than last year?", "7 per cent", False),     # a comparison
    ("How much did prices decline?", "over 20%", False),                     # a change (SQuAD's gold)
    ("How much did the heaters cost?", "three dirhams", False),
    ("How much does it cost?", "I will not get ahead of the minister", False),
])
def test_not_a_cost(question, answer, expected):
    assert not_a_cost(question, answer) is expected
