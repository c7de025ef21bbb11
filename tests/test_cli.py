"""The CLI as a user runs it: real subprocesses, offline."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


def run(*args, env_extra=None, timeout=300):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "statementqa", *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=timeout)


def test_help_is_fast_and_loads_nothing():
    code = "import sys, statementqa.cli as c; c.build_parser(); print(any(m in sys.modules for m in ('torch','transformers','faiss','sentence_transformers','gradio')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.stdout.strip() == "False"
    r = run("--help")
    assert r.returncode == 0 and "search" in r.stdout and "ask" in r.stdout


@pytest.mark.slow
def test_ask_reads_a_misspelt_question_and_says_so(tmp_path, corpus_dir):
    q = "wher did the meating take place?"
    r = run("ask", q, "--corpus", str(corpus_dir), "--data-dir", str(tmp_path))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Read as: where did the meeting take place?" and "Answer: San Salvador, El Salvador" in lines
    r = run("ask", q, "--spelling", "off", "--json", "--corpus", str(corpus_dir), "--data-dir", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "interpreted_as" not in json.loads(r.stdout)  # read as typed


@pytest.mark.slow
def test_search_prints_san_salvador_first(tmp_path, corpus_dir):
    r = run("search", "Where did the meeting take place?", "--corpus", str(corpus_dir), "--data-dir", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "San Salvador" in r.stdout.splitlines()[0]
    r = run("search", "Where did the meeting take place?", "-k", "2", "--json", "--corpus", str(corpus_dir), "--data-dir", str(tmp_path))
    data = json.loads(r.stdout)
    assert len(data["hits"]) == 2 and "San Salvador" in data["hits"][0]["sentences"][0]["text"]
    assert {"score", "passage", "dense_rank", "bm25_rank", "matched"} <= set(data["hits"][0])


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, msg",
    [
        (["search", ""], "question is empty"),
        (["search", "   "], "question is empty"),
        (["search", "x" * 100_000], "limit is 1,000"),
        (["search", "hi", "-k", "0"], "k must be a positive"),
        (["search", "hi", "-k", "-3"], "k must be a positive"),
        (["search", "hi", "--corpus", "/nonexistent/dir"], "does not exist"),
        (["search", "hi", "--corpus", "EMPTY"], "no non-empty"),
        (["search", "hi", "--corpus", "LATIN1"], "not valid UTF-8"),
        (["ask", "hi", "--reader", "/nonexistent/model"], "does not exist"),
        (["ask", "hi", "--reader", "BADMODEL"], "no config.json"),
    ],
)
def test_bad_input_one_line_error(tmp_path, corpus_dir, args, msg):
    (tmp_path / "empty").mkdir()
    (tmp_path / "latin").mkdir()
    (tmp_path / "latin" / "a.txt").write_bytes(b"caf\xe9")
    (tmp_path / "badmodel").mkdir()
    subst = {"EMPTY": str(tmp_path / "empty"), "LATIN1": str(tmp_path / "latin"), "BADMODEL": str(tmp_path / "badmodel")}
    args = [subst.get(a, a) for a in args]
    if "--corpus" not in args:
        args += ["--corpus", str(corpus_dir)]
    r = run(*args, "--data-dir", str(tmp_path / "data"))
    assert r.returncode == 2
    assert msg in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_k_larger_than_corpus_cli(tmp_path, corpus_dir):
    r = run("search", "compact", "-k", "500", "--json", "--corpus", str(corpus_dir), "--data-dir", str(tmp_path))
    assert r.returncode == 0
    assert 1 <= len(json.loads(r.stdout)["hits"]) <= 7


@pytest.mark.slow
def test_ask_names_the_document_of_each_cited_sentence_when_there_are_several(tmp_path):
    """With one document a citation's sentence number says where it is; with several it also needs
    the document: `statementqa ask` over two press-dev documents names it, over one it does not."""
    from tests.press_fixtures import press_corpus

    two = press_corpus(tmp_path / "two", "city-budget-2027", "court-ruling-2026-05-28")
    r = run("ask", "By how many votes was the budget adopted?", "--corpus", str(two), "--data-dir", str(tmp_path / "d2"))
    assert r.returncode == 0, r.stderr
    assert "Answer: nine votes to two" in r.stdout
    assert "(Riverton city budget for 2027 adopted, sentence " in r.stdout, r.stdout
    one = press_corpus(tmp_path / "one", "city-budget-2027")
    r = run("ask", "By how many votes was the budget adopted?", "--corpus", str(one), "--data-dir", str(tmp_path / "d1"))
    assert r.returncode == 0, r.stderr
    assert "(sentence " in r.stdout and "Riverton city budget for 2027 adopted, sentence" not in r.stdout, r.stdout
