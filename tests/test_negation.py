"""Negation pairs for reader training (reader.negation): questions and sentences negated as the
table says, the answer text kept at its shifted offset, and the unanswerable twin on the
unchanged paragraph."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.reader.negation import negate_question, negate_sentence, negation_pairs
from statementqa.reader.squad import QA
from statementqa.retrieval.segment import segment


@pytest.mark.parametrize(
    "question, expected",
    [
        ("When was the tower built?", "When wasn't the tower built?"),
        ("Who was elected president in 1860?", "Who was not elected president in 1860?"),
        ("What did Nielsen say?", "What didn't Nielsen say?"),
        ("How many people were confirmed dead?", "How many people were not confirmed dead?"),
        ("Which country can join the compact?", "Which country can't join the compact?"),
        ("What must be brought to an end?", "What must not be brought to an end?"),
        ("What Does it cover?", "What Doesn't it cover?"),
        # already negated, no auxiliary among the first words, or not a wh-question: left alone
        ("What did Nielsen not say?", None),
        ("What didn't Nielsen say?", None),
        ("Who never signed it?", None),
        ("Who signed the statement?", None),
        ("What did Nielsen say to Hasselhoff?", "What didn't Nielsen say to Hasselhoff?"),
        ("In what year of the long and troubled reign was it built?", None),
        ("Is the tower tall?", None),
    ],
)
def test_negate_question(question, expected):
    assert negate_question(question) == expected


@pytest.mark.parametrize(
    "sentence, answer, expected",
    [
        ("The tower was built in 1901.", "1901", "The tower was not built in 1901."),
        ("The epicenter was 80 kilometres west of Chengdu.", "80 kilometres", "The epicenter was not 80 kilometres west of Chengdu."),
        # the last auxiliary ahead of the answer, none after it
        ("It is said that the wall was finished by Qin.", "Qin", "It is said that the wall was not finished by Qin."),
        ("Tesla built the tower, which was tall.", "Tesla", None),
        ("The tower was not built in 1901.", "1901", None),
        ("Nothing is known, and it was never built in 1901.", "1901", None),
        ("The tower wasn't built in 1901.", "1901", None),
    ],
)
def test_negate_sentence(sentence, answer, expected):
    got = negate_sentence(sentence, sentence.index(answer))
    if expected is None:
        assert got is None
    else:
        new, at = got
        assert new == expected and new[at : at + 4] == " not"


PARA = ("The compact was signed in San Salvador on Thursday. It covers four areas of work. "
        "Mexico will host the next meeting in June.")
QAS = [
    QA("a", "Where was the compact signed?", PARA, ["San Salvador"], [PARA.index("San Salvador")], False),
    QA("b", "When will Mexico host the next meeting?", PARA, ["June"], [PARA.index("June")], False),
    QA("c", "Who signed the compact?", PARA, [], [], True),
    QA("d", "How many areas does it cover?", PARA, ["four"], [PARA.index("four")], False),  # no auxiliary ahead of "four"
]


def test_pairs_answerable_on_the_negated_paragraph_unanswerable_on_the_original():
    pairs = negation_pairs(QAS, segment, share=1.0, seed=0)
    assert [p.qid for p in pairs] == ["a-neg", "a-negna", "b-neg", "b-negna"]
    a, a_na, b, b_na = pairs
    assert a.question == a_na.question == "Where wasn't the compact signed?"
    assert "The compact was not signed in San Salvador on Thursday." in a.context
    assert a.context[a.answer_starts[0] :].startswith("San Salvador") and not a.impossible
    assert a_na.context == PARA and a_na.impossible and a_na.answers == []
    assert b.question == "When won't Mexico host the next meeting?"
    assert "Mexico will not host the next meeting in June." in b.context
    # the other sentences are untouched
    assert b.context.startswith("The compact was signed in San Salvador") and "It covers four areas" in b.context


def test_share_and_seed_choose_a_repeatable_subset():
    many = [QA(f"{q.qid}{i}", q.question, q.context, q.answers, q.answer_starts, q.impossible) for i in range(50) for q in QAS]
    half = negation_pairs(many, segment, share=0.5, seed=3)
    assert half == negation_pairs(many, segment, share=0.5, seed=3)
    assert 0 < len(half) < len(negation_pairs(many, segment, share=1.0, seed=3)) == 200
    assert negation_pairs(many, segment, share=0.0, seed=3) == []


_WORDS = st.sampled_from("the a compact tower was is were built signed in on of by and it will can 1901 June Mexico , .".split())


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=3, max_size=30), st.integers(0, 29))
def test_answer_text_survives_at_its_shifted_offset(words, k):
    """Any sentence and answer word: when a pair is made, the answer text sits at its new offset."""
    context = " ".join(words)
    k = k % len(words)
    start = len(" ".join(words[:k])) + (1 if k else 0)
    q = QA("h", "What was signed?", context, [words[k]], [start], False)
    for p in negation_pairs([q], segment, share=1.0, seed=0):
        if not p.impossible:
            s = p.answer_starts[0]
            assert p.context[s : s + len(words[k])] == words[k]
            assert p.context.replace(" not", "", 1) == context


def test_prepare_only_adds_the_pairs_as_a_source(tmp_path, monkeypatch):
    """``reader.train --prepare-only --negation-pairs 1``: the prepared data hold the SQuAD questions
    and, as a source of their own, two questions per negatable answerable one."""
    import gzip
    import json

    from statementqa.reader import squad, train, trainset

    def squad_file(path, qas):
        data = {"data": [{"title": "t", "paragraphs": [{"context": PARA, "qas": qas}]}]}
        with gzip.open(path, "wt", encoding="utf-8") as f:
            json.dump(data, f)
        return path

    def qa(qid, question, answer=None):
        ans = [{"text": answer, "answer_start": PARA.index(answer)}] if answer else []
        return {"id": qid, "question": question, "answers": ans, "is_impossible": not ans}

    monkeypatch.setattr(squad, "TRAIN_V2R", squad_file(tmp_path / "train.json.gz", [
        qa("a", "Where was the compact signed?", "San Salvador"), qa("c", "Who signed the compact?"),
        qa("d", "How many areas does it cover?", "four")]))
    monkeypatch.setattr(squad, "DEV_V2A", squad_file(tmp_path / "dev.json.gz", [qa("b", "When will Mexico host the next meeting?", "June")]))
    out = tmp_path / "neg.npz"
    train.main(["--prepare-only", "--prepared", str(out), "--negation-pairs", "1", "--work", str(tmp_path / "w")])
    m = trainset.load(out).manifest
    assert m["questions"] == 8 and m["sources"]["negation pairs (1 of the answerable)"] == {"questions": 4, "unanswerable": 2}
    assert m["sources"]["train-v2.0-rebuilt"] == {"questions": 3, "unanswerable": 1}
