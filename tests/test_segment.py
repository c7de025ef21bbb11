"""Segmentation: the pinned sentence list of the statement and the offset invariant."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.retrieval.segment import is_boilerplate, segment

EXPECTED = [
    'U.S. Department of Homeland Security issued the following announcement on Feb. 21.',
    'On February 20, Secretary of Homeland Security Kirstjen M. Nielsen met Northern Triangle security ministers in San Salvador, El Salvador to discuss the development of a “regional compact” and action plan aimed at addressing the ongoing humanitarian and security crisis of irregular migration and the formation of migrant caravans.',
    '“Today, we have declared a historic commitment – our mutual intention to crack down on smugglers and traffickers who are profiting from human misery.',
    'And we have declared our resolve to bring order where there is chaos…to bring justice to criminals and gangs…and to share information to secure our borders, our people, and our way of life,” said Secretary Nielsen.',
    '“Criminals show little regard for the welfare of the vulnerable people they exploit.',
    'Enough is enough.',
    'We cannot allow children to be used as pawns or women to be sexually assaulted or migrants to become victims of violence on the terrible journey north.',
    'We must put an end to this crisis and help vulnerable migrants closer to their point of origin,” she added.',
    '“I thank my foreign counterparts for their determination to increase cooperation with the United States on stopping the formation and movement of caravans and the networks that facilitate them.”',
    'By pairing new initiatives with existing efforts, the Joint Statement seeks to address the “root causes” of irregular migration in order to address the challenges at their source.',
    'Specifically, Secretary Nielsen and her Northern Triangle counterpart ministers agreed to a roadmap for action that will result in better information sharing, law enforcement cooperation, and public messaging to deal with the ongoing crisis.',
    'The Joint Statement signed today outlines a clear path toward a formal and first-of-its-kind Memorandum of Cooperation—or “regional compact”—between U.S. and Northern Triangle security ministries.',
    'Secretary Nielsen called for such a “compact” last summer and hopes it will also include participation from Mexico.',
    'The final compact would cover four distinct areas of collaboration:',
    'Combatting Human Trafficking and Migrant Smuggling',
    'Countering Organized Crime and Gangs',
    'Expanding Information and Intelligence Sharing',
    'Strengthening Border Security',
    'Ministers agreed to complete the final agreement next month and to engage in regular meetings—at the senior and working levels—to help ensure these efforts commence quickly and are effectively executed and sustained.',
    'Original source can be found here.',
]


def test_statement_sentences_pinned(statement_text):
    sents = segment(statement_text, "d")
    assert [s.text for s in sents] == EXPECTED
    assert [s.idx for s in sents] == list(range(len(EXPECTED)))


def test_statement_offsets_and_flags(statement_text):
    sents = segment(statement_text, "d")
    for s in sents:
        assert statement_text[s.start : s.end] == s.text
    assert [s.idx for s in sents if s.list_item] == [14, 15, 16, 17]
    assert [s.idx for s in sents if s.boilerplate] == [19]
    assert not any(s.text.startswith("- ") for s in sents)
    assert "Kirstjen M. Nielsen" in sents[1].text
    assert sents[0].text.startswith("U.S. Department") and sents[0].text.endswith("Feb. 21.")
    assert "chaos…to bring justice to criminals and gangs…and to share" in sents[3].text
    assert sents[3].text.endswith("said Secretary Nielsen.")
    assert "Cooperation—or “regional compact”—between" in sents[11].text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        ("   \n\n ", []),
        ("One sentence", ["One sentence"]),
        ("Dr. Smith arrived. He left at 5 p.m. on Monday.", ["Dr. Smith arrived.", "He left at 5 p.m. on Monday."]),
        ("Lead-in:\n- item one\n- item two\nAfter.", ["Lead-in:", "item one", "item two", "After."]),
        ("Steps:\n1. Mix it\n2. Bake it", ["Steps:", "Mix it", "Bake it"]),
        # numbered items that end with a full stop, inside a list: the number is not a sentence of its own
        ("To get a refund, owners must:\n1. Cut the cord;\n2. Write \"recalled\" on it;\n3. Upload a photo.",
         ["To get a refund, owners must:", "Cut the cord;", 'Write "recalled" on it;', "Upload a photo."]),
        ("Steps:\na. Mix it.\nb. Bake it. Then serve.", ["Steps:", "Mix it.", "Bake it. Then serve."]),
        # outside a list a line that ends a sentence stays prose (SQuAD's "O\n2. ..." after a formula)
        ("A. Smith said so.\nB. Jones agreed.", ["A. Smith said so.", "B. Jones agreed."]),
        # a sentence end BlingFire misses: "no." read as "number"
        ("The motion passed 5-1, with Whitlock voting no. Whitlock said the fund is low.",
         ["The motion passed 5-1, with Whitlock voting no.", "Whitlock said the fund is low."]),
        ("See No. 5 Main Street. Room no. 12 is open.", ["See No. 5 Main Street.", "Room no. 12 is open."]),
        # a sentence end BlingFire finds where there is none: a case's name (SQuAD's real paragraphs, press-dev's ruling)
        ("Ministry of Transport v. Harbour Residents' Association [2026] ASC 14",
         ["Ministry of Transport v. Harbour Residents' Association [2026] ASC 14"]),
        ("It was declared unconstitutional by the majority opinion of Gratz v. Bollinger. Affirmative action was upheld.",
         ["It was declared unconstitutional by the majority opinion of Gratz v. Bollinger.", "Affirmative action was upheld."]),
        ("The decision in Brown vs. Board of Education came in 1954. It was unanimous.",
         ["The decision in Brown vs. Board of Education came in 1954.", "It was unanimous."]),
        ("He wrote Henry V. Then he rested.", ["He wrote Henry V.", "Then he rested."]),  # a numeral, not "v."
        ("• bullet a\n• bullet b", ["bullet a", "bullet b"]),
        ("He said “stop.” Then left.", ["He said “stop.”", "Then left."]),
        ("Wait… what? Yes!", ["Wait… what?", "Yes!"]),
    ],
)
def test_segment_table(text, expected):
    assert [s.text for s in segment(text)] == expected


@pytest.mark.parametrize(
    "text, flag",
    [
        ("Original source can be found here.", True),
        ("original source can be found here", True),
        ("Click here to read more.", False),
        ("Read more here.", True),
        ("The source of the river can be found here.", False),
    ],
)
def test_boilerplate(text, flag):
    assert is_boilerplate(text) is flag


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_offsets_property_any_text(text):
    sents = segment(text, "x")
    last = 0
    for i, s in enumerate(sents):
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= last  # ordered, non-overlapping
        assert s.idx == i
        last = s.end


words = st.sampled_from(["U.S.", "Mr.", "said", "the", "“quote”", "Feb.", "21.", "end.", "why?", "—", "…", "\n", "- ", "e.g.", "שלום", "\u200b", "日本語。"])


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=80).map(" ".join))
def test_offsets_property_prose(text):
    for s in segment(text):
        assert text[s.start : s.end] == s.text


def test_numbered_items_that_end_a_sentence_are_list_items():
    """The recall notice's steps: "3. Upload a photo." was cut into "3." and "Upload a photo.", neither an item."""
    text = "Owners must:\n1. Cut the cord;\n2. Write on the base;\n3. Upload a photo.\nOwners keep the heater."
    got = [(s.text, s.list_item) for s in segment(text)]
    assert got == [("Owners must:", False), ("Cut the cord;", True), ("Write on the base;", True),
                   ("Upload a photo.", True), ("Owners keep the heater.", False)]
