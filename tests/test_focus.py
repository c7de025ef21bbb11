"""reader.focus: the things a question names (a table), which retrieved documents are off topic
(a table over texts), and the real pipeline over press-dev's four documents, where "the campaign"
questions were answered from the flood agreement and the parking FAQ."""
from __future__ import annotations

from pathlib import Path

import pytest

from statementqa.reader.focus import (
    in_passing,
    in_title,
    is_about,
    mentions,
    off_topic,
    subject_terms,
    subject_words,
    unnamed,
    work,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("question, words", [
    ("When does the campaign start?", ["campaign"]),
    ("What does the campaign protect against?", ["campaign"]),
    ("How much does a permit cost?", ["permit"]),
    ("Who is the prime minister?", ["prime"]),  # no tagger: the first word after the article
    ("What is the first area of collaboration?", ["area"]),  # "first" is skipped
    ("Who will chair the new joint authority?", ["joint"]),
    ("What did the Joint Statement outline?", []),  # capitalised: a name (reader.names checks those)
    ("The meeting was held where?", ["meeting"]),
    ("Is it true that they met?", []),  # "that" is not read as a determiner
    ("Where did Nielsen meet them?", []),
    ("What are these vaccines for, and who pays the doctors?", ["vaccines", "doctors"]),
])
def test_subject_words(question, words):
    assert subject_words(question) == words


TEXTS = {
    "health": "The campaign will run from October 14 to December 20. The campaign's vaccines are free.",
    "faq": "When does the scheme start? The scheme starts on April 1. A permit costs 120 dollars.",
    "flood": "That ends today. The campaign for sea walls ends next year.",
    "paragraph": "The term was coined in 1870. The term is used for ctenophores, which eat ten times their weight.",
}
TITLES = {"health": "Winter vaccination campaign", "faq": "Parking scheme questions", "flood": "Coastal towns agree",
          "paragraph": "Ctenophora-00047"}


@pytest.mark.parametrize("question, ids, expect", [
    ("When does the campaign start?", ["faq", "health"], {"faq"}),  # health is about a campaign, faq never says one
    ("When does the campaign start?", ["faq", "health", "flood"], {"faq"}),  # flood mentions one: not off topic
    ("When does the scheme start?", ["faq", "health"], {"health"}),  # the FAQ's title names the scheme
    ("How much does a permit cost?", ["faq", "health"], set()),  # "permit" once: nobody is about it
    ("What is the term for a comb jelly?", ["paragraph", "health"], set()),  # twice is not about: SQuAD's wording
    ("When does the campaign start?", ["faq"], set()),  # one document retrieved: nothing to compare
    ("When does it start?", ["faq", "health"], set()),  # names nothing
    ("Who pays for the parking?", ["faq", "health"], {"health"}),  # the FAQ's title names parking
    ("Who pays for the doctors?", ["faq", "health"], set()),  # neither names doctors
    ("When does the campaign start?", ["health", "health", "faq"], {"faq"}),  # passages of one document
    ("How much does a ctenophora eat?", ["paragraph", "health"], {"health"}),  # the title: about it
    ("How much does a ctenophora eat?", ["paragraph", "paragraph"], set()),
])
def test_off_topic(question, ids, expect):
    assert off_topic(question, TEXTS, ids, TITLES) == expect


def test_paragraphs_of_one_work_are_never_off_topic_to_each_other():
    """SQuAD end to end (one document per paragraph): "What is the effect of testosterone on the male
    immune system?" must not pass over the paragraph that answers it because another paragraph of
    the same article names "male" three times (0.29 F1 lost on the calibration part before this)."""
    texts = {"a": "Testosterone is immunosuppressive.", "b": "The male, the male and the male differ."}
    q = "What is the effect of testosterone on the male immune system?"
    assert off_topic(q, texts, ["a", "b"], {"a": "Immune_system-00101", "b": "Immune_system-00102"}) == set()
    assert off_topic(q, texts, ["a", "b"], {"a": "Immune_system-00101", "b": "Zoology-00007"}) == {"a"}
    assert work("Immune_system-00101") == work("Immune_system-00102") != work("Zoology-00007")


def test_about_and_mentions():
    assert is_about(TEXTS["health"], "campaign", TITLES["health"]) and not is_about(TEXTS["health"], "campaign")
    assert is_about(TEXTS["health"] + " The campaign ends.", "campaign")  # three times
    assert not is_about(TEXTS["flood"], "campaign", TITLES["flood"])
    assert mentions(TEXTS["flood"], "campaign") and not mentions(TEXTS["faq"], "campaign")
    assert mentions(TEXTS["paragraph"], "ctenophora") and not is_about(TEXTS["paragraph"], "term")
    assert unnamed("When does the campaign start?", [TEXTS["faq"]]) == {"campaign"}
    assert unnamed("When does the campaign start?", [TEXTS["faq"], TEXTS["flood"]]) == set()


def test_named_in_passing_and_in_a_title():
    """"When was the notice issued?": a security alert says "closed without notice" once (in passing),
    a flood agreement never; the notice to mariners' title names it."""
    texts = {"alert": "The road may be closed without notice.", "flood": "The ministry issued a statement on May 14."}
    titles = {"alert": "Security Alert: Demonstrations", "flood": "Coastal towns agree"}
    q = "When was the notice issued?"
    assert in_passing(q, texts, titles) == subject_terms(q) == {"notic"}
    assert in_title("Notice to Mariners No. 14/2026: Dredging of the North Channel", "notic")
    assert not in_title(titles["alert"], "notic")
    about = {**texts, "alert": "Notice: a notice. Another notice."}  # three times: the alert is about notices
    assert in_passing(q, about, titles) == set()
    assert in_passing(q, {"flood": texts["flood"]}, titles) == set()  # never named: ``unnamed``'s case
    assert in_passing(q, texts, {**titles, "alert": "Notice of closure"}) == set()  # its title names it


def test_subject_terms_are_bm25_stems():
    assert subject_terms("When do the vaccinations start?") == subject_terms("When does the vaccination start?")


@pytest.fixture(scope="module")
def press(tmp_path_factory):
    from statementqa.pipeline import Pipeline

    return Pipeline(corpus=REPO / "eval" / "data" / "press-dev" / "corpus", data_dir=tmp_path_factory.mktemp("press-focus"))


@pytest.mark.slow
@pytest.mark.parametrize("question, expect", [
    ("When does the campaign start?", "October 14"),  # was "April 1": the parking scheme's start
    ("When will the campaign end?", "December 20"),  # was "today" ("That ends today", the flood document):
    # no passage of the campaign's document was retrieved; a second search within it found one
])
def test_a_question_about_the_campaign_is_answered_from_the_campaigns_document(press, question, expect):
    ans = press.ask(question)
    assert not ans.abstained and ans.text == expect
    assert press.index.docs[ans.doc_id].title == "Winter vaccination campaign for older adults"


@pytest.mark.slow
def test_the_second_search_stays_within_the_chosen_documents(press):
    """"Ask within" (``docs=``) still holds: asked within the parking FAQ only, no campaign passage is read."""
    faq = next(d for d, doc in press.index.docs.items() if "parking" in doc.title.lower())
    r = press.read("When will the campaign end?", docs=[faq])
    assert {p.doc_id for p in r.passages} == {faq}


@pytest.mark.slow
def test_one_document_is_never_widened(pipeline):
    """The statement alone: the passages read are retrieval's, none added."""
    r = pipeline.read("When will the campaign end?")
    assert len(r.passages) == len(r.result.hits)


@pytest.mark.slow
def test_no_passage_of_another_topic_is_added_for_a_word_the_question_shares_with_it(tmp_path):
    """SQuAD-like: the paragraph on heat never says "exchange"; another document is about a stock
    exchange. Its passages are far from the question in meaning, so none is read, and the answer
    stays the heat paragraph's."""
    from statementqa.pipeline import Pipeline
    from statementqa.reader.names import mentionable_text

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "physics.txt").write_text("\n\n".join([
        "Heat transfer between bodies is associated with nonconservative forces.",
        "Friction turns motion into heat, and heat flows from hot bodies to cold ones.",
        "Energy is conserved in a closed system, whatever forces act within it.",
        "Conservative forces store energy that can be recovered as motion.",
        "Nonconservative forces such as friction dissipate energy as heat.",
        "Temperature measures the average kinetic energy of the particles of a body.",
        "A body that absorbs heat without a change of phase grows warmer."]) + "\n", encoding="utf-8")
    (corpus / "markets.txt").write_text(
        "The stock exchange opened in 1817. The exchange lists two hundred companies. Trading on the exchange "
        "starts at nine.\n", encoding="utf-8")
    p = Pipeline(corpus=corpus, data_dir=tmp_path / "d")
    q = "What is the exchange of heat associated with?"
    r = p.read(q)
    # the path is taken: no retrieved document mentions "exchange", and the markets one is about it ...
    assert unnamed(q, [mentionable_text(p.index.docs[h.passage.doc_id]) for h in r.result.hits]) == {"exchang"}
    markets = next(d for d in p.index.docs.values() if d.title.endswith("markets.txt"))
    assert is_about(mentionable_text(markets), "exchang")
    # ... but its passages are far from the question in meaning: none is read
    assert len(r.passages) == len(r.result.hits)
    ans = p.ask("What is the exchange of heat associated with?")
    assert ans.abstained or p.index.docs[ans.doc_id].title.endswith("physics.txt")


