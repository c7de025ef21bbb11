"""Shared fixtures: the statement, a pipeline over it with a temporary data dir (real models)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
STATEMENT = REPO / "corpus" / "dhs-northern-triangle-compact-2019-02-21.txt"
SQUAD_DIR = REPO.parent / "shared" / "data" / "squad"
ARTEFACTS = REPO / "test-artefacts"


@pytest.fixture(scope="session")
def statement_text() -> str:
    return STATEMENT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def embedder():
    from statementqa.retrieval.embed import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    for p in (REPO / "corpus").iterdir():
        shutil.copy2(p, d / p.name)
    return d


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory, corpus_dir):
    from statementqa.pipeline import Pipeline

    return Pipeline(corpus=corpus_dir, data_dir=tmp_path_factory.mktemp("data"))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_server(pipeline, tmp_path_factory):
    """The real app (shipped reader) on a free loopback port, with one extra origin allowed (the embed page's)."""
    from statementqa.webapp import create_app, start_in_thread

    embed_port = free_port()
    origin = f"http://127.0.0.1:{embed_port}"
    fb = tmp_path_factory.mktemp("fb") / "feedback.jsonl"
    # A generous rate limit: many tests ask from 127.0.0.1 in quick succession (the limiter has its own tests).
    app = create_app(pipeline, cors=[origin], feedback_log=fb, rate_limit=6000, rate_burst=600)
    server, url = start_in_thread(app)
    yield {"url": url, "pipeline": pipeline, "allowed_origin": origin, "embed_port": embed_port, "feedback": fb}
    server.should_exit = True


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (one per test session)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (make test installs Debian's chromium)")
        pytest.skip("chromium is not installed; `make test` installs it")
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()
