"""reader.ranges: a time range cut to its start or end for "When does it start/end?": a table of
questions x answers (the two SQuAD held-out cases it changes among them), an offsets property, and
the real pipeline on an announcement whose campaign "will run from October 14 to December 20".
The other way (``whole_range``): one end grown to the whole range for "What are the opening hours?",
a table over texts, offsets and the pipeline on the clinic announcement ("from 7:30 a.m. to 9 p.m.")."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statementqa.reader.listpick import INTRODUCES_LIST
from statementqa.reader.ranges import asks_end, asks_stretch, range_part, whole_range
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
    ("When does the amber warning come into force?", "6am on Saturday 21 November until 9pm the same day",
     "6am on Saturday 21 November"),  # a warning's (a rule's) start
    ("When did the new rules take effect?", "1 January to 31 March", "1 January"),
    # not asked for one end, or no range of times
    ("When does the campaign run?", "October 14 to December 20", None),
    ("When does it start and end?", "October 14 to December 20", None),
    ("When is the office open?", "9 a.m. to 5 p.m.", None),  # "open" asks for the hours
    ("When does the scheme start?", "April 1", None),
    ("When do symptoms start?", "7 to 21 days after", None),  # the measles update: one stretch, "7" has no unit
    ("When does it start?", "5 to 7 p.m.", None),
    ("When did the war end?", "2024-10-07", None),  # an ISO date, not a range of years
    ("When does the trip start?", "from London to Paris", None),  # places, not times
    # a "Where" question: a range of named places (the security alert's march)
    ("Where will the march start?", "University of Veranda to Independence Square", "University of Veranda"),
    ("Where will the march end?", "from the University of Veranda to Independence Square", "Independence Square"),
    ("Where does the trip start?", "from London to Paris", "London"),
    ("Where will the march start?", "the university to the square", None),  # no named places
    ("Where will the march start?", "March 7 to March 8", None),  # times, not places
    ("Where will the march start?", "9 a.m. to noon", None),
    ("Where is the march?", "University of Veranda to Independence Square", None),  # no end asked for
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


CLINIC_TEXT = ("The centre on Elm Road will open from 7:30 a.m. to 9 p.m. on weekdays, instead of 8 a.m. to 6 p.m., "
               "and from 9 a.m. to 1 p.m. on Saturdays.")
MENZIES = "Robert Menzies served as Prime Minister from 1939 to 1941 and again from 1949 to 1966."
FAIR = "The fair runs between May 3 and May 9 each year, with 12 stands and 40 years of history."
OFFICE = "The office is open on Monday and Tuesday, and 2019 and 2020 were record years."

WHOLE = [
    ("What will the opening hours be on weekdays?", CLINIC_TEXT, "9 p.m.", "7:30 a.m. to 9 p.m."),
    ("What will the opening hours be on weekdays?", CLINIC_TEXT, "7:30 a.m.", "7:30 a.m. to 9 p.m."),
    ("What are the opening hours on Saturdays?", CLINIC_TEXT, "1 p.m.", "9 a.m. to 1 p.m."),
    ("What years did Robert Menzies serve as Prime Minister?", MENZIES, "1941", "1939 to 1941"),
    ("During what years did Menzies serve again?", MENZIES, "1949", "1949 to 1966"),
    ("What are the dates of the fair?", FAIR, "May 9", "May 3 and May 9"),
    ("What are the dates of the fair?", FAIR, "May 3", "May 3 and May 9"),
    ("What was the time span of his first term?", MENZIES, "1939", "1939 to 1941"),
    # left alone: an end asked for, no stretch asked for, no range, a count of years, "and" without "between"
    ("When will the centre close on weekdays?", CLINIC_TEXT, "9 p.m.", "9 p.m."),
    ("The period began in 1939 and ended in what year?", MENZIES, "1941", "1941"),
    ("Until when did Menzies serve?", MENZIES, "1966", "1966"),
    ("For how many years has the fair run?", FAIR, "40 years", "40 years"),
    ("What are the office hours?", OFFICE, "Tuesday", "Tuesday"),
    ("What years were record years?", OFFICE, "2020", "2020"),
    ("What years did Robert Menzies serve as Prime Minister?", MENZIES, "1939 to 1941", "1939 to 1941"),
    ("Who served as Prime Minister in those years?", MENZIES, "Robert Menzies", "Robert Menzies"),
]


@pytest.mark.parametrize("question,text,span,expected", WHOLE)
def test_whole_range_table(question, text, span, expected):
    start = text.index(span)
    a, b = whole_range(question, text, start, start + len(span))
    assert text[a:b] == expected


def test_asks_stretch():
    assert asks_stretch("What will the opening hours be on weekdays?")
    assert asks_stretch("During what years did Chopin study in Warsaw?")
    assert not asks_stretch("When does the campaign start?")
    assert not asks_stretch("What are the hours, and when do they end?")  # names an end
    assert not asks_stretch("When will the centre close?")


@given(st.text(alphabet="ab19 :apm.tofrMay-–\n", max_size=40), st.data())
def test_whole_range_keeps_the_span_and_grows_only_outward(text, data):
    if not text:
        return
    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a + 1, len(text)))
    x, y = whole_range("What are the opening hours?", text, a, b)
    assert 0 <= x <= a < b <= y <= len(text)


@pytest.mark.slow
def test_pipeline_gives_the_whole_opening_hours(tmp_path):
    """The reader's span for the weekday hours was "9 p.m.", the end of "from 7:30 a.m. to 9 p.m."."""
    from tests.press_fixtures import press_pipeline

    pipe = press_pipeline(tmp_path / "corpus", tmp_path / "data", "clinic-hours-2026-03-02")
    ans = pipe.ask("What will the opening hours be on weekdays?")
    assert not ans.abstained and ans.text == "7:30 a.m. to 9 p.m."
    assert pipe.index.docs[ans.doc_id].text[ans.start:ans.end] == ans.text
    assert ans.citations[0].text.startswith("The centre on Elm Road will open from 7:30 a.m. to 9 p.m. on weekdays")
    assert pipe.ask("When will the centre close on weekdays?").text != "7:30 a.m. to 9 p.m."
