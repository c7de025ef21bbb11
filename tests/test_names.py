"""Names a question uses that the answer's document never mentions (reader.names): a table of
questions x documents, the forms that count as a mention, and the pipeline: the Guatemala question
abstains and says why, through the library, the command line and the chat; ``--name-check off``;
questions typed in lower case (reader.propernames: its rule on a table of texts, save/load, the
shipped list equal to its build, the pipeline)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.reader.names import names, unknown_names
from tests.conftest import SQUAD_DIR

DOC = ("U.S. Department of Homeland Security issued the following announcement. Secretary Kirstjen M. Nielsen "
       "met ministers in San Salvador and hopes Mexico will join. The Skłodowska-Curié Institute and Western allies "
       "attended the Scottish Parliament's council meeting.")


@pytest.mark.parametrize("question, missing", [
    ("Which agency of Guatemala signed the statement?", ("Guatemala",)),
    ("What did the Paris ministers agree?", ("Paris",)),
    ("Where did Nielsen meet the ministers?", ()),
    ("What did Nielsen's counterparts say?", ()),  # possessive
    ("Did Nielsen meet Mexican officials?", ()),  # Mexican / Mexico
    ("When did DHS issue the announcement?", ()),  # initials of Department of Homeland Security
    ("When did the FBI issue the announcement?", ("FBI",)),
    ("What did Mrs. Nielsen say?", ()),  # a title is not a name
    ("What did the Skłodowska-Curie Institute do?", ()),  # accents
    ("Who met at the Scottish Parliament Counil?", ()),  # a typo one edit away
    ("Which allies of the West attended?", ()),  # a longer word it begins: Western
    ("Where is Scotland?", ("Scotland",)),  # "Scottish" shares only four letters: not taken as a mention
    # Every content word capitalised, yet no title case: names and the document's own capitalised terms.
    ("What did Congress say about the Scottish Parliament?", ("Congress",)),
    ("What did Nielsen tell Obama?", ("Obama",)),
    ("What did Congresd say about the Scottish Parliament?", ("Congresd",)),  # a typo no word list knows
    ("What Did The Ministers Say About Guatemala?", ()),  # title case: "ministers" is a common word
    ("Who Signed The Treaty In Paris?", ()),
])
def test_unknown_names(question, missing):
    assert unknown_names(question, DOC) == missing


@pytest.mark.parametrize("question, found", [
    ("Which agency of Guatemala signed it?", ["Guatemala"]),
    ("Guatemala signed what?", []),  # the first word is capitalised anyway
    ("WHICH AGENCY OF GUATEMALA SIGNED IT?", []),  # capitals say nothing
    ("Which Agency Of Guatemala Signed The Statement?", []),  # title case
    ("What did the US and EU sign?", []),  # two letters: not checked
    ("When did NATO meet Nielsen?", ["NATO", "Nielsen"]),
])
def test_names(question, found):
    assert names(question) == found


@pytest.mark.parametrize("question, capitalised, found", [
    ("What did Congress say about the Joint Statement?", {"joint", "statement"}, ["Congress", "Joint", "Statement"]),
    ("What did Congress say about the Joint Statement?", set(), []),  # "joint": common, not the document's term
    ("What did Congress say about the Joint Statement?", None, []),  # no document: as before, title case
    ("Who Signed The Joint Statement?", {"joint", "statement"}, []),  # "signed": common
    ("When did Tesla meet Edison?", set(), ["Tesla", "Edison"]),
])
def test_names_with_the_documents_capitals(question, capitalised, found):
    assert names(question, None if capitalised is None else frozenset(capitalised)) == found


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcXYZ éł'’- ?", max_size=60), st.text(alphabet="abcXYZ éł'’- .", max_size=120))
def test_unknown_names_are_question_words_and_absent_from_a_document_that_is_the_question(q, doc):
    missing = unknown_names(q, doc)
    assert all(w in q for w in missing)
    assert unknown_names(q, q + " " + doc) == ()  # every name is mentioned in a text that holds it


def test_pipeline_abstains_and_says_which_name(pipeline):
    from statementqa.cli import format_answer
    from statementqa.render import format_answer_md

    ans = pipeline.ask("Which agency of Guatemala signed the statement?")
    assert ans.abstained and ans.not_mentioned == ("Guatemala",) and ans.text == "" and not ans.citations
    assert ans.confidence < pipeline.threshold()
    assert ans.to_dict()["not_mentioned"] == ["Guatemala"]
    assert format_answer(ans).startswith("The documents do not mention “Guatemala”.")
    assert "The documents do not mention “Guatemala”." in format_answer_md(ans)
    # The list rule does not answer what the documents never mention.
    assert pipeline.ask("Which area concerns Guatemala?").not_mentioned == ("Guatemala",)
    ok = pipeline.ask("Which country does Secretary Nielsen hope will also participate?")
    assert not ok.abstained and not ok.not_mentioned and ok.text == "Mexico"

    from statementqa.pipeline import Pipeline

    off = Pipeline(corpus=pipeline.settings.corpus, data_dir=pipeline.settings.data_dir, name_check="off")
    assert off.ask("Which agency of Guatemala signed the statement?").not_mentioned == ()


@pytest.mark.parametrize("question, doc, missing", [
    ("What Governor died in 1725?", "The governor died in 1726.", ("1725",)),
    ("What city has a population of 3,792,261?", "Its population was 3792261 in 2010.", ()),
    ("What city has a population of 3,792,261?", "Its population was 3,792,261.", ()),
    ("How many died in 21 days?", "It lasted 121 days.", ("21",)),
    ("What happened in 3 days?", "Nothing.", ()),  # one digit: not checked (often written as a word)
    ("What did Baran develop in the late 1950's?", "In the late 1950s Baran developed it.", ()),  # a decade
])
def test_unknown_numbers(question, doc, missing):
    assert unknown_names(question, doc) == missing


def test_metadata_counts_as_mentioned(pipeline):
    # The statement's text gives no year; its metadata's date does.
    ans = pipeline.ask("Where did Nielsen meet the ministers in February 2019?")
    assert "2019" not in ans.not_mentioned
    assert pipeline.ask("Where did Nielsen meet the ministers in February 2017?").not_mentioned == ("2017",)


def test_assembly_names_the_document_when_others_may_mention_it():
    from statementqa.reader.assemble import assemble
    from statementqa.reader.model import ReadOut, Span
    from statementqa.reader.squad import ParagraphIndex
    from statementqa.render import headline
    from statementqa.retrieval.chunk import chunk
    from statementqa.retrieval.segment import segment
    from statementqa.retrieval.types import Document

    a = Document("a", "The ministry signed the accord.", meta={"title": "The accord"})
    b = Document("b", "Guatemala hosted a summit.", path="/docs/summit.txt")
    passages = chunk(a.text, segment(a.text, "a"))
    out = ReadOut([Span(0, 4, 12, 9.0, 1.0)])  # "ministry", confidently
    cal = {"a": 1.0, "b": 0.0, "threshold": 0.5}
    q = "Which agency of Guatemala signed the accord?"
    both = ParagraphIndex({"a": a, "b": b}, {"a": segment(a.text, "a"), "b": segment(b.text, "b")})
    ans = assemble(q, passages, out, both, cal)
    assert ans.abstained and ans.not_mentioned == ("Guatemala",) and ans.not_mentioned_in == "The accord"
    assert headline(ans) == "Not answered: “The accord”, where the answer was found, does not mention “Guatemala”."
    alone = ParagraphIndex({"a": a}, {"a": segment(a.text, "a")})
    ans = assemble(q, passages, out, alone, cal)
    assert ans.not_mentioned_in == "" and headline(ans) == "The documents do not mention “Guatemala”."
    ok = assemble("Which agency signed the accord?", passages, out, both, cal)
    assert not ok.abstained and ok.text == "ministry" and ok.confidence > 0.99


# -- questions typed in lower case (reader.propernames) ------------------------------------------

@pytest.mark.parametrize("question, found", [
    ("which agency of guatemala signed the statement?", ["guatemala"]),
    ("Which agency of guatemala signed the statement?", ["guatemala"]),  # a phone capitalises the first letter
    ("where did nielsen meet the ministers?", ["nielsen"]),
    ("what did the ministers agree to?", []),
    ("what is one avenue for growth?", []),  # a street's "Avenue" is a name; the word is not
    ("guatemala signed what?", []),  # the first word is not checked, as in a cased question
    ("which agency of Guatemala signed it?", ["Guatemala"]),  # a capitalised word: the cased rule
    ("what did DHS sign with guatemala?", ["DHS", "guatemala"]),  # initials are names and do not make it cased
    ("NATO met whom in guatemala?", ["NATO", "guatemala"]),
])
def test_names_in_lower_case(question, found):
    assert names(question) == found


@pytest.mark.parametrize("question, missing", [
    ("which agency of guatemala signed the statement?", ("guatemala",)),
    ("where did nielsen meet the ministers?", ()),
    ("did nielsen meet mexican officials?", ()),  # mexican / Mexico, as for capitalised names
    ("where is scotland?", ("scotland",)),
])
def test_unknown_names_in_lower_case(question, missing):
    assert unknown_names(question, DOC) == missing


@pytest.mark.parametrize("contexts, listed", [
    (["He met Smith in Oslo. Then Smith and Oslo again."], ["oslo", "smith"]),
    (["Smith left. Smith left."], []),  # only ever first in a sentence: capitalised anyway
    (["He met Smith, and a smith, and Smith."], []),  # capitalised 2 of 3: a common word too
    (["We saw Ed and Ed."], []),  # two letters
    (["“Oslo is far,” he said of Oslo and Oslo."], ["oslo"]),  # after an opening quotation mark: not counted
    (["They met in Quebec, in Québec."], ["quebec"]),  # folded: accents dropped
])
def test_propernames_rule(contexts, listed):
    from statementqa.reader.propernames import count, select

    assert select(*count(contexts)) == listed


def test_propernames_save_load_and_the_shipped_list(tmp_path):
    import json

    from statementqa.reader import propernames

    data = {"manifest": {"words": 2}, "words": ["guatemala", "oslo"]}
    propernames.save(data, tmp_path / "p.json")
    assert json.loads((tmp_path / "p.json").read_text(encoding="utf-8")) == data
    assert propernames.load(tmp_path / "p.json") == frozenset(data["words"])
    assert propernames.load(tmp_path / "missing.json") == frozenset()
    shipped = json.loads(propernames.PATH.read_text(encoding="utf-8"))
    words = shipped["words"]
    assert shipped["manifest"]["words"] == len(words) > 10_000 and words == sorted(set(words))
    assert all(len(w) >= 3 and w == w.lower() for w in words)
    assert {"guatemala", "honduras", "mexico", "nielsen", "paris", "warsaw"} <= set(words)
    assert not {"avenue", "street", "river", "the", "minister", "statement"} & set(words)


@pytest.mark.skipif(not (SQUAD_DIR / "train-v1.1.json.gz").exists(), reason="needs ../shared/data/squad (the app does not)")
def test_shipped_propernames_are_what_the_build_makes():
    import json

    from statementqa.reader import propernames

    assert propernames.build(SQUAD_DIR) == json.loads(propernames.PATH.read_text(encoding="utf-8"))


def test_pipeline_abstains_on_a_lower_case_question(pipeline):
    ans = pipeline.ask("which agency of guatemala signed the statement?")
    assert ans.abstained and ans.not_mentioned == ("guatemala",) and not ans.citations
    ok = pipeline.ask("which country does secretary nielsen hope will also participate?")
    assert not ok.abstained and ok.text == "Mexico"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdeXYZ éłü'’-,. \n", max_size=300))
def test_document_stems_are_the_whole_texts_stems(text):
    """``_document`` stems each distinct word once; the set equals stemming the whole text."""
    from statementqa.reader.names import _document, fold
    from statementqa.retrieval.lexical import terms

    assert _document(text).stems == frozenset(terms([fold(text)])[0])


@pytest.mark.parametrize("question, words, joined", [
    ("Did the mayors sign the Letter of Intent in Hollow Bay?", ("Hollow", "Bay"), ["Hollow Bay"]),
    ("Which agency of New Guatemala met the Paris team in 1999?", ("New", "Guatemala", "Paris", "1999"),
     ["New Guatemala", "Paris", "1999"]),
    ("Did Nielsen meet them in Mexico?", ("Nielsen", "Mexico"), ["Nielsen", "Mexico"]),
    ("What did Bay say?", (), []),
])
def test_names_next_to_each_other_are_one_phrase(question, words, joined):
    from statementqa.render import phrases

    assert phrases(question, words) == joined


def test_a_yes_no_answer_says_when_its_sentence_cannot_decide(pipeline):
    """A yes/no question whose cited sentence lacks a name of the question (one the statement has
    elsewhere, so the names check lets it through) is told as the closest sentence, not as deciding."""
    from statementqa.cli import format_answer
    from statementqa.render import format_answer_md, headline, undecided

    # (Was "Did Nielsen meet the ministers in Mexico?", answered from the sentence on the meetings to
    # come; a yes/no question is now dated by its sentence, reader.tense, and that one abstains.)
    ans = pipeline.ask("Will the ministers meet in Mexico next month?")
    assert not ans.abstained and "Mexico" in undecided(ans)
    assert all("Mexico" not in c.text for c in ans.citations)
    assert headline(ans).startswith("This sentence comes closest, but it does not mention") and "“Mexico”" in headline(ans)
    assert "decides it" not in format_answer_md(ans) and "decides it" not in format_answer(ans)
    decided = pipeline.ask("Did Nielsen meet the ministers in San Salvador?")
    assert undecided(decided) == () and headline(decided) == "This sentence decides it:"
    assert undecided(pipeline.ask("Where did the meeting take place?")) == ()  # not a yes/no question
