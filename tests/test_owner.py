"""reader.owner: a question about one owner's thing answered from a sentence about another owner's
same thing: tables of questions and sentences (SQuAD's real ones among them, both the unanswerable
questions it catches and the answerable ones it must leave) and the real pipeline on the fisheries
announcement."""
from __future__ import annotations

import pytest

from statementqa.reader.owner import other_owner
from tests.press_fixtures import press_pipeline

FIJI = "Fiji's Minister of Fisheries, Viliame Tora, called the compact \"a promise\"."

OTHER = [  # (question, sentences, the other owner)
    ("Who is Samoa's fisheries minister?", FIJI, "Fiji"),
    # SQuAD dev-v2.0-a calibration part: unanswerable questions the reader v2 answered from these sentences
    ("Cavendish's Law of Gravitation states what?",
     "Succinctly stated, Newton's Law of Gravitation states that the force on a spherical object of mass", "Newton"),
    ("Where is Ekstraklasa's home venue located?",
     "Polonia's home venue is located at Konwiktorska Street, a ten-minute walk north from the Old Town.", "Polonia"),
    ("How much of Europe's population was Jewish?",
     "Warsaw's entire Jewish population – several hundred thousand – was forced into the Ghetto.", "Warsaw"),
]

SAME = [  # (question, sentences): the owner is mentioned, or the other owner's thing is another thing
    ("Who is Fiji's fisheries minister?", FIJI),  # the same owner
    ("Who was on Celeron's expedition?",  # SQuAD held-out part: a spelling one edit off, after its "'s"
     "Céloron's expedition force consisted of about 200 Troupes de la marine and 30 Indians."),
    ("What was Beyonce's third perfume named?", "Beyoncé's third fragrance, Pulse, was launched in September 2011."),
    ("What was one of Albert the Great's biggest contributions?",  # a part of the owner's name
     "One of Albert's greatest contributions was his study of Dionysus the Areopagite."),
    ("Who is the Everton Football Club's biggest rival?", "Everton's biggest rivalry is with neighbours Liverpool."),
    ("What does Samoa's compact say?", FIJI.replace("compact", "deal") + " Samoa signed it."),  # Samoa mentioned
    ("What did Samoa's minister sign?", "Fiji's office said nothing."),  # another owner's other thing
    ("Who is Samoa's fisheries minister?", "It's the Minister of Fisheries who decides."),  # "It's": no owner
    ("Who is the fisheries minister?", FIJI),  # no possessive in the question
    ("Who is Samoa's fisheries minister?", "The minister of fisheries spoke."),  # no possessive in the sentence
    ("What is Samoa's population?", FIJI),  # another thing of another owner
]


@pytest.mark.parametrize("question,sentences,other", OTHER)
def test_other_owner(question, sentences, other):
    assert other_owner(question, sentences) == other


@pytest.mark.parametrize("question,sentences", SAME)
def test_same_owner_or_other_thing(question, sentences):
    assert other_owner(question, sentences) is None


@pytest.mark.slow
def test_pipeline_abstains_on_another_owners_minister(tmp_path):
    """The reader's span is "Viliame Tora" (Fiji's minister; press-dev ku4, confidence 0.58): the
    question abstains, while the same question about Fiji answers with the name."""
    pl = press_pipeline(tmp_path / "corpus", tmp_path / "data", "fisheries-compact-2025-08-14")
    ans = pl.ask("Who is Samoa's fisheries minister?")
    assert ans.abstained and ans.text == ""
    fiji = pl.ask("Who is Fiji's fisheries minister?")
    assert not fiji.abstained and fiji.text == "Viliame Tora"
    assert "Fiji's Minister of Fisheries" in fiji.citations[0].text
