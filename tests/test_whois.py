""""Who is <name>?" answered with what the person is, not the name (reader.whois): a table of
questions x answers against the expected cut, and the real pipeline on press-dev's study release."""
from __future__ import annotations

import pytest

from statementqa.reader.whois import asked_name, description_span, only_the_name


@pytest.mark.parametrize("question, words", [
    ("Who is Tobias Lange?", ["Tobias", "Lange"]),
    ("Who was Dr. Helen Osei?", ["Helen", "Osei"]),           # a courtesy title is no part of the name
    ("who is Nielsen?", ["Nielsen"]),
    ("Who is Kirstjen M. Nielsen", ["Kirstjen", "M.", "Nielsen"]),
    ("Who is the police chief?", None),                       # asks for a name: a role
    ("Who is Fiji's Minister of Fisheries?", None),            # an owner's role
    ("Who is responsible for the scheme?", None),
    ("Who are the Northern Triangle ministers?", None),
    ("Who is profiting from human misery?", None),
])
def test_asked_name(question, words):
    assert asked_name(question) == words


@pytest.mark.parametrize("question, answer, expected", [
    ("Who is Tobias Lange?", "Dr Tobias Lange, a co-author of the study", "a co-author of the study"),
    ("Who is Tobias Lange?", "Tobias Lange (co-author)", "co-author"),
    ("Who is Leona Price?", "Sergeant Leona Price", "Sergeant"),
    ("Who is Amira Khoury?", "Ms Khoury, the new councillor.", "the new councillor"),  # the surname alone
    ("Who was Dr. Helen Osei?", "Dr. Helen Osei", None),       # "Dr" says nothing of who she is
    ("Who is Nielsen?", "Secretary of Homeland Security Kirstjen M. Nielsen", None),  # title or given names?
    ("Who is Leona Price?", "Roads Policing Unit", None),     # no name in it: as the reader gave it
    ("Who is the police chief?", "Police Chief Maria Santos, who", None),
])
def test_description_span(question, answer, expected):
    got = description_span(question, answer)
    assert (None if got is None else answer[got[0]:got[1]]) == expected


@pytest.mark.parametrize("question, answer, expected", [
    ("Who is Tobias Lange?", "Tobias Lange", True),
    ("Who is Tobias Lange?", "Dr Tobias Lange", True),
    ("Who is Tobias Lange?", "Lange", True),
    ("Who is Kirstjen M. Nielsen?", "Kirstjen M. Nielsen", True),  # an initial's dot is no word character
    ("Who is Tobias Lange?", "a co-author of the study", False),
    ("Who is Tobias Lange?", "Dr Tobias Lange, a co-author", False),
    ("Who is the chief executive?", "Amara Okafor", False),
])
def test_only_the_name(question, answer, expected):
    assert only_the_name(question, answer) is expected


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    from tests.press_fixtures import press_pipeline

    return press_pipeline(tmp_path_factory.mktemp("study"), tmp_path_factory.mktemp("study-data"),
                          "microplastics-study-2026-09-22")


@pytest.mark.slow
def test_pipeline_says_what_the_person_is(study):
    ans = study.ask("Who is Tobias Lange?")  # was "Dr Tobias Lange, a co-author of the study"
    assert not ans.abstained and ans.text == "a co-author of the study"
    assert study.index.docs[ans.doc_id].text[ans.start:ans.end] == ans.text
    assert ans.citations and "Dr Tobias Lange, a co-author of the study" in ans.citations[0].text
    ans = study.ask("Who led the research team?")  # a role asked for: the name, as before
    assert ans.text == "Professor Marisol Duarte"
