"""The chat app through its API (gradio_client), its HTML building blocks, feedback and CORS."""
from __future__ import annotations

import json
import threading

import httpx
import pytest

from statementqa.feedback import FeedbackError, append_feedback
from statementqa.render import esc, format_answer_md, sentence_anchor, source_html

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(app_server):
    from gradio_client import Client

    return Client(app_server["url"], verbose=False)


def test_api_answers_with_citation(client):
    r = client.predict(question="Which country does Nielsen hope will also take part?", k=3, api_name="/ask")
    assert not r["abstained"] and "Mexico" in r["answer"]
    assert [c["sentence_index"] for c in r["citations"]] == [12] and "Mexico" in r["citations"][0]["text"]
    assert set(r) >= {"question", "answer", "abstained", "confidence", "citations", "related", "timings_ms"}
    assert 0 <= r["confidence"] <= 1


def test_api_abstains(client):
    r = client.predict(question="What is the capital of France?", k=3, api_name="/ask")
    assert r["abstained"] and r["answer"] == "" and r["citations"] == [] and r["related"]


@pytest.mark.parametrize("q, msg", [("", "empty"), ("   ", "empty"), ("why " * 300, "limit is 1,000")])
def test_api_refuses_bad_questions(client, q, msg):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=msg):
        client.predict(question=q, k=3, api_name="/ask")


def test_api_matches_cli_json(client, app_server):
    pl = app_server["pipeline"]
    a = client.predict(question="Which country may also participate?", k=3, api_name="/ask")
    b = pl.ask("Which country may also participate?", 3).to_dict()
    for key in ("answer", "abstained", "citations", "related", "retrieved"):
        assert a[key] == b[key]


def test_health_and_static(app_server):
    base = app_server["url"]
    h = httpx.get(base + "healthz", timeout=30).json()
    assert h["ok"]
    js = httpx.get(base + "gradio.js", timeout=30)
    assert js.status_code == 200 and "assets/" in js.text
    assert "gradio-app" in httpx.get(base + "examples/embed.html", timeout=30).text


def test_cors_allow_list(app_server):
    base = app_server["url"]
    ok = httpx.get(base + "config", headers={"Origin": app_server["allowed_origin"]}, timeout=30)
    assert ok.headers.get("access-control-allow-origin") == app_server["allowed_origin"]
    bad = httpx.get(base + "config", headers={"Origin": "http://evil.example"}, timeout=30)
    assert "access-control-allow-origin" not in bad.headers


def test_no_traceback_in_api_errors(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as e:
        client.predict(question="", k=0, api_name="/ask")
    assert "Traceback" not in str(e.value)


# -- pieces of the page ----------------------------------------------------------------

@pytest.mark.parametrize("payload", ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "[x](javascript:alert(1))", "**b** _i_ `c`"])
def test_markdown_escape(payload):
    out = esc(payload)
    assert "<" not in out and "](" not in out and "**" not in out


def test_source_html_highlights(pipeline):
    ans = pipeline.ask("When will the final agreement be completed?")
    assert not ans.abstained
    page = source_html(pipeline.index, ans)
    assert 'class="sent cited"' in page and '<mark class="answer">' in page
    marked = page.split('id="sq-source"')[1].split('<mark class="answer">')[1].split("</mark>")[0]
    assert marked == ans.text.replace("&", "&amp;")
    c = ans.citations[0]
    # every sentence has an anchor; the citation link in the message points at the cited one
    assert f'id="{sentence_anchor(c.doc_id, c.sentence_index)}"' in page
    assert page.count('class="sent') == len(pipeline.index.all_sentences[c.doc_id])
    md = format_answer_md(ans)
    assert f'href="#{sentence_anchor(c.doc_id, c.sentence_index)}"' in md and ">[1]</a>" in md and "Confidence:" in md


def test_source_html_escapes_document_text(tmp_path):
    from statementqa.retrieval.corpus import load_corpus
    from statementqa.retrieval.store import open_index

    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "x.txt").write_text("Evil <script>alert(1)</script> text. Second <b>sentence</b>.")
    idx, _ = open_index(load_corpus(tmp_path / "c"), data_dir=tmp_path / "d")
    page = source_html(idx)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>" not in page


# -- feedback ----------------------------------------------------------------------------

def test_feedback_concurrent_appends(tmp_path):
    log = tmp_path / "fb" / "feedback.jsonl"
    n = 400

    def fire(i):
        append_feedback(log, {"liked": i % 2 == 0, "question": f"q{i} " + "ü" * (i % 50), "answer": "a" * 3000, "citations": []})

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == n
    recs = [json.loads(x) for x in lines]
    assert sorted(int(r["question"].split()[0][1:]) for r in recs) == list(range(n))
    assert all("timestamp" in r for r in recs)


def test_feedback_write_failure_is_reported(tmp_path):
    (tmp_path / "file").write_text("not a dir")
    with pytest.raises(FeedbackError, match="could not save feedback"):
        append_feedback(tmp_path / "file" / "feedback.jsonl", {"liked": True})


