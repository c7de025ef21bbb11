"""`statementqa review`: corrections from the app become test cases; decisions are kept, never deleted."""
from __future__ import annotations

import json

import pytest

from statementqa.review import decisions_path, pending, run_review

SENT = "Ministers agreed to complete the final agreement next month and to engage in regular meetings."


def _corr(mid, reason, sentence=True, right=None, answer="February 20", abstained=False):
    return {"kind": "correction", "liked": False, "message_id": mid, "question": f"question {mid}?", "answer": answer,
            "abstained": abstained, "confidence": 0.3, "reason": reason,
            "sentence": {"doc_id": "d", "sentence_index": 18, "text": SENT} if sentence else None, "correct_answer": right}


@pytest.mark.parametrize("record, expected", [
    (_corr("a1", "should_abstain", sentence=False), {"answerable": False, "answers": [], "supporting": []}),
    (_corr("a2", "should_answer", right="next month"), {"answerable": True, "answers": ["next month"], "supporting": [SENT]}),
    (_corr("a3", "wrong_answer", right="next month"), {"answerable": True, "answers": ["next month"], "supporting": [SENT]}),
    (_corr("a4", "wrong_sentence", answer="next month"), {"answerable": True, "answers": ["next month"], "supporting": [SENT]}),
    (_corr("a5", "wrong_answer"), None),  # no right answer given: cannot become a test
    (_corr("a6", "should_answer", sentence=False, right="next month"), None),  # no sentence
    (_corr("a7", "wrong_answer", right="not in the sentence"), None),
])
def test_correction_to_test_case(tmp_path, record, expected):
    log, out = tmp_path / "feedback.jsonl", tmp_path / "fb_qa.jsonl"
    log.write_text(json.dumps({"liked": True, "message_id": "x", "question": "q"}) + "\n" + json.dumps(record) + "\nnot json\n")
    stats = run_review(log, out, accept_all=True, say=lambda s: None)
    assert stats["pending"] == 1
    cases = [json.loads(x) for x in out.read_text().splitlines()] if out.exists() else []
    if expected is None:
        assert cases == [] and stats["cannot"] == 1
        assert len(pending(log)) == 1  # still pending: can be fixed with --answer or rejected
    else:
        (case,) = cases
        assert {k: case[k] for k in expected} == expected
        assert case["id"] == f"fb-{record['message_id']}" and case["source"] == "feedback" and case["category"] == "feedback"
        assert case["date"] and case["question"] == record["question"]
        assert pending(log) == []


def test_reject_marks_and_keeps_everything(tmp_path):
    log, out = tmp_path / "feedback.jsonl", tmp_path / "fb_qa.jsonl"
    lines = [json.dumps(_corr("r1", "should_abstain", sentence=False)), json.dumps(_corr("r2", "wrong_answer"))]
    log.write_text("\n".join(lines) + "\n")
    before = log.read_text()
    stats = run_review(log, out, reject=["r1"], answers={"r2": "next month"}, accept=["r2"], say=lambda s: None)
    assert stats["rejected"] == 1 and stats["accepted"] == 1
    assert log.read_text() == before  # the feedback log is never rewritten
    decisions = [json.loads(x) for x in decisions_path(log).read_text().splitlines()]
    assert [(d["message_id"], d["decision"]) for d in decisions] == [("r1", "rejected"), ("r2", "accepted")]
    assert [json.loads(x)["answers"] for x in out.read_text().splitlines()] == [["next month"]]
    assert pending(log) == []
    # a second run finds nothing new and writes nothing twice
    assert run_review(log, out, accept_all=True, say=lambda s: None)["pending"] == 0
    assert len(out.read_text().splitlines()) == 1


def test_interactive_review(tmp_path):
    log, out = tmp_path / "feedback.jsonl", tmp_path / "fb_qa.jsonl"
    log.write_text(json.dumps(_corr("i1", "wrong_answer")) + "\n" + json.dumps(_corr("i2", "should_abstain", sentence=False)) + "\n")
    answers = iter(["a", "next month", "r"])  # accept i1 (asks for the missing answer), reject i2
    shown: list[str] = []
    stats = run_review(log, out, ask=lambda prompt: next(answers), say=shown.append)
    assert stats["accepted"] == 1 and stats["rejected"] == 1
    assert any("question i1?" in s for s in shown)
    assert json.loads(out.read_text())["answers"] == ["next month"]


def test_review_command_line(tmp_path, capsys):
    from statementqa.cli import main

    log, out = tmp_path / "feedback.jsonl", tmp_path / "fb_qa.jsonl"
    log.write_text(json.dumps(_corr("c1", "should_answer", right="next month")) + "\n")
    assert main(["review", "--feedback-log", str(log), "--out", str(out), "--list"]) == 0
    assert "question c1?" in capsys.readouterr().out and not out.exists()
    assert main(["review", "--feedback-log", str(log), "--out", str(out), "--accept-all"]) == 0
    assert "1 accepted" in capsys.readouterr().out and json.loads(out.read_text())["id"] == "fb-c1"


@pytest.mark.slow
def test_recalibrate_writes_the_threshold_and_the_report_shows_it(tmp_path, corpus_dir):
    from types import SimpleNamespace

    from statementqa.eval.runner import main_eval
    from statementqa.pipeline import Pipeline
    from statementqa.review import recalibrate
    from tests.conftest import REPO

    lines = (REPO / "eval" / "data" / "statement_qa.jsonl").read_text().splitlines()
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(lines[:8] + lines[-4:]) + "\n")
    fb = tmp_path / "fb_qa.jsonl"
    fb.write_text(json.dumps({"id": "fb-x", "question": "What did Nielsen say about children?", "category": "feedback",
                              "source": "feedback", "answers": ["We cannot allow children to be used as pawns"],
                              "answerable": True, "supporting": []}) + "\n")
    pl = Pipeline(corpus=corpus_dir, data_dir=tmp_path / "d")
    before = pl.threshold()
    shown: list[str] = []
    rec = recalibrate(pl, [small, fb], say=shown.append)
    assert rec["n"] == 13 and rec["n_feedback"] == 1 and rec["previous"] == pytest.approx(before, abs=1e-4)
    assert rec["f1_after"] >= rec["f1_before"]  # the best threshold on these questions is at least as good
    assert pl.threshold() == pytest.approx(rec["threshold"]) and "| before |" in shown[0]
    args = SimpleNamespace(corpus=corpus_dir, data_dir=tmp_path / "d", embedder=None, reader=None, index_type=None, chunk_size=None,
                           chunk_overlap=None, dataset=small, out=tmp_path / "run", k=None, gold_context=False, limit=None,
                           on_error="skip", compare=None, gate=None, part="all", junit=None, endpoint=None)
    assert main_eval(args) == 0
    assert "recalibrated on" in (tmp_path / "run" / "report.md").read_text()
    assert "recalibrated on" in (tmp_path / "run" / "report.html").read_text()
    (tmp_path / "d" / "threshold.json").unlink()
    assert pl.threshold() == pytest.approx(before)
