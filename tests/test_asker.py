"""reader.asker: who asked a question, by the label of the transcript's question that asks it:
tables of questions and labels, the pick over a segmented transcript, and the real pipeline on
press-dev's briefing transcript, where the reader abstained or answered "the minister"."""
from __future__ import annotations

import pytest

from statementqa.reader.asker import asks_who_asked, label_name, pick_asker
from statementqa.retrieval.segment import segment
from tests.press_fixtures import press_pipeline


@pytest.mark.parametrize("question, rest", [
    ("Who asked how many doses are left?", "how many doses are left"),
    ("Who asked about the new hospital in Vila Alta?", "the new hospital in Vila Alta"),
    ("Which reporter asked whether the minister will visit?", "the minister will visit"),
    ("who asked if the unit is open", "the unit is open"),
    ("Who answered the question about doses?", None),
    ("What did the reporter ask?", None),
    ("Who was asked to leave?", None),
])
def test_asks_who_asked(question, rest):
    assert asks_who_asked(question) == rest


@pytest.mark.parametrize("line, name", [
    ("QUESTION (Marta Reis, Diário do Norte): How many people have been vaccinated?", "Marta Reis"),
    ("QUESTION (Marta Reis): And how many doses are left?", "Marta Reis"),
    ("Q (Tomas Lindgren): Can you confirm that?", "Tomas Lindgren"),
    ("Ana Duarte (Radio Costa): Is the unit open?", "Ana Duarte"),
    ("Ana Duarte: Is the unit open?", "Ana Duarte"),
    ("Q: Is the unit open?", None),  # a label that names no one
    ("QUESTION: Is the unit open?", None),
    ("ALMEIDA: The unit will open on 16 February.", None),  # one word: a speaker's surname, not a name run
    ("Is the minister going to announce it?", None),
    ("Note: is this open?", None),
])
def test_label_name(line, name):
    [s] = segment(line, "d")
    where = label_name(s)
    assert (line[where[0]:where[1]] if where else None) == name


BRIEFING = ("ALMEIDA: Good morning.\n\nQUESTION (Marta Reis, Diário do Norte): How many people have been vaccinated?\n\n"
            "ALMEIDA: Just over 1.2 million.\n\nQUESTION (Marta Reis): And how many doses are left?\n\n"
            "ALMEIDA: Around 340,000.\n\nQUESTION (Ana Duarte): Is the minister going to announce the new hospital in "
            "Vila Alta on Thursday?\n\nALMEIDA: I will not get ahead of the minister.\n")


def _pick(question: str, text: str = BRIEFING):
    return pick_asker(question, {"d": segment(text, "d")}, {"d": text})


def test_pick_asker_over_a_transcript():
    assert _pick("Who asked how many doses are left?").name == "Marta Reis"
    duarte = _pick("Who asked about the new hospital in Vila Alta?")
    assert duarte.name == "Ana Duarte" and BRIEFING[duarte.start:duarte.end] == "Ana Duarte"
    assert _pick("Who asked about the burns unit?") is None  # no question of the transcript asks it
    assert _pick("How many doses are left?") is None  # not a question about who asked


def test_two_people_asking_the_same_is_no_answer():
    text = BRIEFING + "\n\nQUESTION (Tomas Lindgren): How many doses are left?\n\nALMEIDA: As I said.\n"
    assert _pick("Who asked how many doses are left?", text) is None


@pytest.mark.slow
def test_pipeline_names_the_reporter(tmp_path):
    """press-dev j19 and j23: abstained, and "the minister"."""
    pl = press_pipeline(tmp_path / "corpus", tmp_path / "data", "health-briefing-2026-02-03", "health-campaign-2024-10-07")
    doses = pl.ask("Who asked how many doses are left?")
    assert not doses.abstained and doses.text == "Marta Reis"
    assert doses.citations[0].text == "QUESTION (Marta Reis): And how many doses are left?" and doses.how
    hospital = pl.ask("Who asked about the new hospital in Vila Alta?")
    assert not hospital.abstained and hospital.text == "Ana Duarte"
    left = pl.ask("How many doses are left?")  # the question itself is still answered by what follows it
    assert "340,000" in left.text
