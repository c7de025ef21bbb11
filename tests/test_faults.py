"""Faults: a writer killed mid-write, corpus edits while serving, bad model dirs, unwritable dirs."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from statementqa.retrieval.corpus import load_corpus
from statementqa.retrieval.store import current_path, load, open_index
from tests.conftest import REPO

pytestmark = pytest.mark.slow

KILLER = r"""
import sys, time, numpy as np
import statementqa.retrieval.store as st
real = np.save
def slow_save(*a, **k):
    print("WRITING", flush=True)
    time.sleep(60)
    return real(*a, **k)
st.np.save = slow_save
from statementqa.retrieval.corpus import load_corpus
st.open_index(load_corpus(sys.argv[1]), data_dir=sys.argv[2])
"""


def test_writer_killed_mid_write_keeps_old_index(tmp_path, corpus_dir, embedder):
    corpus = tmp_path / "c"
    shutil.copytree(corpus_dir, corpus)
    data = tmp_path / "data"
    old, _ = open_index(load_corpus(corpus), data_dir=data, embedder=embedder)
    old_key = old.manifest["key"]
    (corpus / "extra.txt").write_text("A new document about ports. It changes the corpus.")
    p = subprocess.Popen([sys.executable, "-c", KILLER, str(corpus), str(data)], cwd=REPO, stdout=subprocess.PIPE, text=True,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        assert p.stdout.readline().strip() == "WRITING"  # inside save(), temp dir half written
        assert list(data.glob(".tmp-index-*"))
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    survivor = load(current_path(data))  # verifies every checksum
    assert survivor.manifest["key"] == old_key
    # the next open rebuilds for the new corpus and removes the dead writer's temp dir
    new, info = open_index(load_corpus(corpus), data_dir=data, embedder=embedder)
    assert info["rebuilt"] and new.manifest["counts"]["documents"] == 2
    assert not list(data.glob(".tmp-index-*"))


def test_corpus_change_picked_up_on_refresh(tmp_path, corpus_dir):
    from statementqa.pipeline import Pipeline

    corpus = tmp_path / "c"
    shutil.copytree(corpus_dir, corpus)
    pl = Pipeline(corpus=corpus, data_dir=tmp_path / "d")
    assert pl.maybe_refresh()["rebuilt"] in (True, False)  # first open
    assert pl.maybe_refresh() is None  # unchanged: nothing to do
    before = len(pl.index.sentences)
    (corpus / "port.txt").write_text("The harbour of Acajutla handles most cargo. It was expanded in 2010.")
    time.sleep(0.01)
    info = pl.maybe_refresh()
    assert info["rebuilt"] and len(pl.index.sentences) == before + 2
    res = pl.search("Which harbour handles most cargo?", 1)
    assert "Acajutla" in res.hits[0].passage.text


def test_half_written_file_is_not_read_half(tmp_path, monkeypatch):
    """A file that changes between stat and read is read again."""
    import statementqa.retrieval.corpus as rc

    f = tmp_path / "a.txt"
    f.write_text("first version.")
    real = rc.Path.read_bytes
    calls = {"n": 0}

    def growing(self):
        calls["n"] += 1
        data = real(self)
        if calls["n"] == 1:
            self.write_text("first version. And a second sentence.")  # writer finishes after our read
        return data

    monkeypatch.setattr(rc.Path, "read_bytes", growing)
    docs = load_corpus(tmp_path)
    assert docs[0].text == "first version. And a second sentence." and calls["n"] >= 2


def test_unwritable_data_dir_is_reported_not_fatal(tmp_path, corpus_dir, embedder):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    idx, info = open_index(load_corpus(corpus_dir), data_dir=blocker / "data", embedder=embedder)
    assert "cannot write the index" in info["save_error"] and idx.path is None
    assert len(idx.sentences) == 19


@pytest.mark.parametrize("setup, msg", [("missing", "does not exist"), ("empty", "no config.json"), ("noweights", "no weights")])
def test_serve_bad_reader_clear_startup_error(tmp_path, corpus_dir, setup, msg):
    path = tmp_path / "m"
    if setup != "missing":
        path.mkdir()
    if setup == "noweights":
        (path / "config.json").write_text("{}")
    r = subprocess.run([sys.executable, "app.py", "--reader", str(path), "--corpus", str(corpus_dir), "--data-dir", str(tmp_path / "d"),
                        "--port", "0"], cwd=REPO, capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert r.returncode == 2 and msg in r.stderr and str(path) in r.stderr and "Traceback" not in r.stderr


def _two_doc_pipeline(tmp_path, corpus_dir):
    from statementqa.pipeline import Pipeline

    corpus = tmp_path / "c"
    shutil.copytree(corpus_dir, corpus)
    (corpus / "ports.txt").write_text("The port authority opened a new terminal in Santos. It handles containers.")
    return Pipeline(corpus=corpus, data_dir=tmp_path / "data"), corpus


def _aside_folders() -> set[str]:
    import tempfile

    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("statementqa-removed-")}


def test_removed_document_leaves_no_copy_behind(tmp_path, corpus_dir):
    """Removing a document deletes it: no copy stays in a temporary folder (one did, per removal)."""
    from statementqa.uploads import remove_document

    pl, corpus = _two_doc_pipeline(tmp_path, corpus_dir)
    before = _aside_folders()
    doc_id = next(d for d, doc in pl.index.docs.items() if doc.path == "ports.txt")
    assert remove_document(pl, doc_id).startswith("✓ removed")
    assert not (corpus / "ports.txt").exists() and doc_id not in pl.index.docs
    assert _aside_folders() == before


@pytest.mark.parametrize("error", ["user", "crash"])
def test_failed_rebuild_puts_the_document_back(tmp_path, corpus_dir, monkeypatch, error):
    """The index rebuild fails (a user error, or any exception): the document is back in the corpus."""
    from statementqa.retrieval.errors import UserError
    from statementqa.uploads import remove_document

    pl, corpus = _two_doc_pipeline(tmp_path, corpus_dir)
    text = (corpus / "ports.txt").read_text()
    doc_id = next(d for d, doc in pl.index.docs.items() if doc.path == "ports.txt")

    def failing_refresh():
        raise UserError("disk full; free space and retry") if error == "user" else RuntimeError("killed")

    monkeypatch.setattr(pl, "refresh", failing_refresh)
    before = _aside_folders()
    if error == "user":
        assert remove_document(pl, doc_id) == "✗ could not rebuild the index, the document stays: disk full; free space and retry"
    else:
        with pytest.raises(RuntimeError):
            remove_document(pl, doc_id)
    assert (corpus / "ports.txt").read_text() == text and _aside_folders() == before
