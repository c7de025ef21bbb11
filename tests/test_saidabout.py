"""'What did X say about Y?' (reader/saidabout.py): the question's speaker and topic, the speaker
matched against the quotations' speakers, the quoted sentence chosen, and the pipeline's answers on
the statement (real retrieval, real reader)."""
from __future__ import annotations

import pytest

from statementqa.reader.saidabout import (
    asks_said_about,
    off_topic_quotation,
    pick_said_about,
    quoted_part,
    said_about,
    speaker_matches,
)
from statementqa.render import format_answer_md, headline
from statementqa.retrieval.quotes import quotes
from statementqa.retrieval.segment import segment


@pytest.mark.parametrize("question, speaker, topic", [
    ("What did Nielsen say about children?", "Nielsen", {"child"}),  # stemmed as BM25 stems it
    ("What did Secretary Nielsen say about the crisis?", "Secretary Nielsen", {"crisi"}),
    ("what does Dr. Park say regarding the price of good health", "Dr. Park", {"price", "good", "health"}),
    ("What has the minister said about websites?", "the minister", {"websit"}),
    ("What did she have to say about the walls?", None, {"wall"}),  # a pronoun: any speaker
    ("What did Ruth Adeyemi state concerning shippers?", "Ruth Adeyemi", {"shipper"}),
])
def test_asks_said_about(question, speaker, topic):
    asked = asks_said_about(question)
    assert asked is not None and asked.speaker == speaker
    assert asked.topic == frozenset(topic)


@pytest.mark.parametrize("question", [
    "What did Nielsen say?",                          # no topic
    "What did she say about it?",                     # a topic of stopwords only
    "What did Nielsen call the commitment?",          # another verb
    "Whom did Nielsen say the countries intend to crack down on?",
    "In modern times, what is said about civil disobedience?",  # SQuAD's: no speaker
    "Where did the meeting take place?",
])
def test_other_questions_are_left_alone(question):
    assert asks_said_about(question) is None


TEXT = ("Councillor Peter Nunes welcomed the plan. Secretary of Homeland Security Kirstjen M. Nielsen met the "
        "ministers.")


@pytest.mark.parametrize("asked, speaker, ok", [
    ("Nunes", "Nunes", True),
    ("Councillor Nunes", "Nunes", True),             # the title is before the surname in the text
    ("Peter Nunes", "Nunes", True),
    ("Paul Nunes", "Nunes", False),                   # another person of that surname
    ("Kirstjen Nielsen", "Secretary Nielsen", True),  # "Kirstjen M. Nielsen" in the text
    ("Dr Park", "Dr. Park", True),                    # dots do not count
    ("the minister", "Minister Ekberg", True),        # common nouns: all in the speaker's title
    ("the prime minister", "Minister Ekberg", False),
    ("Mexico", "Secretary Nielsen", False),
    (None, "Secretary Nielsen", True),                # a pronoun asks any speaker
])
def test_speaker_matches(asked, speaker, ok):
    assert speaker_matches(asked, speaker, TEXT) is ok


DOC = ("The port will dredge the harbour from 20 April. Harbour Master Elena Vasquez said: \"The channel has not "
       "been dredged since 2009. Without this work we would have had to turn away the new ferry service.\"\n\n"
       "\"We know the dredger will be noisy at times, and we are sorry for that,\" she added. \"The fishing fleet "
       "will keep its berths throughout.\"\n\nMayor Tomas Berg welcomed it. \"A deeper harbour means more ships, "
       "and more ships mean jobs,\" Berg said. Our borders matter, the port said.")


@pytest.mark.parametrize("question, expected", [
    ("What did Vasquez say about the channel?", "The channel has not been dredged since 2009."),
    ("What did Elena Vasquez say about the new ferry service?",
     "Without this work we would have had to turn away the new ferry service."),
    ("What did the harbour master say about the fishing fleet?", "The fishing fleet will keep its berths throughout."),
    ("What did Vasquez say about the dredger?", "We know the dredger will be noisy at times, and we are sorry for that"),
    ("What did Mayor Berg say about jobs?", "A deeper harbour means more ships, and more ships mean jobs"),
    ("What did she say about jobs?", "A deeper harbour means more ships, and more ships mean jobs"),
    ("What did Berg say about the channel?", None),           # the channel was Vasquez's
    ("What did Vasquez say about the fishing boats?", None),  # one of two words: not enough
    ("What did the port say about borders?", None),           # not a quotation
    ("What did Vasquez say about the budget?", None),
])
def test_said_about_picks_the_quoted_sentence(question, expected):
    sents = segment(DOC, "d")
    found = pick_said_about(asks_said_about(question), ["d"], {"d": DOC}, {"d": sents}, None)
    if expected is None:
        assert found is None
        return
    assert found is not None and DOC[found.start:found.end] == expected


