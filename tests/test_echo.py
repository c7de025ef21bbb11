"""reader.echo: a document's own question and the region that answers it: tables of questions,
the regions cut from an FAQ page and a briefing transcript by the real segmenter, and the real
pipeline on press-dev's briefing transcript beside the vaccination announcement, where the reader's
first spans were the spokesperson's answer to the previous question and another document's number."""
from __future__ import annotations

import pytest

from statementqa.reader.echo import echo_regions, echoes, inside, is_question
from statementqa.retrieval.segment import segment
from tests.press_fixtures import press_pipeline


@pytest.mark.parametrize("question,sentence,expected", [
    ("How many doses are left?", "QUESTION (Marta Reis): And how many doses are left?", True),
    ("How many people have been vaccinated so far this winter?",
     "QUESTION (Marta Reis, Diário do Norte): How many people have been vaccinated so far this winter?", True),
    ("how much does a permit cost", "How much does a permit cost?", True),
    ("What does a permit cost?", "How much does a permit cost?", True),  # permit, cost: 2 of 2
    ("What does a yearly permit cost?", "How much does a permit cost?", False),  # 2 of 3 (year, permit, cost)
    ("Who asked how many doses are left?", "QUESTION (Marta Reis): And how many doses are left?", False),  # 2 of 3
    ("Can I get my money back?", "Can I get a refund?", False),  # one term of the user's: never an echo
    ("How many doses were delivered to the clinics?", "How many doses are left?", False),
    ("When will the burns unit open?", "When will the burns unit take its first patients?", False),  # burn, unit: 2 of 3
])
def test_echoes(question, sentence, expected):
    assert echoes(question, sentence) is expected


@pytest.mark.parametrize("sentence,expected", [
    ("Can I get a refund?", True), ("“Why now?”", True), ("(Is it free?)", True),
    ("The question is open.", False), ("She asked why?!.", False),
])
def test_is_question(sentence, expected):
    assert is_question(sentence) is expected


FAQ = ("Frequently asked questions\n\nHow much does a permit cost?\nA yearly permit costs 120 dollars. "
       "Holders of a disability badge pay nothing.\n\nWhen does the scheme start?\nThe scheme starts on April 1.\n")
BRIEFING = ("ALMEIDA: Good morning.\n\nQUESTION (Marta Reis): How many doses are left?\n\n"
            "ALMEIDA: Around 340,000 in the central store, and more arrive next week.\n\n"
            "QUESTION (Tomas Lindgren, Nordic Radio): There are reports of closures. Can you confirm that?\n\n"
            "ALMEIDA: I can confirm one.\n")


def _regions(question: str, text: str) -> list[str]:
    return [text[a:b] for _, a, b in echo_regions(question, {"d": segment(text, "d")}, {"d": text})]


def test_region_of_an_faq_answer_ends_at_the_next_question():
    assert _regions("How much does a permit cost?", FAQ) == [
        "A yearly permit costs 120 dollars. Holders of a disability badge pay nothing."]
    assert _regions("When does the scheme start?", FAQ) == ["The scheme starts on April 1."]
    assert _regions("Who needs a permit?", FAQ) == []  # the page does not ask it


def test_region_of_a_transcript_answer_ends_at_its_paragraph():
    """The spokesperson's answer only: the next paragraph (a reporter's statement before the next
    question) is not part of it."""
    assert _regions("How many doses are left?", BRIEFING) == [
        "ALMEIDA: Around 340,000 in the central store, and more arrive next week."]


def test_inside():
    regions = [("d", 10, 50), ("e", 0, 5)]
    assert inside(regions, "d", 10, 50) and inside(regions, "d", 20, 30)
    assert not inside(regions, "d", 5, 20) and not inside(regions, "e", 10, 20) and not inside([], "d", 10, 20)


@pytest.mark.slow
def test_pipeline_answers_what_follows_the_echoed_question(tmp_path):
    """press-dev j07 and j06: "1.2 million" (the answer before the reporter's question) and "58
    percent of people over 65" (the vaccination announcement's last winter) were the reader's first
    spans; the answers that follow the transcript's questions win, cited from the transcript."""
    pl = press_pipeline(tmp_path / "corpus", tmp_path / "data", "health-briefing-2026-02-03", "health-campaign-2024-10-07")
    left = pl.ask("How many doses are left?")
    assert not left.abstained and "340,000" in left.text
    assert left.citations[0].text.startswith("ALMEIDA: Around 340,000")
    so_far = pl.ask("How many people have been vaccinated so far this winter?")
    assert not so_far.abstained and "1.2 million" in so_far.text
    assert so_far.citations[0].text.startswith("ALMEIDA: Just over 1.2 million")
    asked = pl.ask("Who asked how many doses are left?")  # about a question: no region is looked for
    assert "340,000" not in asked.text
