"""Chunking and corpus loading."""
from __future__ import annotations

import json
import os

import pytest

from statementqa.retrieval.chunk import chunk
from statementqa.retrieval.corpus import load_corpus
from statementqa.retrieval.errors import CorpusError
from statementqa.retrieval.segment import segment
from statementqa.retrieval.types import content_hash


@pytest.mark.parametrize("size, overlap", [(1, 0), (2, 0), (2, 1), (3, 1), (4, 2), (5, 0)])
def test_chunks_cover_every_citable_sentence(statement_text, size, overlap):
    sents = segment(statement_text, "d")
    ps = chunk(statement_text, sents, size, overlap)
    covered = {i for p in ps for i in p.sentence_idxs}
    assert covered == {s.idx for s in sents if not s.boilerplate}
    for p in ps:
        assert statement_text[p.start : p.end] == p.text
        assert list(p.sentence_idxs) == sorted(p.sentence_idxs)
        assert 19 not in p.sentence_idxs  # boilerplate is never in a passage
        # the list items travel with their lead-in
        items = {14, 15, 16, 17}
        if items & set(p.sentence_idxs) or 13 in p.sentence_idxs:
            assert items | {13} <= set(p.sentence_idxs)


def test_chunk_ids_are_content_hashes(statement_text):
    a = chunk(statement_text, segment(statement_text, "d"))
    b = chunk(statement_text, segment(statement_text, "d"))
    assert [p.passage_id for p in a] == [p.passage_id for p in b]
    assert len({p.passage_id for p in a}) == len(a)


@pytest.mark.parametrize("size, overlap", [(0, 0), (2, 2), (3, -1)])
def test_chunk_bad_params(statement_text, size, overlap):
    with pytest.raises(ValueError):
        chunk(statement_text, segment(statement_text), size, overlap)


def test_load_default_corpus(statement_text):
    docs = load_corpus()
    assert len(docs) == 1
    d = docs[0]
    assert d.text == statement_text and d.doc_id == content_hash(statement_text)
    assert d.meta["publisher"] == "U.S. Department of Homeland Security"
    assert d.meta["event_date"] == "2019-02-20" and d.meta["announcement_date"] == "2019-02-21"


def test_statement_bytes_exact(statement_text):
    from tests.conftest import STATEMENT

    raw = STATEMENT.read_bytes()
    assert len(raw) == 2606 and raw.endswith(b"can be found here.")
    assert "commitment \u2013 our" in statement_text and "chaos\u2026to" in statement_text


def test_more_documents_and_meta(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("# Beta\nBeta text.", encoding="utf-8")
    (tmp_path / "sub" / "b.meta.json").write_text(json.dumps({"title": "Beta doc"}))
    (tmp_path / "ignored.xlsx").write_bytes(b"PK")  # not a document type (a broken .pdf is an error: tests/test_formats.py)
    (tmp_path / "dup.txt").write_text("Alpha text.", encoding="utf-8")
    docs = load_corpus(tmp_path)
    assert sorted(d.path for d in docs) == ["a.txt", "sub/b.md"]
    assert {d.title for d in docs} == {"a.txt", "Beta doc"}


@pytest.mark.parametrize(
    "setup, msg",
    [
        (lambda d: None, "no non-empty"),
        (lambda d: (d / "x.txt").write_bytes(b"caf\xe9 latin-1"), "not valid UTF-8"),
        (lambda d: (d / "x.txt").write_text("   \n"), "no non-empty"),
        (lambda d: ((d / "x.txt").write_text("ok."), (d / "x.meta.json").write_text("{bad")), "metadata is not a valid JSON"),
    ],
)
def test_corpus_errors(tmp_path, setup, msg):
    setup(tmp_path)
    with pytest.raises(CorpusError, match=msg):
        load_corpus(tmp_path)


def test_missing_corpus(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_symlink_escape_refused(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    root = tmp_path / "corpus"
    root.mkdir()
    os.symlink(outside, root / "link.txt")
    with pytest.raises(CorpusError, match="outside the corpus"):
        load_corpus(root)


def test_bom_accepted(tmp_path):
    (tmp_path / "x.txt").write_bytes("\ufeffHello there.".encode("utf-8"))
    assert load_corpus(tmp_path)[0].text == "Hello there."