@pytest.fixture(scope="module")
def press4(tmp_path_factory):
    """press-dev's first four documents, the corpus the next test was written on (with more documents
    retrieval no longer brings the campaign's document at all, and ``_on_topic`` adds its passages)."""
    from tests.press_fixtures import press_pipeline

    return press_pipeline(tmp_path_factory.mktemp("press4"), tmp_path_factory.mktemp("press4-data"),
                          "coastal-flood-agreement-2021-05-14", "rail-safety-review-2023-03-02", "parking-permit-faq",
                          "health-campaign-2024-10-07")


@pytest.mark.slow
def test_passages_of_off_topic_documents_give_way_to_the_topics_next_passages(press4):
    """"What does the campaign protect against?" read one passage of the campaign's document and two
    of others, and abstained; those two never mention a campaign, so the campaign's next passages
    are read instead (as many passages as retrieval gave), and one of them answers."""
    from statementqa.reader.names import mentionable_text

    press = press4
    q = "What does the campaign protect against?"
    r = press.read(q)
    assert len(r.passages) == len(r.result.hits)
    retrieved = {h.passage.doc_id for h in r.result.hits}
    assert len(retrieved) > 1 and {p.doc_id for p in r.passages} < retrieved
    assert all(mentions(mentionable_text(press.index.docs[p.doc_id]), "campaign") for p in r.passages)
    ans = press.ask(q)
    assert not ans.abstained and ans.text == "influenza and RSV"
    assert press.index.docs[ans.doc_id].title == "Winter vaccination campaign for older adults"