def _wait_ready(base: str) -> httpx.Response:
    import time

    deadline = time.time() + 120
    while True:
        r = httpx.get(base + "readyz", timeout=30)
        if r.status_code == 200 or time.time() > deadline:
            return r
        time.sleep(0.5)


def test_rest_ask_matches_the_library_and_the_gradio_api(app_server, client):
    base = app_server["url"]
    assert _wait_ready(base).json()["ready"] is True
    q = "Which country does Nielsen hope will also take part?"
    r = httpx.post(base + "api/v1/ask", json={"question": q, "k": 3}, timeout=120)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    got = r.json()
    lib = app_server["pipeline"].ask(q, 3).to_dict()
    gradio = client.predict(question=q, k=3, api_name="/ask")
    for other in (lib, gradio):
        for key in ("question", "answer", "abstained", "confidence", "citations", "related", "retrieved"):
            assert got[key] == other[key], key
    assert "Mexico" in got["answer"] and got["citations"][0]["sentence_index"] == 12


@pytest.mark.parametrize("body, status, text", [
    ({"question": ""}, 400, "empty"),
    ({"question": "why " * 300}, 400, "limit is 1,000"),
    ({"question": "x" * 5000}, 422, "question"),
    ({"question": "Who?", "k": 0}, 422, "k"),
    ({"k": 3}, 422, "question"),
])
def test_rest_ask_refuses_bad_requests(app_server, body, status, text):
    r = httpx.post(app_server["url"] + "api/v1/ask", json=body, timeout=60)
    assert r.status_code == status, r.text
    if status == 400:
        msg = r.json()["error"]
        assert text in msg and "\n" not in msg and "Traceback" not in r.text
    else:
        assert text in r.text


def test_readyz_and_openapi_schema(app_server):
    base = app_server["url"]
    assert _wait_ready(base).status_code == 200
    schema = httpx.get(base + "api/v1/openapi.json", timeout=30).json()
    assert "/api/v1/ask" in schema["paths"] and "post" in schema["paths"]["/api/v1/ask"]
    assert "/readyz" in schema["paths"]
    assert httpx.get(base + "docs", timeout=30).status_code != 200 or "swagger" not in httpx.get(base + "docs").text.lower()


def test_readyz_is_503_until_the_models_are_loaded(pipeline):
    from statementqa.rest import is_ready

    class Fresh:
        _index = None

    assert not is_ready(Fresh(), {"warm_s": None, "error": None, "warming": True})
    assert not is_ready(pipeline, {"warm_s": 2.0, "error": "cannot load reader"})
    assert is_ready(Fresh(), {"warm_s": 2.0, "error": None, "warming": True})
    assert is_ready(pipeline, {"warm_s": None, "error": None, "warming": False}) == (pipeline._index is not None)


# -- operations: metrics, limits, access log, load test --------------------------------------------------

def _metric(text: str, name: str, **labels) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


def test_metrics_count_questions_stages_and_the_index(app_server):
    base = app_server["url"]
    _wait_ready(base)
    before = httpx.get(base + "metrics", timeout=30).text
    httpx.post(base + "api/v1/ask", json={"question": "When will the final agreement be completed?"}, timeout=120)
    httpx.post(base + "api/v1/ask", json={"question": "What is the capital of France?"}, timeout=120)
    httpx.post(base + "api/v1/ask", json={"question": ""}, timeout=120)
    r = httpx.get(base + "metrics", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    after = r.text
    for outcome, n in (("answered", 1), ("abstained", 1), ("refused", 1)):
        got = _metric(after, "statementqa_questions_total", channel="rest", outcome=outcome) - \
            _metric(before, "statementqa_questions_total", channel="rest", outcome=outcome)
        assert got == n, outcome
    for stage in ("retrieval", "reading", "total"):
        assert _metric(after, "statementqa_stage_seconds_count", stage=stage) >= 2
    assert _metric(after, "statementqa_index_generation") == 1
    gen = app_server["pipeline"].index_generation()
    assert _metric(after, "statementqa_index_info", generation_id=gen) == 1
    assert "statementqa_questions_in_flight" in after and "statementqa_ui_queue_size" in after


def _wait_for_access_lines(caplog, n: int) -> None:
    """The access line is written after the response is sent: give the server thread a moment."""
    import time

    deadline = time.time() + 5
    while sum(r.name == "statementqa.access" for r in caplog.records) < n and time.time() < deadline:
        time.sleep(0.05)


def test_rate_limit_answers_429_and_size_limit_413(pipeline, caplog):
    import logging

    from statementqa.webapp import create_app, start_in_thread

    # Models loaded first and 1 question per minute: the bucket must not refill between the asks, even
    # when each takes seconds on a busy machine (the first ask used to load the models: a minute under load).
    pipeline.warm()
    app = create_app(pipeline, warm=False, refresh_every=0, rate_limit=1, rate_burst=2, max_body=2048)
    server, base = start_in_thread(app)
    try:
        with caplog.at_level(logging.INFO, logger="statementqa.access"):
            codes = [httpx.post(base + "api/v1/ask", json={"question": "Who did Nielsen meet?"}, timeout=120).status_code
                     for _ in range(3)]
            assert codes == [200, 200, 429]
            r = httpx.post(base + "api/v1/ask", json={"question": "Who?"}, timeout=60)
            assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "too many" in r.json()["error"]
            big = httpx.post(base + "api/v1/ask", content=b'{"question": "' + b"a" * 5000 + b'"}',
                             headers={"content-type": "application/json"}, timeout=60)
            assert big.status_code == 413 and "too large" in big.json()["error"]
            assert httpx.get(base + "healthz", timeout=30).status_code == 200  # not limited
            m = httpx.get(base + "metrics", timeout=30).text
            assert _metric(m, "statementqa_questions_total", channel="http", outcome="limited") == 2
            _wait_for_access_lines(caplog, 7)
        lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "statementqa.access"]
        asks = [x for x in lines if x["path"] == "/api/v1/ask"]
        assert [x["status"] for x in asks] == [200, 200, 429, 429, 413]
        assert all("question" not in x and x["client"] == "127.0.0.1" and x["ms"] >= 0 for x in asks)
    finally:
        server.should_exit = True


