"""reader.change: "A from B" after "rose to" cut to the new value, as a table of questions x texts,
and the pipeline on press-dev's quarterly results ("Operating profit rose to £46 million from £39
million.")."""
from __future__ import annotations

import pytest

from statementqa.reader.change import new_value

TEXT = "Operating profit rose to £46 million from £39 million. Sales fell to 9,800 from 12,000 units."


@pytest.mark.parametrize("question, span, expected", [
    ("What was the operating profit?", "£46 million from £39 million", "£46 million"),
    ("How many units were sold?", "9,800 from 12,000 units", "9,800"),
    ("What was the operating profit?", "£46 million from £39 million.", "£46 million"),
    ("What was the operating profit before?", "£46 million from £39 million", None),  # the earlier value asked for
    ("From what did operating profit rise?", "£46 million from £39 million", None),
    ("What was the operating profit last year?", "£46 million from £39 million", None),
    ("What was the operating profit?", "£46 million", None),                           # no "from": unchanged
    ("What was the operating profit?", "profit rose to £46 million", None),
])
def test_new_value(question, span, expected):
    text = TEXT if span in TEXT else span
    a = text.index(span)
    got = new_value(question, text, a, a + len(span))
    assert text[got[0]:got[1]] == (span if expected is None else expected)


def test_needs_to_before_it():
    text = "Prices went from £46 million from £39 million."  # no "to" before the span: left alone
    a = text.index("£46")
    assert new_value("What were prices?", text, a, len(text) - 1) == (a, len(text) - 1)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from tests.press_fixtures import press_pipeline

    return press_pipeline(tmp_path_factory.mktemp("q3"), tmp_path_factory.mktemp("q3-data"), "quarterly-results-2026-10-29")


@pytest.mark.slow
def test_pipeline_answers_the_new_value(results):
    ans = results.ask("What was the operating profit?")  # was "£46 million from £39 million"
    assert not ans.abstained and ans.text == "£46 million"
    ans = results.ask("How much did the electric locomotives cost?")  # not said; was "7 per cent" (reader.counts)
    assert ans.abstained
