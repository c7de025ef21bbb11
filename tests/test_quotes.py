"""Quotations and their speakers (a table of press-release patterns), the reader prefix for a
passage cut from inside a quotation, and the reader's guarantee that the prefix is never answered."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.reader.model import Reader
from statementqa.retrieval.quotes import contexts, passage_context, quotes
from statementqa.retrieval.types import Document, Passage


@pytest.mark.parametrize("text, speakers", [
    ("“We will act,” said Secretary Nielsen.", ["Secretary Nielsen"]),
    ("“We will act,” Nielsen said.", ["Nielsen"]),
    ("Minister Ruiz said: “Borders matter.”", ["Minister Ruiz"]),
    ('"Borders matter," the minister said.', [None]),  # a common noun is not a name
    ("“One,” said Ana Ruiz. “Two is the second sentence of a longer quotation,” she added.", ["Ana Ruiz", "Ana Ruiz"]),
    # an unattributed long quotation right after an attributed one, same paragraph: same speaker
    ("“One,” said Ana Ruiz. “I thank my counterparts for their determination to cooperate.”", ["Ana Ruiz", "Ana Ruiz"]),
    # ... but not in the next paragraph, and not a short scare quote
    ("“One,” said Ana Ruiz.\n“I thank my counterparts for their determination to cooperate.”", ["Ana Ruiz", None]),
    ("“One,” said Ana Ruiz. The “compact” is new.", ["Ana Ruiz", None]),
    ("The “regional compact” and the “root causes” of migration.", [None, None]),
    ("“Hello,” she said.", [None]),  # a pronoun with no named speaker before it
    ("No quotations here.", []),
    # a role in apposition gives way to the name after it, before or after the quotation
    ('"We are sorry," said Eastvale Water\'s operations director, Neil Armitage.', ["Neil Armitage"]),
    ("“Strong quarter,” said the company’s chief executive, Ruth Adeyemi.", ["Ruth Adeyemi"]),
    ("Ruth Adeyemi, the company's chief executive, said: “Strong quarter.”", ["Ruth Adeyemi"]),
    # a title with "of" is part of the name; "of the <organisation>" is where the person works
    ('"It matters," said Director of Environment and Highways Graham Tull.',
     ["Director of Environment and Highways Graham Tull"]),
    ('Sergeant Leona Price of the Roads Policing Unit said: "We are keen to speak to anyone."', ["Sergeant Leona Price"]),
    ('"Act now," said Ana Ruiz of the Health Ministry.', ["Ana Ruiz"]),
])
def test_speakers(text, speakers):
    found = quotes(text)
    assert [q.speaker for q in found] == speakers
    for q in found:
        assert text[q.start] in "“\"" and text[q.end - 1] in "”\""


STATEMENT_LIKE = ("Secretary Kirstjen Nielsen met the ministers. “Today, we have declared a commitment. And we "
                  "will act,” said Secretary Nielsen. “Criminals exploit people. Enough is enough. We cannot "
                  "allow children to be used as pawns,” she added.")


@pytest.mark.parametrize("sentence, prefix", [
    ("We cannot allow children", "Secretary Nielsen said: "),   # inside a quotation, no name in the passage
    ("Enough is enough.", "Secretary Nielsen said: "),
    ("And we will act,” said Secretary Nielsen.", ""),          # the passage names the speaker
    ("Secretary Kirstjen Nielsen met the ministers.", ""),      # not quoted
])
def test_passage_context(sentence, prefix):
    a = STATEMENT_LIKE.index(sentence)
    b = a + len(sentence)
    assert passage_context(STATEMENT_LIKE, a, b, quotes(STATEMENT_LIKE)) == prefix


def test_contexts_follow_the_passages_documents():
    doc = Document("d1", STATEMENT_LIKE)
    a = STATEMENT_LIKE.index("We cannot")
    ps = [Passage("p1", "d1", (4,), a, len(STATEMENT_LIKE), STATEMENT_LIKE[a:]),
          Passage("p2", "d1", (0,), 0, 44, STATEMENT_LIKE[:44]),
          Passage("p3", "missing", (0,), 0, 5, "Hello")]
    assert contexts(ps, {"d1": doc}) == ["Secretary Nielsen said: ", "", ""]


@pytest.fixture(scope="module")
def shipped_reader():
    return Reader()


@settings(max_examples=25, deadline=None)
@given(prefix=st.text(alphabet="abc XYZ:.", min_size=0, max_size=40))
def test_prefix_is_read_but_never_answered(shipped_reader, prefix):
    passages = ["We cannot allow children to be used as pawns on the terrible journey north.",
                "Ministers agreed to complete the final agreement next month."]
    out = shipped_reader.read("What did Nielsen say about children?", passages, [prefix, ""])
    assert out.spans
    for s in out.spans:
        assert 0 <= s.start < s.end <= len(passages[s.passage])


def test_empty_context_is_no_context(shipped_reader):
    ps = ["We cannot allow children to be used as pawns on the terrible journey north."]
    q = "Which journey is terrible?"
    assert shipped_reader.read(q, ps).spans == shipped_reader.read(q, ps, [""]).spans


def test_speaker_prefix_makes_a_quoted_passage_answerable(shipped_reader):
    """The case that motivated the prefix: without the speaker the reader says "no answer"."""
    p = ["We cannot allow children to be used as pawns or women to be sexually assaulted or migrants to "
         "become victims of violence on the terrible journey north. We must put an end to this crisis."]
    q = "Which journey did Nielsen describe as terrible?"
    bare = shipped_reader.read(q, p).spans[0]
    told = shipped_reader.read(q, p, ["Secretary Nielsen said: "]).spans[0]
    assert bare.score - bare.null_score < 0 < told.score - told.null_score
    assert "north" in p[0][told.start:told.end]


@pytest.mark.parametrize("question, expect, sentence", [
    ("Whom did Nielsen thank?", "foreign counterparts", 8),
    ("Which journey did Nielsen describe as terrible?", "north", 6),
])
def test_questions_about_the_quotation_are_answered(pipeline, question, expect, sentence):
    """Before the speaker prefix both abstained: the passages inside the quotation lack "Nielsen"."""
    ans = pipeline.ask(question)
    assert not ans.abstained and expect in ans.text
    assert sentence in [c.sentence_index for c in ans.citations]


BAL = ("“Criminals show little regard for the welfare of the vulnerable people they exploit. Enough is enough.” "
       "The Joint Statement seeks to address the “root causes” of irregular migration and a “regional compact” too. "
       'They are called "ctenes," or "comb plates".')


@pytest.mark.parametrize("span, expected", [
    ("“Criminals show little regard", "Criminals show little regard"),  # opens a long quotation: mark dropped
    ("Enough is enough.”", "Enough is enough."),  # closes a long quotation it did not open
    ("the “root causes", "the “root causes”"),  # cuts a short quotation: completed
    ("root causes” of irregular migration", "“root causes” of irregular migration"),
    ("regional", "regional compact"),  # inside a short quotation: the quoted words
    ("ctenes", "ctenes"),  # ... without the comma written inside the marks
    ("comb", "comb plates"),
    ("little regard for the welfare", "little regard for the welfare"),  # inside a long quotation: unchanged
    ("The Joint Statement", "The Joint Statement"),  # no marks: unchanged
])
def test_balance_quotes(span, expected):
    from statementqa.retrieval.quotes import balance_quotes

    a = BAL.index(span)
    s, e = balance_quotes(BAL, a, a + len(span), quotes(BAL))
    assert BAL[s:e] == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab “”\",.", min_size=1, max_size=60), st.data())
def test_balance_quotes_stays_inside_the_text(text, data):
    from statementqa.retrieval.quotes import balance_quotes

    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a + 1, len(text)))
    s, e = balance_quotes(text, a, b, quotes(text))
    assert 0 <= s <= e <= len(text)
    if not any(ch in text for ch in "“”\""):
        assert a <= s <= e <= b and text[s:e] == text[a:b].strip()
