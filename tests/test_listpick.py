"""List-item answers (reader.listpick): what a question asks for (a table), the lists a passage
overlaps, the pick by words and by position with no model, and the real pipeline (real embedder and
reader) on the lists dev set and the statement: every item question answered with its item and its
list's lead-in cited, every near miss still abstains, and the switch that turns it off; questions
asking for the whole list (a table, the pick, the pipeline, the chat's words)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.reader.assemble import answer_at
from statementqa.reader.listpick import asked, asked_all, list_after, lists_in, pick
from statementqa.retrieval.indexing import IndexParams, segment_corpus
from statementqa.retrieval.types import Document, Passage, Sentence

REPO = Path(__file__).resolve().parent.parent
LISTS_DEV = REPO / "eval" / "data" / "lists-dev"


@pytest.mark.parametrize("question, nouns, ordinal", [
    ("Which area deals with borders?", ("area", "deal"), None),
    ("Which area of the compact concerns gangs?", ("area",), None),
    ("What measure applies to care homes?", ("measur", "appli"), None),
    ("Which of the priorities helps students?", ("prioriti", "help"), None),
    ("Which of the four areas is about crime?", ("area",), None),
    ("What is the third priority?", ("prioriti",), 2),
    ("What is the last area of collaboration listed?", ("area",), -1),
    ("Name the first measure.", ("measur",), 0),
    ("What did Nielsen say about children?", None, None),  # a stopword is not a noun
    ("What would the final compact cover?", None, None),
    ("What kind of ministers did Nielsen meet?", None, None),  # "kind of": the reader's question
    ("Where did the meeting take place?", None, None),
    ("How many areas would the compact cover?", None, None),
])
def test_asked(question, nouns, ordinal):
    a = asked(question)
    if nouns is None:
        assert a is None
    else:
        assert a is not None and a.nouns == nouns and a.ordinal == ordinal


@pytest.mark.parametrize("question, nouns, number", [
    ("What are the four areas of collaboration the final compact would cover?", ("area",), 4),
    ("What are the priorities?", ("prioriti",), None),
    ("List the channels.", ("channel",), None),
    ("Name all the measures.", ("measur",), None),
    ("What measures does the guidance recommend?", ("measur",), None),
    ("Which are the 3 priorities?", ("prioriti",), 3),
    ("What is the third priority?", None, None),  # one item
    ("Which area deals with borders?", None, None),  # singular
    ("What does the plan address?", None, None),  # "does" is no noun
    ("What kinds of measures are there?", None, None),
    ("What is the status of the plan?", None, None),
    ("What are the most urgent recommendations?", ("recommend",), None),  # modifiers before the noun
    ("Which are the most important priorities?", ("prioriti",), None),
    ("What are the three most urgent recommendations?", None, None),  # the noun after three words: not read
])
def test_asked_all(question, nouns, number):
    a = asked_all(question)
    if nouns is None:
        assert a is None
    else:
        assert a is not None and a.nouns == nouns and a.number == number


@dataclass
class _Index:
    docs: dict = field(default_factory=dict)
    all_sentences: dict = field(default_factory=dict)


DOC = ("The council met on Monday.\nThe plan sets out three priorities:\n- Building Bicycle Lanes\n"
       "- Lowering Fares for Students\n- Repairing Rail Stations\nThe vote is in April.\n"
       "Residents can comment through two channels:\n1. An online survey\n2. Public hearings at the library\n")


def _segmented(text=DOC, chunk_size=3):
    d = Document("d1", text)
    seg = segment_corpus([d], IndexParams(chunk_size=chunk_size, chunk_overlap=1))
    return _Index({d.doc_id: d}, seg.all_sentences), seg.passages


def test_lists_in_finds_lead_in_and_every_item_from_any_overlap():
    idx, passages = _segmented()
    blocks = {b.lead.text: [s.text for s in b.items] for b in lists_in(passages, idx)}
    assert blocks == {"The plan sets out three priorities:": ["Building Bicycle Lanes", "Lowering Fares for Students",
                                                                "Repairing Rail Stations"],
                      "Residents can comment through two channels:": ["An online survey", "Public hearings at the library"]}
    # A passage holding only the last item still yields the whole list.
    s = next(s for s in idx.all_sentences["d1"] if s.text == "Repairing Rail Stations")
    only_last = Passage("p", "d1", (s.idx,), s.start, s.end, s.text)
    assert [(b.lead.text, len(b.items)) for b in lists_in([only_last], idx)] == [("The plan sets out three priorities:", 3)]
    # No lead-in ending in ":" -> no list.
    idx2, p2 = _segmented("Some things.\n- one thing\n- another thing\n")
    assert lists_in(p2, idx2) == []


def _picked(question, text, chunk_size, item, how):
    """The rule's pick for ``question`` over ``text`` (None when ``item`` is None) and its answer, checked
    against the expected item text and kind."""
    idx, passages = _segmented(text, chunk_size=chunk_size)
    p = pick(question, passages, idx, None, None)
    if item is None:
        assert p is None
        return None, None
    assert p is not None and p.how == how
    ans = answer_at(question, idx, "d1", p.start, p.end, p.confidence, p.label)
    assert ans.text == item and text[ans.start:ans.end] == item
    return p, ans


@pytest.mark.parametrize("question, item, how", [
    ("Which priority concerns students?", "Lowering Fares for Students", "words"),
    ("Which priority deals with rail stations?", "Repairing Rail Stations", "words"),
    ("What is the second priority?", "Lowering Fares for Students", "ordinal"),
    ("What is the last priority?", "Repairing Rail Stations", "ordinal"),
    ("Which channel involves the library?", "Public hearings at the library", "words"),
    ("What is the fourth priority?", None, None),  # only three
    ("Which priority concerns parking?", None, None),  # no item has the word; no embedder given
    ("Which committee concerns students?", None, None),  # no list of committees
    ("What are the three priorities?", "Building Bicycle Lanes\n- Lowering Fares for Students\n- Repairing Rail Stations",
     "whole list"),
    ("List the channels residents can use to comment.", "An online survey\n2. Public hearings at the library", "whole list"),
    ("Which priorities does the plan set out?", "Building Bicycle Lanes\n- Lowering Fares for Students\n- Repairing Rail Stations",
     "whole list"),
    ("What are the four priorities?", None, None),  # the list has three
    ("What are the priorities for students?", None, None),  # more than the kind: not the whole list
    ("What are the committees?", None, None),  # no list of committees
    ("What are the most important priorities?", None, None),  # "important" is not the lead-in's
    ("What are the three plan priorities?", "Building Bicycle Lanes\n- Lowering Fares for Students\n- Repairing Rail Stations",
     "whole list"),
])
def test_pick_without_a_model(question, item, how):
    p, ans = _picked(question, DOC, 3, item, how)
    if item is not None:
        assert ans.citations[0].text.endswith(":")
        if how == "whole list":
            assert [c.text for c in ans.citations][1:] == [s.text for s in p.block.items]
            assert ans.how == "whole list"
            from statementqa.render import headline

            assert headline(ans) == "; ".join(s.text.lstrip("-12. ") for s in p.block.items)  # markers dropped


STEPS = ("Owners should stop using the heater.\nTo receive the refund, owners must:\n1. Cut the power cord off the heater;\n"
         "2. Write \"recalled\" on the base;\n3. Upload a photo of both.\nOwners keep the heater.\n")


@pytest.mark.parametrize("question, item, how", [
    # a procedure's lead-in seldom says "steps": the list whose lead-in holds the question's other words
    ("What is the third step to receive the refund?", "Upload a photo of both.", "ordinal"),
    ("What is the first step?", "Cut the power cord off the heater", "ordinal"),  # without the ";" joining it to the next
    ("What is the last step to receive the refund?", "Upload a photo of both.", "ordinal"),
    ("What are the steps to receive the refund?",
     "Cut the power cord off the heater;\n2. Write \"recalled\" on the base;\n3. Upload a photo of both.", "whole list"),
    ("What is the fourth step to receive the refund?", None, None),  # only three
    ("What is the third step to get a permit?", None, None),  # "permit" is not the lead-in's
    ("What is the third priority?", None, None),  # "priority" is no generic noun: no list of priorities here
])
def test_steps_of_a_numbered_procedure(question, item, how):
    _, ans = _picked(question, STEPS, 30, item, how)
    if item is not None:
        assert ans.citations[0].text == "To receive the refund, owners must:"


def test_pick_is_ambiguous_between_two_lists_of_the_same_kind():
    text = DOC + "The budget names two priorities:\n- Hiring Drivers\n- Buying Buses\n"
    idx, passages = _segmented(text, chunk_size=30)
    assert pick("Which priority concerns drivers?", passages, idx, None, None) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcdefgh XYZ,", min_size=1, max_size=20).filter(str.strip), min_size=1, max_size=6),
       st.sampled_from(["- ", "* ", "• ", "1. "]))
def test_answer_at_is_the_item_and_cites_the_lead_in(items, marker):
    text = "The plan has these parts:\n" + "".join(f"{marker}{t}\n" for t in items)
    idx, passages = _segmented(text, chunk_size=50)
    sents: list[Sentence] = idx.all_sentences["d1"]
    for s in sents[1:]:
        ans = answer_at("q", idx, "d1", s.start, s.end, 0.9, "list item (by words)")
        assert text[ans.start:ans.end] == ans.text and ans.text.strip() == ans.text and ans.text
        assert ans.citations[0].text == "The plan has these parts:"
        assert any(c.start <= ans.start and ans.end <= c.end for c in ans.citations)
        assert ans.to_dict()["answered_by"] == "list item (by words)"


def _dev_items():
    return [json.loads(line) for line in (LISTS_DEV / "questions.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def dev_pipeline(tmp_path_factory):
    from statementqa.pipeline import Pipeline

    return Pipeline(corpus=LISTS_DEV / "corpus", data_dir=tmp_path_factory.mktemp("lists-data"))


def test_dev_set_through_the_real_pipeline(dev_pipeline):
    """Real embedder and reader: near misses all abstain; most item questions get their item,
    the rest abstain rather than answer with another item."""
    right = wrong = 0
    for it in _dev_items():
        ans = dev_pipeline.ask(it["question"])
        if not it["answerable"]:
            assert ans.abstained or not ans.how, (it["question"], ans.text)
            continue
        if ans.how:
            assert ans.text in it["answers"], (it["question"], ans.text)
            assert ans.citations[0].text.endswith(":")
            right += 1
        elif not ans.abstained and ans.text not in it["answers"]:
            wrong += 1
    assert right >= 17, right  # 13 of 17 item questions on 2026-12-02 (cycling, disabled access, data reporting:
    # no pick); and the 4 whole-list questions added on 2026-12-03


def test_statement_bullets_answered_and_switch_off(pipeline):
    cases = {
        "Which area of the compact concerns gangs?": "Countering Organized Crime and Gangs",
        "Which area deals with borders?": "Strengthening Border Security",
        "Which area of collaboration is about intelligence?": "Expanding Information and Intelligence Sharing",
        "Which area addresses trafficking of people?": "Combatting Human Trafficking and Migrant Smuggling",
        "What is the last area of collaboration listed?": "Strengthening Border Security",
    }
    for q, item in cases.items():
        ans = pipeline.ask(q)
        assert not ans.abstained and ans.text == item, (q, ans.text)
        assert [c.text for c in ans.citations] == ["The final compact would cover four distinct areas of collaboration:", item]
    four = "Combatting Human Trafficking and Migrant Smuggling\n- Countering Organized Crime and Gangs\n" \
           "- Expanding Information and Intelligence Sharing\n- Strengthening Border Security"
    for q in ("What are the four areas?", "What are the four areas of collaboration the final compact would cover?",
              "Name the areas of collaboration of the final compact."):
        ans = pipeline.ask(q)
        assert not ans.abstained and ans.text == four and ans.how == "whole list", (q, ans.text)
        assert [c.text for c in ans.citations] == ["The final compact would cover four distinct areas of collaboration:",
                                                   *(ln.lstrip("- ") for ln in four.split("\n"))]
    assert pipeline.ask("What are the five areas?").how == ""  # the list has four
    for q in ("Which area concerns cybersecurity?", "Which area deals with climate change?"):
        assert not pipeline.ask(q).how, q
    from statementqa.pipeline import Pipeline

    off = Pipeline(corpus=pipeline.settings.corpus, data_dir=pipeline.settings.data_dir, list_items="off")
    assert off.settings.list_items is False
    assert off.ask("Which area deals with borders?").how == ""


def test_the_chat_and_the_command_line_say_how_the_item_was_found(pipeline):
    from statementqa.cli import format_answer
    from statementqa.render import format_answer_md

    ans = pipeline.ask("Which area deals with borders?")
    assert "the one list item with the question's words" in format_answer_md(ans)
    assert "Found as: the one list item with the question's words" in format_answer(ans)
    whole = pipeline.ask("What are the four areas?")
    assert format_answer_md(whole).startswith("**Combatting Human Trafficking and Migrant Smuggling; Countering Organized "
                                              "Crime and Gangs; Expanding Information and Intelligence Sharing; Strengthening "
                                              "Border Security**")
    assert format_answer(whole).startswith("Answer: Combatting Human Trafficking and Migrant Smuggling\n- Countering")
    assert "the whole list the question asks for" in format_answer_md(whole)
    assert "Found as: the whole list the question asks for" in format_answer(whole)
    plain = pipeline.ask("Who issued the announcement?")
    assert plain.how == "" and "Found as" not in format_answer(plain) and "list item" not in format_answer_md(plain)


def test_no_pick_for_a_name_the_document_never_mentions():
    idx, passages = _segmented()
    assert pick("Which priority concerns students?", passages, idx, None, None) is not None
    assert pick("Which priority concerns Guatemala students?", passages, idx, None, None) is None


@pytest.mark.parametrize("question, span, expect", [
    ("What does the plan set out?", "three priorities", "three priorities:\n- Building Bicycle Lanes\n- Lowering Fares for "
     "Students\n- Repairing Rail Stations"),
    ("How can residents comment?", "through two channels", "through two channels:\n1. An online survey\n2. Public hearings "
     "at the library"),
    ("How can residents comment?", "two channels", "two channels:\n1. An online survey\n2. Public hearings at the library"),
    ("How many priorities does the plan set out?", "three priorities", None),  # the number is the answer
    ("What does the plan set out?", "The plan", None),  # does not end at the colon
    ("Who met on Monday?", "The council", None),  # no list after it
    ("What does the plan set out?", "sets out three", None),  # names no kind of thing: no plural noun
])
def test_an_answer_that_introduces_a_list_is_answered_with_it(question, span, expect):
    """"in three places" of "Vaccines will be offered in three places:" + items: the answer and the list."""
    idx, _ = _segmented()
    lead = next(s for s in idx.all_sentences["d1"] if span in s.text)
    a = DOC.index(span, lead.start)
    block = list_after(question, idx, "d1", a, a + len(span))
    if expect is None:
        assert block is None
    else:
        assert block is not None and block.lead == lead
        ans = answer_at(question, idx, "d1", a, block.items[-1].end, 0.7, "answer and the list it introduces")
        assert ans.text == expect == DOC[ans.start:ans.end]
        assert [c.text for c in ans.citations] == [lead.text, *(s.text for s in block.items)]


def test_no_list_after_an_answer_whose_number_is_not_the_lists_length():
    text = "The plan sets out four priorities:\n- Building Bicycle Lanes\n- Lowering Fares\n- Repairing Stations\n"
    idx, _ = _segmented(text)
    a = text.index("four priorities")
    assert list_after("What does the plan set out?", idx, "d1", a, a + len("four priorities")) is None
    assert list_after("What does the plan set out?", idx, "d1", a + 5, a + len("four priorities")) is not None
