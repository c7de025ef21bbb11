"""reader.wholeword: an answer that cuts an e-mail or web address is widened to all of it, and one
that stops at "p.m" takes its dot: tables of texts, spans and expected answers, a property (the
widened span holds the span and every address it overlaps whole), and the real pipeline on an
announcement whose address the reader cut."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statementqa.reader.wholeword import abbreviation_dot, addresses, whole_address

TEXT = "Questions can be sent to leadfree@brackwater.example or raised at a drop-in session on June 23."
URL = "For details visit https://www.city.gov.uk/tram-line, or call 01632 960 111."


def _span(text: str, part: str) -> tuple[int, int]:
    a = text.index(part)
    return a, a + len(part)


@pytest.mark.parametrize("text, part, expected", [
    (TEXT, "leadfree@brackwater", "leadfree@brackwater.example"),  # the reader's cut at a dot
    (TEXT, "brackwater.example", "leadfree@brackwater.example"),
    (TEXT, "to leadfree@brackwater", "to leadfree@brackwater.example"),
    (TEXT, "leadfree@brackwater.example", "leadfree@brackwater.example"),  # whole: unchanged
    (TEXT, "a drop-in session", "a drop-in session"),  # no address: unchanged
    (URL, "www.city.gov.uk/tram-line", "https://www.city.gov.uk/tram-line"),  # the comma after it is not taken
    (URL, "https://www.city.gov.uk", "https://www.city.gov.uk/tram-line"),
    (URL, "01632 960 111", "01632 960 111"),
    ("Write to info@city.gov.uk.", "info@city", "info@city.gov.uk"),  # nor the full stop
    ("See www.example.org/a?b=1).", "www.example", "www.example.org/a?b=1"),
])
def test_whole_address_table(text, part, expected):
    a, b = whole_address(text, *_span(text, part))
    assert text[a:b] == expected


@pytest.mark.parametrize("text, part, expected", [
    ("The centre opens from 7:30 a.m. to 9 p.m. on weekdays.", "9 p.m", "9 p.m."),
    ("It will open at 9 p.m.", "9 p.m", "9 p.m."),  # the dot that also ends the sentence
    ("He moved to the U.S. in 1990.", "the U.S", "the U.S."),
    ("Washington, D.C. is the capital.", "Washington, D.C", "Washington, D.C."),
    ("The centre opens at 9 p.m. on weekdays.", "9 p.m.", "9 p.m."),  # has it: unchanged
    ("It ends in 2030. Then it stops.", "2030", "2030"),  # no abbreviation: the full stop stays out
    ("They met the CEO. Then they left.", "the CEO", "the CEO"),
    ("See the file notes.md. It lists them.", "notes.md", "notes.md"),  # a file name: not letters and dots
])
def test_abbreviation_dot_table(text, part, expected):
    a, b = _span(text, part)
    assert text[a:abbreviation_dot(text, a, b)] == expected


def test_addresses_found():
    assert [TEXT[a:b] for a, b in addresses(TEXT)] == ["leadfree@brackwater.example"]
    assert [URL[a:b] for a, b in addresses(URL)] == ["https://www.city.gov.uk/tram-line"]


@given(st.text(alphabet="ab.@/: \n,wh", max_size=40), st.integers(0, 40), st.integers(0, 40))
def test_widened_span_holds_the_span_and_whole_addresses(text, i, j):
    a, b = sorted((min(i, len(text)), min(j, len(text))))
    a2, b2 = whole_address(text, a, b)
    assert a2 <= a and b <= b2
    for s, e in addresses(text):
        assert not (s < b2 and a2 < e) or (a2 <= s and e <= b2)


@pytest.mark.slow
def test_the_reader_cut_address_is_answered_whole(tmp_path):
    from statementqa.pipeline import Pipeline

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "lead.txt").write_text(
        "Free water filters can be collected at the authority's office on Quay Street.\n"
        "Questions about the programme can be sent to leadfree@brackwater.example or raised at a drop-in session on June 23.\n",
        encoding="utf-8")
    ans = Pipeline(corpus=corpus, data_dir=tmp_path / "d").ask("Where can questions about the programme be sent?")
    assert not ans.abstained and ans.text == "leadfree@brackwater.example"


@given(st.text(alphabet="ab.@/: \n\t,wh\r", max_size=60), st.integers(0, 60), st.integers(0, 60))
def test_searching_the_touched_words_equals_searching_the_whole_text(text, i, j):
    """``whole_address`` searches only the words the span touches; the same as a whole-text search."""
    a, b = sorted((min(i, len(text)), min(j, len(text))))
    ref_a, ref_b = a, b
    for s, e in addresses(text):
        if s < ref_b and ref_a < e and not (ref_a <= s and e <= ref_b):
            ref_a, ref_b = min(ref_a, s), max(ref_b, e)
    assert whole_address(text, a, b) == (ref_a, ref_b)
