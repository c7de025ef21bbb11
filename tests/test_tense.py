"""A time answer agrees with the question's tense (reader.tense): the rule as a table, the
reader's alternative spans (exact, against a scan of every span), answer assembly falling back on
them, and the shipped reader on the statement; place questions dated by their clause (the shipped
reader on eval/data/press-dev); no answer from inside a question of the document (an FAQ)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.reader.assemble import assemble
from statementqa.reader.model import ReadOut, Span, _read_out
from statementqa.reader.tense import (
    answer_tense,
    asks_place,
    clashes,
    clause_before,
    clause_tense,
    document_date,
    question_tense,
    sentence_lean,
)

CAL = {"a": 1.0, "b": 0.0, "threshold": 0.5}


@pytest.mark.parametrize("question, tense", [
    ("When will the compact be finalized?", "future"),
    ("When is the agreement expected to be signed?", "future"),
    ("By when are the ministers going to meet?", "future"),
    ("What year will the bridge open?", "future"),
    ("When'll it end?", "future"),
    ("When did Nielsen call for a compact?", "past"),
    ("When was the final agreement signed?", "past"),
    ("What year did the war end?", "past"),
    ("When is the meeting?", None),  # present: could be either
    ("Who will chair the meetings?", None),  # not a time question
    ("What did they agree to do next month?", None),
    ("When was the meeting going to be held?", "future"),  # a future marker wins over "was"
    ("Where did the meeting take place?", "past"),  # a place question: the answer's clause is dated
    ("Where was the meeting held?", "past"),
    ("In which city did they meet?", "past"),
    ("Where will the public hearing be held?", "future"),
    ("Where is the meeting?", None),
    ("Where are the ministers from?", None),
    ("What did they discuss where the meeting was held?", None),  # not a place question
    ("Was the final agreement signed the following month?", "past"),  # yes/no: dated by the answer's sentence
    ("Did the mayors sign the Letter of Intent in Hollow Bay?", "past"),
    ("Will the ministers meet again in Suva?", "future"),
    ("Was it going to be signed in March?", "future"),
    ("Is the scheme free?", None),
    ("Can I get a refund?", None),
])
def test_question_tense(question, tense):
    assert question_tense(question) == tense


@pytest.mark.parametrize("answer, tense", [
    ("last summer", "past"),
    ("two years ago", "past"),
    ("yesterday", "past"),
    ("last Monday", "past"),
    ("the last week of June", None),  # an ordinal, not "last" as in past
    ("next month", "future"),
    ("the coming weeks", "future"),
    ("tomorrow", "future"),
    ("later this year", "future"),
    ("the next day", None),  # a narrative's relative time
    ("February 20", None),
    ("in 1998", None),
    ("last year and next year", None),  # both: no verdict
])
def test_answer_tense(answer, tense):
    assert answer_tense(answer) == tense


@pytest.mark.parametrize("question, answer, clash", [
    ("When will the compact be finalized?", "last summer", True),
    ("When will the compact be finalized?", "next month", False),
    ("When was the final agreement signed?", "next month", True),
    ("When did Mexico agree to join?", "last summer", False),
    ("When will the bridge open?", "in 2030", False),  # a date: its side of now is unknown
    ("What will happen next month?", "last summer", False),  # not a time question
])
def test_clashes(question, answer, clash):
    assert clashes(question, answer) is clash


AGREED = ("Ministers agreed to complete the final agreement next month and to engage in regular meetings—at the "
          "senior and working levels—to help ensure these efforts commence quickly and are effectively executed and sustained.")
MET = "On February 20, Secretary of Homeland Security Kirstjen M. Nielsen met Northern Triangle security ministers in San Salvador."


@pytest.mark.parametrize("question, sentence, clash", [
    ("Was the final agreement signed the following month?", AGREED, True),  # team u04: the sentence tells of what is to come
    ("Will the final agreement be completed next month?", AGREED, False),
    ("Did Nielsen meet the ministers in San Salvador?", MET, False),
    ("Will Nielsen meet the ministers in San Salvador?", MET, True),
    ("Did the ministers agree to meet?", "They met in Quito and will meet again in Lima.", False),  # both: no verdict
    ("Is the agreement final?", AGREED, False),  # present: either side
])
def test_a_yes_no_question_is_dated_by_its_answer_sentence(question, sentence, clash):
    assert clashes(question, sentence, WRITTEN) is clash


WRITTEN = document_date({"date": "2019-02-21"})
MAY_2021 = document_date({"date": "2021-05-14"})


@pytest.mark.parametrize("clause, written, tense", [
    ("The first meeting of the joint authority is planned for September in Hollow Bay", None, "future"),
    ("A public hearing on the review will be held in Carlton", None, "future"),
    ("The ministers are scheduled to meet in Lima", None, "future"),
    ("On February 20, Secretary Nielsen met Northern Triangle security ministers in San Salvador", None, "past"),
    ("The summit was held in Geneva", None, "past"),
    ("They met in Quito and will meet again in Lima", None, None),  # both: no verdict
    ("The towns lie on the northern coast", None, None),
    ("The next round of talks opens in September in Hollow Bay", MAY_2021, "future"),  # dated by the document
    ("The talks opened in March in Hollow Bay", MAY_2021, "past"),
    ("The talks opened in March in Hollow Bay", None, None),
])
def test_clause_tense(clause, written, tense):
    assert clause_tense(clause, written) == tense


def test_clause_before_starts_at_the_sentence_or_its_last_semicolon():
    text = "Intro. They met in Quito; the next meeting will be held in Lima. End."
    s = text.index("They")
    a = text.index("Lima")
    assert clause_before(text, s, a, a + 4) == " the next meeting will be held in Lima"
    a = text.index("Quito")
    assert clause_before(text, s, a, a + 5) == "They met in Quito"
    assert asks_place("Where did they meet?") and asks_place("In which town was it held?")
    assert not asks_place("When did they meet?")
    assert clashes("Where did the meeting take place?", " the next meeting will be held in Lima")
    assert not clashes("Where will the next meeting be held?", " the next meeting will be held in Lima")
    assert not clashes("Where is the next meeting?", " the next meeting will be held in Lima")


@pytest.mark.parametrize("answer, tense", [
    ("February 20", "past"),  # the year nearest the document's day: the day before it
    ("Feb. 20, 2019", "past"),
    ("on February 21", "today"),  # the day it was written
    ("Feb. 21, 2019", "today"),
    ("February 21 to March 3", None),  # one of each
    ("20 February 2020", "future"),
    ("in 2018", "past"),
    ("2019", None),  # same year: no verdict at that precision
    ("in February", None),
    ("March 2019", "future"),
    ("Sept. 5", None),  # five and a half months back or six and a half ahead: either year
    ("December 20", "past"),  # two months back rather than ten ahead
    ("in April", "future"),
    ("in 1998 and 1999", "past"),
    ("between 2017 and 2020", None),  # one of each
    ("May", None),  # alone, as likely the verb
    ("may 3", None),
    ("the Mayor", None),
    ("the Marches of Wales", None),
    ("march on", None),  # a month is written with a capital
    ("last summer", "past"),  # relative words decide as before
    ("next month, on February 20", "future"),
])
def test_answer_tense_against_the_day_the_document_was_written(answer, tense):
    assert answer_tense(answer, WRITTEN) == tense


@pytest.mark.parametrize("answer, written, tense", [
    ("in January", dt.date(2024, 10, 7), "future"),  # "will report ... to parliament in January" (press-dev v18)
    ("December 20", dt.date(2024, 10, 7), "future"),
    ("October 14", dt.date(2024, 10, 7), "future"),
    ("in October", dt.date(2024, 10, 7), None),
    ("in July", dt.date(2024, 1, 10), None),  # six months either way
    ("February 29", dt.date(2024, 3, 1), "past"),  # a leap day; other years have none
    ("January 5", dt.date(2020, 12, 30), "future"),  # across the new year
])
def test_a_date_without_a_year_takes_the_year_nearest_the_document(answer, written, tense):
    assert answer_tense(answer, written) == tense


@pytest.mark.parametrize("meta, day", [
    ({"date": "2019-02-21"}, (2019, 2, 21)),
    ({"date": "2019-02-21T10:00:00"}, (2019, 2, 21)),
    ({"date": "February 2019"}, None),
    ({}, None),
    (None, None),
])
def test_document_date(meta, day):
    got = document_date(meta)
    assert (got.year, got.month, got.day) == day if day else got is None


def test_dates_clash_only_when_the_document_says_when_it_was_written():
    q = "When will they finalize the compact?"
    assert clashes(q, "February 20", WRITTEN) and not clashes(q, "February 20")
    assert clashes("When did they meet?", "March 2019", WRITTEN)
    assert not clashes("When did they meet?", "February 20", WRITTEN)
    # the day the document was written: what was done that day, not what is still to come
    assert clashes(q, "on February 21", WRITTEN) and not clashes("When was it signed?", "on February 21", WRITTEN)
    assert not clashes("When was it announced?", "Feb. 21", WRITTEN)


@pytest.mark.parametrize("sentence, lean", [
    ("The board will review the new hours in October and publish the results by the end of the year.", "future"),
    ("On February 20, Secretary Nielsen met Northern Triangle security ministers in San Salvador.", "past"),
    ("The hearing was held in May and the next one will be held in June.", None),  # both
    ("The scheme starts on April 1.", None),  # neither
])
def test_sentence_lean(sentence, lean):
    assert sentence_lean(sentence) == lean


MARCH_2 = dt.date(2026, 3, 2)
REVIEW = "The board will review the new hours in October and publish the results by the end of the year."


@pytest.mark.parametrize("question, answer, sentence, written, clash", [
    # October 2025 is nearer to 2 March 2026 than October 2026, but the sentence says "will": October 2026
    ("When will the board review the new hours?", "in October", REVIEW, MARCH_2, False),
    ("When will the board review the new hours?", "in October", "", MARCH_2, True),  # no sentence: the nearest
    ("When did the board review the hours?", "in October", REVIEW, MARCH_2, True),
    # the sentence's lean does not outvote an answer's own year or relative word
    ("When will the board review the new hours?", "October 2025", REVIEW, MARCH_2, True),
    ("When will the board review the new hours?", "last October", REVIEW, MARCH_2, True),
    # past lean: "met ... on February 20" in a text of 21 February is the day before, at any distance
    ("When will they meet?", "February 20", "On February 20, the ministers met in San Salvador.", WRITTEN, True),
    ("When will they meet?", "March 5", "On March 5, the ministers met in San Salvador.", WRITTEN, True),
    ("When did they meet?", "March 5", "On March 5, the ministers met in San Salvador.", WRITTEN, False),
    # future lean, the same month and day as the text: that very day, done, not to come
    ("When will it be signed?", "February 21", "The compact will be signed on February 21.", WRITTEN, True),
    # future lean in the same month, at month precision: neither side
    ("When did the works start?", "in March", "The works will start in March.", MARCH_2, False),
])
def test_a_date_without_a_year_lies_where_its_sentence_puts_it(question, answer, sentence, written, clash):
    assert clashes(question, answer, written, sentence) is clash


class _Enc:
    """The parts of an encoding ``_read_out`` reads: one feature of ``n`` tokens, all passage."""

    def __init__(self, n: int):
        self.mapping = [0]
        self.offsets = [[(3 * t, 3 * t + 2) for t in range(n)]]
        self.sequence_ids = [[None] + [1] * (n - 1)]  # token 0 is [CLS]


@settings(max_examples=40, deadline=None)
@given(st.integers(4, 24), st.integers(1, 8), st.integers(0, 2**31 - 1))
def test_alternatives_are_the_best_non_overlapping_spans(n, max_tokens, seed):
    rng = np.random.default_rng(seed)
    S, E = rng.normal(size=(1, n)), rng.normal(size=(1, n))
    out = _read_out(S, E, _Enc(n), [0], max_tokens, alternatives=3)
    taken = out.spans + out.alternatives
    assert len(out.spans) == 1 and len(out.alternatives) <= 3
    assert [s.score for s in out.alternatives] == sorted((s.score for s in out.alternatives), reverse=True)
    # Reference: greedy over every span [i, j] (1 <= i <= j, shorter than max_tokens), by a plain scan.
    spans = sorted(((S[0, i] + E[0, j], i, j) for i in range(1, n) for j in range(i, min(n, i + max_tokens))), reverse=True)
    ref: list[tuple[int, int]] = []
    for _, i, j in spans:
        if all(j < a or i > b for a, b in ref) and len(ref) < 4:
            ref.append((i, j))
    got = [(s.start // 3, (s.end - 2) // 3) for s in taken]
    assert got[0] == ref[0] and sorted(got) == sorted(ref)
    for s in taken:
        assert s.null_score == pytest.approx(S[0, 0] + E[0, 0])


@pytest.fixture(scope="module")
def idx(pipeline):
    return pipeline.index


def _out(idx, best: str, alternatives: list[str], diff: float = 4.0) -> tuple[list, ReadOut]:
    """A ReadOut over the passage holding the last sentence: ``best`` then ``alternatives``
    (exact substrings of the statement), scores falling from ``diff``."""
    doc_id = idx.sentences[0].doc_id
    text = idx.docs[doc_id].text
    p = next(p for p in idx.passages if "next month" in p.text and "last summer" in p.text)

    def span(s: str, score: float) -> Span:
        a = p.text.index(s)
        return Span(0, a, a + len(s), score, 0.0)

    assert text[p.start : p.end] == p.text
    return [p], ReadOut([span(best, diff)], [span(s, diff - 1 - i) for i, s in enumerate(alternatives)])


def test_assembly_falls_back_on_a_span_that_agrees(idx):
    passages, out = _out(idx, "last summer", ["next month"])
    ans = assemble("When will the final agreement be completed?", passages, out, idx, CAL)
    assert ans.text == "next month" and not ans.abstained
    assert ans.confidence == pytest.approx(1 / (1 + np.exp(-3.0)))  # the alternative's own score
    assert "next month" in ans.citations[0].text


def test_assembly_abstains_when_no_span_agrees(idx):
    passages, out = _out(idx, "next month", ["at the senior and working levels"])
    ans = assemble("When was the final agreement signed?", passages, out, idx, CAL)
    # no relative time word: it does not clash; it starts with "at", which reader.timetype lets pass
    # (it cannot tell "at the senior levels" from "at noon")
    assert ans.text == "at the senior and working levels"
    passages, out = _out(idx, "next month", ["complete the final agreement"])
    ans = assemble("When was the final agreement signed?", passages, out, idx, CAL)
    assert ans.abstained and ans.candidate == "next month"  # no time in it: no answer to "When" (reader.timetype)
    passages, out = _out(idx, "next month", [])
    ans = assemble("When was the final agreement signed?", passages, out, idx, CAL)
    assert ans.abstained and not ans.citations and ans.candidate == "next month"


def test_assembly_keeps_the_best_span_when_the_question_has_no_tense(idx):
    passages, out = _out(idx, "last summer", ["next month"])
    assert assemble("When is the compact due?", passages, out, idx, CAL).text == "last summer"
    assert assemble("When did she call for a compact?", passages, out, idx, CAL).text == "last summer"


@pytest.mark.slow
@pytest.mark.parametrize("question, expect", [
    ("When will the compact be finalized?", "next month"),  # the reader's best span: "last summer"
    ("When will the final agreement be completed?", "next month"),
    ("When will they finalize the compact?", "next month"),  # the reader's best span: "summer" (of "last summer")
    ("When did Nielsen call for a compact?", "last summer"),
])
def test_shipped_reader_answers_in_tense(pipeline, question, expect):
    ans = pipeline.ask(question)
    assert not ans.abstained and ans.text == expect, (ans.text, ans.confidence)


@pytest.mark.slow
def test_shipped_reader_does_not_answer_a_past_yes_no_question_with_a_plan(pipeline):
    """Team u04 (unanswerable): "Was the final agreement signed the following month?" was answered
    "next month", then, with only the span dated, "complete the final agreement": the sentence tells
    of a plan, which says nothing of whether it was done. The same question about the future answers."""
    past = pipeline.ask("Was the final agreement signed the following month?")
    assert past.abstained and past.text == "", past.text
    future = pipeline.ask("Will the final agreement be completed next month?")
    assert not future.abstained and future.text == "next month", (future.text, future.confidence)
    # the sentence on the meetings to come does not say where Nielsen met the ministers
    mexico = pipeline.ask("Did Nielsen meet the ministers in Mexico?")
    assert all("regular meetings" not in c.text for c in mexico.citations), mexico.citations


@pytest.mark.slow
@pytest.mark.parametrize("previous", ["What is the regional compact?", "What did the ministers agree to?"])
def test_follow_up_in_the_future_is_not_answered_with_the_meeting_day(pipeline, previous):
    """"When will they finalize it?" after a question on the compact: not "February 20" (the day of
    the meeting, before the statement was written) nor "summer" (of "last summer")."""
    from statementqa.followup import Turn

    first = pipeline.ask(previous)
    ans = pipeline.ask("When will they finalize it?", history=[Turn(previous, first.text)])
    assert not ans.abstained and ans.text == "next month", ans.text


@pytest.mark.parametrize("text, span, expect", [
    ("Nielsen called for a compact last summer and hopes.", "summer", "compact last summer and"),
    ("Secretary Nielsen met them.", "Secretary", "Secretary Nielsen"),
    ("in the last week of June it", "week", "the last week of"),
    ("line one ends\nsummer starts here", "summer", "summer starts"),  # not across a line break
    ("summer", "summer", "summer"),
])
def test_with_neighbours(text, span, expect):
    from statementqa.reader.assemble import with_neighbours

    a = text.index(span)
    assert with_neighbours(text, a, a + len(span)) == expect


def test_assembly_dates_an_answer_by_the_document_and_falls_back(idx):
    """"When will ...?" with the reader's best span "February 20" (the day before the statement was
    written, its meta.json's date): the next span that does not clash answers; a document without a
    date keeps the date."""
    import dataclasses
    from types import SimpleNamespace

    doc_id = idx.sentences[0].doc_id
    assert document_date(idx.docs[doc_id].meta) == WRITTEN
    p1 = next(p for p in idx.passages if "On February 20" in p.text)
    p2 = next(p for p in idx.passages if "next month" in p.text)
    out = ReadOut([Span(0, p1.text.index("February 20"), p1.text.index("February 20") + 11, 6.0, 0.0),
                   Span(1, p2.text.index("next month"), p2.text.index("next month") + 10, 4.0, 0.0)])
    q = "When will the final agreement be completed?"
    ans = assemble(q, [p1, p2], out, idx, CAL)
    assert ans.text == "next month" and not ans.abstained
    undated = SimpleNamespace(docs={d: dataclasses.replace(doc, meta={}) for d, doc in idx.docs.items()},
                              all_sentences=idx.all_sentences)
    assert assemble(q, [p1, p2], out, undated, CAL).text == "February 20"
    assert assemble("When did the Secretary meet the ministers?", [p1, p2], out, idx, CAL).text == "February 20"


@pytest.fixture(scope="module")
def press(tmp_path_factory):
    """A pipeline over press-dev's first two documents, which these tests were written on: two
    announcements of a past meeting that also tell of meetings to come (with the council minutes in
    the corpus "the meeting" has a third document to come from)."""
    from tests.press_fixtures import press_pipeline

    return press_pipeline(tmp_path_factory.mktemp("press-two"), tmp_path_factory.mktemp("press"),
                          "coastal-flood-agreement-2021-05-14", "rail-safety-review-2023-03-02")


@pytest.mark.slow
@pytest.mark.parametrize("question, expect", [
    # The reader's best span for both: a place to come ("is planned for September in Hollow Bay",
    # "will be held in Carlton"); the place where the meeting took place is its next span.
    ("Where was the meeting held?", "Port Elms"),
    ("Where did the meeting happen?", "Port Elms"),
    ("Where will the joint authority first meet?", "Hollow Bay"),
    ("Where will the public hearing be held?", "Carlton"),
])
def test_shipped_reader_places_an_event_in_tense(press, question, expect):
    ans = press.ask(question)
    assert not ans.abstained and ans.text == expect, (ans.text, ans.confidence)


@pytest.mark.slow
def test_a_past_meeting_is_not_placed_where_the_next_one_will_be(press):
    ans = press.ask("Where did the meeting take place?")
    assert ans.text != "Hollow Bay" and ans.candidate == "Port Elms", (ans.text, ans.candidate)


FAQ = ("Parking permits: questions and answers\n\nCan I get a refund?\nYes. If you move out of the zone, the unused "
       "months are refunded, minus a fee of 10 dollars.\n\nHow much does a permit cost?\nA permit costs 120 dollars.\n")


def _faq(best: str, alternatives: list[str]):
    """A segmented FAQ and a ReadOut over one passage holding all of it: ``best`` then ``alternatives``."""
    from dataclasses import dataclass, field

    from statementqa.retrieval.indexing import IndexParams, segment_corpus
    from statementqa.retrieval.types import Document

    @dataclass
    class _Index:
        docs: dict = field(default_factory=dict)
        all_sentences: dict = field(default_factory=dict)

    d = Document("faq", FAQ)
    seg = segment_corpus([d], IndexParams(chunk_size=20, chunk_overlap=1))
    p = seg.passages[0]
    assert p.text == FAQ[p.start : p.end] and all(x in p.text for x in [best, *alternatives])

    def span(s: str, score: float) -> Span:
        a = p.text.index(s)
        return Span(0, a, a + len(s), score, 0.0)

    return _Index({"faq": d}, seg.all_sentences), [p], ReadOut([span(best, 4.0)], [span(s, 3.0 - i) for i, s in enumerate(alternatives)])


def test_an_answer_is_not_a_question_of_the_document():
    """"Can I get my money back if I move?" over an FAQ: the reader's best span is the FAQ's own heading
    question; the answer is the best span outside it, or an abstention when there is none."""
    idx, passages, out = _faq("Can I get a refund", ["the unused months are refunded"])
    ans = assemble("Can I get my money back if I move?", passages, out, idx, CAL)
    assert ans.text == "the unused months are refunded" and not ans.abstained
    assert [c.text for c in ans.citations] == ["If you move out of the zone, the unused months are refunded, minus a fee of 10 dollars."]
    idx, passages, out = _faq("Can I get a refund", [])
    ans = assemble("Can I get my money back if I move?", passages, out, idx, CAL)
    assert ans.abstained and ans.candidate == "Can I get a refund"
    # Asked about the questions themselves, the question is the answer.
    ans = assemble("Which question is asked about refunds?", passages, out, idx, CAL)
    assert ans.text == "Can I get a refund" and not ans.abstained
    # A span that runs from the question into its answer is kept (not only a question).
    idx, passages, out = _faq("refund?\nYes", [])
    assert assemble("Can I get a refund?", passages, out, idx, CAL).text == "refund?\nYes"
