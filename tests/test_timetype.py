"""reader.timetype: a "When did/will ...?" answer must be a time: tables of questions and answers
(SQuAD's real gold answers among them, and the known misses of the test), and the real pipeline on
an announcement where the reader's first span for a "When" question is a clause without a time."""
from __future__ import annotations

from pathlib import Path

import pytest

from statementqa.reader.timetype import asks_time, has_time, not_a_time, trailing_adverb

ASKS = [
    ("When did the derailment at Kestrel Junction happen?", True),
    ("When will the final agreement be completed?", True),
    ("Since when has the office been closed?", True),
    ("when was the treaty signed", True),
    # the present often asks for a condition; another wh-word after a "When" clause asks that
    ("When is bypass surgery recommended?", False),
    ("When do birds molt?", False),
    ("When the war ended, who became king?", False),
    ("When did the war end, and what followed?", False),
    ("What happened when the war ended?", False),
    ("Where did the meeting take place?", False),
]

TIMES = [  # SQuAD gold answers to "When did/was ...?" and the statements' own
    "last year", "next month", "1998", "February 20", "the 1970s", "the latter half of his career", "his third birthday",
    "the sixth edition", "daylight", "during the Second World War", "after the war", "the Renaissance", "Christmas",
    "in the production of gametes", "upon his return", "shortly before his death", "two weeks", "the Middle Ages",
    "once the treaty was signed", "the end of the reign", "“next month”",
    "June 8", "Phase 2", "Spring 2020", "World War II", "the July 15 meeting",  # a number with a word of time: still times
]
NOT_TIMES = ["no one was killed", "No one was killed.", "the ministers", "a shared plan against flooding",
             "presence of just about any water",  # SQuAD's gold for "When will ... formation fail?": a known miss
             "The mayors",
             "Route 9", "Item 4", "the Highway 101", "Room No. 204"]  # a name with a number: no time (is_designator)


@pytest.mark.parametrize("question,expected", ASKS)
def test_asks_time(question, expected):
    assert asks_time(question) is expected


@pytest.mark.parametrize("answer", TIMES)
def test_times(answer):
    assert has_time(answer)
    assert not not_a_time("When did it happen?", answer)


@pytest.mark.parametrize("answer", NOT_TIMES)
def test_not_times(answer):
    assert not has_time(answer)
    assert not_a_time("When did it happen?", answer)
    assert not not_a_time("Who was there?", answer)  # only a question that asks for a time


@pytest.mark.parametrize("text, answer, expected", [
    ("had approved the project the evening before.", "the evening", "the evening before"),
    ("It fell two years later, in 1066.", "two years", "two years later"),
    ("It opened ten days ago", "ten days", "ten days ago"),  # the line's end
    ("It opened ten days ago and closed", "ten days", "ten days"),  # more follows: not an adverb of the answer
    ("the day before the war.", "the day", "the day"),  # a preposition, not an adverb
    ("the evening before\nThe next line", "the evening", "the evening before"),
    ("in 1998, later than planned", "in 1998", "in 1998"),  # a comma first
])
def test_trailing_adverb(text, answer, expected):
    a = text.index(answer)
    assert text[a:trailing_adverb(text, a + len(answer))] == expected


RAIL = Path(__file__).resolve().parent.parent / "eval" / "data" / "press-dev" / "corpus" / "rail-safety-review-2023-03-02.txt"


@pytest.mark.slow
def test_pipeline_answers_with_the_time(tmp_path):
    """The reader's first span is "no one was killed" (press-dev r17); its best time span answers."""
    from statementqa.pipeline import Pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / RAIL.name).write_text(RAIL.read_text(encoding="utf-8"), encoding="utf-8")
    pl = Pipeline(corpus=corpus, data_dir=tmp_path / "data")
    ans = pl.ask("When did the derailment at Kestrel Junction happen?")
    assert not ans.abstained and ans.text == "last year"
    doc = pl.index.docs[ans.doc_id].text
    assert doc[ans.start:ans.end] == "last year" and "after last year's derailment" in ans.citations[0].text
    other = pl.ask("How many passengers were injured at Kestrel Junction?")  # a question that is not "When"
    assert not other.abstained and other.text == "fourteen"


TRAM = RAIL.with_name("tram-line-2025-11-20.txt")


@pytest.mark.slow
def test_pipeline_keeps_the_adverb_of_a_time(tmp_path):
    """The reader's span is "the evening" of "... the evening before." (press-dev t17)."""
    from statementqa.pipeline import Pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in (TRAM, TRAM.with_suffix(".meta.json")):
        (corpus / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    pl = Pipeline(corpus=corpus, data_dir=tmp_path / "data")
    ans = pl.ask("When did the city council approve the project?")
    assert not ans.abstained and ans.text == "the evening before"
    assert pl.index.docs[ans.doc_id].text[ans.start:ans.end] == ans.text
    assert len(ans.citations) == 1 and ans.citations[0].start <= ans.start and ans.end <= ans.citations[0].end
