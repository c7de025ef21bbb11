"""statementqa.webapp.write_export: the chat's Markdown/JSON export files, and that a long-running
server keeps a handful of them (it once left one temporary folder per answer, forever)."""
from __future__ import annotations

import json
import os
import time

from statementqa.webapp import write_export

TURN = {"question": "When will the final agreement be completed?", "answer": "next month", "abstained": False,
        "confidence": 0.81, "id": "m1", "citations": [{"doc_id": "d1", "sentence_index": 18, "text": "Ministers agreed ..."}]}
ABSTAINED = {"question": "Who chairs the meetings?", "abstained": True, "answer": None, "confidence": 0.1, "id": "m2",
             "may_answer": {"text": "Ministers agreed to engage in regular meetings."}, "citations": []}


def test_files_hold_the_conversation(tmp_path):
    md, js = write_export(tmp_path, [TURN, ABSTAINED])
    assert os.path.basename(md) == "statementqa-conversation.md" and os.path.basename(js) == "statementqa-conversation.json"
    text = open(md, encoding="utf-8").read()
    assert "**Q:** When will the final agreement be completed?" in text and "**A:** next month (confidence 0.81)" in text
    assert "> [1] Ministers agreed ... (sentence 19; ?doc=d1&s=18)" in text
    assert "**A:** not stated in the documents (may answer: “Ministers agreed to engage in regular meetings.”)" in text
    data = json.load(open(js, encoding="utf-8"))
    assert [d["id"] for d in data] == ["m1", "m2"] and data[0]["citations"][0]["sentence_index"] == 18
    assert set(data[0]) == {"question", "answer", "abstained", "confidence", "citations", "may_answer", "id"}


def test_same_conversation_same_files_and_old_ones_go(tmp_path):
    a = write_export(tmp_path, [TURN])
    assert write_export(tmp_path, [TURN]) == a  # the same state is written once, in one place
    b = write_export(tmp_path, [TURN, ABSTAINED])
    assert b != a and len(list(tmp_path.iterdir())) == 2
    old = time.time() - 3600
    os.utime(os.path.dirname(a[0]), (old, old))
    c = write_export(tmp_path, [])  # an empty chat still exports (an empty list), and prunes
    assert [p.name for p in tmp_path.iterdir()].count(os.path.basename(os.path.dirname(a[0]))) == 0
    assert os.path.exists(b[0]) and os.path.exists(c[1]) and json.load(open(c[1])) == []


def test_many_answers_leave_few_folders(tmp_path):
    old = time.time() - 3600
    for i in range(50):
        md, _ = write_export(tmp_path, [dict(TURN, question=f"q{i}")])
        os.utime(os.path.dirname(md), (old, old))  # as if the next question came an hour later
    assert len(list(tmp_path.iterdir())) == 1  # only the newest: each call removed the older ones