@pytest.mark.slow
def test_a_question_naming_nothing_reads_retrievals_passages(press):
    """No thing named after an article: nothing is off topic, the passages are retrieval's own."""
    r = press.read("Who signed it?")
    assert [p.passage_id for p in r.passages] == [h.passage.passage_id for h in r.result.hits]


@pytest.mark.slow
def test_the_campaign_question_among_all_press_dev_documents(press):
    """With all of press-dev's documents the campaign's document is not retrieved for it at all; the
    passages added for the campaign (``Pipeline._on_topic``) answer."""
    ans = press.ask("What does the campaign protect against?")
    assert not ans.abstained and ans.text == "influenza and RSV"
    assert press.index.docs[ans.doc_id].title == "Winter vaccination campaign for older adults"


@pytest.mark.slow
def test_a_thing_named_in_passing_reads_the_document_whose_title_names_it(press):
    """Among press-dev's documents "When was the notice issued?" retrieved only the security alert
    ("... closed without notice") and the flood agreement ("issued the following statement on May
    14") and answered "May 14"; the notice to mariners, whose title names the notice, is now read.
    Since the fifteenth session press-dev has a second notice whose title names it (a boil water
    notice, "Issued: 25 November 2026, 6.40pm"): either notice's day answers, never another document's."""
    ans = press.ask("When was the notice issued?")
    days = {"Notice to Mariners": "2 April 2026", "Boil water notice": "25 November 2026"}
    title = press.index.docs[ans.doc_id].title if ans.doc_id else ""
    assert not ans.abstained and any(title.startswith(t) and ans.text.startswith(d) for t, d in days.items()), (title, ans.text)
