"""reader.contacts: an e-mail address or a telephone number asked for must be one: tables of
questions and answers (press-dev's real ones among them) and the real pipeline on the security
alert, whose "Assistance" block lists street, city, telephone numbers and an e-mail address."""
from __future__ import annotations

import pytest

from statementqa.reader.contacts import asks_email, asks_phone, not_a_contact
from tests.press_fixtures import PRESS


@pytest.mark.parametrize("question,email,phone", [
    ("What is the embassy's email address?", True, False),
    ("What is the e-mail address of the Consumer Product Safety Commission?", True, False),
    ("Which e-mail addresses take comments?", True, False),
    ("What is the phone number for appointments?", False, True),
    ("What is Brightline's phone number?", False, True),
    ("What number should I call after hours?", False, True),
    ("What is the hotline's number in Canada?", False, True),
    ("What telephone number takes reports?", False, True),
    # not asking for one
    ("What did Joseph Haas say in his email?", False, False),  # SQuAD calibration part
    ("What happened after he sent the e-mail?", False, False),
    ("What are the hotline's hours?", False, False),
    ("How many phone calls did the office get?", False, False),
    ("Who answers the phone number?", False, False),
])
def test_asks(question, email, phone):
    assert asks_email(question) is email and asks_phone(question) is phone


@pytest.mark.parametrize("question,answer,expected", [
    ("What is the embassy's email address?", "acscaldera@state.example", False),
    ("What is the embassy's email address?", "Caldera City", True),  # press-dev e18 among 13 documents
    ("What is the embassy's email address?", "+58 212 555 0100", True),
    ("What number should I call after hours?", "+58 212 555 0199", False),
    ("What is the phone number for appointments?", "555-0142", False),
    ("What number should I call?", "1177", False),
    ("What number should I call?", "911", False),
    ("What is Consular Affairs' phone number?", "1-888-407-4747 or 1-202-501-4444", False),
    ("What is the hotline's number in Canada?", "2,100", True),  # press-dev su6: a count of heaters
    ("What number should I call?", "the hotline", True),
    ("What number should I call?", "42", True),  # two digits: no telephone number
    ("What did Joseph Haas say in his email?", "Wise up or die", False),  # not asked for a contact
])
def test_not_a_contact(question, answer, expected):
    assert not_a_contact(question, answer) is expected


ALERT = "security-alert-2025-03-05.html"


@pytest.mark.slow
def test_pipeline_answers_the_email_address_among_other_documents(tmp_path):
    """Among press-dev's thirteen documents "What is the embassy's email address?" got "Caldera City"
    (the line before it in the alert's address block); the reader's best span with an "@" answers."""
    from statementqa.pipeline import Pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in PRESS.iterdir():
        (corpus / path.name).write_bytes(path.read_bytes())
    pl = Pipeline(corpus=corpus, data_dir=tmp_path / "data")
    ans = pl.ask("What is the embassy's email address?")
    assert not ans.abstained and ans.text == "acscaldera@state.example"
    assert ans.citations[0].text == "Email: acscaldera@state.example"
    assert pl.ask("What is the hotline's number in Canada?").abstained  # the recall notice gives none
