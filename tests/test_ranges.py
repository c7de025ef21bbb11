"""reader.ranges: a time range cut to its start or end for "When does it start/end?": a table of
questions x answers (the two SQuAD held-out cases it changes among them), an offsets property, and
the real pipeline on an announcement whose campaign "will run from October 14 to December 20"."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statementqa.reader.listpick import INTRODUCES_LIST
from statementqa.reader.ranges import asks_end, range_part
from statementqa.render import headline, how_words

CASES = [
    ("When does the campaign start?", "October 14 to December 20", "October 14"),
    ("When will the campaign end?", "October 14 to December 20", "December 20"),
    ("When does it begin?", "from 8 a.m. until 6 p.m.", "8 a.m."),
    ("Until when can residents comment?", "between May 14 and June 30", "June 30"),
    ("When did the Jin dynasty begin?", "1115–1234", "1115"),  # SQuAD held-out, gold "1115"
    ("When did the war end?", "1754–1763", "1763"),
    ("When did the war end?", "1754-1763", "1763"),
    ("What was the last day of the review?", "Monday to Friday.", "Friday"),
    # not asked for one end, or no range of times
    ("When does the campaign run?", "October 14 to December 20", None),
    ("When does it start and end?", "October 14 to December 20", None),
    ("When is the office open?", "9 a.m. to 5 p.m.", None),  # "open" asks for the hours
    ("When does the scheme start?", "April 1", None),
    ("When did the war end?", "2024-10-07", None),  # an ISO date, not a range of years
    ("When does the trip start?", "from London to Paris", None),  # places, not times
    ("When does it start?", "May 1 to May 5 and June 1 to June 5", None),  # two ranges
]


@pytest.mark.parametrize("question,answer,expected", CASES)
def test_range_table(question, answer, expected):
    got = range_part(question, answer)
    assert (answer[got[0]:got[1]] if got else None) == expected


def test_asks_end():
    assert asks_end("When does the campaign start?") == "start"
    assert asks_end("When is the deadline?") == "end"
    assert asks_end("When does it start and when does it end?") is None
    assert asks_end("Who started it?") == "start"  # the caller only cuts time ranges


@given(st.sampled_from(["When does it start?", "When does it end?"]),
       st.text(alphabet="ab12 -–to\n\t", max_size=30))
def test_offsets_inside_the_answer(question, answer):
    got = range_part(question, answer)
    if got is not None:
        a, b = got
        assert 0 <= a < b <= len(answer) and answer[a:b].strip() == answer[a:b]


HEALTH = Path(__file__).resolve().parent.parent / "eval" / "data" / "press-dev" / "corpus" / "health-campaign-2024-10-07.txt"


@pytest.fixture(scope="module")
def health(tmp_path_factory):
    """A pipeline over the vaccination announcement alone (a range of days, a list of places)."""
    from statementqa.pipeline import Pipeline

    corpus = tmp_path_factory.mktemp("health-corpus")
    (corpus / HEALTH.name).write_text(HEALTH.read_text(encoding="utf-8"), encoding="utf-8")
    meta = HEALTH.with_suffix(".meta.json")
    (corpus / meta.name).write_text(meta.read_text(encoding="utf-8"), encoding="utf-8")
    return Pipeline(corpus=corpus, data_dir=tmp_path_factory.mktemp("health-data"))


@pytest.mark.slow
@pytest.mark.parametrize("question, expect", [
    ("When does the campaign start?", "October 14"),
    ("When will the campaign end?", "December 20"),
    ("How long will the campaign run?", "from October 14 to December 20"),  # the range itself
])
def test_pipeline_answers_the_end_asked_for(health, question, expect):
    ans = health.ask(question)
    assert not ans.abstained and ans.text == expect
    doc = health.index.docs[ans.doc_id].text
    assert doc[ans.start:ans.end] == ans.text and "will run from October 14 to December 20" in ans.citations[0].text


@pytest.mark.slow
def test_pipeline_lists_the_places_an_answer_introduces(health):
    """"in three places" is what the sentence says; the places are what was asked."""
    ans = health.ask("Where will vaccines be offered?")
    assert ans.text.startswith("in three places:\n- Family doctors' practices") and ans.text.endswith("rural villages")
    assert [c.text for c in ans.citations] == ["Vaccines will be offered in three places:", "Family doctors' practices",
                                               "Pharmacies taking part in the scheme",
                                               "Mobile clinics visiting rural villages"]
    assert ans.how == INTRODUCES_LIST
    assert headline(ans) == ("in three places: Family doctors' practices; Pharmacies taking part in the scheme; "
                             "Mobile clinics visiting rural villages")
    assert how_words(ans) == "the answer leads into a list: its items follow it"


@pytest.mark.slow
def test_pipeline_does_not_answer_across_list_items(health):
    """The reader's best span for a question the text does not answer was "scheme\\n- Mobile clinics"
    (the end of one bullet and the start of the next)."""
    ans = health.ask("Which pharmacies take part?")
    assert "\n" not in ans.text and "\n" not in (ans.candidate or "")


@pytest.mark.slow
def test_the_day_of_the_announcement_is_no_answer_about_what_will_happen(health):
    """"October 7" is the day the ministry announced the campaign (the document's date), not when the
    minister will report."""
    ans = health.ask("When will the minister report on the campaign?")
    assert "October 7" not in ans.text
