"""Who signed the letter (reader.signer): which questions ask it, which endings are signatures, which
letter answers, and the real pipeline over press-dev's letter among other documents."""
from __future__ import annotations

import pytest

from statementqa.reader.signer import asks_who_signed, pick_signer, signature, signatures
from tests.press_fixtures import press_pipeline


@pytest.mark.parametrize(
    "question, asks",
    [
        ("Who signed the letter?", True),
        ("who wrote this letter", True),
        ("Who sent the email?", True),
        ("Who sent the e-mail?", True),
        ("Who is the letter from?", True),
        ("Who was this memo from?", True),
        ("Who is the author of the letter?", True),
        ("Who is the signatory of this letter?", True),
        ("Who wrote the memorandum?", True),
        # a letter the text tells of, or another question
        ("Who wrote the letter to the UN secretary general informing them?", False),
        ("Who wrote the letter declining the Emperor's invitation?", False),
        ("Who signed the compact?", False),
        ("Who received the letter?", False),
        ("What does the letter say?", False),
        ("Who signed the Letter of Intent?", False),
    ],
)
def test_asks_who_signed(question, asks):
    assert asks_who_signed(question) is asks


LETTER = ("Dear resident,\n\nWe are writing to tell you about road works on Mill Lane.\n\n"
          "Please do not park on the road at night.\n\n{closing}\n\n{name}\n{role}\n")


@pytest.mark.parametrize(
    "closing, name, role, signed",
    [
        ("Yours faithfully,", "Martin Oyelaran", "Head of Highways", "Martin Oyelaran"),
        ("Yours sincerely", "Dr. Helen Osei", "Director of Public Health", "Dr. Helen Osei"),
        ("Kind regards,", "Cllr Ana M. Duarte", "", "Cllr Ana M. Duarte"),
        ("Sincerely,", "J. R. Whitlock", "Treasurer", "J. R. Whitlock"),
        ("Best wishes,", "Greta Lowe", "Headteacher, Ridgeway Primary School", "Greta Lowe"),
        # not a signature: no closing, a closing with no name under it, a line that is no name
        ("Thank you.", "Martin Oyelaran", "Head of Highways", None),
        ("Yours faithfully,", "highways team", "", None),
        ("Yours faithfully,", "Room 204 Town Hall", "", None),
        ("Yours faithfully,", "Highways@Kelbrook", "", None),
    ],
)
def test_signature(closing, name, role, signed):
    text = LETTER.format(closing=closing, name=name, role=role)
    where = signature(text)
    assert (text[where[0] : where[1]] if where else None) == signed


def test_a_closing_far_from_the_end_is_no_signature():
    text = LETTER.format(closing="Yours faithfully,", name="Martin Oyelaran", role="Head") + "More text.\n" * 14
    assert signature(text) is None


def _texts():
    return {
        "letter": LETTER.format(closing="Yours faithfully,", name="Martin Oyelaran", role="Head of Highways"),
        "other": "The mayors signed a Letter of Intent on Friday.\n",
    }


def test_pick_signer_prefers_the_retrieved_letter_then_the_index():
    texts = _texts()
    signed = signatures(texts)
    assert set(signed) == {"letter"}
    got = pick_signer("Who signed the letter?", ["other"], signed, texts)  # the letter was not retrieved
    assert got is not None and got.doc_id == "letter" and got.name == "Martin Oyelaran"
    assert texts["letter"][got.start : got.end] == "Martin Oyelaran"
    assert pick_signer("Who signed the compact?", ["other"], signed, texts) is None
    assert pick_signer("Who signed the letter?", ["other"], {}, texts) is None


def test_two_letters_by_different_people_answer_only_when_one_was_retrieved():
    texts = {**_texts(), "second": LETTER.format(closing="Yours sincerely,", name="Helen Osei", role="Director")}
    signed = signatures(texts)
    assert pick_signer("Who wrote this letter?", ["other"], signed, texts) is None  # which one?
    got = pick_signer("Who wrote this letter?", ["second", "other"], signed, texts)
    assert got is not None and got.name == "Helen Osei"


@pytest.mark.slow
def test_pipeline_answers_with_the_name_under_the_closing(tmp_path):
    """press-dev rc18: "Who signed the letter?" was "The mayors" (another document's Letter of Intent)."""
    pl = press_pipeline(tmp_path / "corpus", tmp_path / "data", "road-closure-letter-2026-09-14",
                        "coastal-flood-agreement-2021-05-14")
    assert pl.ask("What did the mayors sign?").text == "a Letter of Intent"
    assert pl._named is None  # other questions do not scan the documents for signatures
    ans = pl.ask("Who signed the letter?")
    assert not ans.abstained and ans.text == "Martin Oyelaran" and ans.how
    assert [c.text for c in ans.citations] == ["Martin Oyelaran"]
    coastal = [d for d, doc in pl.index.docs.items() if "Letter of Intent" in doc.text]
    scoped = pl.ask("Who signed the letter?", docs=coastal)  # the user chose the other document
    assert scoped.text != "Martin Oyelaran"
