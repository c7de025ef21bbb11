"""reader.conjuncts: one of three coordinated phrases with the same preposition grows to all three
(a table of questions x sentences x spans, the offsets as an invariant with hypothesis, and the
pipeline on press-dev's vaccination announcement, where "Who can get the vaccine for free?" got the
first of three groups)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statementqa.reader.conjuncts import coordinated

REPO = Path(__file__).resolve().parent.parent
FREE = ("The campaign will be free of charge for everyone aged 65 or older, for pregnant women and for people with "
        "chronic lung or heart disease.")
ALL_THREE = "everyone aged 65 or older, for pregnant women and for people with chronic lung or heart disease"
WHO = "Who can get the vaccine for free?"


@pytest.mark.parametrize("question, sentence, span, expect", [
    (WHO, FREE, "everyone aged 65 or older", ALL_THREE),  # the first conjunct
    (WHO, FREE, "pregnant women", ALL_THREE),  # the middle one
    (WHO, FREE, "people with chronic lung or heart disease", ALL_THREE),  # the last one
    (WHO, FREE, "people with chronic lung or heart disease.", ALL_THREE),  # its full stop is no part of it
    (WHO, FREE, "for pregnant women", "for " + ALL_THREE),  # with its preposition: from the first one's
    (WHO, FREE, "everyone aged 65", None),  # part of a conjunct: not one of the phrases
    (WHO, FREE, ALL_THREE, None),  # already all of them
    ("Who besides pregnant women gets it for free?", FREE, "everyone aged 65 or older", None),  # one of them asked
    ("Who is one group that gets it for free?", FREE, "pregnant women", None),
    ("Who else gets it for free?", FREE, "pregnant women", None),
    # two conjuncts: SQuAD's questions ask for one of two ("What do young birds form attachments to?")
    ("What do young birds form attachments to?", "Young birds form attachments to potential breeding sites and "
     "to favourite wintering sites.", "potential breeding sites", None),
    # a time: "When" asks for one ("When was it launched in North America?")
    ("When was it released?", "It was released in 2004, in 2005 and in 2006.", "2005", None),
    # commas alone: no coordination
    ("Where was it shown?", "It was shown in Paris, in London, in Rome.", "London", None),
    # the same preposition across clauses: a conjunct with a clause break is no conjunct
    ("Where did it open?", "It opened in Oslo; in May it moved to Bergen, and in June to Rome.", "Oslo", None),
    ("Where will it be shown?", "It will be shown in Paris, in London and in Rome.", "London",
     "Paris, in London and in Rome"),
    ("What can readers do?", "Readers can vote by post, by phone or by email.", "by phone", "by post, by phone or by email"),
])
def test_coordinated(question, sentence, span, expect):
    a = sentence.index(span)
    got = coordinated(question, sentence, a, a + len(span), 0, len(sentence))
    assert (sentence[got[0]:got[1]] if got else None) == expect


def test_only_within_the_sentence_given():
    """Offsets are the document's: the sentence is ``text[lo:hi]`` and nothing outside it is read."""
    text = "Intro. " + FREE + " Also for children."
    lo = text.index(FREE)
    a = text.index("pregnant women")
    got = coordinated(WHO, text, a, a + len("pregnant women"), lo, lo + len(FREE))
    assert got is not None and text[got[0]:got[1]] == ALL_THREE
    assert coordinated(WHO, text, a, a + len("pregnant women"), a - 5, lo + len(FREE)) is None  # the first "for" cut off


@given(st.lists(st.sampled_from(["for", "to", "in", "by", "and", "or", ",", "women", "the", "old", "people", "."]),
                max_size=25), st.integers(0, 200), st.integers(0, 200))
def test_the_result_is_inside_the_sentence_and_holds_the_span(words, i, j):
    """Whatever the text: a result lies inside the sentence and holds the span's words."""
    text = " ".join(words)
    a, b = sorted((i % (len(text) + 1), j % (len(text) + 1)))
    got = coordinated("Who gets it?", text, a, b, 0, len(text))
    if got is not None:
        assert 0 <= got[0] <= a and got[0] < got[1] <= len(text)
        assert text[a:b].strip(" ,.") in text[got[0]:got[1]]


@pytest.mark.slow
def test_pipeline_gives_all_three_groups(tmp_path):
    from statementqa.pipeline import Pipeline

    p = Pipeline(corpus=REPO / "eval" / "data" / "press-dev" / "corpus" / "health-campaign-2024-10-07.txt",
                 data_dir=tmp_path / "d")
    ans = p.ask(WHO)
    assert not ans.abstained and ans.text == ALL_THREE
    doc = p.index.docs[ans.doc_id]
    assert doc.text[ans.start:ans.end] == ans.text
    assert [c.text for c in ans.citations] == [next(s.text for s in p.index.all_sentences[ans.doc_id]
                                                    if "free of charge" in s.text)]
