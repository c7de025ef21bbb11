"""Whom the press should contact (reader.presscontact): which questions ask it, which labels name
someone, and the real pipeline over press-dev's hospital release among other documents."""
from __future__ import annotations

import pytest

from statementqa.reader.presscontact import asks_press_contact, pick_press_contact, press_contact, press_contacts
from tests.press_fixtures import press_pipeline


@pytest.mark.parametrize(
    "question, asks",
    [
        ("Who should journalists contact?", True),
        ("who can reporters call", True),
        ("Who should the media contact?", True),
        ("Whom should the press get in touch with?", True),
        ("Who is the media contact?", True),
        ("Who is the press officer?", True),
        ("Who handles press enquiries?", True),
        ("Who should I contact for media enquiries?", True),
        ("Who is the contact for journalists?", True),
        ("Who contacted the journalists?", False),
        ("Who should the ministers contact?", False),
        ("Who should journalists contact about the budget and when?", False),
        ("What is the press office's number?", False),
    ],
)
def test_asks_press_contact(question, asks):
    assert asks_press_contact(question) is asks


@pytest.mark.parametrize(
    "line, named",
    [
        ("4. Media enquiries: Tom Ashby, communications manager, 01632 960 902.", "Tom Ashby, communications manager"),
        ("Press contact: Dr Helen Osei on 020 7946 0000", "Dr Helen Osei"),
        ("MEDIA ENQUIRIES: Jane Roe (jane@council.example)", "Jane Roe"),
        ("Media contact - Ana M. Duarte, press officer", "Ana M. Duarte, press officer"),
        ("- Press enquiries: J. R. Whitlock at the council", "J. R. Whitlock"),
        ("Media enquiries: Tom Ashby.", "Tom Ashby"),
        # no name after the label, or no label
        ("For media enquiries: call the press office on 020 7946 0000.", None),
        ("Media enquiries: 01632 960 902", None),
        ("The minister told the media: Tom Ashby will answer.", None),
        ("Tom Ashby, communications manager, 01632 960 902.", None),
    ],
)
def test_press_contact(line, named):
    text = "The centre opens in June.\n\nNotes to editors:\n" + line + "\n"
    where = press_contact(text)
    assert (text[where[0] : where[1]] if where else None) == named


def test_pick_press_contact_among_releases():
    texts = {"a": "Opening in June.\nMedia enquiries: Tom Ashby, 01632 960 902.\n", "b": "No label here.\n",
             "c": "Budget.\nPress contact: Helen Osei\n"}
    marked = press_contacts(texts)
    assert set(marked) == {"a", "c"}
    assert pick_press_contact("Who should journalists contact?", ["b", "c"], marked, texts).name == "Helen Osei"
    assert pick_press_contact("Who should journalists contact?", ["b"], marked, texts) is None  # two releases: which?
    assert pick_press_contact("Who signed the letter?", ["a"], marked, texts) is None


@pytest.mark.slow
def test_pipeline_names_the_media_contact(tmp_path):
    """press-dev hr21: "Who should journalists contact?" abstained (0.04)."""
    pl = press_pipeline(tmp_path / "corpus", tmp_path / "data", "hospital-release-2026-05-19",
                        "road-closure-letter-2026-09-14")
    ans = pl.ask("Who should journalists contact?")
    assert not ans.abstained and ans.text == "Tom Ashby, communications manager" and ans.how
    assert ans.citations[0].text.startswith("Media enquiries: Tom Ashby")
    assert pl.ask("Who signed the letter?").text == "Martin Oyelaran"  # each rule keeps to its question