def test_the_readers_sentence_is_kept_and_widened():
    """The reader's span inside a quoted sentence that holds the topic gives that whole sentence; a
    span in another quotation of the speaker gives way to the one that holds the topic."""
    sents = segment(DOC, "d")
    q = "What did Vasquez say about the new ferry service?"
    a = DOC.index("turn away")
    found = pick_said_about(asks_said_about(q), ["d"], {"d": DOC}, {"d": sents}, ("d", a, a + 9))
    assert found is not None and DOC[found.start:found.end].startswith("Without this work")
    other = DOC.index("dredged since")
    found = pick_said_about(asks_said_about(q), ["d"], {"d": DOC}, {"d": sents}, ("d", other, other + 13))
    assert found is not None and "ferry" in DOC[found.start:found.end]


@pytest.mark.parametrize("question, inside, off", [
    ("What did Vasquez say about the budget?", "dredged since", True),        # her quotation, another topic
    ("What did Vasquez say about the channel?", "dredged since", False),      # it holds the topic
    ("What did Berg say about the budget?", "dredged since", False),          # not Berg's quotation
    ("What did the port say about the budget?", "welcomed it", False),        # not inside a quotation
    ("What was the channel's depth?", "dredged since", False),                # another kind of question
])
def test_off_topic_quotation(question, inside, off):
    """A reader's span inside the asked speaker's quotation that holds none of the topic's words:
    the speaker spoke, of something else, and the pipeline abstains saying so."""
    a = DOC.index(inside)
    sents = segment(DOC, "d")
    why = off_topic_quotation(asks_said_about(question), ("d", a, a + len(inside)), {"d": DOC}, {"d": sents})
    assert why == ("Harbour Master Elena Vasquez is quoted, but not about “the budget”" if off else None)


def test_quoted_part_leaves_out_marks_and_the_closing_comma():
    sents = segment(DOC, "d")
    found = quotes(DOC)
    dredger = next(s for s in sents if "dredger" in s.text)
    a, b = quoted_part(DOC, dredger, next(q for q in found if q.start <= dredger.start < q.end))
    assert DOC[a:b] == "We know the dredger will be noisy at times, and we are sorry for that"
    assert all(DOC[q.start] == '"' for q in found)
    assert said_about(asks_said_about("What did Berg say about more ships?"), ["d"], {"d": DOC}, {"d": sents})


@pytest.mark.parametrize("question, expect, sentence", [
    ("What did Nielsen say about smugglers?", "crack down on smugglers and traffickers", 2),
    ("What did Secretary Nielsen say about the crisis?", "We must put an end to this crisis", 7),
    ("What did Nielsen say about caravans?", "movement of caravans", 8),
    ("What did Kirstjen Nielsen say about justice?", "to bring justice to criminals and gangs", 3),
])
def test_statement_quotations_are_answered(pipeline, question, expect, sentence):
    """Before reader.saidabout the first two abstained and the last two answered with another
    sentence of Nielsen's ('We cannot allow children ...', 'Criminals show little regard ...')."""
    ans = pipeline.ask(question)
    assert not ans.abstained and expect in ans.text
    assert [c.sentence_index for c in ans.citations] == [sentence]
    assert "said" in ans.how


@pytest.mark.parametrize("question", [
    "What did Nielsen say about the border wall?",       # "our borders" is one of two words
    "What did the Guatemalan minister say about the compact?",
    "What did Mexico say about the caravans?",
])
def test_statement_questions_it_does_not_answer(pipeline, question):
    assert pipeline.ask(question).abstained


def test_a_quotation_on_another_topic_is_no_answer(pipeline):
    """Before ``off_topic_quotation`` the reader answered "Criminals show little regard for the
    welfare of the vulnerable people they exploit." (confidence 0.46, above the threshold): Nielsen's
    quotation, but not about the Joint Statement. Her sentence comes back as related, not as an answer."""
    ans = pipeline.ask("What did Nielsen say about the Joint Statement?")
    assert ans.abstained and ans.text == "" and not ans.citations
    assert ans.confidence < pipeline.threshold()
    assert any("Criminals show little regard" in c.text for c in ans.related)
    # the chat and the command line say why
    assert headline(ans) == "Secretary Nielsen is quoted, but not about “the Joint Statement”."
    assert format_answer_md(ans).startswith("**Secretary Nielsen is quoted, but not about “the Joint Statement”.**")
