"""Answer assembly's span trimming (reader.assemble.trim_span, one_paragraph): tables of spans, and
their invariants under hypothesis (the trimmed span lies inside the given one, starts at neither a
marker nor whitespace, holds no blank line, and trimming twice changes nothing)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.reader.assemble import one_paragraph, trim_span


@pytest.mark.parametrize("span, trimmed", [
    ("# Harbour bridge to close", "Harbour bridge to close"),  # a Markdown heading
    ("## Cost and funding", "Cost and funding"),
    ("  ###   Title\n", "Title"),
    ("- Strengthening Border Security", "Strengthening Border Security"),  # a list item's marker
    ("- ## Heading in a list", "Heading in a list"),
    ("• item", "item"),
    ("#1 hit single", "#1 hit single"),  # not a heading's marker
    ("#MeToo movement", "#MeToo movement"),
    ("C# and F#", "C# and F#"),
    ("# ", ""),
    ("Hanna Lund\n\n*", "Hanna Lund"),  # the next line's opening emphasis mark (a Markdown byline)
    ("Title\n**", "Title"),
    ("a\n*\n_", "a"),
    ("*a*", "a*"),  # a closing mark on the same line stays
])
def test_trim_span(span, trimmed):
    a, b = trim_span(span, 0, len(span))
    assert span[a:b] == trimmed


def _narrowed(cut, text: str, data) -> tuple[int, int]:
    """``cut`` (a span-trimming function) on a span of ``text`` drawn by hypothesis: the result lies
    within the span and ``cut`` leaves it as it is (checked here); returned for the caller's own checks."""
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    a2, b2 = cut(text, a, b)
    assert a <= a2 <= b2 <= b
    assert cut(text, a2, b2) == (a2, b2)
    return a2, b2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab #-*_•\n\t", max_size=30), st.data())
def test_trim_span_invariants(text, data):
    a2, b2 = _narrowed(trim_span, text, data)
    if a2 < b2:
        assert text[a2] not in " \t\r\n-–—•*" and text[b2 - 1] not in " \t\r\n"


@pytest.mark.parametrize("span, kept", [
    ("Hedda\n\nThe National Weather Service", "The National Weather Service"),  # a title's last word, then the text
    ("The National Weather Service\n\n## How", "The National Weather Service"),
    ("a\n \nbb\n\nc", "bb"),
    ("Ashbury Leisure Centre", "Ashbury Leisure Centre"),  # no blank line: unchanged
    ("one line\nthe next line", "one line\nthe next line"),  # a single line break is no paragraph's end
])
def test_one_paragraph(span, kept):
    a, b = one_paragraph(span, 0, len(span))
    assert span[a:b] == kept


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab #-\n\t", max_size=30), st.data())
def test_one_paragraph_invariants(text, data):
    a2, b2 = _narrowed(one_paragraph, text, data)
    piece = text[a2:b2]
    assert all(line.strip() for line in piece.split("\n")[1:-1]) or "\n" not in piece  # no blank line inside