def test_access_log_has_question_text_only_when_enabled(pipeline, caplog):
    import logging

    from statementqa.webapp import create_app, start_in_thread

    server, base = start_in_thread(create_app(pipeline, warm=False, refresh_every=0, log_questions=True))
    try:
        with caplog.at_level(logging.INFO, logger="statementqa.access"):
            httpx.post(base + "api/v1/ask", json={"question": "Who did Nielsen meet?"}, timeout=120)
            _wait_for_access_lines(caplog, 1)
        lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "statementqa.access"]
        assert [x.get("question") for x in lines if x["path"] == "/api/v1/ask"] == ["Who did Nielsen meet?"]
    finally:
        server.should_exit = True


def test_token_bucket_refills_at_the_rate():
    from statementqa.ops import TokenBucket

    b = TokenBucket(rate_per_min=60, burst=2)
    assert [b.take("a", now=0.0) for _ in range(3)][:2] == [0.0, 0.0]
    assert b.take("a", now=0.0) > 0 and b.take("b", now=0.0) == 0.0  # clients are separate
    assert b.take("a", now=1.01) == 0.0  # one token per second at 60/min
    assert b.take("a", now=1.5) == pytest.approx(0.5, abs=0.02)  # half a token left: half a second to wait


def test_loadtest_through_both_apis(app_server):
    from statementqa.loadtest import run_load

    _wait_ready(app_server["url"])
    for via in ("gradio", "rest"):
        r = run_load(app_server["url"], clients=3, seconds=20, max_requests=6, via=via)
        assert r["via"] == via and r["ok"] == 6 and r["errors"] == 0, r
        assert r["p50_ms"] > 0 and r["throughput_rps"] > 0


def test_chat_message_names_each_cited_document_when_given_titles():
    """With several documents (``Pipeline.titles``) each cited sentence names its document, escaped
    for the chat's Markdown; with one (None) it does not."""
    from statementqa.retrieval.types import Answer, Citation

    cites = [Citation("a1", 2, 10, 40, "The council adopted the budget on Tuesday."),
             Citation("b2", 0, 0, 11, "28 May 2026")]
    ans = Answer("When?", "Tuesday", 0.8, False, cites)
    md = format_answer_md(ans, {"a1": "Riverton *budget* 2027", "b2": "Court summary"})
    assert "_(Riverton \\*budget\\* 2027, sentence 3)_" in md and "_(Court summary, sentence 1)_" in md
    plain = format_answer_md(ans)
    assert "_(sentence 3)_" in plain and "Riverton" not in plain
    nothing = Answer("Who chairs it?", "", 0.1, True, related=[cites[1]])
    md = format_answer_md(nothing, {"a1": "A", "b2": "Court summary"})
    assert "no answer to this in the documents." in md and "- 28 May 2026 _(Court summary)_" in md
    assert "no answer to this in the statement." in format_answer_md(nothing) and "_(Court" not in format_answer_md(nothing)
    maybe = Answer("When?", "", 0.3, True, maybe=cites[0])
    assert "_(Riverton \\*budget\\* 2027)_" in format_answer_md(maybe, {"a1": "Riverton *budget* 2027"})
    assert "Riverton" not in format_answer_md(maybe)
    from statementqa.cli import format_answer

    assert "  - 28 May 2026  (Court summary)" in format_answer(nothing, {"b2": "Court summary"})
    assert "(Riverton, sentence 2, chars 10-40)" in format_answer(maybe, {"a1": "Riverton"})
    assert "(sentence 2, chars 10-40)" in format_answer(maybe)
